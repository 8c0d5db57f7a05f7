"""A second worker joins mid-stream: the partitions are shared (cooperative-sticky), nothing is lost."""

from __future__ import annotations

import pytest

from support.articles import covers, ids_of, many_articles
from support.stack import Stack, metric
from support.waiting import wait_for

pytestmark = pytest.mark.integration


def test_a_second_worker_joins_mid_stream_without_loss(stack: Stack) -> None:
    first_half = many_articles(stack.uid + "-a", 200)
    second_half = many_articles(stack.uid + "-b", 200)
    stack.produce_articles(first_half)
    a = stack.worker("a", group_instance_id="pod-a")
    wait_for(lambda: metric(a, "coopstream_events_published_total") >= 40, 60, "worker a to publish")
    b = stack.worker("b", group_instance_id="pod-b")  # ready: it holds partitions (or is explicitly idle)
    wait_for(
        lambda: metric(a, "coopstream_assigned_partitions") + metric(b, "coopstream_assigned_partitions") == 3,
        30,
        "the three partitions to be shared",
    )
    assert metric(a, "coopstream_assigned_partitions") >= 1 and metric(b, "coopstream_assigned_partitions") >= 1
    stack.produce_articles(second_half)
    everything = {x["id"] for x in first_half + second_half}
    stack.read([stack.enriched], until=covers(everything), timeout=90)
    assert set(ids_of(stack.read_all([stack.enriched]))) == everything
    assert metric(b, "coopstream_records_consumed_total") > 0  # the newcomer took its share
    assert a.terminate() == 0 and b.terminate() == 0


def test_a_worker_without_partitions_is_ready_as_explicitly_idle(bare_stack: Stack) -> None:
    stack = bare_stack
    stack.partitions = 1
    stack.create_topics()
    one = stack.worker("one", group_instance_id="pod-1")
    two = stack.worker("two", group_instance_id="pod-2")  # waits for /readyz 200 (holding or idle)
    workers = (one, two)
    wait_for(lambda: sum(metric(w, "coopstream_assigned_partitions") for w in workers) == 1, 30, "one owner")
    (idle,) = [w for w in workers if metric(w, "coopstream_assigned_partitions") == 0]
    wait_for(lambda: idle.get("/readyz")[0] == 200, 10, "the idle worker to be ready")
    assert "idle" in idle.get("/readyz")[1]
