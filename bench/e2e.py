"""End-to-end benchmark: articles through one worker process on a local Apache Kafka (KRaft, one node).

For at-least-once and exactly-once delivery it measures the throughput (articles/s, from a backlog
of raw articles to enriched events readable downstream) and the end-to-end latency (p50, p99) at
half that rate: from the raw article's produce time to the moment a downstream reader
(``read_committed``) receives its enriched event. The ceiling is the same loop (decode, encode,
produce, commit) with the enrichment replaced by an identity event (the worker's hidden
``--enricher identity``); ratios are to that ceiling.

    python bench/e2e.py            (or: from e2e import main; figures = main())

Sized to finish in a few minutes on two cores; the broker runs in a temporary folder and is removed.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

from coopstream.config import Settings
from coopstream.dev.broker import DevBroker, free_port
from coopstream.dev.process import WorkerProcess, clean_env
from coopstream.dev.reader import Message, TopicReader
from coopstream.stream.admin import create_topics

PARTITIONS = 3
BACKLOG = {"full": 900, "identity": 3000}  # articles per throughput run
LATENCY_SECONDS = 12.0
MODES = (("at-least-once", "full"), ("exactly-once", "full"), ("at-least-once", "identity"))


def _articles(prefix: str, count: int) -> list[tuple[bytes, bytes]]:
    lines = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    base = [json.loads(line) for line in lines.splitlines() if line.strip()]
    out = []
    for i in range(count):
        article = {**base[i % len(base)], "id": f"{prefix}-{i:06d}"}
        out.append((article["id"].encode(), json.dumps(article).encode()))
    return out


class Run:
    """Fresh topics and group on the shared broker, and one worker process."""

    def __init__(self, broker: DevBroker, tmp: Path, delivery: str, enricher: str) -> None:
        self.uid = f"b{uuid.uuid4().hex[:8]}"
        self.broker, self.tmp, self.delivery, self.enricher = broker, tmp, delivery, enricher
        self.settings = Settings(
            bootstrap_servers=broker.bootstrap,
            group_id=f"{self.uid}-group",
            input_topic=f"{self.uid}.raw",
            output_topic=f"{self.uid}.enriched",
            engagements_topic=f"{self.uid}.engagements",
            dlq_topic=f"{self.uid}.dlq",
            topic_partitions=PARTITIONS,
        )
        create_topics(self.settings)
        self.worker: WorkerProcess | None = None

    def start_worker(self) -> WorkerProcess:
        port = free_port()
        s = self.settings
        args = [
            "--bootstrap-servers",
            s.bootstrap_servers,
            "--group-id",
            s.group_id,
            "--input-topic",
            s.input_topic,
            "--output-topic",
            s.output_topic,
            "--engagements-topic",
            s.engagements_topic,
            "--dlq-topic",
            s.dlq_topic,
            "--delivery",
            self.delivery,
            "--group-instance-id",
            "bench-1",
            "--metrics-host",
            "127.0.0.1",
            "--metrics-port",
            str(port),
            "--log-format",
            "json",
            "--log-level",
            "warning",
            "--enricher",
            self.enricher,
        ]
        self.worker = WorkerProcess(args, clean_env(), self.tmp / f"{self.uid}.log", port).start()
        self.worker.wait_ready(timeout=90)
        return self.worker

    def produce(
        self, records: list[tuple[bytes, bytes]], rate: float | None = None, sent: dict[bytes, float] | None = None
    ) -> dict[bytes, float]:
        """Publish ``records`` (paced at ``rate`` per second when given); note each key's send time in ``sent``."""
        from kafka import KafkaProducer

        sent = {} if sent is None else sent
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, acks="all", linger_ms=0 if rate else 10)
        try:
            start = time.time()
            for i, (key, value) in enumerate(records):
                if rate:
                    delay = start + i / rate - time.time()
                    if delay > 0:
                        time.sleep(delay)
                sent[key] = time.time()
                producer.send(self.settings.input_topic, key=key, value=value)
            producer.flush(60)
        finally:
            producer.close()
        return sent

    def read(self, count: int, timeout: float) -> list[Message]:
        with TopicReader(self.broker.bootstrap, [self.settings.output_topic]) as reader:
            return reader.read_until(lambda got: len(got) >= count, timeout)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.terminate(timeout=30)


