"""The entity passes' shared reading of an article: the knowledge's names in it (``Matches``, found
once over the whole text) and, window by window, its tokens and capitalised chunks (``TextView``).

Neither changes once built: each finder takes what it needs and returns candidates of its own. A
long article is read in windows of about ``WINDOW`` characters cut at paragraph breaks, so the
token-level finders hold one window's tokens at a time and memory stays bounded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge import OP, ORG, PLACE, Knowledge
from coopstream.enrich.knowledge.common import Place
from coopstream.enrich.knowledge.language import COUNTRY, DEMONYM, RANK, TITLE, LanguagePack
from coopstream.enrich.knowledge.matcher import Hit
from coopstream.enrich.spans import Reach
from coopstream.enrich.tokens import Chunk, Token, chunks, tokenize

WINDOW = 60_000  # characters of text the token-level finders hold at once


@dataclass(frozen=True, slots=True)
class Matches:
    """The knowledge's names in the whole text, found once, each list in text order."""

    geo: list[Hit]  # payloads: ("country", code), ("demonym", code), ("place", Place), countries first
    orgs: list[Hit]
    ops: list[Hit]
    ranks: list[Hit]
    titles: list[Hit]
    geo_spans: frozenset[tuple[int, int]]
    starts: dict[str, list[int]]  # the starts of each list above, for windows

    def geo_at(self, start: int) -> list[Hit]:
        starts = self.starts["geo"]
        return self.geo[bisect_left(starts, start) : bisect_right(starts, start)]

    def within(self, kind: str, a: int, b: int) -> list[Hit]:
        hits: list[Hit] = getattr(self, kind)
        starts = self.starts[kind]
        return hits[bisect_left(starts, a) : bisect_left(starts, b)]


def match_names(text: str, pack: LanguagePack, knowledge: Knowledge) -> Matches:
    hits = pack.find_kinds(text)
    geo = _geo(hits)
    geo = _resolve_ambiguous(text, pack, geo)
    ranks = [h for h in longest(hits.get(RANK, [])) if not _blocked(text, pack, h.start)]
    geo = sorted(_supported(text, pack, geo, ranks, hits.get(ORG, [])), key=lambda h: (h.start, h.end))
    lists = {
        "geo": geo,
        "orgs": sorted(hits.get(ORG, []), key=lambda h: (h.start, h.end)),
        "ops": sorted(hits.get(OP, []), key=lambda h: (h.start, h.end)),
        "ranks": ranks,
        "titles": longest(hits.get(TITLE, [])),
    }
    return Matches(
        **lists,
        geo_spans=frozenset((h.start, h.end) for h in geo),
        starts={kind: [h.start for h in hits] for kind, hits in lists.items()},
    )


