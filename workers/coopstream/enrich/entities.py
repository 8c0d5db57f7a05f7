"""Entity pass: run the name finders, settle overlaps, group mentions into entities."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from coopstream.enrich import names, people
from coopstream.enrich.context import P_COREF, P_PATTERN, Candidate, Context, resolve
from coopstream.enrich.knowledge import Matcher

_DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z.'’\- ]{1,60}?[A-Z.])(?:, ([A-Z][\w.'’\- ]{1,40}?))? \(([A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\)"
    r" ?(?:--|—|–|-)"
)


@dataclass(slots=True)
class Found:
    """An entity with its mentions (clean offsets) and attributes."""

    type: str
    name: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    first: int = 0


@dataclass(frozen=True, slots=True)
class DatelineInfo:
    place: str
    region: str | None
    date_text: str
    start: int
    end: int


def fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^\w\s]", "", s.replace("’", "'"))
    s = " ".join(s.split())
    return s[4:] if s.startswith("the ") else s


def find_dateline(text: str) -> DatelineInfo | None:
    m = _DATELINE.search(text)
    if not m:
        return None
    return DatelineInfo(m.group(1).strip(), m.group(2), m.group(3), m.start(1), m.start(1) + len(m.group(1).strip()))


def _title_case(caps: str) -> str:
    small = {"OF", "THE", "AND", "DE", "DEL", "LA", "DA", "DO"}
    words = caps.split()
    return " ".join(w.lower() if w in small and i else w[:1] + w[1:].lower() for i, w in enumerate(words))


def dateline_place(ctx: Context, dl: DatelineInfo) -> None:
    name = _title_case(dl.place)
    country = None
    if dl.region:
        for h in ctx.geo:
            if h.start == dl.end + 2:
                kind, value = h.payloads[0]
                country = value if kind == "country" else getattr(value, "country", None)
                break
    attrs: dict[str, Any] = {"kind": "city", "country": country}
    for h in ctx.gaz.geo.find(name):
        if h.start == 0 and h.end == len(name):
            kind, value = h.payloads[0]
            if kind == "place":
                attrs = {"kind": value.kind, "country": value.country or country, "lat": value.lat, "lon": value.lon}
            elif kind == "country":
                return
    if "TRAINING AREA" in dl.place or dl.place.startswith(("FORT ", "CAMP ")) or "BASE" in dl.place:
        attrs["kind"] = "facility"
    ctx.dateline_country = attrs.get("country")
    ctx.add(Candidate(dl.start, dl.end, "location", name, P_PATTERN + 1, attrs))


def find_entities(ctx: Context, dl: DatelineInfo | None) -> list[Found]:
    if dl:
        dateline_place(ctx, dl)
    people.ranked(ctx)
    people.titled(ctx)
    names.vessels(ctx)
    names.acronyms(ctx)
    names.gazetteer_names(ctx)
    names.chunk_names(ctx)
    names.military_units(ctx)
    people.contextual(ctx)
    names.places_in_context(ctx)
    kept = resolve(ctx.candidates)
    _set_keys(kept)
    persons = [c for c in kept if c.type == "person" and len(c.name.split()) >= 2]
    people.coreference(ctx, persons)
    _alias_mentions(ctx, kept)
    kept = resolve(ctx.candidates)
    _set_keys(kept)
    return _group(ctx, kept)


def _key_for(c: Candidate) -> str:
    if c.type == "organization":
        base = fold(c.name)
        for prefix in ("us ", "united states "):
            if base.startswith(prefix):
                base = base[len(prefix) :]
        return base
    return fold(c.name)


def _set_keys(cands: list[Candidate]) -> None:
    for c in cands:
        if not c.key:
            c.key = _key_for(c)


def _alias_mentions(ctx: Context, kept: list[Candidate]) -> None:
    """Acronyms, short vessel names and bare operation names used later in the text."""
    aliases = Matcher()
    for c in kept:
        if c.acronym and c.type in ("organization", "operation"):
            aliases.add(c.acronym, (c.type, c.key, c.name))
        short = c.attrs.get("short")
        if c.attrs.get("kind") == "vessel" and isinstance(short, str):
            aliases.add(short, (c.type, c.key, c.name))
        if c.type == "operation" and c.attrs.get("year"):
            base = re.sub(r"\s+(?:19|20)\d\d$", "", c.name)
            aliases.add(base, (c.type, c.key, c.name))
        if c.type == "organization" and c.name.startswith("U.S. "):
            aliases.add(c.name[5:], (c.type, c.key, c.name))
    for h in aliases.build().find(ctx.text):
        ctype, key, name = h.payloads[0]
        ctx.add(Candidate(h.start, h.end, ctype, name, P_COREF, {}, key=key))


def _group(ctx: Context, kept: list[Candidate]) -> list[Found]:
    groups: dict[tuple[str, str], Found] = {}
    acr_of: dict[str, str] = {}
    for c in kept:
        if c.acronym:
            acr_of[fold(c.acronym)] = c.key
    members: list[tuple[Candidate, Found]] = []
    for c in kept:
        key = acr_of.get(c.key, c.key) if c.type in ("organization", "operation") else c.key
        if c.type == "person":
            key = _person_key(key, groups)
        g = groups.get((c.type, key))
        if g is None:
            g = groups[(c.type, key)] = Found(c.type, c.name, first=c.start)
        g.mentions.append((c.start, c.end))
        g.name = _better_name(c, g.name)
        members.append((c, g))
    # attributes: the most trusted finder first (a gazetteer's coordinates over a guess from context)
    for c, g in sorted(members, key=lambda cg: -cg[0].priority):
        for k, v in c.attrs.items():
            if v is not None and k not in g.attributes and k != "short":
                g.attributes[k] = v
        if c.acronym and "acronym" not in g.attributes and c.acronym != c.name:
            g.attributes["acronym"] = c.acronym
    for g in groups.values():  # what the gazetteer knows of a name found by pattern
        if g.type == "organization" and "kind" not in g.attributes:
            known = ctx.gaz.orgs.lookup(g.name) or ctx.gaz.orgs.lookup(str(g.attributes.get("acronym", "")))
            if known:
                g.attributes.setdefault("kind", known[0].kind)
                if known[0].country:
                    g.attributes.setdefault("country", known[0].country)
            else:
                _infer_org(ctx, g)
    return sorted(groups.values(), key=lambda g: g.first)


def _infer_org(ctx: Context, g: Found) -> None:
    """Kind from the name's words, country from a country or adjective inside it ("Peruvian Navy")."""
    words = set(g.name.replace("-", " ").split())
    words |= {" ".join(p) for p in zip(g.name.split(), g.name.split()[1:], strict=False)}
    for kind, vocab in ctx.gaz.org_kind_words:
        if words & vocab:
            g.attributes.setdefault("kind", kind)
            break
    if "country" in g.attributes or g.attributes.get("kind") == "vessel":
        return
    if g.name.startswith("U.S. "):
        g.attributes["country"] = "US"
        return
    for h in ctx.gaz.geo.find(g.name):
        kind, value = h.payloads[0]
        if kind in ("country", "demonym"):
            g.attributes["country"] = value
            return


def _person_key(key: str, groups: dict[tuple[str, str], Found]) -> str:
    """A shorter name whose words all belong to one longer known name joins it."""
    words = set(key.split())
    matches = [k for (t, k) in groups if t == "person" and k != key and words <= set(k.split())]
    return matches[0] if len(matches) == 1 else key


def _better_name(c: Candidate, current: str) -> str:
    if c.priority == P_COREF or c.name == c.acronym:
        return current
    if c.type == "person":
        return c.name if len(c.name.split()) > len(current.split()) else current
    if c.type == "organization" and current == c.acronym:
        return c.name
    if c.type == "operation" and re.search(r"\d{4}$", c.name) and not re.search(r"\d{4}$", current):
        return c.name
    return current
