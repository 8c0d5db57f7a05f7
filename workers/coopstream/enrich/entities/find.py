"""The entity pass in order: every finder reads the article's view and returns candidates; overlaps
are settled; later mentions (surnames, acronyms, short names) are found; mentions become entities."""

from __future__ import annotations

from coopstream.enrich.entities import grouping, organizations, people, places
from coopstream.enrich.entities.candidates import Candidate, keep, resolve
from coopstream.enrich.entities.found import Found
from coopstream.enrich.entities.operations import known_operations
from coopstream.enrich.entities.places import DatelineInfo
from coopstream.enrich.entities.vessels import vessels
from coopstream.enrich.entities.view import TextView


def find_entities(view: TextView, rules: people.PeopleRules | None, dateline: DatelineInfo | None) -> list[Found]:
    """Entities of the text. Without ``rules`` (a language the knowledge lacks) only names the
    language-independent gazetteers know are found."""
    cands: list[Candidate] = []
    dateline_cand = places.dateline_place(view, dateline) if dateline else None
    if dateline_cand is not None:
        cands.append(dateline_cand)
    dateline_country = dateline_cand.attrs.get("country") if dateline_cand else None
    if rules is not None:
        cands += people.ranked(view, rules)
        cands += people.titled(view, rules)
        cands += vessels(view)
        cands += organizations.acronyms(view, dateline_country)
    cands += organizations.known_orgs(view)
    cands += known_operations(view)
    cands += places.known_places(view)
    if rules is not None:
        cands += organizations.chunk_names(view)
        cands += organizations.military_units(view)
        cands += people.contextual(view, rules)
        cands += places.places_in_context(view)
    cands = keep(cands)
    kept = resolve(cands)
    grouping.set_keys(view, kept)
    later: list[Candidate] = []
    if rules is not None:
        persons = [c for c in kept if c.type == "person" and len(c.name.split()) >= 2]
        later += people.coreference(view, persons)
    later += grouping.alias_mentions(view, kept)
    kept = resolve(cands + keep(later))
    grouping.set_keys(view, kept)
    return grouping.group(view, kept)
