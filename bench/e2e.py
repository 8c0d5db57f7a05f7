"""End-to-end benchmark: articles through one worker process on a local Apache Kafka (KRaft, one node).

All in one run, on the same broker and the same articles:

- the offline core: the record step (decode, enrich, encode) in this process, CPU seconds per article;
- the bare kafka-python loop (bench/bare_loop.py: consume, produce the value unchanged, flush, commit),
  with and without the ``crc32c`` package: the client's own ceiling on this machine;
- the worker's loop with the enrichment replaced by an identity event (hidden ``--enricher identity``);
- the worker, at least once with 1 and with 2 enrichment processes, and exactly once with 1.

Throughput is articles/s from a backlog of raw articles to events readable downstream (from the first
event's timestamp to the last's). For the worker with one process, the CPU it used per article (from
``process_cpu_seconds_total``, after it was ready) minus the offline core's is the shell's own cost. The
end-to-end latency (p50, p99) is measured at half each worker's rate, after a warm-up of 4 s at that rate: from
the raw article's produce time to the moment a ``read_committed`` reader receives its event.

    python bench/e2e.py            (or: from e2e import main; figures = main())

Sized to finish in a few minutes on two cores; the broker runs in a temporary folder and is removed.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
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
BACKLOG = {"full": 1500, "identity": 4000, "bare": 6000}  # articles per throughput run
LATENCY_SECONDS = 12.0
WARM_UP_SECONDS = 4.0  # sent at the latency run's rate before the measured articles, not measured
# (label, delivery, enricher, enrichment processes)
WORKERS = (
    ("worker, at-least-once, 1 process", "at-least-once", "full", 1),
    ("worker, at-least-once, 2 processes", "at-least-once", "full", 2),
    ("worker, exactly-once, 1 process", "exactly-once", "full", 1),
    ("worker loop, identity enrichment", "at-least-once", "identity", 1),
)
HERE = Path(__file__).resolve().parent


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

    def __init__(self, broker: DevBroker, tmp: Path, delivery: str, enricher: str, processes: int = 1) -> None:
        self.uid = f"b{uuid.uuid4().hex[:8]}"
        self.broker, self.tmp, self.delivery, self.enricher = broker, tmp, delivery, enricher
        self.processes = processes
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
            "--enrich-processes",
            str(self.processes),
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


def _cpu_seconds(worker: WorkerProcess) -> float:
    found = re.search(r"^process_cpu_seconds_total (\S+)$", worker.get("/metrics")[1], re.MULTILINE)
    return float(found.group(1)) if found else float("nan")


def _rate(events: list[Message]) -> float:
    stamps = sorted(m.timestamp_ms for m in events)
    span = (stamps[-1] - stamps[0]) / 1000
    return (len(stamps) - 1) / span if span > 0 else float("inf")


def throughput(broker: DevBroker, tmp: Path, delivery: str, enricher: str, processes: int) -> dict[str, float]:
    """Articles/s of one worker on a backlog, and the CPU seconds per article of its main process."""
    run = Run(broker, tmp, delivery, enricher, processes)
    count = BACKLOG["identity" if enricher == "identity" else "full"]
    run.produce(_articles(run.uid, count))
    try:
        worker = run.start_worker()
        cpu_ready = _cpu_seconds(worker)
        events = run.read(count, timeout=240)
        cpu_used = _cpu_seconds(worker) - cpu_ready
    finally:
        run.stop()
    if len(events) < count:
        raise RuntimeError(f"{delivery}/{enricher}: {len(events)} of {count} events within the time limit")
    return {"articles_per_s": round(_rate(events), 1), "main_cpu_ms_per_article": round(1000 * cpu_used / count, 3)}


def bare_loop(broker: DevBroker, tmp: Path, crc32c: bool) -> dict[str, float]:
    """Records/s and CPU per record of the bare kafka-python loop (bench/bare_loop.py) in its own process."""
    run = Run(broker, tmp, "at-least-once", "bare")
    count = BACKLOG["bare"]
    run.produce(_articles(run.uid, count))
    s = run.settings
    cmd = [sys.executable, str(HERE / "bare_loop.py"), broker.bootstrap, s.input_topic, s.output_topic, s.group_id]
    done = subprocess.run(
        [*cmd, str(count), *([] if crc32c else ["--no-crc32c"])],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=clean_env(),
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["crc32c_c"] != crc32c:
        raise RuntimeError(f"bare loop: crc32c C implementation {report['crc32c_c']}, wanted {crc32c}")
    events = run.read(count, timeout=60)
    return {"articles_per_s": round(_rate(events), 1), "cpu_ms_per_article": round(1000 * report["cpu_s"] / count, 3)}


def offline_core(count: int = 400) -> dict[str, float]:
    """The record step in this process on the same articles: CPU ms per article, and articles per CPU second."""
    from coopstream.step import RecordStep, Topics, load_enrichment
    from coopstream.stream.ports import Record

    step = RecordStep(load_enrichment(), Topics("o", "e", "d"), 5 * 2**20)
    records = [Record("raw", 0, i, key, value) for i, (key, value) in enumerate(_articles("core", count))]
    for record in records[:20]:  # warm up
        step.handle(record)
    started = time.process_time()
    for record in records:
        step.handle(record)
    cpu = time.process_time() - started
    return {"cpu_ms_per_article": round(1000 * cpu / count, 3), "articles_per_cpu_s": round(count / cpu, 1)}


def latency(broker: DevBroker, tmp: Path, delivery: str, rate: float, processes: int) -> tuple[float, float, int]:
    """p50 and p99 in milliseconds, and the number of articles measured, at ``rate`` articles/s.

    The first ``WARM_UP_SECONDS`` of articles are sent at the same rate but not measured: a worker that has just
    joined its group is still fetching its first positions and the brokers their first metadata."""
    run = Run(broker, tmp, delivery, "full", processes)
    warm = int(rate * WARM_UP_SECONDS)
    count = max(20, int(rate * LATENCY_SECONDS))
    articles = _articles(run.uid, warm + count)
    measured = {key for key, _ in articles[warm:]}
    try:
        run.start_worker()
        with TopicReader(broker.bootstrap, [run.settings.output_topic]) as reader:
            reader.poll(100)
            sent: dict[bytes, float] = {}
            producer = threading.Thread(target=run.produce, args=(articles, rate, sent))
            producer.start()  # the reader keeps reading meanwhile, so receipt times are real
            try:
                got = reader.read_until(
                    lambda m: len(m) >= warm + count, timeout=WARM_UP_SECONDS + LATENCY_SECONDS + 60
                )
            finally:
                producer.join()
    finally:
        run.stop()
    delays = sorted((m.received_at - sent[m.key]) * 1000 for m in got if m.key in measured)
    if len(delays) < count:
        raise RuntimeError(f"latency run: {len(delays)} of {count} events arrived")
    return statistics.median(delays), delays[min(len(delays) - 1, int(0.99 * len(delays)))], len(delays)


def main() -> dict[str, Any]:
    figures: dict[str, Any] = {"partitions": PARTITIONS, "backlog": BACKLOG, "latency_seconds": LATENCY_SECONDS}
    started = time.monotonic()
    figures["offline core"] = core = offline_core()
    print(f"  offline core: {core['cpu_ms_per_article']:.2f} ms CPU per article", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="coopstream-bench-") as folder:
        tmp = Path(folder)
        with DevBroker(port=free_port(), workdir=tmp / "kafka") as broker:
            for crc in (True, False):
                label = "bare kafka-python loop" + ("" if crc else ", without crc32c")
                figures[label] = got = bare_loop(broker, tmp, crc)
                print(f"  {label:40s} {got['articles_per_s']:8.1f} articles/s", file=sys.stderr)
            for label, delivery, enricher, processes in WORKERS:
                figures[label] = got = throughput(broker, tmp, delivery, enricher, processes)
                print(f"  {label:40s} {got['articles_per_s']:8.1f} articles/s", file=sys.stderr)
            for label, delivery, enricher, processes in WORKERS:
                if enricher != "full":
                    continue
                entry = figures[label]
                half = entry["articles_per_s"] / 2
                p50, p99, n = latency(broker, tmp, delivery, half, processes)
                entry.update({"latency_rate": round(half, 1), "p50_ms": round(p50, 1), "p99_ms": round(p99, 1)})
                entry["latency_articles"] = n
                print(f"  latency {label:32s} at {half:.1f}/s: p50 {p50:.0f} ms, p99 {p99:.0f} ms", file=sys.stderr)
    one, two = figures["worker, at-least-once, 1 process"], figures["worker, at-least-once, 2 processes"]
    core_rate = 1000 / core["cpu_ms_per_article"]
    figures["derived"] = {
        "shell_cpu_ms_per_article": round(one["main_cpu_ms_per_article"] - core["cpu_ms_per_article"], 3),
        "worker_1_vs_offline_core": round(one["articles_per_s"] / core_rate, 3),
        "worker_2_vs_1": round(two["articles_per_s"] / one["articles_per_s"], 3),
        "bare_loop_crc32c_vs_without": round(
            figures["bare kafka-python loop"]["articles_per_s"]
            / figures["bare kafka-python loop, without crc32c"]["articles_per_s"],
            2,
        ),
    }
    figures["seconds"] = round(time.monotonic() - started, 1)
    _print_table(figures)
    return figures


def _print_table(f: dict[str, Any]) -> None:
    print(f"\nEnd to end, {PARTITIONS} partitions, local Apache Kafka, one run ({f['seconds']} s)")
    print(f"{'':40s} {'articles/s':>11s} {'CPU ms/art':>11s} {'p50 ms':>8s} {'p99 ms':>8s}")
    core = f["offline core"]
    print(
        f"{'offline core (record step, one core)':40s} {1000 / core['cpu_ms_per_article']:11.1f} "
        f"{core['cpu_ms_per_article']:11.2f}"
    )
    labels = ["bare kafka-python loop", "bare kafka-python loop, without crc32c"] + [w[0] for w in WORKERS]
    for label in labels:
        e = f[label]
        cpu = e.get("main_cpu_ms_per_article", e.get("cpu_ms_per_article"))
        p50 = f"{e['p50_ms']:8.0f}" if "p50_ms" in e else f"{'-':>8s}"
        p99 = f"{e['p99_ms']:8.0f}" if "p99_ms" in e else f"{'-':>8s}"
        print(f"{label:40s} {e['articles_per_s']:11.1f} {cpu:11.2f} {p50} {p99}")
    d = f["derived"]
    print(
        f"shell's own CPU per article (worker, 1 process, minus the offline core): "
        f"{d['shell_cpu_ms_per_article']:.2f} ms;"
        f" worker (1) / offline core: {d['worker_1_vs_offline_core']:.2f}; 2 processes / 1: {d['worker_2_vs_1']:.2f};"
        f" bare loop with crc32c / without: {d['bare_loop_crc32c_vs_without']:.2f}"
    )
    print(
        "CPU ms/art of a worker is its main process only (with 2 processes the enrichment runs in the children); "
        "latency: produce time of the raw article to receipt of its event by a read_committed reader, at half "
        "the worker's throughput"
    )


if __name__ == "__main__":
    main()
