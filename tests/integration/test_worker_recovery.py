"""Kill -9 in mid-stream, restart, lose nothing; exactly once, no duplicate visible to a read_committed
reader; SIGTERM drains and commits, so a restart repeats nothing."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import covers, ids_of, many_articles
from support.stack import Stack

pytestmark = pytest.mark.integration

COUNT = 240


def _wait_for_output(stack: Stack, worker: WorkerProcess, at_least: int, timeout: float = 60.0) -> None:
    """Until the worker's metrics say it published ``at_least`` events."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = worker.get("/metrics")
        for line in body.splitlines() if status == 200 else []:
            if line.startswith("coopstream_events_published_total ") and float(line.split()[1]) >= at_least:
                return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} events after {timeout}s:\n{worker.log_tail()}")


def _kill_mid_stream_and_restart(stack: Stack, **settings: str) -> list[str]:
    articles = many_articles(stack.uid, COUNT)
    stack.produce_articles(articles)
    first = stack.worker("first", group_instance_id="worker-a", **settings)
    _wait_for_output(stack, first, at_least=COUNT // 4)
    assert first.kill() == -9
    stack.worker("second", group_instance_id="worker-a", **settings)  # the same instance comes back
    stack.read([stack.enriched], until=covers({a["id"] for a in articles}), timeout=90)
    got = ids_of(stack.read_all([stack.enriched]))
    assert set(got) == {a["id"] for a in articles}, "records lost"
    return got


def test_at_least_once_kill_9_loses_nothing(stack: Stack) -> None:
    got = _kill_mid_stream_and_restart(stack)
    duplicates = sum(n - 1 for n in Counter(got).values())
    assert duplicates <= COUNT // 2  # the batches in flight at the kill, no more


def test_exactly_once_kill_9_shows_no_duplicate_to_read_committed_readers(stack: Stack) -> None:
    got = _kill_mid_stream_and_restart(stack, delivery="exactly-once")
    assert len(got) == COUNT, [k for k, n in Counter(got).items() if n > 1][:5]
    rows = stack.read_all([stack.engagements])
    keys = [(m.key, m.value) for m in rows]
    assert len(keys) == len(set(keys)), "an engagement record was published twice"


def test_sigterm_drains_commits_and_a_restart_repeats_nothing(stack: Stack) -> None:
    articles = many_articles(stack.uid, COUNT)
    stack.produce_articles(articles)
    first = stack.worker("first")
    _wait_for_output(stack, first, at_least=COUNT // 4)
    assert first.terminate(timeout=30) == 0, first.log_tail()
    assert "draining" in first.log_tail(10)
    stack.worker("second")
    stack.read([stack.enriched], until=COUNT, timeout=90)
    time.sleep(1.0)  # anything repeated would arrive right behind
    got = ids_of(stack.read_all([stack.enriched]))
    assert sorted(got) == sorted(a["id"] for a in articles)  # each exactly once
