"""The checks before any Kafka client starts, so that a start-up fails at once and says why.

``wait_reachable``: some bootstrap server must resolve and accept a connection within
``connect_timeout_s``, else one line names each address and its cause (DNS, refused, timed out);
SIGTERM is honoured meanwhile. ``check_login`` then makes one connection the way every client does
(TLS handshake, SASL login): kafka-python 3.0 retries a refused login or an untrusted broker
certificate until its bootstrap timeout and then reports a bare timeout; the check stops at once and
says which setting to look at. ``preflight`` is both, in that order.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafka.errors import (
    IllegalSaslStateError,
    KafkaConnectionError,
    SaslAuthenticationFailedError,
    UnsupportedSaslMechanismError,
)

from coopstream.config import Settings
from coopstream.errors import BrokerUnreachable, LoginRefused, WorkerStopped
from coopstream.exits import EXIT_OK
from coopstream.stream.clients import connection_options

LOGIN_CHECK_TIMEOUT_S = 10.0


def servers(s: Settings) -> list[tuple[str, int]]:
    """The bootstrap servers as (host, port)."""
    out = []
    for part in s.bootstrap_servers.split(","):
        host, _, port = part.strip().rpartition(":")
        out.append((host.strip("[]"), int(port)))
    return out


def _reach(host: str, port: int, timeout_s: float) -> str | None:
    """None when ``host:port`` accepts a TCP connection, else why not."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot resolve the host name {host!r} (DNS: {exc.strerror or exc})"
    try:
        with socket.create_connection((host, port), timeout=max(0.1, timeout_s)):
            return None
    except TimeoutError:
        return "no answer (connection timed out)"
    except OSError as exc:
        return (exc.strerror or str(exc) or type(exc).__name__).lower()


def wait_reachable(s: Settings, stop: Callable[[], bool] | None = None, every_s: float = 0.5) -> None:
    """Return once some bootstrap server accepts a TCP connection; ``BrokerUnreachable`` after
    ``connect_timeout_s`` naming each address and its last cause; ``WorkerStopped`` (exit 0) as soon as
    ``stop()`` holds (a signal during start-up)."""
    deadline = time.monotonic() + s.connect_timeout_s
    while True:
        causes: dict[str, str] = {}
        for host, port in servers(s):
            cause = _reach(host, port, min(2.0, deadline - time.monotonic()))
            if cause is None:
                return
            causes[f"{host}:{port}"] = cause
        pause_until = min(deadline, time.monotonic() + every_s)
        while True:
            if stop is not None and stop():
                raise WorkerStopped(EXIT_OK)
            now = time.monotonic()
            if now >= deadline:
                detail = "; ".join(f"{address}: {cause}" for address, cause in causes.items())
                raise BrokerUnreachable(
                    f"no Kafka broker reachable within {s.connect_timeout_s:g}s (COOPSTREAM_CONNECT_TIMEOUT_S): "
                    f"{detail}"
                )
            if now >= pause_until:
                break
            time.sleep(min(0.1, pause_until - now))


def preflight(s: Settings, stop: Callable[[], bool] | None = None) -> None:
    """Before any Kafka client starts: a reachable bootstrap server, then an accepted login (TLS, SASL)."""
    wait_reachable(s, stop)
    check_login(s)


@dataclass(frozen=True)
class _Failure:
    server: str
    error: BaseException
    in_login: bool  # the TLS handshake and ApiVersions went through; the SASL exchange did not

    @property
    def ambiguous(self) -> bool:
        """Lost in the middle of the SASL exchange: most likely a refusal whose answer was dropped."""
        return self.in_login and isinstance(self.error, KafkaConnectionError)


def check_login(s: Settings, timeout_s: float = LOGIN_CHECK_TIMEOUT_S, rounds: int = 3) -> None:
    """Raise ``LoginRefused`` when no bootstrap server accepts the TLS handshake or the SASL login.

    Nothing to check with PLAINTEXT. A server that cannot be reached at all (not up yet, a
    refused connection, a timeout) is not an answer: the clients' own retries deal with it.

    A broker that refuses a login answers, then closes the connection; kafka-python 3.0.12 drops
    an answer that arrives together with the close and reports only the disconnection. So a
    connection lost in the middle of the SASL exchange is tried again (``rounds`` times in all)
    for the broker's own words, and taken for a refusal if it keeps happening.
    """
    if s.security_protocol == "PLAINTEXT":
        return
    options = connection_options(s)
    last = ""
    for _ in range(max(1, rounds)):
        failures = _connect_once(options, timeout_s)
        if not failures:
            return
        reasons = [_refusal(failure, s) for failure in failures]
        if None in reasons:
            return  # a server was not reachable: no answer about the settings
        for failure, reason in zip(failures, reasons, strict=True):
            if reason and not failure.ambiguous:
                raise LoginRefused(reason)
        last = next(reason for reason in reasons if reason)
    raise LoginRefused(last)


