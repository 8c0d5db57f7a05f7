"""Faults of the enrichment processes (``COOPSTREAM_ENRICH_PROCESSES=2``): a child SIGKILLed in mid-batch,
again and again, and a record that runs past its time budget. The worker itself never stops; nothing is lost;
exactly once, nothing is duplicated either.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter

import pytest

from support.articles import article_records, ids_of, many_articles
from support.faults import Outcome, Row, committed_total, enrichment_processes, produce_positions, read_to_end, record
from support.stack import Stack, metric
from support.waiting import wait_for

pytestmark = pytest.mark.faults

KILLS = 3
# about 150 KB: a rank, a name and a country over and over, the costliest ordinary pattern per character;
# an article of this kind keeps a child busy for the better part of a second
MEDIUM_TEXT = "Gen. Jorge Chavez, Peru, " * 6_000
BIG_TEXT = "Gen. Jorge Chavez, Peru, " * 40_000  # about 1 MB: several seconds, past a budget of 2 s


def _articles(stack: Stack, count: int, every: int) -> list[dict[str, object]]:
    """``count`` ordinary articles with a medium-sized costly one every ``every``, so that children are busy."""
    articles: list[dict[str, object]] = list(many_articles(stack.uid, count))
    for i in range(0, count, every):
        articles[i] = {"id": articles[i]["id"], "title": "costly", "text": MEDIUM_TEXT}
    return articles


@pytest.mark.parametrize("delivery", ["at-least-once", "exactly-once"])
def test_children_sigkilled_mid_batch_are_replaced_and_their_records_retried(fault_stack: Stack, delivery: str) -> None:
    stack = fault_stack
    stack.partitions = 3
    stack.create_topics()
    articles = _articles(stack, 800, every=10)
    produce_positions(stack.bootstrap, stack.raw, article_records(articles))  # type: ignore[arg-type]
    worker = stack.worker("children", batch_size="50", delivery=delivery, enrich_processes="2")
    assert worker.proc is not None
    wait_for(lambda: metric(worker, "coopstream_records_consumed_total") > 0, 60, "the first batch")
    killed: list[int] = []
    for kill in range(1, KILLS + 1):
        assert committed_total(stack) < len(articles), "the stream ended before the kills: make it longer"
        children = enrichment_processes(worker.proc.pid)
        assert len(children) >= 2, f"expected two enrichment processes, found {children}"
        os.kill(children[0], signal.SIGKILL)  # the oldest: working (a replacement may still be loading)
        killed.append(children[0])
        wait_for(
            lambda n=kill: metric(worker, "coopstream_enrich_process_restarts_total", 'cause="died"') >= n,
            30,
            f"the replacement of child {kill}",
        )
        # the batch the kill hit is published, its record retried, before the next kill
        consumed = metric(worker, "coopstream_records_consumed_total")
        wait_for(lambda c=consumed: metric(worker, "coopstream_records_consumed_total") >= c + 60, 60, "progress")
    wait_for(lambda: committed_total(stack) >= len(articles), 180, "every record to be committed", every=0.5)
    assert worker.alive(), worker.log_tail()
    died = metric(worker, "coopstream_enrich_process_restarts_total", 'cause="died"')
    events = read_to_end(stack.bootstrap, [stack.enriched])
    letters = read_to_end(stack.bootstrap, [stack.dlq])
    reasons = Counter(json.loads(m.value or b"{}")["error"]["kind"] for m in letters)
    lettered = {json.loads(m.value or b"{}")["record"]["key"] for m in letters}
    expected = {str(a["id"]) for a in articles}
    outcome = Outcome.of(expected - lettered, ids_of(events))
    record(
        f"enrich-children-killed-{delivery}",
        Row(
            "enrichment process SIGKILLed in mid-batch (worker with 2)",
            delivery,
            KILLS,
            len(articles),
            outcome.records_out + len(letters),
            len(outcome.lost),
            outcome.duplicated,
            0,
            None,
            f"{int(died)} children replaced, the worker never stopped; the record each held was retried on another "
            f"and enriched; dead letters: {dict(reasons) or 'none'}",
            order=70 + (delivery == "exactly-once"),
        ),
    )
    assert died == KILLS, worker.log_tail()
    assert not reasons, f"a retried record was dead-lettered: {reasons}"
    assert not outcome.lost, sorted(outcome.lost)[:10]
    if delivery == "exactly-once":
        assert outcome.duplicated == 0
    else:
        assert outcome.duplicated == 0, "a retried record was published twice"  # no worker restart: no replay


def test_a_record_past_its_time_budget_is_dead_lettered_and_its_partition_moves_on(fault_stack: Stack) -> None:
    stack = fault_stack
    stack.partitions = 1  # one partition: the records after the big one wait for it unless it is cut short
    stack.create_topics()
    before, after = many_articles(stack.uid + "-a", 30), many_articles(stack.uid + "-b", 30)
    big = {"id": f"{stack.uid}-big", "title": "pathological", "text": BIG_TEXT}
    records = [*article_records(before), (big["id"].encode(), json.dumps(big).encode()), *article_records(after)]
    produce_positions(stack.bootstrap, stack.raw, records)
    worker = stack.worker("budget", batch_size="20", enrich_processes="2", record_timeout_s="2")
    started = time.monotonic()
    wait_for(lambda: committed_total(stack) >= len(records), 120, "every record to be committed", every=0.2)
    elapsed = time.monotonic() - started
    letters = read_to_end(stack.bootstrap, [stack.dlq])
    events = read_to_end(stack.bootstrap, [stack.enriched])
    outcome = Outcome.of({a["id"] for a in before + after}, ids_of(events))
    reasons = [json.loads(m.value or b"{}")["error"]["kind"] for m in letters]
    timeouts = metric(worker, "coopstream_enrich_process_restarts_total", 'cause="timeout"')
    record(
        "enrich-record-timeout",
        Row(
            "a record past its time budget (~1 MB pathological article, budget 2 s)",
            "at-least-once, 2 enrichment processes",
            1,
            len(records),
            outcome.records_out + len(letters),
            len(outcome.lost),
            outcome.duplicated,
            0,
            None,
            f"dead-lettered with reason {', '.join(reasons) or 'none'}; its child killed and replaced; all "
            f"{len(records)} records committed {elapsed:.0f} s after the start",
            order=72,
        ),
    )
    assert reasons == ["timeout"], reasons
    assert json.loads(letters[0].value or b"{}")["record"]["key"] == big["id"]
    assert timeouts == 1
    assert not outcome.lost and outcome.duplicated == 0, outcome
    assert worker.alive(), worker.log_tail()
