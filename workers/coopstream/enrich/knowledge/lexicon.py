"""A language's word classes (``<lang>/lexicon.json``): every list the entity passes consult.

Each field below is a key of the file. A key the file lacks is an empty list (a language starts
small and grows); a key the file has but this class does not know stops start-up, with the closest
known key, so that a typo is not silently ignored.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from typing import Any

from coopstream.enrich.knowledge.files import Shape

Words = frozenset[str]


def _words() -> Words:
    return frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    # names of institutions
    org_heads: Words = field(default_factory=_words)
    org_head_phrases: tuple[str, ...] = ()  # several words that together are a head ("Task Force")
    org_head_first: bool = False  # the head noun opens the name ("Ministerio de Defensa")
    weak_org_heads: Words = field(default_factory=_words)
    org_trailers: Words = field(default_factory=_words)
    org_qualifiers: Words = field(default_factory=_words)
    generic_org_words: Words = field(default_factory=_words)
    generic_qualifiers: Words = field(default_factory=_words)
    org_kind_words: dict[str, Words] = field(default_factory=dict)
    country_prefixes: dict[str, str] = field(default_factory=dict)  # "U.S." -> US, written before a name
    in_connectors: Words = field(default_factory=_words)  # "in" of "Embassy in Lima"
    in_connector_after: Words = field(default_factory=_words)
    unit_heads: Words = field(default_factory=_words)  # "1st Battalion"
    parent_heads: Words = field(default_factory=_words)  # "228th Aviation Regiment"
    # the words inside and around capitalised names
    connectors: Words = field(default_factory=_words)
    articles: Words = field(default_factory=_words)
    coordinators: Words = field(default_factory=_words)
    head_links: Words = field(default_factory=_words)  # "<Head> of the <Name>"
    segment_breaks: Words = field(default_factory=_words)  # words that end a name's core ("of", "for")
    chunk_strip_leading: Words = field(default_factory=_words)
    adjectival_followers: Words = field(default_factory=_words)  # "the Pacific coast": after an article
    naming_followers: Words = field(default_factory=_words)  # "Rift Valley fever": a place naming something else
    function_words: Words = field(default_factory=_words)
    # places
    place_heads_after: Words = field(default_factory=_words)
    place_heads_before: Words = field(default_factory=_words)
    strong_place_heads: tuple[str, ...] = ()
    not_places: Words = field(default_factory=_words)
    locative_prepositions: Words = field(default_factory=_words)
    place_nouns: Words = field(default_factory=_words)  # lower-case nouns after a name that make it a place
    feature_nouns: dict[str, str] = field(default_factory=dict)  # "río Suchiate": noun -> kind, noun in the name
    admin_nouns: dict[str, str] = field(default_factory=dict)  # "provincia de Azua": noun -> kind of the name
    country_cue_patterns: tuple[str, ...] = ()  # "Republic of {name}": the country, not its namesake
    # operations and events
    conference_heads: Words = field(default_factory=_words)
    operation_prefixes: dict[str, str] = field(default_factory=dict)  # prefix word -> kind
    operation_prefixes_in_name: Words = field(default_factory=_words)  # prefixes that stay in the name
    operation_cues: Words = field(default_factory=_words)
    operation_nouns: dict[str, str] = field(default_factory=dict)  # "la operación Martillo": noun -> kind
    operation_kind_words: dict[str, str] = field(default_factory=dict)  # "(JWC) exercise" -> kind
    vessel_words: tuple[str, ...] = ()
    # people
    name_particles: Words = field(default_factory=_words)
    person_stop: Words = field(default_factory=_words)
    honorifics: Words = field(default_factory=_words)
    rank_qualifiers: tuple[str, ...] = ()
    rank_blockers: Words = field(default_factory=_words)  # a word before a rank that makes it part of a name
    services: dict[str, str] = field(default_factory=dict)
    service_words: Words = field(default_factory=_words)
    service_acronyms: dict[str, tuple[str, str]] = field(default_factory=dict)
    speech_before: tuple[str, ...] = ()
    speech_after: tuple[str, ...] = ()
    appositive_starts: Words = field(default_factory=_words)
    role_starts: Words = field(default_factory=_words)
    role_enders: Words = field(default_factory=_words)
    title_links: Words = field(default_factory=_words)  # "Ambassador to", "Minister of"
    ranks_lowercase: bool = False  # running prose writes ranks in lower case ("el almirante")
    titles_lowercase: bool = False  # a lower-case title before a name names the person ("el ministro X")
    # countries
    language_nouns: Words = field(default_factory=_words)
    language_preps: Words = field(default_factory=_words)
    demonyms_lowercase: bool = False

    @classmethod
    def from_spec(cls, spec: Any, name: str) -> Lexicon:
        shape = Shape(name)
        data = shape.obj(spec, "")
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key.startswith("_"):
                continue
            f = known.get(key)
            if f is None:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise shape.fail(key, f"not a known word class{hint}")
            values[key] = _convert(shape, key, value, str(f.type))
        return cls(**values)


def _convert(shape: Shape, key: str, value: Any, kind: str) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise shape.fail(key, "expected true or false")
        return value
    if kind == "Words":
        return frozenset(shape.strings(value, key))
    if kind == "tuple[str, ...]":
        return tuple(shape.strings(value, key))
    if kind == "dict[str, str]":
        return shape.string_map(value, key)
    if kind == "dict[str, Words]":
        obj = shape.obj(value, key)
        return {str(k): frozenset(shape.strings(v, f"{key}.{k}")) for k, v in obj.items()}
    if kind == "dict[str, tuple[str, str]]":
        obj = shape.obj(value, key)
        out: dict[str, tuple[str, str]] = {}
        for k, v in obj.items():
            pair = shape.strings(v, f"{key}.{k}")
            if len(pair) != 2:
                raise shape.fail(f"{key}.{k}", "expected [service, country code]")
            out[str(k)] = (pair[0], pair[1])
        return out
    raise AssertionError(f"unhandled word class type {kind}")  # pragma: no cover
