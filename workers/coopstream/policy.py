"""The error policy, in one place: what coopstream does about each kind of failure.

``on_error(exc, record)`` is asked once per failure and its answer is acted on: by the record
step (``record`` given: one record's decoding or enrichment failed, in the worker and in
``coopstream enrich`` alike) and by the worker loop (``record`` None: a failure of a batch, a
commit, a poll or a transaction). Nothing else decides how to react to an exception.

    failure                                          action
    a record cannot be decoded or validated          DEAD_LETTER: to the DLQ, move on
    the enrichment raised on a record (a bug)        DEAD_LETTER: no poison pill stalls the partition
    a dead letter was not acknowledged               STOP: exit 5, nothing more is committed
    an event or engagement was not acknowledged      STOP: exit 6, nothing more is committed
    the transaction failed (exactly-once)            RETRY: abort, rewind to the last commit, poll again
    the abort failed, or the outputs of a            RECREATE_PRODUCER: new producer (which aborts the
      transaction stayed unacknowledged                old transaction), rewind, poll again
    the transactional producer was fenced            RECREATE_PRODUCER: new producer, rewind, poll again
    an offset commit failed (at-least-once)          CONTINUE: outputs are published, the next commit
                                                     covers them (or the next owner re-delivers them)
    anything else                                    STOP: exit code from ``exits.exit_code_for``
"""

from __future__ import annotations

import enum

from coopstream.errors import (
    AbortFailed,
    CommitFailed,
    DeadLetterUnavailable,
    ProducerFenced,
    ProducerStuck,
    PublishFailed,
    RecordError,
    TransactionFailed,
)


class Action(enum.StrEnum):
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"
    RECREATE_PRODUCER = "recreate_producer"
    CONTINUE = "continue"
    STOP = "stop"


def on_error(exc: BaseException, record: object | None) -> Action:
    """Decide what to do about ``exc``, raised while handling ``record`` (None: outside any one record)."""
    if isinstance(exc, RecordError):
        return Action.DEAD_LETTER
    if isinstance(exc, DeadLetterUnavailable | PublishFailed):
        return Action.STOP
    if isinstance(exc, ProducerFenced | AbortFailed | ProducerStuck):
        return Action.RECREATE_PRODUCER
    if isinstance(exc, TransactionFailed):
        return Action.RETRY
    if isinstance(exc, CommitFailed):
        return Action.CONTINUE
    if record is not None and isinstance(exc, Exception):
        return Action.DEAD_LETTER  # a bug while handling one record: dead-letter it, keep the partition moving
    return Action.STOP
