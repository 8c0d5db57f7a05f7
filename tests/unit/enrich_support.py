"""Helpers shared by the tests of the enrichment core."""

from __future__ import annotations

from coopstream.enrich import Enricher
from coopstream.schemas import EnrichedEvent, RawArticle


def enrich_text(enricher: Enricher, text: str, **fields: str) -> EnrichedEvent:
    return enricher.enrich(RawArticle(id="t", text=text, **fields), processed_at="2026-01-01T00:00:00Z")
