#!/usr/bin/env python3
"""Build the per-language country files ``<lang>/countries.tsv`` (code, names, demonyms).

Run from the repository root:

    python -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install pycountry
    /tmp/geovenv/bin/python tools/build_countries_lang.py

``pycountry`` is needed at build time only (the engine reads the TSV files).

Inputs
  * es, pt: the gettext catalogues of ISO 3166-1 that ``pycountry`` ships
    (``es``; ``pt`` and ``pt_BR`` merged, so both the European and the Brazilian
    spelling are listed), for the short name, the official long name and the
    common name of each country;
  * ``tools/gazetteer_src/<lang>/countries.tsv``: curated short forms,
    abbreviations, variant spellings, forms to drop, and demonyms;
  * en: not built; ``en/countries.tsv`` is edited by hand, the English reference.

Rules
  * ISO list forms with a comma or brackets ("Corea, República de",
    "Islas Cocos (Keeling)") are not how prose writes a name and are skipped;
  * every name also gets its accent-less spelling (scraped text and ASCII
    captions drop accents), except where that spelling is a word (FOLD_STOP);
  * demonyms are given as the masculine singular and inflected here
    (peruano -> peruana, peruanos, peruanas; francés -> francesa, franceses,
    francesas); an item written ``a/b/c`` is taken as its complete list;
  * a string may belong to one code only; a code left without any name is
    omitted (and reported).

Outputs ``workers/coopstream/enrich/data/{en,es,pt}/countries.tsv``: UTF-8, tab
separated, header ``code names demonyms``, rows sorted by the whole line in
code-point order. The output is deterministic.
"""

from __future__ import annotations

import gettext
import sys
import unicodedata
from pathlib import Path

from tsv import read_tsv, split_list

try:
    import pycountry
except ImportError:  # pragma: no cover - build-time dependency message
    sys.exit("build_countries_lang.py needs: pip install pycountry")

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tools" / "gazetteer_src"
OUT = ROOT / "workers" / "coopstream" / "enrich" / "data"

# gettext catalogues merged for each language, in order of preference.
CATALOGUES = {"es": ["es"], "pt": ["pt", "pt_BR"]}

# Accent-less forms that are not added because they are ordinary words or names.
FOLD_STOP = {
    "es": {"frances"},  # "Frances" is a given name
    # ira "anger"; Omã -> Oma; Franca and Santa Lucía are cities (Brazil, Spain)
    "pt": {"Ira", "Oma", "frances", "Franca", "Santa Lucia"},
}

# Codes in the curated lists that ISO 3166-1 (pycountry) does not have.
EXTRA_CODES = {"XK"}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# ----------------------------------------------------------------------------
# Demonym inflection
# ----------------------------------------------------------------------------

UNACCENT = str.maketrans("áéíóú", "aeiou")


def inflect_es(m: str) -> list[str]:
    """Masculine singular Spanish demonym -> m.sg, f.sg, m.pl, f.pl (deduplicated)."""
    if m.endswith("o"):
        stem = m[:-1]
        return [m, stem + "a", m + "s", stem + "as"]
    if m.endswith(("e", "a")) or (m.endswith(("i", "u")) and not m.endswith(("í", "ú"))):
        return [m, m + "s"]  # estadounidense(s), belga(s), saharaui(s)
    if m.endswith(("í", "ú")):
        return [m, m + "es", m + "s"]  # marroquí, marroquíes, marroquís
    if m[-1] in "nsl" and m[-2] in "áéíóú":
        stem = m[:-2] + m[-2].translate(UNACCENT) + m[-1]
        return [m, stem + "a", stem + "es", stem + "as"]  # francés, alemán, letón
    if m[-1] in "lnr":
        return [m, m + "a", m + "es", m + "as"]  # español, mongol
    raise SystemExit(f"no Spanish inflection rule for {m!r}; write it as a/b/c")


