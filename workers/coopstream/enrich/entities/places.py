"""Places: countries and places of the gazetteers, the dateline's place, unknown names a preposition
or a following ", <country or state>" marks as places, and facilities ("... Air Base", "Fort ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.entities.candidates import (
    P_CHUNK,
    P_CONTEXT,
    P_DATELINE,
    P_GAZ,
    P_GAZ_MULTI,
    P_PATTERN,
    Candidate,
)
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.entities.words import org_strong, place_head, strong_place
from coopstream.enrich.knowledge.common import Place
from coopstream.enrich.tokens import Token


@dataclass(frozen=True, slots=True)
class DatelineInfo:
    place: str
    region: str | None
    start: int
    end: int


def place_attrs(place: Place) -> dict[str, Any]:
    return {"kind": place.kind, "country": place.country, "lat": place.lat, "lon": place.lon}


def known_places(view: TextView) -> list[Candidate]:
    """Every country name and gazetteer place; a country carries the country's own coordinates."""
    text = view.text
    countries = view.pack.common.countries
    out: list[Candidate] = []
    shared: dict[int, dict[str, Any]] = {}  # one attribute dict per place (candidates only read them)
    for h in view.geo:
        prio = P_GAZ_MULTI if " " in h.key else P_GAZ
        for kind, value in h.payloads:
            if kind == "country":
                c = countries.get(value)
                if c:
                    attrs = shared.get(id(c)) or shared.setdefault(
                        id(c), {"kind": "country", "country": c.code, "lat": c.lat, "lon": c.lon}
                    )
                    out.append(Candidate(h.start, h.end, "location", c.name, prio, attrs))
                break
            if kind == "place":
                if value.kind in ("region", "water") and _adjective(view, h.start, h.end):
                    break  # "the Pacific coast": a name used as an adjective
                surface = text[h.start : h.end]
                name = value.name if "." in surface or surface.isupper() else surface
                attrs = shared.get(id(value)) or shared.setdefault(id(value), place_attrs(value))
                out.append(Candidate(h.start, h.end, "location", name, prio, attrs))
                break
    return out


def _adjective(view: TextView, start: int, end: int) -> bool:
    lex = view.pack.lex
    after = _NEXT_LOWER.match(view.text, end, end + 20)
    before = view.text[max(0, start - 6) : start].split()
    if after is None:
        return False
    if after.group(1) in lex.naming_followers:
        return True
    if after.group(1) not in lex.adjectival_followers:
        return False
    return bool(before) and (before[-1] in lex.articles or before[-1].endswith(("'s", "’s")))


_NEXT_LOWER = re.compile(r" ([^\W\d_A-Z][^\W\d_]*)")


def _title_case(view: TextView, caps: str) -> str:
    small = {w.upper() for w in view.pack.lex.connectors}
    words = caps.split()
    return " ".join(w.lower() if w in small and i else w[:1] + w[1:].lower() for i, w in enumerate(words))


def dateline_place(view: TextView, dl: DatelineInfo) -> Candidate | None:
    """The dateline's place ("LIMA, Peru"), with the country of the words after it."""
    name = _title_case(view, dl.place)
    country = None
    if dl.region:
        for h in view.geo_at(dl.end + 2):
            kind, value = h.payloads[0]
            country = value if kind == "country" else getattr(value, "country", None)
            break
    attrs: dict[str, Any] = {"kind": "city", "country": country}
    for kind, value in view.lookup_geo(name):
        if kind == "place":
            attrs = place_attrs(value)
            attrs["country"] = value.country or country
            break
        if kind == "country":
            return None
    words = name.split()
    if place_head(view.pack, words):
        attrs["kind"] = "facility"
    return Candidate(dl.start, dl.end, "location", name, P_DATELINE, attrs)


def facility_from_chunk(view: TextView, toks: list[Token], start: int, end: int) -> Candidate | None:
    words = [t.text for t in toks]
    pack = view.pack
    if len(words) > 1 and place_head(pack, words) and (not org_strong(pack, words) or strong_place(pack, words)):
        after = _NEXT_LOWER.match(view.text, end, end + 20)
        if after is not None and after.group(1) in pack.lex.naming_followers:
            return None  # "Rift Valley fever": the name of a disease
        return Candidate(start, end, "location", view.text[start:end], P_CHUNK, {"kind": "facility", "country": None})
    return None


