"""Where the project's files are, seen from the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "workers" / "coopstream" / "samples" / "articles.jsonl"
CACHE = ROOT / ".cache"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
README = ROOT / "README.md"
