"""The output topic refuses the worker's events: every event is larger than the topic's ``max.message.bytes``
(the broker answers MESSAGE_TOO_LARGE, which no retry can fix). One worker per delivery mode runs into it.

Each time, the worker logs why and exits with code 6 without committing anything of the batch; restarted (as an
orchestrator would, after a second), it fails the same way until the limit is raised, then goes on. Nothing is
committed without its output, nothing is lost, and exactly once shows no duplicate to a ``read_committed``
reader.

(Outputs that wait on the brokers rather than being refused, as in a broker outage, are the outage test's.)
"""

from __future__ import annotations

import time

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import article_records, ids_of, many_articles
from support.faults import (
    Outcome,
    Row,
    Supervisor,
    committed_offsets,
    committed_total,
    produce_positions,
    read_to_end,
    record,
    set_topic_config,
)
from support.logs import log_events
from support.stack import Stack
from support.waiting import wait_for

pytestmark = pytest.mark.faults

ARTICLES = 400
PARTITIONS = 3
REFUSING = {"max.message.bytes": "300"}  # every event is larger
ROOMY = {"max.message.bytes": str(12 * 2**20)}
MODES = ("at-least-once", "exactly-once")


def _uncovered(stack: Stack, ids_at: dict[tuple[int, int], str]) -> list[str]:
    """Records below the committed offsets whose event cannot be read (offsets first, then the events)."""
    committed = committed_offsets(stack)
    found = set(ids_of(read_to_end(stack.bootstrap, [stack.enriched])))
    return [i for (p, o), i in ids_at.items() if o < committed.get(p, 0) and i not in found]


def test_events_over_the_output_topics_size_limit_stop_the_worker_without_commit_until_it_clears(
    fault_stack: Stack,
) -> None:
    stacks = {
        "at-least-once": fault_stack,
        "exactly-once": Stack(fault_stack.broker, fault_stack.tmp, fault_stack.uid + "x"),
    }
    ids_at: dict[str, dict[tuple[int, int], str]] = {}
    supervisors: dict[str, Supervisor] = {}
    for mode, stack in stacks.items():
        stack.partitions = PARTITIONS
        stack.create_topics()
        articles = many_articles(stack.uid, ARTICLES)
        positions = produce_positions(stack.bootstrap, stack.raw, article_records(articles))
        ids_at[mode] = {position: a["id"] for position, a in zip(positions, articles, strict=True)}

        def start(n: int, stack: Stack = stack, mode: str = mode) -> WorkerProcess:
            worker = stack.worker(f"{mode}-{n}", wait=False, group_instance_id="pod", batch_size="20", delivery=mode)
            fault_stack.workers.append(worker)  # killed at teardown
            return worker

        supervisors[mode] = Supervisor(start).run()
    try:
        wait_for(lambda: all(committed_total(s) >= 60 for s in stacks.values()), 60, "the first commits")
        for stack in stacks.values():
            set_topic_config(stack, stack.enriched, REFUSING)
        wait_for(lambda: all(s.restarts >= 2 for s in supervisors.values()), 90, "two refusals in each mode")
        refused_at = {mode: committed_total(stack) for mode, stack in stacks.items()}
        time.sleep(3.0)  # a third start fails as well
        for mode, stack in stacks.items():
            assert committed_total(stack) == refused_at[mode], f"{mode}: committed while its events were refused"
            assert not _uncovered(stack, ids_at[mode]), f"{mode}: committed records without their event"
        cleared = time.monotonic()
        for stack in stacks.values():
            set_topic_config(stack, stack.enriched, ROOMY)
        recovery: dict[str, float] = {}
        while len(recovery) < len(stacks):
            assert time.monotonic() - cleared < 90, f"no recovery in {set(stacks) - set(recovery)}"
            for mode, stack in stacks.items():
                if mode not in recovery and committed_total(stack) > refused_at[mode]:
                    recovery[mode] = time.monotonic() - cleared
            time.sleep(0.2)
        deadline = time.monotonic() + 180
        while any(committed_total(s) < ARTICLES for s in stacks.values()):
            assert time.monotonic() < deadline, "not every record was committed"
            time.sleep(0.5)
    finally:
        for supervisor in supervisors.values():
            supervisor.stop()

    for order, (mode, stack) in enumerate(stacks.items()):
        supervisor = supervisors[mode]
        assert supervisor.current is not None and supervisor.current.alive()
        starts = {w.log_path: w for w in fault_stack.workers if w.log_path.name.startswith(mode)}.values()
        refusals = [
            e
            for w in starts
            for e in log_events(w)
            if e.get("event") == "batch failed" and "MessageSizeTooLarge" in str(e.get("error"))
        ]
        outcome = Outcome.of(set(ids_at[mode].values()), ids_of(read_to_end(stack.bootstrap, [stack.enriched])))
        record(
            f"downstream-{mode}",
            Row(
                "downstream unavailable: events over the output topic's max.message.bytes",
                mode,
                1,
                ARTICLES,
                outcome.records_out,
                len(outcome.lost),
                outcome.duplicated,
                supervisor.restarts,
                recovery[mode],
                f"{len(refusals)} starts refused: log line 'batch failed' naming MessageSizeTooLargeError, exit 6, "
                "nothing committed meanwhile; time to recover counts from raising the limit",
                order=50 + order,
            ),
        )
        assert not outcome.lost, f"{mode}: lost {sorted(outcome.lost)[:5]}"
        assert set(supervisor.exits) == {6}, supervisor.exits
        assert len(refusals) >= supervisor.restarts, "a refusal was not logged"
    assert (
        Outcome.of(
            set(ids_at["exactly-once"].values()),
            ids_of(read_to_end(stacks["exactly-once"].bootstrap, [stacks["exactly-once"].enriched])),
        ).duplicated
        == 0
    )
