"""A real Prometheus (the Debian package promtool comes from) scrapes a real worker that processes
the sample articles and a few broken records on the test broker. Every expression of the Grafana
dashboard and of the alert rules is evaluated through the HTTP API without error, the series show
the counts the test produced, and `promtool check metrics` accepts the worker's /metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coopstream import __version__
from coopstream.dev.broker import DevBroker, free_port
from coopstream.dev.process import WorkerProcess
from support.articles import sample_articles
from support.stack import Stack
from support.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.deploy]

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "coopstream.json"
INSTALL = "deploy/tools/install-checkers.sh"
# Grafana's variables, as tests/deploy/test_deploy_grafana.py replaces them
VARIABLES = {"$__rate_interval": "1m", "$__range": "5m", "$__interval": "15s", "$instance": ".*"}
BROKEN = [  # (key, value, the dead-letter reason the worker gives it)
    (b"broken-json", b'{"id": "broken-json", "text": ', "invalid_json"),
    (b"no-text", b'{"id": "no-text", "title": "an article without its text"}', "invalid_article"),
    (b"not-utf8", b'{"id": "not-utf8", "text": "caf\xe9"}', "invalid_utf8"),
]
WAVES = 2


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run {INSTALL}", pytrace=False)
    return found


class Prometheus:
    """``prometheus`` on 127.0.0.1 (a free port, storage in a temporary folder) scraping one worker."""

    def __init__(self, workdir: Path, target: str) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.config = workdir / "prometheus.yml"
        self.config.write_text(
            json.dumps(
                {  # JSON is YAML
                    "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
                    "rule_files": [str(ALERTS)],
                    "scrape_configs": [{"job_name": "coopstream", "static_configs": [{"targets": [target]}]}],
                }
            ),
            encoding="utf-8",
        )
        self.log = workdir / "prometheus.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Prometheus:
        cmd = [
            binary("prometheus"),
            f"--config.file={self.config}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--storage.tsdb.retention.time=1h",
            "--log.level=warn",
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        wait_for(lambda: self._get("/-/ready")[0] == 200, 30, "Prometheus ready", detail=self.log_tail)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:]) if self.log.is_file() else ""

    def _get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as reply:
                body = reply.read().decode()
                return int(reply.status), json.loads(body) if body.startswith("{") else body
        except urllib.error.HTTPError as exc:
            with exc:
                body = exc.read().decode()
                return int(exc.code), json.loads(body) if body.startswith("{") else body
        except OSError:
            return 0, None

    def api(self, path: str, **params: str) -> dict[str, Any]:
        status, body = self._get(f"/api/v1/{path}?{urllib.parse.urlencode(params)}")
        assert isinstance(body, dict), f"{path} {params}: HTTP {status}: {body}"
        return body

    def query(self, expr: str) -> dict[str, Any]:
        """The instant query's whole answer (status, data, warnings)."""
        return self.api("query", query=expr)

    def values(self, expr: str) -> dict[tuple[tuple[str, str], ...], float]:
        answer = self.query(expr)
        assert answer["status"] == "success", f"{expr}: {answer}"
        data = answer["data"]
        if data["resultType"] == "scalar":
            return {(): float(data["result"][1])}
        return {tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in data["result"]}

    def value(self, expr: str) -> float | None:
        found = self.values(expr)
        assert len(found) <= 1, f"{expr}: more than one series: {found}"
        return next(iter(found.values()), None)


@dataclass
class Scraped:
    stack: Stack
    worker: WorkerProcess
    prometheus: Prometheus
    articles: list[dict[str, Any]]
    events: list[dict[str, Any]]


@pytest.fixture(scope="module")
def scraped(broker: DevBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scraped]:
    tmp = tmp_path_factory.mktemp("scrape")
    stack = Stack(broker, tmp, f"s{uuid.uuid4().hex[:10]}")
    stack.create_topics()
    worker = stack.worker()
    prometheus = Prometheus(tmp, f"127.0.0.1:{worker.metrics_port}")
    try:
        prometheus.start()
        # counters must be seen at 0 first: rates and increases then show what the test adds
        wait_for(
            lambda: (
                prometheus.value('count_over_time(coopstream_records_consumed_total{job="coopstream"}[1m])')
                in (2.0, 3.0, 4.0, 5.0)
            ),
            30,
            "two scrapes of the idle worker",
            detail=prometheus.log_tail,
        )
        articles = sample_articles()
        consumed = 'sum(coopstream_records_consumed_total{job="coopstream"})'
        # two waves of broken records: a dead-letter series appears with the first dead letter of its
        # reason, so only from the second one on does its rate show (as in production, where they recur)
        for wave in range(WAVES):
            stack.produce_articles(articles if wave == 0 else [])
            stack.produce([(key + b"-%d" % wave, value) for key, value, _ in BROKEN])
            total = len(articles) + len(BROKEN) * (wave + 1)
            outputs = stack.read([stack.enriched, stack.dlq], until=total, timeout=90)
            wait_for(
                lambda total=total: prometheus.value(consumed) == total,
                30,
                f"Prometheus sees every record of wave {wave + 1} consumed",
                detail=worker.log_tail,
            )
        events = [json.loads(m.value or b"{}") for m in outputs if m.topic == stack.enriched]
        time.sleep(2.5)  # a few more scrapes and rule evaluations on the final values
        yield Scraped(stack, worker, prometheus, articles, events)
    finally:
        prometheus.stop()
        worker.terminate()


