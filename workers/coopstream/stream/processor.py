"""One consumed record in, the messages to publish out: an event and its engagement records, or a
dead letter. No Kafka here; the enrichment is the same function ``coopstream enrich`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coopstream.codec import dead_letter, decode_article, encode_event, utc_now
from coopstream.errors import EnrichmentFailed, RecordError
from coopstream.observability.logs import get_logger
from coopstream.schemas import EngagementRecord, EnrichedEvent, RawArticle
from coopstream.stream.policy import Action, on_error
from coopstream.stream.ports import Kind, Outgoing, Record

EnrichFn = Callable[[RawArticle, str], EnrichedEvent]
JSON = b"application/json"

log = get_logger("coopstream.stream")


@dataclass(frozen=True, slots=True)
class Topics:
    output: str
    engagements: str
    dlq: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one record: its messages, and the event or the error behind them."""

    record: Record
    messages: tuple[Outgoing, ...]
    article_id: str | None = None
    event: EnrichedEvent | None = None
    error: RecordError | None = None


class Processor:
    def __init__(
        self, enrich: EnrichFn, topics: Topics, max_record_bytes: int, clock: Callable[[], str] = utc_now
    ) -> None:
        self._enrich = enrich
        self.topics = topics
        self.max_record_bytes = max_record_bytes
        self._clock = clock

    def handle(self, record: Record) -> Outcome:
        article_id: str | None = None
        try:
            article = decode_article(record.value, self.max_record_bytes)
            article_id = article.id
            event = self._run_enrichment(article)
            return Outcome(record, event_messages(event, self.topics), article_id, event)
        except Exception as exc:
            if on_error(exc, record) is not Action.DEAD_LETTER:
                raise
            error = exc if isinstance(exc, RecordError) else EnrichmentFailed(f"{type(exc).__name__}: {exc}")
            log.warning("record dead-lettered", reason=error.kind, error=str(error)[:300], article_id=article_id)
            return Outcome(record, (self.dead_letter(error, record),), article_id, error=error)

    def _run_enrichment(self, article: RawArticle) -> EnrichedEvent:
        try:
            return self._enrich(article, self._clock())
        except RecordError:
            raise
        except Exception as exc:  # a bug in the enrichment must not become a poison pill
            raise EnrichmentFailed(f"{type(exc).__name__}: {exc}") from exc

    def dead_letter(self, error: RecordError, record: Record) -> Outgoing:
        letter = dead_letter(
            error, record.value, key=record.key, headers=list(record.headers), topic=record.topic,
            partition=record.partition, offset=record.offset, timestamp_ms=record.timestamp_ms,
        )  # fmt: skip
        headers = (
            ("schema_version", letter.schema_version.encode()),
            ("content-type", JSON),
            ("error_kind", error.kind.encode()),
        )
        return Outgoing(Kind.DEAD_LETTER, self.topics.dlq, record.key, letter.model_dump_json().encode(), headers)


def event_messages(event: EnrichedEvent, topics: Topics) -> tuple[Outgoing, ...]:
    """The enriched event, then one engagement record per engagement; all keyed by the article id."""
    key = event.article_id.encode("utf-8")
    version = event.schema_version.encode()
    headers = (
        ("schema_version", version),
        ("content-type", JSON),
        ("themes", ",".join(theme.id for theme in event.themes).encode("utf-8")),
    )
    out = [Outgoing(Kind.EVENT, topics.output, key, encode_event(event), headers)]
    for index, engagement in enumerate(event.engagements):
        row = EngagementRecord(
            event_id=event.event_id, article_id=event.article_id, index=index, title=event.title,
            published_at=event.published_at, engagement=engagement,
        )  # fmt: skip
        row_headers = (
            ("schema_version", row.schema_version.encode()),
            ("content-type", JSON),
            ("engagement_type", engagement.type.encode()),
        )
        out.append(Outgoing(Kind.ENGAGEMENT, topics.engagements, key, row.model_dump_json().encode(), row_headers))
    return tuple(out)
