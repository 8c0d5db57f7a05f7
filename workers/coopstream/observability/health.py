"""Liveness, readiness and the ``/metrics``, ``/healthz``, ``/readyz`` server on one port.

``/healthz`` answers 503 when the poll loop has not polled for longer than the staleness
bound (a stuck loop); ``/readyz`` answers 200 when the worker is connected and holds an
assignment, or is explicitly idle (the group gave it no partition), and 503 otherwise
(starting, not connected, its outputs waiting on the brokers, the brokers silent for longer than
``silent_after_s`` while connections stay open (a frozen broker), between assignments, stopping).
Both answer HEAD like GET; ``/metrics`` carries the process collector (memory, CPU, open files).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4


def stale_bound(health_stale_s: float, poll_timeout_ms: int) -> float:
    """The configured bound, or max(60 s, twice the poll timeout) when it is 0."""
    return health_stale_s if health_stale_s > 0 else max(60.0, 2 * poll_timeout_ms / 1000)


class Health:
    """What the poll loop reports; read by the HTTP handlers from their own threads."""

    def __init__(
        self,
        stale_after_s: float,
        clock: Callable[[], float] = time.monotonic,
        stall_after_s: float = 5.0,
        silent_after_s: float | None = None,
    ) -> None:
        self.stale_after_s = stale_after_s
        self.stall_after_s = stall_after_s
        self.silent_after_s = stale_after_s if silent_after_s is None else min(silent_after_s, stale_after_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._since = clock()
        self._last_poll: float | None = None
        self._connected = False
        self._joined = False
        self._partitions = 0
        self._waiting: tuple[str, float] | None = None  # what the loop waits on the brokers for, since when
        self._stopping = False
        self._last_heard: Callable[[], float | None] | None = None  # when the brokers last answered a heartbeat

    def polled(self) -> None:
        with self._lock:
            self._last_poll = self._clock()

    def set_connected(self, connected: bool) -> None:
        with self._lock:
            self._connected = connected

    def watch_brokers(self, last_heard: Callable[[], float | None]) -> None:
        """``last_heard()``: when (on this object's clock) the group coordinator last answered a heartbeat, None
        before the first. Asked on every readiness probe, so a silent broker shows while the loop is blocked."""
        with self._lock:
            self._last_heard = last_heard

    def set_assignment(self, partitions: int) -> None:
        """A rebalance completed: this worker holds ``partitions`` (0 means explicitly idle)."""
        with self._lock:
            self._joined, self._partitions = True, partitions

    def set_unassigned(self) -> None:
        """Partitions were revoked or lost; not ready until the next assignment."""
        with self._lock:
            self._joined, self._partitions = False, 0

    @contextlib.contextmanager
    def waiting_on_brokers(self, what: str) -> Iterator[None]:
        """Around a call of the loop that waits on the brokers: not ready once it has lasted ``stall_after_s``
        (judged when asked, so also while the call blocks)."""
        with self._lock:
            self._waiting = (what, self._clock())
        try:
            yield
        finally:
            with self._lock:
                self._waiting = None

    def set_stopping(self) -> None:
        with self._lock:
            self._stopping = True

    def _silence(self) -> float | None:
        if self._last_heard is None:
            return None
        try:
            last = self._last_heard()
        except Exception:  # a probe must answer whatever the client's state
            return None
        return None if last is None else self._clock() - last

    def alive(self) -> tuple[bool, str]:
        with self._lock:
            last = self._last_poll if self._last_poll is not None else self._since
            age = self._clock() - last
        what = "last poll" if self._last_poll is not None else "started, no poll yet,"
        return age <= self.stale_after_s, f"{what} {age:.1f}s ago (bound {self.stale_after_s:.0f}s)"

    def ready(self) -> tuple[bool, str]:
        with self._lock:
            if self._stopping:
                return False, "stopping"
            if not self._connected:
                return False, "not connected to the brokers"
            silent = self._silence()
            if silent is not None and silent > self.silent_after_s:
                return False, f"no answer from the brokers for {silent:.0f}s (bound {self.silent_after_s:.0f}s)"
            if self._waiting is not None and self._clock() - self._waiting[1] >= self.stall_after_s:
                what, since = self._waiting
                return False, f"waiting {self._clock() - since:.0f}s on the brokers for {what}"
            if not self._joined:
                return False, "waiting for a partition assignment"
            if self._partitions == 0:
                return True, "idle: the group assigned no partition to this worker"
            return True, f"holding {self._partitions} partition(s)"


class HealthServer:
    """A small HTTP server in a background thread; ``close()`` stops it and joins the thread."""

    def __init__(self, health: Health, registry: CollectorRegistry, host: str, port: int) -> None:
        handler = _handler_class(health, registry)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="coopstream-health", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> HealthServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_class(health: Health, registry: CollectorRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "coopstream"
        _head_only = False

        def do_HEAD(self) -> None:
            self._head_only = True
            self.do_GET()

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._reply(HTTPStatus.OK, generate_latest(registry), CONTENT_TYPE_PLAIN_0_0_4)
            elif path == "/healthz":
                self._status(*health.alive())
            elif path == "/readyz":
                self._status(*health.ready())
            else:
                self._reply(HTTPStatus.NOT_FOUND, b"not found: try /metrics, /healthz or /readyz\n")

        def _status(self, ok: bool, detail: str) -> None:
            code = HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE
            self._reply(code, f"{'ok' if ok else 'unavailable'}: {detail}\n".encode())

        def _reply(self, code: HTTPStatus, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not self._head_only:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # probes every few seconds would drown the worker's own log

    return Handler