@dataclass(frozen=True, slots=True)
class TextView:
    """One window of the text (the whole text when it is short) as the token-level finders read it.

    Offsets are the whole text's; the tokens, chunks and matches are those inside the window.
    """

    text: str
    pack: LanguagePack
    matches: Matches
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    start: int
    end: int
    tokens: list[Token]
    starts: list[int]
    chunks: list[Chunk]
    chunk_starts: list[int]
    geo: list[Hit]
    orgs: list[Hit]
    ops: list[Hit]
    ranks: list[Hit]
    titles: list[Hit]
    title_spans: list[tuple[int, int]]  # ranks and titles
    title_starts: list[int]
    title_at: dict[int, int]  # start -> end of each title
    rank_starts: frozenset[int]

    @property
    def geo_spans(self) -> frozenset[tuple[int, int]]:
        return self.matches.geo_spans

    def geo_at(self, start: int) -> list[Hit]:
        return self.matches.geo_at(start)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset`` (or the stretch between two sentences)."""
        i = bisect_right(self.sentence_starts, offset) - 1
        if i < 0:
            return 0, self.sentences[0][0] if self.sentences else len(self.text)
        return self.sentences[i]

    def lookup_geo(self, name: str) -> list[tuple[str, Any]]:
        """What the knowledge says a written name is: countries and demonyms first, then places."""
        found = self.pack.lookup(name)
        return [p for p in found if p[0] in (COUNTRY, DEMONYM)] + [p for p in found if p[0] == PLACE]

    def org_lookup(self, name: str) -> list[Any]:
        return [v for k, v in self.pack.lookup(name) if k == ORG]

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect_left(self.starts, offset)


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """Stretches of at most about ``size`` characters, cut at a paragraph, else a line, else a space."""
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        limit = start + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(sep, start + size // 2, limit)
            if cut != -1:
                cut += len(sep)
                break
        if cut == -1:
            cut = limit
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def read_window(
    text: str,
    sentences: list[tuple[int, int]],
    pack: LanguagePack,
    knowledge: Knowledge,
    matches: Matches,
    start: int = 0,
    end: int | None = None,
    sentence_starts: list[int] | None = None,
) -> TextView:
    end = len(text) if end is None else end
    lex = pack.lex
    tokens = tokenize(text, pack.ordinal, start, end)
    chunk_list = chunks(text, tokens, lex.connectors, lex.in_connectors, lex.in_connector_after, lex.org_head_first)

    def window(kind: str) -> list[Hit]:
        return matches.within(kind, start, end) if start or end < len(text) else getattr(matches, kind)

    ranks, titles = window("ranks"), window("titles")
    title_spans = sorted((h.start, h.end) for h in ranks + titles)
    return TextView(
        text=text,
        pack=pack,
        matches=matches,
        sentences=sentences,
        sentence_starts=sentence_starts if sentence_starts is not None else [a for a, _ in sentences],
        start=start,
        end=end,
        tokens=tokens,
        starts=[t.start for t in tokens],
        chunks=chunk_list,
        chunk_starts=[c.start for c in chunk_list],
        geo=window("geo"),
        orgs=window("orgs"),
        ops=window("ops"),
        ranks=ranks,
        titles=titles,
        title_spans=title_spans,
        title_starts=[a for a, _ in title_spans],
        title_at={h.start: h.end for h in titles},
        rank_starts=frozenset(h.start for h in ranks),
    )


def _geo(hits: dict[str, list[Hit]]) -> list[Hit]:
    """One hit per span with its readings as ``(kind, value)`` pairs: countries, demonyms, then places."""
    by_span: dict[tuple[int, int], tuple[str, list[tuple[str, Any]]]] = {}
    for kind in (COUNTRY, DEMONYM, PLACE):
        for h in hits.get(kind, []):
            entry = by_span.get((h.start, h.end))
            if entry is None:
                entry = by_span[(h.start, h.end)] = (h.key, [])
            entry[1].extend((kind, v) for v in h.payloads)
    return [Hit(s, e, key, tuple(readings)) for (s, e), (key, readings) in by_span.items()]


def _resolve_ambiguous(text: str, pack: LanguagePack, geo: list[Hit]) -> list[Hit]:
    """A name that is a country and another place ("Georgia") is the country only with evidence in the
    text: a demonym of the country, another place in it, or a cue phrase ("Republic of Georgia")."""
    ambiguous = pack.common.ambiguous
    if not ambiguous or not any(h.key in ambiguous for h in geo):
        return geo
    evidence: set[str] = set()
    for h in geo:
        for kind, value in h.payloads:
            if kind == DEMONYM:
                evidence.add(value)
            elif kind == PLACE and value.country and h.key not in ambiguous:
                evidence.add(value.country)
    out = []
    for h in geo:
        amb = ambiguous.get(h.key)
        if (
            amb is None
            or amb.country in evidence
            or any(p.format(name=amb.name) in text for p in pack.lex.country_cue_patterns)
        ):
            out.append(h)
            continue
        places = [p for p in h.payloads if p[0] == PLACE and p[1].country == amb.otherwise.country]
        out.append(Hit(h.start, h.end, h.key, tuple(places) or ((PLACE, amb.otherwise),)))
    return out


def _blocked(text: str, pack: LanguagePack, start: int) -> bool:
    """A rank word that a name's word before it makes part of that name ("Estado Mayor")."""
    blockers = pack.lex.rank_blockers
    if not blockers or start < 2 or text[start - 1] != " ":
        return False
    before = text[max(0, start - 24) : start - 1].rsplit(" ", 1)[-1]
    return before in blockers


