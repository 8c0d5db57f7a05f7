"""The bundled Spanish and Portuguese samples through `coopstream enrich` as a process, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from typing import Any


def _events() -> dict[str, dict[str, Any]]:
    text = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if json.loads(line).get("language") in ("es", "pt")]
    assert len(lines) >= 4
    proc = subprocess.run(
        [sys.executable, "-m", "coopstream", "enrich", "-"],
        input="\n".join(lines).encode(),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return {e["article_id"]: e for e in map(json.loads, proc.stdout.decode().splitlines())}


def _of(event: dict[str, Any], etype: str) -> dict[str, dict[str, Any]]:
    return {e["name"]: e["attributes"] for e in event["entities"] if e["type"] == etype}


def test_spanish_and_portuguese_samples_end_to_end() -> None:
    events = _events()
    donation = events["sample-11"]
    assert donation["provenance"]["knowledge_language"] == "es" and donation["provenance"]["passes"] == "all"
    assert _of(donation, "person")["Esteban Andrés Ruales Paredes"]["rank"] == "Vicealmirante"
    assert "Gregory M. Whitfield" in _of(donation, "person")
    assert {"EC", "US"} == {c["code"] for c in donation["countries"]}
    assert {"counter_narcotics", "security_assistance"} <= {t["id"] for t in donation["themes"]}
    assert [e["type"] for e in donation["engagements"]] == ["donation"]
    assert donation["dateline"]["date"] == "2025-06-12"

    visit = events["sample-12"]
    hargrove = _of(visit, "person")["Rebecca L. Hargrove"]
    assert (hargrove["grade"], hargrove["affiliation"], hargrove["service"]) == ("O-9", "US", "Air Force")
    assert {"visit", "meeting"} <= {e["type"] for e in visit["engagements"]}
    first = next(e for e in visit["engagements"] if e["type"] == "visit")
    assert (first["start_date"], first["end_date"]) == ("2025-08-03", "2025-08-05")

    exercise = events["sample-13"]
    assert exercise["provenance"]["knowledge_language"] == "pt"
    assert "Atlântico Seguro 2025" in _of(exercise, "operation")
    assert {"iuu_fishing", "maritime_security", "training_exercises"} <= {t["id"] for t in exercise["themes"]}
    assert [e["type"] for e in exercise["engagements"]] == ["exercise"]  # next year's edition is no engagement

    agreement = events["sample-14"]
    people = _of(agreement, "person")
    assert people["Dagvin R. M. Anderson"]["grade"] == "O-10"  # U.S. personnel named in Portuguese
    assert "grade" not in people["Joaquim Rivas Mangrasse"]  # a non-NATO general: rank only
    assert "Forças Armadas de Defesa de Moçambique" in _of(agreement, "organization")
    assert {c["code"] for c in agreement["countries"]} == {"MZ", "US"}
    assert "agreement" in {e["type"] for e in agreement["engagements"]}
