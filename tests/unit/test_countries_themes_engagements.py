from __future__ import annotations

from coopstream.enrich import Enricher, Knowledge
from coopstream.enrich.dates import normalise_published
from support.enrichment import enrich_text


def _codes(enricher: Enricher, text: str) -> set[str]:
    return {c.code for c in enrich_text(enricher, text).countries}


def test_countries_by_name_adjective_and_inside_names(enricher: Enricher) -> None:
    assert _codes(enricher, "Mongolian soldiers joined U.S. Southern Command staff.") == {"MN", "US"}
    assert _codes(enricher, "Sailors of the Armed Forces of Côte d'Ivoire trained.") == {"CI"}


def test_countries_not_from_longer_names_or_languages(enricher: Enricher) -> None:
    assert _codes(enricher, "Patrols in the Gulf of Guinea reached Equatorial Guinea.") == {"GQ"}
    assert _codes(enricher, "Instruction is delivered in Spanish at the academy in Peru.") == {"PE"}
    assert _codes(enricher, "Cmdr. Brian T. Jordan spoke with Peruvian officers.") == {"PE"}


def test_listed_theme_scores_lower_than_a_theme_the_article_is_about(enricher: Enricher) -> None:
    text = (
        "Peruvian and U.S. officers discussed cyber defense and cybersecurity of networks for two days. "
        "The partners share interests, including maritime security, human rights, peace, and disaster relief."
    ).replace("share interests", "shared interests")
    themes = {t.id: t.score for t in enrich_text(enricher, text).themes}
    assert themes["cyber_defense"] > themes["maritime_security"]
    assert "peace_operations" in themes  # "peace" counts only inside such a list


def test_no_themes_for_a_domestic_story(enricher: Enricher) -> None:
    text = "The brigade held a change of command at Fort Stewart. Soldiers trained on disaster relief drills."
    assert enrich_text(enricher, text).themes == []


def test_narcotics_needs_drugs(enricher: Enricher) -> None:
    only_trafficking = enrich_text(enricher, "Colombian and U.S. forces fought illicit trafficking networks.")
    ids = {t.id for t in only_trafficking.themes}
    assert "counter_transnational_crime" in ids and "counter_narcotics" not in ids
    drugs = enrich_text(enricher, "Colombian and U.S. forces seized cocaine at sea.")
    assert "counter_narcotics" in {t.id for t in drugs.themes}


def test_theme_evidence_points_into_raw_text(enricher: Enricher) -> None:
    text = "Peruvian &amp; U.S. teams discussed cyber&#8209;security and cyber defense."
    ev = enrich_text(enricher, text)
    for t in ev.themes:
        for s in t.evidence:
            assert text[s.start : s.end] == s.text


def test_engagements_visit_meeting_dates(enricher: Enricher) -> None:
    text = (
        "QUITO, Ecuador (March 9, 2025) -- Adm. Raymond C. Ellery visited Ecuador from March 7 – 9. "
        "Ellery met with Defense Minister Gian Carlo Loffredo on March 8."
    )
    engs = {e.type: e for e in enrich_text(enricher, text).engagements}
    assert set(engs) == {"visit", "meeting"}
    assert (engs["visit"].start_date, engs["visit"].end_date) == ("2025-03-07", "2025-03-09")
    assert engs["meeting"].start_date == "2025-03-08"
    assert engs["visit"].country == "EC"


def test_planned_and_quoted_events_are_not_engagements(enricher: Enricher) -> None:
    text = (
        "Colombian officers discussed plans. The ship is scheduled to visit Jamaica next month. "
        '"We deployed to help," he said.'
    )
    assert {e.type for e in enrich_text(enricher, text).engagements} <= {"statement"}


def test_statement_only_when_nothing_else(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "U.S. Central Command said in a statement that the Iranian video was fake.")
    assert [e.type for e in ev.engagements] == ["statement"]


def test_dates(knowledge: Knowledge) -> None:
    grammar = knowledge.packs["en"].grammar
    assert grammar is not None
    find_range = grammar.find_range
    assert [d.isoformat() if d else None for d in find_range("from April 21 – May 9", 2025)] == [
        "2025-04-21",
        "2025-05-09",
    ]
    assert find_range("no date here", 2025) == (None, None)
    assert normalise_published("2025-02-30") is None
    assert normalise_published("2025-02-03T10:00:00+0000") == "2025-02-03T10:00:00Z"
