"""Persons: after a rank, after a title, around speech verbs, from given names; later surname mentions."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from coopstream.enrich.entities.candidates import P_CONTEXT, P_COREF, P_RANKED, P_TITLED, Candidate
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.entities.words import org_strong
from coopstream.enrich.knowledge.language import LanguagePack, RankInfo, TitleInfo
from coopstream.enrich.knowledge.matcher import Hit, Matcher
from coopstream.enrich.spans import Mask
from coopstream.enrich.tokens import Chunk, Token


class PeopleRules:
    """The patterns of one language's person finders, compiled from its lexicon once."""

    def __init__(self, pack: LanguagePack) -> None:
        lex = pack.lex
        self.speech_before = _words_re(lex.speech_before, r"\b(?:", r")\s+$")
        self.speech_after = _words_re(lex.speech_after, r"^,?\s+(?:", r")\b")
        starts = sorted(lex.appositive_starts, key=len, reverse=True)
        of = "|".join(re.escape(w) for w in sorted(lex.title_links))
        alts = [re.escape(w) for w in starts] + ([rf"[A-Z][a-z]+ (?:{of})\b"] if of else [])
        self.appositive = re.compile(r"^,\s+(?:" + "|".join(alts) + ")") if alts else None
        self.place_after = _words_re(sorted(lex.place_nouns), r"^'?s?\s+(?:", r")\b")
        enders = "|".join(re.escape(w) for w in sorted(lex.role_enders))
        self.role = re.compile(
            r",\s+(?:(?:" + "|".join(re.escape(a) for a in sorted(lex.articles)) + r")\s+)?"
            r"([a-zA-Z](?:U\.S\.|[^,.;()\"]){2,80}?)(?=[,.;(\"]" + (rf"|\s+(?:{enders})\b" if enders else "") + ")"
        )
        links = "|".join(re.escape(w) for w in sorted(lex.title_links))
        articles = "|".join(re.escape(w) for w in sorted(lex.articles))
        self.title_link = re.compile(rf" (?:{links}) (?:(?:{articles}) )?") if links else None


def _words_re(words: tuple[str, ...] | list[str], head: str, tail: str) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(head + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + tail)


def name_tokens(view: TextView, i: int, limit: int = 5) -> list[Token]:
    """The name starting at token ``i``: capitalised words, initials, particles."""
    toks, text, pack = view.tokens, view.text, view.pack
    lex = pack.lex
    out: list[Token] = []
    title_at = view.title_at
    while i < len(toks) and (toks[i].text in lex.honorifics or toks[i].start in title_at):
        if toks[i].start in title_at:  # a further title: "Director Commissioner Eliécer ..."
            stop = title_at[toks[i].start]
            while i < len(toks) and toks[i].start < stop:
                i += 1
            continue
        i += 1
        if i < len(toks) and toks[i].text == ".":
            i += 1
    words = 0  # capitalised words so far (particles do not count toward the limit)
    while i < len(toks) and words < limit:
        t = toks[i]
        if out and "\n" in text[out[-1].end : t.start]:
            break
        if t.cap and t.word and t.text not in lex.org_heads and t.text not in lex.country_prefixes:
            if len(t.text) == 1 and i + 1 < len(toks) and toks[i + 1].text == ".":
                out.append(t)  # an initial; its period follows
                words += 1
                i += 2
                continue
            if t.text in lex.person_stop and t.text not in pack.given_names:
                break
            out.append(t)
            words += 1
            i += 1
            continue
        if out and t.text in lex.name_particles:
            j = i  # particles, several in a row ("de la", "de los"), then a capitalised word
            while j < len(toks) and toks[j].text in lex.name_particles and j - i < 3:
                j += 1
            if j < len(toks) and toks[j].cap and toks[j].word and "\n" not in text[t.start : toks[j].start]:
                out.extend(toks[i:j])
                i = j
                continue
        break
    while out and (len(out[-1].text) == 1 or out[-1].text in lex.name_particles):
        out.pop()
    return out


def _span_of(view: TextView, toks: list[Token]) -> tuple[int, int, str]:
    start, end = toks[0].start, toks[-1].end
    return start, end, view.text[start:end]


