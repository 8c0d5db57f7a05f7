"""The sink, with kafka-python: an idempotent producer with ``acks=all``, transactional in
exactly-once mode (one stable ``transactional_id`` per worker instance).

``send`` never raises: a message that cannot even be queued gets a failed ``Delivery``, so the
batch's check after the flush sees every failure in one place. Fencing errors are turned
into ``ProducerFenced`` there, for the error policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from kafka import KafkaProducer, TopicPartition
from kafka.errors import (
    InvalidProducerEpochError,
    KafkaError,
    KafkaTimeoutError,
    ProducerFencedError,
    TransactionalIdAuthorizationFailedError,
)
from kafka.structs import OffsetAndMetadata

from coopstream.config import Settings
from coopstream.errors import AbortFailed, ProducerFenced, PublishFailed, StreamError, TransactionFailed
from coopstream.observability.logs import get_logger
from coopstream.stream.admin import output_limit_bytes
from coopstream.stream.clients import connection_options, transactional_id
from coopstream.stream.kafka_source import RECONNECT_BACKOFF_MAX_MS
from coopstream.stream.ports import DELIVERY_TIMEOUT_S, Delivery, Outgoing, Partition, transaction_timeout_s

log = get_logger("coopstream.stream")
_FENCES = (ProducerFencedError, InvalidProducerEpochError)


def producer_options(s: Settings, transactional: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        **connection_options(s),
        "acks": "all",
        "enable_idempotence": True,
        # the loop flushes at the end of every batch, so waiting longer for more outputs costs no latency there; it
        # packs the batch's outputs into fewer, larger requests (each request costs the client CPU)
        "linger_ms": 100,
        "batch_size": 1 << 20,
        "max_request_size": output_limit_bytes(s),  # what the output topics are created to accept
        "allow_auto_create_topics": False,
        "max_block_ms": 30000,
        "delivery_timeout_ms": int(DELIVERY_TIMEOUT_S * 1000),
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
    }
    if transactional:
        options["transactional_id"] = transactional_id(s)
        options["transaction_timeout_ms"] = int(transaction_timeout_s(s.max_poll_interval_ms) * 1000)
    return options


def _wrap(exc: BaseException) -> BaseException:
    if isinstance(exc, _FENCES):
        return ProducerFenced(f"producer fenced: {exc!r}")
    return exc


class KafkaSink:
    def __init__(self, settings: Settings, factory: Callable[..., Any] = KafkaProducer) -> None:
        self.transactional = settings.delivery == "exactly-once"
        self._options = producer_options(settings, self.transactional)
        self._factory = factory
        self._producer: Any = None
        self._in_txn = False
        self._offsets_unsettled = False  # offsets handed to the open transaction without a final answer
        self._start()

    @property
    def transactional_id(self) -> str | None:
        value = self._options.get("transactional_id")
        return str(value) if value else None

    def _start(self) -> None:
        self._offsets_unsettled = False
        try:
            self._producer = self._factory(**self._options)
            if self.transactional:
                self._producer.init_transactions()
        except _FENCES as exc:
            raise ProducerFenced(f"producer fenced at start: {exc!r}") from exc
        except (KafkaError, TransactionalIdAuthorizationFailedError) as exc:
            raise StreamError(f"cannot start the producer: {exc!r}") from exc
        self._in_txn = False

    def send(self, message: Outgoing) -> Delivery:
        delivery = Delivery(message)
        try:
            future = self._producer.send(
                message.topic, value=message.value, key=message.key, headers=list(message.headers)
            )
        except Exception as exc:
            delivery.fail(_wrap(exc))
            return delivery
        future.add_callback(lambda _metadata: delivery.succeed(time.time()))
        future.add_errback(lambda exc: delivery.fail(_wrap(exc)))
        return delivery

    def flush(self, timeout_s: float) -> None:
        try:
            self._producer.flush(timeout=timeout_s)
        except KafkaTimeoutError as exc:
            raise PublishFailed(f"outputs not acknowledged within {timeout_s:.0f}s: {exc!r}") from exc
        except _FENCES as exc:
            raise ProducerFenced(f"producer fenced: {exc!r}") from exc
        except KafkaError as exc:
            # kafka-python 3.0.12 can raise from the flush itself when the brokers refuse a batch while it
            # waits (UnknownError 'Future not done' after a MessageSizeTooLarge): the outputs are unconfirmed
            raise PublishFailed(f"outputs not acknowledged, the flush failed: {exc!r}") from exc

    def begin(self) -> None:
        if self._offsets_unsettled:
            # kafka-python 3.0.12 keeps the offsets of a refused TxnOffsetCommit (e.g. UNKNOWN_MEMBER_ID after a
            # broker restart) and sends them again with the next transaction's offsets, which would commit the
            # offsets of records whose outputs were aborted. A fresh producer starts without them.
            log.warning("replacing the producer: the offsets of an aborted transaction are still pending in it")
            self.recreate()
        self._call("begin the transaction", self._producer.begin_transaction)
        self._in_txn = True

    def commit_transaction(self, offsets: Mapping[Partition, int], group_metadata: object) -> None:
        if offsets:
            tx_offsets = {
                TopicPartition(p.topic, p.partition): OffsetAndMetadata(o, "", -1) for p, o in offsets.items()
            }
            self._offsets_unsettled = True
            self._call(
                "send the offsets to the transaction",
                lambda: self._producer.send_offsets_to_transaction(tx_offsets, group_metadata),
            )
            self._offsets_unsettled = False
        self._call("commit the transaction", self._producer.commit_transaction)
        self._in_txn = False

    def abort(self) -> None:
        if not self.transactional or not self._in_txn:
            return
        self._in_txn = False
        try:
            self._call("abort the transaction", self._producer.abort_transaction)
        except TransactionFailed as exc:
            raise AbortFailed(str(exc)) from exc.__cause__

    def _call(self, what: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except _FENCES as exc:
            raise ProducerFenced(f"could not {what}: producer fenced: {exc!r}") from exc
        except KafkaError as exc:
            raise TransactionFailed(f"could not {what}: {exc!r}") from exc

    def recreate(self) -> None:
        self._close_producer(0)
        self._start()

    def close(self, timeout_s: float) -> None:
        if self._in_txn:
            try:
                self.abort()
            except StreamError as exc:
                log.warning("could not abort the open transaction on close", error=str(exc))
        self._close_producer(timeout_s)

    def _close_producer(self, timeout_s: float) -> None:
        producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            producer.close(timeout=timeout_s)
        except KafkaError as exc:
            log.warning("producer did not close cleanly", error=repr(exc))
