"""The enrichment: one raw article in, one enriched event out. Pure: no I/O, no clock of its own.

The passes and what flows between them, in order:

    clean        article            -> Document (clean text, offsets, language, sentences, dateline, dates)
    read         Document           -> TextView (tokens, chunks, knowledge matches)
    entities     TextView, dateline -> entities
    countries    TextView, entities -> country counts
    themes       cue matches, sentences, countries, organization spans -> themes
    engagements  cue matches, sentences, entities, dates, themes -> engagements
    event        everything above   -> EnrichedEvent (deterministic id)

A language the knowledge lacks runs only the language-independent passes: clean, read and the
entities the gazetteers know (organizations, operations, places), with the countries they give.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import orjson

from coopstream import __version__
from coopstream.enrich.clean import Document, clean
from coopstream.enrich.countries import count_countries
from coopstream.enrich.engagements import EngagementFound, Scene, find_engagements
from coopstream.enrich.entities.find import find_entities
from coopstream.enrich.entities.found import Found
from coopstream.enrich.entities.people import PeopleRules
from coopstream.enrich.event import event_data
from coopstream.enrich.knowledge import Knowledge
from coopstream.enrich.themes import ThemeHit, score_themes
from coopstream.schemas import EnrichedEvent, RawArticle


class Enricher:
    """Turns raw articles into enriched events with the knowledge it was given."""

    def __init__(self, knowledge: Knowledge, pipeline_version: str = __version__) -> None:
        self.k = knowledge
        self.version = pipeline_version
        self._people = {code: PeopleRules(pack) for code, pack in knowledge.packs.items()}

    def enrich(self, article: RawArticle, processed_at: str) -> EnrichedEvent:
        """The event as the schema's model (validated)."""
        return EnrichedEvent.model_validate(self.enrich_data(article, processed_at))

    def enrich_json(self, article: RawArticle, processed_at: str) -> bytes:
        """The event encoded, byte for byte what ``enrich(...).model_dump_json()`` gives, without the models."""
        return orjson.dumps(self.enrich_data(article, processed_at))

    def enrich_data(self, article: RawArticle, processed_at: str) -> dict[str, Any]:
        """The event as plain data, in the schema's field order."""
        doc = clean(article, self.k)
        pack = doc.pack
        assert pack is not None
        rules = self._people.get(pack.code)
        found, matches = find_entities(doc.clean, doc.sentences, pack, self.k, rules, doc.dateline)
        counts = count_countries(doc.clean, pack, matches, found, with_organizations=not pack.complete)
        themes: list[ThemeHit] = []
        engagements: list[EngagementFound] = []
        dl_loc = _dateline_location(doc, found)
        if pack.themes is not None and pack.engagements is not None and pack.grammar is not None:
            hits = pack.cues.find_kinds(doc.clean)
            org_spans = [m for f in found if f.type == "organization" for m in f.mentions]
            themes = score_themes(self.k.themes, pack.themes, doc.clean, hits, doc.sentences, set(counts), org_spans)
            month = doc.dateline_date.month if doc.dateline_date else None
            body_start = doc.dateline.start if doc.dateline else 0
            evidence = {t.id: t.positions for t in themes}
            filed = doc.dateline_date or (date.fromisoformat(doc.published[:10]) if doc.published else None)
            scene = Scene(found, doc.year, month, dl_loc, body_start, pack.grammar, evidence, doc.filed_dates, filed)
            engagements = find_engagements(self.k.engagements, pack.engagements, doc.clean, hits, doc.sentences, scene)
        return event_data(
            article,
            self.event_id(article),
            doc,
            found,
            counts,
            themes,
            engagements,
            dl_loc,
            {
                "pipeline_version": self.version,
                "knowledge_digest": self.k.digest,
                "processed_at": processed_at,
                "knowledge_language": pack.code if pack.complete else None,
                "passes": "all" if pack.complete else "language-independent",
            },
            self.k.common.countries,
        )

    def event_id(self, article: RawArticle) -> str:
        """Same article content, pipeline version and knowledge: same id."""
        content = article.model_dump(mode="json")
        blob = json.dumps([self.version, self.k.digest, content], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _dateline_location(doc: Document, found: list[Found]) -> Found | None:
    dl = doc.dateline
    if dl is None:
        return None
    return next((f for f in found if f.type == "location" and (dl.start, dl.end) in f.mentions), None)
