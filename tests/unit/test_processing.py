"""Enrichment processes (``coopstream.processing``): the order of the outcomes, the time budget, children that
die, the deadline, a start-up that fails; and the worker loop on them with the in-memory fakes."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopstream.errors import KnowledgeError
from coopstream.processing import EnrichmentPool, InProcess, StepRecipe, cpu_count
from coopstream.stream.ports import Kind, Partition, Record
from support import loop as support
from support.children import misbehaving_enrich, recipe


@pytest.fixture
def pool() -> Iterator[EnrichmentPool]:
    p = EnrichmentPool(recipe(), 2, timeout_s=1.0)
    p.keep_alive_every_s = 0.05
    p.start()
    yield p
    p.close()


def _records(*texts: str, partition: int = 0) -> list[Record]:
    return [
        Record("raw", partition, i, f"k{i}".encode(), support.article(f"a{i}", text=t)) for i, t in enumerate(texts)
    ]


def _ids(outcomes: list) -> list[str | None]:  # type: ignore[type-arg]
    return [o.article_id for o in outcomes]


def test_outcomes_come_in_the_input_order_even_when_a_later_record_finishes_first(pool: EnrichmentPool) -> None:
    records = _records("SLEEP 0.5 soldiers trained.", *["soldiers trained together."] * 6)
    outcomes = list(pool.outcomes(records, lambda: False, lambda: None))
    assert _ids(outcomes) == [f"a{i}" for i in range(7)]
    assert all(o.messages[0].kind is Kind.EVENT for o in outcomes)
    assert outcomes[0].seconds >= 0.5 > outcomes[1].seconds


def test_the_same_bytes_as_in_process(pool: EnrichmentPool) -> None:
    records = _records("Soldiers of Ghana trained.", "not json at all", "BOOM enrichment bug")
    records[1] = Record("raw", 0, 1, None, b"not json at all")
    inline = InProcess(recipe().build())
    here = list(inline.outcomes(records, lambda: False, lambda: None))
    there = list(pool.outcomes(records, lambda: False, lambda: None))
    strip = lambda o: [(m.kind, m.topic, m.key, m.headers) for m in o.messages]  # noqa: E731
    assert [strip(o) for o in here] == [strip(o) for o in there]
    assert [o.messages[0].value for o in here[:1]] == [o.messages[0].value for o in there[:1]]
    assert [o.error.kind if o.error else None for o in there] == [None, "invalid_json", "enrichment_error"]


def test_a_record_past_its_time_budget_is_dead_lettered_and_its_child_replaced(pool: EnrichmentPool) -> None:
    records = _records("fine", "SLEEP 30 stuck", "fine too")
    before = set(pool.pids())
    outcomes = list(pool.outcomes(records, lambda: False, lambda: None))
    assert [o.error.kind if o.error else None for o in outcomes] == [None, "timeout", None]
    letter = json.loads(outcomes[1].messages[0].value)
    assert letter["error"]["kind"] == "timeout" and letter["record"]["offset"] == 1
    assert 1.0 <= outcomes[1].seconds < 5.0
    assert pool.restarts["timeout"] == 1 and set(pool.pids()) != before
    # the replacement works
    again = list(pool.outcomes(_records("fine", "fine"), lambda: False, lambda: None))
    assert all(o.error is None for o in again)


def test_a_child_killed_mid_record_is_replaced_and_the_record_retried(pool: EnrichmentPool) -> None:
    records = _records("SLEEP 0.6 one", "SLEEP 0.6 two", "three")
    killed: list[int] = []

    def kill_one() -> None:
        if not killed:
            pid = pool.pids()[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    outcomes = list(pool.outcomes(records, lambda: False, kill_one))
    assert killed and _ids(outcomes) == ["a0", "a1", "a2"]
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    assert pool.restarts["died"] == 1 and killed[0] not in pool.pids()


def test_a_record_that_kills_its_child_once_is_enriched_on_the_retry(pool: EnrichmentPool, tmp_path: Path) -> None:
    marker = tmp_path / "died-once"
    outcomes = list(pool.outcomes(_records(f"EXIT ONCE {marker}", "fine"), lambda: False, lambda: None))
    assert marker.exists() and [o.error for o in outcomes] == [None, None]
    assert pool.restarts["died"] == 1


def test_a_record_that_kills_its_child_twice_is_dead_lettered(pool: EnrichmentPool) -> None:
    outcomes = list(pool.outcomes(_records("fine", "EXIT always", "fine"), lambda: False, lambda: None))
    assert [o.error.kind if o.error else None for o in outcomes] == [None, "enrichment_crashed", None]
    assert pool.restarts["died"] == 2


def test_no_record_is_started_past_the_deadline_and_the_rest_is_left_to_the_caller(pool: EnrichmentPool) -> None:
    records = _records(*["SLEEP 0.2 x"] * 8)
    calls = {"n": 0}

    def past() -> bool:
        calls["n"] += 1
        return calls["n"] > 1  # past the deadline once the first record was handed out

    outcomes = list(pool.outcomes(records, past, lambda: None))
    assert 1 <= len(outcomes) <= 2 and _ids(outcomes) == [f"a{i}" for i in range(len(outcomes))]
    # nothing is left running: the next call starts from idle children
    assert len(list(pool.outcomes(records[:2], lambda: False, lambda: None))) == 2


def test_a_caller_that_stops_early_leaves_no_stale_outcome_behind(pool: EnrichmentPool) -> None:
    it = pool.outcomes(_records("first", "SLEEP 0.5 second", "SLEEP 0.5 third"), lambda: False, lambda: None)
    assert next(it).article_id == "a0"
    it.close()  # e.g. the batch failed while publishing
    outcomes = list(pool.outcomes(_records("x", "y"), lambda: False, lambda: None))
    assert _ids(outcomes) == ["a0", "a1"] and all(o.error is None for o in outcomes)
    assert pool.restarts["abandoned"] >= 1


def test_a_child_that_cannot_load_the_knowledge_stops_the_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "knowledge"
    bad.mkdir()
    (bad / "countries.tsv").write_text("code\tname\n", encoding="utf-8")
    p = EnrichmentPool(StepRecipe(support.TOPICS, 1 << 20, knowledge_dir=bad), 2, timeout_s=5.0)
    with pytest.raises(KnowledgeError, match=r"could not start: KnowledgeError: .*countries\.tsv"):
        p.start()
    assert p.pids() == []


def test_the_worker_loop_on_enrichment_processes_publishes_in_order_and_commits(pool: EnrichmentPool) -> None:
    r = support.rig(partitions=2)
    r.worker.processing = pool
    texts = ["SLEEP 0.3 slow", "quick", "BOOM bug", "quick", "quick", "SLEEP 0.2 slow"]
    for i, text in enumerate(texts):
        r.source.append(support.article(f"a{i}", text=text), key=f"k{i}".encode(), partition=i % 2)
    assert r.worker.run() == 0
    for partition in (0, 1):
        keys = [
            m.key
            for m in r.sink.published
            if m.kind is not Kind.ENGAGEMENT and m.key and int(m.key[1:]) % 2 == partition
        ]
        assert keys == sorted(keys, key=lambda k: int(k[1:]))
    assert r.source.committed == {Partition("raw", 0): 3, Partition("raw", 1): 3}
    assert r.value("coopstream_dead_letters_total", reason="enrichment_error") == 1
    assert r.value("coopstream_events_published_total") == 5


def test_kafka_python_checksums_with_the_c_implementation() -> None:
    from kafka.record import util

    assert util.crc32c_c is not None, "the crc32c package is missing: kafka-python checksums in pure Python"


def test_cpu_count_is_at_least_one() -> None:
    assert 1 <= cpu_count() <= (os.cpu_count() or 1)


def test_the_misbehaving_step_is_ordinary_for_ordinary_texts() -> None:
    raw = support.RawArticle.model_validate({"id": "x", "text": "Soldiers trained."})
    assert misbehaving_enrich(raw, "t").article_id == "x"


def test_the_loop_makes_no_debug_call_when_debug_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A debug line per record costs structlog's machinery even when dropped: the loop does not make the call."""
    import logging

    from coopstream.stream import worker as worker_module

    monkeypatch.setattr(logging.getLogger("coopstream.stream"), "level", logging.INFO)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("log.debug called with debug off")

    monkeypatch.setattr(worker_module.log, "debug", forbidden)
    r = support.rig()
    for i in range(3):
        r.source.append(support.article(f"a{i}"))
    assert r.worker.run() == 0
    assert r.value("coopstream_events_published_total") == 3
