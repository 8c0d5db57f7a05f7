"""The worker with two enrichment processes, against the real broker: the same events as the offline command (and
as the worker in-process), in the input's order per partition, dead letters with their reasons, the metrics of
the children, and a SIGTERM that drains and leaves no child behind."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest

from coopstream.dev.broker import DevBroker
from support.articles import sample_articles
from support.faults import enrichment_processes, produce_positions, read_to_end
from support.stack import Stack, metric

pytestmark = pytest.mark.integration

COPIES = 6  # the samples over and over, with unique ids: enough records for both children to work at once


def _plain(event: dict[str, Any]) -> dict[str, Any]:
    event = json.loads(json.dumps(event))
    del event["provenance"]["processed_at"]
    return event


def test_two_enrichment_processes_give_the_offline_events_in_order(
    broker: DevBroker, tmp_path_factory: pytest.TempPathFactory
) -> None:
    stack = Stack(broker, tmp_path_factory.mktemp("processes"), f"x{uuid.uuid4().hex[:10]}")
    stack.create_topics()
    base = sample_articles()
    articles = [{**a, "id": f"{a['id']}-{n}"} for n in range(COPIES) for a in base]
    records: list[tuple[bytes | None, bytes | None]] = [(a["id"].encode(), json.dumps(a).encode()) for a in articles]
    records.insert(5, (b"broken", b"{not json"))
    positions = produce_positions(stack.bootstrap, stack.raw, records)
    source = stack.tmp / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")

    worker = stack.worker("two", enrich_processes="2", batch_size="25")
    assert worker.proc is not None
    children = enrichment_processes(worker.proc.pid)
    assert len(children) == 2, children
    deadline = time.monotonic() + 120
    while metric(worker, "coopstream_records_consumed_total") < len(records):
        assert time.monotonic() < deadline, worker.log_tail()
        time.sleep(0.3)
    assert metric(worker, "coopstream_enrich_processes") == 2
    assert metric(worker, "coopstream_dead_letters_total", 'reason="invalid_json"') == 1
    assert worker.terminate() == 0, worker.log_tail()
    time.sleep(0.5)
    assert not [pid for pid in children if _alive(pid)], "an enrichment process outlived its worker"

    events = read_to_end(stack.bootstrap, [stack.enriched])
    letters = read_to_end(stack.bootstrap, [stack.dlq])
    assert [json.loads(m.value or b"{}")["error"]["kind"] for m in letters] == ["invalid_json"]
    # in order per partition: the events of a partition come in the order of their records' offsets
    offset_of = {key: offset for (key, _), (_, offset) in zip(records, positions, strict=True)}
    by_partition: dict[int, list[int]] = {}
    for message in events:
        by_partition.setdefault(message.partition, []).append(offset_of[message.key])
    assert all(offsets == sorted(offsets) for offsets in by_partition.values()), by_partition
    done = subprocess.run(
        [sys.executable, "-m", "coopstream", "enrich", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    offline = {e["article_id"]: _plain(e) for e in map(json.loads, done.stdout.splitlines())}
    online = {json.loads(m.value or b"{}")["article_id"]: _plain(json.loads(m.value or b"{}")) for m in events}
    assert len(events) == len(articles) and online == offline


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
