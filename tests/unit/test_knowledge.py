from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from coopstream.enrich import Enricher, load_knowledge
from coopstream.errors import KnowledgeError
from coopstream.schemas import RawArticle


def test_an_operator_adds_a_place(tmp_path: Path) -> None:
    packaged = resources.files("coopstream.enrich.data").joinpath("places.tsv").read_text(encoding="utf-8")
    (tmp_path / "places.tsv").write_text(packaged + "Zorbatown\t\tcity\tPE\t-10.0\t-75.0\t\n", encoding="utf-8")
    event = Enricher(load_knowledge(tmp_path)).enrich(
        RawArticle(id="z", text="Officers met in Zorbatown on Monday."), processed_at="t"
    )
    place = next(e for e in event.entities if e.name == "Zorbatown")
    assert place.attributes["country"] == "PE" and place.attributes["lat"] == -10.0
    assert {c.code for c in event.countries} == {"PE"}


def test_a_malformed_knowledge_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "countries.tsv").write_text("code\tname\tcapital\tlat\tlon\nAA\tb\tc\t1\t2\textra\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"countries\.tsv: line 2"):
        load_knowledge(tmp_path)


def test_a_bad_themes_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "themes.json"
    packaged = resources.files("coopstream.enrich.data").joinpath("themes.json").read_text(encoding="utf-8")
    bad.write_text(packaged.replace('"threshold": 0.3', '"threshold": 2'), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"themes\.json: key threshold: 2 is outside \[0, 1\]"):
        load_knowledge(themes_file=bad)


def test_the_digest_follows_the_knowledge(tmp_path: Path) -> None:
    src = resources.files("coopstream.enrich.data").joinpath("themes.json")
    with resources.as_file(src) as path:
        shutil.copy(path, tmp_path / "themes.json")
    same = load_knowledge(themes_file=tmp_path / "themes.json")
    assert same.digest == load_knowledge().digest
    (tmp_path / "themes.json").write_text(
        (tmp_path / "themes.json").read_text(encoding="utf-8").replace('"threshold": 0.3', '"threshold": 0.31'),
        encoding="utf-8",
    )
    assert load_knowledge(themes_file=tmp_path / "themes.json").digest != same.digest
