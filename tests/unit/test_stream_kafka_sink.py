"""The kafka-python sink's options and error translation, against a stand-in producer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from kafka.errors import KafkaError, KafkaTimeoutError, ProducerFencedError, UnknownError

from coopstream.config import Settings
from coopstream.errors import ProducerFenced, PublishFailed, TransactionFailed
from coopstream.stream.kafka_sink import KafkaSink
from coopstream.stream.ports import Kind, Outgoing, Partition

MESSAGE = Outgoing(Kind.EVENT, "out", b"k", b"{}", (("content-type", b"application/json"),))


class FakeFuture:
    def __init__(self) -> None:
        self.callbacks: list[Callable[[Any], None]] = []
        self.errbacks: list[Callable[[BaseException], None]] = []

    def add_callback(self, fn: Callable[[Any], None]) -> None:
        self.callbacks.append(fn)

    def add_errback(self, fn: Callable[[BaseException], None]) -> None:
        self.errbacks.append(fn)


class FakeProducer:
    made: ClassVar[list[FakeProducer]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.calls: list[str] = []
        self.futures: list[FakeFuture] = []
        self.raise_on: dict[str, BaseException] = {}
        self.fail_sends_with: BaseException | None = None
        FakeProducer.made.append(self)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in self.raise_on:
            raise self.raise_on[name]

    def init_transactions(self) -> None:
        self._call("init")

    def begin_transaction(self) -> None:
        self._call("begin")

    def send_offsets_to_transaction(self, offsets: Any, group_metadata: Any) -> None:
        self._call("offsets")
        self.offsets = offsets

    def commit_transaction(self) -> None:
        self._call("commit")

    def abort_transaction(self) -> None:
        self._call("abort")

    def send(self, topic: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]) -> FakeFuture:
        self._call("send")
        future = FakeFuture()
        self.futures.append(future)
        return future

    def flush(self, timeout: float) -> None:
        self._call("flush")
        for future in self.futures:
            if self.fail_sends_with is None:
                for fn in future.callbacks:
                    fn(object())
            else:
                for fn in future.errbacks:
                    fn(self.fail_sends_with)

    def close(self, timeout: float) -> None:
        self.calls.append("close")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    FakeProducer.made.clear()


def sink(**settings: Any) -> KafkaSink:
    return KafkaSink(Settings(**settings), factory=FakeProducer)


def test_producer_options_at_least_once_and_exactly_once() -> None:
    plain = sink()
    options = FakeProducer.made[0].options
    assert (options["acks"], options["enable_idempotence"], options["allow_auto_create_topics"]) == ("all", True, False)
    assert "transactional_id" not in options and not plain.transactional
    eos = sink(delivery="exactly-once", group_id="g", group_instance_id="pod-7")
    assert eos.transactional and eos.transactional_id == "g-pod-7"
    assert FakeProducer.made[1].options["transactional_id"] == "g-pod-7"
    assert FakeProducer.made[1].calls == ["init"]


def test_acknowledgements_and_failures_land_on_the_delivery() -> None:
    s = sink()
    ok = s.send(MESSAGE)
    s.flush(1.0)
    assert ok.done and ok.error is None and ok.acked_at is not None
    FakeProducer.made[0].fail_sends_with = ProducerFencedError()
    FakeProducer.made[0].futures.clear()
    fenced = s.send(MESSAGE)
    s.flush(1.0)
    assert isinstance(fenced.error, ProducerFenced)
    FakeProducer.made[0].raise_on["send"] = KafkaTimeoutError("no metadata")
    refused = s.send(MESSAGE)
    assert refused.done and isinstance(refused.error, KafkaTimeoutError)  # send never raises


def test_flush_timeout_is_a_publish_failure() -> None:
    s = sink()
    FakeProducer.made[0].raise_on["flush"] = KafkaTimeoutError("slow")
    with pytest.raises(PublishFailed):
        s.flush(0.1)


@pytest.mark.parametrize(
    ("raised", "becomes"),
    [(UnknownError("Future not done"), PublishFailed), (ProducerFencedError(), ProducerFenced)],
)
def test_a_kafka_error_raised_by_the_flush_itself_is_translated(raised: KafkaError, becomes: type) -> None:
    s = sink(delivery="exactly-once", group_instance_id="a")
    FakeProducer.made[0].raise_on["flush"] = raised
    with pytest.raises(becomes):
        s.flush(1.0)


def test_transaction_errors_are_translated_and_a_fenced_producer_is_replaced() -> None:
    s = sink(delivery="exactly-once", group_instance_id="a")
    first = FakeProducer.made[0]
    s.begin()
    s.commit_transaction({Partition("raw", 1): 10}, group_metadata="gm")
    assert first.calls == ["init", "begin", "offsets", "commit"]
    assert [(tp.topic, tp.partition, om.offset) for tp, om in first.offsets.items()] == [("raw", 1, 10)]
    s.begin()
    first.raise_on["commit"] = ProducerFencedError()
    with pytest.raises(ProducerFenced):
        s.commit_transaction({}, group_metadata="gm")
    s.recreate()
    assert first.calls[-1] == "close" and FakeProducer.made[1].calls == ["init"]
    second = FakeProducer.made[1]
    s.begin()
    second.raise_on["commit"] = KafkaError("coordinator unavailable")
    with pytest.raises(TransactionFailed):
        s.commit_transaction({}, group_metadata="gm")
    s.abort()
    s.close(1.0)
    assert second.calls[-2:] == ["abort", "close"]
