"""The subcommands of ``coopstream``, one module each, and the registry the command line reads.

    enrich    raw articles from a file or standard input to enriched events (no Kafka)
    schemas   write or check the JSON Schemas generated from the message models (no Kafka)
    run       the Kafka worker
    produce   publish raw articles from JSON Lines to the input topic
    topics    ``topics create``: the worker's four topics
    demo      the whole pipeline on an embedded broker with the bundled samples (``demo_report``: its summary)
    lines     reading JSON Lines input, shared by ``enrich`` and ``produce``

Each module's ``register`` adds its parser and needs nothing heavy; the Kafka client and the
enrichment are imported only when a command runs, so ``enrich`` and ``schemas`` start without
loading the Kafka client.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from coopstream.commands import demo, enrich, produce, run, schemas, topics

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Register: TypeAlias = Callable[[Subparsers], None]

COMMANDS: tuple[Register, ...] = (
    enrich.register,
    run.register,
    produce.register,
    topics.register,
    demo.register,
    schemas.register,
)