def places_in_context(view: TextView) -> list[Candidate]:
    """Unknown capitalised names right after a locative preposition, or before ", <country/state>"."""
    pack = view.pack
    lex = pack.lex
    toks = view.tokens
    listed: set[int] = {h.end for h in view.geo}  # ends of names taken, so "in A, B and C" continues the list
    out: list[Candidate] = []
    for chunk in view.chunks:
        prev_i = chunk.tokens[0].index - 1
        if prev_i >= 0 and toks[prev_i].text in lex.articles:
            prev_i -= 1
        prev = toks[prev_i].text if prev_i >= 0 else ""
        in_list = prev == "," and prev_i > 0 and toks[prev_i - 1].end in listed
        if not in_list and prev not in lex.locative_prepositions and view.text[chunk.end : chunk.end + 2] != ", ":
            continue  # neither a preposition before nor ", <country>" after: no part can be a place
        for part in _split_on(list(chunk.tokens), lex.coordinators):
            words = [t.text for t in part]
            if len(words) > 3 or any(w in lex.person_stop or w in lex.not_places for w in words):
                continue
            if (part[0].start, part[-1].end) in view.geo_spans or any(w in pack.demonyms for w in words):
                continue
            if any(not t.word or len(t.text) == 1 or "." in t.text for t in part):
                continue  # punctuation, an initial or an abbreviation ("D.C."): not a place name
            country = _country_after(view, part[-1].end)
            if country is None and not in_list and prev not in lex.locative_prepositions:
                continue
            if country is None and words[0] in pack.given_names and len(words) >= 2:
                continue
            name = " ".join(w if not w.isupper() or len(w) < 3 else w[0] + w[1:].lower() for w in words)
            listed.add(part[-1].end)
            out.append(
                Candidate(
                    part[0].start,
                    part[-1].end,
                    "location",
                    name,
                    P_CONTEXT,
                    {"kind": "place", "country": country or None},
                )
            )
    return out


def named_features(view: TextView) -> list[Candidate]:
    """Places introduced by a lower-case noun: a natural feature keeps its noun ("río Suchiate",
    "bahía de Tongoy"); an administrative unit is the name alone ("provincia de Azua", "bairros de
    Marechal Hermes e Vila Valqueire": a list after a plural noun continues)."""
    lex = view.pack.lex
    features, admin = lex.feature_nouns, lex.admin_nouns
    if not features and not admin:
        return []
    toks = view.tokens
    particles = lex.name_particles
    out: list[Candidate] = []
    listed_end, listed_kind = -1, ""  # the end of the last name of an administrative list
    for chunk in view.chunks:
        i = chunk.tokens[0].index - 1
        listing = i > 0 and listed_end >= 0 and (toks[i].text == "," or toks[i].text in lex.coordinators)
        if listing and toks[i - 1].end == listed_end:  # "provincias de San Cristóbal, Azua y Barahona"
            parts = _split_on(list(chunk.tokens), lex.coordinators)
            listed_end = _add_features(view, parts, -1, listed_kind, out, admin=True)
            continue
        listed_end = -1
        if i >= 0 and toks[i].text in particles:  # "de", "del", "de la", "da"
            i -= 1
            if i >= 0 and toks[i].text in particles and toks[i].text != toks[i + 1].text:
                i -= 1
        if i < 0:
            continue
        noun = toks[i].text
        if noun in features:
            _add_features(view, [list(chunk.tokens)], toks[i].start, features[noun], out, admin=False)
        elif noun in admin:
            parts, listed_kind = _split_on(list(chunk.tokens), lex.coordinators), admin[noun]
            listed_end = _add_features(view, parts, -1, listed_kind, out, admin=True)
    return out


def _add_features(
    view: TextView, parts: list[list[Token]], start: int, kind: str, out: list[Candidate], admin: bool
) -> int:
    """Candidates for ``parts`` (from ``start`` when the noun belongs to the name); returns the end of
    the last part taken, -1 when none was."""
    lex = view.pack.lex
    last = -1
    for part in parts:
        words = [t.text for t in part]
        if len(words) > 4 or any(w in lex.person_stop or w in lex.not_places for w in words):
            continue
        if any(not t.word or len(t.text) == 1 for t in part):
            continue
        last = part[-1].end
        if admin and (part[0].start, part[-1].end) in view.geo_spans:
            continue  # a place the gazetteer knows: its own candidate has its name and coordinates
        a = start if start >= 0 else part[0].start
        country = _country_of(view, part[0].start, part[-1].end)
        attrs = {"kind": kind, "country": country}
        out.append(Candidate(a, part[-1].end, "location", view.text[a : part[-1].end], P_PATTERN, attrs))
    return last


def _country_of(view: TextView, start: int, end: int) -> str | None:
    """The country of the gazetteer name spanning exactly ``start:end``, if any."""
    for h in view.geo_at(start):
        if h.end != end:
            continue
        for kind, value in h.payloads:
            if kind == "country":
                return str(value)
            if kind == "place" and value.country:
                return str(value.country)
    return None


def _split_on(toks: list[Token], words: frozenset[str]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for t in toks:
        if t.text in words:
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def _country_after(view: TextView, end: int) -> str | None:
    """The country of ``, <Country or state>`` right after ``end``."""
    if view.text[end : end + 2] != ", ":
        return None
    for h in view.geo_at(end + 2):
        for kind, value in h.payloads:
            if kind == "country":
                return str(value)
            if kind == "place" and value.kind in ("state", "country"):
                return str(value.country) if value.country else None
    return None
