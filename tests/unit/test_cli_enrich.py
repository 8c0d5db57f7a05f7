"""``coopstream enrich`` run as a user runs it: a process, files and pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "coopstream", *args], input=stdin, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def seed_line() -> bytes:
    text = (FIXTURES / "seed.txt").read_text(encoding="utf-8")
    return json.dumps({"id": "seed", "text": text, "published_at": "2023-09-13", "section": "news"}).encode()


def test_stdin_to_stdout_one_event_per_line_bad_lines_to_stderr(seed_line: bytes) -> None:
    stdin = b"\n".join([seed_line, b"{not json", b'{"id": "x"}', seed_line.replace(b'"seed"', b'"seed-2"')]) + b"\n"
    proc = run("enrich", "-", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [e["article_id"] for e in events] == ["seed", "seed-2"]
    assert events[0]["extra"] == {"section": "news"}
    letters = [json.loads(line) for line in proc.stderr.splitlines()]
    assert [d["error"]["kind"] for d in letters] == ["invalid_json", "invalid_article"]
    assert letters[0]["record"]["value"] == "{not json"
    assert letters[0]["record"]["offset"] == 2


def test_errors_file_and_same_content_twice(tmp_path: Path, seed_line: bytes) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(seed_line + b"\n\xff\xfe\n")
    errors = tmp_path / "errors.jsonl"
    first = run("enrich", str(src), "--errors", str(errors))
    second = run("enrich", str(src))
    assert first.returncode == 0 and second.returncode == 0
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["event_id"] == b["event_id"]
    a["provenance"].pop("processed_at"), b["provenance"].pop("processed_at")
    assert a == b
    letter = json.loads(errors.read_text())
    assert letter["error"]["kind"] == "invalid_utf8" and letter["record"]["value_encoding"] == "base64"


def test_unusable_invocations_fail_with_a_message(tmp_path: Path) -> None:
    missing = run("enrich", str(tmp_path / "nope.jsonl"))
    assert missing.returncode != 0 and b"nope.jsonl" in missing.stderr
    bad_flag = run("enrich", "--max-record-bytes", "0", "-", stdin=b"")
    assert bad_flag.returncode != 0 and b"--max-record-bytes" in bad_flag.stderr
    bad_dir = run("enrich", "--knowledge-dir", str(tmp_path / "none"), "-", stdin=b"")
    assert bad_dir.returncode != 0 and b"--knowledge-dir" in bad_dir.stderr


def test_operator_replaces_the_theme_cues(tmp_path: Path, seed_line: bytes) -> None:
    """The threshold and the themes come from --themes-file; a language's cues from --knowledge-dir."""
    themes = tmp_path / "themes.json"
    themes.write_text(
        json.dumps(
            {
                "threshold": 0.1,
                "saturation": 1.0,
                "listing_factor": 0.5,
                "planned_factor": 0.5,
                "repeat_factor": 0.25,
                "max_evidence": 3,
                "listing_min_commas": 3,
                "name_weight_floor": 0.5,
                "home_country": "US",
                "themes": {"health_security": {"label": "Health"}},
            }
        )
    )
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "themes.json").write_text(
        json.dumps({"themes": {"health_security": {"cues": {"round table": 1.0}}}})
    )
    proc = run("enrich", "--themes-file", str(themes), "--knowledge-dir", str(tmp_path), "-", stdin=seed_line)
    assert proc.returncode == 0, proc.stderr
    event = json.loads(proc.stdout)
    assert [t["id"] for t in event["themes"]] == ["health_security"]
    assert event["themes"][0]["label"] == "Health"
    assert event["themes"][0]["evidence"][0]["text"] == "round table"


def test_help_lists_the_commands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in (b"enrich", b"schemas"):
        assert command in proc.stdout
