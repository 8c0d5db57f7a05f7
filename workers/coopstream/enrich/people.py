"""Persons: after a rank, after a title, around speech verbs, from given names; later surname mentions."""

from __future__ import annotations

import re
from typing import Any

from coopstream.enrich.context import P_CONTEXT, P_COREF, P_RANKED, P_TITLED, Candidate, Context, Mask
from coopstream.enrich.gazetteer import RankInfo, TitleInfo
from coopstream.enrich.tokens import Token

_SPEECH_BEFORE = re.compile(r"\b(?:said|says|added|noted|explained|stated|according to|remarked|told)\s+$")
_SPEECH_AFTER = re.compile(r"^,?\s+(?:said|says|added|noted|explained|told|stated|remarked)\b")
_APPOSITIVE_AFTER = re.compile(
    r"^,\s+(?:the|a|an|who|whose|commander|deputy|chief|director|president|head|senior|minister|secretary|"
    r"commanding|executive|program|mission|ambassador|vice|assistant|leader|coordinator|spokesperson|"
    r"spokesman|spokeswoman|founder|chairman|chairwoman|chair|governor|mayor|[A-Z][a-z]+ (?:of|for)\b)"
)
_LOWER_PLACE_NOUNS = (
    "neighborhood",
    "neighbourhood",
    "district",
    "street",
    "avenue",
    "province",
    "village",
    "community",
    "barrio",
    "municipality",
    "region",
    "county",
    "parish",
    "school",
    "hospital",
)


def _name_tokens(ctx: Context, i: int, limit: int = 5) -> list[Token]:
    """The name starting at token ``i``: capitalised words, initials, particles."""
    toks, text, gaz = ctx.tokens, ctx.text, ctx.gaz
    out: list[Token] = []
    title_spans = ctx.title_at
    while i < len(toks) and (toks[i].text in gaz.honorifics or toks[i].start in title_spans):
        if toks[i].start in title_spans:  # a further title: "Director Commissioner Eliécer ..."
            stop = title_spans[toks[i].start]
            while i < len(toks) and toks[i].start < stop:
                i += 1
            continue
        i += 1
        if i < len(toks) and toks[i].text == ".":
            i += 1
    while i < len(toks) and len(out) < limit:
        t = toks[i]
        if out and "\n" in text[out[-1].end : t.start]:
            break
        if t.cap and t.word and t.text not in gaz.org_heads and t.text != "U.S.":
            if len(t.text) == 1 and i + 1 < len(toks) and toks[i + 1].text == ".":
                out.append(t)  # an initial; its period follows
                i += 2
                continue
            if t.text in gaz.person_stop and t.text not in gaz.given_names:
                break
            out.append(t)
            i += 1
            continue
        if out and t.text in gaz.particles and i + 1 < len(toks) and toks[i + 1].cap:
            out.append(t)
            i += 1
            continue
        break
    while out and (len(out[-1].text) == 1 or out[-1].text in gaz.particles):
        out.pop()
    return out


def _span_of(ctx: Context, toks: list[Token]) -> tuple[int, int, str]:
    start, end = toks[0].start, toks[-1].end
    return start, end, ctx.text[start:end]


def ranked(ctx: Context) -> None:
    text = ctx.text
    hits = ctx.ranks
    for n, h in enumerate(hits):
        if n + 1 < len(hits) and hits[n + 1].start <= h.end + 1:
            continue  # "Gen. Gen.": the last rank of a run names the person
        first_rank = h
        k = n
        while k > 0 and hits[k - 1].end + 1 >= first_rank.start:
            k -= 1
            first_rank = hits[k]
        i = ctx.token_at(h.end)
        toks = _name_tokens(ctx, i)
        if not toks:
            continue
        info: RankInfo = h.payloads[0]
        service = _service_before(ctx, first_rank.start)
        rank_info = _pick_rank(h.payloads, service)
        attrs: dict[str, Any] = {"rank": text[h.start : h.end]}
        if rank_info.grade and (service is None or not rank_info.services or service in rank_info.services):
            attrs["grade"] = rank_info.grade
        if rank_info.nato:
            attrs["nato_grade"] = rank_info.nato
        if service:
            attrs["service"] = service
        del info
        aff = _affiliation_before(ctx, first_rank.start)
        if aff:
            attrs["affiliation"] = aff
        role = _role_after(ctx, toks[-1].end)
        if role:
            attrs["title"] = role
        start, end, name = _span_of(ctx, toks)
        ctx.add(Candidate(start, end, "person", name, P_RANKED, attrs))


