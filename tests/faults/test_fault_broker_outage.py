"""Stop the broker mid-stream, once with SIGTERM and once with SIGKILL, and start it again on the same data
directory after a pause. Three workers run through both outages at once, one per delivery mode and one with
enrichment processes, plus an idle one: none may exit or lose anything, /readyz fails during the outage and
recovers after, and at every point the group's committed offsets only cover records whose outputs are readable.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest

from coopstream.dev.process import WorkerProcess
from support.articles import article_records, ids_of, many_articles
from support.faults import Outcome, Row, committed_offsets, committed_total, produce_positions, read_to_end, record
from support.stack import Stack

pytestmark = pytest.mark.faults

ARTICLES = 1000
PARTITIONS = 6
PAUSE_S = 10.0  # between the broker's exit and its restart (which itself takes several seconds)
RECOVERY_BOUND_S = 90.0
MARKERS_BOUND_S = 30.0


class ReadyProbe:
    """Asks /readyz four times a second in the background; keeps (time, status)."""

    def __init__(self, worker: WorkerProcess) -> None:
        self.worker = worker
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="readyz-probe", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.samples.append((time.monotonic(), self.worker.get("/readyz", timeout=1.0)[0]))

    def statuses(self, since: float, until: float) -> set[int]:
        return {status for at, status in self.samples if since <= at <= until}

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


@dataclass
class Lane:
    """One delivery mode: its topics and group, the input records' positions, its worker and probe."""

    mode: str
    stack: Stack
    processes: str = "1"
    ids_at: dict[tuple[int, int], str] = field(default_factory=dict)
    worker: WorkerProcess | None = None
    probe: ReadyProbe | None = None
    recoveries: list[float] = field(default_factory=list)
    windows: list[float] = field(default_factory=list)  # offsets readable before their events, after a restart

    def start(self, **settings: str) -> None:
        self.stack.partitions = PARTITIONS
        self.stack.create_topics()
        articles = many_articles(self.stack.uid, ARTICLES)
        positions = produce_positions(self.stack.bootstrap, self.stack.raw, article_records(articles))
        self.ids_at = {position: a["id"] for position, a in zip(positions, articles, strict=True)}
        self.worker = self.stack.worker(
            self.name,
            group_instance_id=f"{self.name}-pod",
            batch_size="50",
            delivery=self.mode,
            enrich_processes=self.processes,
            **settings,
        )
        self.probe = ReadyProbe(self.worker)

    @property
    def name(self) -> str:
        return self.mode if self.processes == "1" else f"{self.mode}-{self.processes}-processes"

    @property
    def label(self) -> str:
        return self.mode if self.processes == "1" else f"{self.mode}, {self.processes} enrichment processes"

    def outputs(self) -> list[str]:
        return ids_of(read_to_end(self.stack.bootstrap, [self.stack.enriched]))

    def assert_committed_records_have_outputs(self) -> float:
        """Offsets first, outputs after: every record below a committed offset must have its event by then.

        Exactly once, a transaction's commit markers are written partition by partition, and a broker restarted
        in the middle completes them only once it has loaded its transaction log: for a moment a transaction's
        offsets may be readable before its events. Returns how long that lasted (0 at least once)."""
        first: float | None = None  # when a check first found offsets ahead of the events
        while True:
            checked_at = time.monotonic()
            committed = committed_offsets(self.stack)
            found = set(self.outputs())
            missing = [i for (p, o), i in self.ids_at.items() if o < committed.get(p, 0) and i not in found]
            if not missing:
                return 0.0 if first is None else checked_at - first
            first = first if first is not None else checked_at
            assert self.mode == "exactly-once" and time.monotonic() - first < MARKERS_BOUND_S, (
                f"{self.mode}: {len(missing)} record(s) committed without their output: {missing[:5]}"
            )
            time.sleep(0.5)


def _ahead(lane: Lane) -> str:
    longest = max(lane.windows, default=0.0)
    if longest < 0.5:
        return "committed offsets never ahead of the readable events"
    return (
        f"after a restart, a transaction's offsets were readable up to {longest:.0f} s before its events "
        "(the broker completing the commit markers)"
    )


