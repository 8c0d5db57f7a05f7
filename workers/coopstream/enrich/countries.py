"""Country pass: every country the text refers to, by name, adjective, place or prefix ("U.S.")."""

from __future__ import annotations

import re
from collections import Counter

from coopstream.enrich.entities.found import Found
from coopstream.enrich.entities.view import Matches, longest
from coopstream.enrich.knowledge.language import COUNTRY, DEMONYM, LanguagePack
from coopstream.enrich.spans import Mask

_NEXT_WORD = re.compile(r"[\s-]*([^\W\d_]+)")
_FOLLOWER = re.compile(r" ([^\W\d_]+)")


def _opaque_spans(found: list[Found]) -> list[tuple[int, int]]:
    """Spans whose inner words are not country mentions: persons ("Cmdr. Brian T. Jordan"), vessels
    ("USS Canberra"), and locations (counted as wholes)."""
    spans: list[tuple[int, int]] = []
    for f in found:
        if f.type in ("person", "location") or f.attributes.get("kind") == "vessel":
            spans.extend(f.mentions)
    return spans


def _is_language(text: str, pack: LanguagePack, start: int, end: int) -> bool:
    """ "delivered in Spanish", "Spanish-language": an adjective naming a language, not a country."""
    lex = pack.lex
    nxt = _NEXT_WORD.match(text, end, end + 20)
    if nxt and nxt.group(1) in lex.language_nouns:
        return True
    before = text[max(0, start - 12) : start].split()
    if not before or before[-1] not in lex.language_preps or not text[start - 1 : start].isspace():
        return False
    # "in Spanish." / "in Spanish at the academy": the language; "in Spanish waters": the country
    follower = _FOLLOWER.match(text, end, end + 20)
    return follower is None or follower.group(1) in lex.function_words


def count_countries(
    text: str, pack: LanguagePack, matches: Matches, found: list[Found], with_organizations: bool = False
) -> Counter[str]:
    """Country codes with their mention counts. Without a language's knowledge (no country names nor
    demonyms) the countries of the organizations the gazetteer knows count too."""
    counts: Counter[str] = Counter()
    opaque = Mask(len(text), _opaque_spans(found))
    loc_spans = {m for f in found if f.type == "location" for m in f.mentions}
    for h in longest(matches.geo):
        kind, value = h.payloads[0]
        if (h.start, h.end) not in loc_spans and opaque.covers(h.start, h.end):
            continue
        if kind == COUNTRY:
            counts[value] += 1
        elif kind == DEMONYM:
            if not _is_language(text, pack, h.start, h.end):
                counts[value] += 1
        elif value.country:
            counts[value.country] += 1
    for f in found:
        code = f.attributes.get("country")
        if with_organizations and f.type == "organization" and isinstance(code, str) and code:
            counts[code] += len(f.mentions)
        if f.type != "location" or not isinstance(code, str) or not code:
            continue
        extra = sum(1 for m in f.mentions if m not in matches.geo_spans)
        if extra > 0:
            counts[code] += extra
    return counts