SMALL_PLACE = 500_000  # a town below this many inhabitants is named as a place only with support


def _supported(text: str, pack: LanguagePack, geo: list[Hit], ranks: list[Hit], orgs: list[Hit]) -> list[Hit]:
    """The place readings the text supports.

    A written place name may be a surname, a byline, a ship or a namesake elsewhere ("Espinal", "Palma",
    "San Cristóbal", "Coronel" in "Tenente-Coronel"). Among several places of one name the one in a
    country the text names wins; a town of fewer than ``SMALL_PLACE`` inhabitants counts only where its
    country is otherwise named or a preposition of place stands before it; a name inside a rank is
    none; a state's abbreviation after a city of another country is not that state ("Bogotá, D.C.").
    """
    rank_mask = Reach([(h.start, h.end) for h in ranks])
    named: set[str] = {v for h in geo for k, v in h.payloads if k in (COUNTRY, DEMONYM)}
    named |= {o.country for h in orgs for o in h.payloads if o.country}
    for h in geo:
        places = [v for k, v in h.payloads if k == PLACE]
        if places and len(h.payloads) == len(places) and all(not _small(p) for p in places):
            named |= {p.country for p in places[:1] if p.country}
    locative = pack.lex.locative_prepositions
    out: list[Hit] = []
    prev_place: Place | None = None
    prev_end = -1  # the end of the last place kept
    for h in geo:
        if rank_mask.contains(h.start, h.end):
            continue
        places = [v for k, v in h.payloads if k == PLACE]
        others = tuple(p for p in h.payloads if p[0] != PLACE)
        if not places:
            out.append(h)
            prev_end = h.end
            continue
        if not others and _hyphened(text, h.start, h.end):
            continue  # "Alberto Santos-Dumont": a name's part joined by a hyphen, not the place
        after_city = prev_place is not None and text[h.start - 2 : h.start] == ", " and "." in h.key
        if after_city and not others and all(p.country != prev_place.country for p in places):  # type: ignore[union-attr]
            continue  # "Bogotá, D.C.": the city's own district, not a state elsewhere
        fitting = [p for p in places if p.country in named] or places
        before = text[max(0, h.start - 20) : h.start].split()
        supported = [p for p in fitting if not _small(p) or p.country in named or (before and before[-1] in locative)]
        if not supported and not others:
            if " " not in h.key and not _listed_after(text, pack, prev_end, h.start):
                continue  # one word naming a town with nothing in the text for it: a namesake ("Ana Espinal")
            supported = [Place(fitting[0].name, "place", None, None, None)]  # "Mocímboa da Praia e Palma"
        if supported == places:
            out.append(h)  # every reading holds: the hit as it was
        else:
            out.append(Hit(h.start, h.end, h.key, others + tuple((PLACE, p) for p in supported)))
        prev_place = supported[0] if supported[0].country else prev_place
        prev_end = h.end
    return out


def _hyphened(text: str, start: int, end: int) -> bool:
    """Joined by a hyphen to a capitalised word on either side ("Santos-Dumont", "Smith-Lima")."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "-" and after[1].isupper()) or (
        len(before) == 2 and before[1] == "-" and before[0].isalpha()
    )


def _listed_after(text: str, pack: LanguagePack, prev_end: int, start: int) -> bool:
    """The name follows another place in a list: only ", " or a coordinator between them."""
    if prev_end < 0 or start - prev_end > 6:
        return False
    between = text[prev_end:start].strip()
    return between == "," or between in pack.lex.coordinators


def _small(place: Place) -> bool:
    return bool(place.kind == "city" and 0 < place.population < SMALL_PLACE)


def longest(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer hit."""
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start >= out[-1].start and h.end <= out[-1].end:
            continue
        out.append(h)
    return out
