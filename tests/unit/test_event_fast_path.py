"""The event built as plain data and encoded with orjson is the schema's event, byte for byte."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from coopstream.codec import decode_article, encode_event
from coopstream.enrich import Enricher
from coopstream.schemas import EngagementRecord, EnrichedEvent, RawArticle
from coopstream.step import RecordStep, Topics
from coopstream.stream.ports import Record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _articles() -> list[RawArticle]:
    text = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    arts = [decode_article(line.encode()) for line in text.splitlines() if line.strip()]
    seed = (FIXTURES / "seed.txt").read_text(encoding="utf-8")
    arts.append(RawArticle(id="seed", text=seed, published_at="2023-09-13"))
    odd = "Navy &amp; Marines\u200b met in “Nassau” – “Peru”."
    arts.append(RawArticle(id="odd", text=odd, extra_field=[1, {"a": None}]))
    arts.append(RawArticle(id="empty-ish", text="."))
    return arts


def test_the_fast_path_gives_the_models_bytes(enricher: Enricher) -> None:
    articles = _articles()
    assert len(articles) >= 10
    for article in articles:
        fast = enricher.enrich_json(article, processed_at="2026-01-01T00:00:00Z")
        model = enricher.enrich(article, processed_at="2026-01-01T00:00:00Z")
        assert fast == encode_event(model), article.id
        assert EnrichedEvent.model_validate_json(fast) == model
        assert json.loads(fast)["article_id"] == article.id


def test_the_record_steps_messages_are_the_models_bytes(enricher: Enricher) -> None:
    """What the worker publishes (plain data, orjson) is what the models would publish, event and rows alike."""
    topics = Topics("out", "rows", "dlq")
    stamp = "2026-01-01T00:00:00Z"
    fast = RecordStep(enricher.enrich_data, topics, 1 << 22, clock=lambda: stamp)
    slow = RecordStep(enricher.enrich, topics, 1 << 22, clock=lambda: stamp)
    rows = 0
    for i, article in enumerate(_articles()):
        record = Record("raw", 0, i, None, article.model_dump_json().encode())
        got, via_models = fast.handle(record), slow.handle(record)
        assert got.error is None and got.messages == via_models.messages, article.id
        model = enricher.enrich(article, processed_at=stamp)
        assert got.messages[0].value == encode_event(model)
        for index, (message, engagement) in enumerate(zip(got.messages[1:], model.engagements, strict=True)):
            row = EngagementRecord(
                event_id=model.event_id,
                article_id=model.article_id,
                index=index,
                title=model.title,
                published_at=model.published_at,
                engagement=engagement,
            )
            assert message.value == row.model_dump_json().encode(), article.id
            rows += 1
        assert got.themes == tuple(t.id for t in model.themes)
        assert got.entity_types == tuple(e.type for e in model.entities)
    assert rows >= 5, "no engagement rows compared"
