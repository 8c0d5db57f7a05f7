"""Knowledge is data: no literal list of words in the enrichment's code.

A word list in code cannot be edited by an operator nor extended for a language. The check reads
every module under ``coopstream/enrich`` and fails on a list, tuple or set literal holding three or
more natural-language words, and on a regular expression that alternates three or more words.
Identifiers of the contract (entity types, kinds, attribute names) are not words of a language.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import coopstream.enrich

ENRICH = Path(coopstream.enrich.__file__).resolve().parent
_WORD = re.compile(r"^[A-Za-zÀ-ÿ][a-zà-ÿ]+(?: [a-zà-ÿ]+)*$")
_ALTERNATION = re.compile(r"\(\?:((?:[A-Za-z][a-z]{2,}\|){2,}[A-Za-z][a-z]{2,})\)")
# names the event schema and the knowledge files' columns define (not words of any language)
CONTRACT = {
    "person",
    "organization",
    "location",
    "operation",
    "country",
    "demonym",
    "place",
    "rank",
    "title",
    "org",
    "op",
    "vessel",
    "kind",
    "city",
    "state",
    "region",
    "facility",
    "island",
    "water",
    "district",
    "province",
    "exercise",
    "mission",
    "conference",
    "military",
    "government",
    "international",
    "ngo",
    "company",
    "academic",
    "officer",
    "warrant",
    "enlisted",
    "diplomatic",
    "civil",
    "yes",
    "no",
    "true",
    "false",
    "any",
    "capitalised",
    "name",
    "code",
    "capital",
    "lat",
    "lon",
    "aliases",
    "acronyms",
    "population",
    "variants",
    "grade",
    "nato",
    "services",
    "category",
    "scope",
    "names",
    "demonyms",
    "takes_of",
    "needs",
    "cues",
    "weak",
    "yields_to",
    "needs_entity",
    "only_alone",
    "operation_meets_needs",
    "best_sentence",
    "gate_cues",
    "listing_markers",
    "planned_markers",
    "background_markers",
    "most_persons",
    "sponsor",
    "month_day",
    "day_month",
    "statement",
    "meeting",
    "visit",
    "agreement",
    "donation",
    "deployment",
    "ceremony",
    "port_call",
    "armed_group",
}


def _strings(node: ast.AST) -> list[str]:
    elts = getattr(node, "elts", [])
    return [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    slots = {
        id(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in n.targets)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in slots:
            continue
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            words = [s for s in _strings(node) if _WORD.match(s) and s.lower() not in CONTRACT]
            if len(words) >= 3:
                out.append(f"{path.name}:{node.lineno}: word list {words[:4]}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in _ALTERNATION.finditer(node.value):
                words = [w for w in m.group(1).split("|") if w.lower() not in CONTRACT]
                if len(words) >= 3:
                    out.append(f"{path.name}:{node.lineno}: words in a pattern {words[:4]}")
    return out


def test_the_check_sees_a_word_list(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('SPEECH = ("said", "added", "noted")\nP = r"\\b(?:said|told|added)\\b"\n', encoding="utf-8")
    assert len(_problems(module)) == 2


def test_no_word_list_in_enrich_code() -> None:
    modules = sorted(ENRICH.rglob("*.py"))
    assert len(modules) > 10
    problems = [p for m in modules for p in _problems(m)]
    assert problems == []
