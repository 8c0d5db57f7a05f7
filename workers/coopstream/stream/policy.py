"""The error policy, in one place: what the worker does about each kind of failure.

``on_error(exc, record)`` is asked by the record processor (``record`` given) and by the
batch runner (``record`` is None for a failure of the whole batch), and answers with an
``Action``; nothing else in the stream code decides how to react to an exception.

    failure                                          action
    a record cannot be decoded or validated          DEAD_LETTER: to the DLQ, move on
    the enrichment raised on a record (a bug)        DEAD_LETTER: no poison pill stalls the partition
    a dead letter was not acknowledged               STOP: exit 5, nothing more is committed
    an event or engagement was not acknowledged      STOP: exit 6, nothing more is committed
    the transaction failed (exactly-once)            RETRY: abort, rewind to the last commit, poll again
    the transactional producer was fenced            RECREATE_PRODUCER: new producer, rewind, poll again
    an offset commit failed (at-least-once)          CONTINUE: outputs are published, the next commit
                                                     covers them (or the next owner re-delivers them)
    anything else                                    STOP: exit 1
"""

from __future__ import annotations

import enum

from coopstream.errors import (
    CommitFailed,
    DeadLetterUnavailable,
    ProducerFenced,
    PublishFailed,
    RecordError,
    TransactionFailed,
)
from coopstream.stream.ports import Record


class Action(enum.StrEnum):
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"
    RECREATE_PRODUCER = "recreate_producer"
    CONTINUE = "continue"
    STOP = "stop"


def on_error(exc: BaseException, record: Record | None) -> Action:
    """Decide what to do about ``exc``, raised while handling ``record`` (or a whole batch)."""
    if isinstance(exc, RecordError):
        return Action.DEAD_LETTER
    if isinstance(exc, DeadLetterUnavailable | PublishFailed):
        return Action.STOP
    if isinstance(exc, ProducerFenced):
        return Action.RECREATE_PRODUCER
    if isinstance(exc, TransactionFailed):
        return Action.RETRY
    if isinstance(exc, CommitFailed):
        return Action.CONTINUE
    if record is not None and isinstance(exc, Exception):
        return Action.DEAD_LETTER  # a bug while handling one record: dead-letter it, keep the partition moving
    return Action.STOP
