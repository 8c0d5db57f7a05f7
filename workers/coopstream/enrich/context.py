"""Shared state of one article's entity passes: text, tokens, matches, candidates."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
    title_starts: list[int] = field(default_factory=list)
    chunk_starts: list[int] = field(default_factory=list)
    title_at: dict[int, int] = field(default_factory=dict)
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
        ctx.title_spans = sorted((h.start, h.end) for h in ctx.ranks + ctx.titles)
        ctx.title_starts = [a for a, _ in ctx.title_spans]
        ctx.chunk_starts = [c.start for c in ctx.chunks]
        ctx.title_at = {h.start: h.end for h in ctx.titles}
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
    patterned = _Reach([c for c in cands if c.priority in (P_CHUNK, P_ACRONYM, P_PATTERN) and c.type != "person"])
    by_type = {t: _Reach([c for c in cands if c.type == t]) for t in {c.type for c in cands}}
    kept_cands = []
    for c in cands:
        if c.priority in (P_GAZ, P_GAZ_MULTI) and patterned.contains(c):
            continue
        if c.priority == P_COREF and by_type[c.type].contains(c):
            continue
        kept_cands.append(c)
    taken = bytearray(max(c.end for c in cands) + 1)
    kept: list[Candidate] = []
    for c in sorted(kept_cands, key=lambda c: (-c.priority, -c.length, c.start)):
        if taken.find(1, c.start, c.end) != -1:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


class Mask:
    """Which characters some spans cover: constant-time questions about a span."""

    def __init__(self, size: int, spans: list[tuple[int, int]] | None = None) -> None:
        self.bits = bytearray(size + 1)
        for a, b in spans or []:
            self.add(a, b)

    def add(self, a: int, b: int) -> None:
        self.bits[a:b] = b"\x01" * (b - a)

    def covers(self, a: int, b: int) -> bool:
        return b > a and self.bits.find(0, a, b) == -1

    def touches(self, a: int, b: int) -> bool:
        return self.bits.find(1, a, b) != -1


class _Reach:
    """For a set of spans: the furthest end among those starting at or before a position."""

    def __init__(self, cands: list[Candidate]) -> None:
        spans = sorted((c.start, c.end) for c in cands)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []
        best = -1
        for _, e in spans:
            best = max(best, e)
            self.reach.append(best)

    def _at(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        return self.reach[i] if i >= 0 else -1

    def contains(self, c: Candidate) -> bool:
        """Whether a longer span contains ``c``."""
        return self._at(c.start) > c.end or self._at(c.start - 1) >= c.end
