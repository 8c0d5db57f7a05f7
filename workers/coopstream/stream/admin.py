"""The worker's four topics on the brokers: which exist, and creating them with limits that fit the settings.

A raw article may be up to ``max_record_bytes``; its enriched event, engagement records and dead letter
are larger (a dead letter carries the whole original record, JSON-escaped or base64), so the output
topics accept twice that. The producers' ``max_request_size`` is the same number. Topics that exist are
left as they are; the worker never relies on the broker creating topics on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from coopstream.config import Settings
from coopstream.errors import StreamError
from coopstream.stream.clients import connection_options, topic_names
from coopstream.stream.preflight import preflight

BATCH_OVERHEAD_BYTES = 64 * 1024  # record batch header, key and headers around the largest value


def input_limit_bytes(s: Settings) -> int:
    """``max.message.bytes`` of the input topic: the largest raw article accepted, with room around it."""
    return s.max_record_bytes + BATCH_OVERHEAD_BYTES


def output_limit_bytes(s: Settings) -> int:
    """``max.message.bytes`` of the output topics and the producers' ``max_request_size``."""
    return max(1024 * 1024, 2 * s.max_record_bytes) + BATCH_OVERHEAD_BYTES


def topic_configs(s: Settings) -> dict[str, dict[str, str]]:
    """The configuration each topic is created with."""
    out = str(output_limit_bytes(s))
    configs = {name: {"max.message.bytes": out} for name in topic_names(s)}
    configs[s.input_topic] = {"max.message.bytes": str(input_limit_bytes(s))}
    return configs


def _admin(settings: Settings, stop: Callable[[], bool] | None = None) -> Any:
    preflight(settings, stop)  # unreachable, unresolvable, a refused login: one line naming the address
    try:
        return KafkaAdminClient(**connection_options(settings))
    except KafkaError as exc:
        raise StreamError(f"cannot reach the brokers at {settings.bootstrap_servers}: {exc!r}") from exc


def _partition_counts(admin: Any, names: list[str]) -> dict[str, int]:
    """Partition count of each of ``names`` that exists."""
    found: dict[str, int] = {}
    for topic in admin.describe_topics(names):
        if topic.get("error_code", 0) == 0 and topic.get("name") in names:
            found[topic["name"]] = len(topic.get("partitions") or [])
    return found


def create_topics(settings: Settings) -> dict[str, str]:
    """Create what is missing; return each topic's state (``created, ...`` or ``exists, N partitions``)."""
    names = list(dict.fromkeys(topic_names(settings)))
    configs = topic_configs(settings)
    admin = _admin(settings)
    try:
        existing = _partition_counts(admin, names)
        wanted = {
            name: {
                "num_partitions": settings.topic_partitions,
                "replication_factor": settings.topic_replication,
                "configs": configs[name],
            }
            for name in names
            if name not in existing
        }
        states = {name: f"exists, {count} partition(s)" for name, count in existing.items()}
        if wanted:
            response = admin.create_topics(wanted, timeout_ms=30000, raise_errors=False)
            for topic in response.get("topics", []):
                code = topic.get("error_code", 0)
                error = for_code(code)
                name = topic["name"]
                if code == 0:
                    states[name] = (
                        f"created, {settings.topic_partitions} partition(s), replication "
                        f"{settings.topic_replication}, max.message.bytes {configs[name]['max.message.bytes']}"
                    )
                elif error is TopicAlreadyExistsError:
                    states[name] = "exists"
                else:
                    detail = f"{error.__name__}: {topic.get('error_message') or ''}".rstrip(": ")
                    raise StreamError(f"could not create {name}: {detail}")
            admin.wait_for_topics(list(wanted), timeout_ms=30000)
        return {name: states.get(name, "unknown") for name in names}
    except KafkaError as exc:
        raise StreamError(f"topic creation failed: {exc!r}") from exc
    finally:
        admin.close()


def missing_topics(settings: Settings, stop: Callable[[], bool] | None = None) -> list[str]:
    """Which of the worker's four topics do not exist."""
    names = list(dict.fromkeys(topic_names(settings)))
    admin = _admin(settings, stop)
    try:
        existing = _partition_counts(admin, names)
    except KafkaError as exc:
        raise StreamError(f"cannot describe the topics: {exc!r}") from exc
    finally:
        admin.close()
    return [name for name in names if name not in existing]
