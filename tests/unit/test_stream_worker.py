"""The worker loop against in-memory fakes: commits, dead letters, failures, shutdown, metrics."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from coopstream.exits import EXIT_DLQ_UNAVAILABLE, EXIT_OK, EXIT_PUBLISH_FAILED
from coopstream.schemas import SCHEMA_VERSION
from coopstream.stream.ports import Kind, Partition
from support.loop import article, rig


def test_good_records_give_events_and_engagements_then_commit() -> None:
    r = rig()
    for i in range(5):
        r.source.append(article(f"a{i}", title=f"T{i}"), key=f"a{i}".encode())
    assert r.worker.run() == EXIT_OK
    events = r.sink.on("out")
    assert [m.key for m in events] == [f"a{i}".encode() for i in range(5)]
    assert len(r.sink.on("engagements")) == 10
    assert r.sink.on("dlq") == []
    headers = dict(events[0].headers)
    assert headers == {
        "schema_version": SCHEMA_VERSION.encode(),
        "content-type": b"application/json",
        "themes": b"maritime_security,training",
    }
    row = json.loads(r.sink.on("engagements")[1].value)
    assert (row["article_id"], row["index"], row["engagement"]["type"]) == ("a0", 1, "meeting")
    assert r.source.committed == {Partition("raw", 0): 5}
    assert r.source.closed and r.sink.closed


def test_commit_happens_only_after_the_outputs_are_acknowledged() -> None:
    r = rig(batch_size=2)
    for i in range(5):
        r.source.append(article(f"a{i}"))
    seen: list[tuple[dict[Partition, int], int]] = []
    commit = r.source.commit

    def spy(offsets: Mapping[Partition, int], timeout_s: float) -> None:
        seen.append((dict(offsets), len(r.sink.on("out"))))
        commit(offsets, timeout_s)

    r.source.commit = spy  # type: ignore[method-assign]
    assert r.worker.run() == EXIT_OK
    assert seen, "nothing committed"
    for offsets, published in seen:
        assert published >= offsets[Partition("raw", 0)], "an offset was committed before its event was acked"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"{not json", "invalid_json"),
        (b"[1, 2, 3]", "invalid_article"),
        (b'{"id": "x", "title": "no text"}', "invalid_article"),
        (b'{"id": "x", "text": 42}', "invalid_article"),
        (b'{"id": "x", "text": "caf\xe9"}', "invalid_utf8"),
        (article("big", "word " * 1000), "oversize"),
        (None, "empty_record"),
        (article("bug", "this text makes the enrichment BOOM"), "enrichment_error"),
    ],
)
def test_each_bad_record_class_goes_to_the_dlq_and_the_loop_goes_on(value: bytes | None, reason: str) -> None:
    r = rig()
    r.source.append(article("before"), key=b"before")
    r.source.append(value, key=b"bad-key", headers=(("trace", b"t-1"),))
    r.source.append(article("after"), key=b"after")
    assert r.worker.run() == EXIT_OK
    assert [m.key for m in r.sink.on("out")] == [b"before", b"after"]
    (letter,) = r.sink.on("dlq")
    assert letter.key == b"bad-key"
    assert dict(letter.headers)["error_kind"] == reason.encode()
    body = json.loads(letter.value)
    assert body["error"]["kind"] == reason
    assert body["record"]["offset"] == 1 and body["record"]["topic"] == "raw"
    assert body["record"]["headers"] == [{"key": "trace", "value": "t-1", "encoding": "utf-8"}]
    assert r.source.committed == {Partition("raw", 0): 3}
    assert r.value("coopstream_dead_letters_total", reason=reason) == 1


def test_dlq_failure_stops_without_committing() -> None:
    r = rig(batch_size=2)
    r.source.append(article("ok-1"))
    r.source.append(article("ok-2"))
    r.source.append(b"garbage")
    r.source.append(article("ok-3"))
    r.sink.fail_topics = {"dlq"}
    assert r.worker.run() == EXIT_DLQ_UNAVAILABLE
    assert r.source.committed == {Partition("raw", 0): 2}  # the first batch only
    assert r.value("coopstream_produce_failures_total") == 1
    assert r.source.closed


def test_event_publish_failure_stops_without_committing() -> None:
    r = rig()
    r.source.append(article("ok-1"))
    r.sink.fail_topics = {"engagements"}
    assert r.worker.run() == EXIT_PUBLISH_FAILED
    assert r.source.committed == {}


def test_shutdown_flag_finishes_the_batch_drains_and_commits() -> None:
    r = rig(stop_when_idle=False, batch_size=3, commit_interval_ms=600000)
    for i in range(7):
        r.source.append(article(f"a{i}"))

    def stop_after_first_batch(src: object) -> None:
        if r.source.polls == 2:
            r.stop.request("SIGTERM")

    r.source.on_poll = stop_after_first_batch
    assert r.worker.run() == EXIT_OK
    # two polls: the first batch (3), then the stop arrived while the second poll (3 more) was running
    assert len(r.sink.on("out")) == 6
    assert r.source.committed == {Partition("raw", 0): 6}  # published and committed on the way out
    assert r.health.ready() == (False, "stopping")


def test_commit_interval_defers_commits_and_revocation_commits_what_is_done() -> None:
    r = rig(partitions=2, stop_when_idle=False, commit_interval_ms=600000)
    for i in range(4):
        r.source.append(article(f"p0-{i}"), partition=0)
        r.source.append(article(f"p1-{i}"), partition=1)

    def script(src: object) -> None:
        if r.source.polls == 2:
            assert r.source.committed == {}  # interval not reached: nothing committed yet
            r.source.revoke_on_next_poll(1)
        if r.source.polls == 3:
            r.stop.request("test")

    r.source.on_poll = script
    assert r.worker.run() == EXIT_OK
    assert r.source.commits[0] == {Partition("raw", 1): 4}  # the revoked partition, at revocation
    assert r.source.committed == {Partition("raw", 0): 4, Partition("raw", 1): 4}
    assert r.value("coopstream_rebalances_total", kind="revoked") >= 1
    assert r.value("coopstream_rebalances_total", kind="assigned") == 1


def test_failed_commit_is_counted_and_retried() -> None:
    r = rig(stop_when_idle=False)
    r.source.append(article("a"))
    r.source.fail_commits = True

    def script(src: object) -> None:
        if r.source.polls == 3:
            r.source.fail_commits = False
            r.stop.request("test")

    r.source.on_poll = script
    assert r.worker.run() == EXIT_OK
    assert r.value("coopstream_commit_failures_total") == 2
    assert r.source.committed == {Partition("raw", 0): 1}


def test_metrics_count_what_was_published() -> None:
    r = rig(stop_when_idle=False)
    r.source.append(article("a", published_at="2024-01-01"))
    r.source.append(b"nope")
    during: dict[str, float] = {}

    def script(src: object) -> None:
        if r.source.polls == 2:
            during["assigned"] = r.value("coopstream_assigned_partitions")
            during["lag"] = r.value("coopstream_consumer_lag", topic="raw", partition="0")
            r.stop.request("test")

    r.source.on_poll = script
    assert r.worker.run() == EXIT_OK
    assert during == {"assigned": 1, "lag": 0}
    assert r.value("coopstream_assigned_partitions") == 0  # the worker left the group on the way out
    assert r.value("coopstream_records_consumed_total") == 2
    assert r.value("coopstream_events_published_total") == 1
    assert r.value("coopstream_engagements_published_total") == 2
    assert r.value("coopstream_dead_letters_total", reason="invalid_json") == 1
    assert r.value("coopstream_themes_emitted_total", theme="maritime_security") == 1
    assert r.value("coopstream_entities_total", type="person") == 1
    assert r.value("coopstream_articles_by_language_total", language="none") == 1  # the fake core names none
    assert r.value("coopstream_commits_total") >= 1
    assert r.value("coopstream_processing_seconds_count") == 2
    assert r.value("coopstream_end_to_end_seconds_count") == 2
    assert r.value("coopstream_last_poll_timestamp_seconds") > 1.7e9
    assert r.value("coopstream_build_info", version=__import__("coopstream").__version__) == 1


def test_batch_is_cut_short_at_its_time_budget_and_the_rest_comes_back() -> None:
    ticks = iter(range(0, 10_000, 100))  # every clock reading is 100 s later than the previous one
    r = rig(clock=lambda: float(next(ticks)))
    for i in range(3):
        r.source.append(article(f"a{i}"))
    assert r.worker.run() == EXIT_OK
    assert [m.key for m in r.sink.on("out")] == [b"a0", b"a1", b"a2"]  # nothing lost, nothing twice
    assert r.source.committed == {Partition("raw", 0): 3}
    assert r.worker.pacer.size() == 1  # measured: one record takes most of the budget


def test_messages_are_keyed_by_article_id_and_dead_letters_by_the_original_key() -> None:
    r = rig()
    r.source.append(json.dumps({"url": "https://example.org/a", "text": "Some text."}).encode(), key=None)
    r.source.append(b"bad", key=b"k-9")
    assert r.worker.run() == EXIT_OK
    (event,) = r.sink.on("out")
    assert event.key is not None and event.key.startswith(b"url-")
    assert all(m.key == event.key for m in r.sink.on("engagements"))
    assert [m.key for m in r.sink.on("dlq")] == [b"k-9"]
    assert {m.kind for m in r.sink.published} == {Kind.EVENT, Kind.ENGAGEMENT, Kind.DEAD_LETTER}


def test_a_rebalance_that_never_completes_stops_the_worker() -> None:
    now = {"t": 0.0}

    def clock() -> float:
        now["t"] += 5.0  # every reading is 5 s later
        return now["t"]

    r = rig(stop_when_idle=False, clock=clock, max_poll_interval_ms=10_000, session_timeout_ms=6_000)
    r.source.append(article("a"))
    r.source.stable = lambda: False  # type: ignore[method-assign]
    assert r.worker.run() == 4  # stuck past max.poll.interval + session timeout + 30 s: membership lost
    assert r.source.committed == {Partition("raw", 0): 1}  # committed before the stall, nothing after


def test_an_unexpected_error_outside_any_record_exits_1_without_committing_the_batch() -> None:
    r = rig()
    r.source.append(article("a"))

    def broken_flush(timeout_s: float) -> None:
        raise RuntimeError("a bug in the loop")

    r.sink.flush = broken_flush  # type: ignore[method-assign]
    assert r.worker.run() == 1
    assert r.source.committed == {}
    assert r.source.closed  # the group is left; closing the broken sink is attempted and logged
