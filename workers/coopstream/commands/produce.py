"""``coopstream produce FILE``: publish raw articles from JSON Lines to the input topic, keyed by id.

Every non-blank line is published as it is, valid or not (the worker dead-letters what it cannot
process). ``--max-record-bytes`` (the worker's own limit by default) stops at a line over it, naming
the line and how many records went out before.
"""

from __future__ import annotations

import argparse

from coopstream.config import CONNECTION_SETTINGS, add_flags, load_settings
from coopstream.exits import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "produce",
        help="publish raw articles from JSON Lines to the input topic, keyed by article id",
        description="Publish every non-blank line of FILE (or standard input for -) to the input topic, "
        "keyed by the article's id. Lines that are not valid articles are published too: the worker "
        "dead-letters them. A line over --max-record-bytes stops the publishing, and so does one the "
        "brokers refuse; the message names the line and how many records were published.",
    )
    p.add_argument("file", metavar="FILE|-", help="JSON Lines of raw articles")
    add_flags(p, only=(*CONNECTION_SETTINGS, "input_topic", "max_record_bytes"))
    p.set_defaults(func=cmd_produce, parser=p)


def cmd_produce(args: argparse.Namespace) -> int:
    from coopstream.commands.lines import numbered_lines, open_input
    from coopstream.observability.logs import configure_logging
    from coopstream.stream.publish import publish_lines

    settings = load_settings(args)
    configure_logging("console", "warning")
    source, _ = open_input(args.file, "FILE")
    try:
        counts = publish_lines(settings, numbered_lines(source))
    finally:
        if args.file != "-":
            source.close()
    print(
        f"published {counts.records} record(s) to {settings.input_topic}: {counts.keyed} keyed by article id, "
        f"{counts.invalid} not valid articles (the worker will dead-letter them)"
    )
    return EXIT_OK
