"""The entity passes' shared reading of one article: its tokens, capitalised chunks and knowledge matches.

Built once per article by ``read_text`` and never changed afterwards: each finder takes what it
needs from it and returns candidates of its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge import OP, ORG, PLACE, Knowledge
from coopstream.enrich.knowledge.language import COUNTRY, DEMONYM, RANK, TITLE, LanguagePack
from coopstream.enrich.knowledge.matcher import Hit, Matcher, of_kind
from coopstream.enrich.tokens import Chunk, Token, chunks, tokenize


@dataclass(frozen=True, slots=True)
class TextView:
    text: str
    pack: LanguagePack
    tokens: list[Token]
    starts: list[int]
    chunks: list[Chunk]
    chunk_starts: list[int]
    geo: list[Hit]  # payloads: ("country", code), ("demonym", code), ("place", Place), countries first
    orgs: list[Hit]
    ops: list[Hit]
    ranks: list[Hit]
    titles: list[Hit]
    title_spans: list[tuple[int, int]]  # ranks and titles
    title_starts: list[int]
    title_at: dict[int, int]  # start -> end of each title
    rank_starts: frozenset[int]
    geo_spans: frozenset[tuple[int, int]]
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    geo_by_start: dict[int, list[Hit]]
    common_names: Matcher

    def geo_at(self, start: int) -> list[Hit]:
        return self.geo_by_start.get(start, [])

    def lookup_geo(self, name: str) -> list[tuple[str, Any]]:
        """What the knowledge says a written name is: countries and demonyms first, then places."""
        lang = [p for p in self.pack.names.lookup(name) if p[0] in (COUNTRY, DEMONYM)]
        return lang + [p for p in self.common_names.lookup(name) if p[0] == PLACE]

    def org_lookup(self, name: str) -> list[Any]:
        return [v for k, v in self.common_names.lookup(name) if k == ORG]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset`` (or the stretch between two sentences)."""
        i = bisect_right(self.sentence_starts, offset) - 1
        if i < 0:
            return 0, self.sentences[0][0] if self.sentences else len(self.text)
        return self.sentences[i]

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect_left(self.starts, offset)


def read_text(text: str, sentences: list[tuple[int, int]], pack: LanguagePack, knowledge: Knowledge) -> TextView:
    lex = pack.lex
    tokens = tokenize(text, pack.ordinal)
    lang_hits = pack.names.find(text)
    common_hits = knowledge.names.find(text)
    geo = _resolve_ambiguous(
        text, pack, _merge([*_tagged(lang_hits, (COUNTRY, DEMONYM)), *_tagged(common_hits, (PLACE,))])
    )
    ranks = longest(of_kind(lang_hits, RANK))
    titles = longest(of_kind(lang_hits, TITLE))
    title_spans = sorted((h.start, h.end) for h in ranks + titles)
    by_start: dict[int, list[Hit]] = {}
    for h in geo:
        by_start.setdefault(h.start, []).append(h)
    chunk_list = chunks(text, tokens, lex.connectors, lex.in_connectors, lex.in_connector_after)
    return TextView(
        text=text,
        pack=pack,
        tokens=tokens,
        starts=[t.start for t in tokens],
        chunks=chunk_list,
        chunk_starts=[c.start for c in chunk_list],
        geo=geo,
        orgs=of_kind(common_hits, ORG),
        ops=of_kind(common_hits, OP),
        ranks=ranks,
        titles=titles,
        title_spans=title_spans,
        title_starts=[a for a, _ in title_spans],
        title_at={h.start: h.end for h in titles},
        rank_starts=frozenset(h.start for h in ranks),
        geo_spans=frozenset((h.start, h.end) for h in geo),
        sentences=sentences,
        sentence_starts=[a for a, _ in sentences],
        geo_by_start=by_start,
        common_names=knowledge.names,
    )


def _tagged(hits: list[Hit], kinds: tuple[str, ...]) -> list[Hit]:
    out = []
    for h in hits:
        payloads = tuple(p for p in h.payloads if p[0] in kinds)
        if payloads:
            out.append(Hit(h.start, h.end, h.key, payloads))
    return out


def _merge(hits: list[Hit]) -> list[Hit]:
    """One hit per span, the language's payloads (countries, demonyms) before the places."""
    by_span: dict[tuple[int, int], Hit] = {}
    for h in hits:
        prev = by_span.get((h.start, h.end))
        by_span[(h.start, h.end)] = h if prev is None else Hit(h.start, h.end, h.key, prev.payloads + h.payloads)
    return sorted(by_span.values(), key=lambda h: (h.end, h.start))


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


def longest(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer hit."""
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start >= out[-1].start and h.end <= out[-1].end:
            continue
        out.append(h)
    return out
