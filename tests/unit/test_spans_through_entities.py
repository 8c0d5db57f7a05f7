"""Evidence and mentions point into the text as received, also through HTML entities and invisible
characters: the seed article with its "and"s written as ``&amp;`` and its hyphens as ``&#8209;``
(a test that asserts there is evidence to check, where the older one could pass on none)."""

from __future__ import annotations

from coopstream.enrich import Enricher
from coopstream.schemas import RawArticle
from support.enrichment import PROCESSED_AT


def test_theme_evidence_and_mentions_point_into_text_with_entities(enricher: Enricher, seed_text: str) -> None:
    text = seed_text.replace(" and ", " &amp; ").replace("-", "&#8209;").replace("  ", " \u200b ")
    assert text.count("&amp;") > 5 and text.count("&#8209;") > 5
    event = enricher.enrich(RawArticle(id="entities", text=text, published_at="2023-09-13"), PROCESSED_AT)
    evidence = [span for theme in event.themes for span in theme.evidence]
    mentions = [m for entity in event.entities for m in entity.mentions]
    assert len(event.themes) >= 3 and evidence and len(mentions) >= 10
    for span in [*evidence, *mentions]:
        assert text[span.start : span.end] == span.text
