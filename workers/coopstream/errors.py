"""Errors of coopstream, one root for all of them.

    CoopstreamError
    ├── ConfigError          a bad setting or flag: the program stops at start-up naming it
    ├── KnowledgeError       a knowledge file is missing or malformed
    ├── RecordError          one input record cannot be processed (it goes to the dead-letter topic)
    │   ├── DecodeError      not UTF-8, not JSON, not an object
    │   ├── InvalidArticle   JSON object of the wrong shape (missing text, wrong types, ...)
    │   ├── OversizeRecord   over the configured size limit
    │   └── EnrichmentFailed the enrichment raised: a bug, kept from becoming a poison pill
    └── StreamError          the broker side failed (produce, commit, dead-letter write)
        ├── DeadLetterUnavailable  a dead letter could not be written: stop without committing
        ├── PublishFailed    an event or engagement record was not acknowledged: stop without committing
        ├── CommitFailed     an offset commit failed: the records will be delivered again
        ├── TransactionFailed  an exactly-once transaction failed and was aborted: rewind and retry
        ├── ProducerFenced   the transactional producer was fenced: recreate it, rewind and retry
        └── InstanceFenced   another consumer joined with this worker's group instance id: stop

Library errors are wrapped with ``raise ... from exc`` so the cause stays visible.
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


class StreamError(CoopstreamError):
    pass


class DeadLetterUnavailable(StreamError):
    pass


class PublishFailed(StreamError):
    pass


class CommitFailed(StreamError):
    pass


class TransactionFailed(StreamError):
    pass


class ProducerFenced(StreamError):
    pass


class InstanceFenced(StreamError):
    pass
