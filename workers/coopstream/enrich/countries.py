"""Country pass: every country the text refers to, by name, adjective, place or "U.S."."""

from __future__ import annotations

import re
from collections import Counter

from coopstream.enrich.context import Context, Mask, longest
from coopstream.enrich.entities import Found

# entity kinds whose inner words are not country mentions: "Cmdr. Brian T. Jordan", "USS Canberra"
_OPAQUE_TYPES = ("person",)


def _opaque_spans(found: list[Found]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for f in found:
        if f.type in _OPAQUE_TYPES or f.attributes.get("kind") == "vessel":
            spans.extend(f.mentions)
        elif f.type == "location":
            spans.extend(m for m in f.mentions)
    return spans


_FUNCTION_WORDS = frozenset(
    ["at", "and", "or", "for", "with", "to", "by", "from", "on", "during", "while", "but", "as", "in", "of"]
)


def _is_language(ctx: Context, start: int, end: int) -> bool:
    """ "delivered in Spanish", "Spanish-language": an adjective naming a language, not a country."""
    before = ctx.text[max(0, start - 4) : start]
    after = ctx.text[end : end + 20]
    nxt = re.match(r"[\s-]*([a-z]+)", after)
    if nxt and nxt.group(1) in ctx.gaz.language_nouns:
        return True
    if not before.endswith("in "):
        return False
    # "in Spanish." / "in Spanish at the academy": the language; "in Spanish waters": the country
    follower = re.match(r" ([a-z]+)", after)
    return follower is None or follower.group(1) in _FUNCTION_WORDS


def resolve_georgia(ctx: Context, code: str, key: str) -> str:
    amb = ctx.gaz.ambiguous.get(key)
    if not amb or code != amb["country"]:
        return code
    cues = amb.get("country_cues", [])
    return code if any(c in ctx.text for c in cues) else str(amb["else_state"])


def count_countries(ctx: Context, found: list[Found]) -> Counter[str]:
    """Country codes with their mention counts."""
    counts: Counter[str] = Counter()
    opaque = Mask(len(ctx.text), _opaque_spans(found))
    loc_spans = {m: f for f in found if f.type == "location" for m in f.mentions}
    for h in longest(ctx.geo):
        kind, value = h.payloads[0]
        owner = loc_spans.get((h.start, h.end))
        if owner is None and opaque.covers(h.start, h.end):
            continue
        if kind == "country":
            counts[resolve_georgia(ctx, value, h.key)] += 1
        elif kind == "demonym":
            if not _is_language(ctx, h.start, h.end):
                counts[resolve_georgia(ctx, value, "Georgia" if value == "GE" else h.key)] += 1
        elif kind == "place" and value.country:
            counts[value.country] += 1
    geo_spans = {(h.start, h.end) for h in ctx.geo}
    for f in found:
        if f.type != "location":
            continue
        code = f.attributes.get("country")
        if isinstance(code, str) and code:
            gaz_mentions = sum(1 for m in f.mentions if m in geo_spans)
            extra = len(f.mentions) - gaz_mentions
            if extra > 0:
                counts[code] += extra
    return counts
