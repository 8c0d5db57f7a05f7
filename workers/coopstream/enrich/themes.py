"""Theme pass: taxonomy cues with weights, scores in [0, 1], evidence spans.

A theme's score is ``1 - exp(-w / saturation)`` where ``w`` adds the weight of each distinct cue
found (repeats count ``repeat_factor`` of it). A cue inside a listing sentence ("shared interests,
including ...") counts ``listing_factor`` of its weight, so a theme only listed scores lower than a
theme the article is about; a cue in a sentence about the future counts ``planned_factor``. Themes
at or above ``threshold`` are emitted, best first. The parameters and labels are language-
independent (``themes.json``); the cue phrases are each language's (``<lang>/themes.json``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge.files import Shape
from coopstream.enrich.knowledge.matcher import Hit, Matcher
from coopstream.enrich.spans import Reach, Union

CUE = "theme"
EXCLUDE = "theme.exclude"
GATE = "theme.gate"
LISTING = "theme.listing"
PLANNED = "theme.planned"


@dataclass(frozen=True, slots=True)
class ThemeHit:
    id: str
    label: str
    score: float
    evidence: list[tuple[int, int]]  # the first ``max_evidence`` distinct spans
    positions: tuple[int, ...] = ()  # where every cue that counted starts


@dataclass(frozen=True, slots=True)
class Cue:
    theme: str
    phrase: str
    weight: float
    list_only: bool


@dataclass(frozen=True, slots=True)
class ThemeParams:
    """The language-independent part: ids, labels, threshold, score parameters."""

    threshold: float
    saturation: float
    listing_factor: float
    planned_factor: float
    repeat_factor: float
    max_evidence: int
    listing_min_commas: int
    name_floor: float
    home: str
    labels: dict[str, str]
    taxonomy: frozenset[str] = frozenset()  # every theme id the packaged file defines

    def knows(self, tid: str) -> bool:
        return tid in self.labels or tid in self.taxonomy

    @classmethod
    def from_spec(cls, spec: Any, name: str) -> ThemeParams:
        s = Shape(name)
        d = s.obj(spec, "")

        def num(key: str, lo: float, hi: float) -> float:
            return s.num(s.key(d, key, ""), key, lo, hi)

        themes = s.obj(s.key(d, "themes", ""), "themes")
        labels = {tid: str(s.key(s.obj(t, f"themes.{tid}"), "label", f"themes.{tid}")) for tid, t in themes.items()}
        if not labels:
            raise s.fail("themes", "no themes")
        return cls(
            threshold=num("threshold", 0, 1),
            saturation=num("saturation", 0.01, 100),
            listing_factor=num("listing_factor", 0, 1),
            planned_factor=num("planned_factor", 0, 1),
            repeat_factor=num("repeat_factor", 0, 1),
            max_evidence=int(num("max_evidence", 1, 1000)),
            listing_min_commas=int(num("listing_min_commas", 0, 100)),
            name_floor=num("name_weight_floor", 0, 10),
            home=str(s.key(d, "home_country", "")),
            labels=labels,
        )


@dataclass(frozen=True, slots=True)
class ThemeCues:
    """One language's cues, compiled into the language's case-folded automaton by ``add_to``."""

    cues: list[tuple[str, Cue]]
    excludes: list[tuple[str, str]]
    gate: list[str]
    listing: list[str]
    planned: list[str]
    requires: dict[str, list[frozenset[str]]]

    @classmethod
    def from_spec(cls, spec: Any, name: str, params: ThemeParams) -> ThemeCues:
        s = Shape(name)
        d = s.obj(spec, "")
        themes = s.obj(s.key(d, "themes", ""), "themes")
        cues: list[tuple[str, Cue]] = []
        excludes: list[tuple[str, str]] = []
        requires: dict[str, list[frozenset[str]]] = {}
        for tid, t in themes.items():
            path = f"themes.{tid}"
            if not params.knows(tid):
                raise s.fail(path, "not a theme id of themes.json")
            if tid not in params.labels:
                continue  # a theme the operator's themes.json leaves out is not scored
            t = s.obj(t, path)
            weights = s.weights(s.key(t, "cues", path), f"{path}.cues")
            list_only = set(s.strings(t.get("list_only", []), f"{path}.list_only")) if t.get("list_only") else set()
            for phrase, weight in weights.items():
                cues.append((phrase, Cue(tid, phrase.lower().rstrip("*"), weight, phrase in list_only)))
            for phrase in s.strings(t["exclude"], f"{path}.exclude") if t.get("exclude") else []:
                excludes.append((phrase, tid))
            groups = t.get("requires") or []
            if not isinstance(groups, list):
                raise s.fail(f"{path}.requires", "expected a list of lists of cues")
            requires[tid] = [
                frozenset(p.lower().rstrip("*") for p in s.strings(g, f"{path}.requires[{i}]"))
                for i, g in enumerate(groups)
            ]
        gate, listing, planned = (
            s.strings(d[k], k) if d.get(k) else [] for k in ("gate_cues", "listing_markers", "planned_markers")
        )
        return cls(cues, excludes, gate, listing, planned, requires)

    def add_to(self, matcher: Matcher) -> None:
        for phrase, cue in self.cues:
            matcher.add(phrase, (CUE, cue))
        for phrase, tid in self.excludes:
            matcher.add(phrase, (EXCLUDE, tid))
        for phrase in self.gate:
            matcher.add(phrase, (GATE, True))
        for phrase in self.listing:
            matcher.add(phrase, (LISTING, True))
        for phrase in self.planned:
            matcher.add(marker_key(phrase), (PLANNED, True))


def marker_key(marker: str) -> str:
    """A marker written with spaces as word edges (" will ", " next year") as a whole-word key."""
    key = marker.strip()
    return key if marker.endswith(" ") or not marker.strip() else key + "*"


def score_themes(
    params: ThemeParams,
    cues: ThemeCues,
    text: str,
    hits: dict[str, list[Hit]],
    sentences: list[tuple[int, int]],
    countries: set[str],
    names: list[tuple[int, int]],
) -> list[ThemeHit]:
    """Themes of a text from the language's cue hits; ``names`` are organization name spans."""
    if not countries - {params.home} and not hits.get(GATE, []):
        return []
    starts = [a for a, _ in sentences]
    commas = [text.count(",", a, b) for a, b in sentences]
    listing = [False] * len(sentences)
    planned = [False] * len(sentences)
    for h in hits.get(LISTING, []):
        i = bisect_right(starts, h.start) - 1
        if i >= 0 and h.end <= sentences[i][1] and commas[i] >= params.listing_min_commas:
            listing[i] = True
    for h in hits.get(PLANNED, []):
        i = bisect_right(starts, h.start) - 1
        if i >= 0 and h.end <= sentences[i][1]:
            planned[i] = True
    by_theme: dict[str, list[tuple[int, int]]] = {}
    for h in hits.get(EXCLUDE, []):
        for tid in h.payloads:
            by_theme.setdefault(tid, []).append((h.start, h.end))
    excluded = {tid: Reach(spans) for tid, spans in by_theme.items()}
    in_names = bytearray(len(text) + 1)
    for a, b in names:
        in_names[a:b] = b"\x01" * (b - a)
    weights: dict[str, dict[str, float]] = {}
    evidence: dict[str, list[tuple[int, int]]] = {}
    seen_phrases: dict[str, set[str]] = {}
    for hit in _longest_per_theme(hits.get(CUE, [])):
        i = bisect_right(starts, hit.start) - 1
        in_listing, in_planned = (listing[i], planned[i]) if i >= 0 else (False, False)
        for cue in hit.payloads:
            if cue.list_only and not in_listing:
                continue
            if cue.theme in excluded and excluded[cue.theme].contains(hit.start, hit.end):
                continue
            if cue.weight < params.name_floor and in_names.find(0, hit.start, hit.end) == -1:
                continue
            w = cue.weight * (params.listing_factor if in_listing else 1.0)
            w *= params.planned_factor if in_planned else 1.0
            per = weights.setdefault(cue.theme, {})
            seen = seen_phrases.setdefault(cue.theme, set())
            if cue.phrase in seen:
                per[cue.phrase] += w * params.repeat_factor
            else:
                seen.add(cue.phrase)
                per[cue.phrase] = w
            evidence.setdefault(cue.theme, []).append((hit.start, hit.end))
    out: list[ThemeHit] = []
    for tid, per in weights.items():
        if not all(group & seen_phrases[tid] for group in cues.requires.get(tid, [])):
            continue
        score = round(1.0 - math.exp(-sum(per.values()) / params.saturation), 4)
        if score >= params.threshold:
            spans = _dedupe(evidence[tid])[: params.max_evidence]
            out.append(ThemeHit(tid, params.labels[tid], score, spans, tuple(sorted(s for s, _ in evidence[tid]))))
    out.sort(key=lambda t: (-t.score, t.id))
    return out


def _longest_per_theme(hits: list[Hit]) -> list[Hit]:
    """Of the overlapping hits that share a theme, only the longest counts ("cyber defense" over "cyber")."""
    by_len = sorted(hits, key=lambda h: (-(h.end - h.start), h.start))
    taken: dict[str, Union] = {}
    out: list[Hit] = []
    for h in by_len:
        keep = [cue for cue in h.payloads if cue.theme not in taken or not taken[cue.theme].overlaps(h.start, h.end)]
        for cue in h.payloads:
            taken.setdefault(cue.theme, Union()).add(h.start, h.end)
        if keep:
            out.append(Hit(h.start, h.end, h.key, tuple(keep)))
    return sorted(out, key=lambda h: h.start)


def _dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s in sorted(set(spans)):
        if out and s[0] < out[-1][1]:
            if s[1] - s[0] > out[-1][1] - out[-1][0]:
                out[-1] = s
            continue
        out.append(s)
    return out
