"""Where the record step runs: in the worker's own process, or in enrichment processes beside it.

Both give the worker loop (and ``coopstream enrich``) the same thing: the outcomes of a list of
records, in the input's order, until the records run out or the caller's deadline passes (the
records not started by then are left to the caller, who hands them back). No Kafka here.

``InProcess`` (``COOPSTREAM_ENRICH_PROCESSES=1``, the default) runs each record in the calling
process; a large one on a helper thread, so that the caller can keep its consumer in the group
while it runs. Nothing can stop a record that runs long there: it holds its partition until it is
done (``COOPSTREAM_RECORD_TIMEOUT_S`` does not apply in-process).

``EnrichmentPool`` (``COOPSTREAM_ENRICH_PROCESSES`` > 1 or ``auto``) starts that many child
processes, each of which loads the knowledge once and then takes one record at a time over a pipe.
The parent hands a record to each idle child, keeps the outcomes that come back early until every
earlier one is in, and meanwhile calls the caller's ``keep_alive``. A record that runs past its time
budget has its child killed and becomes a dead letter with reason ``timeout``. A child that dies
on a record is replaced and the record tried once more on another child; if that one dies too, the
record becomes a dead letter with reason ``enrichment_crashed``. Nothing is lost either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from coopstream.errors import CoopstreamError, EnrichmentCrashed, KnowledgeError, RecordTimeout
from coopstream.observability.logs import get_logger
from coopstream.step import Outcome, RecordStep, Topics, letter_outcome
from coopstream.stream.offload import Offload
from coopstream.stream.ports import Record

log = get_logger("coopstream.processing")

# Records this large go to the helper thread in-process. The enrichment costs at most a few microseconds per
# character (bench/pathological.py), so anything smaller is done well within a keep-alive interval.
OFFLOAD_FROM_BYTES = 64 * 1024
KEEP_ALIVE_EVERY_S = 1.0  # a record still in processing after this long: call keep_alive (the consumer polls)
START_TIMEOUT_S = 120.0  # a child that has not loaded its knowledge by then is a failure of the start-up
CRASH_RETRIES = 1  # a record whose child died is tried this many more times before it is dead-lettered
MAX_STARTS_LOST = 5  # replacements in a row that die before they are ready: the worker stops (exit 3)


class Processing(Protocol):
    def outcomes(
        self, records: Sequence[Record], past_deadline: Callable[[], bool], keep_alive: Callable[[], None]
    ) -> Iterator[Outcome]:
        """The outcomes of a prefix of ``records``, in order; no record is started once ``past_deadline()``
        (the first one always is)."""
        ...

    def close(self) -> None: ...


def cpu_count() -> int:
    """The cores this process may use: its CPU affinity, bounded by a cgroup CPU quota if one is set."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


class InProcess:
    """The record step in this process (a large record on a helper thread)."""

    def __init__(self, step: RecordStep) -> None:
        self.step = step
        self.keep_alive_every_s = KEEP_ALIVE_EVERY_S
        self.offload_from_bytes = OFFLOAD_FROM_BYTES
        self._offload: Offload | None = None

    def outcomes(
        self, records: Sequence[Record], past_deadline: Callable[[], bool], keep_alive: Callable[[], None]
    ) -> Iterator[Outcome]:
        for i, record in enumerate(records):
            if i > 0 and past_deadline():
                return
            yield self._one(record, keep_alive)

    def _one(self, record: Record, keep_alive: Callable[[], None]) -> Outcome:
        if record.value is None or len(record.value) < self.offload_from_bytes:
            return self.step.handle(record)
        if self._offload is None:
            self._offload = Offload()
        return self._offload.run(partial(self.step.handle, record), self.keep_alive_every_s, keep_alive)

    def close(self) -> None:
        if self._offload is not None:
            self._offload.close()


@dataclass(frozen=True)
class StepRecipe:
    """What a child process needs to build its own record step (it is pickled to the child)."""

    topics: Topics
    max_record_bytes: int
    knowledge_dir: Path | None = None
    themes_file: Path | None = None
    enricher: str = "full"  # "identity": the benchmark's ceiling, no knowledge loaded

    def build(self) -> RecordStep:
        if self.enricher == "identity":
            from coopstream.commands.run import identity_event

            return RecordStep(identity_event, self.topics, self.max_record_bytes)
        from coopstream.step import load_enrichment

        return RecordStep(load_enrichment(self.knowledge_dir, self.themes_file), self.topics, self.max_record_bytes)


