"""``coopstream produce FILE``: publish raw articles from JSON Lines to the input topic, keyed by id.

Every non-blank line is published as it is, valid or not (the worker dead-letters what it
cannot process); the key is the article's id (derived from its url when it has none), or no
key when the line has neither.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from coopstream.codec import decode_article
from coopstream.config import Settings, add_flags, load_settings
from coopstream.errors import CoopstreamError, RecordError, StreamError
from coopstream.stream.clients import connection_options
from coopstream.stream.topics import CONNECTION_SETTINGS


@dataclass
class Published:
    records: int = 0
    keyed: int = 0
    invalid: int = 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "produce",
        help="publish raw articles from JSON Lines to the input topic, keyed by article id",
        description="Publish every non-blank line of FILE (or standard input for -) to the input topic, "
        "keyed by the article's id. Lines that are not valid articles are published too: the worker "
        "dead-letters them.",
    )
    p.add_argument("file", metavar="FILE|-", help="JSON Lines of raw articles")
    add_flags(p, only=(*CONNECTION_SETTINGS, "input_topic"))
    p.set_defaults(func=cmd_produce)


def cmd_produce(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if args.file == "-":
        counts = publish_lines(settings, sys.stdin.buffer)
    else:
        path = Path(args.file)
        if not path.is_file():
            raise CoopstreamError(f"FILE: {args.file} is not a file")
        with path.open("rb") as fh:
            counts = publish_lines(settings, fh)
    print(f"published {counts.records} record(s) to {settings.input_topic}: {counts.keyed} keyed by article id, "
          f"{counts.invalid} not valid articles (the worker will dead-letter them)")
    return 0


def article_key(line: bytes) -> tuple[bytes | None, bool]:
    """The record key of one line and whether the line is a valid article."""
    try:
        return decode_article(line).id.encode("utf-8"), True
    except RecordError:
        pass
    try:
        data: Any = json.loads(line)
    except ValueError:
        return None, False
    ident = data.get("id") if isinstance(data, dict) else None
    return (ident.encode("utf-8") if isinstance(ident, str) and ident else None), False


def publish_lines(settings: Settings, lines: Iterable[bytes] | IO[bytes], topic: str | None = None) -> Published:
    """Publish each non-blank line and wait for every acknowledgement (``acks=all``)."""
    counts = Published()
    try:
        producer = KafkaProducer(**connection_options(settings), acks="all", enable_idempotence=True,
                                 linger_ms=5, allow_auto_create_topics=False, max_block_ms=30000)
    except KafkaError as exc:
        raise StreamError(f"cannot reach the brokers at {settings.bootstrap_servers}: {exc!r}") from exc
    futures = []
    try:
        for raw in lines:
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                continue
            key, valid = article_key(line)
            futures.append(producer.send(topic or settings.input_topic, value=line, key=key))
            counts.records += 1
            counts.keyed += key is not None
            counts.invalid += not valid
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=0)
    except KafkaError as exc:
        raise StreamError(f"publishing failed: {exc!r}") from exc
    finally:
        producer.close(timeout=10)
    return counts
