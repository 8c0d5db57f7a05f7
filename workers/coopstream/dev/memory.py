"""In-memory source and sink with Kafka's semantics that matter to the loop, for unit tests.

``MemorySource`` keeps partitions, positions and committed offsets; ``MemorySink`` keeps what
the "broker" acknowledged, and can be told to fail a topic, or to be fenced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from coopstream.errors import CommitFailed, ProducerFenced, TransactionFailed
from coopstream.stream.ports import Delivery, Headers, Outgoing, Partition, RebalanceHandler, Record


class MemorySource:
    def __init__(self, topic: str = "articles.raw", partitions: int = 1) -> None:
        self.topic = topic
        self.logs: dict[Partition, list[Record]] = {Partition(topic, p): [] for p in range(partitions)}
        self.positions: dict[Partition, int] = {}
        self.committed: dict[Partition, int] = {}
        self.commits: list[dict[Partition, int]] = []
        self.handler: RebalanceHandler | None = None
        self.fail_commits = False
        self.closed = False
        self.polls = 0
        self.keep_alives = 0
        self.on_poll: Callable[[MemorySource], None] | None = None  # e.g. request a stop once drained
        self._revoke_next: frozenset[Partition] = frozenset()
        self._assigned: set[Partition] = set()

    def append(
        self,
        value: bytes | None,
        key: bytes | None = None,
        partition: int = 0,
        headers: Headers = (),
        timestamp_ms: int | None = None,
    ) -> Record:
        tp = Partition(self.topic, partition)
        stamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        record = Record(self.topic, partition, len(self.logs[tp]), key, value, headers, stamp)
        self.logs[tp].append(record)
        return record

    def revoke_on_next_poll(self, *partitions: int) -> None:
        self._revoke_next = frozenset(Partition(self.topic, p) for p in partitions)

    # -- Source

    def subscribe(self, handler: RebalanceHandler) -> None:
        self.handler = handler

    def poll(self, max_records: int, timeout_ms: int) -> list[Record]:
        self.polls += 1
        if self.on_poll is not None:
            self.on_poll(self)
        assert self.handler is not None, "subscribe first"
        if not self._assigned and not self._revoke_next:
            self._assigned = set(self.logs)
            for tp in self._assigned:
                self.positions.setdefault(tp, self.committed.get(tp, 0))
            self.handler.on_assigned(frozenset(self._assigned), frozenset(self._assigned))
        self._apply_revocation()
        out: list[Record] = []
        for tp in sorted(self._assigned):
            start = self.positions[tp]
            chunk = self.logs[tp][start : start + max_records - len(out)]
            out.extend(chunk)
            self.positions[tp] = start + len(chunk)
        return out

    def keep_alive(self) -> None:
        self.keep_alives += 1
        self._apply_revocation()

    def _apply_revocation(self) -> None:
        if not self._revoke_next or self.handler is None:
            return
        revoked, self._revoke_next = self._revoke_next, frozenset()
        offsets = self.handler.on_revoked(revoked)
        if offsets:
            self.commit(offsets, 1.0)
        self._assigned -= revoked
        for tp in revoked:
            self.positions.pop(tp, None)

    def commit(self, offsets: Mapping[Partition, int], timeout_s: float) -> None:
        if self.fail_commits:
            raise CommitFailed("commit refused by the test")
        self.committed.update(offsets)
        self.commits.append(dict(offsets))

    def seek(self, partition: Partition, offset: int) -> None:
        if partition in self._assigned:
            self.positions[partition] = offset

    def rewind_to_committed(self) -> None:
        for tp in self._assigned:
            self.positions[tp] = self.committed.get(tp, 0)

    def assignment(self) -> frozenset[Partition]:
        return frozenset(self._assigned)

    def lag(self) -> dict[Partition, int]:
        return {tp: len(self.logs[tp]) - self.positions.get(tp, 0) for tp in self._assigned}

    def connected(self) -> bool:
        return True

    def last_heard(self) -> float | None:
        return time.monotonic() if self.polls else None

    def stable(self) -> bool:
        return self.polls > 0

    def group_metadata(self) -> object:
        return "memory-group"

    def close(self, timeout_s: float) -> None:
        if self.handler is not None and self._assigned and not self.closed:
            offsets = self.handler.on_revoked(frozenset(self._assigned))
            if offsets:
                self.commit(offsets, timeout_s)
        self.closed = True


@dataclass
class MemorySink:
    transactional: bool = False
    source: MemorySource | None = None  # exactly once: where the transaction's offsets are committed
    published: list[Outgoing] = field(default_factory=list)  # acknowledged (and committed, if transactional)
    fail_topics: set[str] = field(default_factory=set)
    fence_next_commit: bool = False
    fail_next_commit: bool = False
    recreated: int = 0
    aborted: int = 0
    closed: bool = False
    _in_flight: list[Delivery] = field(default_factory=list)
    _txn: list[Outgoing] = field(default_factory=list)

    def send(self, message: Outgoing) -> Delivery:
        delivery = Delivery(message)
        if message.topic in self.fail_topics:
            delivery.fail(TimeoutError(f"{message.topic}: no leader (test)"))
        else:
            self._in_flight.append(delivery)
        return delivery

    def flush(self, timeout_s: float) -> None:
        for delivery in self._in_flight:
            delivery.succeed(time.time())
            (self._txn if self.transactional else self.published).append(delivery.message)
        self._in_flight.clear()

    def begin(self) -> None:
        self._txn.clear()

    def commit_transaction(self, offsets: Mapping[Partition, int], group_metadata: object) -> None:
        if self.fence_next_commit:
            self.fence_next_commit = False
            raise ProducerFenced("fenced by the test")
        if self.fail_next_commit:
            self.fail_next_commit = False
            raise TransactionFailed("transaction refused by the test")
        self.published.extend(self._txn)
        self._txn.clear()
        if self.source is not None:
            self.source.commit(offsets, 1.0)

    def abort(self) -> None:
        self.aborted += 1
        self._txn.clear()

    def recreate(self) -> None:
        self.recreated += 1
        self._txn.clear()
        for delivery in self._in_flight:  # closing a producer fails what it has not delivered
            delivery.fail(RuntimeError("producer closed"))
        self._in_flight.clear()

    def close(self, timeout_s: float) -> None:
        self.flush(timeout_s)
        self.closed = True

    def on(self, topic: str) -> list[Outgoing]:
        return [m for m in self.published if m.topic == topic]
