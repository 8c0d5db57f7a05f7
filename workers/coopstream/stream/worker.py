"""The worker loop: poll, process, publish, flush, commit; nothing else.

At least once (the default), the offsets of a batch are committed only after every output of
its records (events, engagement records, dead letters) is acknowledged with ``acks=all``; with
``commit_interval_ms`` they may wait for a later commit, and are committed before their
partitions are revoked and on the way out. Exactly once, each batch is one transaction that
carries its offsets (``send_offsets_to_transaction`` with the consumer's group metadata).
Every failure outside a single record is handed to ``_failed``, which asks ``policy.on_error`` once and
acts on the answer (commits included); see ``exits`` for how the worker says why it stopped. The offsets
published but not yet committed belong to ``Membership``; the worker adds to them and clears them through it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import NoReturn

from structlog.contextvars import bound_contextvars

from coopstream.config import Settings
from coopstream.errors import (
    CommitFailed,
    CoopstreamError,
    ProducerFenced,
    ProducerStuck,
    PublishFailed,
    StreamError,
    TransactionFailed,
    WorkerStopped,
)
from coopstream.exits import EXIT_DRAIN_INCOMPLETE, EXIT_FENCED, EXIT_OK, exit_code_for
from coopstream.observability.health import Health, stale_bound
from coopstream.observability.logs import get_logger
from coopstream.observability.metrics import Metrics
from coopstream.policy import Action, on_error
from coopstream.processing import InProcess, Processing
from coopstream.step import RecordStep
from coopstream.stream.batch import Batch, first_offsets
from coopstream.stream.membership import Membership, names
from coopstream.stream.pacing import Pacer
from coopstream.stream.ports import DELIVERY_TIMEOUT_S, Partition, Record, Sink, Source, transaction_timeout_s
from coopstream.stream.shutdown import StopFlag

log = get_logger("coopstream.stream")
REFENCE_WINDOW_S = 30.0  # fenced again this soon after recreating the producer: another instance owns the id
KEEP_ALIVE_EVERY_S = 1.0  # waiting this long (on a record, on the brokers): poll (taking nothing) to stay in the group
STALLED_AFTER_S = 5.0  # outputs unacknowledged this long: the brokers are unreachable (or leaderless); not ready
FLUSH_PATIENCE_S = DELIVERY_TIMEOUT_S + 5.0  # the producer gives up on each message before this


class Worker:
    def __init__(
        self,
        settings: Settings,
        source: Source,
        sink: Sink,
        processor: RecordStep | Processing,
        metrics: Metrics,
        health: Health,
        stop: StopFlag,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.s = settings
        self.source, self.sink = source, sink
        # the record step in this process, or enrichment processes beside it (coopstream.processing)
        self.processing: Processing = InProcess(processor) if isinstance(processor, RecordStep) else processor
        self.metrics, self.health, self.stop = metrics, health, stop
        self._clock, self._wall = clock, wall
        self.exactly_once = settings.delivery == "exactly-once"
        stale = stale_bound(settings.health_stale_s, settings.poll_timeout_ms)
        self.pacer = Pacer.for_settings(settings.batch_size, settings.max_poll_interval_ms, stale)
        self.membership = Membership(settings, metrics, health, clock)
        self._last_commit = clock()
        self._last_fence: float | None = None
        self._drain_cut = False
        self.keep_alive_every_s = KEEP_ALIVE_EVERY_S
        self._debug = logging.getLogger("coopstream.stream").isEnabledFor(logging.DEBUG)

    # ------------------------------------------------------------------ the loop

    def run(self) -> int:
        """Run until asked to stop or stopped by a failure; return the exit code."""
        self.source.subscribe(self.membership)
        self.health.watch_brokers(self.source.last_heard)
        code = EXIT_OK
        try:
            while not self.stop.requested:
                try:
                    self.cycle()
                except WorkerStopped:
                    raise
                except Exception as exc:  # a bug too: the batch in hand is not committed
                    self._failed(exc)
            code = self._drain()
        except WorkerStopped as stopped:
            code = stopped.code
        finally:
            self.health.set_stopping()
            self.processing.close()
            self._close()
        log.info("worker stopped", exit_code=code, reason=self.stop.reason)
        return code

    def _close(self) -> None:
        """Leave the group (committing nothing more if frozen) and close the producer."""
        timeout = max(1.0, self.s.drain_timeout_s / 2)
        for close in (self.source.close, self.sink.close):
            try:
                close(timeout)
            except Exception as exc:  # closing is best effort: the offsets are already where they belong
                log.warning("close failed", error=repr(exc))

    def cycle(self) -> None:
        records = self.source.poll(self.pacer.size(), self.s.poll_timeout_ms)
        self.health.polled()
        self.metrics.last_poll.set(self._wall())
        if records:
            self._run_batch(records)  # at least once, its offsets are committed there when due
        elif not self.exactly_once:
            self._commit_if_due()  # a commit interval may have passed meanwhile
        self.membership.observe(self.source)

    def _run_batch(self, records: list[Record]) -> None:
        start = self._clock()
        batch = Batch()
        self.membership.departed.clear()
        try:
            if self.exactly_once:
                self.sink.begin()
            self._process(records, start + self.pacer.budget_s, batch)
            self._await_acknowledgements()
            batch.check()
            gone = self._gone_during(batch)
            if self.exactly_once:
                if gone:  # another member may be processing these records already: this transaction must not count
                    raise TransactionFailed(
                        f"partition(s) {', '.join(names(gone))} were revoked while the batch "
                        "ran; its transaction is aborted and the batch replayed"
                    )
                metadata = self.source.group_metadata()
                with self.health.waiting_on_brokers("the commit of the transaction"):
                    self.sink.commit_transaction(batch.offsets, metadata)
                self.metrics.commits.inc()
            else:  # published; the offsets of partitions given up meanwhile are their new owner's to commit
                self.membership.published(batch.offsets)
        except StreamError as exc:
            self._failed(exc, batch)
            return
        batch.account(self.metrics)
        committed = self.exactly_once or self._commit_if_due()
        elapsed = self._clock() - start
        self.pacer.observe(batch.size, elapsed)
        counts = batch.tally()
        log.info(
            "batch published",
            records=batch.size,
            events=counts["event"],
            engagements=counts["engagement"],
            dead_letters=counts["dead_letter"],
            given_back=batch.given_back,
            seconds=round(elapsed, 4),
            next_batch=self.pacer.size(),
            committed=committed,
        )

    def _process(self, records: list[Record], deadline: float, batch: Batch) -> None:
        """The outcomes of the records, in their order, each sent as it comes; the records the deadline left
        unstarted are handed back."""
        done = 0
        past = lambda: self._clock() >= self._deadline(deadline)  # noqa: E731
        for outcome in self.processing.outcomes(records, past, self._keep_alive):
            record = outcome.record
            deliveries = [self.sink.send(message) for message in outcome.messages]
            if outcome.error is not None:
                with bound_contextvars(topic=record.topic, partition=record.partition, offset=record.offset):
                    log.warning(
                        "record dead-lettered",
                        reason=outcome.error.kind,
                        error=str(outcome.error)[:300],
                        article_id=outcome.article_id,
                    )
            elif self._debug:
                with bound_contextvars(topic=record.topic, partition=record.partition, offset=record.offset):
                    log.debug(
                        "record enriched",
                        article_id=outcome.article_id,
                        themes=list(outcome.themes),
                        entities=len(outcome.entity_types),
                    )
            batch.add(outcome, deliveries)
            done += 1
        if done < len(records):
            self._give_back(records[done:], batch)

    def _keep_alive(self) -> None:
        """A record is taking long: stay in the group (the poll interval) and stay healthy while it runs."""
        self.source.keep_alive()
        self.health.polled()
        self.metrics.last_poll.set(self._wall())

    def _gone_during(self, batch: Batch) -> frozenset[Partition]:
        """The batch's partitions revoked or lost while it ran (only a keep-alive poll can do that), even if they
        came back since: another member may have had them meanwhile."""
        return frozenset(tp for tp in batch.offsets if tp in self.membership.departed)

    def _deadline(self, batch_deadline: float) -> float:
        if self.stop.requested_at is not None:
            return min(batch_deadline, self.stop.requested_at + self.s.drain_timeout_s / 2)
        return batch_deadline

    def _give_back(self, rest: list[Record], batch: Batch) -> None:
        """Hand unprocessed records back: the next poll returns them again."""
        for tp, offset in first_offsets(rest).items():
            self.source.seek(tp, offset)
        batch.given_back = len(rest)
        self._drain_cut = self.stop.requested
        log.info("batch cut short to stay inside the poll interval", given_back=len(rest))

    def _await_acknowledgements(self) -> None:
        """Flush the batch's outputs, as long as the producer keeps retrying them (``FLUSH_PATIENCE_S``): the
        brokers may be restarting, or an output partition without a leader for a while. Meanwhile the loop keeps
        the consumer in its group and /healthz green, shows the wait in ``coopstream_outputs_waiting_seconds`` and on
        /readyz, and after ``STALLED_AFTER_S`` says so once in the log."""
        patience = FLUSH_PATIENCE_S
        if self.exactly_once:  # past this the brokers abort the transaction anyway
            patience = min(patience, transaction_timeout_s(self.s.max_poll_interval_ms))
        began = self._clock()
        stalled = False
        try:
            with self.health.waiting_on_brokers("the acknowledgement of the batch's outputs"):
                while True:
                    try:
                        self.sink.flush(self.keep_alive_every_s)
                        break
                    except PublishFailed as exc:
                        waited = self._clock() - began
                        if waited >= patience:
                            self._give_up_waiting(patience, exc)
                    self._keep_alive()
                    self.metrics.outputs_waiting.set(waited)
                    if waited >= STALLED_AFTER_S and not stalled:
                        log.warning(
                            "waiting for the brokers to acknowledge the batch's outputs",
                            waited_s=round(waited, 1),
                            gives_up_after_s=round(patience),
                        )
                        stalled = True
        finally:
            self.metrics.outputs_waiting.set(0)
        if stalled:
            log.info("the brokers acknowledged the batch's outputs again", waited_s=round(self._clock() - began, 1))

    def _give_up_waiting(self, patience: float, exc: PublishFailed) -> NoReturn:
        """At least once, outputs not acknowledged in time stop the worker (exit 6). Exactly once, the transaction
        can be replayed instead: the policy has the producer (which may be wedged after a broker restart) replaced,
        which aborts its transaction, and the batch goes back to the last committed offsets."""
        if not self.exactly_once:
            raise PublishFailed(f"outputs not acknowledged within {patience:.0f}s: {exc}") from exc
        raise ProducerStuck(
            f"outputs not acknowledged within {patience:.0f}s: the producer is replaced, "
            "its transaction abandoned and the batch replayed"
        ) from exc

    # ------------------------------------------------------------------ failures

    def _failed(self, exc: BaseException, batch: Batch | None = None) -> None:
        """Ask the error policy once about a failure outside any single record, and do what it says.

        Returns when the worker goes on (the policy said continue, retry or recreate the producer, and that was
        done); raises ``WorkerStopped`` with the exit code when the policy said stop."""
        action = on_error(exc, None)
        fields: dict[str, object] = {"error": str(exc), "error_type": type(exc).__name__, "action": action.value}
        if batch is not None:
            failed = len(batch.failures())
            self.metrics.produce_failures.inc(failed)
            fields.update(records=batch.size, failed_outputs=failed)
        if isinstance(exc, CommitFailed) or (batch is not None and action is not Action.STOP):
            self.metrics.commit_failures.inc()  # an offset commit, or a transaction carrying offsets
        if not isinstance(exc, CoopstreamError):
            log.error("unexpected error in the worker loop", exc_info=exc, **fields)
        elif action is Action.CONTINUE:
            log.warning("offset commit failed" if isinstance(exc, CommitFailed) else "failure", **fields)
        else:
            log.error("batch failed" if batch is not None else "poll loop failed", **fields)
        if action is Action.STOP:
            self._freeze()
            raise WorkerStopped(exit_code_for(exc))
        if action is Action.CONTINUE:
            return
        if action is Action.RECREATE_PRODUCER:
            self._recreate_producer(exc, fenced=isinstance(exc, ProducerFenced))
        elif action is Action.RETRY:
            try:
                self.sink.abort()
            except StreamError as failed_abort:  # a failure of its own: asked about on its own
                self._failed(failed_abort)
                return
        with self.health.waiting_on_brokers("the committed offsets"):
            self.source.rewind_to_committed()

    def _recreate_producer(self, exc: BaseException, fenced: bool) -> None:
        now = self._clock()
        if fenced and self._last_fence is not None and now - self._last_fence < REFENCE_WINDOW_S:
            log.error(
                "fenced again right after recreating the producer: another instance uses this transactional id",
                error=str(exc),
            )
            self._freeze()
            raise WorkerStopped(EXIT_FENCED)
        if fenced:
            self._last_fence = now
        log.warning("recreating the producer", error=str(exc), fenced=fenced)
        self.sink.recreate()

    def _freeze(self) -> None:
        self.membership.freeze()
        if self.exactly_once:
            try:
                self.sink.abort()
            except StreamError as exc:  # stopping anyway: the brokers abort the transaction at its timeout
                log.warning("could not abort the open transaction", error=str(exc))

    # ------------------------------------------------------------------ commits

    def _commit_if_due(self, force: bool = False, timeout_s: float | None = None) -> bool:
        """Commit the pending offsets when due; True when nothing published is left uncommitted."""
        pending = self.membership.pending
        if not pending:
            return True
        if self.membership.frozen:
            return False
        interval_ms = self.s.commit_interval_ms
        if not force and interval_ms and (self._clock() - self._last_commit) * 1000 < interval_ms:
            return False
        offsets = dict(pending)
        try:
            with self.health.waiting_on_brokers("an offset commit"):
                self.source.commit(offsets, timeout_s if timeout_s is not None else self.s.drain_timeout_s)
        except CommitFailed as exc:
            self._failed(exc)  # continue: the offsets stay pending, the next commit covers them
            return False
        self.metrics.commits.inc()
        self._last_commit = self._clock()
        self.membership.committed(offsets)
        return not self.membership.pending

    def _drain(self) -> int:
        """The loop saw the stop flag: the last batch is published; commit it within the bound."""
        requested = self.stop.requested_at if self.stop.requested_at is not None else self._clock()
        remaining = max(1.0, requested + self.s.drain_timeout_s - self._clock())
        log.info("draining", reason=self.stop.reason, pending_partitions=len(self.membership.pending))
        committed = self._commit_if_due(force=True, timeout_s=remaining)
        return EXIT_DRAIN_INCOMPLETE if (not committed or self._drain_cut) else EXIT_OK
