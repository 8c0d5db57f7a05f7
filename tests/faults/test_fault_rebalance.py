"""Workers join and leave in mid-stream (1 -> 3 -> 1) with static membership, as the Kubernetes deployment
runs them (the pod name is the group instance id), and a commit interval so that revocations have offsets to
commit. Nothing is lost; every revocation is handled within the drain bound; a pod restarted under the same
instance id gets its partitions back without a rebalance of the others.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from itertools import pairwise

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import article_records, ids_of, many_articles
from support.faults import Outcome, Row, committed_total, produce_positions, read_to_end, record
from support.logs import log_events
from support.stack import Stack, metric
from support.waiting import wait_for

pytestmark = pytest.mark.faults

CHUNK = 400  # published at the start and before each change, so that every change happens in mid-stream
PARTITIONS = 6
DRAIN_TIMEOUT_S = 10.0
COMMIT_INTERVAL_MS = 10000  # long enough that every revocation finds published offsets left to commit
SETTINGS = {"batch_size": "50", "commit_interval_ms": str(COMMIT_INTERVAL_MS), "drain_timeout_s": str(DRAIN_TIMEOUT_S)}


def _held(workers: list[WorkerProcess]) -> list[int]:
    return [int(metric(w, "coopstream_assigned_partitions")) for w in workers]


def _settled(workers: list[WorkerProcess]) -> bool:
    """Every partition held, each worker holding some, and all of them ready."""
    held = _held(workers)
    return sum(held) == PARTITIONS and min(held) > 0 and all(w.get("/readyz")[0] == 200 for w in workers)


def _added(worker: WorkerProcess) -> set[str]:
    return {p for e in log_events(worker) if e.get("event") == "partitions assigned" for p in e.get("added", [])}


def _rebalances(worker: WorkerProcess) -> tuple[float, float]:
    return (
        metric(worker, "coopstream_rebalances_total", 'kind="assigned"'),
        metric(worker, "coopstream_rebalances_total", 'kind="revoked"'),
    )


def _revocations(worker: WorkerProcess) -> list[tuple[int, float]]:
    """For each revocation in the worker's log: the partitions it committed for, and the seconds until the worker's
    next line (its next batch, assignment or exit), which bounds the revocation's handling and the rejoin."""
    events = [e for e in log_events(worker) if "timestamp" in e]
    found = []
    for here, after in pairwise(events):
        if here.get("event") == "partitions revoked":
            gap = datetime.fromisoformat(after["timestamp"]) - datetime.fromisoformat(here["timestamp"])
            found.append((int(here.get("committing", 0)), gap.total_seconds()))
    return found


@pytest.mark.parametrize("processes", ["1", "2"], ids=["in-process", "2-enrichment-processes"])
def test_workers_join_and_leave_mid_stream_nothing_lost_static_member_keeps_its_partitions(
    fault_stack: Stack, processes: str
) -> None:
    stack = fault_stack
    settings = {**SETTINGS, "enrich_processes": processes}
    stack.partitions = PARTITIONS
    stack.create_topics()
    articles = many_articles(stack.uid, 3 * CHUNK)
    chunks = iter([articles[:CHUNK], articles[CHUNK : 2 * CHUNK], articles[2 * CHUNK :]])
    produce_positions(stack.bootstrap, stack.raw, article_records(next(chunks)))
    a = stack.worker("pod-a", group_instance_id="pod-a", **settings)
    wait_for(lambda: committed_total(stack) >= 100, 60, "the first commits")
    recover: list[float] = []

    # 1 -> 3
    produce_positions(stack.bootstrap, stack.raw, article_records(next(chunks)))
    b = stack.worker("pod-b", group_instance_id="pod-b", wait=False, **settings)
    c = stack.worker("pod-c", group_instance_id="pod-c", wait=False, **settings)
    recover.append(wait_for(lambda: _settled([a, b, c]), 60, "three workers sharing the partitions"))
    before = committed_total(stack)
    # progress: 100 more records, or the whole published backlog if a fast group had less than that left
    wait_for(lambda: committed_total(stack) >= min(before + 100, 2 * CHUNK), 60, "progress with three workers")

    # pod-b restarts (SIGKILL, then the same instance id again within the session timeout)
    produce_positions(stack.bootstrap, stack.raw, article_records(next(chunks)))
    b_partitions = _added(b)
    others = {w.log_path.name: _rebalances(w) for w in (a, c)}
    assert b.kill() == -9
    b = stack.worker("pod-b-restarted", group_instance_id="pod-b", wait=False, **settings)
    recover.append(wait_for(lambda: _settled([a, b, c]), 60, "pod-b back"))
    assert _added(b) == b_partitions, "the restarted pod did not get its own partitions back"
    assert {w.log_path.name: _rebalances(w) for w in (a, c)} == others, "the restart rebalanced the other pods"
    before = committed_total(stack)
    wait_for(lambda: committed_total(stack) >= min(before + 100, 3 * CHUNK), 60, "progress after the restart")

    # 3 -> 1 (SIGTERM: each drains and commits; a static member does not leave the group, so its partitions
    # come back to pod-a once its session times out)
    assert committed_total(stack) < len(articles), "the stream ended before the scale-in: make it longer"
    for leaving in (b, c):
        assert leaving.terminate(timeout=DRAIN_TIMEOUT_S + 5) == 0, leaving.log_tail()
    recover.append(wait_for(lambda: _settled([a]), 60, "pod-a holding every partition again"))

    wait_for(lambda: committed_total(stack) >= len(articles), 180, "every input record to be committed", every=0.5)
    assert a.alive(), a.log_tail()
    events = read_to_end(stack.bootstrap, [stack.enriched])
    outcome = Outcome.of({x["id"] for x in articles}, ids_of(events))
    revocations = [r for w in stack.workers for r in _revocations(w)]
    longest = max((seconds for _, seconds in revocations), default=0.0)
    problems = Counter(
        e.get("event")
        for w in stack.workers
        for e in log_events(w)
        if e.get("event") in ("commit of revoked partitions failed", "partitions lost")
    )
    record(
        f"rebalance-churn-{processes}",
        Row(
            "rebalance churn: 1 -> 3 -> 1 workers, one static pod restarted",
            "at-least-once" if processes == "1" else f"at-least-once, {processes} enrichment processes each",
            3,
            len(articles),
            outcome.records_out,
            len(outcome.lost),
            outcome.duplicated,
            1,
            max(recover),
            f"{len(revocations)} revocations, {sum(1 for n, _ in revocations if n)} committing offsets, the longest "
            f"handled in {longest:.1f} s (bound {DRAIN_TIMEOUT_S:.0f} s); the restarted static pod got its partitions "
            f"back without rebalancing the others; commit interval {COMMIT_INTERVAL_MS // 1000} s",
            order=30 + int(processes),
        ),
    )
    assert not outcome.lost, sorted(outcome.lost)[:10]
    assert revocations and longest <= DRAIN_TIMEOUT_S, revocations
    assert any(n for n, _ in revocations), "no revocation had offsets to commit: the test did not try what it claims"
    assert not problems, problems
