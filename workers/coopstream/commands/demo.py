"""``coopstream demo``: the whole pipeline on an embedded Apache Kafka with the bundled samples.

It starts a development broker in a temporary folder, creates the topics, publishes the
sample articles, runs the real worker as a separate process until every sample is processed,
prints what came out, then stops the worker (SIGTERM) and the broker and removes the folder.
Ctrl-C cleans up too.
"""

from __future__ import annotations

import argparse
import json
import signal
import tempfile
import time
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from coopstream.commands import demo_report as report
from coopstream.config import Settings
from coopstream.errors import BrokerError, CoopstreamError
from coopstream.exits import EXIT_BROKER, EXIT_ERROR, EXIT_OK

if TYPE_CHECKING:
    from coopstream.dev.process import WorkerProcess
    from coopstream.dev.reader import Message

GROUP = "coopstream-demo"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="run the whole pipeline on an embedded Kafka broker with the bundled sample articles",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--keep-running",
        action="store_true",
        help="after the summary, keep the broker and worker up until Ctrl-C (to browse the metrics)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        metavar="SECONDS",
        help="give up when the samples are not all processed by then (default: 180)",
    )
    p.add_argument(
        "--kafka-port",
        type=_port,
        default=0,
        metavar="PORT",
        help="port of the embedded broker (default: 0, a free one)",
    )
    p.add_argument(
        "--metrics-port",
        type=_port,
        default=0,
        metavar="PORT",
        help="port of the worker's /metrics, /healthz and /readyz (default: 0, a free one)",
    )
    p.set_defaults(func=cmd_demo, parser=p)


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value < 65536:
        raise argparse.ArgumentTypeError(f"{text} is not a TCP port (0 for a free one)")
    return value


def sample_lines() -> list[bytes]:
    source = resources.files("coopstream").joinpath("samples/articles.jsonl")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise CoopstreamError(f"the bundled sample articles are missing: {exc}") from exc
    return [line for line in data.splitlines() if line.strip()]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_demo(args: argparse.Namespace) -> int:
    samples = sample_lines()
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM cleans up like Ctrl-C
    try:
        return _demo(samples, args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _demo(samples: list[bytes], args: argparse.Namespace) -> int:
    from coopstream.dev.broker import DevBroker, free_port
    from coopstream.stream.admin import create_topics
    from coopstream.stream.publish import publish_lines

    with tempfile.TemporaryDirectory(prefix="coopstream-demo-") as tmp:
        broker = DevBroker(port=args.kafka_port or free_port(), workdir=Path(tmp) / "kafka")
        worker: WorkerProcess | None = None
        try:
            print("Starting Apache Kafka (KRaft, single node) ...", flush=True)
            broker.start()
            settings = Settings(bootstrap_servers=broker.bootstrap, group_id=GROUP, topic_partitions=3)
            print(f"Broker ready at {broker.bootstrap}")
            for topic, state in create_topics(settings).items():
                print(f"  topic {topic}: {state}")
            published = publish_lines(settings, enumerate(samples, 1))
            print(f"Published {published.records} sample article(s) to {settings.input_topic}")
            worker = _start_worker(broker.bootstrap, Path(tmp) / "worker.log", args.metrics_port or free_port())
            pid = worker.proc.pid if worker.proc else "?"
            print(f"Worker started (pid {pid}); metrics at {worker.url}/metrics while it runs", flush=True)
            print("Waiting for the results ...", flush=True)
            events, letters = _collect(settings, published.records, worker, args.timeout)
            _print_results(events, letters, worker)
            if len(events) + len(letters) < published.records:
                done = len(events) + len(letters)
                print(f"Only {done} of {published.records} processed in time; worker log:\n{worker.log_tail()}")
                return EXIT_ERROR
            if args.keep_running:
                print("Broker and worker keep running; press Ctrl-C to stop and clean up.", flush=True)
                while worker.alive():
                    time.sleep(1)
            code = worker.terminate()
            drained = " (drained and committed)" if code == EXIT_OK else ""
            print(f"Worker stopped on SIGTERM with exit code {code}{drained}")
            return EXIT_OK if code == EXIT_OK else EXIT_ERROR
        except KeyboardInterrupt:
            print("\nInterrupted: cleaning up")
            return 130
        except BrokerError as exc:
            print(f"coopstream demo: the embedded broker failed: {exc}")
            return EXIT_BROKER
        finally:
            if worker is not None:
                worker.terminate(timeout=30)
            broker.stop()
            print("Broker stopped; temporary files removed.")


def _start_worker(bootstrap: str, log_path: Path, port: int) -> WorkerProcess:
    from coopstream.dev.process import WorkerProcess, clean_env

    args = [
        *("--bootstrap-servers", bootstrap, "--group-id", GROUP, "--group-instance-id", "demo-1"),
        *("--metrics-host", "127.0.0.1", "--metrics-port", str(port), "--log-format", "json"),
        *("--session-timeout-ms", "10000"),
    ]
    worker = WorkerProcess(args, clean_env(), log_path, port).start()
    worker.wait_ready(timeout=90)
    return worker


def _collect(
    settings: Settings, expected: int, worker: WorkerProcess, timeout: float
) -> tuple[list[Message], list[Message]]:
    from coopstream.dev.reader import TopicReader

    topics = [settings.output_topic, settings.dlq_topic]
    with TopicReader(settings.bootstrap_servers, topics) as reader:
        messages = reader.read_until(lambda got: len(got) >= expected, timeout, worker.alive)
    events = sorted((m for m in messages if m.topic == settings.output_topic), key=lambda m: m.key or b"")
    letters = [m for m in messages if m.topic == settings.dlq_topic]
    return events, letters


def _print_results(events: list[Message], letters: list[Message], worker: WorkerProcess) -> None:
    print(f"\n{len(events)} enriched event(s), {len(letters)} dead letter(s)\n")
    for message in events:
        print(report.article_summary(json.loads(message.value or b"{}")))
        print()
    for message in letters:
        print(report.dead_letter_summary(json.loads(message.value or b"{}")))
    body = _settled_metrics(worker, len(events) + len(letters))
    print(f"Metrics: {worker.url}/metrics   health: {worker.url}/healthz   ready: {worker.url}/readyz")
    if body:
        print(f"  {report.metrics_excerpt(body)}")


def _settled_metrics(worker: WorkerProcess, records: int, timeout: float = 10.0) -> str:
    """/metrics once the worker has counted ``records`` and committed them (the outputs are read first)."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        status, body = worker.get("/metrics")
        totals = report.metric_totals(body) if status == 200 else {}
        if totals.get("coopstream_records_consumed_total", 0) >= records and totals.get("coopstream_commits_total"):
            break
        time.sleep(0.2)
    return body