def substitute(expr: str) -> str:
    for name, value in sorted(VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def dashboard_queries() -> list[tuple[str, str]]:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [(p["title"], substitute(t["expr"])) for p in board["panels"] if p["type"] != "row" for t in p["targets"]]


def alert_rules(prometheus: Prometheus) -> list[dict[str, Any]]:
    answer = prometheus.api("rules")
    return [rule for group in answer["data"]["groups"] for rule in group["rules"]]


def test_promtool_check_metrics_accepts_the_workers_metrics(scraped: Scraped) -> None:
    status, body = scraped.worker.get("/metrics")
    assert status == 200
    proc = subprocess.run(
        [binary("promtool"), "check", "metrics"], input=body, capture_output=True, text=True, timeout=30, check=False
    )
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"


def test_every_dashboard_query_evaluates_and_shows_data(scraped: Scraped) -> None:
    for title, expr in dashboard_queries():
        answer = scraped.prometheus.query(expr)
        assert answer["status"] == "success", f"{title}: {expr}: {answer}"
        assert not answer.get("warnings"), f"{title}: {expr}: {answer['warnings']}"
        if "ALERTS" not in expr:  # the firing-alerts table is empty on a healthy pipeline
            assert answer["data"]["result"], f"{title}: {expr}: no data"


def test_every_alert_rule_evaluates_without_error(scraped: Scraped) -> None:
    rules = alert_rules(scraped.prometheus)
    expected = [r["alert"] for g in _load_rules()["groups"] for r in g["rules"]]
    assert sorted(r["name"] for r in rules) == sorted(expected)
    for rule in rules:
        assert rule["health"] == "ok", f"{rule['name']}: {rule.get('lastError')}"
        assert not rule["lastEvaluation"].startswith("0001-"), f"{rule['name']} never evaluated"
        answer = scraped.prometheus.query(rule["query"])
        assert answer["status"] == "success" and not answer.get("warnings"), f"{rule['name']}: {answer}"


def test_series_show_what_the_test_produced(scraped: Scraped) -> None:
    p = scraped.prometheus
    job = '{job="coopstream"}'
    total = len(scraped.articles) + len(BROKEN) * WAVES
    engagements = sum(len(event["engagements"]) for event in scraped.events)
    themes: dict[str, int] = {}
    for event in scraped.events:
        for theme in event["themes"]:
            themes[theme["id"]] = themes.get(theme["id"], 0) + 1
    # throughput in and out
    assert p.value(f"sum(coopstream_records_consumed_total{job})") == total
    assert p.value(f"sum(coopstream_events_published_total{job})") == len(scraped.articles) == len(scraped.events)
    assert p.value(f"sum(coopstream_engagements_published_total{job})") == engagements
    assert p.value(f"sum(rate(coopstream_records_consumed_total{job}[1m]))") > 0
    # dead letters by reason
    by_reason = p.values(f"sum by (reason) (coopstream_dead_letters_total{job})")
    reasons = {dict(k)["reason"]: v for k, v in by_reason.items()}
    assert reasons == {reason: float(WAVES) for _, _, reason in BROKEN}
    # lag: one series per partition of the input topic, all caught up
    lag = {
        dict(k)["partition"]: v
        for k, v in p.values(f"coopstream_consumer_lag{job}").items()
        if dict(k)["topic"] == scraped.stack.raw
    }
    assert lag == {str(n): 0.0 for n in range(scraped.stack.partitions)}
    assert p.value(f"sum(coopstream_assigned_partitions{job})") == scraped.stack.partitions
    # latency histograms counted every record
    assert p.value(f"sum(coopstream_processing_seconds_count{job})") == total
    assert p.value(f"sum(coopstream_end_to_end_seconds_count{job})") == total
    # themes by id
    seen = {dict(k)["theme"]: v for k, v in p.values(f"sum by (theme) (coopstream_themes_emitted_total{job})").items()}
    assert seen == {theme: float(n) for theme, n in themes.items()}
    # health
    assert p.value(f"up{job}") == 1
    assert p.values(f"coopstream_build_info{job}") and all(
        dict(k)["version"] == __version__ for k in p.values(f"coopstream_build_info{job}")
    )


def test_alerts_see_the_dead_letters_and_nothing_else(scraped: Scraped) -> None:
    states = {rule["name"]: rule for rule in alert_rules(scraped.prometheus)}
    # 6 of 16 records dead-lettered (3 of them visible to rate(): see the fixture): far above the
    # 5% threshold, so the alert is pending for its 10 minutes
    dead = states.pop("CoopstreamDeadLetterRateHigh")
    assert dead["state"] == "pending", dead
    (alert,) = dead["alerts"]
    total = len(scraped.articles) + len(BROKEN) * WAVES
    assert len(BROKEN) / total * 0.9 <= float(alert["value"]) <= len(BROKEN) * WAVES / total * 1.1
    assert {name: rule["state"] for name, rule in states.items() if rule["state"] != "inactive"} == {}


def _load_rules() -> Any:
    try:
        import yaml
    except ImportError:
        pytest.fail(f"PyYAML is not installed: run {INSTALL}", pytrace=False)
    return yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
