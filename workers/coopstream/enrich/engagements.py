"""Engagement pass: what happened (visit, meeting, exercise, ...), who, where, when.

The cue words of each type are a language's (``<lang>/engagements.json``), matched by the
language's case-folded automaton over the whole text and bucketed by sentence; the rules of each
type are language-independent (``engagements.json``): which types yield to which, which need an
entity of a kind, which stand only alone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from coopstream.enrich.dates import DateGrammar
from coopstream.enrich.entities.found import Found
from coopstream.enrich.knowledge.files import Shape
from coopstream.enrich.knowledge.matcher import Hit, Matcher
from coopstream.enrich.themes import marker_key
from coopstream.schemas.models import EngagementType

ORDER: tuple[str, ...] = get_args(EngagementType)  # the taxonomy's order
CUE = "engagement"
NEEDS = "engagement.needs"
NOT_WITH = "engagement.not_with"
SKIP = "engagement.skip"  # planned or background: the sentence reports nothing happening now


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
    topics: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TypeRule:
    """A type's language-independent rules."""

    yields_to: frozenset[str] = frozenset()
    needs_entity: str | None = None
    only_alone: bool = False
    operation_meets_needs: str | None = None
    best_sentence: str | None = None


def load_rules(spec: Any, name: str) -> dict[str, TypeRule]:
    s = Shape(name)
    types = s.obj(s.key(s.obj(spec, ""), "types", ""), "types")
    rules: dict[str, TypeRule] = {}
    for tid, t in types.items():
        path = f"types.{tid}"
        s.one_of(tid, path, ORDER)
        t = s.obj(t, path)
        unknown = set(t) - {"yields_to", "needs_entity", "only_alone", "operation_meets_needs", "best_sentence"}
        if unknown:
            raise s.fail(f"{path}.{sorted(unknown)[0]}", "not a known rule")
        yields = s.strings(t.get("yields_to", []), f"{path}.yields_to") if t.get("yields_to") else []
        for y in yields:
            s.one_of(y, f"{path}.yields_to", ORDER)
        best = t.get("best_sentence")
        if best is not None:
            s.one_of(best, f"{path}.best_sentence", ("most_persons",))
        rules[tid] = TypeRule(
            frozenset(yields),
            t.get("needs_entity"),
            bool(t.get("only_alone", False)),
            t.get("operation_meets_needs"),
            best,
        )
    return rules


@dataclass(frozen=True, slots=True)
class EngagementCues:
    """One language's cue words per type; ``weak`` cues count only when no stronger type was found."""

    cues: dict[str, list[str]]
    needs: dict[str, list[str]]
    not_with: dict[str, list[str]]
    weak: dict[str, frozenset[str]]
    skip_markers: list[str]

    @classmethod
    def from_spec(cls, spec: Any, name: str, rules: dict[str, TypeRule]) -> EngagementCues:
        s = Shape(name)
        d = s.obj(spec, "")
        types = s.obj(s.key(d, "types", ""), "types")
        cues: dict[str, list[str]] = {}
        needs: dict[str, list[str]] = {}
        not_with: dict[str, list[str]] = {}
        weak: dict[str, frozenset[str]] = {}
        for tid, t in types.items():
            path = f"types.{tid}"
            if tid not in rules:
                raise s.fail(path, "not an engagement type of engagements.json")
            t = s.obj(t, path)
            cues[tid] = s.strings(s.key(t, "cues", path), f"{path}.cues")
            for key, into in (("needs", needs), ("not_with", not_with)):
                if t.get(key):
                    into[tid] = s.strings(t[key], f"{path}.{key}")
            if t.get("weak"):
                weak[tid] = frozenset(w.lower().rstrip("*") for w in s.strings(t["weak"], f"{path}.weak"))
        markers = [*(s.strings(d[k], k) if d.get(k) else [] for k in ("planned_markers", "background_markers"))]
        return cls(cues, needs, not_with, weak, [m for group in markers for m in group])

    def add_to(self, matcher: Matcher) -> None:
        for kind, table in ((CUE, self.cues), (NEEDS, self.needs), (NOT_WITH, self.not_with)):
            for tid, words in table.items():
                for w in words:
                    matcher.add(w, (kind, tid))
        for m in self.skip_markers:
            matcher.add(marker_key(m), (SKIP, True))


def _by_sentence(hits: list[Hit], starts: list[int], sentences: list[tuple[int, int]]) -> dict[int, list[Hit]]:
    out: dict[int, list[Hit]] = {}
    for h in hits:
        i = bisect_right(starts, h.start) - 1
        if i >= 0 and h.end <= sentences[i][1]:
            out.setdefault(i, []).append(h)
    return out


@dataclass(frozen=True, slots=True)
class Scene:
    """What the engagement pass reads besides the text and the cue hits."""

    found: list[Found]
    year: int | None
    month: int | None
    dateline_loc: Found | None
    body_start: int
    grammar: DateGrammar
    theme_positions: dict[str, tuple[int, ...]]  # themes in the article's order (best first): cue starts
    masked_dates: list[tuple[int, int]]  # dateline and caption dates: when the story was filed
    published: date | None = None  # the day "today" and "yesterday" count from


