"""Read whole topics from the start, without a consumer group, the way a downstream reader would."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from kafka import KafkaConsumer, TopicPartition


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes | None]
    timestamp_ms: int
    received_at: float  # time.time() when this reader got it


class TopicReader:
    def __init__(
        self,
        bootstrap: str,
        topics: list[str],
        isolation: str = "read_committed",
        timeout: float = 30.0,
        **options: Any,
    ) -> None:
        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level=isolation,
            allow_auto_create_topics=False,
            fetch_max_wait_ms=50,
            **options,
        )
        try:
            partitions = self._partitions(topics, timeout)
            self._consumer.assign(partitions)
            self._consumer.seek_to_beginning(*partitions)
        except BaseException:
            self._consumer.close()
            raise

    def _partitions(self, topics: list[str], timeout: float) -> list[TopicPartition]:
        deadline = time.monotonic() + timeout
        while True:
            found = {t: self._consumer.partitions_for_topic(t) for t in topics}
            if all(found.values()):
                return [TopicPartition(t, p) for t, parts in found.items() for p in sorted(parts or ())]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no metadata for {[t for t, p in found.items() if not p]}")
            time.sleep(0.1)

    def poll(self, timeout_ms: int = 200) -> list[Message]:
        batches = self._consumer.poll(timeout_ms=timeout_ms)
        now = time.time()
        return [
            Message(m.topic, m.partition, m.offset, m.key, m.value, dict(m.headers or ()), m.timestamp, now)
            for records in batches.values()
            for m in records
        ]

    def read_until(
        self, done: Callable[[list[Message]], bool], timeout: float, alive: Callable[[], bool] = lambda: True
    ) -> list[Message]:
        """Messages read until ``done(messages)`` holds, ``timeout`` passes or ``alive()`` turns false."""
        messages: list[Message] = []
        deadline = time.monotonic() + timeout
        while not done(messages) and time.monotonic() < deadline and alive():
            messages.extend(self.poll())
        return messages

    def close(self) -> None:
        self._consumer.close(autocommit=False)

    def __enter__(self) -> TopicReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
