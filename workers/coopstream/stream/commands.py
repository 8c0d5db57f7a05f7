"""The Kafka subcommands the ``coopstream`` command line registers: run, produce, topics, demo."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from coopstream.stream import demo, produce, run, topics

Register: TypeAlias = "Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]"

COMMANDS: list[Register] = [run.register, produce.register, topics.register, demo.register]