def throughput(broker: DevBroker, tmp: Path, delivery: str, enricher: str) -> float:
    run = Run(broker, tmp, delivery, enricher)
    count = BACKLOG[enricher]
    run.produce(_articles(run.uid, count))
    try:
        run.start_worker()
        events = run.read(count, timeout=180)
    finally:
        run.stop()
    if len(events) < count:
        raise RuntimeError(f"{delivery}/{enricher}: {len(events)} of {count} events within the time limit")
    stamps = sorted(m.timestamp_ms for m in events)
    span = (stamps[-1] - stamps[0]) / 1000
    return (len(stamps) - 1) / span if span > 0 else float("inf")


def latency(broker: DevBroker, tmp: Path, delivery: str, rate: float) -> tuple[float, float, int]:
    """p50 and p99 in milliseconds, and the number of articles measured, at ``rate`` articles/s."""
    run = Run(broker, tmp, delivery, "full")
    count = max(20, int(rate * LATENCY_SECONDS))
    try:
        run.start_worker()
        with TopicReader(broker.bootstrap, [run.settings.output_topic]) as reader:
            reader.poll(100)
            sent: dict[bytes, float] = {}
            producer = threading.Thread(target=run.produce, args=(_articles(run.uid, count), rate, sent))
            producer.start()  # the reader keeps reading meanwhile, so receipt times are real
            try:
                got = reader.read_until(lambda m: len(m) >= count, timeout=LATENCY_SECONDS + 60)
            finally:
                producer.join()
    finally:
        run.stop()
    delays = sorted((m.received_at - sent[m.key]) * 1000 for m in got if m.key in sent)
    if len(delays) < count:
        raise RuntimeError(f"latency run: {len(delays)} of {count} events arrived")
    return statistics.median(delays), delays[min(len(delays) - 1, int(0.99 * len(delays)))], len(delays)


def main() -> dict[str, Any]:
    figures: dict[str, Any] = {"partitions": PARTITIONS, "backlog": BACKLOG, "latency_seconds": LATENCY_SECONDS}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coopstream-bench-") as folder:
        tmp = Path(folder)
        with DevBroker(port=free_port(), workdir=tmp / "kafka") as broker:
            for delivery, enricher in MODES:
                rate = throughput(broker, tmp, delivery, enricher)
                figures[f"{delivery}/{enricher}"] = {"articles_per_s": round(rate, 1)}
                print(f"  throughput {delivery:14s} {enricher:8s} {rate:8.1f} articles/s", file=sys.stderr)
            for delivery in ("at-least-once", "exactly-once"):
                entry = figures[f"{delivery}/full"]
                half = entry["articles_per_s"] / 2
                p50, p99, n = latency(broker, tmp, delivery, half)
                entry.update(
                    {
                        "latency_rate": round(half, 1),
                        "p50_ms": round(p50, 1),
                        "p99_ms": round(p99, 1),
                        "latency_articles": n,
                    }
                )
                print(
                    f"  latency    {delivery:14s} at {half:.1f}/s: p50 {p50:.0f} ms, p99 {p99:.0f} ms", file=sys.stderr
                )
    ceiling = figures["at-least-once/identity"]["articles_per_s"]
    for key in ("at-least-once/full", "exactly-once/full", "at-least-once/identity"):
        figures[key]["ratio_to_ceiling"] = round(figures[key]["articles_per_s"] / ceiling, 3)
    figures["seconds"] = round(time.monotonic() - started, 1)
    _print_table(figures)
    return figures


def _print_table(f: dict[str, Any]) -> None:
    print(f"\nEnd to end, one worker, {PARTITIONS} partitions, local Apache Kafka ({f['seconds']} s)")
    print(f"{'mode':34s} {'articles/s':>11s} {'vs ceiling':>11s} {'p50 ms':>8s} {'p99 ms':>8s}")
    rows = (
        ("at-least-once", "at-least-once/full"),
        ("exactly-once", "exactly-once/full"),
        ("ceiling (identity, at-least-once)", "at-least-once/identity"),
    )
    for label, key in rows:
        e = f[key]
        p50 = f"{e['p50_ms']:8.0f}" if "p50_ms" in e else f"{'-':>8s}"
        p99 = f"{e['p99_ms']:8.0f}" if "p99_ms" in e else f"{'-':>8s}"
        print(f"{label:34s} {e['articles_per_s']:11.1f} {e['ratio_to_ceiling']:10.1%} {p50} {p99}")
    print(
        "latency: produce time of the raw article to receipt of its event by a read_committed reader, "
        "at half the mode's throughput"
    )


if __name__ == "__main__":
    main()
