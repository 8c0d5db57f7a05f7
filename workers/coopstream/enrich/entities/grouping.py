"""From settled candidates to entities: later mentions by alias, one entity per name, attributes."""

from __future__ import annotations

import re

from coopstream.enrich.entities.candidates import P_COREF, Candidate
from coopstream.enrich.entities.found import Found, fold
from coopstream.enrich.knowledge import ORG, Knowledge
from coopstream.enrich.knowledge.common import OrgInfo
from coopstream.enrich.knowledge.language import COUNTRY, DEMONYM, LanguagePack
from coopstream.enrich.knowledge.matcher import Matcher

_YEAR_END = re.compile(r"\s+(?:19|20)\d\d$")


def key_for(pack: LanguagePack, c: Candidate) -> str:
    """The grouping key: "U.S. Southern Command" and "Southern Command" are one organization."""
    base = fold(c.name, pack.lex.articles)
    if c.type == "organization":
        for prefix in pack.prefix_keys:
            if base.startswith(prefix):
                return base[len(prefix) :]
    return base


def set_keys(pack: LanguagePack, cands: list[Candidate]) -> None:
    known: dict[tuple[str, str], str] = {}  # a name repeated a thousand times is folded once
    for c in cands:
        if not c.key:
            key = known.get((c.type, c.name))
            if key is None:
                key = known[(c.type, c.name)] = key_for(pack, c)
            c.key = key


def alias_mentions(text: str, pack: LanguagePack, kept: list[Candidate]) -> list[Candidate]:
    """Acronyms, short vessel names and bare operation names used later in the text."""
    aliases = Matcher()
    for c in kept:
        if c.acronym and c.type in ("organization", "operation"):
            aliases.add(c.acronym, (c.type, c.key, c.name))
        short = c.attrs.get("short")
        if c.attrs.get("kind") == "vessel" and isinstance(short, str):
            aliases.add(short, (c.type, c.key, c.name))
        if c.type == "operation" and c.attrs.get("year"):
            aliases.add(_YEAR_END.sub("", c.name), (c.type, c.key, c.name))
        if c.type == "organization":
            for prefix in pack.lex.country_prefixes:
                if c.name.startswith(prefix + " "):
                    aliases.add(c.name[len(prefix) + 1 :], (c.type, c.key, c.name))
    out = []
    for h in aliases.build().find(text):
        ctype, key, name = h.payloads[0]
        out.append(Candidate(h.start, h.end, ctype, name, P_COREF, {}, key=key))
    return out


def group(pack: LanguagePack, knowledge: Knowledge, kept: list[Candidate]) -> list[Found]:
    groups: dict[tuple[str, str], Found] = {}
    acr_of: dict[str, str] = {}
    articles = pack.lex.articles
    for c in kept:
        if c.acronym:
            acr_of[fold(c.acronym, articles)] = c.key
    members: list[tuple[Candidate, Found]] = []
    persons = _PersonIndex()
    for c in kept:
        key = acr_of.get(c.key, c.key) if c.type in ("organization", "operation") else c.key
        if c.type == "person":
            key = persons.owner(key)
        g = groups.get((c.type, key))
        if g is None:
            g = groups[(c.type, key)] = Found(c.type, c.name, first=c.start)
            if c.type == "person":
                persons.add(key)
        g.mentions.append((c.start, c.end))
        g.name = _better_name(c, g.name)
        members.append((c, g))
    # attributes: the most trusted finder first (a gazetteer's coordinates over a guess from context)
    for c, g in sorted(members, key=lambda cg: -cg[0].priority):
        for k, v in c.attrs.items():
            if v is not None and k not in g.attributes and k != "short":
                g.attributes[k] = v
        if c.acronym and "acronym" not in g.attributes and c.acronym != c.name:
            g.attributes["acronym"] = c.acronym
    for g in groups.values():  # what the gazetteer knows of a name found by pattern
        if g.type == "organization" and "kind" not in g.attributes:
            known = org_lookup(pack, g.name) or org_lookup(pack, str(g.attributes.get("acronym", "")))
            if known:
                g.attributes.setdefault("kind", known[0].kind)
                if known[0].country:
                    g.attributes.setdefault("country", known[0].country)
            else:
                _infer_org(pack, g)
    return sorted(groups.values(), key=lambda g: g.first)


def org_lookup(pack: LanguagePack, name: str) -> list[OrgInfo]:
    return [v for k, v in pack.lookup(name) if k == ORG]


def _infer_org(pack: LanguagePack, g: Found) -> None:
    """Kind from the name's words, country from a country or adjective inside it ("Peruvian Navy")."""
    lex = pack.lex
    split = g.name.replace("-", " ").split()
    words = set(split) | {" ".join(p) for p in zip(g.name.split(), g.name.split()[1:], strict=False)}
    for kind, vocab in lex.org_kind_words.items():
        if words & vocab:
            g.attributes.setdefault("kind", kind)
            break
    if "country" in g.attributes or g.attributes.get("kind") == "vessel":
        return
    for prefix, code in lex.country_prefixes.items():
        if g.name.startswith(prefix + " "):
            g.attributes["country"] = code
            return
    for h in pack.names.find(g.name):
        kind, value = h.payloads[0]
        if kind in (COUNTRY, DEMONYM):
            g.attributes["country"] = value
            return


class _PersonIndex:
    """Person keys by word: a shorter name whose words all belong to one longer known name joins it."""

    def __init__(self) -> None:
        self.by_word: dict[str, set[str]] = {}

    def add(self, key: str) -> None:
        for w in key.split():
            self.by_word.setdefault(w, set()).add(key)

    def owner(self, key: str) -> str:
        words = set(key.split())
        postings = [self.by_word.get(w, set()) for w in words]
        if not postings:
            return key
        smallest = min(postings, key=len)
        matches = [k for k in smallest if k != key and words <= set(k.split())]
        return matches[0] if len(matches) == 1 else key


def _better_name(c: Candidate, current: str) -> str:
    if c.priority == P_COREF or c.name == c.acronym:
        return current
    if c.type == "person":
        return c.name if len(c.name.split()) > len(current.split()) else current
    if c.type == "organization" and current == c.acronym:
        return c.name
    if c.type == "operation" and re.search(r"\d{4}$", c.name) and not re.search(r"\d{4}$", current):
        return c.name
    return current
