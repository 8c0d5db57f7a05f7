"""The entity pass on small texts written for each rule."""

from __future__ import annotations

from coopstream.enrich import Enricher
from coopstream.schemas import EnrichedEvent
from support.enrichment import enrich_text


def _by_type(event: EnrichedEvent, etype: str) -> dict[str, dict[str, object]]:
    return {e.name: dict(e.attributes) for e in event.entities if e.type == etype}


def test_rank_service_grade_and_no_rank_in_name(enricher: Enricher) -> None:
    ev = enrich_text(
        enricher, "Navy Rear Adm. Jane Q. Holloway, commander of U.S. Naval Forces Southern Command, spoke."
    )
    people = _by_type(ev, "person")
    assert list(people) == ["Jane Q. Holloway"]
    attrs = people["Jane Q. Holloway"]
    assert attrs["rank"] == "Rear Adm." and attrs["grade"] == "O-8" and attrs["service"] == "Navy"
    assert str(attrs["title"]).startswith("commander of U.S. Naval Forces Southern Command")


def test_navy_captain_is_o6_and_army_captain_o3(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "Navy Capt. Ann Lee met Army Capt. Bo Park in Lima.")
    people = _by_type(ev, "person")
    assert people["Ann Lee"]["grade"] == "O-6"
    assert people["Bo Park"]["grade"] == "O-3"


def test_repeated_rank_and_title_before_name(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "Chief of Defense Gen. Gen. Ramón Téllez met Defense Minister Tornike Japaridze.")
    assert set(_by_type(ev, "person")) == {"Ramón Téllez", "Tornike Japaridze"}


def test_surname_mentions_join_the_person(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "Lt. Gen. Curtis W. Halvorsen arrived. Halvorsen said the drills went well.")
    person = next(e for e in ev.entities if e.type == "person")
    assert [m.text for m in person.mentions] == ["Curtis W. Halvorsen", "Halvorsen"]


def test_acronym_definition_links_both_forms(enricher: Enricher) -> None:
    text = "Officers of the Aeronautical Maintenance Service (SEMAN) met. Later SEMAN engineers briefed them."
    ev = enrich_text(enricher, text)
    org = next(e for e in ev.entities if e.name == "Aeronautical Maintenance Service")
    assert org.attributes["acronym"] == "SEMAN"
    assert [m.text for m in org.mentions] == ["Aeronautical Maintenance Service", "SEMAN", "SEMAN"]


def test_dual_hatted_command_is_two_organizations(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "It is led by U.S. Naval Forces Southern Command/U.S. 4th Fleet in Mayport.")
    orgs = set(_by_type(ev, "organization"))
    assert {"U.S. Naval Forces Southern Command", "U.S. 4th Fleet"} <= orgs


def test_vessel_names_are_organizations_and_do_not_add_countries(enricher: Enricher) -> None:
    ev = enrich_text(
        enricher, "The littoral combat ship USS Canberra (LCS 30) sailed with Peruvian ships. Canberra led."
    )
    vessel = next(e for e in ev.entities if e.attributes.get("kind") == "vessel")
    assert vessel.name == "USS Canberra"
    assert len(vessel.mentions) == 2
    assert {c.code for c in ev.countries} == {"PE"}


def test_exercise_with_year_and_bare_name(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "Exercise Balikatan 2025 opened in Manila. Balikatan runs for three weeks.")
    ops = [e for e in ev.entities if e.type == "operation"]
    assert [o.name for o in ops] == ["Balikatan 2025"]
    assert len(ops[0].mentions) == 2


def test_place_before_country_and_dateline(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "KOMBEWA, Kenya (May 2, 2025) -- Teams met at a clinic in Nyangande, Kenya.")
    places = _by_type(ev, "location")
    assert places["Kombewa"]["country"] == "KE"
    assert places["Nyangande"]["country"] == "KE"
    assert ev.dateline is not None and ev.dateline.date == "2025-05-02"


def test_georgia_the_state_and_georgia_the_country(enricher: Enricher) -> None:
    state = enrich_text(enricher, "Graduates stood at Fort Moore, Georgia, for the ceremony.")
    assert {c.code for c in state.countries} == {"US"}
    country = enrich_text(enricher, "Georgian troops trained near Tbilisi, Georgia, with U.S. Soldiers.")
    assert "GE" in {c.code for c in country.countries}


def test_common_nouns_are_not_entities(enricher: Enricher) -> None:
    ev = enrich_text(enricher, "The minister met senior leaders of the region to discuss the partnership.")
    assert ev.entities == []


def test_a_place_name_that_names_a_disease_or_an_adjective_is_no_place(enricher: Enricher) -> None:
    ev = enrich_text(
        enricher,
        "Researchers in Kenya studied Rift Valley fever. Officials tightened controls at Mexico's Pacific "
        "ports, then the patrol sailed in the Pacific.",
    )
    places = _by_type(ev, "location")
    assert "Rift Valley" not in places
    assert {"Kenya", "Mexico", "Pacific"} <= places.keys()
    pacific = next(e for e in ev.entities if e.name == "Pacific")
    assert [m.text for m in pacific.mentions] == ["Pacific"]  # the sea sailed in, not the ports' adjective