def _child_main(conn: Connection, recipe: StepRecipe) -> None:
    """A child: build the step, say ready, then one record at a time until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop (it drains first)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    from coopstream.observability.logs import configure_logging

    configure_logging("json", "error")  # dead letters are logged by the parent, which has the settings
    try:
        step = recipe.build()
    except CoopstreamError as exc:
        with contextlib.suppress(OSError):  # the parent may have given up already (another child failed first)
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    try:
        conn.send(("ready", os.getpid()))
    except OSError:
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        seq, record = job
        outcome = step.handle(record)
        try:
            conn.send((seq, outcome))
        except OSError:  # the parent is gone
            return


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this process when its parent dies (a SIGKILLed worker leaves no child
    finishing a record nobody waits for); elsewhere the closed pipe ends the child after its record."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


_Job = tuple[int, Record, int]  # (position in the records, the record, attempts so far)


@dataclass
class _Child:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    job: _Job | None = None
    started: float = 0.0


class EnrichmentPool:
    """``processes`` child processes running the record step, outcomes in the input's order."""

    def __init__(
        self,
        recipe: StepRecipe,
        processes: int,
        timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
        on_restart: Callable[[str], None] | None = None,
    ) -> None:
        if processes < 1 or timeout_s <= 0:
            raise ValueError("processes and timeout_s must be positive")
        self.recipe, self.processes, self.timeout_s = recipe, processes, timeout_s
        self.keep_alive_every_s = KEEP_ALIVE_EVERY_S
        self.restarts: Counter[str] = Counter()  # children replaced, by cause: timeout, died, abandoned
        self._on_restart = on_restart
        self._clock = clock
        # spawn, not fork: the worker has threads (the Kafka clients', the health server's) by the time a child
        # is replaced, and a forked child would inherit their locks in whatever state they were in
        self._ctx = multiprocessing.get_context("spawn")
        self._children: list[_Child] = []
        self._closed = False
        self._started = False  # every first child was ready once
        self._starts_lost = 0  # replacements in a row that died before they were ready

    # ------------------------------------------------------------------ life cycle

    def start(self, timeout_s: float = START_TIMEOUT_S, keep_alive: Callable[[], None] | None = None) -> None:
        """Start the children and wait until each has loaded its knowledge; a child that cannot is fatal, and
        so is an exception from ``keep_alive`` (called about every second meanwhile): the children are stopped."""
        try:
            self._start(timeout_s, keep_alive)
        except BaseException:
            self.close()
            raise

    def _start(self, timeout_s: float, keep_alive: Callable[[], None] | None) -> None:
        for _ in range(self.processes):
            self._children.append(self._spawn())
        deadline = self._clock() + timeout_s
        while not all(c.ready for c in self._children):
            remaining = deadline - self._clock()
            if remaining <= 0:
                self.close()
                raise KnowledgeError(f"an enrichment process did not load the knowledge within {timeout_s:.0f}s")
            starting = [c for c in self._children if not c.ready]
            ready = wait([c.conn for c in starting] + [c.process.sentinel for c in starting], min(remaining, 1.0))
            for child in starting:
                if child.conn in ready or child.process.sentinel in ready:
                    self._hear(child, deque(), {})
            if keep_alive is not None:
                keep_alive()
        self._started = True
        log.info("enrichment processes ready", processes=self.processes, pids=[c.process.pid for c in self._children])

    def _spawn(self) -> _Child:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_child_main, args=(child, self.recipe), name="coopstream-enrich", daemon=True
        )
        process.start()
        child.close()
        return _Child(process, parent)

    def pids(self) -> list[int]:
        return [c.process.pid for c in self._children if c.process.pid is not None]

    def close(self) -> None:
        """Stop the children: the pipe closes, they exit; any still running a record are killed."""
        if self._closed:
            return
        self._closed = True
        for child in self._children:
            if child.job is None:
                with contextlib.suppress(OSError, BrokenPipeError):
                    child.conn.send(None)
            child.conn.close()
        for child in self._children:
            child.process.join(timeout=2.0 if child.job is None else 0)
            if child.process.is_alive():
                child.process.kill()
                child.process.join(timeout=2.0)
        self._children.clear()

    def _replace(self, child: _Child, cause: str) -> None:
        """Kill ``child`` if it still runs and start another in its place (it says ready when loaded)."""
        if child.process.is_alive():
            child.process.kill()
        child.process.join(timeout=5.0)
        child.conn.close()
        self.restarts[cause] += 1
        if self._on_restart is not None:
            self._on_restart(cause)
        log.warning("enrichment process replaced", cause=cause, pid=child.process.pid, exitcode=child.process.exitcode)
        self._children[self._children.index(child)] = self._spawn()

    # ------------------------------------------------------------------ records

    def outcomes(
        self, records: Sequence[Record], past_deadline: Callable[[], bool], keep_alive: Callable[[], None]
    ) -> Iterator[Outcome]:
        todo: deque[_Job] = deque((i, r, 0) for i, r in enumerate(records))
        done: dict[int, Outcome] = {}
        next_out = 0
        started_any = False
        last_keep_alive = self._clock()
        try:
            while True:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if started_any and todo and todo[-1][2] == 0 and past_deadline():
                    # the records never started go back to the caller (a suffix of ``records``); those in flight
                    # and those to retry are finished first
                    todo = deque(job for job in todo if job[2] > 0)
                for child in self._children:
                    if todo and child.ready and child.job is None:
                        self._give(child, todo.popleft())
                        started_any = True
                if not todo and all(c.job is None for c in self._children):
                    return
                now = self._clock()
                budgets = [c.started + self.timeout_s - now for c in self._children if c.job is not None]
                wait_s = max(0.0, min([self.keep_alive_every_s, *budgets]))
                watched = [c.conn for c in self._children] + [c.process.sentinel for c in self._children]
                ready = set(wait(watched, wait_s))
                for child in list(self._children):
                    if child.conn in ready or child.process.sentinel in ready:
                        self._hear(child, todo, done)
                now = self._clock()
                for child in list(self._children):
                    if child.job is not None and now - child.started >= self.timeout_s:
                        self._timed_out(child, done)
                if now - last_keep_alive >= self.keep_alive_every_s:
                    keep_alive()
                    last_keep_alive = now
        finally:
            # a caller that stops early (an error while publishing) leaves records in flight: their children are
            # replaced, so that the next call starts from idle children and no stale outcome arrives later
            for child in list(self._children):
                if child.job is not None and not self._closed:
                    child.job = None
                    self._replace(child, "abandoned")

    def _give(self, child: _Child, job: _Job) -> None:
        child.job, child.started = job, self._clock()
        # a child that died meanwhile makes this fail: its pipe and sentinel say so on the next wait
        with contextlib.suppress(OSError):
            child.conn.send((job[0], job[1]))

    def _hear(self, child: _Child, todo: deque[_Job], done: dict[int, Outcome]) -> None:
        """A child's pipe or sentinel is ready: a message (ready, or an outcome), or the child died."""
        message: Any = None
        closed = False
        if child.conn.poll():
            try:
                message = child.conn.recv()
            except (EOFError, OSError):
                closed = True
        if message is not None and not child.ready:
            kind, detail = message
            if kind == "ready":
                child.ready = True
                self._starts_lost = 0
                return
            self.close()  # a replacement that cannot load the knowledge: the same failure as at start-up
            raise KnowledgeError(f"an enrichment process could not start: {detail}")
        if message is not None:
            seq, outcome = message
            if child.job is not None and seq == child.job[0]:
                done[seq] = outcome
                child.job = None
            return
        if not closed and child.process.is_alive():
            return  # woken for nothing
        if not child.ready:
            self._lost_while_starting(child)
            return
        job, child.job = child.job, None
        self._replace(child, "died")
        if job is None:
            return
        position, record, attempts = job
        if attempts < CRASH_RETRIES:
            log.warning("record retried after its enrichment process died", offset=record.offset)
            todo.appendleft((position, record, attempts + 1))
        else:
            error = EnrichmentCrashed(f"the enrichment process died on this record {attempts + 1} times")
            done[position] = letter_outcome(record, error, self.recipe.topics)

    def _lost_while_starting(self, child: _Child) -> None:
        """A child died before it was ready. At start-up that is fatal; later (a replacement, killed from outside
        while it loads) it is replaced again, unless that keeps happening."""
        self._starts_lost += 1
        if not self._started or self._starts_lost > MAX_STARTS_LOST:
            self.close()
            raise KnowledgeError(
                f"an enrichment process exited with {child.process.exitcode} before it was ready (see its error above)"
            )
        self._replace(child, "died")

    def _timed_out(self, child: _Child, done: dict[int, Outcome]) -> None:
        assert child.job is not None
        position, record, _ = child.job
        elapsed = self._clock() - child.started
        child.job = None
        self._replace(child, "timeout")
        error = RecordTimeout(f"the enrichment ran past the record time budget of {self.timeout_s:g}s")
        done[position] = letter_outcome(record, error, self.recipe.topics, seconds=elapsed)


def processes_wanted(setting: str) -> int:
    """``COOPSTREAM_ENRICH_PROCESSES`` as a number of processes (``auto``: the cores this container may use)."""
    return cpu_count() if setting == "auto" else int(setting)


def make_processing(
    recipe: StepRecipe,
    processes: int,
    timeout_s: float,
    keep_alive: Callable[[], None] | None = None,
    on_restart: Callable[[str], None] | None = None,
) -> Processing:
    """In-process for one (the knowledge loaded here), otherwise a started pool of ``processes`` children."""
    if processes <= 1:
        return InProcess(recipe.build())
    pool = EnrichmentPool(recipe, processes, timeout_s, on_restart=on_restart)
    pool.start(keep_alive=keep_alive)
    return pool
