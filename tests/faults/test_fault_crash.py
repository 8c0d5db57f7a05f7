"""SIGKILL the worker at seeded random moments in mid-stream and restart it each time.

At least once: every input id ends in the events (or the dead letters), none missing, and the
duplicates stay within one batch per kill. Exactly once: a ``read_committed`` reader sees each event
and each engagement record once, and none of the records of the transactions the kills left open
(they are in the log, aborted, and a ``read_uncommitted`` reader sees them).
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import article_records, ids_of, many_articles
from support.faults import Outcome, Row, committed_total, produce_positions, read_to_end, record
from support.stack import Stack, metric
from support.waiting import wait_for

pytestmark = pytest.mark.faults

SEED = 20251126
KILLS = 10
ARTICLES = 2000  # published at the start; more are added in waves so a fast worker never runs dry
WAVE = 1000
LOW_WATER = 800  # published but not yet committed, below which the next wave goes out before a kill
PARTITIONS = 6
BATCH = 50


def _progressing(worker: WorkerProcess) -> bool:
    if not worker.alive():
        raise AssertionError(f"the worker exited on its own ({worker.returncode}):\n{worker.log_tail()}")
    return metric(worker, "coopstream_records_consumed_total") > 0


def _publish(stack: Stack, start: int, count: int) -> int:
    """Publish articles ``start`` .. ``start + count - 1``; return how many are published in all."""
    articles = many_articles(stack.uid, start + count)[start:]
    produce_positions(stack.bootstrap, stack.raw, article_records(articles))
    return start + count


PROCESSES = pytest.mark.parametrize("processes", ["1", "2"], ids=["in-process", "2-enrichment-processes"])


def _mode(delivery: str, processes: str) -> str:
    return delivery if processes == "1" else f"{delivery}, {processes} enrichment processes"


def _crash_run(stack: Stack, delivery: str, processes: str) -> tuple[list[float], int]:
    """Publish, then kill the worker KILLS times at random moments and restart it.

    Returns the recovery times and how many articles were published (a wave is added whenever the
    backlog runs low, so every kill lands in mid-stream however fast the worker is)."""
    stack.partitions = PARTITIONS
    stack.create_topics()
    published = _publish(stack, 0, ARTICLES)
    rng = random.Random(SEED)
    settings = {
        "group_instance_id": "crash-pod",
        "batch_size": str(BATCH),
        "delivery": delivery,
        "enrich_processes": processes,
    }
    worker = stack.worker("crash-00", **settings)
    wait_for(lambda: _progressing(worker), 60, "the first batch")
    recoveries: list[float] = []
    for kill in range(1, KILLS + 1):
        if published - committed_total(stack) < LOW_WATER:
            published = _publish(stack, published, WAVE)
        time.sleep(rng.uniform(0.2, 2.0))
        assert committed_total(stack) < published, f"the stream ended before kill {kill}: make the waves larger"
        assert worker.kill() == -9
        worker = stack.worker(f"crash-{kill:02d}", wait=False, **settings)
        recoveries.append(wait_for(lambda w=worker: _progressing(w), 60, f"progress after kill {kill}", every=0.05))
    wait_for(lambda: committed_total(stack) >= published, 180, "every input record to be committed", every=0.5)
    assert worker.alive(), worker.log_tail()
    return recoveries, published


@PROCESSES
def test_sigkill_at_least_once_loses_nothing_and_repeats_at_most_a_batch_per_kill(
    fault_stack: Stack, processes: str
) -> None:
    stack = fault_stack
    recoveries, published = _crash_run(stack, "at-least-once", processes)
    expected = {f"{stack.uid}-{i:05d}" for i in range(published)}
    events = read_to_end(stack.bootstrap, [stack.enriched])
    letters = read_to_end(stack.bootstrap, [stack.dlq])
    outcome = Outcome.of(expected, ids_of(events))
    record(
        f"crash-at-least-once-{processes}",
        Row(
            "crash: SIGKILL the worker at random moments",
            _mode("at-least-once", processes),
            KILLS,
            published,
            outcome.records_out + len(letters),
            len(outcome.lost),
            outcome.duplicated,
            KILLS,
            max(recoveries),
            f"{PARTITIONS} partitions, batch {BATCH}, seed {SEED}; duplicates bound {BATCH * KILLS} "
            f"(batch x kills); recovery median {statistics.median(recoveries):.1f} s",
            order=10 + int(processes) * 2,
        ),
    )
    assert not letters, "good articles were dead-lettered"
    assert not outcome.lost, sorted(outcome.lost)[:10]
    assert outcome.duplicated <= BATCH * KILLS


@PROCESSES
def test_sigkill_exactly_once_shows_no_duplicate_and_no_aborted_record(fault_stack: Stack, processes: str) -> None:
    stack = fault_stack
    recoveries, published = _crash_run(stack, "exactly-once", processes)
    expected = {f"{stack.uid}-{i:05d}" for i in range(published)}
    committed = read_to_end(stack.bootstrap, [stack.enriched, stack.engagements])
    everything = read_to_end(stack.bootstrap, [stack.enriched, stack.engagements], isolation="read_uncommitted")
    events = [m for m in committed if m.topic == stack.enriched]
    outcome = Outcome.of(expected, ids_of(events))
    rows = Counter((m.key, m.value) for m in committed if m.topic == stack.engagements)
    visible = {(m.topic, m.partition, m.offset) for m in committed}
    aborted = [m for m in everything if (m.topic, m.partition, m.offset) not in visible]
    record(
        f"crash-exactly-once-{processes}",
        Row(
            "crash: SIGKILL the worker at random moments",
            _mode("exactly-once", processes),
            KILLS,
            published,
            outcome.records_out,
            len(outcome.lost),
            outcome.duplicated,
            KILLS,
            max(recoveries),
            f"read_committed reader; {len(aborted)} records of aborted transactions in the log, none visible; "
            f"recovery median {statistics.median(recoveries):.1f} s",
            order=11 + int(processes) * 2,
        ),
    )
    assert not outcome.lost, sorted(outcome.lost)[:10]
    assert outcome.duplicated == 0
    assert all(n == 1 for n in rows.values()), "an engagement record is visible twice"
    assert aborted, "no kill left a transaction open: the test did not try what it claims"
