"""The bad-input corpus of the fault tests: malformed records in many shapes, and hostile but valid articles.

Each ``Case`` says which class it belongs to and what must become of it: a dead letter with one of the
``reasons``, or (``reasons`` empty) an enriched event for ``article_id``. Everything is generated here from the
bundled samples and a seed; nothing is read from outside the repository.
"""

from __future__ import annotations

import html.entities
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from support.articles import sample_articles

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class Case:
    cls: str
    key: bytes | None
    value: bytes | None
    reasons: frozenset[str] = frozenset()  # the dead letter's reason; empty: a good record, enriched as ``article_id``
    article_id: str | None = None
    headers: Headers = field(default_factory=list)

    @property
    def good(self) -> bool:
        return not self.reasons


def _j(obj: object) -> bytes:
    return json.dumps(obj).encode()


def _bad(
    cls: str,
    reason: str,
    variants: list[bytes | None],
    count: int,
    prefix: str,
    keys: Callable[[int], bytes] | None = None,
    headers: Headers | None = None,
) -> list[Case]:
    wanted = frozenset({reason})
    return [
        Case(
            cls,
            keys(i) if keys else f"{prefix}-{cls[:12]}-{i}".encode(),
            variants[i % len(variants)],
            wanted,
            headers=list(headers or []),
        )
        for i in range(count)
    ]


