"""Whole-word multi-pattern matching: every name of a kind of knowledge in one Aho-Corasick automaton.

A language's knowledge is compiled into two automata: one case-sensitive (names: countries,
demonyms, places, organizations, operations, ranks, titles) and one case-folded (cue phrases of
themes and engagements, markers). One pass of each over an article's text finds every match;
each payload says which kind of knowledge it comes from.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import ahocorasick


class Hit(NamedTuple):
    start: int
    end: int
    key: str
    payloads: tuple[Any, ...]


class Matcher:
    """Whole-word occurrences of many keys; a key ending in ``*`` matches any word that starts with it.

    Payloads are ``(kind, value)`` pairs; ``find_kinds`` returns the hits of each kind apart, with
    the values alone.
    """

    def __init__(self, casefold: bool = False) -> None:
        self._auto = ahocorasick.Automaton()
        self._payloads: dict[str, list[Any]] = {}
        self._prefix: set[str] = set()
        self.casefold = casefold

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
            kinds: dict[Any, list[Any]] = {}
            for p in payloads:
                if isinstance(p, tuple) and len(p) == 2:
                    kinds.setdefault(p[0], []).append(p[1])
            by_kind = tuple((k, tuple(v)) for k, v in kinds.items())
            entry = (key, len(key), tuple(payloads), key in self._prefix, _wordish(key[0]), _wordish(key[-1]), by_kind)
            self._auto.add_word(key, entry)
        if self._payloads:
            self._auto.make_automaton()
        return self

    def lookup(self, key: str) -> tuple[Any, ...]:
        """The payloads of one exact key."""
        return tuple(self._payloads.get(key.lower() if self.casefold else key, ()))

    def keys_with(self, kind: str) -> list[str]:
        """The keys that carry a payload of ``kind`` (payloads are ``(kind, value)`` pairs)."""
        return [k for k, ps in self._payloads.items() if any(p[0] == kind for p in ps)]

    def __len__(self) -> int:
        return len(self._payloads)

    def _matches(self, text: str) -> list[tuple[int, int, Any]]:
        if not self._payloads:
            return []
        hay = lower_same_length(text) if self.casefold else text
        out = []
        n = len(hay)
        for end_idx, entry in self._auto.iter(hay):
            end = end_idx + 1
            start = end - entry[1]
            if entry[4] and start > 0:
                c = hay[start - 1]
                if c.isalnum() or c == "_":
                    continue
            if entry[5] and end < n:
                c = hay[end]
                if c.isalnum() or c == "_":
                    if not entry[3]:
                        continue
                    while end < n and (hay[end].isalnum() or hay[end] == "_"):  # the evidence is the whole word
                        end += 1
            out.append((start, end, entry))
        return out

    def find(self, text: str) -> list[Hit]:
        """All whole-word occurrences in text order of their ends, overlapping ones included."""
        return [Hit(start, end, entry[0], entry[2]) for start, end, entry in self._matches(text)]

    def find_kinds(self, text: str) -> dict[Any, list[Hit]]:
        """The whole-word occurrences of each payload kind, each hit carrying that kind's values."""
        out: dict[Any, list[Hit]] = {}
        for start, end, entry in self._matches(text):
            for kind, values in entry[6]:
                hit = Hit(start, end, entry[0], values)
                bucket = out.get(kind)
                if bucket is None:
                    out[kind] = [hit]
                else:
                    bucket.append(hit)
        return out


def lower_same_length(text: str) -> str:
    """``text.lower()`` with every offset kept (a few letters lengthen when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