def _pick_rank(payloads: tuple[Any, ...], service: str | None) -> RankInfo:
    for p in payloads:
        if service and service in p.services:
            return p  # type: ignore[no-any-return]
    return payloads[0]  # type: ignore[no-any-return]


def _service_before(ctx: Context, offset: int) -> str | None:
    before = ctx.text[max(0, offset - 40) : offset]
    best: tuple[int, str] | None = None
    for phrase, service in ctx.gaz.services.items():
        if before.endswith(phrase + " ") and (best is None or len(phrase) > best[0]):
            best = (len(phrase), service)
    return best[1] if best else None


_SERVICE_WORDS = frozenset(
    [
        "Army",
        "Navy",
        "Air",
        "Force",
        "Marine",
        "Corps",
        "Coast",
        "Guard",
        "Space",
        "National",
        "army",
        "navy",
        "air",
        "force",
    ]
)


def _affiliation_before(ctx: Context, offset: int) -> str | None:
    """ "U.S. Army Gen.", "Colombian Navy Rear Adm.": the country right before the service and rank."""
    words = ctx.text[max(0, offset - 60) : offset].split()
    while words and words[-1] in _SERVICE_WORDS:
        words.pop()
    if not words:
        return None
    if words[-1] == "U.S.":
        return "US"
    return ctx.gaz.demonyms.get(words[-1])


def _role_after(ctx: Context, end: int) -> str | None:
    """ ", commander of U.S. Southern Command," after a name."""
    m = re.match(
        r",\s+(?:the\s+)?([a-zA-Z](?:U\.S\.|[^,.;()\"]){2,80}?)(?=[,.;(\"]|\s+(?:said|and|during|at|in|to)\b)",
        ctx.text[end : end + 120],
    )
    if not m:
        return None
    role = m.group(1).strip()
    words = role.split()
    if not words or (words[0].lower() not in _ROLE_STARTS and " ".join(words[:2]).lower() != "senior enlisted"):
        return None
    return role


_ROLE_STARTS = frozenset(
    [
        "commander",
        "deputy",
        "chief",
        "director",
        "president",
        "head",
        "minister",
        "secretary",
        "commanding",
        "executive",
        "program",
        "mission",
        "ambassador",
        "vice",
        "assistant",
        "leader",
        "coordinator",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "chairman",
        "chair",
        "commandant",
        "governor",
        "mayor",
        "commodore",
        "command",
        "adviser",
        "advisor",
        "surgeon",
        "manager",
        "representative",
        "attaché",
        "attache",
        "chargé",
        "charge",
    ]
)


def titled(ctx: Context) -> None:
    """ "Minister of Defense Jorge Chavez", "U.S. Ambassador to Colombia Margaret L. Ashford"."""
    for h in ctx.titles:
        info: TitleInfo = h.payloads[0]
        if not h.key[0].isupper():
            continue
        end = h.end
        rest = ctx.text[end : end + 80]
        m = re.match(r" (?:to|of|in|for|at) (?:the )?", rest)
        if m and info.takes_of:
            comp_start = end + m.end()
            comp = _known_span_at(ctx, comp_start) or _complement_before_name(ctx, comp_start)
            if comp is None:
                continue
            end = comp
        appositive = ctx.text[end : end + 2] == ", "
        if ctx.text[end : end + 1] != " " and not appositive:
            continue
        i = ctx.token_at(end + 1)
        if i < len(ctx.tokens) and any(r.start == ctx.tokens[i].start for r in ctx.ranks):
            continue  # a rank follows: the ranked pass names the person
        toks = _name_tokens(ctx, i, 4)
        if len(toks) < 2 and not _known_surname(ctx, toks):
            continue
        if appositive and ctx.text[toks[-1].end : toks[-1].end + 1] != ",":
            continue
        if toks and toks[-1].end < len(ctx.text) and _followed_by_org_head(ctx, toks[-1].index):
            continue
        start, stop, name = _span_of(ctx, toks)
        ctx.add(Candidate(start, stop, "person", name, P_TITLED, {"title": ctx.text[h.start : end].strip()}))


