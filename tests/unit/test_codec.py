from __future__ import annotations

import base64
import json

import pytest

from coopstream.codec import dead_letter, decode_article
from coopstream.errors import DecodeError, InvalidArticle, OversizeRecord, RecordError


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (b"not json", "invalid_json"),
        (b"[1, 2]", "invalid_article"),
        (b'{"id": "1"}', "invalid_article"),
        (b'{"id": "1", "text": ""}', "invalid_article"),
        (b'{"id": "1", "text": 5}', "invalid_article"),
        (b'{"id": "1", "text": "caf\xe9"}', "invalid_utf8"),
        (b'{"id": "1", "text": "a \\ud800 b"}', "invalid_text"),
        (b"[" * 100000 + b"]" * 100000, "invalid_json"),
        (b"", "empty_record"),
        (None, "empty_record"),
    ],
)
def test_bad_records_name_their_reason(value: bytes | None, kind: str) -> None:
    with pytest.raises(RecordError) as info:
        decode_article(value)
    assert info.value.kind == kind


def test_oversize() -> None:
    with pytest.raises(OversizeRecord):
        decode_article(json.dumps({"id": "1", "text": "x" * 5000}).encode(), max_bytes=1024)


def test_good_record() -> None:
    art = decode_article(b'{"id": "a1", "text": "Hello", "title": "T", "extra_field": 1}')
    assert art.id == "a1" and art.extra == {"extra_field": 1}


def test_dead_letter_keeps_original_bytes() -> None:
    letter = dead_letter(
        DecodeError("bad"),
        b"\xff\xfe raw",
        key=b"k1",
        headers=[("h", b"\xff")],
        topic="articles.raw",
        partition=2,
        offset=41,
        timestamp_ms=123,
    )
    assert letter.record.value_encoding == "base64"
    assert base64.b64decode(letter.record.value or "") == b"\xff\xfe raw"
    assert letter.record.key == "k1"
    assert letter.record.headers[0].encoding == "base64"
    assert (letter.record.topic, letter.record.partition, letter.record.offset) == ("articles.raw", 2, 41)
    assert letter.error.kind == "invalid_json"


@pytest.mark.parametrize("value", [b"[1]", b'{"id": "x"}', b'{"id": "x", "text": 1}', b'{"text": "no id or url"}'])
def test_wrong_shapes_are_dead_lettered_as_invalid_articles(value: bytes) -> None:
    with pytest.raises(InvalidArticle) as info:
        decode_article(value)
    letter = dead_letter(info.value, value, topic="articles.raw", partition=0, offset=3)
    assert letter.error.kind == "invalid_article" and letter.record.value == value.decode()


def test_nested_surrogates_and_depth_have_their_reasons() -> None:
    with pytest.raises(RecordError) as info:
        decode_article(b'{"id": "1", "text": "ok", "extra": {"a": ["\\udc00"]}}')
    assert info.value.kind == "invalid_text"
    deep = b'{"id": "1", "text": "ok", "extra": ' + b"[" * 200 + b"]" * 200 + b"}"
    with pytest.raises(InvalidArticle):
        decode_article(deep)
