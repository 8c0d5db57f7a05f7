"""Knowledge: the data files the enrichment reads, loaded once and compiled.

Every list lives in ``coopstream/enrich/data`` as TSV or JSON; an operator
points ``knowledge_dir`` at a folder holding replacements for any of them
(files missing there fall back to the packaged ones), and ``themes_file`` at
a replacement theme cue list. Gazetteer names are compiled into Aho-Corasick
automata, so one pass over the text finds them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

from coopstream.errors import KnowledgeError

PACKAGED = "coopstream.enrich.data"


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    key: str
    payloads: tuple[Any, ...]


class Matcher:
    """Whole-word multi-pattern matcher (Aho-Corasick)."""

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
            self._auto.add_word(key, (key, tuple(payloads)))
        if self._payloads:
            self._auto.make_automaton()
        return self

    def lookup(self, key: str) -> tuple[Any, ...]:
        """The payloads of one exact key (after ``build``)."""
        return tuple(self._payloads.get(key.lower() if self.casefold else key, ()))

    def __len__(self) -> int:
        return len(self._payloads)

    def find(self, text: str) -> list[Hit]:
        """All whole-word occurrences, overlapping ones included."""
        if not self._payloads:
            return []
        hay = lower_same_length(text) if self.casefold else text
        hits: list[Hit] = []
        n = len(hay)
        for end_idx, (key, payloads) in self._auto.iter(hay):
            end = end_idx + 1
            start = end - len(key)
            if start > 0 and _wordish(hay[start - 1]) and _wordish(key[0]):
                continue
            if end < n and _wordish(hay[end]) and _wordish(key[-1]):
                if key not in self._prefix:
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


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@dataclass(slots=True)
class Source:
    """Where knowledge files come from: an override folder, then the package."""

    override_dir: Path | None = None
    themes_file: Path | None = None
    digest: Any = field(default_factory=hashlib.sha256)

    def read_text(self, name: str) -> str:
        path = self._path(name)
        try:
            if isinstance(path, Path):
                text = path.read_text(encoding="utf-8")
            else:
                text = resources.files(PACKAGED).joinpath(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnowledgeError(f"cannot read knowledge file {name}: {exc}") from exc
        self.digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
        return text

    def _path(self, name: str) -> Path | None:
        if name == "themes.json" and self.themes_file is not None:
            return self.themes_file
        if self.override_dir is not None and (self.override_dir / name).is_file():
            return self.override_dir / name
        return None

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        """The rows of a TSV file with a header line; blank lines and ``#`` comments are skipped."""
        lines = [ln for ln in self.read_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
        if not lines:
            raise KnowledgeError(f"{name}: no header line")
        header = [h.strip() for h in lines[0].split("\t")]
        width = len(header)
        for n, line in enumerate(lines[1:], 2):
            cells = line.split("\t")
            if len(cells) != width:
                raise KnowledgeError(f"{name}: line {n}: {len(cells)} columns where the header has {width}")
            yield dict(zip(header, (c.strip() for c in cells), strict=True))

    def json(self, name: str) -> Any:
        text = self.read_text(name)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"{name}: not valid JSON: {exc}") from exc

    def lines(self, name: str) -> list[str]:
        return [ln.strip() for ln in self.read_text(name).splitlines() if ln.strip() and not ln.startswith("#")]


def as_float(value: str) -> float | None:
    try:
        return round(float(value), 4) if value else None
    except ValueError:
        return None
