"""The article's language: the one given wins; else a guess from the clean text."""

from __future__ import annotations

import re

from coopstream.enrich.knowledge import Knowledge

_WORD = re.compile(r"[^\W\d_]+")
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def normalise_language(value: str | None) -> str | None:
    """ "es", "ES", "es-PE", "pt_BR" -> the ISO 639-1 code in lower case; None when unusable."""
    if not value:
        return None
    m = _CODE.match(value.strip())
    return m.group(1).lower() if m else None


def detect_language(text: str, knowledge: Knowledge) -> str | None:
    """The language whose frequent words the text's first 4,000 characters use most (at least two hits)."""
    words = _WORD.findall(text[:4000].lower())
    if len(words) < 5:
        return None
    scores = {code: sum(map(pack.text.detect_words.__contains__, words)) for code, pack in knowledge.packs.items()}
    best = max(sorted(scores), key=lambda k: scores[k])
    return best if scores[best] >= 2 else None