def find_engagements(
    rules: dict[str, TypeRule],
    cues: EngagementCues,
    text: str,
    hits: dict[str, list[Hit]],
    sentences: list[tuple[int, int]],
    scene: Scene,
) -> list[EngagementFound]:
    """One engagement per type, from the first sentence that reports it (the body before the caption)."""
    starts = [a for a, _ in sentences]
    cue_hits = _by_sentence(hits.get(CUE, []), starts, sentences)
    if not cue_hits:
        return []
    needs = _by_sentence(hits.get(NEEDS, []), starts, sentences)
    not_with = _by_sentence(hits.get(NOT_WITH, []), starts, sentences)
    skipped = set(_by_sentence(hits.get(SKIP, []), starts, sentences))
    quoted = _quoted_sentences(text, sentences)
    kinds = {e.attributes.get("kind") for e in scene.found}
    exercises = sorted(
        s for f in scene.found if f.type == "operation" for s, _ in f.mentions if f.attributes.get("kind") is not None
    )
    op_kinds = {s: f.attributes.get("kind") for f in scene.found if f.type == "operation" for s, _ in f.mentions}
    order = sorted(cue_hits, key=lambda i: (sentences[i][0] < scene.body_start, i))
    matches: dict[str, list[int]] = {}
    weak: dict[str, list[int]] = {}
    for i in order:
        if i in skipped or i in quoted:
            continue
        a, b = sentences[i]
        need_types = {t for h in needs.get(i, []) for t in h.payloads}
        blocked = {t for h in not_with.get(i, []) for t in h.payloads}
        seen: set[tuple[str, bool]] = set()
        for hit in cue_hits[i]:
            for tid in hit.payloads:
                rule = rules[tid]
                is_weak = hit.key in cues.weak.get(tid, frozenset())
                if (tid, is_weak) in seen or tid in blocked:
                    continue
                if (
                    tid in cues.needs
                    and tid not in need_types
                    and not (
                        rule.operation_meets_needs and _has_op(exercises, op_kinds, rule.operation_meets_needs, a, b)
                    )
                ):
                    continue
                if rule.needs_entity and rule.needs_entity not in kinds:
                    continue
                seen.add((tid, is_weak))
                (weak if is_weak else matches).setdefault(tid, []).append(i)
    for tid, found_in in weak.items():
        if tid not in matches and not (rules[tid].yields_to & set(matches)):
            matches[tid] = found_in
    chosen = {tid: _best(rules[tid], [sentences[i] for i in spans], scene.found) for tid, spans in matches.items()}
    if len(chosen) > 1:
        for tid in [t for t in chosen if rules[t].only_alone]:
            del chosen[tid]
    return [
        _describe(tid, chosen[tid], text, scene, _near(sentences, starts, chosen[tid]))
        for tid in ORDER
        if tid in chosen
    ]


def _near(sentences: list[tuple[int, int]], starts: list[int], sent: tuple[int, int]) -> tuple[int, int]:
    """The engagement's sentence with the one before and the one after it."""
    i = bisect_left(starts, sent[0])
    return sentences[max(0, i - 1)][0], sentences[min(len(sentences) - 1, i + 1)][1]


def _has_op(starts: list[int], kinds: dict[int, Any], kind: str, a: int, b: int) -> bool:
    lo, hi = bisect_left(starts, a), bisect_left(starts, b)
    return any(kinds.get(s) == kind for s in starts[lo:hi])


def _inside(f: Found, a: int, b: int) -> bool:
    return any(a <= s and e <= b for s, e in f.mentions)


def _describe(tid: str, sent: tuple[int, int], text: str, scene: Scene, near: tuple[int, int]) -> EngagementFound:
    a, b = sent
    inside = [f for f in scene.found if _inside(f, a, b)]
    persons = [f.name for f in inside if f.type == "person"]
    if not persons:  # the actor may be a unit, a ship or an institution
        persons = [f.name for f in inside if f.type == "organization"][:1]
    places = [f for f in inside if f.type == "location"]
    place = next((p for p in places if p.attributes.get("kind") != "country"), places[0] if places else None)
    if place is None:
        place = scene.dateline_loc
    chars = list(text[a:b])
    for s, e in scene.masked_dates:
        for k in range(max(s, a), min(e, b)):
            chars[k - a] = " "
    sentence = "".join(chars)
    start, end = scene.grammar.find_range(sentence, scene.year, scene.month)
    if start is None:
        start = end = scene.grammar.relative(sentence, scene.published)
    return EngagementFound(
        type=tid,
        sentence=sent,
        actors=persons[:1],
        counterparts=persons[1:4],
        location=place.name if place else None,
        country=_as_code(place.attributes.get("country")) if place else None,
        start_date=start,
        end_date=end,
        topics=[t for t, at in scene.theme_positions.items() if _any_within(at, *near)],
    )


def _any_within(positions: tuple[int, ...], a: int, b: int) -> bool:
    i = bisect_left(positions, a)
    return i < len(positions) and positions[i] < b


def _quoted_sentences(text: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Indexes of the sentences that are quoted speech: opening with a quote mark or inside an open quotation.

    Quotation marks are counted from the start of the paragraph, in one pass over the text.
    """
    out: set[int] = set()
    open_quote = False
    pos = 0
    for i, (a, _) in enumerate(sentences):
        chunk = text[pos:a]
        newline = chunk.rfind("\n")
        if newline != -1:  # a new paragraph closes any quotation
            open_quote = False
            chunk = chunk[newline:]
        if chunk.count('"') % 2 == 1:
            open_quote = not open_quote
        pos = a
        if open_quote or text[a : a + 1] == '"':
            out.add(i)
    return out


def _best(rule: TypeRule, spans: list[tuple[int, int]], found: list[Found]) -> tuple[int, int]:
    """The sentence that tells the engagement: for a meeting, the first one naming two people."""
    if rule.best_sentence == "most_persons":
        persons = sorted((s, n) for n, f in enumerate(found) if f.type == "person" for s, _ in f.mentions)
        starts = [s for s, _ in persons]
        for a, b in spans:
            if len({n for _, n in persons[bisect_left(starts, a) : bisect_left(starts, b)]}) >= 2:
                return a, b
    return spans[0]


def _as_code(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) == 2 else None
