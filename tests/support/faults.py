"""What the fault-injection tests share beyond the ``Stack``: positions of produced records, reading topics
to their end, committed offsets, topic configuration, a supervisor that restarts a worker the way an
orchestrator would, and the results table every fault test adds its row to.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coopstream.dev.process import WorkerProcess
from coopstream.dev.reader import Message
from support.paths import ROOT

RESULTS_DIR = ROOT / "tests" / "faults" / "results"


def produce_positions(
    bootstrap: str,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes | None]],
    headers: Iterable[list[tuple[str, bytes]] | None] | None = None,
    partition: int | None = None,
    partitions: Iterable[int] | None = None,
) -> list[tuple[int, int]]:
    """Publish (key, value) pairs (to ``partition``, or each to its own of ``partitions``), wait for every
    acknowledgement, return each one's (partition, offset)."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=16 * 2**20)
    try:
        pairs = list(records)
        header_lists = list(headers) if headers is not None else [None] * len(pairs)
        targets: list[int | None] = list(partitions) if partitions is not None else [partition] * len(pairs)
        futures = [
            producer.send(topic, key=k, value=v, headers=h, partition=t)
            for (k, v), h, t in zip(pairs, header_lists, targets, strict=True)
        ]
        producer.flush(60)
        return [(meta.partition, meta.offset) for meta in (f.get(timeout=0) for f in futures)]
    finally:
        producer.close()


def read_to_end(
    bootstrap: str, topics: list[str], isolation: str = "read_committed", timeout: float = 120.0
) -> list[Message]:
    """Every message of ``topics`` from the beginning up to their end offsets as of now (the last stable offset
    for ``read_committed``), the way a downstream reader would see them."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level=isolation,
        allow_auto_create_topics=False,
        fetch_max_wait_ms=50,
    )
    try:
        deadline = time.monotonic() + timeout
        found: dict[str, set[int] | None] = {}
        while not all(found.get(t) for t in topics):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no metadata for {topics}")
            found = {t: consumer.partitions_for_topic(t) for t in topics}
            time.sleep(0.05)
        parts = [TopicPartition(t, p) for t in topics for p in sorted(found[t] or ())]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        messages: list[Message] = []
        while any(consumer.position(tp) < end[tp] for tp in parts):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topics} to their end within {timeout:.0f}s")
            now = time.time()
            for batch in consumer.poll(timeout_ms=200).values():
                messages.extend(
                    Message(m.topic, m.partition, m.offset, m.key, m.value, dict(m.headers or ()), m.timestamp, now)
                    for m in batch
                )
        return messages
    finally:
        consumer.close(autocommit=False)


def committed_offsets(stack: Any, timeout: float = 60.0) -> dict[int, int]:
    """The group's committed offset per input partition; retried while the broker is still loading the group."""
    from kafka.errors import KafkaError

    deadline = time.monotonic() + timeout
    while True:
        try:
            return {p: max(offset, 0) for p, offset in stack.committed().items()}
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def committed_total(stack: Any) -> int:
    """Records of the input topic the group has committed (sum over its partitions)."""
    return sum(committed_offsets(stack).values())


def set_topic_config(stack: Any, topic: str, configs: dict[str, str]) -> None:
    """Replace ``topic``'s dynamic configuration with ``configs`` (what is not named returns to its default)."""
    from kafka.admin import ConfigResource, ConfigResourceType

    admin = stack.admin()
    try:
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs=configs)])
    finally:
        admin.close()


# --------------------------------------------------------------------------- a supervisor


@dataclass
class Supervisor:
    """Restarts a worker whenever it exits, as Kubernetes would; counts the restarts and their exit codes."""

    start: Callable[[int], WorkerProcess]  # called with the restart number (0 for the first start)
    every: float = 0.2
    delay: float = 1.0  # before a restart (an orchestrator backs off too)
    current: WorkerProcess | None = None
    exits: list[int] = field(default_factory=list)
    restarted_at: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def restarts(self) -> int:
        return len(self.exits)

    def run(self) -> Supervisor:
        self.current = self.start(0)
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            worker = self.current
            if worker is not None and not worker.alive():
                self.exits.append(worker.returncode if worker.returncode is not None else -1)
                if self._stop.wait(self.delay):
                    return
                self.restarted_at.append(time.monotonic())
                self.current = self.start(len(self.exits))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


# --------------------------------------------------------------------------- counting outcomes


@dataclass(frozen=True)
class Outcome:
    """What became of the input ids: found in the outputs once, more than once, or not at all."""

    records_out: int
    lost: frozenset[str]
    duplicated: int

    @classmethod
    def of(cls, expected: set[str], found: list[str]) -> Outcome:
        counts = Counter(found)
        return cls(len(found), frozenset(expected - set(counts)), sum(n - 1 for n in counts.values() if n > 1))


# --------------------------------------------------------------------------- the results table

COLUMNS = (
    "fault or input class",
    "mode",
    "tried",
    "records in",
    "records out",
    "lost",
    "duplicated",
    "worker restarts",
    "time to recover",
    "notes",
)


@dataclass
class Row:
    """One line of the reliability table. ``restarts`` counts worker processes that exited and were started
    again (by the test, as an orchestrator would), whether the test killed them or they stopped on their own."""

    fault: str
    mode: str
    tried: int
    records_in: int
    records_out: int
    lost: int
    duplicated: int
    restarts: int
    recover_s: float | None
    notes: str = ""
    order: int = 0

    def cells(self) -> list[str]:
        recover = "n/a" if self.recover_s is None else f"{self.recover_s:.1f} s"
        return [
            self.fault,
            self.mode,
            str(self.tried),
            str(self.records_in),
            str(self.records_out),
            str(self.lost),
            str(self.duplicated),
            str(self.restarts),
            recover,
            self.notes,
        ]


_session_rows: list[Row] = []


def record(slug: str, row: Row) -> None:
    """Keep the row for the end-of-session summary and write it to ``results/<slug>.json``."""
    _session_rows.append(row)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{slug}.json").write_text(json.dumps(asdict(row), indent=1) + "\n", encoding="utf-8")


def session_rows() -> list[Row]:
    return sorted(_session_rows, key=lambda r: r.order)


def stored_rows() -> list[Row]:
    """Every row in ``results/`` (the latest run of each test)."""
    rows = [Row(**json.loads(p.read_text(encoding="utf-8"))) for p in sorted(RESULTS_DIR.glob("*.json"))]
    return sorted(rows, key=lambda r: r.order)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def enrichment_processes(pid: int) -> list[int]:
    """The live enrichment processes of the worker ``pid`` (not the multiprocessing resource tracker), oldest
    process id first."""
    found = []
    for child in children_of(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


def children_of(pid: int) -> list[int]:
    """The process ids of the live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:  # gone meanwhile
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after its last ')'
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)
