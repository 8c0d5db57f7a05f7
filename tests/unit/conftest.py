from __future__ import annotations

from pathlib import Path

import pytest

from coopstream.enrich import Enricher, Knowledge, load_knowledge
from coopstream.schemas import EnrichedEvent, RawArticle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
    return enricher.enrich(article, processed_at="2026-01-01T00:00:00Z")
