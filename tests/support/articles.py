"""Articles for the tests that run the worker, and reading what came out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from coopstream.dev.reader import Message
from support.paths import SAMPLES

FALLBACK_TEXT = (
    "ACCRA, Ghana (March 4, 2025) -- U.S. Air Force Gen. Thomas Harlow met with Ghanaian Minister of Defense "
    "Yaw Boakye-Danso to discuss maritime security and counterterrorism cooperation."
)


def sample_articles() -> list[dict[str, Any]]:
    """The bundled samples, or a small generated set while they are not there."""
    if SAMPLES.is_file():
        return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": f"gen-{i}", "title": f"Generated {i}", "text": FALLBACK_TEXT} for i in range(5)]


def many_articles(prefix: str, count: int) -> list[dict[str, Any]]:
    """``count`` articles with unique ids, texts taken from the samples in turn."""
    base = sample_articles()
    return [{**base[i % len(base)], "id": f"{prefix}-{i:05d}"} for i in range(count)]


def article_records(articles: list[dict[str, Any]]) -> list[tuple[bytes | None, bytes | None]]:
    """(key, value) pairs to publish: keyed by article id."""
    return [(a["id"].encode(), json.dumps(a).encode()) for a in articles]


def covers(ids: set[str]) -> Callable[[list[Message]], bool]:
    """A stop condition: every id in ``ids`` was read (duplicates do not count)."""
    return lambda got: ids <= set(ids_of(got))


def ids_of(messages: list[Message]) -> list[str]:
    return [json.loads(m.value or b"{}").get("article_id") for m in messages]


def dead_letter_keys(messages: list[Message]) -> list[str]:
    return [json.loads(m.value or b"{}")["record"]["key"] for m in messages]
