#!/usr/bin/env python3
"""Check the enrichment knowledge files (stdlib only).

Checks every file under ``workers/coopstream/enrich/data/`` that this script
knows (ranks, titles, organizations, operations, given names): UTF-8, header,
column counts, no stray whitespace, rows sorted, no duplicates, allowed
values, and a few cross-file rules (sponsors name a known organization or an
ISO country code; an acronym or alias points at one entry only).

It also checks every per-language folder (``en/``, ``es/``, ``pt/``, any
two-letter lower-case folder) with the files of the v2 knowledge layout that
are present there -- ``countries.tsv``, ``ranks.tsv`` (with ``scope``),
``titles.tsv`` and ``given_names.txt``.  A file that is absent is not required.
Last, it loads the knowledge as the engine does at start-up (which checks the
JSON files and every value) when the engine's dependencies are importable.
Prints counts; exits 1 if anything is wrong.

    python3 tools/check_knowledge.py [DATA_DIR]
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path


def _words(text: str) -> set[str]:
    return set(text.split())


DATA = Path(__file__).resolve().parent.parent / "workers" / "coopstream" / "enrich" / "data"

ISO_ALPHA2 = _words(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER
    ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID
    IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR
    NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC
    VE VG VI VN VU WF WS YE YT ZA ZM ZW XK"""
)
SERVICES = {"Army", "Navy", "Air Force", "Marine Corps", "Space Force", "Coast Guard"}
GRADES = {f"O-{i}" for i in range(1, 11)} | {f"W-{i}" for i in range(1, 6)} | {f"E-{i}" for i in range(1, 10)}
NATO = {f"OF-{i}" for i in range(1, 11)} | {f"OR-{i}" for i in range(1, 10)} | {"WO"}
RANK_CATEGORIES = {"officer", "warrant", "enlisted"}
# Per-language files of the v2 layout (data/<lang>/).
LANG_DIR = re.compile(r"^[a-z]{2}$")
LANG_FILES = {
    "countries.tsv",
    "ranks.tsv",
    "titles.tsv",
    "given_names.txt",
    "lexicon.json",
    "themes.json",
    "engagements.json",
    "dates.json",
    "text.json",
}
THEME_IDS = _words(
    """maritime_security counter_transnational_crime counter_narcotics iuu_fishing cyber_defense
    disaster_response humanitarian_assistance health_security human_rights women_peace_security
    peace_operations institution_building training_exercises security_assistance counterterrorism
    border_migration environmental_security strategic_competition space_emerging_tech"""
)
ENGAGEMENT_IDS = _words("visit meeting exercise conference agreement donation port_call deployment ceremony statement")

TITLE_KINDS = {"government", "military", "diplomatic", "civil"}
ORG_KINDS = {"military", "government", "international", "ngo", "company", "academic", "armed_group"}
OP_KINDS = {"exercise", "operation", "mission", "conference"}
# Acronyms must not read as an ordinary English word.
COMMON_WORDS = _words(
    """a act ad aid aim air all am an and any are arm art as at ax bad bag ban bar bat be bed big bin bit
    bow box boy bus but by can cap car care cat cut dam day did dig do dog dot dry due ear eat egg end era
    eve eye fab fan far fast fat fee few fig fin fit fix fly for fun gap gas get go god got gun had has hat
    he hen her hey him hip his hit hop hope hot how i ice if ill in ink is it its jam jar jet job joy key
    kid kit lab lap law lay leg let lid lie lip lit log lot low mad man map mat max may me men mix mob mud
    my nap net new no nor not now nut oak odd of off oil old on one or our out owl own pad pan pat pay pen
    per pet pie pig pin pit plan pop pot put ran rat raw red rib rid rig rip rob rod row rub run sad sang
    sat saw say sea see set sew shape she ship shy sin sir sit six sky so son spa spy star sub sum sun tab
    tag tan tap tax tea ten the tie tin tip to toe ton too top toy try tug two up us use van vet war was
    way we web wet who why win wit won yes yet you zip"""
)


