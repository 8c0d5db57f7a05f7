"""Grafana: the dashboard's panels and queries, and the provisioning docker-compose mounts.

Every query is parsed here by promtool (as a recording rule); the integration test
tests/integration/test_prometheus_scrape.py evaluates each against a real Prometheus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from support.deploy import GRAFANA, compose, dump_yaml, load_yaml, metrics_in, output, run, tool, worker_metric_names
from support.paths import ROOT

pytestmark = pytest.mark.deploy

DASHBOARD = GRAFANA / "dashboards" / "coopstream.json"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "coopstream.yml"

# Grafana's variables, replaced by values Prometheus accepts (the scrape test uses the same).
VARIABLES = {"$__rate_interval": "1m", "$__range": "5m", "$__interval": "15s", "$instance": ".*"}


def dashboard() -> dict[str, Any]:
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def panels() -> list[dict[str, Any]]:
    return [p for p in dashboard()["panels"] if p["type"] != "row"]


def expressions() -> list[tuple[str, str]]:
    """(panel title, query with the variables replaced) of every target."""
    return [(p["title"], substitute(t["expr"])) for p in panels() for t in p["targets"]]


def substitute(expr: str) -> str:
    for name, value in sorted(VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def test_every_panel_queries_prometheus_through_the_datasource_variable() -> None:
    board = dashboard()
    assert board["uid"] == "coopstream"
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    assert variables["instance"]["includeAll"] and variables["instance"]["allValue"] == ".*"
    for panel in panels():
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], f"{panel['title']}: no query"
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            leftover = re.findall(r"\$\{?\w+", substitute(target["expr"]))
            assert not leftover, f"{panel['title']}: unknown variables {leftover}"


def test_the_panels_the_issue_asks_for() -> None:
    exprs = " ".join(expr for _, expr in expressions())
    wanted = {
        "throughput in": "rate(coopstream_records_consumed_total",
        "throughput out": "rate(coopstream_events_published_total",
        "lag per partition": "sum by (topic, partition) (coopstream_consumer_lag",
        "processing quantiles": "histogram_quantile(0.99, sum by (le) (rate(coopstream_processing_seconds_bucket",
        "end-to-end quantiles": "histogram_quantile(0.99, sum by (le) (rate(coopstream_end_to_end_seconds_bucket",
        "dead letters by reason": "sum by (reason) (rate(coopstream_dead_letters_total",
        "themes emitted by id": "sum by (theme) (increase(coopstream_themes_emitted_total",
        "rebalances": "sum by (kind) (rate(coopstream_rebalances_total",
        "per-instance health": 'up{job="coopstream"',
    }
    missing = [what for what, fragment in wanted.items() if fragment not in exprs]
    assert not missing, f"no panel for: {missing}"


def test_queries_use_only_metrics_the_worker_exports() -> None:
    exported = worker_metric_names()
    for title, expr in expressions():
        unknown = metrics_in(expr) - exported
        assert not unknown, f"{title}: {sorted(unknown)} not exported by the worker"


def test_panels_do_not_overlap() -> None:
    taken: dict[tuple[int, int], str] = {}
    for panel in dashboard()["panels"]:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, panel["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in taken, f"{panel['title']} overlaps {taken[(x, y)]}"
                taken[(x, y)] = panel["title"]


def _as_rules(exprs: list[tuple[str, str]]) -> str:
    rules = [{"record": f"dashboard:query_{i}", "expr": expr} for i, (_, expr) in enumerate(exprs)]
    return dump_yaml({"groups": [{"name": "dashboard", "rules": rules}]})


def test_promtool_parses_every_query(tmp_path: Path) -> None:
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(_as_rules(expressions()), encoding="utf-8")
    proc = run([tool("promtool"), "check", "rules", str(path)])
    assert proc.returncode == 0, output(proc)


def test_a_broken_query_fails_the_parse(tmp_path: Path) -> None:
    exprs = expressions()
    exprs[0] = (exprs[0][0], exprs[0][1].replace("[1m]", "[1m", 1))
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(_as_rules(exprs), encoding="utf-8")
    proc = run([tool("promtool"), "check", "rules", str(path)])
    assert proc.returncode != 0, output(proc)


def test_provisioning_matches_compose() -> None:
    grafana = compose()["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"])
    inverse = {target: (ROOT / source).resolve() for source, target in mounts.items()}
    assert inverse["/etc/grafana/provisioning"] == (GRAFANA / "provisioning").resolve()
    (provider,) = load_yaml(PROVIDERS)["providers"]
    assert inverse[provider["options"]["path"]] == DASHBOARD.parent.resolve()
    home = Path(grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"])
    assert inverse[str(home.parent)] / home.name == DASHBOARD.resolve()
    (source,) = load_yaml(DATASOURCES)["datasources"]
    prometheus = compose()["services"]["prometheus"]
    host_port = {p.split(":")[1] for p in prometheus["ports"]}
    assert source["type"] == "prometheus" and source["isDefault"]
    assert source["url"] == "http://prometheus:9090" and "9090" in host_port
    scrape = load_yaml(GRAFANA.parent / "prometheus" / "prometheus.yml")["global"]["scrape_interval"]
    assert source["jsonData"]["timeInterval"] == scrape
