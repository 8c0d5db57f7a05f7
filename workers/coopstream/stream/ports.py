"""The edges the worker loop talks to: a source of records and a sink of messages.

``KafkaSource`` and ``KafkaSink`` implement them with kafka-python; ``coopstream.dev.memory``
holds in-memory fakes for unit tests. Nothing here loads the Kafka client. Offsets here are always
*next* offsets (the offset of the last processed record plus one), as Kafka commits them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

# How long a sink keeps retrying one message (brokers unreachable, no leader) before it reports it failed.
DELIVERY_TIMEOUT_S = 120.0


def transaction_timeout_s(max_poll_interval_ms: int) -> float:
    """How long the brokers let a transaction stay open before they abort it."""
    return max(60.0, max_poll_interval_ms / 1000)


Headers = tuple[tuple[str, bytes | None], ...]
NO_PARTITION = -1  # the partition of a record read from a file (``coopstream enrich``), not from a topic


class Partition(NamedTuple):
    topic: str
    partition: int


@dataclass(frozen=True, slots=True)
class Record:
    """One consumed record, its bytes untouched."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()
    timestamp_ms: int | None = None

    @property
    def tp(self) -> Partition:
        return Partition(self.topic, self.partition)


class Kind(enum.StrEnum):
    EVENT = "event"
    ENGAGEMENT = "engagement"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to publish."""

    kind: Kind
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(slots=True)
class Delivery:
    """The fate of one sent message, filled in by the sink when the broker answers."""

    message: Outgoing
    done: bool = False
    error: BaseException | None = None
    acked_at: float | None = field(default=None, repr=False)  # time.time() of the acknowledgement

    def succeed(self, when: float) -> None:
        self.done, self.acked_at = True, when

    def fail(self, exc: BaseException) -> None:
        self.done, self.error = True, exc


class RebalanceHandler(Protocol):
    """What the worker wants to hear about assignment changes (called from inside ``Source.poll``)."""

    def on_assigned(self, partitions: frozenset[Partition], current: frozenset[Partition]) -> None:
        """``partitions`` were added; ``current`` is the whole assignment now (empty: explicitly idle)."""
        ...

    def on_revoked(self, partitions: frozenset[Partition]) -> dict[Partition, int]:
        """Return the offsets of published records to commit before the partitions go."""
        ...

    def on_lost(self, partitions: frozenset[Partition]) -> None: ...


class Source(Protocol):
    def subscribe(self, handler: RebalanceHandler) -> None: ...

    def poll(self, max_records: int, timeout_ms: int) -> list[Record]: ...

    def keep_alive(self) -> None:
        """Poll without taking any record, so that a record still being processed does not cost the group
        membership (``max.poll.interval.ms``); rebalance callbacks may run."""
        ...

    def commit(self, offsets: Mapping[Partition, int], timeout_s: float) -> None:
        """Commit synchronously; raise ``CommitFailed``."""
        ...

    def seek(self, partition: Partition, offset: int) -> None: ...

    def rewind_to_committed(self) -> None:
        """Set every assigned partition's position back to its last committed offset."""
        ...

    def assignment(self) -> frozenset[Partition]: ...

    def lag(self) -> dict[Partition, int]: ...

    def connected(self) -> bool: ...

    def last_heard(self) -> float | None:
        """``time.monotonic()`` of the group coordinator's last answer to a heartbeat (None before any)."""
        ...

    def stable(self) -> bool:
        """The member has joined the group and its last rebalance is complete."""
        ...

    def group_metadata(self) -> object: ...

    def close(self, timeout_s: float) -> None: ...


class Sink(Protocol):
    transactional: bool

    def send(self, message: Outgoing) -> Delivery: ...

    def flush(self, timeout_s: float) -> None:
        """Wait until every sent message is acknowledged or failed (each within ``DELIVERY_TIMEOUT_S``);
        raise ``PublishFailed`` on timeout."""
        ...

    def begin(self) -> None: ...

    def commit_transaction(self, offsets: Mapping[Partition, int], group_metadata: object) -> None:
        """Add the offsets to the open transaction and commit it; raise ``TransactionFailed``/``ProducerFenced``."""
        ...

    def abort(self) -> None: ...

    def recreate(self) -> None:
        """Close a fenced producer and start a fresh one with the same transactional id."""
        ...

    def close(self, timeout_s: float) -> None: ...
