"""Reading knowledge files: the packaged ones, or an operator's replacements, each checked as it is read.

A file is named by its path inside the data folder: ``countries.tsv`` (language-independent) or
``es/ranks.tsv`` (one language's). An operator's ``knowledge_dir`` mirrors that layout; a file it
lacks falls back to the packaged one. Every problem stops start-up with a ``KnowledgeError`` whose
one-line message names the file, the line and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from coopstream.errors import KnowledgeError

PACKAGED = "coopstream.enrich.data"

Check = Callable[[str], str | None]  # a cell's problem, or None when it is fine


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    check: Check | None = None
    required: bool = False  # an empty cell is a problem


def _pattern(regex: str, what: str, listed: bool = False) -> Check:
    compiled = re.compile(regex)

    def check(value: str) -> str | None:
        if not value:
            return None
        parts = value.split("|") if listed else [value]
        bad = [p for p in parts if not compiled.fullmatch(p)]
        return f"{bad[0]!r} is not {what}" if bad else None

    return check


def one_of(*allowed: str) -> Check:
    def check(value: str) -> str | None:
        if value and value not in allowed:
            return f"{value!r} is not one of {', '.join(allowed)}"
        return None

    return check


def number(lo: float, hi: float) -> Check:
    def check(value: str) -> str | None:
        if not value:
            return None
        try:
            x = float(value)
        except ValueError:
            return f"{value!r} is not a number"
        return None if lo <= x <= hi else f"{value} is outside [{lo:g}, {hi:g}]"

    return check


def names_list(value: str) -> str | None:
    items = value.split("|")
    if any(not item.strip() for item in items) and value:
        return "an empty name in a | list"
    if any(item != item.strip() for item in items):
        return "spaces around a name in a | list"
    return None


COUNTRY_CODE = _pattern(r"[A-Z]{2}", "an ISO 3166-1 alpha-2 code")
COUNTRY_CODES = _pattern(r"[A-Z]{2}", "an ISO 3166-1 alpha-2 code", listed=True)
PAY_GRADE = _pattern(r"(?:O-(?:10|[1-9])|W-[1-5]|E-[1-9])", "a U.S. pay grade (O-1..O-10, W-1..W-5, E-1..E-9)")
NATO_CODE = _pattern(r"(?:OF-(?:10|[1-9])|OR-[1-9]|WO|OF-D)", "a STANAG 2116 code (OF-1..OF-10, OR-1..OR-9, WO)")
YES_NO = one_of("yes", "no", "true", "false", "1", "0")
LATITUDE = number(-90, 90)
LONGITUDE = number(-180, 180)
COUNT = number(0, 1e10)


@dataclass(slots=True)
class Source:
    """Where knowledge files come from: an operator's folder first, then the package."""

    override_dir: Path | None = None
    themes_file: Path | None = None
    digest: Any = field(default_factory=hashlib.sha256)

    def exists(self, name: str) -> bool:
        return self._override(name) is not None or _packaged(name).is_file()

    def exists_override(self, name: str) -> bool:
        return self._override(name) is not None

    def languages(self) -> list[str]:
        """The language folders, packaged or the operator's (two lowercase letters)."""
        found = {p.name for p in resources.files(PACKAGED).iterdir() if p.is_dir() and _is_lang(p.name)}
        if self.override_dir is not None:
            found |= {p.name for p in self.override_dir.iterdir() if p.is_dir() and _is_lang(p.name)}
        return sorted(found)

    def read_text(self, name: str) -> str:
        path = self._override(name)
        try:
            raw = path.read_bytes() if path is not None else _packaged(name).read_bytes()
        except OSError as exc:
            raise KnowledgeError(f"knowledge file {name}: cannot be read: {exc.strerror or exc}") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise KnowledgeError(f"knowledge file {name}: line {line}: not UTF-8 text") from exc
        self.digest.update(name.encode() + b"\0" + raw + b"\0")
        return text.removeprefix("\ufeff")

    def _override(self, name: str) -> Path | None:
        if name == "themes.json" and self.themes_file is not None:
            return self.themes_file
        if self.override_dir is not None and (self.override_dir / name).is_file():
            return self.override_dir / name
        return None

    def rows(self, name: str, columns: list[Column], allow_empty: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
        """The checked rows of a TSV file, with their line numbers; blank lines and ``#`` comments are skipped."""
        lines = [(n, ln) for n, ln in enumerate(self.read_text(name).split("\n"), 1) if ln.strip()]
        lines = [(n, ln.rstrip("\r")) for n, ln in lines if not ln.startswith("#")]
        if not lines:
            raise KnowledgeError(f"knowledge file {name}: empty (a header line is expected)")
        head_n, head = lines[0]
        header = [h.strip() for h in head.split("\t")]
        want = [c.name for c in columns]
        missing = [c for c in want if c not in header]
        if missing:
            raise KnowledgeError(
                f"knowledge file {name}: line {head_n}: header lacks column(s) {', '.join(missing)} "
                f"(expected: {' '.join(want)})"
            )
        if len(lines) == 1 and not allow_empty:
            raise KnowledgeError(f"knowledge file {name}: only a header line, no rows")
        width = len(header)
        for n, line in lines[1:]:
            cells = line.split("\t")
            if len(cells) != width:
                raise KnowledgeError(
                    f"knowledge file {name}: line {n}: {len(cells)} columns where the header has {width} "
                    "(columns are separated by one tab)"
                )
            row = dict(zip(header, (c.strip() for c in cells), strict=True))
            for col in columns:
                value = row[col.name]
                problem = "empty" if col.required and not value else (col.check(value) if col.check else None)
                if problem:
                    raise KnowledgeError(f"knowledge file {name}: line {n}: column {col.name}: {problem}")
            yield n, row

    def json(self, name: str) -> Any:
        text = self.read_text(name)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"knowledge file {name}: line {exc.lineno}: not valid JSON: {exc.msg}") from exc

    def lines(self, name: str) -> list[str]:
        out = [ln.strip() for ln in self.read_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
        if not out:
            raise KnowledgeError(f"knowledge file {name}: no entries")
        return out


def _packaged(name: str) -> Traversable:
    node = resources.files(PACKAGED)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def _is_lang(name: str) -> bool:
    return len(name) == 2 and name.isalpha() and name.islower()


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def as_float(value: str) -> float | None:
    return round(float(value), 4) if value else None


class Shape:
    """Checks of a JSON knowledge file's structure, each naming the file and the key path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, problem: str) -> KnowledgeError:
        return KnowledgeError(f"knowledge file {self.name}: key {path}: {problem}")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "expected an object")
        return value

    def key(self, parent: dict[str, Any], key: str, path: str) -> Any:
        if key not in parent:
            raise self.fail(f"{path}.{key}" if path else key, "missing")
        return parent[key]

    def strings(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(path, "expected a list of non-empty strings")
        return [str(v) for v in value]

    def string_map(self, value: Any, path: str) -> dict[str, str]:
        obj = self.obj(value, path)
        if not all(isinstance(v, str) for v in obj.values()):
            raise self.fail(path, "expected an object of strings")
        return {str(k): str(v) for k, v in obj.items()}

    def num(self, value: Any, path: str, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, "expected a number")
        if not lo <= float(value) <= hi:
            raise self.fail(path, f"{value} is outside [{lo:g}, {hi:g}]")
        return float(value)

    def weights(self, value: Any, path: str) -> dict[str, float]:
        obj = self.obj(value, path)
        return {str(k): self.num(v, f"{path}.{k}", 0.0, 10.0) for k, v in obj.items()}

    def one_of(self, value: Any, path: str, allowed: set[str] | tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(path, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return str(value)