def ranked(view: TextView, rules: PeopleRules, titles: TitleExtents, home: str | None = None) -> list[Candidate]:
    """Persons after a rank. ``home`` (the dateline's country) stands for the country of a person whose
    own country the text does not give, to read a rank whose grades differ by country."""
    text = view.text
    hits = view.ranks
    out: list[Candidate] = []
    guards = [p for p, service in view.pack.lex.services.items() if service == "Coast Guard"]
    coast_guard = any(p in text[view.start : view.end] for p in guards)  # then "Cmdr." may be either's
    for n, h in enumerate(hits):
        if n + 1 < len(hits) and hits[n + 1].start <= h.end + 1:
            continue  # "Gen. Gen.": the last rank of a run names the person
        first_rank = h
        k = n
        while k > 0 and hits[k - 1].end + 1 >= first_rank.start:
            k -= 1
            first_rank = hits[k]
        if _rank_inside_a_name(view, first_rank):
            continue
        between = _between_rank_and_name(view, h.end)
        toks = name_tokens(view, view.token_at(between.end))
        if not toks or _place_words(view, toks):
            continue
        service = between.service or _service_before(view, first_rank.start)
        affiliation = between.country or _affiliation_before(view, first_rank.start)
        rank_info = _pick_rank(h.payloads, service, affiliation or home)
        services = {s for r in h.payloads for s in r.services}
        if service is None and len(services) == 1:  # "Capitán de Navío", "Sgt. 1st Class": one service's rank
            service = next(iter(services))
        elif service is None and services == _NAVAL and not coast_guard:  # "Almirante": a navy's
            service = "Navy"
        attrs: dict[str, Any] = {"rank": text[h.start : h.end]}
        if rank_info.grade and (service is None or not rank_info.services or service in rank_info.services):
            attrs["grade"] = rank_info.grade
        if rank_info.nato:
            attrs["nato_grade"] = rank_info.nato
        if service:
            attrs["service"] = service
        if affiliation:
            attrs["affiliation"] = affiliation
        if between.qualifier:
            attrs["qualifier"] = between.qualifier
        role = _role_after(view, rules, toks[-1].end) or titles.before(first_rank.start)
        if role:
            attrs["title"] = role
            if "service" not in attrs:  # "Comandante General de la Marina": the service the title names
                named = _longest_in(role, view.pack.lex.services)
                if named:
                    attrs["service"] = named
        start, end, name = _span_of(view, toks)
        out.append(Candidate(start, end, "person", name, P_RANKED, attrs))
    return out


@dataclass(frozen=True, slots=True)
class _Between:
    end: int  # where the name may start
    service: str | None = None
    country: str | None = None
    qualifier: str | None = None


def _between_rank_and_name(view: TextView, end: int) -> _Between:
    """What a writer puts between a rank and a name: a service and its country ("almirante de la
    Armada de EE. UU. Raymond C. Ellery"), a service acronym ("mayor FARD Luis ..."), a demonym
    ("General do Exército norte-americano ..."), a qualifier ("General de División D.E.M. ...")."""
    pack, text = view.pack, view.text
    lex = pack.lex
    service: str | None = None
    country: str | None = None
    qualifier: str | None = None
    pos = end
    for _ in range(4):
        m = _SPACE.match(text, pos)
        if m is None:
            break
        at = m.end()
        link = _link_at(lex, text, at)
        phrase = _longest_at(text, link, lex.services)
        if phrase and service is None:
            service, pos = lex.services[phrase], link + len(phrase)
            continue
        q = next((q for q in lex.rank_qualifiers if text.startswith(q, at) and _ends_word(text, at + len(q))), None)
        if q:
            qualifier, pos = q, at + len(q)
            continue
        word = _WORD_AT.match(text, at)
        if word and word.group() in lex.service_acronyms and word.group().isupper():
            service, country = lex.service_acronyms[word.group()]
            pos = word.end()
            continue
        # a country after the service ("de EE. UU."), or a lower-case demonym ("norte-americano")
        geo = [g for g in view.geo_at(link) if g.payloads[0][0] in ("country", "demonym")]
        lower_demonym = [g for g in view.geo_at(at) if g.payloads[0][0] == "demonym" and g.key[0].islower()]
        if country is None and ((geo and service is not None and link > at) or lower_demonym):
            found = geo if geo and link > at else lower_demonym
            country, pos = found[0].payloads[0][1], max(g.end for g in found)
            continue
        break
    return _Between(pos, service, country, qualifier)


_SPACE = re.compile(r"[ \t]+")
_WORD_AT = re.compile(r"[^\W\d_][\w.]*")