def _followed_by_org_head(ctx: Context, i: int) -> bool:
    return i + 1 < len(ctx.tokens) and ctx.tokens[i + 1].text in ctx.gaz.org_heads


def _known_span_at(ctx: Context, offset: int) -> int | None:
    ends = [h.end for h in ctx.geo + ctx.orgs if h.start == offset]
    return max(ends) if ends else None


def _known_surname(ctx: Context, toks: list[Token]) -> bool:
    return False


def _complement_before_name(ctx: Context, offset: int) -> int | None:
    """End of "Health" in "Minister of Health Joana Mendes da Silva": capitalised words up to a given name."""
    i = ctx.token_at(offset)
    toks = ctx.tokens
    for k in range(i, min(i + 4, len(toks))):
        t = toks[k]
        if not (t.cap and t.word) and t.text not in ("and", "of", "the"):
            return None
        if k > i and t.text in ctx.gaz.given_names and len(_name_tokens(ctx, k, 4)) >= 2:
            return toks[k - 1].end
    return None


def contextual(ctx: Context) -> None:
    """Names next to speech verbs or appositions, and names that start with a known given name."""
    gaz, text = ctx.gaz, ctx.text
    title_ends = {h.end for h in ctx.titles + ctx.ranks}
    places = Mask(len(text), [(h.start, h.end) for h in ctx.geo])
    for chunk in ctx.chunks:
        first = chunk.tokens[0].index
        for t in chunk.tokens:  # a title or rank opening the chunk is not part of the name
            nxt = ctx.tokens[t.index + 1] if t.index + 1 < len(ctx.tokens) else None
            if t.end in title_ends:
                first = t.index + 1
            elif nxt is not None and nxt.text == "." and nxt.end in title_ends:
                first = t.index + 2
        toks = _name_tokens(ctx, first, 5)
        if len(toks) < 2 or toks[-1].end > chunk.end:
            continue
        words = [t.text for t in toks]
        if any(w in gaz.demonyms or w in gaz.country_names for w in words):
            continue
        if places.touches(toks[0].start, toks[-1].end):
            continue
        start, end, name = _span_of(ctx, toks)
        before = text[max(0, start - 30) : start]
        after = text[end : end + 40]
        cue = bool(_SPEECH_BEFORE.search(before) or _SPEECH_AFTER.match(after) or _APPOSITIVE_AFTER.match(after))
        given = words[0] in gaz.given_names
        if not (cue or given):
            continue
        if re.match(r"^'?s?\s+(?:" + "|".join(_LOWER_PLACE_NOUNS) + r")\b", after):
            continue
        ctx.add(Candidate(start, end, "person", name, P_TITLED if cue else P_CONTEXT, {}))


def coreference(ctx: Context, persons: list[Candidate]) -> None:
    """Later mentions by surname (or by the last two words) join the person."""
    index: dict[str, set[str]] = {}
    for p in persons:
        parts = [w for w in p.name.split() if len(w.rstrip(".")) > 1 and w not in ctx.gaz.particles]
        if len(parts) < 2:
            continue
        keys = {parts[-1], " ".join(parts[-2:])}
        keys.update(w for w in parts[1:] if w[0].isupper())
        for k in keys:
            index.setdefault(k, set()).add(p.key or p.name)
    for t in ctx.tokens:
        owners = index.get(t.text)
        if owners and len(owners) == 1 and t.cap:
            owner = next(iter(owners))
            ctx.add(Candidate(t.start, t.end, "person", t.text, P_COREF, {}, key=owner))
