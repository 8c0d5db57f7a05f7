"""Candidates of the entity finders, and the one rule that settles their overlaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coopstream.enrich.spans import Reach

# priorities: a higher one wins an overlap; among equals the longer span wins
P_RANKED = 100
P_VESSEL = 95
P_ACRONYM = 90
P_DATELINE = 86
P_PATTERN = 85
P_TITLED = 80
P_GAZ_MULTI = 75
P_CHUNK = 70
P_COREF = 65
P_GAZ = 60
P_CONTEXT = 50


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


def keep(cands: list[Candidate]) -> list[Candidate]:
    """The candidates worth settling: a non-empty span and a name."""
    return [c for c in cands if c.end > c.start and c.name.strip()]


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Keep a set of non-overlapping candidates: priority first, then length.

    A gazetteer name strictly inside a longer name found by pattern ("Army National Guard" inside
    "Alaska Army National Guard") yields to it, and so does a later mention by surname or acronym
    inside a longer name of its own kind.
    """
    if not cands:
        return []
    patterned = Reach(
        [(c.start, c.end) for c in cands if c.priority in (P_CHUNK, P_ACRONYM, P_PATTERN) and c.type != "person"]
    )
    later = {c.type for c in cands if c.priority == P_COREF}
    by_type = {t: Reach([(c.start, c.end) for c in cands if c.type == t]) for t in later}
    kept_cands = []
    for c in cands:
        if (c.priority == P_GAZ or c.priority == P_GAZ_MULTI) and patterned.contains_longer(c.start, c.end):
            continue
        if c.priority == P_COREF and by_type[c.type].contains_longer(c.start, c.end):
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
