"""The seed article end to end, checked against its labels in the taxonomy."""

from __future__ import annotations

from coopstream.enrich.entities.found import fold
from coopstream.schemas import EnrichedEvent


def _names(event: EnrichedEvent, etype: str) -> set[str]:
    return {fold(e.name, frozenset({"the"})) for e in event.entities if e.type == etype}


def test_seed_persons(seed_event: EnrichedEvent) -> None:
    persons = _names(seed_event, "person")
    assert persons == {"laura richardson", "jorge chavez", "manuel gomez", "john mcnamara"}
    by_name = {e.name: e for e in seed_event.entities if e.type == "person"}
    richardson = by_name["Laura Richardson"]
    assert richardson.attributes["rank"] == "Gen."
    assert richardson.attributes["grade"] == "O-10"
    assert richardson.attributes["service"] == "Army"
    assert "Richardson" in [m.text for m in richardson.mentions]  # later surname mentions join
    assert by_name["Manuel Gómez"].attributes["rank"] == "Gen."
    assert "Minister of Defense" in str(by_name["Jorge Chavez"].attributes.get("title"))


def test_seed_organizations(seed_event: EnrichedEvent) -> None:
    orgs = _names(seed_event, "organization")
    required = {
        "us southern command",
        "joint command of the armed forces",
        "peruvian armed forces",
        "national emergency operations center",
        "aeronautical maintenance service",
        "naval medical research unit south",
    }
    assert required <= orgs
    acceptable = required | {"us army", "us navy", "peruvian air force", "peruvian navy", "peruvian army"}
    assert orgs <= acceptable, orgs - acceptable
    southcom = next(e for e in seed_event.entities if e.name == "U.S. Southern Command")
    assert southcom.attributes["acronym"] == "SOUTHCOM"
    assert {"SOUTHCOM", "U.S. Southern Command"} <= {m.text for m in southcom.mentions}


def test_seed_locations_and_countries(seed_event: EnrichedEvent) -> None:
    assert {"peru", "lima"} <= _names(seed_event, "location") <= {"peru", "lima", "united states"}
    assert {c.code for c in seed_event.countries} == {"PE", "US"}
    peru = next(c for c in seed_event.countries if c.code == "PE")
    assert peru.mentions >= 5


def test_seed_themes(seed_event: EnrichedEvent) -> None:
    about = {
        "counter_transnational_crime",
        "institution_building",
        "women_peace_security",
        "disaster_response",
        "health_security",
    }
    listed = {
        "maritime_security",
        "cyber_defense",
        "humanitarian_assistance",
        "human_rights",
        "peace_operations",
        "iuu_fishing",
    }
    got = {t.id: t for t in seed_event.themes}
    assert set(got) == about | listed
    # a theme only listed among shared interests scores below the themes the article is about
    assert min(got[t].score for t in about - {"disaster_response", "counter_transnational_crime"}) > max(
        got[t].score for t in listed - {"humanitarian_assistance"}
    )
    for theme in seed_event.themes:
        assert theme.evidence and 0 <= theme.score <= 1


def test_seed_engagements(seed_event: EnrichedEvent) -> None:
    by_type = {e.type: e for e in seed_event.engagements}
    assert set(by_type) == {"visit", "meeting", "conference"}
    visit = by_type["visit"]
    assert visit.actors == ["Laura Richardson"]
    assert (visit.start_date, visit.end_date) == ("2023-09-13", "2023-09-15")
    assert visit.country == "PE"
    meeting = by_type["meeting"]
    assert "Jorge Chavez" in meeting.actors + meeting.counterparts
    assert meeting.start_date == "2023-09-14"


def test_seed_offsets_point_into_raw(seed_event: EnrichedEvent, seed_text: str) -> None:
    spans = [m for e in seed_event.entities for m in e.mentions] + [s for t in seed_event.themes for s in t.evidence]
    spans += [e.evidence for e in seed_event.engagements]
    assert spans
    for s in spans:
        assert seed_text[s.start : s.end] == s.text


def test_seed_dateline_and_dates(seed_event: EnrichedEvent) -> None:
    assert seed_event.dateline is not None
    assert seed_event.dateline.place == "Lima"
    assert seed_event.dateline.country == "PE"
    assert seed_event.dateline.date == "2023-09-15"
    assert seed_event.published_at == "2023-09-13"
