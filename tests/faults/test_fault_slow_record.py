"""One article takes far longer than the poll interval (a pathological text of about 5 MB, within the size
limit): the worker keeps its consumer in the group meanwhile, so the member is not evicted, a rebalance that
starts in the middle completes, and the article is enriched once.
"""

from __future__ import annotations

import json
import time

import pytest

from support.articles import article_records, ids_of, many_articles
from support.faults import Outcome, Row, committed_total, produce_positions, read_to_end, record
from support.logs import log_events
from support.stack import Stack, metric
from support.waiting import wait_for

pytestmark = pytest.mark.faults

MAX_POLL_INTERVAL_MS = 10000  # the least the settings allow
# 4.99 MB, just inside the default 5 MiB limit: a rank, a name and a country over and over, the costliest
# ordinary pattern per character (about 3-5 µs here), so the article outlasts the poll interval
HUGE_TEXT = "Gen. Jorge Chavez, Peru, " * 199_600


@pytest.mark.parametrize("processes", ["1", "2"], ids=["in-process", "2-enrichment-processes"])
def test_a_record_slower_than_the_poll_interval_keeps_the_member_in_its_group(
    fault_stack: Stack, processes: str
) -> None:
    stack = fault_stack
    stack.partitions = 1  # the second worker gets nothing: the rebalance it starts moves no partition
    stack.create_topics()
    before, after = many_articles(stack.uid + "-a", 20), many_articles(stack.uid + "-b", 20)
    huge = {"id": f"{stack.uid}-huge", "title": "pathological", "text": HUGE_TEXT}
    records = [*article_records(before), (huge["id"].encode(), json.dumps(huge).encode()), *article_records(after)]
    produce_positions(stack.bootstrap, stack.raw, records)
    settings = {"max_poll_interval_ms": str(MAX_POLL_INTERVAL_MS), "batch_size": "20", "enrich_processes": processes}
    busy = stack.worker("busy", group_instance_id="busy-pod", **settings)
    wait_for(lambda: committed_total(stack) >= len(before), 60, "the articles before the huge one")
    time.sleep(2.0)  # the huge article is being enriched now

    newcomer = stack.worker("newcomer", group_instance_id="newcomer-pod", wait=False, **settings)
    rebalance_s = wait_for(
        lambda: newcomer.get("/readyz")[0] == 200,
        MAX_POLL_INTERVAL_MS / 1000,
        "the rebalance started during the huge article to complete",
    )
    wait_for(lambda: committed_total(stack) >= len(records), 180, "every record to be committed", every=0.5)

    slow = [e for e in log_events(busy) if e.get("event") == "batch published"]  # the huge one's is the longest
    huge_s = max((float(e["seconds"]) for e in slow), default=0.0)
    events = read_to_end(stack.bootstrap, [stack.enriched])
    outcome = Outcome.of({x["id"] for x in before + after} | {huge["id"]}, ids_of(events))
    lost_rebalances = metric(busy, "coopstream_rebalances_total", 'kind="lost"')
    record(
        f"slow-record-{processes}",
        Row(
            "slow processing: one ~5 MB pathological article",
            "at-least-once" if processes == "1" else f"at-least-once, {processes} enrichment processes",
            1,
            len(records),
            outcome.records_out,
            len(outcome.lost),
            outcome.duplicated,
            0,
            rebalance_s,
            f"the article took {huge_s:.0f} s with max.poll.interval.ms {MAX_POLL_INTERVAL_MS // 1000} s; a rebalance "
            "started meanwhile completed (time to recover); the member was never evicted",
            order=40 + int(processes),
        ),
    )
    assert huge_s > MAX_POLL_INTERVAL_MS / 1000, f"the huge article took only {huge_s:.1f}s: it proves nothing"
    assert not outcome.lost and outcome.duplicated == 0, outcome
    assert lost_rebalances == 0, busy.log_tail()
    held = [metric(w, "coopstream_assigned_partitions") for w in (busy, newcomer)]
    assert held == [1, 0], f"the busy worker lost its partition: {held}"
    assert busy.alive() and newcomer.alive()
