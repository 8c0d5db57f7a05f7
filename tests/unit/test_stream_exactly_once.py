"""Exactly-once mode against the fakes: one transaction per batch, fencing, aborts and rewinds."""

from __future__ import annotations

from coopstream.errors import ProducerFenced
from coopstream.exits import EXIT_FENCED, EXIT_OK
from coopstream.stream.ports import Partition
from support.loop import article, rig


def test_each_batch_is_one_transaction_carrying_its_offsets() -> None:
    r = rig(delivery="exactly-once", batch_size=2)
    for i in range(5):
        r.source.append(article(f"a{i}"))
    assert r.worker.run() == EXIT_OK
    assert [m.key for m in r.sink.on("out")] == [f"a{i}".encode() for i in range(5)]
    assert r.source.commits == [{Partition("raw", 0): 2}, {Partition("raw", 0): 4}, {Partition("raw", 0): 5}]
    assert r.value("coopstream_commits_total") == 3


def test_a_fenced_producer_is_recreated_and_the_batch_replayed_once() -> None:
    r = rig(delivery="exactly-once")
    for i in range(3):
        r.source.append(article(f"a{i}"))
    r.sink.fence_next_commit = True
    assert r.worker.run() == EXIT_OK
    assert r.sink.recreated == 1
    assert [m.key for m in r.sink.on("out")] == [b"a0", b"a1", b"a2"]  # the aborted attempt left nothing
    assert r.source.committed == {Partition("raw", 0): 3}
    assert r.value("coopstream_commit_failures_total") == 1


def test_a_failed_transaction_is_aborted_rewound_and_retried() -> None:
    r = rig(delivery="exactly-once")
    r.source.append(article("a0"))
    r.source.append(b"bad")
    r.sink.fail_next_commit = True
    assert r.worker.run() == EXIT_OK
    assert r.sink.aborted >= 1 and r.sink.recreated == 0
    assert [m.key for m in r.sink.on("out")] == [b"a0"]
    assert len(r.sink.on("dlq")) == 1
    assert r.value("coopstream_dead_letters_total", reason="invalid_json") == 1  # counted once, not per attempt


def test_fenced_again_right_after_recreating_stops_the_worker() -> None:
    r = rig(delivery="exactly-once", stop_when_idle=False)
    r.source.append(article("a0"))
    recreate = r.sink.recreate

    def recreate_and_get_fenced_again() -> None:
        recreate()
        r.sink.fence_next_commit = True

    r.sink.fence_next_commit = True
    r.sink.recreate = recreate_and_get_fenced_again  # type: ignore[method-assign]
    assert r.worker.run() == EXIT_FENCED
    assert r.source.committed == {}
    assert r.sink.on("out") == []


def test_fence_error_on_a_delivery_is_reported_as_fenced() -> None:
    r = rig(delivery="exactly-once")
    r.source.append(article("a0"))
    send = r.sink.send
    calls = {"n": 0}

    def send_fenced_once(message):  # type: ignore[no-untyped-def]
        delivery = send(message)
        calls["n"] += 1
        if calls["n"] == 1:
            delivery.fail(ProducerFenced("epoch bumped"))
        return delivery

    r.sink.send = send_fenced_once  # type: ignore[method-assign]
    assert r.worker.run() == EXIT_OK
    assert r.sink.recreated == 1
    assert r.source.committed == {Partition("raw", 0): 1}
