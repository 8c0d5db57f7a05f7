"""A second worker joins mid-stream: the partitions are shared (cooperative-sticky), nothing is lost."""

from __future__ import annotations

import re
import time

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import covers, ids_of, many_articles
from support.stack import Stack

pytestmark = pytest.mark.integration


def _metric(worker: WorkerProcess, name: str) -> float:
    status, body = worker.get("/metrics")
    found = re.search(rf"^{re.escape(name)} (\S+)$", body, re.MULTILINE) if status == 200 else None
    return float(found.group(1)) if found else 0.0


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_second_worker_joins_mid_stream_without_loss(stack: Stack) -> None:
    first_half = many_articles(stack.uid + "-a", 200)
    second_half = many_articles(stack.uid + "-b", 200)
    stack.produce_articles(first_half)
    a = stack.worker("a", group_instance_id="pod-a")
    _wait(lambda: _metric(a, "coopstream_events_published_total") >= 40, 60, "worker a to publish")
    b = stack.worker("b", group_instance_id="pod-b")  # ready: it holds partitions (or is explicitly idle)
    _wait(
        lambda: _metric(a, "coopstream_assigned_partitions") + _metric(b, "coopstream_assigned_partitions") == 3,
        30,
        "the three partitions to be shared",
    )
    assert _metric(a, "coopstream_assigned_partitions") >= 1 and _metric(b, "coopstream_assigned_partitions") >= 1
    stack.produce_articles(second_half)
    everything = {x["id"] for x in first_half + second_half}
    stack.read([stack.enriched], until=covers(everything), timeout=90)
    assert set(ids_of(stack.read_all([stack.enriched]))) == everything
    assert _metric(b, "coopstream_records_consumed_total") > 0  # the newcomer took its share
    assert a.terminate() == 0 and b.terminate() == 0


def test_a_worker_without_partitions_is_ready_as_explicitly_idle(bare_stack: Stack) -> None:
    stack = bare_stack
    stack.partitions = 1
    stack.create_topics()
    one = stack.worker("one", group_instance_id="pod-1")
    two = stack.worker("two", group_instance_id="pod-2")  # waits for /readyz 200 (holding or idle)
    workers = (one, two)
    _wait(lambda: sum(_metric(w, "coopstream_assigned_partitions") for w in workers) == 1, 30, "one owner")
    (idle,) = [w for w in workers if _metric(w, "coopstream_assigned_partitions") == 0]
    _wait(lambda: idle.get("/readyz")[0] == 200, 10, "the idle worker to be ready")
    assert "idle" in idle.get("/readyz")[1]
