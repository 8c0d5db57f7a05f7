"""JSON Schemas generated from the message models, and the check that the checked-in ones match."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from coopstream.schemas.models import DeadLetter, EngagementRecord, EnrichedEvent, RawArticle

MODELS: dict[str, type[BaseModel]] = {
    "raw-article.schema.json": RawArticle,
    "enriched-event.schema.json": EnrichedEvent,
    "engagement-record.schema.json": EngagementRecord,
    "dead-letter.schema.json": DeadLetter,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, model in MODELS.items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        paths.append(path)
    return paths


def check_schemas(folder: Path) -> list[str]:
    """Names of the schema files that are missing or differ from what the models generate."""
    stale = []
    for name, model in MODELS.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(model):
            stale.append(name)
    return stale
