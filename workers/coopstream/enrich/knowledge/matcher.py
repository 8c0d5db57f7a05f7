"""Whole-word multi-pattern matching: every name of a kind of knowledge in one Aho-Corasick automaton.

A language's knowledge is compiled into two automata: one case-sensitive (names: countries,
demonyms, places, organizations, operations, ranks, titles) and one case-folded (cue phrases of
themes and engagements, markers). One pass of each over an article's text finds every match;
each payload says which kind of knowledge it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ahocorasick


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    key: str
    payloads: tuple[Any, ...]


class Matcher:
    """Whole-word occurrences of many keys; a key ending in ``*`` matches any word that starts with it."""

    def __init__(self, casefold: bool = False) -> None:
        self._auto = ahocorasick.Automaton()
        self._payloads: dict[str, list[Any]] = {}
        self._prefix: set[str] = set()
        self.casefold = casefold
        self._built = False

    def add(self, key: str, payload: Any) -> None:
        key = key.strip()
        if not key:
            return
        if self.casefold:
            key = key.lower()
        if key.endswith("*"):  # a word start: "donat*" matches donated, donation
            key = key[:-1]
            self._prefix.add(key)
        self._payloads.setdefault(key, []).append(payload)

    def build(self) -> Matcher:
        for key, payloads in self._payloads.items():
            self._auto.add_word(key, (key, tuple(payloads), key in self._prefix))
        if self._payloads:
            self._auto.make_automaton()
        self._built = True
        return self

    def lookup(self, key: str) -> tuple[Any, ...]:
        """The payloads of one exact key."""
        return tuple(self._payloads.get(key.lower() if self.casefold else key, ()))

    def keys_with(self, kind: str) -> list[str]:
        """The keys that carry a payload of ``kind`` (payloads are ``(kind, value)`` pairs)."""
        return [k for k, ps in self._payloads.items() if any(p[0] == kind for p in ps)]

    def __len__(self) -> int:
        return len(self._payloads)

    def find(self, text: str) -> list[Hit]:
        """All whole-word occurrences in text order of their ends, overlapping ones included."""
        if not self._payloads:
            return []
        hay = lower_same_length(text) if self.casefold else text
        hits: list[Hit] = []
        n = len(hay)
        for end_idx, (key, payloads, prefix) in self._auto.iter(hay):
            end = end_idx + 1
            start = end - len(key)
            if start > 0 and _wordish(hay[start - 1]) and _wordish(key[0]):
                continue
            if end < n and _wordish(hay[end]) and _wordish(key[-1]):
                if not prefix:
                    continue
                while end < n and _wordish(hay[end]):  # the evidence is the whole word
                    end += 1
            hits.append(Hit(start, end, key, payloads))
        return hits


def lower_same_length(text: str) -> str:
    """``text.lower()`` with every offset kept (a few letters lengthen when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def of_kind(hits: list[Hit], kind: str) -> list[Hit]:
    """The hits that carry payloads of one kind, with only those payloads (``(kind, value)`` pairs)."""
    out = []
    for h in hits:
        values = tuple(v for k, v in h.payloads if k == kind)
        if values:
            out.append(Hit(h.start, h.end, h.key, values))
    return out
