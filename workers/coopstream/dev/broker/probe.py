"""Probing without a Kafka client: free ports, the broker's own answers, processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import time
from pathlib import Path

from coopstream.errors import BrokerError

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        buf += chunk
    return bytes(buf)


def _call(host: str, port: int, api_key: int, version: int, body: bytes, timeout: float) -> bytes:
    """Send one request (header v1) and return the response body after the correlation id."""
    correlation = 0x0C00_9092
    client = b"coopstream-devbroker"
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        payload = _recv_exact(sock, size)
    (got,) = struct.unpack_from(">i", payload)
    if got != correlation:
        raise ConnectionError(f"unexpected correlation id {got}")
    return payload[4:]


def api_versions(host: str, port: int, timeout: float = 2.0) -> dict[int, tuple[int, int]]:
    """Ask the broker for its ApiVersions (v0) and return ``{api_key: (min, max)}``."""
    body = _call(host, port, api_key=18, version=0, body=b"", timeout=timeout)
    error, count = struct.unpack_from(">hi", body)
    if error:
        raise ConnectionError(f"ApiVersions error code {error}")
    entries = (struct.unpack_from(">hhh", body, 6 + 6 * i) for i in range(count))
    return {key: (low, high) for key, low, high in entries}


def _live_brokers(host: str, port: int, timeout: float) -> int:
    """Number of unfenced brokers in a Metadata v4 answer (asking for no topics)."""
    body = _call(host, port, api_key=3, version=4, body=struct.pack(">i?", 0, False), timeout=timeout)
    (count,) = struct.unpack_from(">i", body, 4)  # after throttle_time_ms
    return int(count)


def is_ready(host: str, port: int, timeout: float = 2.0) -> bool:
    """True when the broker answers ApiVersions and lists itself as a live broker."""
    try:
        api_versions(host, port, timeout)
        return _live_brokers(host, port, timeout) > 0
    except (OSError, struct.error):
        return False


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def terminate(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM the process group led by ``pid``, then SIGKILL it if it is still there after ``timeout``."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not pid_alive(pid):
            return
    raise BrokerError(f"Kafka broker (pid {pid}) did not exit after SIGKILL")
