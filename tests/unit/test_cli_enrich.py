"""``coopstream enrich`` run as a user runs it: a process, files and pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.paths import FIXTURES


def run(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "coopstream", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, **env},
    )


def stderr_lines(proc: subprocess.CompletedProcess[bytes]) -> tuple[list[dict[str, object]], str]:
    """The dead letters on standard error, and its last line (the count)."""
    *letters, last = proc.stderr.decode().splitlines()
    return [json.loads(line) for line in letters], last


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
    letters, last = stderr_lines(proc)
    assert [d["error"]["kind"] for d in letters] == ["invalid_json", "invalid_article"]  # type: ignore[index]
    assert letters[0]["record"] == {  # the line as it was, where it came from: the input and its line number
        "topic": "-",
        "partition": None,
        "offset": 2,
        "timestamp_ms": None,
        "key": None,
        "key_encoding": "utf-8",
        "value": "{not json",
        "value_encoding": "utf-8",
        "headers": [],
    }
    assert last == "coopstream enrich: 2 event(s), 2 rejected line(s)"


def test_a_byte_order_mark_at_the_start_of_the_input_is_not_a_bad_record(tmp_path: Path, seed_line: bytes) -> None:
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + seed_line + b"\r\n" + b"\xef\xbb\xbf" + seed_line + b"\n")
    proc = run("enrich", str(src))
    letters, last = stderr_lines(proc)
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 1, proc.stderr
    # only the first line's mark starts the file; one in the middle of the input is a bad record
    assert [d["error"]["kind"] for d in letters] == ["invalid_json"]  # type: ignore[index]
    assert last == "coopstream enrich: 1 event(s), 1 rejected line(s)"


def test_settings_come_from_the_settings_object_variables_included(seed_line: bytes) -> None:
    limited = run("enrich", "-", stdin=seed_line, COOPSTREAM_MAX_RECORD_BYTES="1024")
    letters, last = stderr_lines(limited)
    assert limited.stdout == b"" and [d["error"]["kind"] for d in letters] == ["oversize"]  # type: ignore[index]
    assert last.endswith("0 event(s), 1 rejected line(s)")
    typo = run("enrich", "-", stdin=seed_line, COOPSTREAM_MAX_RECORD_BYTE="1024")
    assert typo.returncode == 3 and typo.stdout == b""
    assert b"COOPSTREAM_MAX_RECORD_BYTE is not a setting: did you mean COOPSTREAM_MAX_RECORD_BYTES?" in typo.stderr


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
    assert first.stderr.decode().endswith(f"1 event(s), 1 rejected line(s) (in {errors})\n")


def test_unusable_invocations_fail_with_a_message(tmp_path: Path) -> None:
    missing = run("enrich", str(tmp_path / "nope.jsonl"))
    assert missing.returncode != 0 and b"nope.jsonl" in missing.stderr
    bad_flag = run("enrich", "--max-record-bytes", "0", "-", stdin=b"")
    assert bad_flag.returncode == 3 and b"--max-record-bytes" in bad_flag.stderr
    unknown = run("enrich", "--max-bytes", "9", "-", stdin=b"")
    assert unknown.returncode == 2 and unknown.stderr.startswith(b"usage: coopstream enrich ")
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
