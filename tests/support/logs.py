"""Reading the JSON lines a worker logs, from its log file or from captured output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coopstream.dev.process import WorkerProcess


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects among the lines of ``text`` (other lines are skipped)."""
    found = []
    for line in text.splitlines():
        if not line.lstrip().startswith("{"):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def log_events(source: Path | WorkerProcess) -> list[dict[str, Any]]:
    """The JSON log lines of a worker (its log file) or of the log file at a path."""
    path = source if isinstance(source, Path) else source.log_path
    return json_lines(path.read_text(encoding="utf-8", errors="replace"))
