"""The enrichment core for the tests: its knowledge, an enricher and the seed article, loaded once per
session (fixtures), and ``enrich_text`` for one text."""

from __future__ import annotations

import pytest

from coopstream.enrich import Enricher, Knowledge, load_knowledge
from coopstream.schemas import EnrichedEvent, RawArticle
from support.paths import FIXTURES

PROCESSED_AT = "2026-01-01T00:00:00Z"


def enrich_text(enricher: Enricher, text: str, **fields: str) -> EnrichedEvent:
    return enricher.enrich(RawArticle(id="t", text=text, **fields), processed_at=PROCESSED_AT)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def enricher(knowledge: Knowledge) -> Enricher:
    return Enricher(knowledge)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (FIXTURES / "seed.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_event(enricher: Enricher, seed_text: str) -> EnrichedEvent:
    article = RawArticle(id="seed", text=seed_text, published_at="2023-09-13")
    return enricher.enrich(article, processed_at=PROCESSED_AT)
