"""The enrichment: one raw article in, one enriched event out. Pure: no I/O, no clock of its own.

clean -> entities -> countries -> themes -> engagements -> event (deterministic id)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coopstream import __version__
from coopstream.enrich.context import Context
from coopstream.enrich.countries import count_countries, resolve_georgia
from coopstream.enrich.dates import normalise_published, parse_dateline_date
from coopstream.enrich.engagements import EngagementModel
from coopstream.enrich.entities import DatelineInfo, Found, find_dateline, find_entities
from coopstream.enrich.gazetteer import Gazetteer
from coopstream.enrich.knowledge import Source
from coopstream.enrich.text import Doc, make_doc, sentences
from coopstream.enrich.themes import ThemeModel
from coopstream.schemas import (
    Country,
    Dateline,
    Engagement,
    EnrichedEvent,
    Entity,
    Provenance,
    RawArticle,
    Theme,
)

_STAMP = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2})\b")
_LANG_WORDS = {
    "en": {"the", "and", "of", "with", "to", "in", "for", "said", "was", "is"},
    "es": {"el", "la", "los", "las", "y", "del", "con", "para", "que", "por"},
    "pt": {"o", "os", "as", "e", "do", "da", "com", "para", "que", "não"},
    "fr": {"le", "les", "et", "des", "du", "avec", "pour", "que", "est", "une"},
}


@dataclass(frozen=True, slots=True)
class Knowledge:
    gazetteer: Gazetteer
    themes: ThemeModel
    engagements: EngagementModel
    digest: str


def load_knowledge(knowledge_dir: Path | None = None, themes_file: Path | None = None) -> Knowledge:
    """Read and compile every knowledge file once (packaged, or the operator's replacements)."""
    source = Source(override_dir=knowledge_dir, themes_file=themes_file)
    gaz = Gazetteer(source)
    themes = ThemeModel(source.json("themes.json"))
    engagements = EngagementModel(source.json("engagements.json"))
    return Knowledge(gaz, themes, engagements, source.digest.hexdigest()[:16])


class Enricher:
    """Turns raw articles into enriched events with the knowledge it was given."""

    def __init__(self, knowledge: Knowledge, pipeline_version: str = __version__) -> None:
        self.k = knowledge
        self.version = pipeline_version

    def enrich(self, article: RawArticle, processed_at: str) -> EnrichedEvent:
        doc = make_doc(article.text)
        gaz = self.k.gazetteer
        ctx = Context.build(doc.clean, gaz)
        dl = find_dateline(doc.clean)
        dl_date = parse_dateline_date(dl.date_text) if dl else None
        published = (
            normalise_published(article.published_at)
            or _stamp_date(article.text)
            or (dl_date.isoformat() if dl_date else None)
        )
        ctx.year = dl_date.year if dl_date else (int(published[:4]) if published else None)
        found = find_entities(ctx, dl)
        _resolve_ambiguous(ctx, found)
        counts = count_countries(ctx, found)
        sents = sentences(doc.clean)
        org_spans = [m for f in found if f.type == "organization" for m in f.mentions]
        themes = self.k.themes.score(doc.clean, sents, set(counts), org_spans)
        dl_loc = next((f for f in found if f.type == "location" and dl and (dl.start, dl.end) in f.mentions), None)
        engagements = self.k.engagements.find(
            doc.clean, sents, found, ctx.year, dl_loc, dl.start if dl else 0, dl_date.month if dl_date else None
        )
        theme_ids = [t.id for t in themes]
        return EnrichedEvent(
            event_id=self.event_id(article),
            article_id=article.id,
            title=article.title,
            url=article.url,
            source=article.source,
            published_at=published,
            language=article.language or _detect_language(doc.clean),
            dateline=_dateline(doc, dl, dl_date, dl_loc),
            entities=[_entity(doc, f) for f in found],
            countries=[
                Country(code=c, name=gaz.countries[c].name if c in gaz.countries else c, mentions=n)
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
                    start_date=_iso(e.start_date),
                    end_date=_iso(e.end_date),
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


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _stamp_date(raw: str) -> str | None:
    m = _STAMP.match(raw)
    return normalise_published(m.group(1)) if m else None


def _entity(doc: Doc, f: Found) -> Entity:
    mentions = sorted(set(f.mentions))
    attrs = {k: v for k, v in f.attributes.items() if v is not None and v != ""}
    return Entity(type=f.type, name=f.name, mentions=[doc.span(s, e) for s, e in mentions], attributes=attrs)


def _resolve_ambiguous(ctx: Context, found: list[Found]) -> None:
    for f in found:
        if f.type == "location" and f.name in ctx.gaz.ambiguous:
            code = resolve_georgia(ctx, str(f.attributes.get("country")), f.name)
            if code != f.attributes.get("country"):
                f.attributes = {"kind": "state", "country": code}


def _dateline(doc: Doc, dl: DatelineInfo | None, d: date | None, loc: Found | None) -> Dateline | None:
    if dl is None:
        return None
    country = loc.attributes.get("country") if loc else None
    return Dateline(
        place=loc.name if loc else dl.place,
        country=country if isinstance(country, str) else None,
        date=_iso(d),
        span=doc.span(dl.start, dl.end),
    )


def _detect_language(text: str) -> str | None:
    words = re.findall(r"[a-zà-ÿ]+", text[:4000].lower())
    if len(words) < 5:
        return None
    scores: dict[str, int] = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _LANG_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None
