"""What an operator meets in the first hour, tried as they would: no broker (or no such host), size
limits from ``topics create`` to ``produce`` to the worker, a broker that freezes, the HTTP endpoints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from kafka.admin import ConfigResource, ConfigResourceType

from coopstream.dev.broker import DevBroker, free_port
from coopstream.dev.process import WorkerProcess, clean_env
from coopstream.exits import EXIT_BROKER, EXIT_ERROR, EXIT_OK
from support.articles import sample_articles
from support.logs import json_lines
from support.stack import Stack
from support.waiting import wait_for

pytestmark = pytest.mark.integration

CONNECT_TIMEOUT_S = 3.0


def cli(args: list[str], env: dict[str, str], timeout: float = 90.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopstream", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("server", "cause"),
    [
        (f"127.0.0.1:{free_port()}", "connection refused"),
        ("no-such-broker.invalid:9092", "cannot resolve the host name 'no-such-broker.invalid' (DNS:"),
    ],
)
def test_no_broker_fails_in_bounded_time_with_one_line_naming_address_and_cause(server: str, cause: str) -> None:
    env = clean_env({"COOPSTREAM_CONNECT_TIMEOUT_S": str(CONNECT_TIMEOUT_S), "COOPSTREAM_LOG_FORMAT": "json"})
    started = time.monotonic()
    proc = cli(["run", "--bootstrap-servers", server, "--metrics-port", "0"], env)
    took = time.monotonic() - started
    assert proc.returncode == EXIT_BROKER, proc.stderr
    assert CONNECT_TIMEOUT_S <= took < CONNECT_TIMEOUT_S + 8
    lines = json_lines(proc.stderr)
    problems = [line for line in lines if line.get("level") in {"warning", "error"}]
    assert len(problems) == 1, problems  # no client retries, no stack of reconnect warnings
    assert problems[0]["event"] == "worker could not start"
    assert f"{server}: {cause}" in str(problems[0]["error"]), problems[0]
    assert len(proc.stderr.splitlines()) == len(lines)  # nothing but the worker's own JSON lines
    # produce and topics create say the same
    for args in (["topics", "create"], ["produce", "-"]):
        other = cli([*args, "--bootstrap-servers", server], env)
        assert other.returncode == EXIT_BROKER and f"{server}: {cause}" in other.stderr, other.stderr
        assert len(other.stderr.strip().splitlines()) == 1, other.stderr


def test_sigterm_during_the_start_up_stops_the_worker_at_once(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env({"COOPSTREAM_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}", "COOPSTREAM_LOG_FORMAT": "json"})
    args = ["--metrics-host", "127.0.0.1", "--metrics-port", str(port)]
    worker = WorkerProcess(args, env, tmp_path / "worker.log", port).start()
    try:
        wait_for(lambda: worker.get("/healthz")[0] == 200, 30, "the health endpoint during the start-up")
        assert worker.proc is not None
        signalled = time.monotonic()
        worker.proc.send_signal(signal.SIGTERM)
        code = worker.proc.wait(timeout=10)
        assert time.monotonic() - signalled < 3
    finally:
        worker.kill()
    assert code == EXIT_OK, worker.log_tail()
    assert "stopped during start-up" in worker.log_path.read_text()


def _max_message_bytes(stack: Stack) -> dict[str, int]:
    admin = stack.admin()
    try:
        found = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name) for name in stack.all])
    finally:
        admin.close()
    out: dict[str, int] = {}
    for by_name in found.values():
        for name, configs in by_name.items():
            entry = configs["max.message.bytes"]
            out[name] = int(entry["value"] if isinstance(entry, dict) else entry)
    return out


def test_size_limits_agree_from_topics_create_to_produce(bare_stack: Stack, tmp_path: Path) -> None:
    limit = 2 * 1024 * 1024  # twice the broker's default message.max.bytes
    env = bare_stack.env(max_record_bytes=str(limit))
    created = cli(["topics", "create"], env)
    assert created.returncode == 0, created.stderr
    sizes = _max_message_bytes(bare_stack)
    assert sizes[bare_stack.raw] >= limit
    for topic in (bare_stack.enriched, bare_stack.engagements, bare_stack.dlq):
        assert sizes[topic] >= 2 * limit, sizes
    assert "max.message.bytes" in created.stdout
    # a line of 1.5 MB goes through produce; one over the limit stops it, naming its line and the count
    text = " ".join(sample_articles()[0]["text"] for _ in range(400))
    big = json.dumps({"id": "big", "text": text[:1_500_000]})
    lines = [json.dumps(a) for a in sample_articles()[:2]] + [big, "x" * (limit + 1), json.dumps(sample_articles()[2])]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    produced = cli(["produce", str(source)], env)
    assert produced.returncode == EXIT_ERROR, produced.stderr
    message = produced.stderr.strip()
    assert f"line 4 is {limit + 1} bytes, over the limit of {limit}" in message, message
    assert f"published 3 record(s) to {bare_stack.raw} before it, none after" in message
    ok = cli(["produce", "-", "--max-record-bytes", str(limit)], env)
    assert ok.returncode == 0 and "published 0 record(s)" in ok.stdout, ok.stderr


def test_produce_names_the_line_the_brokers_refuse(bare_stack: Stack, tmp_path: Path) -> None:
    bare_stack.create_topics({bare_stack.raw: {"max.message.bytes": "100000"}})
    first, second = sample_articles()[:2]
    lines = [json.dumps(first), json.dumps({**second, "text": second["text"] * 100})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    produced = cli(["produce", str(source)], bare_stack.env())
    assert produced.returncode == EXIT_BROKER, produced.stderr
    assert "line 2: the brokers refused the record: MessageSizeTooLargeError" in produced.stderr
    assert f"published 1 record(s) to {bare_stack.raw}" in produced.stderr


def _head(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=3) as reply:
            return int(reply.status), reply.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def test_readiness_notices_a_frozen_broker_and_recovers(dedicated_broker: DevBroker, tmp_path: Path) -> None:
    stack = Stack.new(dedicated_broker, tmp_path, partitions=1)
    stack.create_topics()
    try:
        _freeze_and_resume(stack, dedicated_broker)
    finally:
        for process in stack.workers:  # whatever happened, no worker outlives the test
            process.kill()


def _freeze_and_resume(stack: Stack, dedicated_broker: DevBroker) -> None:
    worker = stack.worker(session_timeout_ms="6000", health_stale_s="15")
    status, body = _head(worker.url + "/healthz")
    assert (status, body) == (200, b"")
    metrics = worker.get("/metrics")[1]
    assert "process_resident_memory_bytes" in metrics and "process_open_fds" in metrics
    assert dedicated_broker.pid is not None
    os.kill(dedicated_broker.pid, signal.SIGSTOP)
    try:
        took = wait_for(lambda: worker.get("/readyz")[0] == 503, 15, "/readyz to notice the frozen broker")
        assert took <= 15  # within the stale bound
        status, reason = worker.get("/readyz")
        assert status == 503 and "no answer from the brokers" in reason, reason
        assert worker.get("/healthz")[0] == 200  # the loop itself still polls
    finally:
        os.kill(dedicated_broker.pid, signal.SIGCONT)
    wait_for(lambda: worker.get("/readyz")[0] == 200, 60, "/readyz after the broker resumed", detail=worker.log_tail)
    assert worker.terminate() == EXIT_OK, worker.log_tail()