def _wait_recovered(lanes: list[Lane], idle: WorkerProcess, up_at: float, stood: dict[str, int]) -> None:
    """Until each lane is ready again and commits past where it stood when the broker came back (or has
    committed every record: a fast lane may finish its input while the others are still checked)."""
    waiting = list(lanes)
    while waiting:
        assert time.monotonic() - up_at < RECOVERY_BOUND_S, f"no recovery within {RECOVERY_BOUND_S:.0f}s"
        for lane in list(waiting):
            assert lane.worker is not None and lane.worker.alive(), lane.worker and lane.worker.log_tail()
            committed = committed_total(lane.stack)
            if lane.worker.get("/readyz")[0] == 200 and (committed > stood[lane.name] or committed == ARTICLES):
                lane.recoveries.append(time.monotonic() - up_at)
                waiting.remove(lane)
        time.sleep(0.2)
    deadline = time.monotonic() + 30
    while idle.get("/readyz")[0] != 200:
        assert time.monotonic() < deadline, f"the idle worker is not ready again:\n{idle.log_tail()}"
        time.sleep(0.2)


def test_broker_stopped_and_killed_mid_stream_the_workers_wait_and_lose_nothing(outage_stack: Stack) -> None:
    stack = outage_stack
    lanes = [
        Lane("at-least-once", stack),
        Lane("exactly-once", Stack(stack.broker, stack.tmp, stack.uid + "x")),
        Lane("at-least-once", Stack(stack.broker, stack.tmp, stack.uid + "p"), processes="2"),
    ]
    for lane in lanes:
        lane.start()
        stack.workers.append(lane.worker)  # type: ignore[arg-type]  # killed at teardown
    idle_stack = Stack(stack.broker, stack.tmp, stack.uid + "i")
    idle_stack.create_topics()
    idle = idle_stack.worker("idle")
    stack.workers.append(idle)
    idle_probe = ReadyProbe(idle)
    deadline = time.monotonic() + 60
    while any(committed_total(lane.stack) < 100 for lane in lanes):
        assert time.monotonic() < deadline, "no progress before the first outage"
        time.sleep(0.2)

    downtimes: list[float] = []
    for how in ("stop", "kill"):  # SIGTERM (clean shutdown), then SIGKILL (log recovery at start)
        down_at = time.monotonic()
        getattr(stack.broker, how)()
        time.sleep(PAUSE_S)
        stack.broker.start(timeout=120)
        up_at = time.monotonic()
        downtimes.append(up_at - down_at)
        stood = {lane.name: committed_total(lane.stack) for lane in lanes}
        for worker in [lane.worker for lane in lanes] + [idle]:
            assert worker is not None and worker.alive(), worker and worker.log_tail()
        for lane in lanes:
            lane.windows.append(lane.assert_committed_records_have_outputs())
        _wait_recovered(lanes, idle, up_at, stood)
        for probe in [lane.probe for lane in lanes] + [idle_probe]:
            assert probe is not None
            assert 503 in probe.statuses(down_at, up_at), f"/readyz did not fail during the outage ({how})"
            assert 200 in probe.statuses(up_at, time.monotonic()), f"/readyz did not recover ({how})"

    for lane in lanes:
        deadline = time.monotonic() + 180
        while committed_total(lane.stack) < ARTICLES:
            assert time.monotonic() < deadline, f"{lane.name}: not everything was committed"
            time.sleep(0.5)
        lane.assert_committed_records_have_outputs()
    for probe in [lane.probe for lane in lanes] + [idle_probe]:
        assert probe is not None
        probe.stop()
    for worker in [lane.worker for lane in lanes] + [idle]:
        assert worker is not None and worker.alive(), worker and worker.log_tail()  # never exited

    outcomes = {lane.name: Outcome.of(set(lane.ids_at.values()), lane.outputs()) for lane in lanes}
    for order, lane in enumerate(lanes):
        outcome = outcomes[lane.name]
        record(
            f"broker-outage-{lane.name}",
            Row(
                "broker outage: stopped (SIGTERM, then SIGKILL), restarted on the same data",
                lane.label,
                2,
                ARTICLES,
                outcome.records_out,
                len(outcome.lost),
                outcome.duplicated,
                0,
                max(lane.recoveries),
                f"broker unreachable {min(downtimes):.0f}-{max(downtimes):.0f} s each time; /readyz 503 during, 200 "
                f"after; {_ahead(lane)}",
                order=20 + order,
            ),
        )
    for mode, outcome in outcomes.items():
        assert not outcome.lost, f"{mode}: lost {sorted(outcome.lost)[:5]}"
    assert outcomes["exactly-once"].duplicated == 0