def _connect_once(options: dict[str, Any], timeout_s: float) -> list[_Failure]:
    """Connect to the bootstrap servers in turn; [] at the first that accepts, else each one's failure."""
    from kafka.net.manager import KafkaConnectionManager
    from kafka.net.selector import NetworkSelector

    timeout_ms = int(timeout_s * 1000)
    config = {
        **options,
        "request_timeout_ms": timeout_ms,
        "socket_connection_setup_timeout_ms": timeout_ms,
        "socket_connection_setup_timeout_max_ms": timeout_ms,
    }
    net = NetworkSelector(**config)
    manager = KafkaConnectionManager(net, **config)

    async def attempt() -> list[_Failure]:
        failures: list[_Failure] = []
        for node in manager.cluster.bootstrap_brokers():
            conn = None
            try:
                conn = manager.get_connection(
                    node.node_id, timeout_ms=timeout_ms, pop_on_close=False, refresh_metadata_on_err=False
                )
                await conn
            except Exception as exc:
                in_login = conn is not None and conn.sasl_enabled and conn.broker_version is not None
                failures.append(_Failure(f"{node.host}:{node.port}", exc, in_login))
                continue
            return []
        return failures

    try:
        result: list[_Failure] = manager.run(attempt)
    finally:
        manager.close()
        net.close()
    for failure in result:
        _release(failure.error)
    return result


def _release(exc: BaseException | None) -> None:
    """Close the sockets a failed attempt left open (kafka-python 3.0.12 does not close the socket of a
    failed TLS handshake or TCP connect), then drop the tracebacks that kept them."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            for value in tb.tb_frame.f_locals.values():
                for candidate in (value, _inner_socket(value)):
                    if isinstance(candidate, socket.socket):
                        candidate.close()
            tb = tb.tb_next
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


def _inner_socket(value: object) -> object:
    """The socket a transport wraps (kafka-python's transports keep it in ``_sock``), if any."""
    try:
        return getattr(value, "_sock", None)
    except Exception:  # a local of any kind: nothing of it may stop the start-up
        return None


def _refusal(failure: _Failure, s: Settings) -> str | None:
    """What a connection failure says about the settings, or None when it may pass by itself."""
    server, exc = failure.server, failure.error
    credentials = "check COOPSTREAM_SASL_USERNAME and COOPSTREAM_SASL_PASSWORD"
    if isinstance(exc, SaslAuthenticationFailedError):
        detail = str(exc).rpartition("SaslAuthenticationFailedError: ")[2] or type(exc).__name__
        return (
            f"the broker at {server} refused the SASL login of user {s.sasl_username!r} ({s.sasl_mechanism}): "
            f"{detail}; {credentials}"
        )
    if isinstance(exc, UnsupportedSaslMechanismError | IllegalSaslStateError):
        return f"the broker at {server} does not accept SASL {s.sasl_mechanism}: {exc}; check COOPSTREAM_SASL_MECHANISM"
    if failure.ambiguous:
        return (
            f"the broker at {server} closed the connection during the SASL login of user {s.sasl_username!r} "
            f"({s.sasl_mechanism}), as brokers do after refusing one; {credentials}"
        )
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, KafkaConnectionError) and isinstance(cause, ssl.SSLCertVerificationError):
        hint = "COOPSTREAM_SSL_CAFILE" + (" and COOPSTREAM_SSL_CHECK_HOSTNAME" if s.ssl_check_hostname else "")
        return f"the TLS certificate of the broker at {server} is not trusted: {cause.verify_message}; check {hint}"
    if (
        isinstance(exc, KafkaConnectionError)
        and isinstance(cause, ssl.SSLError)
        and not isinstance(cause, ssl.SSLEOFError | ssl.SSLZeroReturnError)
    ):
        return (
            f"the TLS handshake with the broker at {server} failed: {cause.reason or cause}; "
            f"check COOPSTREAM_SECURITY_PROTOCOL and the COOPSTREAM_SSL_* settings"
        )
    return None