def _link_at(lex: Any, text: str, at: int) -> int:
    """Past the linking words at ``at`` ("de la ", "del ", "do "), if any."""
    pos = at
    for _ in range(2):
        word = _WORD_AT.match(text, pos)
        if not word or word.group() not in lex.connectors or text[word.end() : word.end() + 1] != " ":
            break
        pos = word.end() + 1
    return pos


_NAVAL = frozenset({"Navy", "Coast Guard"})


def _longest_in(text: str, phrases: dict[str, str]) -> str | None:
    """The service of the longest phrase written in ``text`` as whole words."""
    best = ""
    for phrase in phrases:
        if len(phrase) > len(best) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            best = phrase
    return phrases[best] if best else None


def _longest_at(text: str, at: int, phrases: dict[str, str]) -> str | None:
    best = None
    for phrase in phrases:
        if (
            text.startswith(phrase, at)
            and _ends_word(text, at + len(phrase))
            and (best is None or len(phrase) > len(best))
        ):
            best = phrase
    return best


def _ends_word(text: str, pos: int) -> bool:
    return pos >= len(text) or not (text[pos].isalnum() or text[pos] == "_")


def _rank_inside_a_name(view: TextView, rank: Hit) -> bool:
    """A rank word that belongs to another name: a ship's ("ARA Contraalmirante Cordero", BAP "Pisco"),
    a school's ("'General Rafael Reyes Prieto'"), a place's ("Cabo Verde", "Comodoro Rivadavia"), a
    staff's ("Estado Mayor General")."""
    text = view.text
    before = text[max(0, rank.start - 12) : rank.start]
    if before.endswith(('"', "'")):
        return True
    words = before.split()
    if words and (words[-1] in view.pack.vessel_prefix_words or words[-1] in view.pack.lex.rank_blockers):
        return True
    return any(g.end > rank.end for g in view.geo_at(rank.start))


def _place_words(view: TextView, toks: list[Token]) -> bool:
    """A "name" that is a place ("Argentina", "Cabo Verde") or ends "de <country>" ("Publica de Panama");
    a surname that is also a country ("Brian T. Jordan") is still a name."""
    pack = view.pack
    if any(g.end == toks[-1].end for g in view.geo_at(toks[0].start)):
        return True
    particles = pack.lex.name_particles
    return any(
        a.text in particles and (b.text in pack.country_names or b.text in pack.demonyms) for a, b in pairwise(toks)
    )


def _pick_rank(payloads: tuple[Any, ...], service: str | None, country: str | None) -> RankInfo:
    """The reading of a rank word that fits the person: one scoped to their country, else one that
    holds for anyone (a rank word with no grade for them), then the one of their service."""
    ranks: list[RankInfo] = list(payloads)
    pool = [r for r in ranks if country is not None and country in r.scope]
    pool = pool or [r for r in ranks if not r.scope] or [r for r in ranks if not r.grade and not r.nato] or ranks
    return next((r for r in pool if service and service in r.services), pool[0])


def _service_before(view: TextView, offset: int) -> str | None:
    before = view.text[max(0, offset - 40) : offset]
    best: tuple[int, str] | None = None
    for phrase, service in view.pack.lex.services.items():
        if before.endswith(phrase + " ") and (best is None or len(phrase) > best[0]):
            best = (len(phrase), service)
    return best[1] if best else None


def _affiliation_before(view: TextView, offset: int) -> str | None:
    """ "U.S. Army Gen.", "Colombian Navy Rear Adm.": the country right before the service and rank."""
    lex = view.pack.lex
    words = view.text[max(0, offset - 60) : offset].split()
    while words and words[-1] in lex.service_words:
        words.pop()
    if not words:
        return None
    last = words[-1]
    return lex.country_prefixes.get(last) or view.pack.demonyms.get(last)


def _role_after(view: TextView, rules: PeopleRules, end: int) -> str | None:
    """ ", commander of U.S. Southern Command," after a name."""
    m = rules.role.match(view.text[end : end + 120])
    if not m:
        return None
    role = m.group(1).strip()
    words = role.split()
    starts = view.pack.lex.role_starts
    if not words or (words[0].lower() not in starts and " ".join(words[:2]).lower() not in starts):
        return None
    return role


def _chunk_holding(view: TextView, by_start: dict[int, Chunk], offset: int) -> Chunk | None:
    i = bisect_right(view.chunk_starts, offset) - 1
    chunk = by_start.get(view.chunk_starts[i]) if i >= 0 else None
    return chunk if chunk is not None and chunk.start <= offset < chunk.end else None


