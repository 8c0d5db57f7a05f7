"""The source, with kafka-python: a consumer-group member with manual commits.

Cooperative-sticky assignment (KIP-429) and static membership (``group_instance_id``, KIP-345)
are both supported by kafka-python 3.0. Rebalance callbacks run on the consumer's IO thread
while the worker's thread waits inside ``poll`` (or ``close``), so no batch is in flight
then; the listener is asynchronous so that committing the revoked partitions' offsets does
not block the heartbeats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.errors import FencedInstanceIdError, KafkaError
from kafka.structs import MemberState, OffsetAndMetadata

from coopstream.config import Settings
from coopstream.errors import CommitFailed, InstanceFenced, StreamError
from coopstream.observability.logs import get_logger
from coopstream.stream.clients import connection_options
from coopstream.stream.ports import Partition, RebalanceHandler, Record

log = get_logger("coopstream.stream")
# kafka-python backs off up to 30 s between attempts to reach a broker that is down, so a worker could stay idle
# that long after its brokers are back; the Java client's default bound is 1 s.
RECONNECT_BACKOFF_MAX_MS = 1000


def consumer_options(s: Settings) -> dict[str, Any]:
    return {
        **connection_options(s),
        "group_id": s.group_id,
        "group_instance_id": s.group_instance_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "allow_auto_create_topics": False,
        "max_poll_records": s.batch_size,
        "max_poll_interval_ms": s.max_poll_interval_ms,
        "session_timeout_ms": s.session_timeout_ms,
        "heartbeat_interval_ms": max(1000, min(3000, s.session_timeout_ms // 3)),
        # bounds each request, so also the commit of revoked partitions in the listener (JoinGroup has its own)
        "request_timeout_ms": max(1000, min(30000, int(s.drain_timeout_s * 1000))),
        "partition_assignment_strategy": (CooperativeStickyAssignor,),
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
    }


def _tp(p: Partition) -> TopicPartition:
    return TopicPartition(p.topic, p.partition)


def _parts(tps: Iterable[Any]) -> frozenset[Partition]:
    return frozenset(Partition(tp.topic, tp.partition) for tp in tps)


def _offsets(offsets: Mapping[Partition, int]) -> dict[TopicPartition, OffsetAndMetadata]:
    return {_tp(p): OffsetAndMetadata(offset, "", -1) for p, offset in offsets.items()}


class KafkaSource:
    def __init__(self, settings: Settings) -> None:
        self.topic = settings.input_topic
        try:
            self._consumer = KafkaConsumer(**consumer_options(settings))
        except KafkaError as exc:
            raise StreamError(f"cannot reach the brokers at {settings.bootstrap_servers}: {exc!r}") from exc

    @property
    def consumer(self) -> KafkaConsumer:
        return self._consumer

    def subscribe(self, handler: RebalanceHandler) -> None:
        self._consumer.subscribe([self.topic], listener=_Listener(handler, self._consumer))
        # Load the topic's partitions after subscribing and before the first JoinGroup, so that the
        # group leader's metadata snapshot already holds them. Otherwise the leader assigns from an
        # empty snapshot and rejoins as soon as the metadata arrives, and kafka-python 3.0.12 loses
        # the result of a metadata-triggered rejoin that outlives the poll that started it: the
        # member keeps its heartbeats off and is dropped from the group without noticing.
        try:
            if not self._consumer.partitions_for_topic(self.topic):
                raise StreamError(f"topic {self.topic} has no partitions")
        except KafkaError as exc:
            raise StreamError(f"cannot read the metadata of {self.topic}: {exc!r}") from exc

    def poll(self, max_records: int, timeout_ms: int) -> list[Record]:
        try:
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except FencedInstanceIdError as exc:
            raise InstanceFenced(f"another consumer joined with this group instance id: {exc!r}") from exc
        except KafkaError as exc:
            raise StreamError(f"poll failed: {exc!r}") from exc
        return [
            Record(m.topic, m.partition, m.offset, m.key, m.value, tuple(m.headers or ()), m.timestamp)
            for messages in batches.values()
            for m in messages
        ]

    def keep_alive(self) -> None:
        # Every partition held is paused for this poll, so it returns no record; it still resets the poll timer
        # and takes part in a rebalance in progress. A partition assigned during the poll is not paused: whatever
        # it returns is handed back (the consumer seeks to it) for the next real poll.
        held = self._consumer.assignment()
        self._consumer.pause(*held)
        try:
            batches = self._consumer.poll(timeout_ms=0)
        except FencedInstanceIdError as exc:
            raise InstanceFenced(f"another consumer joined with this group instance id: {exc!r}") from exc
        except KafkaError as exc:
            raise StreamError(f"poll failed: {exc!r}") from exc
        finally:
            self._consumer.resume(*self._consumer.paused())
        for tp, messages in batches.items():
            if messages:
                self._consumer.seek(tp, messages[0].offset)

    def commit(self, offsets: Mapping[Partition, int], timeout_s: float) -> None:
        try:
            self._consumer.commit(_offsets(offsets), timeout_ms=int(timeout_s * 1000))
        except KafkaError as exc:
            raise CommitFailed(f"commit of {len(offsets)} partition(s) failed: {exc!r}") from exc

    def seek(self, partition: Partition, offset: int) -> None:
        tp = _tp(partition)
        if tp in self._consumer.assignment():
            self._consumer.seek(tp, offset)

    def rewind_to_committed(self) -> None:
        try:
            for tp in self._consumer.assignment():
                committed = self._consumer.committed(tp, timeout_ms=30000)
                if committed is None:
                    self._consumer.seek_to_beginning(tp)
                else:
                    self._consumer.seek(tp, committed)
        except KafkaError as exc:
            raise StreamError(f"could not rewind to the committed offsets: {exc!r}") from exc

    def assignment(self) -> frozenset[Partition]:
        return _parts(self._consumer.assignment())

    def lag(self) -> dict[Partition, int]:
        lags: dict[Partition, int] = {}
        for tp in self._consumer.assignment():
            try:
                high = self._consumer.highwater(tp)
                position = self._consumer.position(tp, timeout_ms=0) if high is not None else None
            except KafkaError:
                continue
            if high is not None and position is not None:
                lags[Partition(tp.topic, tp.partition)] = high - position
        return lags

    def connected(self) -> bool:
        groups = self._consumer.metrics() or {}
        counts = [v for metrics in groups.values() for k, v in metrics.items() if k == "connection-count"]
        return any(count and count > 0 for count in counts)

    def last_heard(self) -> float | None:
        # kafka-python keeps the time of the last heartbeat answer (time.monotonic) on its coordinator, which a
        # broker that stopped answering (frozen, partitioned away) leaves behind while the sockets stay open.
        # The join resets it (``last_reset``), so a member that has not heartbeated yet counts from its join.
        heartbeat = getattr(getattr(self._consumer, "_coordinator", None), "heartbeat", None)
        times = [getattr(heartbeat, name, None) for name in ("last_receive", "last_reset")]
        known = [float(t) for t in times if isinstance(t, int | float) and t != float("-inf")]
        return max(known) if known else None

    def stable(self) -> bool:
        return bool(self._consumer.group_metadata().state == MemberState.STABLE)

    def group_metadata(self) -> object:
        return self._consumer.group_metadata()

    def close(self, timeout_s: float) -> None:
        try:
            self._consumer.close(autocommit=False, timeout_ms=int(timeout_s * 1000))
        except KafkaError as exc:
            log.warning("consumer did not close cleanly", error=repr(exc))


class _Listener(AsyncConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, handler: RebalanceHandler, consumer: KafkaConsumer) -> None:
        self._handler = handler
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: Iterable[Any]) -> None:
        offsets = self._handler.on_revoked(_parts(revoked))
        if not offsets:
            return
        try:
            await self._consumer.commit_async(_offsets(offsets))
        except Exception as exc:  # the next owner delivers those records again: at least once holds
            log.warning("commit of revoked partitions failed", error=repr(exc))

    async def on_partitions_assigned(self, assigned: Iterable[Any]) -> None:
        self._handler.on_assigned(_parts(assigned), _parts(self._consumer.assignment()))

    async def on_partitions_lost(self, lost: Iterable[Any]) -> None:
        self._handler.on_lost(_parts(lost))
