"""``python -m coopstream.dev.broker up|down|status [--port N]``: a detached development broker."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from coopstream.dev.broker import BrokerError, DevBroker, cache_dir, is_ready, pid_alive, terminate
from coopstream.dev.broker.probe import HOST


def _record_path(port: int) -> Path:
    return cache_dir() / f"broker-{port}.json"


def _read_record(port: int) -> dict[str, Any] | None:
    try:
        data = json.loads(_record_path(port).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _is_broker(pid: int) -> bool:
    """True if ``pid`` is a live Kafka broker process (guards against a reused pid)."""
    if not pid_alive(pid):
        return False
    try:
        return b"kafka.Kafka" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return not Path("/proc/self").exists()


def _forget(port: int, record: dict[str, Any]) -> None:
    _record_path(port).unlink(missing_ok=True)
    workdir = record.get("workdir")
    if isinstance(workdir, str) and workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def up(port: int, timeout: float) -> int:
    """Start a detached broker on ``port`` unless one already runs there."""
    record = _read_record(port)
    if record is not None:
        if _is_broker(pid := record["pid"]):
            print(f"Kafka broker already running at {HOST}:{port} (pid {pid}, log: {record['log']})")
            return 0
        _forget(port, record)
    if is_ready(HOST, port):
        print(f"A Kafka broker already answers at {HOST}:{port} (not started by devbroker)")
        return 0
    broker = DevBroker(port=port)
    try:
        broker.start(timeout)
    except BaseException:
        broker.cleanup()
        raise
    record = {"pid": broker.pid, "port": port, "workdir": str(broker.workdir), "log": str(broker.log_path)}
    _record_path(port).parent.mkdir(parents=True, exist_ok=True)
    _record_path(port).write_text(json.dumps(record, indent=1) + "\n")
    print(f"Kafka broker ready at {broker.bootstrap} (log: {broker.log_path})")
    return 0


def down(port: int) -> int:
    """Stop the broker recorded for ``port`` and remove its record and workdir."""
    record = _read_record(port)
    if record is None:
        print(f"No Kafka broker recorded on port {port}")
        return 0
    if _is_broker(record["pid"]):
        terminate(record["pid"], timeout=20.0)
        print(f"Kafka broker at {HOST}:{port} stopped (pid {record['pid']})")
    else:
        print(f"Kafka broker at {HOST}:{port} was not running; removed its record")
    _forget(port, record)
    return 0


def status(port: int) -> int:
    """Print whether a broker runs on ``port``; exit 0 if one answers, else 1."""
    record = _read_record(port)
    if record is not None and _is_broker(record["pid"]):
        state = "ready" if is_ready(HOST, port) else "not answering"
        print(f"Kafka broker running at {HOST}:{port}, {state} (pid {record['pid']}, log: {record['log']})")
        return 0 if state == "ready" else 1
    if is_ready(HOST, port):
        print(f"A Kafka broker answers at {HOST}:{port} (not started by devbroker)")
        return 0
    note = " (stale record)" if record is not None else ""
    print(f"No Kafka broker running on port {port}{note}")
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coopstream.dev.broker", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--port", type=int, default=os.environ.get("KAFKA_PORT") or "9092")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds `up` waits for the broker")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            return up(args.port, args.timeout)
        if args.command == "down":
            return down(args.port)
        return status(args.port)
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
