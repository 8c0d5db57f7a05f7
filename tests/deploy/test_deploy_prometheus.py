"""Prometheus: the scrape config and the alert rules, checked and unit-tested by promtool."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from support.deploy import (
    OPERATIONS,
    PROMETHEUS,
    compose,
    dump_yaml,
    load_yaml,
    metrics_in,
    output,
    run,
    settings_defaults,
    tool,
    worker_metric_names,
)

pytestmark = pytest.mark.deploy

ALERTS = PROMETHEUS / "alerts.yml"
ALERT_TESTS = PROMETHEUS / "alerts.test.yml"
CONFIG = PROMETHEUS / "prometheus.yml"

# What the issue asks the alerts to cover, and the rule that does.
REQUIRED = {
    "worker down": "CoopstreamWorkerDown",
    "no progress while lag grows": "CoopstreamNoProgress",
    "lag above a threshold for 10 minutes": "CoopstreamConsumerLagHigh",
    "dead-letter rate above a threshold": "CoopstreamDeadLetterRateHigh",
    "commit failures": "CoopstreamCommitFailures",
    "rebalance storm": "CoopstreamRebalanceStorm",
    "end-to-end latency p99 too high": "CoopstreamEndToEndLatencyHigh",
}


def rules() -> list[dict]:
    return [rule for group in load_yaml(ALERTS)["groups"] for rule in group["rules"]]


def test_promtool_check_config() -> None:
    proc = run([tool("promtool"), "check", "config", str(CONFIG)])
    assert proc.returncode == 0, output(proc)
    assert "SUCCESS" in proc.stdout + proc.stderr


def test_promtool_check_rules() -> None:
    proc = run([tool("promtool"), "check", "rules", str(ALERTS)])
    assert proc.returncode == 0, output(proc)
    assert f"SUCCESS: {len(rules())} rules found" in proc.stdout + proc.stderr


def test_promtool_test_rules() -> None:
    proc = run([tool("promtool"), "test", "rules", str(ALERT_TESTS)], cwd=PROMETHEUS)
    assert proc.returncode == 0, output(proc)
    assert "SUCCESS" in proc.stdout + proc.stderr


def test_the_required_alerts_exist_with_severity_and_runbook() -> None:
    by_name = {rule["alert"]: rule for rule in rules() if "alert" in rule}
    missing = {what: name for what, name in REQUIRED.items() if name not in by_name}
    assert not missing, f"alerts missing: {missing}"
    runbooks = OPERATIONS.read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in runbooks.splitlines()
        if line.startswith("#")
    }
    for name, rule in by_name.items():
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, name
        assert {"summary", "description", "runbook"} <= rule["annotations"].keys(), name
        doc, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert doc == "docs/operations.md" and anchor in anchors, f"{name}: no section {anchor!r} in {doc}"
    assert by_name["CoopstreamConsumerLagHigh"]["for"] == "10m"
    assert "histogram_quantile(0.99" in by_name["CoopstreamEndToEndLatencyHigh"]["expr"]


def test_every_alert_is_tested_firing_and_quiet() -> None:
    cases = [case for test in load_yaml(ALERT_TESTS)["tests"] for case in test.get("alert_rule_test", [])]
    for name in (rule["alert"] for rule in rules() if "alert" in rule):
        fired = [c for c in cases if c["alertname"] == name and c.get("exp_alerts")]
        quiet = [c for c in cases if c["alertname"] == name and not c.get("exp_alerts")]
        assert fired, f"{name}: no test where it fires"
        assert quiet, f"{name}: no test where it stays quiet"


def test_rules_use_only_metrics_the_worker_exports() -> None:
    exported = worker_metric_names()
    for rule in rules():
        unknown = metrics_in(rule["expr"]) - exported
        assert not unknown, f"{rule.get('alert') or rule.get('record')}: {sorted(unknown)} not exported by the worker"
        assert 'job="coopstream"' in rule["expr"], f'{rule["alert"]}: must select job="coopstream"'


def test_scrape_config_finds_every_worker_replica() -> None:
    config = load_yaml(CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker = jobs["coopstream"]
    (sd,) = worker["dns_sd_configs"]
    services = compose()["services"]
    assert sd["names"] == ["worker"] and "worker" in services
    assert sd["type"] == "A"  # one address per replica of the compose service
    port = int(services["worker"]["environment"]["COOPSTREAM_METRICS_PORT"])
    assert sd["port"] == port == settings_defaults()["metrics_port"]
    assert worker.get("metrics_path", "/metrics") == "/metrics"
    for path in config["rule_files"]:
        assert (PROMETHEUS / path).is_file(), path


# ---------------------------------------------------------------------- broken input fails


def _copy_rules(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copy(ALERTS, tmp_path / "alerts.yml")
    shutil.copy(ALERT_TESTS, tmp_path / "alerts.test.yml")
    return tmp_path / "alerts.yml", tmp_path / "alerts.test.yml"


def test_broken_rule_fails_promtool_check(tmp_path: Path) -> None:
    alerts, _ = _copy_rules(tmp_path)
    text = alerts.read_text(encoding="utf-8")
    broken = text.replace('expr: up{job="coopstream"} == 0', 'expr: up{job="coopstream" == 0', 1)
    assert broken != text
    alerts.write_text(broken, encoding="utf-8")
    proc = run([tool("promtool"), "check", "rules", str(alerts)])
    assert proc.returncode != 0, output(proc)
    assert "CoopstreamWorkerDown" in proc.stdout + proc.stderr or "parse error" in proc.stdout + proc.stderr


def test_changed_threshold_fails_the_rule_unit_tests(tmp_path: Path) -> None:
    alerts, tests = _copy_rules(tmp_path)
    text = alerts.read_text(encoding="utf-8")
    alerts.write_text(text.replace("> 10000", "> 20000", 1), encoding="utf-8")
    proc = run([tool("promtool"), "test", "rules", str(tests)], cwd=tmp_path)
    assert proc.returncode != 0, output(proc)
    assert "CoopstreamConsumerLagHigh" in proc.stdout + proc.stderr


def test_broken_scrape_config_fails_promtool_check(tmp_path: Path) -> None:
    shutil.copy(ALERTS, tmp_path / "alerts.yml")
    config = load_yaml(CONFIG)
    config["scrape_configs"][0]["dns_sd_configs"][0]["type"] = "CNAME"  # not a DNS SD record type
    (tmp_path / "prometheus.yml").write_text(dump_yaml(config), encoding="utf-8")
    proc = run([tool("promtool"), "check", "config", str(tmp_path / "prometheus.yml")])
    assert proc.returncode != 0, output(proc)
