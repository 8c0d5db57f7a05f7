"""Errors of coopstream, one root for all of them.

    CoopstreamError
    ├── ConfigError              a bad setting or flag: the program stops at start-up naming it
    ├── KnowledgeError           a knowledge file is missing or malformed
    ├── RecordError              one input record cannot be processed (it becomes a dead letter)
    │   ├── DecodeError          not UTF-8, not JSON, a lone surrogate, empty
    │   ├── InvalidArticle       JSON of the wrong shape (not an object, missing text, wrong types, ...)
    │   ├── OversizeRecord       over the configured size limit
    │   ├── EnrichmentFailed     the enrichment raised: a bug, kept from becoming a poison pill
    │   ├── RecordTimeout        the enrichment ran past COOPSTREAM_RECORD_TIMEOUT_S (its process was killed)
    │   └── EnrichmentCrashed    the enrichment process died on the record, twice
    ├── StreamError              the broker side failed
    │   ├── BrokerUnreachable    no bootstrap server answered at start-up (address and cause named)
    │   ├── LoginRefused         the brokers refused the TLS handshake or the SASL login
    │   ├── RecordTooLarge       ``coopstream produce``: a line over the size limit (its line number named)
    │   ├── DeadLetterUnavailable  a dead letter was not acknowledged: stop without committing
    │   ├── PublishFailed        an event or engagement record was not acknowledged: stop without committing
    │   ├── CommitFailed         an offset commit failed: the next commit (or the next owner) covers it
    │   ├── TransactionFailed    an exactly-once transaction failed: abort, rewind and retry
    │   │   ├── AbortFailed      the abort itself failed: the producer is replaced
    │   │   └── ProducerStuck    outputs unacknowledged for the transaction timeout: replace the producer
    │   ├── ProducerFenced       the transactional producer was fenced: recreate it, rewind and retry
    │   └── InstanceFenced       another consumer joined with this worker's group instance id: stop
    ├── WorkerStopped            the error policy stopped the worker; carries the exit code
    └── BrokerError              the development broker could not be fetched, started or stopped

Library errors are wrapped with ``raise ... from exc`` so the cause stays visible. What the
worker does about each of them is decided in one place, ``coopstream.policy.on_error``.
"""

from __future__ import annotations


class CoopstreamError(Exception):
    """Root of every error coopstream raises on purpose."""


class ConfigError(CoopstreamError):
    pass


class KnowledgeError(CoopstreamError):
    pass


class RecordError(CoopstreamError):
    """One record cannot be processed; ``kind`` is the dead-letter reason code."""

    kind = "invalid_record"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with its kind (the outcome of a record crosses from an enrichment process to the worker)."""
        return (_rebuild_record_error, (type(self), str(self), self.kind))


def _rebuild_record_error(cls: type[RecordError], message: str, kind: str) -> RecordError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.kind = kind
    return error


class DecodeError(RecordError):
    def __init__(self, message: str, kind: str = "invalid_json") -> None:
        super().__init__(message)
        self.kind = kind


class InvalidArticle(RecordError):
    kind = "invalid_article"


class OversizeRecord(RecordError):
    kind = "oversize"


class EnrichmentFailed(RecordError):
    kind = "enrichment_error"


class RecordTimeout(RecordError):
    kind = "timeout"


class EnrichmentCrashed(RecordError):
    kind = "enrichment_crashed"


class StreamError(CoopstreamError):
    pass


class BrokerUnreachable(StreamError):
    pass


class LoginRefused(StreamError):
    """The brokers refused the TLS handshake or the SASL login: a setting is wrong, retrying will not help."""


class RecordTooLarge(StreamError):
    pass


class DeadLetterUnavailable(StreamError):
    pass


class PublishFailed(StreamError):
    pass


class CommitFailed(StreamError):
    pass


class TransactionFailed(StreamError):
    pass


class AbortFailed(TransactionFailed):
    pass


class ProducerStuck(TransactionFailed):
    pass


class ProducerFenced(StreamError):
    pass


class InstanceFenced(StreamError):
    pass


class WorkerStopped(CoopstreamError):
    """Raised inside the worker when the error policy says stop; ``code`` is the process's exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class BrokerError(CoopstreamError):
    """The development broker could not be fetched, started or stopped."""
