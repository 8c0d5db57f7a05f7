"""Language-independent knowledge: countries, places, organizations, operations, ambiguous names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coopstream.enrich.knowledge.files import (
    COUNT,
    COUNTRY_CODE,
    LATITUDE,
    LONGITUDE,
    Column,
    Shape,
    Source,
    as_float,
    names_list,
    one_of,
    split_list,
)
from coopstream.errors import KnowledgeError

ORG_KINDS = ("military", "government", "international", "ngo", "company", "academic", "armed_group", "vessel")
OP_KINDS = ("exercise", "operation", "mission", "conference")
PLACE_KINDS = ("city", "state", "region", "facility", "country", "island", "water", "place", "district", "province")


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
    population: int = 0


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
class Ambiguous:
    """A name that is a country and also another place ("Georgia"): the country only with evidence."""

    name: str
    country: str
    otherwise: Place


@dataclass(frozen=True, slots=True)
class Common:
    countries: dict[str, CountryInfo]
    places: list[tuple[str, Place]]  # every written form with its place
    orgs: list[tuple[str, OrgInfo]]
    ops: list[tuple[str, OpInfo]]
    ambiguous: dict[str, Ambiguous]
    vessel_prefixes: tuple[str, ...]
    orgs_by_name: dict[str, OrgInfo]


def load_common(source: Source) -> Common:
    countries = _countries(source)
    orgs = _orgs(source)
    by_name: dict[str, OrgInfo] = {}
    for name, info in orgs:
        by_name.setdefault(name, info)
    lex = source.json("lexicon.json")
    shape = Shape("lexicon.json")
    prefixes = tuple(shape.strings(shape.key(shape.obj(lex, ""), "vessel_prefixes", ""), "vessel_prefixes"))
    return Common(
        countries=countries,
        places=_places(source, countries),
        orgs=orgs,
        ops=_ops(source),
        ambiguous=_ambiguous(source, countries),
        vessel_prefixes=prefixes,
        orgs_by_name=by_name,
    )


def _countries(source: Source) -> dict[str, CountryInfo]:
    cols = [
        Column("code", COUNTRY_CODE, required=True),
        Column("name", required=True),
        Column("capital"),
        Column("lat", LATITUDE),
        Column("lon", LONGITUDE),
    ]
    out: dict[str, CountryInfo] = {}
    for n, row in source.rows("countries.tsv", cols):
        if row["code"] in out:
            raise KnowledgeError(f"knowledge file countries.tsv: line {n}: code {row['code']} appears twice")
        out[row["code"]] = CountryInfo(row["code"], row["name"], as_float(row["lat"]), as_float(row["lon"]))
    return out


def _country_ref(name: str, n: int, code: str, countries: dict[str, CountryInfo]) -> str | None:
    if code and code not in countries:
        raise KnowledgeError(f"knowledge file {name}: line {n}: column country: {code} is not in countries.tsv")
    return code or None


def _places(source: Source, countries: dict[str, CountryInfo]) -> list[tuple[str, Place]]:
    cols = [
        Column("name", required=True),
        Column("aliases", names_list),
        Column("kind", one_of(*PLACE_KINDS), required=True),
        Column("country", COUNTRY_CODE),
        Column("lat", LATITUDE),
        Column("lon", LONGITUDE),
        Column("population", COUNT),
    ]
    out: list[tuple[str, Place]] = []
    for n, row in source.rows("places.tsv", cols):
        country = _country_ref("places.tsv", n, row["country"], countries)
        population = int(float(row["population"])) if row["population"] else 0
        place = Place(row["name"], row["kind"], country, as_float(row["lat"]), as_float(row["lon"]), population)
        out.extend((form, place) for form in [row["name"], *split_list(row["aliases"])])
    return out


def _orgs(source: Source) -> list[tuple[str, OrgInfo]]:
    cols = [
        Column("name", required=True),
        Column("acronyms", names_list),
        Column("aliases", names_list),
        Column("kind", one_of(*ORG_KINDS)),
        Column("country", COUNTRY_CODE),
    ]
    out: list[tuple[str, OrgInfo]] = []
    for _, row in source.rows("organizations.tsv", cols):
        acronyms = split_list(row["acronyms"])
        info = OrgInfo(
            row["name"], acronyms[0] if acronyms else None, row["kind"] or "organization", row["country"] or None
        )
        out.extend((form, info) for form in [row["name"], *split_list(row["aliases"]), *acronyms])
    return out


def _ops(source: Source) -> list[tuple[str, OpInfo]]:
    cols = [Column("name", required=True), Column("aliases", names_list), Column("kind", one_of(*OP_KINDS))]
    out: list[tuple[str, OpInfo]] = []
    for _, row in source.rows("operations.tsv", cols):
        info = OpInfo(row["name"], row["kind"] or "exercise")
        out.extend((form, info) for form in [row["name"], *split_list(row["aliases"])])
    return out


def _ambiguous(source: Source, countries: dict[str, CountryInfo]) -> dict[str, Ambiguous]:
    name = "ambiguity.json"
    shape = Shape(name)
    spec = shape.obj(shape.key(shape.obj(source.json(name), ""), "names", ""), "names")
    out: dict[str, Ambiguous] = {}
    for written, entry in spec.items():
        path = f"names.{written}"
        e = shape.obj(entry, path)
        code = str(shape.key(e, "country", path))
        other: dict[str, Any] = shape.obj(shape.key(e, "otherwise", path), f"{path}.otherwise")
        other_code = str(shape.key(other, "country", f"{path}.otherwise"))
        for c, p in ((code, f"{path}.country"), (other_code, f"{path}.otherwise.country")):
            if c not in countries:
                raise shape.fail(p, f"{c!r} is not in countries.tsv")
        kind = shape.one_of(other.get("kind", "place"), f"{path}.otherwise.kind", PLACE_KINDS)
        out[written] = Ambiguous(written, code, Place(written, kind, other_code, None, None))
    return out
