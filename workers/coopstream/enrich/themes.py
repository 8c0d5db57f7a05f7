"""Theme pass: taxonomy cues with weights, scores in [0, 1], evidence spans.

A theme's score is ``1 - exp(-w / saturation)`` where ``w`` adds the weight of
each distinct cue found (repeats count ``repeat_factor`` of it). A cue inside a
listing sentence ("shared interests, including ...") counts ``listing_factor``
of its weight, so a theme only listed scores lower than a theme the article is
about; a cue in a sentence about the future counts ``planned_factor``. Themes
at or above ``threshold`` are emitted, best first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge import Hit, Matcher
from coopstream.errors import KnowledgeError


@dataclass(frozen=True, slots=True)
class ThemeHit:
    id: str
    label: str
    score: float
    evidence: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class _Cue:
    theme: str
    phrase: str
    weight: float
    list_only: bool


class ThemeModel:
    def __init__(self, spec: dict[str, Any]) -> None:
        try:
            self.threshold = float(spec["threshold"])
            self.saturation = float(spec["saturation"])
            self.listing_factor = float(spec["listing_factor"])
            self.planned_factor = float(spec["planned_factor"])
            self.repeat_factor = float(spec["repeat_factor"])
            self.max_evidence = int(spec["max_evidence"])
            self.home = str(spec["gate"]["home_country"])
            themes: dict[str, Any] = spec["themes"]
            self.labels = {tid: str(t["label"]) for tid, t in themes.items()}
            self.requires = {tid: [set(group) for group in t.get("requires", [])] for tid, t in themes.items()}
            self.listing_markers = [str(m) for m in spec["listing_markers"]]
            self.planned_markers = [str(m) for m in spec["planned_markers"]]
            self.listing_min_commas = int(spec.get("listing_min_commas", 3))
            self.name_floor = float(spec.get("name_weight_floor", 0.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise KnowledgeError(f"themes file: missing or bad field: {exc}") from exc
        if not 0.0 <= self.threshold <= 1.0:
            raise KnowledgeError("themes file: threshold must be within [0, 1]")
        self.matcher = Matcher(casefold=True)
        for tid, t in themes.items():
            list_only = set(t.get("list_only", []))
            for phrase, weight in t["cues"].items():
                self.matcher.add(phrase, _Cue(tid, phrase, float(weight), phrase in list_only))
        self.matcher.build()
        self.exclude = Matcher(casefold=True)
        for tid, t in themes.items():
            for phrase in t.get("exclude", []):
                self.exclude.add(phrase, tid)
        self.exclude.build()
        self.gate = Matcher(casefold=True)
        for cue in spec["gate"]["cues"]:
            self.gate.add(cue, True)
        self.gate.build()

    def about_cooperation(self, text: str, countries: set[str]) -> bool:
        return bool(countries - {self.home}) or bool(self.gate.find(text))

    def score(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        countries: set[str],
        names: list[tuple[int, int]] | None = None,
    ) -> list[ThemeHit]:
        """Themes of a text; ``names`` are organization name spans, where weak cues do not count."""
        if not self.about_cooperation(text, countries):
            return []
        excluded = [(h.start, h.end, set(h.payloads)) for h in self.exclude.find(text)]
        in_names = bytearray(len(text) + 1)
        for a, b in names or []:
            in_names[a:b] = b"\x01" * (b - a)
        lowered = text.lower() if len(text.lower()) == len(text) else text
        kinds = [self._sentence_kind(lowered[a:b]) for a, b in sentences]
        starts = [a for a, _ in sentences]
        weights: dict[str, dict[str, float]] = {}
        evidence: dict[str, list[tuple[int, int]]] = {}
        seen_phrases: dict[str, set[str]] = {}
        for hit in _longest_per_theme(self.matcher.find(text)):
            listing, planned = kinds[_sentence_of(starts, hit.start)] if kinds else (False, False)
            for cue in hit.payloads:
                if cue.list_only and not listing:
                    continue
                if any(s <= hit.start and hit.end <= e and cue.theme in ts for s, e, ts in excluded):
                    continue
                if cue.weight < self.name_floor and in_names.find(0, hit.start, hit.end) == -1:
                    continue
                w = cue.weight * (self.listing_factor if listing else 1.0) * (self.planned_factor if planned else 1.0)
                per = weights.setdefault(cue.theme, {})
                seen = seen_phrases.setdefault(cue.theme, set())
                if cue.phrase in seen:
                    per[cue.phrase] += w * self.repeat_factor
                else:
                    seen.add(cue.phrase)
                    per[cue.phrase] = w
                evidence.setdefault(cue.theme, []).append((hit.start, hit.end))
        out: list[ThemeHit] = []
        for tid, per in weights.items():
            if not all(group & seen_phrases[tid] for group in self.requires.get(tid, [])):
                continue
            score = round(1.0 - math.exp(-sum(per.values()) / self.saturation), 4)
            if score >= self.threshold:
                spans = _dedupe(evidence[tid])[: self.max_evidence]
                out.append(ThemeHit(tid, self.labels[tid], score, spans))
        out.sort(key=lambda t: (-t.score, t.id))
        return out

    def _sentence_kind(self, sentence: str) -> tuple[bool, bool]:
        listing = sentence.count(",") >= self.listing_min_commas and any(m in sentence for m in self.listing_markers)
        padded = f" {sentence} "
        planned = any(m in padded for m in self.planned_markers)
        return listing, planned


def _longest_per_theme(hits: list[Hit]) -> list[Hit]:
    """Of the overlapping hits that share a theme, only the longest counts ("cyber defense" over "cyber")."""
    by_len = sorted(hits, key=lambda h: (-(h.end - h.start), h.start))
    taken: dict[str, list[tuple[int, int]]] = {}
    out: list[Hit] = []
    for h in by_len:
        themes = {c.theme for c in h.payloads}
        keep = []
        for cue in h.payloads:
            spans = taken.setdefault(cue.theme, [])
            if not any(h.start < e and s < h.end for s, e in spans):
                keep.append(cue)
        for t in themes:
            taken.setdefault(t, []).append((h.start, h.end))
        if keep:
            out.append(Hit(h.start, h.end, h.key, tuple(keep)))
    return sorted(out, key=lambda h: h.start)


def _sentence_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s in sorted(set(spans)):
        if out and s[0] < out[-1][1]:
            if s[1] - s[0] > out[-1][1] - out[-1][0]:
                out[-1] = s
            continue
        out.append(s)
    return out
