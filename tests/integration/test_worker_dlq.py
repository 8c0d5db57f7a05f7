"""Bad records go to the dead-letter topic with their reason while good ones around them pass; a
dead-letter topic that refuses writes stops the worker without committing, and nothing is lost."""

from __future__ import annotations

import base64
import json

import pytest

from support.articles import covers, dead_letter_keys, ids_of, many_articles
from support.stack import Stack

pytestmark = pytest.mark.integration

BAD = [
    (b"bad-json", b'{"id": "x", "text": ', "invalid_json"),
    (b"bad-shape", b'["not", "an", "object"]', "invalid_article"),
    (b"no-text", b'{"id": "no-text", "title": "nothing else"}', "invalid_article"),
    (b"bad-utf8", b'{"id": "u", "text": "caf\xe9 au lait"}', "invalid_utf8"),
    (b"oversize", json.dumps({"id": "big", "text": "word " * 1200}).encode(), "oversize"),
    (b"tombstone", None, "empty_record"),
]


def test_bad_records_are_dead_lettered_with_reasons_and_good_ones_pass(stack: Stack) -> None:
    good = many_articles(stack.uid, len(BAD) + 1)
    records: list[tuple[bytes | None, bytes | None]] = []
    for i, article in enumerate(good):
        records.append((article["id"].encode(), json.dumps(article).encode()))
        if i < len(BAD):
            records.append((BAD[i][0], BAD[i][1]))
    stack.produce(records, partition=0)  # one partition: the order around each bad record is kept
    stack.worker(max_record_bytes="4096")
    events = stack.read([stack.enriched], until=len(good))
    letters = stack.read([stack.dlq], until=len(BAD))
    assert sorted(ids_of(events)) == sorted(a["id"] for a in good)
    assert sorted(dead_letter_keys(letters)) == sorted(key.decode() for key, _, _ in BAD)
    for message in letters:
        letter = json.loads(message.value or b"{}")
        _, value, reason = next(b for b in BAD if b[0] == message.key)
        assert letter["error"]["kind"] == reason and message.headers["error_kind"] == reason.encode()
        record = letter["record"]
        assert (record["topic"], record["partition"]) == (stack.raw, 0)
        if value is None:
            assert record["value"] is None
        elif record["value_encoding"] == "base64":
            assert base64.b64decode(record["value"]) == value
        else:
            assert record["value"].encode() == value
    offsets = [json.loads(m.value or b"{}")["record"]["offset"] for m in letters]
    assert sorted(offsets) == [2 * i + 1 for i in range(len(BAD))]


def test_a_dead_letter_topic_that_refuses_writes_stops_the_worker_without_committing(bare_stack: Stack) -> None:
    stack = bare_stack
    stack.create_topics(configs={stack.dlq: {"max.message.bytes": "300"}})  # every dead letter is larger
    good = many_articles(stack.uid, 3)
    stack.produce([(good[0]["id"].encode(), json.dumps(good[0]).encode())], partition=0)
    worker = stack.worker()
    assert len(stack.read([stack.enriched], until=1)) == 1
    assert stack.committed() == {0: 1} or _eventually_committed(stack, {0: 1})
    stack.produce(
        [(b"poison", b"not json at all"), (good[1]["id"].encode(), json.dumps(good[1]).encode())], partition=0
    )
    assert worker.proc is not None
    assert worker.proc.wait(timeout=60) == 5, worker.log_tail()
    assert stack.committed() == {0: 1}  # neither the poison record nor the good one after it

    admin = stack.admin()
    try:
        from kafka.admin import ConfigResource, ConfigResourceType

        roomy = {"max.message.bytes": "1048588"}
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, stack.dlq, configs=roomy)])
    finally:
        admin.close()
    stack.worker("w2")
    letters = stack.read([stack.dlq], until=1)
    events = stack.read([stack.enriched], until=covers({a["id"] for a in good[:2]}))
    assert dead_letter_keys(letters) == ["poison"]
    # at least once: the good record after the poison one may have been published by the first worker
    # before its dead letter failed, and again by the second; nothing is missing
    assert set(ids_of(events)) == {a["id"] for a in good[:2]}


def test_a_missing_topic_stops_start_up_with_exit_code_4(bare_stack: Stack) -> None:
    worker = bare_stack.worker(wait=False)
    assert worker.proc is not None
    assert worker.proc.wait(timeout=60) == 4
    assert "coopstream topics create" in worker.log_tail()


def _eventually_committed(stack: Stack, expected: dict[int, int], timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.committed() == expected:
            return True
        time.sleep(0.2)
    return False
