"""The event built as plain data and encoded with orjson is the schema's event, byte for byte."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from coopstream.codec import decode_article, encode_event
from coopstream.enrich import Enricher
from coopstream.schemas import EnrichedEvent, RawArticle

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
