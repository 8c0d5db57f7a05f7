"""``coopstream topics create``: the worker's four topics, with partitions and replication from the
settings and ``max.message.bytes`` that fits ``max_record_bytes`` (see ``coopstream.stream.admin``).

Idempotent: topics that exist are left as they are (and reported with their partition count).
"""

from __future__ import annotations

import argparse

from coopstream.config import CONNECTION_SETTINGS, TOPIC_SETTINGS, add_flags, load_settings
from coopstream.exits import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("topics", help="manage the worker's topics", description="Manage the worker's topics.")
    actions = p.add_subparsers(dest="topics_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create the input, output, engagements and dead-letter topics (idempotent)",
        description="Create the four topics with the configured partitions and replication factor, and a "
        "max.message.bytes that fits --max-record-bytes (twice that for the output topics, whose events and "
        "dead letters are larger than the articles); topics that already exist are left alone.",
    )
    add_flags(
        create,
        only=(*CONNECTION_SETTINGS, *TOPIC_SETTINGS, "topic_partitions", "topic_replication", "max_record_bytes"),
    )
    create.set_defaults(func=cmd_create, parser=create)
    p.set_defaults(parser=p)


def cmd_create(args: argparse.Namespace) -> int:
    from coopstream.observability.logs import configure_logging
    from coopstream.stream.admin import create_topics

    settings = load_settings(args)
    configure_logging("console", "warning")
    for topic, state in create_topics(settings).items():
        print(f"{topic}: {state}")
    return EXIT_OK
