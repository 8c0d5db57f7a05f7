"""The entity pass in order: every finder reads the article's view and returns candidates; overlaps
are settled; later mentions (surnames, acronyms, short names) are found; mentions become entities."""

from __future__ import annotations

from coopstream.enrich.entities import grouping, organizations, people, places
from coopstream.enrich.entities.candidates import Candidate, keep, resolve
from coopstream.enrich.entities.found import Found
from coopstream.enrich.entities.operations import known_operations, named_after_noun
from coopstream.enrich.entities.places import DatelineInfo
from coopstream.enrich.entities.vessels import vessels
from coopstream.enrich.entities.view import Matches, TextView, match_names, read_window, windows
from coopstream.enrich.knowledge import Knowledge
from coopstream.enrich.knowledge.language import LanguagePack


def find_entities(
    text: str,
    sentences: list[tuple[int, int]],
    pack: LanguagePack,
    knowledge: Knowledge,
    rules: people.PeopleRules | None,
    dateline: DatelineInfo | None,
) -> tuple[list[Found], Matches]:
    """Entities of the text, and the knowledge's names in it. Without ``rules`` (a language the
    knowledge lacks) only names the language-independent gazetteers know are found."""
    matches = match_names(text, pack, knowledge)
    starts = [a for a, _ in sentences]
    cands: list[Candidate] = []
    dateline_country = None
    for n, (a, b) in enumerate(windows(text)):
        view = read_window(text, sentences, pack, knowledge, matches, a, b, starts)
        if n == 0 and dateline is not None:
            dateline_cand = places.dateline_place(view, dateline)
            if dateline_cand is not None:
                cands.append(dateline_cand)
                dateline_country = dateline_cand.attrs.get("country")
        cands += _local(view, rules, dateline_country)
    cands = keep(cands)
    kept = resolve(cands)
    grouping.set_keys(pack, kept)
    later: list[Candidate] = []
    if rules is not None:
        persons = [c for c in kept if c.type == "person" and len(c.name.split()) >= 2]
        later += people.coreference(text, pack, persons)
    later += grouping.alias_mentions(text, pack, kept)
    kept = resolve(cands + keep(later))
    grouping.set_keys(pack, kept)
    return grouping.group(pack, knowledge, kept), matches


def _local(view: TextView, rules: people.PeopleRules | None, dateline_country: str | None) -> list[Candidate]:
    """The finders that read one window's tokens, in the order that settles ties."""
    cands: list[Candidate] = []
    if rules is not None:
        titles = people.TitleExtents(view, rules)
        cands += people.ranked(view, rules, titles, dateline_country)
        cands += people.titled(view, titles)
        cands += vessels(view)
        cands += organizations.acronyms(view, dateline_country)
    cands += organizations.known_orgs(view)
    cands += known_operations(view)
    cands += places.known_places(view)
    if rules is not None:
        cands += organizations.chunk_names(view)
        cands += organizations.military_units(view)
        cands += named_after_noun(view)
        cands += people.contextual(view, rules)
        cands += places.places_in_context(view)
        cands += places.named_features(view)
    return cands
