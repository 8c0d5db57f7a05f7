"""The metrics endpoint: a worker bound to a chosen address processes articles full of marker words,
and /metrics shows none of them; every label value comes from a fixed set (theme ids, entity types,
dead-letter reasons, rebalance kinds, the worker's own topic and partitions, histogram buckets)."""

from __future__ import annotations

import json
import re
import secrets
import time
import typing
import urllib.error
import urllib.request
from importlib import resources
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from coopstream import __version__
from coopstream.dev.broker import free_port
from coopstream.observability.metrics import REBALANCE_KINDS, RESTART_CAUSES, Metrics
from coopstream.schemas.models import EntityType
from support.paths import ROOT
from support.security import BoundWorker, SecureBroker
from support.stack import Stack

pytestmark = [pytest.mark.security, pytest.mark.integration]

PARTITIONS = 2
BIND = "127.0.0.2"  # loopback, but not the address clients use by default
SAMPLES = ROOT / "workers" / "coopstream" / "samples" / "articles.jsonl"
THEMES = ROOT / "workers" / "coopstream" / "enrich" / "data" / "themes.json"
WORKER_DOC = ROOT / "docs" / "worker.md"


def documented_reasons() -> set[str]:
    """The reason codes of the dead-letter table in docs/worker.md."""
    text = WORKER_DOC.read_text(encoding="utf-8")
    section = text.split("## What goes to the dead-letter topic", 1)[1].split("\n## ", 1)[0]
    reasons = set(re.findall(r"^\| `([a-z_0-9]+)` \|", section, re.M))
    assert len(reasons) >= 7, section
    return reasons


def bucket_bounds() -> set[str]:
    """The ``le`` values a worker's registry exposes before any observation: fixed by the code."""
    registry = CollectorRegistry()
    Metrics(registry)
    families = text_string_to_metric_families(generate_latest(registry).decode())
    return {s.labels["le"] for f in families for s in f.samples if "le" in s.labels}


def allowed_labels(topic: str) -> dict[str, set[str]]:
    return {
        "theme": set(json.loads(THEMES.read_text(encoding="utf-8"))["themes"]),
        "type": set(typing.get_args(EntityType)),
        "reason": documented_reasons(),
        "kind": set(REBALANCE_KINDS),
        "cause": set(RESTART_CAUSES),
        "topic": {topic},
        "partition": {str(p) for p in range(PARTITIONS)},
        "version": {__version__},
        "le": bucket_bounds(),
        "language": {
            *(p.name for p in resources.files("coopstream.enrich.data").iterdir() if p.is_dir() and len(p.name) == 2),
            "none",
        },
    }


def marked_articles(marker: str) -> list[dict[str, str]]:
    """The samples, with the marker in every field a label could be tempted to carry."""
    lines = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {
            **a,
            "id": f"{marker}-id-{i}",
            "title": f"{a.get('title', '')} {marker}title",
            "url": f"https://{marker}.example.org/{i}",
            "source": f"{marker}-source",
            "text": f"{a['text']} {marker}text",
        }
        for i, a in enumerate(lines)
    ]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return int(reply.status), reply.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code), exc.read().decode()


def _value(body: str, name: str) -> float:
    return sum(s.value for f in text_string_to_metric_families(body) for s in f.samples if s.name == name)


def test_metrics_show_no_article_content_and_only_bounded_labels(secure_broker: SecureBroker, tmp_path: Path) -> None:
    broker = secure_broker.broker
    topics = Stack.new(broker, tmp_path, partitions=PARTITIONS)
    topics.create_topics()
    marker = f"zq{secrets.token_hex(5)}"
    articles = marked_articles(marker)
    bad = [
        (f"{marker}-bad-json".encode(), f"not json {marker}".encode()),
        (f"{marker}-bad-shape".encode(), json.dumps({"id": f"{marker}-x", "text": 5}).encode()),
    ]
    port = free_port()
    env = topics.env(metrics_port=str(port), metrics_host=BIND)
    worker = BoundWorker([], env, tmp_path / "worker.log", port, BIND).start()
    try:
        worker.wait_ready(timeout=60)
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        try:
            for a in articles:
                producer.send(topics.raw, key=a["id"].encode(), value=json.dumps(a).encode())
            for key, value in bad:
                producer.send(topics.raw, key=key, value=value)
            producer.flush(30)
        finally:
            producer.close()
        total = len(articles) + len(bad)
        topics.read([topics.enriched, topics.dlq], lambda got: len(got) >= total, timeout=45.0)
        deadline = time.monotonic() + 20
        while True:  # counters move once the outputs are acknowledged, the lag every few seconds
            status, body = _get(f"{worker.url}/metrics")
            done = _value(body, "coopstream_records_consumed_total") >= total and 'partition="' in body
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        # bound where asked, and nowhere else on loopback
        assert status == 200 and _get(f"{worker.url}/healthz")[0] == 200
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)
    finally:
        worker.terminate()
    assert worker.returncode == 0, worker.log_tail()
    assert _value(body, "coopstream_records_consumed_total") == total
    assert _value(body, "coopstream_dead_letters_total") == len(bad)
    # no article content of any kind
    assert marker not in body.lower()
    for article in articles:
        for field in ("id", "title", "url", "source"):
            assert article[field] not in body
    # every label value from its fixed set, on coopstream metrics only
    allowed = allowed_labels(topics.raw)
    seen: dict[str, set[str]] = {}
    families = list(text_string_to_metric_families(body))
    process = {f.name for f in families if f.name.startswith("process_")}
    assert {"process_resident_memory_bytes", "process_cpu_seconds", "process_open_fds"} <= process, process
    for family in families:
        if family.name in process:  # the process collector's: no labels at all
            assert all(not sample.labels for sample in family.samples), family
            continue
        assert family.name.startswith("coopstream_"), family.name
        for sample in family.samples:
            for label, value in sample.labels.items():
                assert label in allowed, f"{sample.name} has an unexpected label {label}={value!r}"
                assert value in allowed[label], f"{sample.name}{{{label}={value!r}}} is not from a fixed set"
                seen.setdefault(label, set()).add(value)
    # the run did exercise the labelled series
    assert {"theme", "type", "reason", "partition"} <= seen.keys(), seen.keys()
    assert seen["reason"] == {"invalid_json", "invalid_article"}
