"""An entity as the passes hand it on: its type, canonical name, mentions (clean offsets) and attributes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_PUNCT = re.compile(r"[^\w\s]")


@dataclass(slots=True)
class Found:
    type: str
    name: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    first: int = 0


def fold(name: str, articles: frozenset[str] = frozenset()) -> str:
    """A name's grouping key: no diacritics, no punctuation, lower case, no leading article."""
    if name.isascii():
        s = name.lower()
    else:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = " ".join(_PUNCT.sub("", s.replace("’", "'")).split())
    head, _, rest = s.partition(" ")
    return rest if rest and head in articles else s
