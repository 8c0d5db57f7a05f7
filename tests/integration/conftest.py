"""A real Apache Kafka for the session, topics and a consumer group of their own for each test, and the
worker as a separate process (``python -m coopstream run``) with its environment isolated per test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from coopstream.devbroker import DevBroker, free_port
from coopstream.stream.process import WorkerProcess, clean_env
from coopstream.stream.reader import Message, TopicReader

SAMPLES = Path(__file__).resolve().parents[2] / "workers" / "coopstream" / "samples" / "articles.jsonl"
FALLBACK_TEXT = (
    "ACCRA, Ghana (March 4, 2025) -- U.S. Air Force Gen. Thomas Harlow met with Ghanaian Minister of Defense "
    "Yaw Boakye-Danso to discuss maritime security and counterterrorism cooperation."
)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    started = DevBroker(port=free_port(), workdir=tmp_path_factory.mktemp("kafka"))
    try:
        started.start(timeout=90)
        yield started
    finally:
        started.stop()


def sample_articles() -> list[dict[str, Any]]:
    """The bundled samples, or a small generated set while they are not there."""
    if SAMPLES.is_file():
        return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": f"gen-{i}", "title": f"Generated {i}", "text": FALLBACK_TEXT} for i in range(5)]


def many_articles(prefix: str, count: int) -> list[dict[str, Any]]:
    """``count`` articles with unique ids, texts taken from the samples in turn."""
    base = sample_articles()
    return [{**base[i % len(base)], "id": f"{prefix}-{i:05d}"} for i in range(count)]


@dataclass
class Stack:
    """One test's topics, group and workers on the session broker."""

    broker: DevBroker
    tmp: Path
    uid: str
    partitions: int = 3
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def bootstrap(self) -> str:
        return self.broker.bootstrap

    @property
    def raw(self) -> str:
        return f"{self.uid}.raw"

    @property
    def enriched(self) -> str:
        return f"{self.uid}.enriched"

    @property
    def engagements(self) -> str:
        return f"{self.uid}.engagements"

    @property
    def dlq(self) -> str:
        return f"{self.uid}.dlq"

    @property
    def group(self) -> str:
        return f"{self.uid}-group"

    def env(self, **overrides: str) -> dict[str, str]:
        values = {
            "BOOTSTRAP_SERVERS": self.bootstrap, "GROUP_ID": self.group, "INPUT_TOPIC": self.raw,
            "OUTPUT_TOPIC": self.enriched, "ENGAGEMENTS_TOPIC": self.engagements, "DLQ_TOPIC": self.dlq,
            "TOPIC_PARTITIONS": str(self.partitions), "METRICS_HOST": "127.0.0.1", "LOG_FORMAT": "json",
            "SESSION_TIMEOUT_MS": "6000", "MAX_POLL_INTERVAL_MS": "20000", "POLL_TIMEOUT_MS": "200",
            "DRAIN_TIMEOUT_S": "10", "BATCH_SIZE": "20",
        }  # fmt: skip
        values.update({k.upper(): v for k, v in overrides.items()})
        return clean_env({f"COOPSTREAM_{k}": v for k, v in values.items()})

    def admin(self) -> Any:
        from kafka import KafkaAdminClient

        return KafkaAdminClient(bootstrap_servers=self.bootstrap)

    def create_topics(self, configs: dict[str, dict[str, str]] | None = None) -> None:
        admin = self.admin()
        try:
            specs = {
                name: {"num_partitions": self.partitions, "replication_factor": 1,
                       "configs": (configs or {}).get(name, {})}
                for name in (self.raw, self.enriched, self.engagements, self.dlq)
            }  # fmt: skip
            admin.create_topics(specs, timeout_ms=30000)
            admin.wait_for_topics(list(specs), timeout_ms=30000)
        finally:
            admin.close()

    def produce(self, records: list[tuple[bytes | None, bytes | None]], partition: int | None = None) -> None:
        """Publish (key, value) pairs to the input topic and wait for every acknowledgement."""
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5)
        try:
            futures = [producer.send(self.raw, key=k, value=v, partition=partition) for k, v in records]
            producer.flush(30)
            for future in futures:
                future.get(timeout=0)
        finally:
            producer.close()

    def produce_articles(self, articles: list[dict[str, Any]]) -> None:
        self.produce([(a["id"].encode(), json.dumps(a).encode()) for a in articles])

    def worker(self, name: str = "w1", wait: bool = True, **settings: str) -> WorkerProcess:
        port = free_port()
        env = self.env(metrics_port=str(port), **settings)
        process = WorkerProcess([], env, self.tmp / f"{name}.log", port).start()
        self.workers.append(process)
        if wait:
            process.wait_ready(timeout=60)
        return process

    def read(self, topics: list[str], until: int | Callable[[list[Message]], bool], timeout: float = 60.0,
             isolation: str = "read_committed") -> list[Message]:  # fmt: skip
        """Messages of ``topics`` from the start, until there are ``until`` of them (or ``until(messages)``)."""
        done = until if callable(until) else (lambda got: len(got) >= until)
        with TopicReader(self.bootstrap, topics, isolation=isolation) as reader:
            return reader.read_until(done, timeout)

    def read_all(self, topics: list[str], settle: float = 2.0, isolation: str = "read_committed") -> list[Message]:
        """Everything in ``topics`` now (reads for ``settle`` seconds)."""
        return self.read(topics, until=lambda got: False, timeout=settle, isolation=isolation)

    def committed(self) -> dict[int, int]:
        """The group's committed offset per partition of the input topic."""
        admin = self.admin()
        try:
            offsets = admin.list_group_offsets(self.group).get(self.group, {})
        finally:
            admin.close()
        return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == self.raw}


@pytest.fixture
def bare_stack(broker: DevBroker, tmp_path: Path) -> Iterator[Stack]:
    """Names of its own, no topics yet; every worker it started is killed at the end."""
    made = Stack(broker, tmp_path, f"t{uuid.uuid4().hex[:10]}")
    try:
        yield made
    finally:
        for process in made.workers:
            process.kill()


@pytest.fixture
def stack(bare_stack: Stack) -> Stack:
    bare_stack.create_topics()
    return bare_stack


def covers(ids: set[str]) -> Callable[[list[Message]], bool]:
    """A stop condition: every id in ``ids`` was read (duplicates do not count)."""
    return lambda got: ids <= set(ids_of(got))


def ids_of(messages: list[Message]) -> list[str]:
    return [json.loads(m.value or b"{}").get("article_id") for m in messages]


def dead_letter_keys(messages: list[Message]) -> list[str]:
    return [json.loads(m.value or b"{}")["record"]["key"] for m in messages]
