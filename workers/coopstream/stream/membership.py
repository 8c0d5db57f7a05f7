"""What a worker holds in its consumer group: its partitions, and their offsets that are published but
not yet committed. The source calls the rebalance methods from inside ``poll`` (or ``close``), when no
batch is in flight.

The pending offsets have this one owner: the worker adds a batch's offsets with ``published`` and
clears them with ``committed``; rebalances take the offsets of partitions that go; ``pending`` is a
read-only view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from coopstream.config import Settings
from coopstream.errors import StreamError
from coopstream.observability.health import Health
from coopstream.observability.logs import get_logger
from coopstream.observability.metrics import Metrics
from coopstream.stream.ports import Partition, Source

log = get_logger("coopstream.stream")
OBSERVE_EVERY_S = 1.0


class Membership:
    def __init__(self, settings: Settings, metrics: Metrics, health: Health, clock: Callable[[], float]) -> None:
        self.metrics, self.health, self._clock = metrics, health, clock
        self.assigned: set[Partition] = set()
        self._pending: dict[Partition, int] = {}  # published, not yet committed (at least once)
        self.frozen = False  # after a failure that stops the worker: commit nothing more
        self.departed: set[Partition] = set()  # revoked or lost since the worker last cleared it (batch start)
        self._rebalance_bound = (settings.max_poll_interval_ms + settings.session_timeout_ms) / 1000 + 30
        self._observed_at: float | None = None
        self._unstable_since: float | None = None

    @property
    def pending(self) -> Mapping[Partition, int]:
        """Offsets published but not yet committed (a read-only view)."""
        return MappingProxyType(self._pending)

    def published(self, offsets: Mapping[Partition, int]) -> None:
        """A batch's outputs are acknowledged: its offsets wait for the next commit, except those of partitions
        revoked or lost while it ran (another member may have had them meanwhile: theirs to commit)."""
        if self.frozen:
            return
        self._pending.update({tp: offset for tp, offset in offsets.items() if tp not in self.departed})

    def committed(self, offsets: Mapping[Partition, int]) -> None:
        """``offsets`` were committed: forget those that nothing newer has replaced meanwhile."""
        for tp, offset in offsets.items():
            if self._pending.get(tp) == offset:
                del self._pending[tp]

    def freeze(self) -> None:
        self.frozen = True
        self._pending.clear()

    # -- the rebalance handler

    def on_assigned(self, partitions: frozenset[Partition], current: frozenset[Partition]) -> None:
        self.assigned = set(current)
        self.metrics.rebalances.labels(kind="assigned").inc()
        self.metrics.assigned_partitions.set(len(self.assigned))
        self.health.set_assignment(len(self.assigned))
        log.info("partitions assigned", added=names(partitions), holding=len(self.assigned))

    def on_revoked(self, partitions: frozenset[Partition]) -> dict[Partition, int]:
        """Give the partitions up; return the offsets to commit for them first."""
        self.metrics.rebalances.labels(kind="revoked").inc()
        self._let_go(partitions)
        done = {tp: self._pending.pop(tp) for tp in partitions if tp in self._pending}
        log.info("partitions revoked", revoked=names(partitions), committing=len(done), frozen=self.frozen)
        return {} if self.frozen else done

    def on_lost(self, partitions: frozenset[Partition]) -> None:
        self.metrics.rebalances.labels(kind="lost").inc()
        self._let_go(partitions)
        for tp in partitions:
            self._pending.pop(tp, None)
        log.warning("partitions lost (their records will be delivered again)", lost=names(partitions))

    def _let_go(self, partitions: frozenset[Partition]) -> None:
        self.departed |= partitions
        self.assigned -= partitions
        self.metrics.assigned_partitions.set(len(self.assigned))
        self.metrics.forget_partitions(partitions)
        if not self.assigned:
            self.health.set_unassigned()

    # -- between polls

    def observe(self, source: Source) -> None:
        """At most once a second: connection, explicit idleness, stuck rebalances, lag."""
        now = self._clock()
        if self._observed_at is not None and now - self._observed_at < OBSERVE_EVERY_S:
            return
        self._observed_at = now
        self.health.set_connected(source.connected())
        if source.stable():
            self._unstable_since = None
            if not self.assigned:
                self.health.set_assignment(0)  # a completed rebalance gave this worker nothing: explicitly idle
        elif self._unstable_since is None:
            self._unstable_since = now
        elif now - self._unstable_since > self._rebalance_bound:
            # longer than the group itself would wait: the membership is lost; stop and be restarted
            raise StreamError(
                f"the consumer has not completed a rebalance for {now - self._unstable_since:.0f}s "
                f"(bound {self._rebalance_bound:.0f}s): its group membership is lost"
            )
        lags = source.lag()
        self.metrics.set_lag({(tp.topic, tp.partition): lag for tp, lag in lags.items() if tp in self.assigned})


def names(partitions: frozenset[Partition]) -> list[str]:
    return sorted(f"{tp.topic}[{tp.partition}]" for tp in partitions)
