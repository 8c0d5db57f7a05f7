"""The record step: one record's bytes in, the messages to publish out (an event and its engagement
records, or a dead letter). ``coopstream run`` (each consumed record) and ``coopstream enrich`` (each
line of a file) both go through it, so an article gives the same bytes both ways. No Kafka here.

The enrichment is reached through one object, ``Enrichment`` (``load_enrichment`` builds it from the
settings): the only seam to change for another implementation of the core. It may give the event as the
schema's model or, faster, as the same event in plain data (``Enricher.enrich_data``: the schema's fields
in its order); either way the bytes published are the model's ``model_dump_json()`` byte for byte (orjson
encodes the data; ``tests/unit/test_event_fast_path.py`` holds the two to the same bytes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from coopstream.codec import dead_letter, decode_article, utc_now
from coopstream.errors import EnrichmentFailed, RecordError
from coopstream.observability.logs import get_logger
from coopstream.policy import Action, on_error
from coopstream.schemas import EngagementRecord, EnrichedEvent, RawArticle
from coopstream.stream.ports import NO_PARTITION, Kind, Outgoing, Record

JSON = b"application/json"
ENGAGEMENT_SCHEMA_VERSION: str = EngagementRecord.model_fields["schema_version"].default

log = get_logger("coopstream.step")


class Enrichment(Protocol):
    """The pure core as the record step sees it: a raw article and a time stamp in, an event out (the model, or
    the same event as plain data in the schema's field order)."""

    def __call__(self, article: RawArticle, processed_at: str, /) -> EnrichedEvent | dict[str, Any]: ...


def load_enrichment(knowledge_dir: Path | None = None, themes_file: Path | None = None) -> Enrichment:
    """The core with its knowledge loaded (the packaged files, or an operator's replacements), giving plain data."""
    from coopstream.enrich import Enricher, load_knowledge

    knowledge = load_knowledge(knowledge_dir, themes_file)
    log.info("knowledge loaded", digest=knowledge.digest)
    return Enricher(knowledge).enrich_data


@dataclass(frozen=True, slots=True)
class Topics:
    output: str
    engagements: str
    dlq: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one record: its messages, the error behind a dead letter, and what the metrics count.

    It holds no event object, only its bytes and a summary, so that it crosses cheaply from an
    enrichment process (``coopstream.processing``) to the worker."""

    record: Record
    messages: tuple[Outgoing, ...]
    article_id: str | None = None
    error: RecordError | None = None
    themes: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    language: str | None = None  # the knowledge's language; None for a dead letter
    seconds: float = 0.0  # the time the record step took

    @classmethod
    def enriched(cls, record: Record, event: dict[str, Any], topics: Topics, seconds: float) -> Outcome:
        return cls(
            record,
            event_messages(event, topics),
            event["article_id"],
            themes=tuple(t["id"] for t in event["themes"]),
            entity_types=tuple(e["type"] for e in event["entities"]),
            language=event["provenance"].get("knowledge_language") or "none",
            seconds=seconds,
        )


def letter_outcome(
    record: Record, error: RecordError, topics: Topics, article_id: str | None = None, seconds: float = 0.0
) -> Outcome:
    """The outcome of a record that failed: its dead letter (the caller logs it, with where the record came from)."""
    return Outcome(record, (dead_letter_message(error, record, topics),), article_id, error, seconds=seconds)


class RecordStep:
    """Decode, enrich, encode; a failure becomes a dead letter when the error policy says so."""

    def __init__(
        self, enrich: Enrichment, topics: Topics, max_record_bytes: int, clock: Callable[[], str] = utc_now
    ) -> None:
        self._enrich = enrich
        self.topics = topics
        self.max_record_bytes = max_record_bytes
        self._clock = clock

    def handle(self, record: Record) -> Outcome:
        article_id: str | None = None
        started = time.perf_counter()
        try:
            article = decode_article(record.value, self.max_record_bytes)
            article_id = article.id
            event = self._enrich(article, self._clock())
            data = event.model_dump(mode="json") if isinstance(event, EnrichedEvent) else event
            return Outcome.enriched(record, data, self.topics, time.perf_counter() - started)
        except Exception as exc:
            if on_error(exc, record) is not Action.DEAD_LETTER:  # the one decision about this failure
                raise
            error = exc if isinstance(exc, RecordError) else _enrichment_failed(exc)
            return letter_outcome(record, error, self.topics, article_id, time.perf_counter() - started)


def dead_letter_message(error: RecordError, record: Record, topics: Topics) -> Outgoing:
    """The dead-letter message of ``record``: its bytes, where it came from, and ``error``."""
    letter = dead_letter(
        error,
        record.value,
        key=record.key,
        headers=list(record.headers),
        topic=record.topic,
        partition=None if record.partition == NO_PARTITION else record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp_ms,
    )
    headers = (
        ("schema_version", letter.schema_version.encode()),
        ("content-type", JSON),
        ("error_kind", error.kind.encode()),
    )
    return Outgoing(Kind.DEAD_LETTER, topics.dlq, record.key, letter.model_dump_json().encode(), headers)


def event_messages(event: dict[str, Any], topics: Topics) -> tuple[Outgoing, ...]:
    """The enriched event, then one engagement record per engagement; all keyed by the article id. ``event`` is
    the event as plain data in the schema's field order (``EnrichedEvent.model_dump(mode="json")`` gives it too)."""
    key = event["article_id"].encode("utf-8")
    headers = (
        ("schema_version", event["schema_version"].encode()),
        ("content-type", JSON),
        ("themes", ",".join(theme["id"] for theme in event["themes"]).encode("utf-8")),
    )
    out = [Outgoing(Kind.EVENT, topics.output, key, orjson.dumps(event), headers)]
    for index, engagement in enumerate(event["engagements"]):
        row = {  # EngagementRecord's fields, in its order
            "schema_version": ENGAGEMENT_SCHEMA_VERSION,
            "event_id": event["event_id"],
            "article_id": event["article_id"],
            "index": index,
            "title": event["title"],
            "published_at": event["published_at"],
            "engagement": engagement,
        }
        row_headers = (
            ("schema_version", ENGAGEMENT_SCHEMA_VERSION.encode()),
            ("content-type", JSON),
            ("engagement_type", engagement["type"].encode()),
        )
        out.append(Outgoing(Kind.ENGAGEMENT, topics.engagements, key, orjson.dumps(row), row_headers))
    return tuple(out)


def _enrichment_failed(exc: Exception) -> EnrichmentFailed:
    """A bug outside the decoding (in the enrichment or the encoding), as the dead letter's reason."""
    error = EnrichmentFailed(f"{type(exc).__name__}: {exc}")
    error.__cause__ = exc
    return error
