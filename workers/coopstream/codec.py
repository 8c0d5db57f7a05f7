"""Bytes to articles and events to bytes, at the edges; every failure is a RecordError with a reason."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from coopstream import __version__
from coopstream.errors import DecodeError, InvalidArticle, OversizeRecord, RecordError
from coopstream.schemas import (
    DeadLetter,
    DeadLetterError,
    EnrichedEvent,
    OriginalHeader,
    RawArticle,
    SourceRecord,
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def decode_article(value: bytes | None, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """Validate one raw record; raise a RecordError naming what is wrong."""
    if value is None:
        raise DecodeError("record has no value (tombstone)", kind="empty_record")
    if len(value) > max_bytes:
        raise OversizeRecord(f"record is {len(value)} bytes, over the limit of {max_bytes}")
    try:
        # the fast path: orjson rejects invalid UTF-8 and lone surrogates itself, so a value it accepts needs no
        # scan of its characters; whatever it rejects takes the path below, which names the reason
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        pass
    else:
        if isinstance(data, dict):
            _check_depth(data)
            return _validate(data)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"value is not valid UTF-8: {exc}", kind="invalid_utf8") from exc
    return parse_article(text)


def parse_article(text: str) -> RawArticle:
    if not text.strip():
        raise DecodeError("value is empty", kind="empty_record")
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply", kind="invalid_json") from exc
    except json.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}", kind="invalid_json") from exc
    if not isinstance(data, dict):
        raise InvalidArticle(f"JSON {type(data).__name__} where an object was expected")
    _reject_surrogates(data)
    return _validate(data)


def _validate(data: dict[str, Any]) -> RawArticle:
    try:
        return RawArticle.model_validate(data)
    except ValidationError as exc:
        raise InvalidArticle(_summarise(exc)) from exc
    except RecursionError as exc:
        raise InvalidArticle("value nested too deeply") from exc


_MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def _reject_surrogates(data: dict[str, Any]) -> None:
    """Lone surrogates anywhere (keys, values, nested) are not text; nor is nesting past a sane depth."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise InvalidArticle(f"value nested more than {_MAX_DEPTH} levels deep")
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise DecodeError("a string holds a lone surrogate (not valid Unicode text)", kind="invalid_text")
        elif isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _check_depth(data: dict[str, Any]) -> None:
    """Nesting past a sane depth is refused (the strings need no scan: the fast decoder checked them)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise InvalidArticle(f"value nested more than {_MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err["loc"]) or "article"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def encode_event(event: EnrichedEvent) -> bytes:
    return event.model_dump_json().encode("utf-8")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_or_b64(raw: bytes | None) -> tuple[str | None, str]:
    if raw is None:
        return None, "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii"), "base64"
    return text, "utf-8"


def dead_letter(
    error: RecordError,
    value: bytes | None,
    *,
    key: bytes | None = None,
    headers: list[tuple[str, bytes | None]] | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    timestamp_ms: int | None = None,
    failed_at: str | None = None,
) -> DeadLetter:
    """The dead letter of one record: its original bytes, where it came from, and why it failed."""
    v, v_enc = _text_or_b64(value)
    k, k_enc = _text_or_b64(key)
    hdrs = []
    for hk, hv in headers or []:
        text, enc = _text_or_b64(hv)
        hdrs.append(OriginalHeader(key=hk, value=text, encoding=enc))
    return DeadLetter(
        error=DeadLetterError(kind=error.kind, message=str(error)[:2000]),
        record=SourceRecord(
            topic=topic,
            partition=partition,
            offset=offset,
            timestamp_ms=timestamp_ms,
            key=k,
            key_encoding=k_enc,
            value=v,
            value_encoding=v_enc,
            headers=hdrs,
        ),
        worker_version=__version__,
        failed_at=failed_at or utc_now(),
    )
