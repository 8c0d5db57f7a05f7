"""Message models of coopstream: the raw article, the enriched event, the dead letter.

The pydantic models here are the schema; the JSON Schema files beside them are
generated from the models (``coopstream schemas write``) and checked in.
"""

from coopstream.schemas.models import (
    SCHEMA_VERSION,
    Country,
    Dateline,
    DeadLetter,
    DeadLetterError,
    Engagement,
    EngagementRecord,
    EnrichedEvent,
    Entity,
    OriginalHeader,
    Provenance,
    RawArticle,
    SourceRecord,
    Span,
    Theme,
)

__all__ = [
    "SCHEMA_VERSION",
    "Country",
    "Dateline",
    "DeadLetter",
    "DeadLetterError",
    "Engagement",
    "EngagementRecord",
    "EnrichedEvent",
    "Entity",
    "OriginalHeader",
    "Provenance",
    "RawArticle",
    "SourceRecord",
    "Span",
    "Theme",
]