class TitleExtents:
    """Each title of a window with its complement: "Minister of Defense", "Jefe del Comando Conjunto de
    las Fuerzas Armadas" (a known name, capitalised words up to a given name, or a capitalised chunk)."""

    def __init__(self, view: TextView, rules: PeopleRules) -> None:
        text = view.text
        known_ends: dict[int, int] = {}
        for h in view.geo + view.orgs:
            known_ends[h.start] = max(known_ends.get(h.start, 0), h.end)
        chunk_of_end = {c.end: c for c in view.chunks}
        chunk_start = {c.start: c for c in view.chunks}
        self.extents: list[tuple[Hit, int]] = []
        self.ending: dict[int, str] = {}
        for h in view.titles:
            info: TitleInfo = h.payloads[0]
            end = h.end
            start = h.start
            whole = chunk_of_end.get(h.end)
            if whole is not None and whole.start < h.start:  # "Joint Command of the Armed Forces Chief"
                head = [t.text for t in whole.tokens if t.end <= h.start]
                if head and org_strong(view.pack, head):
                    start = whole.start
            for step in range(3):  # "Embaixador dos Estados Unidos em Angola"
                m = rules.title_link.match(text, end, end + 80) if rules.title_link else None
                if m is None:
                    break
                comp_start = m.end()
                comp = known_ends.get(comp_start)
                if comp is None and info.takes_of and step == 0:
                    comp = _complement_before_name(view, comp_start)
                holding = _chunk_holding(view, chunk_start, comp_start)
                after = holding.end if holding is not None else -1
                if comp is None and step == 0 and text[after : after + 2] in _AFTER:
                    comp = after  # "Minister of National Security, Anil Persad", "encargado de negocios de la X, Y"
                if comp is None:
                    break
                end = comp
            if info.takes_of and end == h.end and rules.title_link and rules.title_link.match(text, end, end + 80):
                continue  # "Minister of ..." whose complement is not a name
            rest = _chunk_holding(view, chunk_start, h.start)
            if rest is not None and rest.end > end and text[rest.end : rest.end + 2] == ", ":
                tail = [t.text for t in rest.tokens if t.start >= end]
                if not any(w in view.pack.given_names or w in view.pack.lex.coordinators for w in tail):
                    end = rest.end  # "Ministro de Seguridad Publica de Panama, Abdiel ..."
            self.extents.append((h, end))
            self.ending[end] = text[start:end].strip()
        self.text = text

    def before(self, pos: int) -> str | None:
        """The title that ends right before ``pos`` (after ", ", " " or "(ACRONYM), ")."""
        head = self.text[max(0, pos - 40) : pos]
        m = _BEFORE.search(head)
        return self.ending.get(pos - len(head) + m.start()) if m else None


_AFTER = (", ", " (")
_PAREN = re.compile(r" \([^()\n]{1,20}\)")
_QUOTES = ('"', "'")
_APPOSITION_ENDS = (",", ".", ";", ")", "")
_BEFORE = re.compile(r"(?:\s*\([^()]{1,20}\))?,?\s+$")


def titled(view: TextView, titles: TitleExtents) -> list[Candidate]:
    """ "Minister of Defense Jorge Chavez", "U.S. Ambassador to Colombia Margaret L. Ashford",
    "Minister of National Security, Anil Persad", "Peruvian Minister of Defense ..."."""
    text = view.text
    lowercase_ok = view.pack.lex.titles_lowercase
    out: list[Candidate] = []
    for h, extent in titles.extents:
        if not h.key[0].isupper() and not lowercase_ok:
            continue
        acronym = _PAREN.match(text, extent)  # "director del Centro de Operaciones de Emergencias (COE), X"
        end = acronym.end() if acronym and text[acronym.end() : acronym.end() + 2] == ", " else extent
        appositive = text[end : end + 2] == ", "
        if text[end : end + 1] != " " and not appositive:
            continue
        i = view.token_at(end + 1)
        if i < len(view.tokens) and view.tokens[i].start in view.rank_starts:
            continue  # a rank follows: the ranked pass names the person
        toks = name_tokens(view, i, 6)
        if len(toks) < 2 or _place_words(view, toks):
            continue
        if appositive and text[toks[-1].end : toks[-1].end + 1] not in _APPOSITION_ENDS:
            continue
        j = toks[-1].index + 1
        if j < len(view.tokens) and view.tokens[j].text in view.pack.lex.org_heads:
            continue
        start, stop, name = _span_of(view, toks)
        attrs: dict[str, Any] = {"title": titles.ending.get(extent, text[h.start : extent].strip())}
        affiliation = _affiliation_before(view, h.start)
        if affiliation:
            attrs["affiliation"] = affiliation
        out.append(Candidate(start, stop, "person", name, P_TITLED, attrs))
    return out