class Checker:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")

    # ------------------------------------------------------------------ generic
    def read_lines(self, name: str) -> list[str]:
        path = self.data / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.err(name, "missing")
            return []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.err(name, f"not UTF-8 ({exc})")
            return []
        if text.startswith("\ufeff"):
            self.err(name, "starts with a byte-order mark")
        if "\r" in text:
            self.err(name, "contains carriage returns")
        if not text.endswith("\n"):
            self.err(name, "does not end with a newline")
        lines = text.split("\n")[:-1]
        for n, line in enumerate(lines, 1):
            # an empty last column legitimately ends a row with a tab; nothing else may trail
            if line.rstrip("\t") != line.rstrip():
                self.err(f"{name}:{n}", "trailing whitespace")
            if not line.strip():
                self.err(f"{name}:{n}", "blank line")
        return lines

    def read_tsv(self, name: str, header: list[str]) -> list[dict[str, str]]:
        lines = self.read_lines(name)
        if not lines:
            return []
        if lines[0].split("\t") != header:
            self.err(name, f"header is {lines[0]!r}, want {chr(9).join(header)!r}")
            return []
        body = lines[1:]
        if body != sorted(body):
            first = next(i for i, (a, b) in enumerate(zip(body, sorted(body), strict=True)) if a != b)
            self.err(name, f"rows not sorted (first out of place at line {first + 2}: {body[first][:60]!r})")
        rows = []
        seen: set[str] = set()
        for n, line in enumerate(body, 2):
            where = f"{name}:{n}"
            if line in seen:
                self.err(where, "duplicate row")
            seen.add(line)
            cells = line.split("\t")
            if len(cells) != len(header):
                self.err(where, f"{len(cells)} columns, want {len(header)}")
                continue
            for col, cell in zip(header, cells, strict=True):
                if cell != cell.strip() or "  " in cell:
                    self.err(where, f"{col}: stray whitespace in {cell!r}")
                if "|" in cell and any(not item.strip() or item != item.strip() for item in cell.split("|")):
                    self.err(where, f"{col}: empty or padded list item in {cell!r}")
            row = dict(zip(header, cells, strict=True))
            row["_where"] = where
            rows.append(row)
        return rows

    @staticmethod
    def items(cell: str) -> list[str]:
        return [x for x in cell.split("|") if x] if cell else []

    def no_dup_items(self, row: dict[str, str], col: str) -> None:
        items = self.items(row[col])
        dups = [k for k, v in collections.Counter(items).items() if v > 1]
        if dups:
            self.err(row["_where"], f"{col}: repeated item(s) {dups}")

    # ------------------------------------------------------------------ files
    def titles(self, name: str = "titles.tsv") -> list[dict[str, str]]:
        rows = self.read_tsv(name, ["title", "kind", "takes_of"])
        seen: dict[str, str] = {}
        for row in rows:
            w = row["_where"]
            if row["kind"] not in TITLE_KINDS:
                self.err(w, f"kind {row['kind']!r} not in {sorted(TITLE_KINDS)}")
            if row["takes_of"] not in {"yes", "no"}:
                self.err(w, f"takes_of {row['takes_of']!r} must be yes or no")
            key = row["title"].casefold()
            if key in seen:
                self.err(w, f"title {row['title']!r} repeats {seen[key]!r} (ignoring case)")
            seen[key] = row["title"]
        return rows

    def organizations(self) -> list[dict[str, str]]:
        rows = self.read_tsv("organizations.tsv", ["name", "acronyms", "aliases", "kind", "country"])
        for row in rows:
            w = row["_where"]
            self.no_dup_items(row, "acronyms")
            self.no_dup_items(row, "aliases")
            if row["kind"] not in ORG_KINDS:
                self.err(w, f"kind {row['kind']!r} not in {sorted(ORG_KINDS)}")
            if row["country"] and row["country"] not in ISO_ALPHA2:
                self.err(w, f"country {row['country']!r} is not an ISO 3166-1 alpha-2 code")
            if row["kind"] == "international" and row["country"]:
                self.err(w, "international bodies take no country")
            for acr in self.items(row["acronyms"]):
                if acr.casefold() in COMMON_WORDS:
                    self.err(w, f"acronym {acr!r} reads as an English word")
                if not any(ch.isupper() or ch.isdigit() for ch in acr):
                    self.err(w, f"acronym {acr!r} has no capital letter or digit")
            if row["name"] in self.items(row["aliases"]) + self.items(row["acronyms"]):
                self.err(w, "name repeated among its aliases or acronyms")
        return rows

    def operations(self, org_names: set[str]) -> list[dict[str, str]]:
        rows = self.read_tsv("operations.tsv", ["name", "aliases", "kind", "sponsor"])
        for row in rows:
            w = row["_where"]
            self.no_dup_items(row, "aliases")
            self.no_dup_items(row, "sponsor")
            if row["kind"] not in OP_KINDS:
                self.err(w, f"kind {row['kind']!r} not in {sorted(OP_KINDS)}")
            for sp in self.items(row["sponsor"]):
                if sp not in org_names and sp not in ISO_ALPHA2:
                    self.err(w, f"sponsor {sp!r} is neither an organization name nor an ISO country code")
            if row["name"] in self.items(row["aliases"]):
                self.err(w, "name repeated among its aliases")
            for alias in self.items(row["aliases"]):
                if alias.casefold() in COMMON_WORDS:
                    self.err(w, f"alias {alias!r} reads as an English word")
        return rows

    def given_names(self, name: str = "given_names.txt") -> list[str]:
        lines = self.read_lines(name)
        if not lines:
            return []
        if not lines[0].startswith("# "):
            self.err(name, "first line must be a '# ' comment")
        names = lines[1:]
        if any(n.startswith("#") for n in names):
            self.err(name, "comments allowed on the first line only")
        if names != sorted(names):
            self.err(name, "names not sorted")
        dups = [k for k, v in collections.Counter(names).items() if v > 1]
        if dups:
            self.err(name, f"duplicates: {dups[:10]}")
        pattern = re.compile(r"^[^\W\d_][\w'’-]*$")
        for n, nm in enumerate(names, 2):
            if not pattern.match(nm) or "_" in nm or any(ch.isdigit() for ch in nm):
                self.err(f"{name}:{n}", f"{nm!r} is not a single name token")
            elif not nm[0].isupper():
                self.err(f"{name}:{n}", f"{nm!r} does not start with a capital")
        return names

    # ------------------------------------------------------------------ per-language folders
    def languages(self) -> list[str]:
        if not self.data.is_dir():
            return []
        return sorted(p.name for p in self.data.iterdir() if p.is_dir() and LANG_DIR.match(p.name))

    def lang_countries(self, lang: str) -> list[dict[str, str]]:
        name = f"{lang}/countries.tsv"
        rows = self.read_tsv(name, ["code", "names", "demonyms"])
        owner: dict[str, str] = {}
        codes: set[str] = set()
        for row in rows:
            w = row["_where"]
            code = row["code"]
            if code not in ISO_ALPHA2:
                self.err(w, f"code {code!r} is not an ISO 3166-1 alpha-2 code")
            if code in codes:
                self.err(w, f"code {code!r} has two rows")
            codes.add(code)
            if not row["names"]:
                self.err(w, "no names")
            self.no_dup_items(row, "names")
            self.no_dup_items(row, "demonyms")
            for col in ("names", "demonyms"):
                for form in self.items(row[col]):
                    prev = owner.setdefault(form, code)
                    if prev != code:
                        self.err(w, f"{form!r} ({col}) names both {prev} and {code}")
        return rows

    def lang_ranks(self, lang: str) -> list[dict[str, str]]:
        name = f"{lang}/ranks.tsv"
        rows = self.read_tsv(name, ["rank", "variants", "grade", "nato", "services", "category", "scope"])
        keys: dict[str, list[tuple[set[str], set[str], str]]] = collections.defaultdict(list)
        owner: dict[str, str] = {}
        for row in rows:
            w = row["_where"]
            self.no_dup_items(row, "variants")
            self.no_dup_items(row, "scope")
            if row["grade"] and row["grade"] not in GRADES:
                self.err(w, f"grade {row['grade']!r} not a U.S. pay grade")
            if row["nato"] and row["nato"] not in NATO:
                self.err(w, f"nato {row['nato']!r} not allowed")
            if row["category"] not in RANK_CATEGORIES:
                self.err(w, f"category {row['category']!r} not in {sorted(RANK_CATEGORIES)}")
            bad = set(self.items(row["services"])) - SERVICES
            if bad:
                self.err(w, f"unknown services {sorted(bad)}")
            scope = set(self.items(row["scope"]))
            if "US" in scope and len(scope) > 1:
                self.err(w, "scope US stands alone (U.S. personnel), not in a list of countries")
            for code in scope - {"US"}:
                if code not in ISO_ALPHA2:
                    self.err(w, f"scope {code!r} is not an ISO 3166-1 alpha-2 code")
            if scope and not (row["grade"] or row["nato"]):
                self.err(w, "a scoped row must give a grade or a nato code")
            if "US" in scope and not row["grade"]:
                self.err(w, "a row scoped to U.S. personnel needs a U.S. grade")
            for field in ("grade", "nato"):
                code = row[field]
                if code:
                    if code == "WO" or code.startswith("W-"):
                        want = "warrant"
                    elif code.startswith(("O-", "OF-")):
                        want = "officer"
                    else:
                        want = "enlisted"
                    if want != row["category"]:
                        self.err(w, f"{field} {code} but category {row['category']}")
            if row["grade"] and row["nato"] and row["nato"] != "WO":
                n = int(row["grade"].split("-")[1])
                expect = {"O": f"OF-{max(n - 1, 1)}", "E": f"OR-{n}"}.get(row["grade"][0])
                if expect and row["nato"] != expect:
                    self.err(w, f"grade {row['grade']} pairs with {expect}, not {row['nato']}")
            if row["rank"] in self.items(row["variants"]):
                self.err(w, "rank repeated among its variants")
            # two rows of one rank must differ in scope or in services
            svc = set(self.items(row["services"]))
            skey = row["scope"] or "*"
            for prev_scope, prev_svc, prev_where in keys[row["rank"]]:
                same_scope = (prev_scope & scope) if (prev_scope and scope) else (not prev_scope and not scope)
                same_svc = (prev_svc & svc) or (not prev_svc and not svc) or not prev_svc or not svc
                if same_scope and same_svc:
                    self.err(w, f"{row['rank']!r} ({skey}) overlaps the row at {prev_where} in scope and services")
            keys[row["rank"]].append((scope, svc, w))
            for form in [row["rank"], *self.items(row["variants"])]:
                prev = owner.setdefault(form, row["rank"])
                if prev != row["rank"]:
                    self.err(w, f"form {form!r} belongs to both {prev!r} and {row['rank']!r}")
        return rows

    def lang_titles(self, lang: str) -> list[dict[str, str]]:
        return self.titles(f"{lang}/titles.tsv")

    def language(self, lang: str) -> dict[str, int]:
        """Check the files present in data/<lang>/; return row counts for the summary."""
        folder = self.data / lang
        present = {p.name for p in folder.iterdir() if p.is_file()}
        for other in sorted(present - LANG_FILES - {"__init__.py"}):
            self.warn(f"{lang}/{other}", "not a file of the per-language layout")
        counts: dict[str, int] = {}
        ranks: list[dict[str, str]] = []
        titles: list[dict[str, str]] = []
        if "countries.tsv" in present:
            counts["countries.tsv"] = len(self.lang_countries(lang))
        if "ranks.tsv" in present:
            ranks = self.lang_ranks(lang)
            counts["ranks.tsv"] = len(ranks)
        if "titles.tsv" in present:
            titles = self.lang_titles(lang)
            counts["titles.tsv"] = len(titles)
        if "given_names.txt" in present:
            names = self.given_names(f"{lang}/given_names.txt")
            counts["given_names.txt"] = len(names)
            rank_forms = {f for r in ranks for f in [r["rank"], *self.items(r["variants"])]}
            clash = sorted(set(names) & (rank_forms | {t["title"] for t in titles}))
            if clash:
                self.err(f"{lang}/given_names.txt", f"names that are also ranks or titles: {clash}")
        return counts

    # ------------------------------------------------------------------ cross-file
    def cross(self, ranks, titles, orgs, ops, names) -> None:
        # Every name, acronym and alias of an organization or operation must lead to one entry.
        owner: dict[str, str] = {}
        sources = (("org", orgs, ("name", "acronyms", "aliases")), ("op", ops, ("name", "aliases")))
        for kind, rows, cols in sources:
            for row in rows:
                ident = f"{kind}:{row['name']}"
                for col in cols:
                    forms = [row[col]] if col == "name" else self.items(row[col])
                    for form in forms:
                        prev = owner.setdefault(form, ident)
                        if prev != ident:
                            self.err(row["_where"], f"{form!r} ({col}) already names {prev}")
        # Written forms shared between a rank and an acronym are allowed but listed.
        rank_forms = {f for r in ranks for f in [r["rank"], *self.items(r["variants"])]}
        shared = sorted(rank_forms & set(owner))
        if shared:
            self.warn("ranks.tsv/organizations.tsv", f"forms that are both rank and entity: {shared}")
        # A given name must not be a rank or a title word.
        # Country codes should be ones the gazetteer (countries.tsv, another file) knows, when it is there.
        gazetteer = self.data / "countries.tsv"
        if gazetteer.exists():
            lines = gazetteer.read_text(encoding="utf-8").splitlines()[1:]
            known = {line.split("\t", 1)[0] for line in lines if line}
            used = {r["country"] for r in orgs if r["country"]}
            used |= {s for r in ops for s in self.items(r["sponsor"]) if s in ISO_ALPHA2}
            for code in sorted(used - known):
                self.err("organizations.tsv", f"country {code!r} is missing from countries.tsv")
        given = set(names)
        clash = sorted(given & (rank_forms | {t["title"] for t in titles}))
        if clash:
            self.err("given_names.txt", f"names that are also ranks or titles: {clash}")

    def engine(self) -> None:
        """The engine's own reading: every file's structure and values, as start-up checks them."""
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workers"))
        try:
            from coopstream.enrich import load_knowledge
            from coopstream.errors import KnowledgeError
        except ImportError as exc:  # the engine's dependencies are not installed here
            self.warn("engine", f"not checked: {exc}")
            return
        try:
            load_knowledge(self.data if self.data != DATA else None)
        except KnowledgeError as exc:
            self.err("engine", str(exc))

    def run(self) -> int:
        ranks = self.lang_ranks("en")
        titles = self.lang_titles("en")
        orgs = self.organizations()
        ops = self.operations({r["name"] for r in orgs})
        names = self.given_names("en/given_names.txt")
        self.cross(ranks, titles, orgs, ops, names)
        self.engine()

        def breakdown(rows, col):
            c = collections.Counter(r[col] for r in rows)
            return ", ".join(f"{k or '(none)'} {v}" for k, v in sorted(c.items()))

        print(
            f"ranks.tsv          {len(ranks):6d} rows  ({breakdown(ranks, 'category')}; "
            f"{sum(1 for r in ranks if not r['services'])} non-U.S.)"
        )
        print(f"titles.tsv         {len(titles):6d} rows  ({breakdown(titles, 'kind')})")
        print(
            f"organizations.tsv  {len(orgs):6d} rows  ({breakdown(orgs, 'kind')}; "
            f"{sum(len(self.items(r['acronyms'])) for r in orgs)} acronyms, "
            f"{sum(len(self.items(r['aliases'])) for r in orgs)} aliases)"
        )
        print(f"operations.tsv     {len(ops):6d} rows  ({breakdown(ops, 'kind')})")
        print(f"en/given_names.txt {len(names):6d} names")
        for lang in self.languages():
            counts = self.language(lang)
            shown = ", ".join(f"{k} {v}" if k.endswith((".tsv", ".txt")) else k for k, v in counts.items())
            print(f"{lang}/                {shown or '(no layout files)'}")
        for w in self.warnings:
            print(f"warning: {w}")
        for e in self.errors:
            print(f"ERROR: {e}")
        print(f"{len(self.errors)} error(s)")
        return 1 if self.errors else 0


def main() -> int:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    return Checker(data).run()


if __name__ == "__main__":
    raise SystemExit(main())
