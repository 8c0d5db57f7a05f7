"""Raw articles from lines to the input topic, keyed by article id (``coopstream produce`` and the demo).

Every line is published as it is, valid or not (the worker dead-letters what it cannot process); the
key is the article's id (derived from its url when it has none), or no key when the line has neither.
A line over the size limit, or one the brokers refuse, stops the publishing; the error names the line
and how many records were published.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, MessageSizeTooLargeError

from coopstream.codec import decode_article
from coopstream.config import Settings
from coopstream.errors import RecordError, RecordTooLarge, StreamError
from coopstream.stream.admin import input_limit_bytes
from coopstream.stream.clients import connection_options
from coopstream.stream.preflight import preflight


@dataclass
class Published:
    records: int = 0
    keyed: int = 0
    invalid: int = 0


@dataclass
class _Sent:
    line: int
    future: Any
    keyed: bool
    valid: bool


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


def publish_lines(
    settings: Settings, lines: Iterable[tuple[int, bytes]], topic: str | None = None, max_bytes: int | None = None
) -> Published:
    """Publish each ``(line number, line)`` and wait for every acknowledgement (``acks=all``)."""
    limit = settings.max_record_bytes if max_bytes is None else max_bytes
    target = topic or settings.input_topic
    preflight(settings)
    try:
        producer = KafkaProducer(
            **connection_options(settings),
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            allow_auto_create_topics=False,
            max_block_ms=30000,
            max_request_size=max(limit, input_limit_bytes(settings)),
        )
    except KafkaError as exc:
        raise StreamError(f"cannot reach the brokers at {settings.bootstrap_servers}: {exc!r}") from exc
    counts = Published()
    sent: deque[_Sent] = deque()
    try:
        for number, line in lines:
            if len(line) > limit:
                _settle(producer, sent, counts)
                raise RecordTooLarge(
                    f"line {number} is {len(line)} bytes, over the limit of {limit} (--max-record-bytes / "
                    f"COOPSTREAM_MAX_RECORD_BYTES): published {counts.records} record(s) to {target} before it, "
                    "none after"
                )
            key, valid = article_key(line)
            sent.append(_Sent(number, producer.send(target, value=line, key=key), key is not None, valid))
            while sent and sent[0].future.is_done:
                _account(sent.popleft(), counts, producer, sent, target)
        _settle(producer, sent, counts, target)
    except KafkaError as exc:
        raise StreamError(f"publishing failed after {counts.records} record(s): {exc!r}") from exc
    finally:
        producer.close(timeout=10)
    return counts


def _settle(producer: Any, sent: deque[_Sent], counts: Published, target: str = "") -> None:
    producer.flush(timeout=60)
    while sent:
        _account(sent.popleft(), counts, producer, sent, target)


def _account(item: _Sent, counts: Published, producer: Any, rest: deque[_Sent], target: str) -> None:
    """Count one acknowledged record; on a refused one, wait for the others and say what went out."""
    try:
        item.future.get(timeout=0)
    except KafkaError as exc:
        producer.flush(timeout=60)
        for other in rest:  # sent before the failure was seen: some may have gone out
            if other.future.is_done and other.future.succeeded():
                _count(other, counts)
        rest.clear()
        hint = ""
        if isinstance(exc, MessageSizeTooLargeError):
            hint = " (the topic's max.message.bytes is below the record: 'coopstream topics create' sizes new topics)"
        raise StreamError(
            f"line {item.line}: the brokers refused the record: {type(exc).__name__}{hint}; published "
            f"{counts.records} record(s) to {target}, none after line {item.line} was sent"
        ) from exc
    _count(item, counts)


def _count(item: _Sent, counts: Published) -> None:
    counts.records += 1
    counts.keyed += item.keyed
    counts.invalid += not item.valid
