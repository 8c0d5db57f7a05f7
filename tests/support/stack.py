"""``Stack``: one test's topics, consumer group and worker processes on a development broker."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coopstream.dev.broker import DevBroker, free_port
from coopstream.dev.process import WorkerProcess, clean_env
from coopstream.dev.reader import Message, TopicReader


@dataclass
class Stack:
    """One test's topics, group and workers on a broker.

    ``security`` holds settings (lower-case names, no prefix) every worker of the stack gets on top of
    the defaults, e.g. the SASL_SSL listener's bootstrap address and login; topics are created and read
    through the broker's PLAINTEXT listener unless told otherwise."""

    broker: DevBroker
    tmp: Path
    uid: str
    partitions: int = 3
    security: dict[str, str] = field(default_factory=dict)
    workers: list[WorkerProcess] = field(default_factory=list)

    @classmethod
    def new(cls, broker: DevBroker, tmp: Path, prefix: str = "t", **fields: Any) -> Stack:
        return cls(broker, tmp, f"{prefix}{uuid.uuid4().hex[:10]}", **fields)

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
    def all(self) -> list[str]:
        return [self.raw, self.enriched, self.engagements, self.dlq]

    @property
    def group(self) -> str:
        return f"{self.uid}-group"

    def env(self, **overrides: str) -> dict[str, str]:
        values = {
            "BOOTSTRAP_SERVERS": self.bootstrap,
            "GROUP_ID": self.group,
            "INPUT_TOPIC": self.raw,
            "OUTPUT_TOPIC": self.enriched,
            "ENGAGEMENTS_TOPIC": self.engagements,
            "DLQ_TOPIC": self.dlq,
            "TOPIC_PARTITIONS": str(self.partitions),
            "METRICS_HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
            "SESSION_TIMEOUT_MS": "6000",
            "MAX_POLL_INTERVAL_MS": "20000",
            "POLL_TIMEOUT_MS": "200",
            "DRAIN_TIMEOUT_S": "10",
            "BATCH_SIZE": "20",
        }
        values.update({k.upper(): v for k, v in self.security.items()})
        values.update({k.upper(): v for k, v in overrides.items()})
        return clean_env({f"COOPSTREAM_{k}": v for k, v in values.items()})

    def admin(self) -> Any:
        from kafka import KafkaAdminClient

        return KafkaAdminClient(bootstrap_servers=self.bootstrap)

    def create_topics(self, configs: dict[str, dict[str, str]] | None = None) -> None:
        admin = self.admin()
        try:
            specs = {
                name: {
                    "num_partitions": self.partitions,
                    "replication_factor": 1,
                    "configs": (configs or {}).get(name, {}),
                }
                for name in self.all
            }
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

    def read(
        self,
        topics: list[str],
        until: int | Callable[[list[Message]], bool],
        timeout: float = 60.0,
        isolation: str = "read_committed",
        bootstrap: str | None = None,
        **options: Any,
    ) -> list[Message]:
        """Messages of ``topics`` from the start, until there are ``until`` of them (or ``until(messages)``)."""
        done = until if callable(until) else (lambda got: len(got) >= until)
        with TopicReader(bootstrap or self.bootstrap, topics, isolation=isolation, **options) as reader:
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


def metric(worker: WorkerProcess, name: str, labels: str = "") -> float:
    """One sample of the worker's /metrics (``labels`` as in the exposition, e.g. ``kind="lost"``); 0 if absent."""
    status, body = worker.get("/metrics")
    series = f"{name}{{{labels}}}" if labels else name
    found = re.search(rf"^{re.escape(series)} (\S+)$", body, re.MULTILINE) if status == 200 else None
    return float(found.group(1)) if found else 0.0
