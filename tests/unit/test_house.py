"""The shape of the house: one error tree, one error decision per failure, one owner of the pending
offsets, one record step for ``enrich`` and the worker, and a Kafka shell whose pure modules do not
load the Kafka client."""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import coopstream
from coopstream import errors, policy
from coopstream.errors import CommitFailed, CoopstreamError, EnrichmentFailed, StreamError
from coopstream.exits import EXIT_BROKER, EXIT_OK
from coopstream.observability.logs import configure_logging
from coopstream.schemas import EnrichedEvent, RawArticle
from coopstream.step import RecordStep, Topics
from coopstream.stream.ports import NO_PARTITION, Kind, Partition, Record
from support.loop import TOPICS, article, fake_enrich, rig


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(coopstream.__path__, "coopstream."):
        if info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def test_every_exception_of_the_code_is_in_the_error_tree() -> None:
    defined = {
        obj
        for module in _modules()
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__.startswith("coopstream")
    }
    assert errors.LoginRefused in defined and errors.WorkerStopped in defined  # the walk found them
    drawn = errors.__doc__ or ""
    for cls in defined:
        assert issubclass(cls, CoopstreamError), f"{cls.__module__}.{cls.__name__} is not a CoopstreamError"
        assert cls.__module__ == "coopstream.errors", f"{cls.__name__} is defined outside errors.py"
        assert re.search(rf"(^\s*|── ){cls.__name__}\b", drawn, re.MULTILINE), f"{cls.__name__} is not in the tree"


def test_the_pure_modules_of_the_shell_do_not_load_the_kafka_client() -> None:
    code = (
        "import sys; import coopstream.stream, coopstream.stream.ports, coopstream.stream.worker, "
        "coopstream.step, coopstream.cli; print('kafka' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


class _CountingPolicy:
    """``on_error`` that records each question, answering as the real policy or as told."""

    def __init__(self, answers: dict[type[BaseException], policy.Action] | None = None) -> None:
        self.asked: list[tuple[type[BaseException], bool]] = []
        self.answers = answers or {}

    def __call__(self, exc: BaseException, record: object | None) -> policy.Action:
        self.asked.append((type(exc), record is not None))
        for cls, action in self.answers.items():
            if isinstance(exc, cls):
                return action
        return policy.on_error(exc, record)


def test_one_decision_per_failed_commit_and_its_answer_is_acted_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # the real answer (continue): the offsets stay pending and the next commit covers them
    counting = _CountingPolicy()
    monkeypatch.setattr("coopstream.stream.worker.on_error", counting)
    r = rig()
    r.source.append(article("a0"))
    commit, failures = r.source.commit, []

    def fail_once(offsets: Any, timeout_s: float) -> None:
        if not failures:
            failures.append(offsets)
            raise CommitFailed("refused once by the test")
        commit(offsets, timeout_s)

    r.source.commit = fail_once  # type: ignore[method-assign]
    assert r.worker.run() == EXIT_OK
    assert counting.asked == [(CommitFailed, False)]  # asked once, for the one failure
    assert r.source.committed == {Partition("raw", 0): 1}  # continue: the drain's commit covered it
    # the answer changed to stop: the worker stops with the error's exit code and commits nothing more
    stopping = _CountingPolicy({CommitFailed: policy.Action.STOP})
    monkeypatch.setattr("coopstream.stream.worker.on_error", stopping)
    r = rig()
    r.source.fail_commits = True
    r.source.append(article("a0"))
    assert r.worker.run() == EXIT_BROKER
    assert stopping.asked == [(CommitFailed, False)]
    assert r.source.committed == {} and dict(r.worker.membership.pending) == {}


def test_one_decision_per_failed_record_in_the_record_step(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _CountingPolicy()
    monkeypatch.setattr("coopstream.step.on_error", counting)
    step = RecordStep(fake_enrich, TOPICS, 2048)
    outcome = step.handle(Record("raw", 0, 7, b"k", article("x", text="BOOM here")))
    assert counting.asked == [(ZeroDivisionError, True)]
    assert isinstance(outcome.error, EnrichmentFailed) and outcome.error.kind == "enrichment_error"
    assert [m.kind for m in outcome.messages] == [Kind.DEAD_LETTER]
    # told otherwise, the step does not dead-letter: the failure goes up to the loop
    monkeypatch.setattr("coopstream.step.on_error", _CountingPolicy({ZeroDivisionError: policy.Action.STOP}))
    with pytest.raises(ZeroDivisionError):
        step.handle(Record("raw", 0, 8, b"k", article("y", text="BOOM again")))


def test_the_pending_offsets_have_one_owner() -> None:
    r = rig(commit_interval_ms=600000)
    r.source.append(article("a0"))
    r.source.append(article("a1"))
    r.worker.run()
    pending = r.worker.membership.pending
    with pytest.raises(TypeError):
        pending[Partition("raw", 0)] = 99  # type: ignore[index]
    assert not hasattr(r.worker, "pending")


def _batch_lines(**overrides: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)
    try:
        r = rig(**overrides)
        for i in range(3):
            r.source.append(article(f"a{i}"))
        assert r.worker.run() == EXIT_OK
    finally:
        configure_logging("json", "warning", stream=sys.stderr)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return [line for line in lines if line.get("event") == "batch published"]


def test_the_batch_line_says_whether_its_offsets_are_committed() -> None:
    assert [line["committed"] for line in _batch_lines()] == [True]
    assert [line["committed"] for line in _batch_lines(commit_interval_ms=600000)] == [False]
    assert [line["committed"] for line in _batch_lines(delivery="exactly-once")] == [True]


def _event(raw: RawArticle, processed_at: str) -> EnrichedEvent:
    return fake_enrich(raw, processed_at)


def test_enrich_and_the_worker_give_the_same_bytes_for_an_article() -> None:
    step = RecordStep(_event, Topics("out", "engagements", "dlq"), 2048, clock=lambda: "2026-01-01T00:00:00Z")
    line = article("same")
    from_file = step.handle(Record("in.jsonl", NO_PARTITION, 1, None, line))
    from_topic = step.handle(Record("raw", 3, 41, b"same", line))
    assert [m.value for m in from_file.messages] == [m.value for m in from_topic.messages]
    bad_file = step.handle(Record("in.jsonl", NO_PARTITION, 2, None, b"{nope"))
    letter = json.loads(bad_file.messages[0].value)
    assert (letter["record"]["topic"], letter["record"]["partition"], letter["record"]["offset"]) == (
        "in.jsonl",
        None,
        2,
    )


def test_a_failure_of_a_batch_is_a_stream_error_the_policy_knows() -> None:
    for cls in (errors.AbortFailed, errors.ProducerStuck, errors.ProducerFenced):
        assert issubclass(cls, StreamError)
        assert policy.on_error(cls("x"), None) is policy.Action.RECREATE_PRODUCER
