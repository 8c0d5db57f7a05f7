from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from coopstream.schemas import RawArticle
from coopstream.schemas.generate import MODELS, check_schemas, render

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_checked_in_json_schemas_match_the_models() -> None:
    stale = check_schemas(SCHEMAS)
    assert stale == [], f"run 'make schemas': {stale}"


def test_drift_is_detected(tmp_path: Path) -> None:
    for name, model in MODELS.items():
        (tmp_path / name).write_text(render(model).replace('"title"', '"titel"', 1), encoding="utf-8")
    assert sorted(check_schemas(tmp_path)) == sorted(MODELS)


def test_article_id_derived_from_url_deterministically() -> None:
    a = RawArticle.model_validate({"url": "https://example.org/a", "text": "x"})
    b = RawArticle.model_validate({"url": "https://example.org/a", "text": "y"})
    assert a.id == b.id and a.id.startswith("url-")


def test_unknown_fields_pass_through() -> None:
    a = RawArticle.model_validate({"id": "1", "text": "x", "section": "news", "tags": ["a"]})
    assert a.extra == {"section": "news", "tags": ["a"]}


@pytest.mark.parametrize(
    "data",
    [{"text": "no id"}, {"id": "1"}, {"id": "1", "text": "   "}, {"id": 1, "text": "x"}, {"id": "1", "text": ["x"]}],
)
def test_bad_articles_rejected(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RawArticle.model_validate(data)


def test_readme_example_is_a_valid_event() -> None:
    import json
    import re

    from coopstream.schemas import EnrichedEvent

    readme = (SCHEMAS.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", readme, re.S)
    assert block is not None
    event = EnrichedEvent.model_validate(json.loads(block.group(1)))
    seed = (SCHEMAS.parent / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")
    for entity in event.entities:
        for m in entity.mentions:
            assert seed[m.start : m.end] == m.text
