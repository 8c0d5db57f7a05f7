"""Every knowledge file, malformed the ways an operator's replacement can be: start-up stops with a
one-line message naming the file, the line (or key) and the problem."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from coopstream.enrich import load_knowledge
from coopstream.errors import KnowledgeError

DATA = resources.files("coopstream.enrich.data")


def packaged(name: str) -> str:
    node = DATA
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


def tsv_files() -> list[str]:
    names = [p.name for p in DATA.iterdir() if p.name.endswith(".tsv")]
    for lang in DATA.iterdir():
        if lang.is_dir() and len(lang.name) == 2:
            names += [f"{lang.name}/{p.name}" for p in lang.iterdir() if p.name.endswith(".tsv")]
    return sorted(names)


def json_files() -> list[str]:
    names = [p.name for p in DATA.iterdir() if p.name.endswith(".json")]
    for lang in DATA.iterdir():
        if lang.is_dir() and len(lang.name) == 2:
            names += [f"{lang.name}/{p.name}" for p in lang.iterdir() if p.name.endswith(".json")]
    return sorted(names)


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return root


def fails(root: Path, *patterns: str) -> str:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    message = str(info.value)
    assert "\n" not in message
    for pattern in patterns:
        assert pattern in message, message
    return message


def test_the_layout_is_what_the_checks_below_cover() -> None:
    assert {"countries.tsv", "places.tsv", "organizations.tsv", "operations.tsv"} <= set(tsv_files())
    assert {"en/countries.tsv", "en/ranks.tsv", "en/titles.tsv"} <= set(tsv_files())
    assert {"themes.json", "engagements.json", "ambiguity.json", "lexicon.json"} <= set(json_files())
    assert {f"en/{n}.json" for n in ("lexicon", "themes", "engagements", "dates", "text")} <= set(json_files())


@pytest.mark.parametrize("name", tsv_files())
def test_a_header_only_table(tmp_path: Path, name: str) -> None:
    header = packaged(name).splitlines()[0]
    fails(write(tmp_path, name, header + "\n"), name, "only a header line")


@pytest.mark.parametrize("name", tsv_files())
def test_a_table_without_a_column(tmp_path: Path, name: str) -> None:
    lines = packaged(name).splitlines()
    cut = ["\t".join(line.split("\t")[1:]) for line in lines]
    fails(write(tmp_path, name, "\n".join(cut) + "\n"), name, "line 1", "header lacks column")


@pytest.mark.parametrize("name", tsv_files())
def test_a_row_with_a_missing_cell(tmp_path: Path, name: str) -> None:
    lines = packaged(name).splitlines()
    lines[2] = "\t".join(lines[2].split("\t")[:-1])
    fails(write(tmp_path, name, "\n".join(lines) + "\n"), name, "line 3", "columns where the header has")


@pytest.mark.parametrize(
    ("name", "column", "value", "problem"),
    [
        ("countries.tsv", "lat", "north", "not a number"),
        ("countries.tsv", "code", "Peru", "not an ISO 3166-1 alpha-2 code"),
        ("places.tsv", "kind", "planet", "not one of"),
        ("places.tsv", "country", "ZZ", "not in countries.tsv"),
        ("organizations.tsv", "kind", "club", "not one of"),
        ("operations.tsv", "kind", "party", "not one of"),
        ("en/countries.tsv", "code", "ZZ", "not in countries.tsv"),
        ("en/ranks.tsv", "grade", "O-11", "not a U.S. pay grade"),
        ("en/ranks.tsv", "nato", "OF-12", "not a STANAG 2116 code"),
        ("en/ranks.tsv", "services", "Navvy", "not one of"),
        ("en/ranks.tsv", "scope", "Spain", "not an ISO 3166-1 alpha-2 code"),
        ("en/titles.tsv", "takes_of", "maybe", "not one of"),
    ],
)
def test_a_bad_value(tmp_path: Path, name: str, column: str, value: str, problem: str) -> None:
    lines = packaged(name).splitlines()
    header = lines[0].split("\t")
    cells = lines[5].split("\t")
    cells[header.index(column)] = value
    lines[5] = "\t".join(cells)
    fails(write(tmp_path, name, "\n".join(lines) + "\n"), name, "line 6", f"column {column}", problem)


@pytest.mark.parametrize("name", json_files())
def test_json_that_is_not_json(tmp_path: Path, name: str) -> None:
    fails(write(tmp_path, name, packaged(name)[:-40]), name, "line ", "not valid JSON")


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("themes.json", lambda d: d.update(threshold=2), "key threshold: 2 is outside [0, 1]"),
        ("themes.json", lambda d: d.pop("saturation"), "key saturation: missing"),
        ("engagements.json", lambda d: d["types"].update(lunch={}), "key types.lunch: 'lunch' is not one of"),
        ("engagements.json", lambda d: d["types"]["visit"].update(yields=["meeting"]), "not a known rule"),
        ("ambiguity.json", lambda d: d["names"]["Georgia"].update(country="XX"), "'XX' is not in countries.tsv"),
        ("lexicon.json", lambda d: d.update(vessel_prefixes="USS"), "expected a list of non-empty strings"),
        ("en/lexicon.json", lambda d: d.update(org_head=["Command"]), "did you mean org_heads?"),
        ("en/lexicon.json", lambda d: d.update(org_head_first="no"), "expected true or false"),
        ("en/themes.json", lambda d: d["themes"].update(cyber={"cues": {}}), "not a theme id of themes.json"),
        ("en/themes.json", lambda d: d["themes"]["cyber_defense"]["cues"].update(hack="high"), "expected a number"),
        ("en/engagements.json", lambda d: d["types"]["visit"].pop("cues"), "key types.visit.cues: missing"),
        ("en/dates.json", lambda d: d["months"].update(smarch=13), "months.smarch: 13 is outside [1, 12]"),
        ("en/dates.json", lambda d: d.update(order="day_first"), "not one of"),
        ("en/text.json", lambda d: d["boilerplate"].append("(unclosed"), "not a regular expression"),
        ("en/text.json", lambda d: d["published_stamps"].append(r"date (\d+)"), "needs the named groups y, m, d"),
    ],
)
def test_json_with_a_bad_value(tmp_path: Path, name: str, change: object, problem: str) -> None:
    data = json.loads(packaged(name))
    change(data)  # type: ignore[operator]
    fails(write(tmp_path, name, json.dumps(data)), f"knowledge file {name}", problem)


def test_an_empty_given_names_list(tmp_path: Path) -> None:
    fails(write(tmp_path, "en/given_names.txt", "# none\n"), "en/given_names.txt", "no entries")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "titles.tsv").write_bytes(b"title\tkind\ttakes_of\nMinistre \xe9\tgovernment\tno\n")
    fails(tmp_path, "en/titles.tsv", "line 2", "not UTF-8")


def test_the_command_stops_with_exit_3_and_one_line(tmp_path: Path) -> None:
    write(tmp_path, "en/ranks.tsv", packaged("en/ranks.tsv").replace("\tO-10\t", "\tO-11\t", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "coopstream", "enrich", "--knowledge-dir", str(tmp_path), "-"],
        input=b"",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 3
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "en/ranks.tsv: line" in lines[0] and "O-11" in lines[0], lines
