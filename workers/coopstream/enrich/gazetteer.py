"""The knowledge the entity passes use, compiled once into matchers and sets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge import Matcher, Source, as_float, split_list


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class OrgInfo:
    name: str
    acronym: str | None
    kind: str
    country: str | None


@dataclass(frozen=True, slots=True)
class OpInfo:
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class RankInfo:
    rank: str
    grade: str | None
    nato: str | None
    services: tuple[str, ...]
    category: str


@dataclass(frozen=True, slots=True)
class TitleInfo:
    title: str
    kind: str
    takes_of: bool


class Gazetteer:
    """Countries, places, organizations, operations, ranks, titles, names, word classes."""

    def __init__(self, source: Source) -> None:
        self.lex: dict[str, Any] = source.json("lexicon.json")
        self.countries: dict[str, CountryInfo] = {}
        self.geo = Matcher()  # country names, demonyms, places
        self.orgs = Matcher()
        self.ops = Matcher()
        self.ranks = Matcher()
        self.titles = Matcher()
        self.demonyms: dict[str, str] = {}
        self.country_names: dict[str, str] = {}
        self._load_countries(source)
        self._load_places(source)
        self._load_orgs(source)
        self._load_ops(source)
        self._load_ranks(source)
        self._load_titles(source)
        self.given_names = frozenset(source.lines("given_names.txt"))
        for m in (self.geo, self.orgs, self.ops, self.ranks, self.titles):
            m.build()
        self.connectors = frozenset(self.lex["connectors"])
        self.org_heads = frozenset(self.lex["org_heads"])
        self.weak_org_heads = frozenset(self.lex["weak_org_heads"])
        self.org_trailers = frozenset(self.lex["org_trailers"])
        self.person_stop = frozenset(self.lex["person_stop"])
        self.strip_leading = frozenset(self.lex["chunk_strip_leading"])
        self.not_places = frozenset(self.lex["not_places"])
        self.particles = frozenset(self.lex["name_particles"])
        self.locative = frozenset(self.lex["locative_prepositions"])
        self.conference_heads = frozenset(self.lex["conference_heads"])
        self.op_cues = frozenset(self.lex["operation_cues"])
        self.language_nouns = frozenset(self.lex["language_nouns"])
        self.services: dict[str, str] = dict(self.lex["services"])
        self.place_after_set = frozenset(self.lex["place_heads_after"])
        self.place_before_set = frozenset(self.lex["place_heads_before"])
        self.head_words = max(len(h.split()) for h in self.place_after_set | self.place_before_set)
        prefixes = sorted(self.lex["vessel_prefixes"], key=len, reverse=True)
        self.vessel_prefix_words = frozenset(p for p in prefixes if " " not in p)
        self.vessel_re = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in prefixes) + r") ")
        self.ambiguous: dict[str, Any] = dict(self.lex.get("ambiguous_countries", {}))
        self.honorifics = frozenset(self.lex.get("honorifics", []))
        self.generic_org_words = frozenset(self.lex.get("generic_org_words", []))
        self.cache: dict[tuple[str, ...], bool] = {}  # answers of pure word-class questions
        self.adjectival_followers = frozenset(self.lex.get("adjectival_followers", []))
        self.org_kind_words: list[tuple[str, frozenset[str]]] = [
            (kind, frozenset(words)) for kind, words in self.lex.get("org_kind_words", {}).items()
        ]
        self.org_qualifiers = frozenset(self.lex.get("org_qualifiers", []))
        self.in_after = frozenset(self.lex.get("in_connector_after", []))
        self.strong_place_heads = tuple(self.lex.get("strong_place_heads", []))
        self.generic_qualifiers = frozenset(self.lex.get("generic_qualifiers", []))

    def _load_countries(self, source: Source) -> None:
        for row in source.rows("countries.tsv"):
            code = row["code"].upper()
            info = CountryInfo(code, row["name"], as_float(row["lat"]), as_float(row["lon"]))
            self.countries[code] = info
            for name in [row["name"], *split_list(row["aliases"])]:
                self.geo.add(name, ("country", code))
                self.country_names[name] = code
            for dem in split_list(row["demonyms"]):
                if dem in ("English",):
                    continue
                self.geo.add(dem, ("demonym", code))
                self.demonyms[dem] = code

    def _load_places(self, source: Source) -> None:
        for row in source.rows("places.tsv"):
            country = row["country"].upper() or None
            place = Place(row["name"], row["kind"], country, as_float(row["lat"]), as_float(row["lon"]))
            for name in [row["name"], *split_list(row["aliases"])]:
                self.geo.add(name, ("place", place))

    def _load_orgs(self, source: Source) -> None:
        for row in source.rows("organizations.tsv"):
            acronyms = split_list(row["acronyms"])
            info = OrgInfo(
                row["name"],
                acronyms[0] if acronyms else None,
                row["kind"] or "organization",
                row["country"].upper() or None,
            )
            for name in [row["name"], *split_list(row["aliases"]), *acronyms]:
                self.orgs.add(name, info)

    def _load_ops(self, source: Source) -> None:
        for row in source.rows("operations.tsv"):
            info = OpInfo(row["name"], row["kind"] or "exercise")
            for name in [row["name"], *split_list(row["aliases"])]:
                self.ops.add(name, info)

    def _load_ranks(self, source: Source) -> None:
        for row in source.rows("ranks.tsv"):
            info = RankInfo(
                row["rank"],
                row["grade"] or None,
                row["nato"] or None,
                tuple(split_list(row["services"])),
                row["category"],
            )
            for name in [row["rank"], *split_list(row["variants"])]:
                # all-caps codes (COL, SGT) collide with acronyms; those with a digit (CW2, PO1) do not
                if len(name) >= 2 and (not name.isupper() or any(c.isdigit() for c in name)):
                    self.ranks.add(name, info)

    def _load_titles(self, source: Source) -> None:
        for row in source.rows("titles.tsv"):
            info = TitleInfo(row["title"], row["kind"], row["takes_of"].lower() in ("yes", "true", "1"))
            title = row["title"]
            self.titles.add(title, info)
            self.titles.add(title[0].upper() + title[1:], info)
            self.titles.add(title[0].lower() + title[1:], info)

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(word)
