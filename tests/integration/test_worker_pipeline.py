"""The sample articles through the real worker and broker: events as `coopstream enrich` makes them,
keys, headers, engagement records, metrics, a clean SIGTERM, and kcat reading the output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from coopstream.dev.broker import DevBroker
from coopstream.dev.reader import Message
from support.articles import sample_articles
from support.stack import Stack

pytestmark = pytest.mark.integration


@dataclass
class Run:
    stack: Stack
    articles: list[dict[str, Any]]
    events: list[Message]
    engagements: list[Message]
    letters: list[Message]
    metrics: str
    ready: tuple[int, str]
    alive: tuple[int, str]
    exit_code: int


@pytest.fixture(scope="module")
def run(broker: DevBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    stack = Stack(broker, tmp_path_factory.mktemp("pipeline"), f"p{uuid.uuid4().hex[:10]}")
    stack.create_topics()
    articles = sample_articles()
    source = stack.tmp / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    produced = subprocess.run(
        [sys.executable, "-m", "coopstream", "produce", str(source)],
        env=stack.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert produced.returncode == 0, produced.stderr
    assert f"published {len(articles)} record(s)" in produced.stdout
    try:
        worker = stack.worker()
        events = stack.read([stack.enriched], until=len(articles))
        expected_rows = sum(len(json.loads(m.value or b"{}")["engagements"]) for m in events)
        engagements = stack.read([stack.engagements], until=expected_rows, timeout=20)
        letters = stack.read([stack.dlq], until=1, timeout=1)
        metrics = worker.get("/metrics")[1]
        ready, alive = worker.get("/readyz"), worker.get("/healthz")
        code = worker.terminate()
        yield Run(stack, articles, events, engagements, letters, metrics, ready, alive, code)
    finally:
        for process in stack.workers:
            process.kill()


def _offline(run: Run) -> dict[str, dict[str, Any]]:
    path = run.stack.tmp / "articles.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "coopstream", "enrich", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {e["article_id"]: e for e in map(json.loads, done.stdout.splitlines())}


def _without_processing_time(event: dict[str, Any]) -> dict[str, Any]:
    event = json.loads(json.dumps(event))
    del event["provenance"]["processed_at"]
    return event


def test_every_article_comes_out_once_as_the_offline_command_makes_it(run: Run) -> None:
    got = {json.loads(m.value or b"{}")["article_id"]: json.loads(m.value or b"{}") for m in run.events}
    assert len(run.events) == len(run.articles) == len(got)
    offline = _offline(run)
    assert got.keys() == offline.keys() == {a["id"] for a in run.articles}
    for article_id, event in got.items():
        assert _without_processing_time(event) == _without_processing_time(offline[article_id]), article_id
    assert run.letters == []


def test_keys_and_headers(run: Run) -> None:
    for message in run.events:
        event = json.loads(message.value or b"{}")
        assert message.key == event["article_id"].encode()
        assert message.headers["schema_version"] == event["schema_version"].encode()
        assert message.headers["content-type"] == b"application/json"
        assert message.headers["themes"] == ",".join(t["id"] for t in event["themes"]).encode()


def test_one_engagement_record_per_engagement_keyed_by_article(run: Run) -> None:
    by_article: dict[str, list[dict[str, Any]]] = {}
    for message in run.engagements:
        row = json.loads(message.value or b"{}")
        assert message.key == row["article_id"].encode()
        by_article.setdefault(row["article_id"], []).append(row)
    for message in run.events:
        event = json.loads(message.value or b"{}")
        rows = sorted(by_article.get(event["article_id"], []), key=lambda r: r["index"])
        assert [r["engagement"] for r in rows] == event["engagements"]
        assert all(r["event_id"] == event["event_id"] for r in rows)


def test_metrics_health_and_a_clean_stop(run: Run) -> None:
    n = len(run.articles)
    assert f"coopstream_records_consumed_total {float(n)}" in run.metrics
    assert f"coopstream_events_published_total {float(n)}" in run.metrics
    assert f"coopstream_engagements_published_total {float(len(run.engagements))}" in run.metrics
    assert "coopstream_assigned_partitions 3.0" in run.metrics
    assert run.ready[0] == 200 and run.alive[0] == 200
    assert run.exit_code == 0
    committed = run.stack.committed()
    assert sum(committed.values()) == n  # every input offset committed, on the way out at the latest
    promtool = shutil.which("promtool")
    if promtool:
        checked = subprocess.run(
            [promtool, "check", "metrics"], input=run.metrics, capture_output=True, text=True, timeout=30, check=False
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_kcat_reads_the_enriched_topic(run: Run) -> None:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if kcat is None:
        pytest.skip("kcat is not installed (apt-get install -y kcat)")
    done = subprocess.run(
        [kcat, "-b", run.stack.bootstrap, "-C", "-t", run.stack.enriched, "-e", "-q", "-f", "%k\t%h\t%s\n"],
        capture_output=True,
        timeout=60,
        check=True,
    )
    lines = [line.split(b"\t", 2) for line in done.stdout.splitlines() if line]
    assert sorted(key.decode() for key, _, _ in lines) == sorted(a["id"] for a in run.articles)
    for key, headers, value in lines:
        assert b"content-type=application/json" in headers and b"schema_version=" in headers
        assert json.loads(value)["article_id"] == key.decode()
