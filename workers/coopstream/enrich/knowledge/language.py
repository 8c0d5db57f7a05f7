"""One language's knowledge (``<lang>/``): country names and demonyms, ranks, titles, given names,
word classes, dates, page furniture, theme and engagement cues, compiled into two automata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coopstream.enrich.dates import DateGrammar
from coopstream.enrich.engagements import EngagementCues, TypeRule
from coopstream.enrich.entities.found import fold
from coopstream.enrich.knowledge.common import Common
from coopstream.enrich.knowledge.files import (
    COUNTRY_CODE,
    COUNTRY_CODES,
    NATO_CODE,
    PAY_GRADE,
    YES_NO,
    Column,
    Shape,
    Source,
    names_list,
    one_of,
    split_list,
)
from coopstream.enrich.knowledge.lexicon import Lexicon
from coopstream.enrich.knowledge.matcher import Matcher
from coopstream.enrich.themes import ThemeCues, ThemeParams
from coopstream.enrich.tokens import ordinal_pattern
from coopstream.errors import KnowledgeError

SERVICES = ("Army", "Navy", "Air Force", "Marine Corps", "Space Force", "Coast Guard")
CATEGORIES = ("officer", "warrant", "enlisted")
TITLE_KINDS = ("government", "military", "diplomatic", "civil")

# payload kinds of the case-sensitive names automaton
COUNTRY = "country"
DEMONYM = "demonym"
RANK = "rank"
TITLE = "title"
PLACE = "place"
ORG = "org"
OP = "op"


@dataclass(frozen=True, slots=True)
class RankInfo:
    rank: str
    grade: str | None
    nato: str | None
    services: tuple[str, ...]
    category: str
    scope: frozenset[str]  # empty: the grade holds for anyone; else the countries (or US) it holds for


@dataclass(frozen=True, slots=True)
class TitleInfo:
    title: str
    kind: str
    takes_of: bool


@dataclass(frozen=True, slots=True)
class TextRules:
    boilerplate: tuple[re.Pattern[str], ...]
    stamps: tuple[re.Pattern[str], ...]
    no_break: frozenset[str]
    detect_words: frozenset[str]


class Furniture:
    """Page furniture of every language at once: whole-line patterns ("^...$") are tried on the short
    lines only, in one alternation; the others are searched in the text."""

    MAX_LINE = 300

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        lines = [p.pattern for p in patterns if p.pattern.startswith("^") and p.pattern.endswith("$")]
        self.line = re.compile("|".join(f"(?:{p[1:-1]})" for p in lines)) if lines else None
        self.inline = [p for p in patterns if p.pattern not in lines]

    def spans(self, text: str) -> list[tuple[int, int]]:
        out = [(m.start(), m.end()) for p in self.inline for m in p.finditer(text) if m.end() > m.start()]
        if self.line is not None:
            pos = 0
            for line in text.split("\n"):
                if line and len(line) <= self.MAX_LINE and self.line.fullmatch(line):
                    out.append((pos, pos + len(line)))
                pos += len(line) + 1
        return sorted(out)


def common_names(common: Common) -> Matcher:
    """The language-independent names, compiled once for every language."""
    names = Matcher()
    for written, place in common.places:
        names.add(written, (PLACE, place))
    for written, org in common.orgs:
        names.add(written, (ORG, org))
    for written, op in common.ops:
        names.add(written, (OP, op))
    return names.build()


class LanguagePack:
    """Everything the passes know of one language, compiled at start-up; read-only afterwards."""

    def __init__(
        self,
        code: str,
        source: Source | None,
        common: Common,
        theme_params: ThemeParams,
        rules: dict[str, TypeRule],
        common_names: Matcher,
    ) -> None:
        self.code = code
        self.common = common
        self.common_names = common_names  # shared by every language: places, organizations, operations
        self.names = Matcher()
        self.cues = Matcher(casefold=True)
        self.country_names: dict[str, str] = {}
        self.demonyms: dict[str, str] = {}
        self.ranks: list[RankInfo] = []
        self.given_names: frozenset[str] = frozenset()
        self.lex = Lexicon()
        self.themes: ThemeCues | None = None
        self.engagements: EngagementCues | None = None
        self.grammar: DateGrammar | None = None
        self.text = TextRules((), (), frozenset(), frozenset())
        if source is not None:
            self._load(source, theme_params, rules)
        self.names.build()
        self.cues.build()
        codes = {c for c in self.lex.country_prefixes.values() if c in common.countries}
        self.prefix_keys = tuple(
            fold(p) + " " for p in [*self.lex.country_prefixes, *(common.countries[c].name for c in sorted(codes))]
        )
        words = sorted(self.text.no_break, key=len, reverse=True)
        self.no_break_re = (
            re.compile(r"(?:\b(?:[A-Z]|" + "|".join(re.escape(w) for w in words) + r")\.)$") if words else None
        )
        self.ordinal = ordinal_pattern(self.grammar.ordinal_suffixes if self.grammar else ())
        prefixes = sorted({*common.vessel_prefixes, *self.lex.vessel_words}, key=len, reverse=True)
        self.vessel_prefix_words = frozenset(p for p in prefixes if " " not in p)
        self.vessel_re = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in prefixes) + r") ")
        heads = self.lex.place_heads_after | self.lex.place_heads_before
        self.head_words = max((len(h.split()) for h in heads), default=1)
        # the edge words of multi-word heads, so that most names are ruled out without joining their words
        self.place_after_last = frozenset(h.split()[-1] for h in self.lex.place_heads_after)
        self.place_before_first = frozenset(h.split()[0] for h in self.lex.place_heads_before)
        self.strong_place_words = frozenset(
            w for h in self.lex.strong_place_heads for w in (h.split()[0], h.split()[-1])
        )
        self.head_phrase_words = frozenset(w for p in self.lex.org_head_phrases for w in p.split())

    def lookup(self, name: str) -> tuple[Any, ...]:
        """Every payload of a written name: the language's own first, then the language-independent ones."""
        return self.names.lookup(name) + self.common_names.lookup(name)

    def find_kinds(self, text: str) -> dict[Any, list[Any]]:
        """The hits of each kind of name in ``text``, the language's and the language-independent ones."""
        hits = self.names.find_kinds(text)
        for kind, found in self.common_names.find_kinds(text).items():
            hits.setdefault(kind, []).extend(found)
        return hits

    @property
    def complete(self) -> bool:
        """Whether this language has its own knowledge (else only language-independent passes run)."""
        return self.grammar is not None

    def _load(self, source: Source, theme_params: ThemeParams, rules: dict[str, TypeRule]) -> None:
        lang = self.code
        self.lex = Lexicon.from_spec(source.json(f"{lang}/lexicon.json"), f"{lang}/lexicon.json")
        self._countries(source)
        self._ranks(source)
        self._titles(source)
        self.given_names = frozenset(source.lines(f"{lang}/given_names.txt"))
        self.grammar = DateGrammar.from_spec(source.json(f"{lang}/dates.json"), f"{lang}/dates.json")
        self.text = _text_rules(source, f"{lang}/text.json", self)
        self.themes = ThemeCues.from_spec(source.json(f"{lang}/themes.json"), f"{lang}/themes.json", theme_params)
        self.themes.add_to(self.cues)
        self.engagements = EngagementCues.from_spec(
            source.json(f"{lang}/engagements.json"), f"{lang}/engagements.json", rules
        )
        self.engagements.add_to(self.cues)

    def _countries(self, source: Source) -> None:
        name = f"{self.code}/countries.tsv"
        cols = [
            Column("code", COUNTRY_CODE, required=True),
            Column("names", names_list),
            Column("demonyms", names_list),
        ]
        for n, row in source.rows(name, cols):
            code = row["code"]
            if code not in self.common.countries:
                raise KnowledgeError(f"knowledge file {name}: line {n}: column code: {code} is not in countries.tsv")
            for written in split_list(row["names"]):
                self.names.add(written, (COUNTRY, code))
                self.country_names[written] = code
            for dem in split_list(row["demonyms"]):
                forms = {dem, dem[0].upper() + dem[1:]} if self.lex.demonyms_lowercase else {dem}
                for form in forms:
                    self.names.add(form, (DEMONYM, code))
                    self.demonyms[form] = code

    def _ranks(self, source: Source) -> None:
        cols = [
            Column("rank", required=True),
            Column("variants", names_list),
            Column("grade", PAY_GRADE),
            Column("nato", NATO_CODE),
            Column("services", _services),
            Column("category", one_of(*CATEGORIES), required=True),
            Column("scope", COUNTRY_CODES),
        ]
        for _, row in source.rows(f"{self.code}/ranks.tsv", cols):
            info = RankInfo(
                row["rank"],
                row["grade"] or None,
                row["nato"] or None,
                tuple(split_list(row["services"])),
                row["category"],
                frozenset(split_list(row["scope"])),
            )
            self.ranks.append(info)
            for written in [row["rank"], *split_list(row["variants"])]:
                # all-caps codes (COL, SGT) collide with acronyms; those with a digit (CW2, PO1) do not
                if len(written) < 2 or (written.isupper() and not any(c.isdigit() for c in written)):
                    continue
                self.names.add(written, (RANK, info))
                if self.lex.ranks_lowercase and written[0].isupper():
                    self.names.add(written[0].lower() + written[1:], (RANK, info))

    def _titles(self, source: Source) -> None:
        cols = [
            Column("title", required=True),
            Column("kind", one_of(*TITLE_KINDS), required=True),
            Column("takes_of", YES_NO, required=True),
        ]
        for _, row in source.rows(f"{self.code}/titles.tsv", cols):
            title = row["title"]
            info = TitleInfo(title, row["kind"], row["takes_of"].lower() in ("yes", "true", "1"))
            forms = {title, title[0].upper() + title[1:], title[0].lower() + title[1:]}
            if self.lex.titles_lowercase:  # running prose lowers the whole title: "encargado de negocios"
                forms.add(title.lower())
            for form in forms:
                self.names.add(form, (TITLE, info))


