"""The bookkeeping of one batch: what was sent for which record, and what the broker said."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from coopstream.errors import DeadLetterUnavailable, ProducerFenced, PublishFailed, StreamError
from coopstream.observability.metrics import Metrics
from coopstream.step import Outcome
from coopstream.stream.ports import Delivery, Kind, Partition, Record


@dataclass
class Batch:
    outcomes: list[tuple[Outcome, list[Delivery]]] = field(default_factory=list)
    offsets: dict[Partition, int] = field(default_factory=dict)  # next offsets of processed records
    given_back: int = 0

    def add(self, outcome: Outcome, deliveries: list[Delivery]) -> None:
        self.outcomes.append((outcome, deliveries))
        record = outcome.record
        self.offsets[record.tp] = max(self.offsets.get(record.tp, 0), record.offset + 1)

    @property
    def size(self) -> int:
        return len(self.outcomes)

    def failures(self) -> list[Delivery]:
        return [d for _, deliveries in self.outcomes for d in deliveries if d.error is not None or not d.done]

    def check(self) -> None:
        """Raise for the first output the broker did not acknowledge (call after a flush)."""
        failed = self.failures()
        if not failed:
            return
        fenced = next((d.error for d in failed if isinstance(d.error, ProducerFenced)), None)
        if fenced is not None:
            raise fenced
        letters = [d for d in failed if d.message.kind is Kind.DEAD_LETTER]
        first = (letters or failed)[0]
        cause = first.error or TimeoutError("no acknowledgement after the flush")
        summary = f"{len(failed)} output(s) not acknowledged, e.g. to {first.message.topic}: {cause!r}"
        error: StreamError = DeadLetterUnavailable(summary) if letters else PublishFailed(summary)
        raise error from cause

    def tally(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for outcome, _ in self.outcomes:
            counts["records"] += 1
            for message in outcome.messages:
                counts[message.kind.value] += 1
        return counts

    def account(self, metrics: Metrics) -> None:
        """Count what the broker acknowledged: added up over the batch, then one increment per series."""
        kinds: Counter[Kind] = Counter()
        reasons: Counter[str] = Counter()
        themes: Counter[str] = Counter()
        entities: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        for outcome, deliveries in self.outcomes:
            metrics.processing_seconds.observe(outcome.seconds)
            for delivery in deliveries:
                kinds[delivery.message.kind] += 1
                if delivery.message.kind is Kind.DEAD_LETTER and outcome.error is not None:
                    reasons[outcome.error.kind] += 1
            themes.update(outcome.themes)
            entities.update(outcome.entity_types)
            if outcome.language is not None:
                languages[outcome.language] += 1
            _end_to_end(metrics, outcome.record, deliveries)
        metrics.records_consumed.inc(len(self.outcomes))
        if kinds[Kind.EVENT]:
            metrics.events_published.inc(kinds[Kind.EVENT])
        if kinds[Kind.ENGAGEMENT]:
            metrics.engagements_published.inc(kinds[Kind.ENGAGEMENT])
        for reason, n in reasons.items():
            metrics.dead_letters.labels(reason=reason).inc(n)
        for theme, n in themes.items():
            metrics.themes_emitted.labels(theme=theme).inc(n)
        for kind, n in entities.items():
            metrics.entities.labels(type=kind).inc(n)
        for language, n in languages.items():
            metrics.articles_by_language.labels(language=language).inc(n)


def _end_to_end(metrics: Metrics, record: Record, deliveries: list[Delivery]) -> None:
    acked = [d.acked_at for d in deliveries if d.acked_at is not None]
    if record.timestamp_ms is None or record.timestamp_ms <= 0 or not acked:
        return
    metrics.end_to_end_seconds.observe(max(0.0, max(acked) - record.timestamp_ms / 1000))


def first_offsets(records: list[Record]) -> dict[Partition, int]:
    """The offset of each partition's first record: where to seek to hand them back."""
    firsts: dict[Partition, int] = {}
    for record in records:
        firsts.setdefault(record.tp, record.offset)
    return firsts
