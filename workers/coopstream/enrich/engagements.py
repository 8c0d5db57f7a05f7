"""Engagement pass: what happened (visit, meeting, exercise, ...), who, where, when."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from coopstream.enrich.dates import find_range
from coopstream.enrich.entities import Found
from coopstream.enrich.knowledge import Matcher, lower_same_length
from coopstream.errors import KnowledgeError
from coopstream.schemas.models import EngagementType

# the date of a dateline or caption, "(Sept. 15, 2023)": when the story was filed, not when things happened
_PHOTO_DATE = re.compile(r"\([A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\)")
_ORDER: tuple[str, ...] = get_args(EngagementType)  # the taxonomy's order


@dataclass(slots=True)
class EngagementFound:
    type: str
    sentence: tuple[int, int]
    actors: list[str] = field(default_factory=list)
    counterparts: list[str] = field(default_factory=list)
    location: str | None = None
    country: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    type: str
    needs: Matcher | None
    not_with: Matcher | None
    needs_entity: str | None
    weak: frozenset[str]
    yields_to: frozenset[str]


class EngagementModel:
    def __init__(self, spec: dict[str, Any]) -> None:
        try:
            self.planned = [str(m) for m in spec["planned_markers"]]
            self.background = [str(m) for m in spec["background_markers"]]
            types: dict[str, Any] = spec["types"]
        except (KeyError, TypeError) as exc:
            raise KnowledgeError(f"engagements file: missing field {exc}") from exc
        self.cues = Matcher(casefold=True)
        self.rules: dict[str, _Rule] = {}
        for tid, t in types.items():
            if tid not in _ORDER:
                raise KnowledgeError(f"engagements file: unknown engagement type {tid!r}")
            for cue in t["cues"]:
                self.cues.add(cue, tid)
            self.rules[tid] = _Rule(
                tid,
                _matcher(t.get("needs")),
                _matcher(t.get("not_with")),
                t.get("needs_entity"),
                frozenset(t.get("weak", [])),
                frozenset(t.get("yields_to", [])),
            )
        self.cues.build()

    def find(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        found: list[Found],
        year: int | None,
        dateline_loc: Found | None,
        body_start: int = 0,
        month: int | None = None,
    ) -> list[EngagementFound]:
        """One engagement per type, from the first sentence that reports it (the body before the caption)."""
        low = lower_same_length(text)
        kinds = {e.attributes.get("kind") for e in found}
        matches: dict[str, list[tuple[int, int]]] = {}
        weak: dict[str, list[tuple[int, int]]] = {}
        quoted = _quoted_sentences(text, sentences)
        seen: set[tuple[str, int, bool]] = set()
        hits = self.cues.find(text)  # in text order
        hit_starts = [h.start for h in hits]
        ordered = [s for s in sentences if s[0] >= body_start] + [s for s in sentences if s[0] < body_start]
        for a, b in ordered:
            lo, hi = bisect_left(hit_starts, a), bisect_left(hit_starts, b)
            inside = [h for h in hits[lo:hi] if h.end <= b]
            if not inside:
                continue
            sent = low[a:b]
            padded = f" {sent} "
            if any(m in padded for m in self.planned) or any(m in padded for m in self.background):
                continue
            if a in quoted:
                continue
            for hit in inside:
                for tid in hit.payloads:
                    is_weak = hit.key in self.rules[tid].weak
                    if (tid, a, is_weak) in seen or not self._accepts(tid, sent, kinds, found, a, b):
                        continue
                    seen.add((tid, a, is_weak))
                    bucket = weak if is_weak else matches
                    bucket.setdefault(tid, []).append((a, b))
        for tid, spans in weak.items():
            if tid not in matches and not (self.rules[tid].yields_to & set(matches)):
                matches[tid] = spans
        first = {tid: _best(tid, spans, found) for tid, spans in matches.items()}
        if len(first) > 1:
            first.pop("statement", None)
        return [
            self._describe(tid, first[tid], text, found, year, month, dateline_loc) for tid in _ORDER if tid in first
        ]

    def _accepts(self, tid: str, sent: str, kinds: set[Any], found: list[Found], a: int, b: int) -> bool:
        rule = self.rules[tid]
        if (
            rule.needs is not None
            and not rule.needs.find(sent)
            and not (tid == "exercise" and _has_exercise_entity(found, a, b))
        ):
            return False
        if rule.not_with is not None and rule.not_with.find(sent):
            return False
        return not (rule.needs_entity and rule.needs_entity not in kinds)

    def _describe(
        self,
        tid: str,
        sent: tuple[int, int],
        text: str,
        found: list[Found],
        year: int | None,
        month: int | None,
        dateline_loc: Found | None,
    ) -> EngagementFound:
        a, b = sent
        inside = [f for f in found if any(a <= s and e <= b for s, e in f.mentions)]
        persons = [f.name for f in inside if f.type == "person"]
        places = [f for f in inside if f.type == "location"]
        place = next((p for p in places if p.attributes.get("kind") != "country"), places[0] if places else None)
        if place is None:
            place = dateline_loc
        start, end = find_range(_PHOTO_DATE.sub(lambda m: " " * len(m.group()), text[a:b]), year, month)
        return EngagementFound(
            type=tid,
            sentence=sent,
            actors=persons[:1],
            counterparts=persons[1:4],
            location=place.name if place else None,
            country=_as_code(place.attributes.get("country")) if place else None,
            start_date=start,
            end_date=end,
        )


def _quoted_sentences(text: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Starts of the sentences that are quoted speech: opening with a quote mark or inside an open quotation.

    Quotation marks are counted from the start of the paragraph, in one pass over the text.
    """
    out: set[int] = set()
    open_quote = False
    pos = 0
    for a, _ in sorted(sentences):
        chunk = text[pos:a]
        newline = chunk.rfind("\n")
        if newline != -1:  # a new paragraph closes any quotation
            open_quote = False
            chunk = chunk[newline:]
        if chunk.count('"') % 2 == 1:
            open_quote = not open_quote
        pos = a
        if open_quote or text[a : a + 1] == '"':
            out.add(a)
    return out


def _best(tid: str, spans: list[tuple[int, int]], found: list[Found]) -> tuple[int, int]:
    """The sentence that tells the engagement: for a meeting, the first one naming two people."""
    if tid == "meeting":
        for a, b in spans:
            if sum(1 for f in found if f.type == "person" and any(a <= s and e <= b for s, e in f.mentions)) >= 2:
                return a, b
    return spans[0]


def _as_code(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) == 2 else None


def _has_exercise_entity(found: list[Found], a: int, b: int) -> bool:
    return any(
        f.type == "operation"
        and f.attributes.get("kind") == "exercise"
        and any(a <= s and e <= b for s, e in f.mentions)
        for f in found
    )


def _matcher(words: list[str] | None) -> Matcher | None:
    if not words:
        return None
    m = Matcher(casefold=True)
    for w in words:
        m.add(w, True)
    return m.build()