def inflect_pt(m: str) -> list[str]:
    """Masculine singular Portuguese demonym -> m.sg, f.sg, m.pl, f.pl (deduplicated)."""
    if m.endswith("o"):
        stem = m[:-1]
        return [m, stem + "a", m + "s", stem + "as"]
    if m.endswith(("e", "a", "i")):
        return [m, m + "s"]  # canadense(s), belga(s), omani(s)
    if m.endswith("ês"):
        stem = m[:-2] + "es"
        return [m, stem + "a", stem + "es", stem + "as"]  # português, portuguesa, ...
    raise SystemExit(f"no Portuguese inflection rule for {m!r}; write it as a/b/c")


INFLECT = {"es": inflect_es, "pt": inflect_pt}


def demonym_forms(lang: str, cell: str) -> list[str]:
    forms: list[str] = []
    for item in split_list(cell):
        parts = item.split("/") if "/" in item else INFLECT[lang](item)
        for p in parts:
            if p and p not in forms:
                forms.append(p)
    return forms


# ----------------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------------


def catalogue_names(lang: str) -> dict[str, list[str]]:
    """code -> translated short, official and common names, as pycountry has them."""
    cats = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[c]) for c in CATALOGUES[lang]]
    out: dict[str, list[str]] = {}
    for country in pycountry.countries:
        names: list[str] = []
        for attr in ("name", "official_name", "common_name"):
            msgid = getattr(country, attr, None)
            if not msgid:
                continue
            for cat in cats:
                # only a real translation (an untranslated msgid would be English)
                if msgid in cat._catalog:  # gettext has no public "is translated" test
                    text = cat.gettext(msgid).strip()
                    if text and "," not in text and "(" not in text and text not in names:
                        names.append(text)
        out[country.alpha_2] = names
    return out


def build_lang(lang: str) -> tuple[list[list[str]], list[str]]:
    curated = read_tsv(SRC / lang / "countries.tsv")
    iso = {c.alpha_2 for c in pycountry.countries} | EXTRA_CODES
    codes = [r["code"] for r in curated]
    missing, unknown = iso - set(codes), set(codes) - iso
    if missing or unknown or len(codes) != len(set(codes)):
        raise SystemExit(f"{lang}/countries.tsv: missing {sorted(missing)}, unknown {sorted(unknown)}")
    pyc = catalogue_names(lang)
    stop = FOLD_STOP.get(lang, set())

    rows, omitted = [], []
    owner: dict[str, str] = {}
    for r in curated:
        code = r["code"]
        drop = set(split_list(r["drop"]))
        names: list[str] = []
        for n in [*split_list(r["names"]), *pyc.get(code, [])]:
            if n not in drop and n not in names:
                names.append(n)
        for n in list(names):
            f = fold(n)
            if f != n and f not in names and f not in drop and f not in stop:
                names.append(f)
        demonyms = demonym_forms(lang, r["demonyms"])
        for d in list(demonyms):
            f = fold(d)
            if f != d and f not in demonyms and f not in stop:
                demonyms.append(f)
        if not names:
            omitted.append(code)
            continue
        for s in [*names, *demonyms]:
            prev = owner.setdefault(s, code)
            if prev != code:
                raise SystemExit(f"{lang}: {s!r} would name both {prev} and {code}")
        rows.append([code, "|".join(names), "|".join(demonyms)])
    return rows, omitted


def write(lang: str, rows: list[list[str]]) -> Path:
    path = OUT / lang / "countries.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = sorted("\t".join(r) for r in rows)
    path.write_text("code\tnames\tdemonyms\n" + "".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
    return path


def main() -> None:
    # en/countries.tsv is edited directly (English is the curated reference the others start from)
    for lang in ("es", "pt"):
        rows, omitted = build_lang(lang)
        path = write(lang, rows)
        n_names = sum(len(r[1].split("|")) for r in rows)
        n_dem = sum(len(split_list(r[2])) for r in rows)
        print(
            f"{path.relative_to(ROOT)}: {len(rows)} rows, {n_names} names, {n_dem} demonym forms; "
            f"omitted (no unambiguous name): {' '.join(omitted) or '-'}"
        )


if __name__ == "__main__":
    main()
