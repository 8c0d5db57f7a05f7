"""Reading JSON Lines input the way ``enrich`` and ``produce`` do: from a file or ``-`` (standard input),
one line at a time, a UTF-8 byte-order mark at the very start dropped (editors on some systems write one),
line ends stripped, blank lines skipped but counted."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from coopstream.errors import ConfigError

BOM = b"\xef\xbb\xbf"


def open_input(name: str, what: str = "input") -> tuple[IO[bytes], int]:
    """The byte stream of ``name`` (``-``: standard input) and its size (0 when unknown)."""
    if name == "-":
        return sys.stdin.buffer, 0
    path = Path(name)
    if not path.is_file():
        raise ConfigError(f"{what}: {name} is not a file")
    return path.open("rb"), path.stat().st_size


def numbered_lines(source: IO[bytes], progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` for each non-blank line, without its line end (numbers count from 1)."""
    for number, raw in enumerate(source, 1):
        if progress is not None:
            progress(len(raw))
        line = raw[len(BOM) :] if number == 1 and raw.startswith(BOM) else raw
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield number, line
