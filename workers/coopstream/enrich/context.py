"""Shared state of one article's entity passes: text, tokens, matches, candidates."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from coopstream.enrich.gazetteer import Gazetteer
from coopstream.enrich.knowledge import Hit
from coopstream.enrich.tokens import Chunk, Token, chunks, tokenize

# priorities: a higher one wins an overlap; among equals the longer span wins
P_RANKED = 100
P_VESSEL = 95
P_ACRONYM = 90
P_PATTERN = 85
P_TITLED = 80
P_GAZ_MULTI = 75
P_CHUNK = 70
P_GAZ = 60
P_CONTEXT = 50
P_COREF = 65


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    type: str  # person, organization, location, operation
    name: str
    priority: int
    attrs: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # grouping key; defaults to the normalised name
    acronym: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Context:
    text: str
    gaz: Gazetteer
    tokens: list[Token]
    starts: list[int]
    chunks: list[Chunk]
    geo: list[Hit]
    orgs: list[Hit]
    ops: list[Hit]
    ranks: list[Hit]
    titles: list[Hit]
    dateline_country: str | None = None
    year: int | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @classmethod
    def build(cls, text: str, gaz: Gazetteer) -> Context:
        tokens = tokenize(text)
        return cls(
            text=text,
            gaz=gaz,
            tokens=tokens,
            starts=[t.start for t in tokens],
            chunks=chunks(text, tokens, gaz.connectors, gaz.in_after),
            geo=gaz.geo.find(text),
            orgs=gaz.orgs.find(text),
            ops=gaz.ops.find(text),
            ranks=longest(gaz.ranks.find(text)),
            titles=longest(gaz.titles.find(text)),
        )

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect_left(self.starts, offset)

    def add(self, cand: Candidate) -> None:
        if cand.end > cand.start and cand.name.strip():
            self.candidates.append(cand)


def longest(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer hit."""
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start >= out[-1].start and h.end <= out[-1].end:
            continue
        out.append(h)
    return out


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Keep a set of non-overlapping candidates: priority first, then length.

    A gazetteer name strictly inside a longer name found by pattern ("Army National
    Guard" inside "Alaska Army National Guard") yields to it.
    """
    patterned = [c for c in cands if c.priority in (P_CHUNK, P_ACRONYM, P_PATTERN) and c.type != "person"]
    cands = [
        c for c in cands
        if c.priority not in (P_GAZ, P_GAZ_MULTI)
        or not any(p.start <= c.start and c.end <= p.end and p.length > c.length for p in patterned)
    ]
    # a later mention by surname or acronym never cuts into a longer name of its own kind
    cands = [
        c for c in cands
        if c.priority != P_COREF
        or not any(o.type == c.type and o.start <= c.start and c.end <= o.end and o.length > c.length for o in cands)
    ]
    taken: list[tuple[int, int]] = []
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.priority, -c.length, c.start)):
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)
