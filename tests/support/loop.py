"""Helpers for the unit tests of the stream loop: settings, a fake enrichment, a worker on fakes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry

from coopstream.config import Settings
from coopstream.dev.memory import MemorySink, MemorySource
from coopstream.observability import Health, Metrics
from coopstream.schemas import EnrichedEvent, RawArticle
from coopstream.step import RecordStep, Topics
from coopstream.stream.shutdown import StopFlag
from coopstream.stream.worker import Worker

TOPICS = Topics("out", "engagements", "dlq")


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "output_topic": "out",
        "engagements_topic": "engagements",
        "dlq_topic": "dlq",
        "max_record_bytes": 2048,
        "poll_timeout_ms": 10,
    }
    values.update(overrides)
    return Settings(**values)


def article(ident: str, text: str = "Soldiers of two countries trained together.", **extra: Any) -> bytes:
    return json.dumps({"id": ident, "text": text, **extra}).encode()


def fake_enrich(raw: RawArticle, processed_at: str) -> EnrichedEvent:
    """Deterministic, and fails on purpose for texts that say so."""
    if "BOOM" in raw.text:
        raise ZeroDivisionError("enrichment bug")
    span = {"start": 0, "end": 8, "text": raw.text[:8]}
    return EnrichedEvent.model_validate(
        {
            "event_id": f"ev-{raw.id}",
            "article_id": raw.id,
            "title": raw.title,
            "entities": [{"type": "person", "name": "Pat Doe", "mentions": [span]}],
            "countries": [{"code": "GH", "name": "Ghana", "mentions": 1}],
            "themes": [
                {"id": "maritime_security", "label": "Maritime security", "score": 0.9, "evidence": [span]},
                {"id": "training", "label": "Training", "score": 0.5, "evidence": [span]},
            ],
            "engagements": [{"type": "exercise", "evidence": span}, {"type": "meeting", "evidence": span}],
            "provenance": {"pipeline_version": "test", "knowledge_digest": "x", "processed_at": processed_at},
        }
    )


@dataclass
class Rig:
    worker: Worker
    source: MemorySource
    sink: MemorySink
    metrics: Metrics
    registry: CollectorRegistry
    health: Health
    stop: StopFlag

    def value(self, name: str, **labels: str) -> float:
        got = self.registry.get_sample_value(name, labels or None)
        return 0.0 if got is None else got


def rig(
    partitions: int = 1, stop_when_idle: bool = True, clock: Callable[[], float] | None = None, **overrides: Any
) -> Rig:
    s = settings(**overrides)
    source = MemorySource("raw", partitions)
    exactly_once = s.delivery == "exactly-once"
    sink = MemorySink(transactional=exactly_once, source=source if exactly_once else None)
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    health = Health(60.0)
    stop = StopFlag()
    processor = RecordStep(fake_enrich, TOPICS, s.max_record_bytes, clock=lambda: "2026-01-01T00:00:00Z")
    worker = Worker(s, source, sink, processor, metrics, health, stop, **({"clock": clock} if clock else {}))
    if stop_when_idle:

        def _stop_when_drained(src: MemorySource) -> None:
            if src.polls > 1 and not any(src.lag().values()):
                stop.request("test: input drained")

        source.on_poll = _stop_when_drained
    return Rig(worker, source, sink, metrics, registry, health, stop)
