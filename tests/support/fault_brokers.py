"""Brokers of their own for the fault-injection tests, a ``Stack`` per test on them, and the reliability
table printed at the end of the session (and written to ``tests/faults/results/``).

``fault_broker`` serves the tests that leave the broker running (worker crashes, rebalances, slow and bad
input, a refusing output topic); it is stopped as soon as the last fault test is done. Tests that stop or
kill the broker start one of their own (``dedicated_broker``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coopstream.dev.broker import DevBroker, free_port
from support.faults import RESULTS_DIR, markdown_table, session_rows
from support.stack import Stack

HERE = RESULTS_DIR.parent  # tests/faults
BROKER_CONFIG = {
    "message.max.bytes": str(12 * 2**20),  # the largest articles of the bad-input corpus fit
    "group.min.session.timeout.ms": "6000",
}
_shared: list[DevBroker] = []


def _new_broker(workdir: Path, **extra: str) -> DevBroker:
    return DevBroker(port=free_port(), workdir=workdir, extra_config={**BROKER_CONFIG, **extra})


@pytest.fixture(scope="session")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    broker = _new_broker(tmp_path_factory.mktemp("fault-kafka"))
    _shared.append(broker)
    try:
        broker.start(timeout=90)
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def dedicated_broker(tmp_path: Path) -> Iterator[DevBroker]:
    """A broker for one test, which may stop, kill and restart it on its data directory."""
    broker = _new_broker(tmp_path / "kafka")
    try:
        broker.start(timeout=90)
        yield broker
    finally:
        broker.stop()


def _stack(broker: DevBroker, tmp: Path) -> Iterator[Stack]:
    made = Stack.new(broker, tmp, prefix="f")
    try:
        yield made
    finally:
        for process in made.workers:
            process.kill()


@pytest.fixture
def fault_stack(fault_broker: DevBroker, tmp_path: Path) -> Iterator[Stack]:
    """Topics and a group of its own on the shared fault broker (topics not created yet)."""
    if fault_broker.pid is None:  # stopped early by a previous run's teardown hook: start it again
        fault_broker.start(timeout=90)
    yield from _stack(fault_broker, tmp_path)


@pytest.fixture
def outage_stack(dedicated_broker: DevBroker, tmp_path: Path) -> Iterator[Stack]:
    yield from _stack(dedicated_broker, tmp_path)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Stop the shared fault broker once the tests of this folder are done, not at the end of the session."""
    if nextitem is not None and Path(nextitem.path).resolve().parent == HERE:
        return
    for broker in _shared:
        broker.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    rows = session_rows()
    if not rows:
        return
    table = markdown_table(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "table.md").write_text(table + "\n", encoding="utf-8")
    write: Callable[..., None] = terminalreporter.write_line
    terminalreporter.write_sep("=", "fault injection: reliability table")
    for line in table.splitlines():
        write(line)
    write(f"(rows also in {RESULTS_DIR})")