def _services(value: str) -> str | None:
    bad = [s for s in split_list(value) if s not in SERVICES]
    return f"{bad[0]!r} is not one of {', '.join(SERVICES)}" if bad else None


def _text_rules(source: Source, name: str, pack: LanguagePack) -> TextRules:
    s = Shape(name)
    d = s.obj(source.json(name), "")

    def patterns(key: str, flags: int = 0, groups: tuple[str, ...] = ()) -> tuple[re.Pattern[str], ...]:
        out = []
        for i, p in enumerate(s.strings(d[key], key) if d.get(key) else []):
            try:
                compiled = re.compile(p, flags)
            except re.error as exc:
                raise s.fail(f"{key}[{i}]", f"not a regular expression: {exc}") from exc
            if any(g not in compiled.groupindex for g in groups):
                raise s.fail(f"{key}[{i}]", f"needs the named groups {', '.join(groups)}")
            out.append(compiled)
        return tuple(out)

    no_break = (
        set(s.strings(d["no_break_abbreviations"], "no_break_abbreviations"))
        if d.get("no_break_abbreviations")
        else set()
    )
    # every abbreviation the knowledge writes (ranks, places, countries, months) keeps its period
    forms = [*pack.country_names, *(r.rank for r in pack.ranks), *(f for f, _ in pack.common.places)]
    forms += [k for k in pack.names.keys_with(RANK)]
    if pack.grammar is not None:
        forms += [m for m in pack.grammar.months if len(m) <= 4]
        no_break |= {m.capitalize() for m in pack.grammar.months if len(m) <= 4}
    for form in forms:
        for word in form.split():
            if word.endswith(".") and len(word) > 1:
                no_break.add(word[:-1])
    detect = frozenset(s.strings(d["detect_words"], "detect_words")) if d.get("detect_words") else frozenset()
    return TextRules(
        patterns("boilerplate", re.MULTILINE),
        patterns("published_stamps", 0, ("y", "m", "d")),
        frozenset(no_break),
        detect,
    )
