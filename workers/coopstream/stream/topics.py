"""``coopstream topics create``: the four topics with partitions and replication from the settings.

Idempotent: topics that exist are left as they are (and reported with their partition count).
The worker never relies on the broker creating topics on first use.
"""

from __future__ import annotations

import argparse
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from coopstream.config import Settings, add_flags, load_settings
from coopstream.errors import StreamError
from coopstream.stream.clients import check_login, connection_options, topic_names

CONNECTION_SETTINGS = (
    "bootstrap_servers", "client_id", "security_protocol", "sasl_mechanism", "sasl_username", "sasl_password",
    "ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password", "ssl_check_hostname",
)  # fmt: skip
TOPIC_SETTINGS = ("input_topic", "output_topic", "engagements_topic", "dlq_topic")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("topics", help="manage the worker's topics")
    actions = p.add_subparsers(dest="topics_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create the input, output, engagements and dead-letter topics (idempotent)",
        description="Create the four topics with the configured partitions and replication factor; "
        "topics that already exist are left alone.",
    )
    add_flags(create, only=CONNECTION_SETTINGS + TOPIC_SETTINGS + ("topic_partitions", "topic_replication"))
    create.set_defaults(func=cmd_create)


def cmd_create(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    for topic, state in create_topics(settings).items():
        print(f"{topic}: {state}")
    return 0


def _admin(settings: Settings) -> Any:
    check_login(settings)  # a refused login or an untrusted certificate stops here, with the reason
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
    """Create what is missing; return each topic's state (``created`` or ``exists, N partitions``)."""
    names = list(dict.fromkeys(topic_names(settings)))
    admin = _admin(settings)
    try:
        existing = _partition_counts(admin, names)
        wanted = {
            name: {"num_partitions": settings.topic_partitions, "replication_factor": settings.topic_replication}
            for name in names
            if name not in existing
        }
        states = {name: f"exists, {count} partition(s)" for name, count in existing.items()}
        if wanted:
            response = admin.create_topics(wanted, timeout_ms=30000, raise_errors=False)
            for topic in response.get("topics", []):
                error = for_code(topic.get("error_code", 0))
                if topic.get("error_code", 0) == 0 or error is TopicAlreadyExistsError:
                    states[topic["name"]] = "created" if topic.get("error_code", 0) == 0 else "exists"
                else:
                    raise StreamError(f"could not create {topic['name']}: {error.__name__}: "
                                      f"{topic.get('error_message') or ''}".rstrip(": "))
            admin.wait_for_topics(list(wanted), timeout_ms=30000)
        return {name: states.get(name, "unknown") for name in names}
    except KafkaError as exc:
        raise StreamError(f"topic creation failed: {exc!r}") from exc
    finally:
        admin.close()


def missing_topics(settings: Settings) -> list[str]:
    """Which of the worker's four topics do not exist."""
    names = list(dict.fromkeys(topic_names(settings)))
    admin = _admin(settings)
    try:
        existing = _partition_counts(admin, names)
    except KafkaError as exc:
        raise StreamError(f"cannot describe the topics: {exc!r}") from exc
    finally:
        admin.close()
    return [name for name in names if name not in existing]
