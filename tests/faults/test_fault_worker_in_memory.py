"""The same faults against the worker loop on in-memory fakes, where their timing can be forced: a record that
runs long, a partition revoked while it runs, outputs the brokers keep waiting or never acknowledge.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import pytest

from coopstream.config import Settings
from coopstream.errors import PublishFailed, TransactionFailed
from coopstream.exits import EXIT_OK, EXIT_PUBLISH_FAILED
from coopstream.processing import InProcess
from coopstream.schemas import EnrichedEvent, RawArticle
from coopstream.step import RecordStep
from coopstream.stream import worker as worker_module
from coopstream.stream.kafka_sink import KafkaSink
from coopstream.stream.ports import Partition
from support import loop as support

pytestmark = pytest.mark.faults

P0, P1 = Partition("raw", 0), Partition("raw", 1)


def _slow_rig(revoke: int | None = None, **settings: str) -> Any:
    """A rig whose articles saying SLOW take 0.35 s; the first of them revokes partition ``revoke`` meanwhile."""
    r = support.rig(partitions=2, **settings)
    r.worker.keep_alive_every_s = 0.05

    def enrich(article: RawArticle, processed_at: str) -> EnrichedEvent:
        if "SLOW" in article.text:
            if revoke is not None and not getattr(enrich, "revoked", False):
                r.source.revoke_on_next_poll(revoke)
                enrich.revoked = True  # type: ignore[attr-defined]
            time.sleep(0.35)
        event: EnrichedEvent = support.fake_enrich(article, processed_at)
        return event

    inline = InProcess(RecordStep(enrich, support.TOPICS, 2048, clock=lambda: "2026-01-01T00:00:00Z"))
    inline.keep_alive_every_s = 0.05
    inline.offload_from_bytes = 0  # every record on the helper thread, as a large one would be
    r.worker.processing = inline
    r.source.append(support.article("slow", text="SLOW soldiers trained together."), key=b"slow", partition=0)
    r.source.append(support.article("quick"), key=b"quick", partition=1)
    return r


def test_a_record_running_long_keeps_the_consumer_polling() -> None:
    r = _slow_rig()
    assert r.worker.run() == EXIT_OK
    assert r.source.keep_alives >= 3
    assert r.source.committed == {P0: 1, P1: 1}


def test_at_least_once_a_partition_revoked_during_a_long_record_is_left_to_its_new_owner() -> None:
    r = _slow_rig(revoke=1)
    assert r.worker.run() == EXIT_OK
    assert sorted(m.key for m in r.sink.on("out")) == [b"quick", b"slow"]
    assert r.source.committed == {P0: 1}  # nothing for the partition given up


def test_exactly_once_a_partition_revoked_during_a_long_record_aborts_the_transaction() -> None:
    r = _slow_rig(revoke=1, delivery="exactly-once")
    assert r.worker.run() == EXIT_OK
    assert r.sink.aborted >= 1
    assert [m.key for m in r.sink.on("out")] == [b"slow"]  # replayed, once
    assert r.source.committed == {P0: 1}


def test_outputs_waiting_on_the_brokers_make_the_worker_unready_then_it_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "STALLED_AFTER_S", 0.0)
    r = support.rig()
    r.worker.keep_alive_every_s = 0.01
    r.health.set_connected(True)
    r.health.stall_after_s = 0.0
    r.source.append(support.article("a"))
    seen: list[tuple[tuple[bool, str], float]] = []
    flush, refusals = r.sink.flush, [3]

    def slow_flush(timeout_s: float) -> None:
        seen.append((r.health.ready(), r.value("coopstream_outputs_waiting_seconds")))
        if refusals[0]:
            refusals[0] -= 1
            raise PublishFailed("no acknowledgement yet (test)")
        flush(timeout_s)

    r.sink.flush = slow_flush
    assert r.worker.run() == EXIT_OK
    assert r.source.keep_alives == 3  # the consumer kept polling meanwhile
    for (ok, reason), waited in seen[1:4]:  # (the sink is flushed once more on closing)
        assert not ok and reason.startswith("waiting") and "acknowledgement" in reason and waited > 0
    assert r.source.committed == {P0: 1}
    assert r.value("coopstream_outputs_waiting_seconds") == 0


def test_outputs_never_acknowledged_stop_the_worker_without_committing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module, "FLUSH_PATIENCE_S", 0.2)
    r = support.rig()
    r.worker.keep_alive_every_s = 0.01
    r.source.append(support.article("a"))

    def never(timeout_s: float) -> None:
        time.sleep(min(timeout_s, 0.01))
        raise PublishFailed("no acknowledgement (test)")

    r.sink.flush = never
    assert r.worker.run() == EXIT_PUBLISH_FAILED
    assert r.source.committed == {}


def test_exactly_once_outputs_never_acknowledged_replace_the_producer_and_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "FLUSH_PATIENCE_S", 0.2)
    r = support.rig(delivery="exactly-once")
    r.worker.keep_alive_every_s = 0.01
    r.source.append(support.article("a"))
    flush = r.sink.flush

    def wedged_until_replaced(timeout_s: float) -> None:
        if not r.sink.recreated:
            time.sleep(min(timeout_s, 0.01))
            raise PublishFailed("no acknowledgement (test)")
        flush(timeout_s)

    r.sink.flush = wedged_until_replaced
    assert r.worker.run() == EXIT_OK
    assert r.sink.recreated == 1
    assert len(r.sink.on("out")) == 1  # published once, by the replayed transaction
    assert r.source.committed == {P0: 1}


class _Producer:
    """Just enough of a transactional KafkaProducer: refuses the offsets of its first transaction."""

    made: ClassVar[list[_Producer]] = []

    def __init__(self, **options: Any) -> None:
        self.calls: list[str] = []
        _Producer.made.append(self)

    def init_transactions(self) -> None:
        self.calls.append("init")

    def begin_transaction(self) -> None:
        self.calls.append("begin")

    def send_offsets_to_transaction(self, offsets: Any, group_metadata: Any) -> None:
        from kafka.errors import CommitFailedError

        self.calls.append("offsets")
        if len(_Producer.made) == 1:
            raise CommitFailedError("UnknownMemberIdError (test)")

    def commit_transaction(self) -> None:
        self.calls.append("commit")

    def abort_transaction(self) -> None:
        self.calls.append("abort")

    def close(self, timeout: float) -> None:
        self.calls.append("close")


def test_exactly_once_offsets_refused_by_the_group_do_not_leak_into_the_next_transaction() -> None:
    """kafka-python keeps refused transactional offsets and sends them with the next transaction's: the sink
    starts a fresh producer before the next transaction instead."""
    _Producer.made.clear()
    sink = KafkaSink(Settings(delivery="exactly-once", group_instance_id="pod"), factory=_Producer)
    sink.begin()
    with pytest.raises(TransactionFailed):
        sink.commit_transaction({P0: 10}, group_metadata="gm")
    sink.abort()
    sink.begin()
    sink.commit_transaction({P1: 5}, group_metadata="gm")
    first, second = _Producer.made
    assert first.calls == ["init", "begin", "offsets", "abort", "close"]
    assert second.calls == ["init", "begin", "offsets", "commit"]
