"""Over a thousand malformed records interleaved with good ones, then the hostile but valid giants: every bad
record lands in the dead-letter topic with its reason and its original bytes, every good one is enriched, the
worker never stops, and the good articles' throughput does not collapse among the bad ones.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from coopstream.dev.reader import Message
from support.faults import Row, committed_total, produce_positions, read_to_end, record
from support.logs import log_events
from support.poison import Case, bad_records, hostile_large, hostile_small, ordinary_articles
from support.stack import Stack
from support.waiting import wait_for

pytestmark = pytest.mark.faults

SEED = 5
PARTITIONS = 3
GOOD = 300
# Good articles per second among the poison, at least this share of the rate without it. Among the poison three
# records in four are bad, and each still costs a dead letter to write and acknowledge, so the good ones' rate
# drops (by about half on two cores) while the rate of records rises; a collapse would be far below this.
THROUGHPUT_FLOOR = 1 / 3


def _publish(stack: Stack, cases: list[Case], offset: int) -> dict[tuple[int, int], Case]:
    positions = produce_positions(
        stack.bootstrap,
        stack.raw,
        [(c.key, c.value) for c in cases],
        headers=[c.headers or None for c in cases],
        partitions=[(offset + i) % PARTITIONS for i in range(len(cases))],
    )
    return dict(zip(positions, cases, strict=True))


def _run_phase(stack: Stack, cases: list[Case], at: dict[tuple[int, int], Case]) -> float:
    """Publish ``cases`` and return the seconds until the worker has committed all of them."""
    done = committed_total(stack) + len(cases)
    started = time.monotonic()
    at.update(_publish(stack, cases, len(at)))
    wait_for(lambda: committed_total(stack) >= done, 240, "the phase's records to be committed", every=0.2)
    return time.monotonic() - started


def _original(text: str | None, encoding: str) -> bytes | None:
    if text is None:
        return None
    return base64.b64decode(text) if encoding == "base64" else text.encode()


def _label(cls: str, good: bool) -> str:
    if cls == "ordinary article":
        return "good input: ordinary articles, alone then among the bad ones"
    return f"hostile but valid: {cls}" if good else f"bad input: {cls}"


def _check_letter(case: Case, letter: dict[str, Any]) -> None:
    source = letter["record"]
    assert letter["error"]["kind"] in case.reasons, (case.cls, letter["error"])
    assert _original(source["value"], source["value_encoding"]) == case.value, case.cls
    assert _original(source["key"], source["key_encoding"]) == case.key, case.cls
    headers = [(h["key"], _original(h["value"], h["encoding"])) for h in source["headers"]]
    assert headers == case.headers, case.cls


@pytest.mark.parametrize("processes", ["1", "2"], ids=["in-process", "2-enrichment-processes"])
def test_poison_corpus_goes_to_the_dlq_with_reasons_and_good_articles_are_enriched(
    fault_stack: Stack, processes: str
) -> None:
    stack = fault_stack
    stack.partitions = PARTITIONS
    stack.create_topics()
    rng = random.Random(SEED)
    worker = stack.worker("poison", group_instance_id="poison-pod", batch_size="50", enrich_processes=processes)
    at: dict[tuple[int, int], Case] = {}

    clean = ordinary_articles(stack.uid + "-clean", GOOD)
    clean_s = _run_phase(stack, clean, at)
    bad = bad_records(stack.uid)
    good_among = ordinary_articles(stack.uid + "-mixed", GOOD) + hostile_small(stack.uid, rng)
    mixed = bad + good_among
    rng.shuffle(mixed)
    mixed_s = _run_phase(stack, mixed, at)
    large = hostile_large(stack.uid)
    large_s = _run_phase(stack, large, at)

    letters = read_to_end(stack.bootstrap, [stack.dlq])
    events = read_to_end(stack.bootstrap, [stack.enriched])
    outputs: dict[tuple[int, int], list[Message]] = defaultdict(list)
    for message in letters:
        source = json.loads(message.value or b"{}")["record"]
        outputs[(source["partition"], source["offset"])].append(message)
    position_of = {case.article_id: position for position, case in at.items() if case.good}
    for message in events:
        article_id = json.loads(message.value or b"{}")["article_id"]
        outputs[position_of.get(article_id, (-1, -1))].append(message)
    assert not outputs.get((-1, -1)), "an event for an article nobody sent"

    by_class: dict[str, list[tuple[Case, list[Message]]]] = defaultdict(list)
    for position, case in at.items():
        by_class[case.cls].append((case, outputs.get(position, [])))
    clean_rate, mixed_rate = GOOD / clean_s, len(good_among) / mixed_s
    if processes != "1":  # one row for the whole corpus: the per-class rows are those of the in-process run
        everything = [(case, ms) for found in by_class.values() for case, ms in found]
        reasons = Counter(
            json.loads(m.value or b"{}")["error"]["kind"] for _, ms in everything for m in ms if m.topic == stack.dlq
        )
        record(
            f"poison-processes-{processes}",
            Row(
                "poison corpus, every class above, one run",
                f"at-least-once, {processes} enrichment processes",
                len(everything),
                len(everything),
                sum(len(ms) for _, ms in everything),
                sum(1 for _, ms in everything if not ms),
                sum(len(ms) - 1 for _, ms in everything if len(ms) > 1),
                0,
                None,
                f"{sum(reasons.values())} dead letters in {len(reasons)} reasons; {mixed_rate:.0f} good articles/s "
                f"among the poison vs {clean_rate:.0f}/s without ({mixed_rate / clean_rate:.0%}); the three giants "
                f"took {large_s:.0f} s together",
                order=80,
            ),
        )
    for order, (cls, found) in enumerate(sorted(by_class.items(), key=lambda kv: (kv[1][0][0].good, kv[0]))):
        reasons = Counter(
            json.loads(m.value or b"{}")["error"]["kind"] for _, ms in found for m in ms if m.topic == stack.dlq
        )
        good = found[0][0].good
        notes = "enriched" if good else "dead letters: " + ", ".join(f"{k} {n}" for k, n in sorted(reasons.items()))
        if cls == "ordinary article":
            notes += (
                f"; {mixed_rate:.0f} good articles/s among the poison ({len(mixed) / mixed_s:.0f} records/s) vs "
                f"{clean_rate:.0f}/s without ({mixed_rate / clean_rate:.0%})"
            )
        elif any(case in large for case, _ in found):
            notes += f"; the three giants took {large_s:.0f} s together"
        if processes != "1":
            break
        record(
            f"poison-{order:02d}",
            Row(
                _label(cls, good),
                "at-least-once",
                len(found),
                len(found),
                sum(len(ms) for _, ms in found),
                sum(1 for _, ms in found if not ms),
                sum(len(ms) - 1 for _, ms in found if len(ms) > 1),
                0,
                None,
                notes,
                order=60 + order,
            ),
        )

    assert len(bad) >= 1000
    for cls, found in by_class.items():
        for case, messages in found:
            assert messages, f"{cls}: a record has no output"
            assert all(m.topic == (stack.enriched if case.good else stack.dlq) for m in messages), cls
            if case.good:
                assert all(m.key == (case.article_id or "").encode() for m in messages), cls
            else:
                _check_letter(case, json.loads(messages[0].value or b"{}"))
    assert worker.alive(), worker.log_tail()
    assert not [e for e in log_events(worker) if e.get("event") == "worker stopped"], "the worker stopped"
    assert mixed_rate >= THROUGHPUT_FLOOR * clean_rate, (mixed_rate, clean_rate)
