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
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    dateline_country: str | None = None
    year: int | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @classmethod
    def build(cls, text: str, gaz: Gazetteer) -> Context:
        tokens = tokenize(text)
        ctx = cls(
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
        ctx.title_spans = [(h.start, h.end) for h in ctx.ranks + ctx.titles]
        return ctx

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
    Guard" inside "Alaska Army National Guard") yields to it, and so does a later
    mention by surname or acronym inside a longer name of its own kind.
    """
    if not cands:
        return []
    size = max(c.end for c in cands) + 1
    patterned = _reach([c for c in cands if c.priority in (P_CHUNK, P_ACRONYM, P_PATTERN) and c.type != "person"],
                       size)
    by_type = {t: _reach([c for c in cands if c.type == t], size) for t in {c.type for c in cands}}
    kept_cands = []
    for c in cands:
        if c.priority in (P_GAZ, P_GAZ_MULTI) and _inside(patterned, c):
            continue
        if c.priority == P_COREF and _inside(by_type[c.type], c):
            continue
        kept_cands.append(c)
    taken = bytearray(size)
    kept: list[Candidate] = []
    for c in sorted(kept_cands, key=lambda c: (-c.priority, -c.length, c.start)):
        if taken.find(1, c.start, c.end) != -1:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _reach(cands: list[Candidate], size: int) -> list[int]:
    """reach[i]: the furthest end of a candidate starting at or before i."""
    reach = [-1] * size
    for c in cands:
        if c.end > reach[c.start]:
            reach[c.start] = c.end
    best = -1
    for i in range(size):
        if reach[i] > best:
            best = reach[i]
        reach[i] = best
    return reach


def _inside(reach: list[int], c: Candidate) -> bool:
    """Whether a longer candidate of ``reach`` contains ``c``."""
    return reach[c.start] > c.end or (c.start > 0 and reach[c.start - 1] >= c.end)
