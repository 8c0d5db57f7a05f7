"""The stream subcommands without a broker: help, bad settings, keys of produced lines, the demo's report."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_unknown_variables_stop_start_up_with_the_closest_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COOPSTREAM_BATCHSIZE", "10")
    monkeypatch.setenv("COOPSTREAM_CACHE_DIR", "/tmp")  # the development broker's cache: not a setting, known
    assert main(["run"]) == 3
    err = capsys.readouterr().err
    assert "COOPSTREAM_BATCHSIZE is not a setting: did you mean COOPSTREAM_BATCH_SIZE?" in err
    assert "CACHE_DIR" not in err


def test_enumerated_values_in_any_case_and_urls_refused() -> None:
    s = Settings(delivery="Exactly-Once", log_format="JSON", security_protocol="plaintext", log_level="DEBUG")  # type: ignore[arg-type]
    got = (s.delivery, s.log_format, s.security_protocol, s.log_level)
    assert got == ("exactly-once", "json", "PLAINTEXT", "debug")
    with pytest.raises(ValueError, match="is a URL; a bootstrap server is host:port"):
        Settings(bootstrap_servers="http://kafka:9092")


def test_a_bad_flag_under_a_subcommand_prints_that_subcommands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, usage in (
        (["run", "--batchsize", "3"], "usage: coopstream run "),
        (["topics", "create", "--nope"], "usage: coopstream topics create "),
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(usage) and "unrecognized arguments" in err, err


def test_topics_are_sized_for_the_records_the_settings_accept() -> None:
    from coopstream.stream.admin import input_limit_bytes, output_limit_bytes, topic_configs
    from coopstream.stream.kafka_sink import producer_options

    s = Settings(max_record_bytes=5 * 1024 * 1024)
    configs = topic_configs(s)
    assert int(configs[s.input_topic]["max.message.bytes"]) == input_limit_bytes(s) > s.max_record_bytes
    for topic in (s.output_topic, s.engagements_topic, s.dlq_topic):
        assert int(configs[topic]["max.message.bytes"]) == output_limit_bytes(s) > 2 * s.max_record_bytes
    assert producer_options(s, transactional=False)["max_request_size"] == output_limit_bytes(s)


def test_schemas_check_outside_a_checkout_says_the_files_are_missing(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "coopstream", "schemas", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "raw-article.schema.json" in proc.stderr and "missing" in proc.stderr and "checkout" in proc.stderr
    assert "differs" not in proc.stderr
