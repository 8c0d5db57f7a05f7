"""Reading the curated TSV sources of the knowledge generators (standard library only)."""

from __future__ import annotations

from pathlib import Path


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a curated TSV: '#' lines are comments, the first other line is the header."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise SystemExit(f"{path.name}:{lineno}: expected {len(header)} fields, got {len(cells)}")
        rows.append({k: v.strip() for k, v in zip(header, cells, strict=True)})
    return rows