def _complement_before_name(view: TextView, offset: int) -> int | None:
    """End of "Health" in "Minister of Health Joana Mendes da Silva": capitalised words up to a given name."""
    i = view.token_at(offset)
    toks = view.tokens
    lex = view.pack.lex
    for k in range(i, min(i + 4, len(toks))):
        t = toks[k]
        if not (t.cap and t.word) and t.text not in lex.connectors:
            return None
        if k > i and t.text in view.pack.given_names and len(name_tokens(view, k, 4)) >= 2:
            return toks[k - 1].end
    return None


def contextual(view: TextView, rules: PeopleRules) -> list[Candidate]:
    """Names next to speech verbs or appositions, and names that start with a known given name."""
    pack, text = view.pack, view.text
    title_ends = {e for _, e in view.title_spans}
    places = Mask(view.end - view.start + 200, [(h.start, h.end) for h in view.geo], base=view.start)
    out: list[Candidate] = []
    for chunk in view.chunks:
        if len(chunk.tokens) < 2:
            continue  # a name needs two words here
        if chunk.start in view.rank_starts and view.text[chunk.start - 1 : chunk.start] in _QUOTES:
            continue  # a quoted name opened by a rank: a ship's or a school's ('"General Rafael Reyes Prieto"')
        first = chunk.tokens[0].index
        for t in chunk.tokens:  # a title or rank opening the chunk is not part of the name
            nxt = view.tokens[t.index + 1] if t.index + 1 < len(view.tokens) else None
            if t.end in title_ends:
                first = t.index + 1
            elif nxt is not None and nxt.text == "." and nxt.end in title_ends:
                first = t.index + 2
        toks = name_tokens(view, first, 5)
        if len(toks) < 2 or toks[-1].end > chunk.end:
            continue
        words = [t.text for t in toks]
        if any(w in pack.demonyms or w in pack.country_names for w in words):
            continue
        if places.touches(toks[0].start, toks[-1].end):
            continue
        start, end, name = _span_of(view, toks)
        before = text[max(0, start - 30) : start]
        after = text[end : end + 40]
        cue = bool(
            (rules.speech_before and rules.speech_before.search(before))
            or (rules.speech_after and rules.speech_after.match(after))
            or (rules.appositive and rules.appositive.match(after))
        )
        given = words[0] in pack.given_names
        if not (cue or given):
            continue
        if rules.place_after and rules.place_after.match(after):
            continue
        role = _role_after(view, rules, end)  # "Anil Persad, Minister of National Security, ..."
        attrs = {"title": role} if role else {}
        out.append(Candidate(start, end, "person", name, P_TITLED if cue else P_CONTEXT, attrs))
    return out


def coreference(text: str, pack: LanguagePack, persons: list[Candidate]) -> list[Candidate]:
    """Later mentions by surname (a capitalised word of the name after its first) join the person."""
    particles = pack.lex.name_particles
    index: dict[str, set[str]] = {}
    for p in persons:
        parts = [w for w in p.name.split() if len(w.rstrip(".")) > 1 and w not in particles]
        if len(parts) < 2:
            continue
        for k in {parts[-1], *(w for w in parts[1:] if w[0].isupper())}:
            if k[0].isupper():
                index.setdefault(k, set()).add(p.key or p.name)
    surnames = Matcher()
    for k, owners in index.items():
        if len(owners) == 1:
            surnames.add(k, next(iter(owners)))
    out: list[Candidate] = []
    for h in surnames.build().find(text):
        if text[h.start - 1 : h.start] in _JOINERS or text[h.end : h.end + 1] in _JOINERS:
            continue  # part of a longer hyphenated word ("Asante-Boateng")
        out.append(Candidate(h.start, h.end, "person", h.key, P_COREF, {}, key=h.payloads[0]))
    return out


_JOINERS = frozenset("-–")
