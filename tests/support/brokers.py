"""The session's development broker, and a ``Stack`` of its own for each test that asks for one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coopstream.dev.broker import DevBroker, free_port
from support.stack import Stack


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    started = DevBroker(port=free_port(), workdir=tmp_path_factory.mktemp("kafka"))
    try:
        started.start(timeout=90)
        yield started
    finally:
        started.stop()


@pytest.fixture
def bare_stack(broker: DevBroker, tmp_path: Path) -> Iterator[Stack]:
    """Names of its own, no topics yet; every worker it started is killed at the end."""
    made = Stack.new(broker, tmp_path)
    try:
        yield made
    finally:
        for process in made.workers:
            process.kill()


@pytest.fixture
def stack(bare_stack: Stack) -> Stack:
    bare_stack.create_topics()
    return bare_stack
