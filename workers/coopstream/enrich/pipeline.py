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

from coopstream import __version__
from coopstream.enrich.clean import Document, clean
from coopstream.enrich.countries import count_countries
from coopstream.enrich.engagements import EngagementFound, Scene, find_engagements
from coopstream.enrich.entities.find import find_entities
from coopstream.enrich.entities.found import Found
from coopstream.enrich.entities.people import PeopleRules
from coopstream.enrich.knowledge import Knowledge
from coopstream.enrich.themes import ThemeHit, score_themes
from coopstream.schemas import Country, Dateline, Engagement, EnrichedEvent, Entity, Provenance, RawArticle, Theme


class Enricher:
    """Turns raw articles into enriched events with the knowledge it was given."""

    def __init__(self, knowledge: Knowledge, pipeline_version: str = __version__) -> None:
        self.k = knowledge
        self.version = pipeline_version
        self._people = {code: PeopleRules(pack) for code, pack in knowledge.packs.items()}

    def enrich(self, article: RawArticle, processed_at: str) -> EnrichedEvent:
        doc = clean(article, self.k)
        pack = doc.pack
        assert pack is not None
        found, matches = find_entities(
            doc.clean, doc.sentences, pack, self.k, self._people.get(pack.code), doc.dateline
        )
        counts = count_countries(doc.clean, pack, matches, found)
        themes: list[ThemeHit] = []
        engagements: list[EngagementFound] = []
        dl_loc = _dateline_location(doc, found)
        if pack.themes is not None and pack.engagements is not None and pack.grammar is not None:
            hits = pack.cues.find(doc.clean)
            org_spans = [m for f in found if f.type == "organization" for m in f.mentions]
            themes = score_themes(self.k.themes, pack.themes, doc.clean, hits, doc.sentences, set(counts), org_spans)
            scene = Scene(
                found,
                doc.year,
                doc.dateline_date.month if doc.dateline_date else None,
                dl_loc,
                doc.dateline.start if doc.dateline else 0,
                pack.grammar,
                {t.id: t.evidence for t in themes},
                doc.filed_dates,
            )
            engagements = find_engagements(self.k.engagements, pack.engagements, doc.clean, hits, doc.sentences, scene)
        return self._event(article, doc, found, counts, themes, engagements, dl_loc, processed_at)

    def _event(
        self,
        article: RawArticle,
        doc: Document,
        found: list[Found],
        counts: dict[str, int],
        themes: list[ThemeHit],
        engagements: list[EngagementFound],
        dl_loc: Found | None,
        processed_at: str,
    ) -> EnrichedEvent:
        countries = self.k.common.countries
        theme_ids = [t.id for t in themes]
        return EnrichedEvent(
            event_id=self.event_id(article),
            article_id=article.id,
            title=article.title,
            url=article.url,
            source=article.source,
            published_at=doc.published,
            language=doc.language,
            dateline=_dateline(doc, dl_loc),
            entities=[_entity(doc, f) for f in found],
            countries=[
                Country(code=c, name=countries[c].name if c in countries else c, mentions=n)
                for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            themes=[
                Theme(id=t.id, label=t.label, score=t.score, evidence=[doc.span(s, e) for s, e in t.evidence])
                for t in themes
            ],
            engagements=[
                Engagement(
                    type=e.type,
                    actors=e.actors,
                    counterparts=e.counterparts,
                    location=e.location,
                    country=e.country,
                    start_date=e.start_date.isoformat() if e.start_date else None,
                    end_date=e.end_date.isoformat() if e.end_date else None,
                    topics=theme_ids,
                    evidence=doc.span(*e.sentence),
                )
                for e in engagements
            ],
            extra=article.extra,
            provenance=Provenance(
                pipeline_version=self.version, knowledge_digest=self.k.digest, processed_at=processed_at
            ),
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


def _entity(doc: Document, f: Found) -> Entity:
    mentions = sorted(set(f.mentions))
    attrs = {k: v for k, v in f.attributes.items() if v is not None and v != ""}
    return Entity(type=f.type, name=f.name, mentions=[doc.span(s, e) for s, e in mentions], attributes=attrs)


def _dateline(doc: Document, loc: Found | None) -> Dateline | None:
    dl = doc.dateline
    if dl is None:
        return None
    country = loc.attributes.get("country") if loc else None
    return Dateline(
        place=loc.name if loc else dl.place,
        country=country if isinstance(country, str) else None,
        date=doc.dateline_date.isoformat() if doc.dateline_date else None,
        span=doc.span(dl.start, dl.end),
    )
