"""Exit codes of coopstream: each says why a command (above all the worker, ``coopstream run``) stopped.

0    stopped on request (SIGTERM or SIGINT) after draining: everything read was published
     and committed
1    unexpected error (a bug): see the log; nothing unpublished was committed
2    bad command line
3    bad setting or knowledge file: stopped at start-up, before connecting
4    the brokers could not be reached (within connect_timeout_s), refused the login, or a topic
     is missing at start-up; or the consumer's group membership was lost for good
5    a dead letter could not be written: stopped without committing, nothing is lost
6    an event or engagement record was not acknowledged: stopped without committing
7    fenced: another instance took over this worker's transactional id or group instance id
8    stopped on request, but the drain did not finish within drain_timeout_s: the records
     not committed will be delivered again (to this worker's successor)
128+N  a second signal N during the drain: exited at once (130 for SIGINT, 143 for SIGTERM)
"""

from __future__ import annotations

from coopstream.errors import (
    ConfigError,
    DeadLetterUnavailable,
    InstanceFenced,
    KnowledgeError,
    ProducerFenced,
    PublishFailed,
    RecordTooLarge,
    StreamError,
    WorkerStopped,
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_BROKER = 4
EXIT_DLQ_UNAVAILABLE = 5
EXIT_PUBLISH_FAILED = 6
EXIT_FENCED = 7
EXIT_DRAIN_INCOMPLETE = 8
EXIT_SIGNAL_BASE = 128


def exit_code_for(exc: BaseException) -> int:
    """The exit code of a command stopped by ``exc``."""
    if isinstance(exc, WorkerStopped):
        return exc.code
    if isinstance(exc, RecordTooLarge):
        return EXIT_ERROR
    if isinstance(exc, DeadLetterUnavailable):
        return EXIT_DLQ_UNAVAILABLE
    if isinstance(exc, PublishFailed):
        return EXIT_PUBLISH_FAILED
    if isinstance(exc, ProducerFenced | InstanceFenced):
        return EXIT_FENCED
    if isinstance(exc, ConfigError | KnowledgeError):
        return EXIT_CONFIG
    if isinstance(exc, StreamError):
        return EXIT_BROKER
    return EXIT_ERROR
