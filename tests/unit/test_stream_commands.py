"""The stream subcommands without a broker: help, bad settings, keys of produced lines, the demo's report."""

from __future__ import annotations

import json

import pytest

from coopstream.cli import main
from coopstream.commands import demo_report
from coopstream.config import Settings, choices_of
from coopstream.stream.clients import connection_options, transactional_id
from coopstream.stream.publish import article_key


def test_run_help_lists_every_setting_with_variable_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for name, field in Settings.model_fields.items():
        choices = choices_of(name)
        flag = f"--{name.replace('_', '-')}" + (" {" + ",".join(choices) + "}" if choices else " VALUE")
        assert flag in out, flag
        shown = (
            "none" if field.default is None else str(field.default).lower() if field.default is True else field.default
        )
        assert f"env COOPSTREAM_{name.upper()}; default {shown}" in out
    assert "--delivery {at-least-once,exactly-once}" in out and "default at-least-once" in out
    assert "Exit codes" in out and "--enricher" not in out


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["run", "--batch-size", "0"], {}, "COOPSTREAM_BATCH_SIZE / --batch-size"),
        (["run"], {"COOPSTREAM_DELIVERY": "twice"}, "COOPSTREAM_DELIVERY / --delivery"),
        (["run", "--bootstrap-servers", "kafka"], {}, "COOPSTREAM_BOOTSTRAP_SERVERS / --bootstrap-servers"),
        (["run", "--security-protocol", "SASL_SSL"], {}, "SASL needs sasl_mechanism"),
        (["topics", "create", "--topic-partitions", "0"], {}, "COOPSTREAM_TOPIC_PARTITIONS"),
        (["produce", "x.jsonl", "--bootstrap-servers", ":1"], {}, "COOPSTREAM_BOOTSTRAP_SERVERS"),
    ],
)
def test_bad_settings_stop_before_connecting_and_name_the_setting(
    argv: list[str],
    env: dict[str, str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(argv) == 3
    assert named in capsys.readouterr().err


def test_secrets_go_to_the_client_but_not_to_the_log() -> None:
    s = Settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc",
        sasl_password="hunter2",
        group_id="g",
        group_instance_id="pod-3",
    )  # type: ignore[arg-type]
    options = connection_options(s)
    assert options["sasl_plain_password"] == "hunter2" and options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert "hunter2" not in json.dumps(s.safe_dump())
    assert transactional_id(s) == "g-pod-3"
    assert transactional_id(Settings(transactional_id="fixed")) == "fixed"


@pytest.mark.parametrize(
    ("line", "key", "valid"),
    [
        (b'{"id": "a-1", "text": "t"}', b"a-1", True),
        (b'{"url": "https://x.org/a", "text": "t"}', None, True),
        (b'{"id": "a-2"}', b"a-2", False),
        (b"not json", None, False),
        (b"[1]", None, False),
    ],
)
def test_produced_lines_are_keyed_by_article_id(line: bytes, key: bytes | None, valid: bool) -> None:
    got_key, got_valid = article_key(line)
    assert got_valid is valid
    if key is None and valid:
        assert got_key is not None and got_key.startswith(b"url-")
    else:
        assert got_key == key


def test_demo_report_reads_like_a_summary() -> None:
    event = {
        "article_id": "s-1",
        "title": "Visit",
        "entities": [
            {
                "type": "person",
                "name": "Thomas Harlow",
                "attributes": {"rank": "Gen.", "grade": "O-10", "service": "Air Force", "affiliation": "US"},
            },
            {"type": "person", "name": "Yaw Boakye-Danso", "attributes": {"title": "Minister of Defense"}},
            {"type": "location", "name": "Accra", "attributes": {}},
        ],
        "countries": [{"code": "GH", "name": "Ghana", "mentions": 3}],
        "themes": [
            {"id": "a", "label": "Maritime security", "score": 0.8647},
            {"id": "b", "label": "B", "score": 0.5},
            {"id": "c", "label": "C", "score": 0.4},
            {"id": "d", "label": "D", "score": 0.3},
        ],
        "engagements": [
            {
                "type": "visit",
                "actors": ["Thomas Harlow"],
                "location": "Accra",
                "country": "GH",
                "start_date": "2025-03-03",
                "end_date": "2025-03-05",
            }
        ],
    }
    text = demo_report.article_summary(event)
    assert "Gen. Thomas Harlow (O-10, Air Force, US)" in text
    assert "Minister of Defense Yaw Boakye-Danso" in text
    assert "Ghana (GH, 3x)" in text and "Maritime security 0.86" in text and " D 0.30" not in text
    assert "visit by Thomas Harlow in Accra, GH 2025-03-03..2025-03-05" in text
    metrics = (
        "# HELP x\ncoopstream_events_published_total 10.0\n"
        'coopstream_dead_letters_total{reason="a"} 1.0\ncoopstream_dead_letters_total{reason="b"} 2.0\n'
    )
    assert demo_report.metrics_excerpt(metrics) == "records=0, events=10, engagements=0, dead letters=3, commits=0"


def test_the_operations_doc_covers_every_setting_exit_code_and_metric() -> None:
    from pathlib import Path

    from prometheus_client import CollectorRegistry

    from coopstream import exits
    from coopstream.observability import Metrics

    doc = (Path(__file__).resolve().parents[2] / "docs" / "worker.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`COOPSTREAM_{name.upper()}`" in doc, name
    for code in (v for k, v in vars(exits).items() if k.startswith("EXIT_") and k != "EXIT_SIGNAL_BASE"):
        assert f"\n| {code} |" in doc, code
    registry = CollectorRegistry()
    Metrics(registry)
    for family in registry.collect():
        name = family.name + ("_total" if family.type == "counter" else "")
        assert f"`{name}" in doc, name
