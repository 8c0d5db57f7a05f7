"""The development broker: a real single-node Kafka started, probed, stopped and restarted."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopstream.dev import broker as devbroker
from coopstream.dev.broker import BrokerError, DevBroker, api_versions, free_port, is_ready
from coopstream.dev.broker.__main__ import main as cli

pytestmark = pytest.mark.integration

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    with DevBroker(port=free_port(), workdir=tmp_path_factory.mktemp("kafka")) as started:
        yield started


def _cluster_id(broker: DevBroker) -> str:
    meta = (broker.data_dir / "meta.properties").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in meta if line.startswith("cluster.id="))


def _roundtrip(broker: DevBroker, topic: str, *, transactional: bool = False) -> None:
    kafka = pytest.importorskip("kafka")
    admin = kafka.KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        admin.create_topics([kafka.admin.NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    extra = {"transactional_id": f"tx-{topic}"} if transactional else {}
    producer = kafka.KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", **extra)
    try:
        if transactional:
            producer.init_transactions()
            producer.begin_transaction()
        producer.send(topic, b"kept").get(timeout=30)
        if transactional:
            producer.commit_transaction()
    finally:
        producer.close()


def _read_all(broker: DevBroker, topic: str, expected: int = 1) -> list[bytes]:
    """Committed values of ``topic`` from the start, once ``expected`` of them arrived (or 30 s passed)."""
    kafka = pytest.importorskip("kafka")
    consumer = kafka.KafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    values: list[bytes] = []
    deadline = time.monotonic() + 30
    try:
        while len(values) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(record.value for record in records)
    finally:
        consumer.close()
    return values


def test_broker_answers_api_versions(broker: DevBroker) -> None:
    versions = api_versions(HOST, broker.port)
    assert {0, 1, 3, 18, 22} <= versions.keys()  # produce, fetch, metadata, api versions, init producer id
    assert broker.bootstrap == f"{HOST}:{broker.port}"
    assert broker.pid is not None
    assert "Kafka Server started" in broker.log_path.read_text()


def test_second_broker_on_same_port_is_refused(broker: DevBroker, tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="already in use"):
        DevBroker(port=broker.port, workdir=tmp_path).start(timeout=5)


def test_transactional_producer_on_single_node(broker: DevBroker) -> None:
    topic = f"tx-{uuid.uuid4().hex[:8]}"
    _roundtrip(broker, topic, transactional=True)
    assert _read_all(broker, topic) == [b"kept"]


def test_stop_and_restart_keeps_data(broker: DevBroker) -> None:
    topic = f"kept-{uuid.uuid4().hex[:8]}"
    _roundtrip(broker, topic)
    cluster = _cluster_id(broker)
    broker.stop()
    assert broker.pid is None
    assert not is_ready(HOST, broker.port, timeout=1)
    broker.restart()
    assert is_ready(HOST, broker.port)
    assert _cluster_id(broker) == cluster  # same store, not formatted again
    assert _read_all(broker, topic) == [b"kept"]


def test_cli_status_and_down_without_record(
    broker: DevBroker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COOPSTREAM_CACHE_DIR", str(tmp_path))
    assert cli(["status", "--port", str(broker.port)]) == 0
    assert "not started by devbroker" in capsys.readouterr().out
    assert cli(["down", "--port", str(broker.port)]) == 0
    assert "No Kafka broker recorded" in capsys.readouterr().out
    assert cli(["status", "--port", str(free_port())]) == 1


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(BrokerError, match=r"^java not found: install a Java 17\+ runtime"):
        DevBroker(port=free_port(), workdir=tmp_path / "work").start(timeout=5)
    with pytest.raises(BrokerError, match="not found: install"):
        devbroker.fetch(tmp_path / "cache")


def test_killed_broker_comes_back_with_its_data(broker: DevBroker) -> None:
    topic = f"killed-{uuid.uuid4().hex[:8]}"
    _roundtrip(broker, topic)
    broker.kill()
    assert broker.pid is None
    broker.start()  # the controller first waits out the dead broker's session (about 10 s)
    assert _read_all(broker, topic) == [b"kept"]
