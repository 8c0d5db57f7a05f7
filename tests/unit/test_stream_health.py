"""Health state, the HTTP server of /metrics, /healthz, /readyz, and the logging set-up."""

from __future__ import annotations

import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry
from structlog.contextvars import bound_contextvars

from coopstream.observability import Health, HealthServer, Metrics, configure_logging, get_logger
from coopstream.observability.health import stale_bound


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_stale_bound_is_derived_unless_set() -> None:
    assert stale_bound(0, 500) == 60.0
    assert stale_bound(0, 45_000) == 90.0
    assert stale_bound(12.5, 500) == 12.5


def test_liveness_fails_when_the_loop_stops_polling() -> None:
    clock = Clock()
    health = Health(60.0, clock)
    assert health.alive()[0]
    clock.now += 61
    assert not health.alive()[0]  # never polled since start, for too long
    health.polled()
    assert health.alive() == (True, "last poll 0.0s ago (bound 60s)")
    clock.now += 60.5
    ok, detail = health.alive()
    assert not ok and "60.5s ago" in detail


def test_readiness_needs_a_connection_and_an_assignment_or_explicit_idleness() -> None:
    health = Health(60.0)
    assert health.ready() == (False, "not connected to the brokers")
    health.set_connected(True)
    assert health.ready() == (False, "waiting for a partition assignment")
    health.set_assignment(0)
    assert health.ready() == (True, "idle: the group assigned no partition to this worker")
    health.set_assignment(3)
    assert health.ready() == (True, "holding 3 partition(s)")
    health.set_unassigned()
    assert not health.ready()[0]
    health.set_assignment(1)
    health.set_connected(False)
    assert not health.ready()[0]
    health.set_connected(True)
    health.set_stopping()
    assert health.ready() == (False, "stopping")


def test_readiness_fails_when_the_brokers_stop_answering_heartbeats() -> None:
    clock = Clock()
    health = Health(60.0, clock, silent_after_s=10.0)
    health.set_connected(True)
    health.set_assignment(0)
    heard: list[float | None] = [None]
    health.watch_brokers(lambda: heard[0])
    assert health.ready()[0]  # nothing heard yet: not judged
    heard[0] = clock.now
    clock.now += 9.5
    assert health.ready()[0]
    clock.now += 1.0  # asked again, with no poll in between: judged on the spot
    assert health.ready() == (False, "no answer from the brokers for 10s (bound 10s)")
    heard[0] = clock.now
    assert health.ready()[0]
    assert Health(5.0, silent_after_s=30.0).silent_after_s == 5.0  # never later than the stale bound


@pytest.fixture
def served() -> Iterator[tuple[str, Health, Metrics]]:
    registry = CollectorRegistry()
    metrics = Metrics(registry, version="9.9.9")
    clock = Clock()
    health = Health(60.0, clock)
    with HealthServer(health, registry, "127.0.0.1", 0) as server:
        yield f"http://127.0.0.1:{server.port}", health, metrics


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_server_answers_metrics_health_and_readiness(served: tuple[str, Health, Metrics]) -> None:
    url, health, metrics = served
    metrics.events_published.inc(3)
    metrics.dead_letters.labels(reason="invalid_json").inc()
    status, ctype, body = _get(url + "/metrics")
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4")
    assert "coopstream_events_published_total 3.0" in body
    assert 'coopstream_dead_letters_total{reason="invalid_json"} 1.0' in body
    assert 'coopstream_build_info{version="9.9.9"} 1.0' in body
    assert 'coopstream_rebalances_total{kind="lost"} 0.0' in body
    assert _get(url + "/healthz")[0] == 200
    status, _, body = _get(url + "/readyz")
    assert status == 503 and "not connected" in body
    health.set_connected(True)
    health.set_assignment(2)
    assert _get(url + "/readyz")[0] == 200
    assert _get(url + "/nope")[0] == 404
    assert "process_resident_memory_bytes " in body or "process_resident_memory_bytes" in _get(url + "/metrics")[2]
    for path, status in (("/healthz", 200), ("/readyz", 200), ("/metrics", 200), ("/nope", 404)):
        head = urllib.request.Request(url + path, method="HEAD")
        try:
            with urllib.request.urlopen(head, timeout=5) as reply:
                got, length, payload = reply.status, reply.headers["Content-Length"], reply.read()
        except urllib.error.HTTPError as exc:
            got, length, payload = exc.code, exc.headers["Content-Length"], exc.read()
        assert (got, payload) == (status, b"") and int(length) > 0, path


def test_logs_are_json_off_a_terminal_with_context_per_record() -> None:
    out = io.StringIO()
    configure_logging("auto", "info", stream=out)
    try:
        log = get_logger("coopstream.test")
        with bound_contextvars(topic="raw", partition=2, offset=41):
            log.info("record dead-lettered", article_id="a-1", reason="invalid_json")
        log.debug("not shown at info")
        logging.getLogger("kafka.conn").info("library chatter is kept to warnings")
        logging.getLogger("kafka.conn").warning("library warning")
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
    finally:
        configure_logging("console", "info")
    assert len(lines) == 2
    first = lines[0]
    assert first["event"] == "record dead-lettered" and first["level"] == "info"
    assert (first["topic"], first["partition"], first["offset"], first["article_id"]) == ("raw", 2, 41, "a-1")
    assert lines[1]["event"] == "library warning" and lines[1]["logger"] == "kafka.conn"


def test_console_format_when_asked() -> None:
    out = io.StringIO()
    configure_logging("console", "debug", stream=out)
    try:
        get_logger().debug("hello", n=1)
    finally:
        configure_logging("console", "info")
    assert "hello" in out.getvalue() and "n=1" in out.getvalue() and not out.getvalue().startswith("{")