def bad_records(prefix: str, count: int = 1100, oversize_bytes: int = 5_500_000) -> list[Case]:
    """At least ``count`` malformed records, spread over the classes the worker must dead-letter."""
    share = count // 8
    not_json = [
        b'{"id": "x", "text": ',
        b"hello world",
        b"<html><body>an article</body></html>",
        b"{'id': 'single quotes', 'text': 'x'}",
        b'{"id": "a", "text": "b",}',
        b"NaN garbage ]]",
        b'{"id": "a" "text": "b"}',
        b"\xef\xbb\xbf",
    ]
    nul = [b"\x00" * 16, b'{"id": "n", "text": "a\x00b"}', b"\x00{}", b'{"id":\x00"x"}']
    not_object = [b"[1, 2, 3]", b"42", b'"just a string"', b"null", b"true", b'[{"id": "x", "text": "y"}]', b"-0.5e3"]
    no_text = [
        _j({"id": "no-text", "title": "nothing else"}),
        _j({"id": "empty", "text": ""}),
        _j({"id": "blank", "text": "   \n\t  "}),
        _j({"text": "neither id nor url"}),
        _j({"id": "", "text": "an empty id and no url"}),
        _j({}),
    ]
    wrong_types = [
        _j({"id": "t", "text": 123}),
        _j({"id": "t", "text": ["a", "list"]}),
        _j({"id": "t", "text": {"an": "object"}}),
        _j({"id": "t", "text": True}),
        _j({"id": "t", "text": None}),
        _j({"id": 5, "text": "numeric id"}),
        _j({"id": "t", "text": "x", "title": 7}),
        _j({"id": "t", "text": "x", "published_at": []}),
        _j({"id": "t", "text": "x", "language": 12}),
        _j({"id": "t", "text": "x", "url": {}}),
        _j({"id": "t", "text": "x", "source": 3.14}),
    ]
    bad_utf8 = [
        b'{"id": "u", "text": "caf\xe9 au lait"}',
        '{"id": "u16", "text": "x"}'.encode("utf-16"),
        b'{"id": "u", "text": "\xc3\x28"}',
        b'{"id": "u", "text": "\xc0\xaf"}',
        b'{"id": "u", "text": "\xe2\x82"}',
        b'{"id": "u", "text": "\xed\xa0\x80"}',
        b"\xff\xfe\xfd",
    ]
    surrogates = [
        b'{"id": "s", "text": "a\\ud800b"}',
        b'{"id": "s", "text": "\\udfff"}',
        b'{"id": "s", "text": "ok", "title": "\\udc80"}',
        b'{"id": "s", "text": "ok", "\\ud83d": 1}',
        b'{"id": "\\ud800", "text": "ok"}',
    ]
    nested = [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id": "d", "text": "x", "extra": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"a": ' * 20_000 + b"1" + b"}" * 20_000,
    ]
    empty: list[bytes | None] = [None, b"", b"   ", b"\n"]
    oversize = [_j({"id": "huge", "text": "word " * (oversize_bytes // 5)})]

    cases = (
        _bad("not JSON", "invalid_json", list(not_json), share, prefix)
        + _bad("null bytes", "invalid_json", list(nul), share // 2, prefix)
        + _bad("JSON that is not an object", "invalid_article", list(not_object), share, prefix)
        + _bad("missing or empty text, no id", "invalid_article", no_text, share, prefix)
        + _bad("wrong types", "invalid_article", wrong_types, share, prefix)
        + _bad("invalid UTF-8", "invalid_utf8", list(bad_utf8), share, prefix)
        + _bad("lone surrogates escaped in JSON", "invalid_text", list(surrogates), share, prefix)
        + _bad("deeply nested JSON", "invalid_json", list(nested), 30, prefix)
        + _bad("empty value or tombstone", "empty_record", empty, share // 2, prefix)
        + _bad("over the size limit", "oversize", list(oversize), 2, prefix)
        + _bad(
            "lone surrogate inside an unknown field",
            "invalid_text",
            [b'{"id": "s", "text": "ok", "extra": ["\\udc80"]}', b'{"id": "s", "text": "ok", "x": {"y": "\\ud800"}}'],
            share // 2,
            prefix,
        )
        + _bad(
            "unknown field nested 600 deep",
            "invalid_article",
            [b'{"id": "d", "text": "ok", "extra": ' + b"[" * 600 + b"]" * 600 + b"}"],
            20,
            prefix,
        )
        + _bad(
            "bad value, key and headers not UTF-8",
            "invalid_json",
            [b"not json"],
            share,
            prefix,
            keys=lambda i: b"\xff\xfe" + i.to_bytes(4, "big"),
            headers=[("trace", b"\xc3\x28\xff"), ("\xe9t\xe9", b"ok")],
        )
    )
    assert len(cases) >= count, len(cases)
    return cases


def _article(
    cls: str, article_id: str, text: str, key: bytes | None = None, headers: Headers | None = None, **extra: object
) -> Case:
    value = _j({"id": article_id, "title": cls, "text": text, **extra})
    return Case(
        cls, key if key is not None else article_id.encode(), value, article_id=article_id, headers=list(headers or [])
    )


def ordinary_articles(prefix: str, count: int) -> list[Case]:
    base = sample_articles()
    return [_article("ordinary article", f"{prefix}-ok-{i:05d}", base[i % len(base)]["text"]) for i in range(count)]


def hostile_small(prefix: str, rng: random.Random) -> list[Case]:
    """Valid articles of ordinary size with hostile characters in them: each must be enriched."""
    base = [a["text"] for a in sample_articles()]
    marks = ["\u200f", "\u200e", "\u202e", "\u202c", "\u2067", "\u2069", "\u200d", "\ufeff", "\u00a0", "\u061c"]
    cases: list[Case] = []
    for i in range(20):
        words = base[i % len(base)].split(" ")
        text = " ".join(w + (rng.choice(marks) if rng.random() < 0.3 else "") for w in words)
        cases.append(_article("right-to-left and invisible marks", f"{prefix}-rtl-{i}", text))
    for i in range(20):
        cases.append(
            _article(
                "escaped NUL characters in the text",
                f"{prefix}-nul-{i}",
                base[i % len(base)].replace(" ", " \u0000", 25),
            )
        )
    entities = " ".join(f"&{name}" if name.endswith(";") else f"&{name};" for name in html.entities.html5)
    for i in range(2):
        cases.append(_article("every HTML entity", f"{prefix}-ent-{i}", f"{entities} {base[i]}"))
    for i in range(20):
        cases.append(
            _article(
                "good value, key and headers not UTF-8",
                f"{prefix}-bytes-{i}",
                base[i % len(base)],
                key=b"\xff\xfe" + i.to_bytes(4, "big"),
                headers=[("trace", b"\xc3\x28\xff"), ("\xe9t\xe9", b"\x80")],
            )
        )
    nested: object = "leaf"
    for _ in range(20):
        nested = {"level": nested, "list": [1, "two", None]}
    for i in range(10):
        cases.append(
            _article(
                "unknown fields, nested 20 deep",
                f"{prefix}-extra-{i}",
                base[i % len(base)],
                provenance_chain=nested,
                tags=["a", "b"],
            )
        )
    return cases


def hostile_large(prefix: str) -> list[Case]:
    """Valid articles whose size or shape makes the enrichment work hard: each must be enriched."""
    base = " ".join(a["text"].replace("\n", " ") for a in sample_articles())
    one_mb = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    caps = " ".join(["Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett"] * 3000)
    return [
        _article("a 1 MB single-line article", f"{prefix}-1mb", one_mb),
        _article('100,000 repetitions of "Gen. Gen."', f"{prefix}-gen", "Gen. Gen. " * 100_000),
        _article("long runs of capitalised words", f"{prefix}-caps", caps),
    ]
