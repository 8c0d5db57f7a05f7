"""The event pass: everything the other passes found, as the plain data of an ``EnrichedEvent``.

The dictionaries follow the schema's models field by field and in order, so that encoding them
gives the very bytes the models would; a test holds the two paths equal.
"""

from __future__ import annotations

from typing import Any

from coopstream.enrich.clean import Document
from coopstream.enrich.engagements import EngagementFound
from coopstream.enrich.entities.found import Found
from coopstream.enrich.knowledge.common import CountryInfo
from coopstream.enrich.themes import ThemeHit
from coopstream.schemas import RawArticle
from coopstream.schemas.models import SCHEMA_VERSION


def span(doc: Document, start: int, end: int) -> dict[str, Any]:
    rs, re_ = doc.raw_range(start, end)
    return {"start": rs, "end": re_, "text": doc.raw[rs:re_]}


def event_data(
    article: RawArticle,
    event_id: str,
    doc: Document,
    found: list[Found],
    counts: dict[str, int],
    themes: list[ThemeHit],
    engagements: list[EngagementFound],
    dateline_loc: Found | None,
    provenance: dict[str, str | None],
    countries: dict[str, CountryInfo],
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "event_id": event_id,
        "article_id": article.id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "published_at": doc.published,
        "language": doc.language,
        "dateline": _dateline(doc, dateline_loc),
        "entities": [_entity(doc, f) for f in found],
        "countries": [
            {"code": c, "name": countries[c].name if c in countries else c, "mentions": n}
            for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "themes": [
            {"id": t.id, "label": t.label, "score": t.score, "evidence": [span(doc, s, e) for s, e in t.evidence]}
            for t in themes
        ],
        "engagements": [_engagement(doc, e) for e in engagements],
        "extra": article.extra,
        "provenance": provenance,
    }


MAX_MENTIONS = 1000  # mentions listed per entity; a longer list is cut and its full length given


def _entity(doc: Document, f: Found) -> dict[str, Any]:
    attrs = {k: v for k, v in f.attributes.items() if v is not None and v != ""}
    distinct = sorted(set(f.mentions))
    if len(distinct) > MAX_MENTIONS:  # a pathological text repeating one name: the event stays bounded
        attrs["mentions_total"] = len(distinct)
        distinct = distinct[:MAX_MENTIONS]
    mentions = [span(doc, s, e) for s, e in distinct]
    return {"type": f.type, "name": f.name, "mentions": mentions, "attributes": attrs}


def _engagement(doc: Document, e: EngagementFound) -> dict[str, Any]:
    return {
        "type": e.type,
        "actors": e.actors,
        "counterparts": e.counterparts,
        "location": e.location,
        "country": e.country,
        "start_date": e.start_date.isoformat() if e.start_date else None,
        "end_date": e.end_date.isoformat() if e.end_date else None,
        "topics": e.topics,
        "evidence": span(doc, *e.sentence),
    }


def _dateline(doc: Document, loc: Found | None) -> dict[str, Any] | None:
    dl = doc.dateline
    if dl is None:
        return None
    country = loc.attributes.get("country") if loc else None
    return {
        "place": loc.name if loc else dl.place,
        "country": country if isinstance(country, str) else None,
        "date": doc.dateline_date.isoformat() if doc.dateline_date else None,
        "span": span(doc, dl.start, dl.end),
    }
