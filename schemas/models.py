"""Pydantic v2 models of every message coopstream reads or writes.

``RawArticle`` is what arrives on the input topic, ``EnrichedEvent`` what the
enrichment publishes (and ``coopstream enrich`` prints), ``EngagementRecord``
one record of the engagements topic, ``DeadLetter`` what goes to the
dead-letter topic.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

SCHEMA_VERSION = "1.1"  # 1.1 added provenance.knowledge_language and provenance.passes

EntityType = Literal["person", "organization", "location", "operation"]
EngagementType = Literal[
    "visit",
    "meeting",
    "exercise",
    "conference",
    "agreement",
    "donation",
    "port_call",
    "deployment",
    "ceremony",
    "statement",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class RawArticle(BaseModel):
    """One scraped article as a producer publishes it."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    id: str = Field(default="", description="producer's identifier; derived from url when absent")
    text: str = Field(min_length=1, description="the article as scraped, boilerplate and all")
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = Field(default=None, description="ISO 8601 date or date-time")
    language: str | None = Field(default=None, description="ISO 639-1 code")

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value

    @model_validator(mode="after")
    def _derive_id(self) -> RawArticle:
        if not self.id:
            if not self.url:
                raise ValueError("either id or url is required")
            digest = hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:16]
            object.__setattr__(self, "id", f"url-{digest}")
        return self

    @property
    def extra(self) -> dict[str, Any]:
        """Fields the contract does not name, passed through untouched."""
        return dict(self.__pydantic_extra__ or {})


class Span(BaseModel):
    """A stretch of the raw ``text``: ``text[start:end] == span.text``."""

    model_config = _FROZEN

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Entity(BaseModel):
    model_config = _FROZEN

    type: EntityType
    name: str = Field(description="canonical name, without rank or title")
    mentions: list[Span]
    attributes: dict[str, JsonValue] = Field(default_factory=dict)


class Country(BaseModel):
    model_config = _FROZEN

    code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    name: str
    mentions: int = Field(ge=1)


class Theme(BaseModel):
    model_config = _FROZEN

    id: str
    label: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[Span]


class Engagement(BaseModel):
    model_config = _FROZEN

    type: EngagementType
    actors: list[str] = Field(default_factory=list)
    counterparts: list[str] = Field(default_factory=list)
    location: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 of the location")
    start_date: str | None = Field(default=None, description="YYYY-MM-DD")
    end_date: str | None = Field(default=None, description="YYYY-MM-DD")
    topics: list[str] = Field(
        default_factory=list, description="ids of the themes evidenced in or next to the engagement's sentence"
    )
    evidence: Span


class Dateline(BaseModel):
    model_config = _FROZEN

    place: str
    country: str | None = None
    date: str | None = None
    span: Span


class Provenance(BaseModel):
    model_config = _FROZEN

    pipeline_version: str
    knowledge_digest: str = Field(description="digest of the knowledge files the pipeline loaded")
    processed_at: str = Field(description="UTC time of processing, ISO 8601")
    knowledge_language: str | None = Field(
        default=None, description="ISO 639-1 code of the language whose knowledge the passes used; null when none"
    )
    passes: Literal["all", "language-independent"] = Field(
        default="all",
        description="'language-independent' when the knowledge lacks the article's language: only the names the "
        "language-independent gazetteers know (organizations, operations, places) and their countries were found",
    )


class EnrichedEvent(BaseModel):
    """One article, enriched."""

    model_config = _FROZEN

    schema_version: str = SCHEMA_VERSION
    event_id: str
    article_id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    language: str | None = None
    dateline: Dateline | None = None
    entities: list[Entity]
    countries: list[Country]
    themes: list[Theme]
    engagements: list[Engagement]
    extra: dict[str, JsonValue] = Field(default_factory=dict)
    provenance: Provenance


class EngagementRecord(BaseModel):
    """One record of the engagements topic: an engagement with its article."""

    model_config = _FROZEN

    schema_version: str = SCHEMA_VERSION
    event_id: str
    article_id: str
    index: int = Field(ge=0, description="position of the engagement in the event")
    title: str | None = None
    published_at: str | None = None
    engagement: Engagement


class OriginalHeader(BaseModel):
    model_config = _FROZEN

    key: str
    value: str | None
    encoding: Literal["utf-8", "base64"] = "utf-8"


class SourceRecord(BaseModel):
    """The record as it was consumed: bytes unaltered, and where it came from."""

    model_config = _FROZEN

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    timestamp_ms: int | None = None
    key: str | None = None
    key_encoding: Literal["utf-8", "base64"] = "utf-8"
    value: str | None = None
    value_encoding: Literal["utf-8", "base64"] = "utf-8"
    headers: list[OriginalHeader] = Field(default_factory=list)


class DeadLetterError(BaseModel):
    model_config = _FROZEN

    kind: str = Field(description="reason code, e.g. invalid_json, invalid_article, oversize")
    message: str


class DeadLetter(BaseModel):
    model_config = _FROZEN

    schema_version: str = SCHEMA_VERSION
    error: DeadLetterError
    record: SourceRecord
    worker_version: str
    failed_at: str
