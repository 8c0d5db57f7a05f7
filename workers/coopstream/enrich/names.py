"""Organizations, operations, vessels and places: gazetteers, acronyms and name patterns."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import pairwise

from coopstream.enrich.context import (
    P_ACRONYM,
    P_CHUNK,
    P_CONTEXT,
    P_GAZ,
    P_GAZ_MULTI,
    P_PATTERN,
    P_VESSEL,
    Candidate,
    Context,
)
from coopstream.enrich.gazetteer import OpInfo, OrgInfo, Place
from coopstream.enrich.tokens import Chunk, Token

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&/.\-]*[A-Z0-9](?: [A-Z][A-Za-z]+)?)\)")
_HULL = re.compile(r"^[A-Z]{1,5}(?:-[A-Z]{1,3})? ?\d{1,4}$")
_YEAR_AFTER = re.compile(r"^ (?:(19|20)\d\d)\b")


def gazetteer_names(ctx: Context) -> None:
    for h in ctx.orgs:
        info: OrgInfo = h.payloads[0]
        prio = P_GAZ_MULTI if " " in h.key else P_GAZ
        ctx.add(
            Candidate(
                h.start,
                h.end,
                "organization",
                info.name,
                prio,
                {"kind": info.kind, "country": info.country},
                acronym=info.acronym,
            )
        )
    for h in ctx.ops:
        op: OpInfo = h.payloads[0]
        end, name = h.end, ctx.text[h.start : h.end]
        m = _YEAR_AFTER.match(ctx.text[h.end : h.end + 6])
        year = None
        if m:
            end, year = h.end + 5, int(ctx.text[h.end + 1 : h.end + 5])
            name = f"{name} {year}"
        ctx.add(
            Candidate(h.start, end, "operation", name, P_PATTERN, {"kind": op.kind, "year": year}, key=_norm(op.name))
        )
    for h in ctx.geo:
        for kind, value in h.payloads:
            if kind == "country":
                country = ctx.gaz.countries.get(value)
                if country:
                    ctx.add(
                        Candidate(
                            h.start,
                            h.end,
                            "location",
                            country.name,
                            P_GAZ_MULTI if " " in h.key else P_GAZ,
                            {"kind": "country", "country": country.code, "lat": country.lat, "lon": country.lon},
                        )
                    )
                break
            if kind == "place":
                place: Place = value
                surface = ctx.text[h.start : h.end]
                name = place.name if "." in surface or surface.isupper() else surface
                ctx.add(
                    Candidate(
                        h.start, h.end, "location", name, P_GAZ_MULTI if " " in h.key else P_GAZ, _place_attrs(place)
                    )
                )
                break


def _place_attrs(place: Place) -> dict[str, object]:
    return {"kind": place.kind, "country": place.country, "lat": place.lat, "lon": place.lon}


def vessels(ctx: Context) -> None:
    text = ctx.text
    for m in ctx.gaz.vessel_re.finditer(text):
        prefix = m.group(1)
        i = ctx.token_at(m.end())
        names = _cap_run(ctx, i, 3)
        if not names:
            continue
        first_name = names[0].text
        if first_name in ctx.gaz.person_stop or first_name in ctx.gaz.org_heads:
            continue
        start = m.start() if prefix[0].isupper() else names[0].start
        end = names[-1].end
        name = text[start:end]
        while len(names) > 1 and names[0].text in ctx.gaz.vessel_prefix_words:
            names = names[1:]  # "hospital ship USNS Mercy": the short name is "Mercy"
        short = " ".join(t.text for t in names)
        ctx.add(Candidate(start, end, "organization", name, P_VESSEL, {"kind": "vessel", "short": short}))


def _cap_run(ctx: Context, i: int, limit: int) -> list[Token]:
    out: list[Token] = []
    toks = ctx.tokens
    while i < len(toks) and len(out) < limit and toks[i].cap and toks[i].word:
        if out and "\n" in ctx.text[out[-1].end : toks[i].start]:
            break
        out.append(toks[i])
        i += 1
    return out


def acronyms(ctx: Context) -> None:
    """``Long Form Name (LFN)``: the long form is an organization or an operation."""
    text = ctx.text
    for m in _ACRONYM.finditer(text):
        acr = m.group(1)
        if _HULL.match(acr) or len(acr) < 2 or acr.isdigit():
            continue
        end_tok = ctx.token_at(m.start()) - 1
        if end_tok < 0 or not ctx.tokens[end_tok].word:
            continue
        chunk = _chunk_ending_at(ctx, ctx.tokens[end_tok].end)
        if chunk is None:
            continue
        toks = _split_dual(list(chunk.tokens), ctx)[-1]
        start_i = _extend_back(ctx, toks, _long_form_start(acr, toks, ctx))
        toks = toks[start_i:]
        toks = _strip_leading(ctx, toks)
        if not toks:
            continue
        start, end = toks[0].start, toks[-1].end
        if start > 4 and text[start - 5 : start] == "U.S. ":
            start -= 5
        name = text[start:end]
        words = [t.text for t in toks]
        after = text[m.end() : m.end() + 12].lstrip().split(" ")[0].lower()
        cand_type = "organization"
        attrs: dict[str, object] = {}
        if words[-1] in ctx.gaz.conference_heads:
            cand_type, attrs = "operation", {"kind": "conference"}
        elif after in ("mission", "operation", "exercise") and not _org_head(ctx, words):
            cand_type, attrs = "operation", {"kind": after}
        elif _place_head(ctx, words) and not _org_head(ctx, words):
            cand_type, attrs = "location", {"kind": "facility", "country": ctx.dateline_country}
        elif not _org_head(ctx, words) and not ctx.gaz.orgs.lookup(acr):
            continue  # "Women, Peace and Security (WPS)": an agenda, a program, not an institution
        if cand_type == "organization" and _generic(ctx, words):
            continue  # "Armed Forces (HMAF)": the words of a name but not the name
        ctx.add(Candidate(start, end, cand_type, name, P_ACRONYM, attrs, acronym=acr))
        ctx.add(Candidate(m.start(1), m.end(1), cand_type, name, P_ACRONYM, dict(attrs), acronym=acr))


def _chunk_ending_at(ctx: Context, end: int) -> Chunk | None:
    i = bisect_right(ctx.chunk_starts, end - 1) - 1
    if i < 0:
        return None
    ch = ctx.chunks[i]
    if ch.end == end:
        return ch
    if ch.start < end < ch.end:
        toks = tuple(t for t in ch.tokens if t.end <= end)
        return Chunk(toks) if toks else None
    return None


def _long_form_start(acr: str, toks: list[Token], ctx: Context) -> int:
    """Start of the long form inside a chunk: align the acronym's letters (Schwartz-Hearst style).

    An alignment that crams several letters into few words ("CMA" inside "Command")
    is weak: then the chunk's first organization-looking segment is taken instead.
    """
    letters = [c.lower() for c in acr if c.isalnum()]
    words = [t.text for t in toks]
    best: int | None = None
    used: set[int] = set()
    a = len(letters) - 1
    w = len(words) - 1
    pos = len(words[w]) - 1 if words else -1
    while a >= 0 and w >= 0:
        word = words[w].lower()
        c = letters[a]
        found = False
        while pos >= 0:
            if word[pos] == c and (a > 0 or pos == 0):
                found = True
                break
            pos -= 1
        if found:
            used.add(w)
            a -= 1
            pos -= 1
            if a < 0:
                best = w
            if pos < 0:
                w -= 1
                pos = len(words[w]) - 1 if w >= 0 else -1
        else:
            w -= 1
            pos = len(words[w]) - 1 if w >= 0 else -1
    content = [x for x in words if x not in ctx.gaz.connectors]
    if best is not None and len(used) >= min(len(letters), len(content), 3):
        return best
    return _first_headed_segment(ctx, toks)


def _extend_back(ctx: Context, toks: list[Token], i: int) -> int:
    """Widen a long form over qualifiers ("National", "U.S. Army"), acronyms and "<Head> of the"."""
    gaz = ctx.gaz
    while i > 0:
        prev = toks[i - 1].text
        if prev in gaz.org_qualifiers or prev in gaz.demonyms or (prev.isupper() and len(prev) > 1):
            i -= 1
            continue
        if prev in ("of", "for", "the") and i > 1:
            j = i - 1
            while j > 0 and toks[j].text in ("of", "for", "the"):
                j -= 1
            if toks[j].text in gaz.org_heads:
                i = j
                continue
        break
    return i


def _first_headed_segment(ctx: Context, toks: list[Token]) -> int:
    seg_start = 0
    for i, t in enumerate([*toks, None]):
        if t is None or t.text in ("of", "for", "on", "in"):
            seg = [x.text for x in toks[seg_start:i]]
            if _org_head(ctx, seg) or _place_head(ctx, seg):
                return seg_start
            seg_start = i + 1
    return 0


def _cached(ctx: Context, fn: Callable[[Context, list[str]], bool], words: list[str]) -> bool:
    """Word-class answers depend on the words alone: remember them across articles (bounded)."""
    cache = ctx.gaz.cache
    key = (fn.__name__, *words)
    hit = cache.get(key)
    if hit is None:
        hit = fn(ctx, words)
        if len(cache) < 100_000:
            cache[key] = hit
    return hit


def _org_head(ctx: Context, words: list[str]) -> bool:
    return any(w in ctx.gaz.org_heads for w in words) or "Task Force" in " ".join(words)


def _place_head(ctx: Context, words: list[str]) -> bool:
    return _cached(ctx, _place_head_uncached, words)


def _place_head_uncached(ctx: Context, words: list[str]) -> bool:
    """Ends with a place head ("... Air Base") or starts with one ("Fort ...")."""
    gaz = ctx.gaz
    n = len(words)
    for k in range(1, min(n, gaz.head_words) + 1):
        if " ".join(words[n - k :]) in gaz.place_after_set:
            return True
        if k < n and " ".join(words[:k]) in gaz.place_before_set:
            return True
    return False


def _strip_leading(ctx: Context, toks: list[Token]) -> list[Token]:
    while toks and (toks[0].text in ctx.gaz.strip_leading or toks[0].text in ctx.gaz.connectors):
        toks = toks[1:]
    return toks


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("the ", "").split())


def _split_on_titles(ctx: Context, chunk: Chunk) -> list[list[Token]]:
    """Cut a chunk where a rank or a title begins: "Joint Command of the Armed Forces Chief"."""
    lo = bisect_left(ctx.title_starts, chunk.start)
    hi = bisect_left(ctx.title_starts, chunk.end)
    cuts = ctx.title_spans[lo:hi]
    pieces: list[list[Token]] = [[]]
    for t in chunk.tokens:
        inside = next(((s, e) for s, e in cuts if s <= t.start < e), None)
        if inside:
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append(t)
    return [p for p in pieces if p]


_UNIT = re.compile(r"^\d+(?:st|nd|rd|th|d) (?:[A-Z]\w+ ){0,2}(?:Battalion|Squadron|Company|Detachment|Battery|Troop)$")
_PARENT = re.compile(r"^\d+(?:st|nd|rd|th|d) [A-Z][\w ]*(?:Regiment|Brigade|Group|Wing|Division|Brigade Combat Team)$")


def military_units(ctx: Context) -> None:
    """ "1st Battalion, 228th Aviation Regiment": a unit and its parent, named together."""
    chunks = ctx.chunks
    for a, b in pairwise(chunks):
        if ctx.text[a.end : b.start] != ", ":
            continue
        first, second = ctx.text[a.start : a.end], ctx.text[b.start : b.end]
        if _UNIT.match(first) and _PARENT.match(second):
            ctx.add(
                Candidate(a.start, b.end, "organization", ctx.text[a.start : b.end], P_PATTERN, {"kind": "military"})
            )


def chunk_names(ctx: Context) -> None:
    """Organizations, facilities and operations from capitalised chunks and their head words."""
    gaz = ctx.gaz
    for chunk in ctx.chunks:
        for piece in _split_on_titles(ctx, chunk):
            for part in _split_dual(piece, ctx):
                toks = _strip_leading(ctx, part)
                while toks and toks[-1].text in gaz.connectors:
                    toks = toks[:-1]
                if toks:
                    _classify(ctx, toks)


def _split_dual(toks: list[Token], ctx: Context | None = None) -> list[list[Token]]:
    """Split "A and the B" into two names when both sides are names on their own."""
    if ctx is None:
        return [toks]
    for i, t in enumerate(toks):
        if t.text != "and" or i == 0:
            continue
        j = i + 1
        while j < len(toks) and toks[j].text == "the":
            j += 1
        left, right = toks[:i], toks[j:]
        lw, rw = [x.text for x in left], [x.text for x in right]
        # "U.S. Navy Seabees and Australian Army": a unit's members on the left count as a name
        left_named = _named(ctx, lw) or (len(lw) > 1 and _org_head(ctx, lw) and lw[-1].endswith("s"))
        if right and left_named and _named(ctx, rw):
            return [left, *_split_dual(right, ctx)]
    return [toks]


def _named(ctx: Context, words: list[str]) -> bool:
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return True  # an acronym
    return _org_strong(ctx, words) or _place_head(ctx, words) or " ".join(words) in ctx.gaz.country_names


def _classify(ctx: Context, toks: list[Token]) -> None:
    gaz = ctx.gaz
    words = [t.text for t in toks]
    text = ctx.text
    # operations: "Operation X", "Exercise X", "X 2025" near an exercise cue
    if words[0] in ("Operation", "Exercise") and len(words) > 1:
        start = toks[1].start if words[0] == "Exercise" else toks[0].start
        year = int(words[-1]) if toks[-1].is_year else None
        ctx.add(
            Candidate(
                start,
                toks[-1].end,
                "operation",
                text[start : toks[-1].end],
                P_PATTERN,
                {"kind": "operation" if words[0] == "Operation" else "exercise", "year": year},
                key=_norm(" ".join(w for w in words[1:] if not w.isdigit())),
            )
        )
        return
    yearly = toks[-1].is_year and len(toks) >= 2 and not any(w in gaz.org_heads for w in words)
    if yearly and _sentence_has_cue(ctx, toks[0].start, gaz.op_cues):
        kind = "conference" if any(w in gaz.conference_heads for w in words) else "exercise"
        base = " ".join(words[:-1])
        ctx.add(
            Candidate(
                toks[0].start,
                toks[-1].end,
                "operation",
                text[toks[0].start : toks[-1].end],
                P_CHUNK,
                {"kind": kind, "year": int(words[-1])},
                key=_norm(base),
            )
        )
        return
    seg = _first_headed_segment(ctx, toks)
    toks = _strip_leading(ctx, toks[seg:])
    toks = _cut_designators(_cut_trailing_dates(ctx, toks))
    if not toks:
        return
    parts = _split_dual(toks, ctx)
    if len(parts) > 1:
        for part in parts:
            _classify(ctx, part)
        return
    words = [t.text for t in toks]
    start, end = toks[0].start, toks[-1].end
    if start > 4 and text[start - 5 : start] == "U.S. " and words[0] != "U.S.":
        start -= 5
    name = text[start:end]
    follower = re.match(r" ([a-z]+)", text[end : end + 20])
    if follower and follower.group(1) in gaz.adjectival_followers and not _org_strong(ctx, words):
        return  # "Pacific Island nations": a name used as an adjective
    if len(words) > 1 and _place_head(ctx, words) and (not _org_strong(ctx, words) or _strong_place(ctx, words)):
        ctx.add(Candidate(start, end, "location", name, P_CHUNK, {"kind": "facility", "country": None}))
        return
    if _org_strong(ctx, words) and not _generic(ctx, words):
        ctx.add(Candidate(start, end, "organization", name, P_CHUNK, {}))


def _generic(ctx: Context, words: list[str]) -> bool:
    """A short name made only of generic words ("Armed Forces", "Maritime Force", "Coast Guard")."""
    return len(words) <= 2 and all(w in ctx.gaz.generic_org_words or w in ctx.gaz.org_heads for w in words)


def _cut_designators(toks: list[Token]) -> list[Token]:
    """ "Japan Air Self-Defense Force C-130H": an aircraft or equipment designator ends the name."""
    while len(toks) > 1 and any(c.isdigit() for c in toks[-1].text) and any(c.isalpha() for c in toks[-1].text):
        if toks[-1].is_year or (toks[-1].cap and toks[-1].text[0].isdigit()):
            break  # "Balikatan 2025", "4th"
        toks = toks[:-1]
    return toks


def _cut_trailing_dates(ctx: Context, toks: list[Token]) -> list[Token]:
    """ "U.S. Central Command on Tuesday": a connector before a day or month ends the name."""
    for i, t in enumerate(toks):
        if t.text in ctx.gaz.connectors and i + 1 < len(toks) and toks[i + 1].text in ctx.gaz.not_places:
            return toks[:i]
    return toks


def _strong_place(ctx: Context, words: list[str]) -> bool:
    return _cached(ctx, _strong_place_uncached, words)


def _strong_place_uncached(ctx: Context, words: list[str]) -> bool:
    """ "Krtsanisi National Training Center": a place head after a proper, non-generic word."""
    joined = " ".join(words)
    for head in ctx.gaz.strong_place_heads:
        if joined.endswith(" " + head):
            before = joined[: -len(head)].split()
            return any(w not in ctx.gaz.generic_qualifiers and w not in ctx.gaz.demonyms for w in before)
        if joined.startswith(head + " "):
            return True
    return False


def _org_strong(ctx: Context, words: list[str]) -> bool:
    return _cached(ctx, _org_strong_uncached, words)


def _org_strong_uncached(ctx: Context, words: list[str]) -> bool:
    """An organization name: a head word that is not merely a trailing weak head of a short phrase."""
    gaz = ctx.gaz
    if "Task Force" in " ".join(words):
        return True
    core = words
    for i, w in enumerate(words):
        if w in ("of", "for", "on", "in"):
            core = words[:i]
            break
    heads = [w for w in core if w in gaz.org_heads]
    if not heads:
        heads = [w for w in words if w in gaz.org_heads]
        if not heads:
            return False
    last = core[-1] if core else words[-1]
    if last not in gaz.org_heads and last not in gaz.org_trailers and not last.isdigit() and not last.isupper():
        return False
    if len(words) == 1:
        return False
    return not (len(heads) == 1 and heads[0] in gaz.weak_org_heads and len(words) < 3)


def _sentence_has_cue(ctx: Context, offset: int, cues: frozenset[str]) -> bool:
    text = ctx.text
    a = max(text.rfind(". ", 0, offset), text.rfind("\n", 0, offset))
    b_candidates = [x for x in (text.find(". ", offset), text.find("\n", offset)) if x != -1]
    b = min(b_candidates) if b_candidates else len(text)
    sentence = text[a + 1 : b].lower()
    return any(re.search(r"\b" + re.escape(c) + r"\b", sentence) for c in cues)


def places_in_context(ctx: Context) -> None:
    """Unknown capitalised names right after a locative preposition, or before ", <country/state>"."""
    gaz = ctx.gaz
    toks = ctx.tokens
    known = {(h.start, h.end) for h in ctx.geo}
    listed: set[int] = set()  # ends of names taken, so "in A, B and C" continues the list
    for h in ctx.geo:
        listed.add(h.end)
    for chunk in ctx.chunks:
        prev_i = chunk.tokens[0].index - 1
        if prev_i >= 0 and toks[prev_i].text == "the":
            prev_i -= 1
        prev = toks[prev_i].text if prev_i >= 0 else ""
        if prev == "," and prev_i > 0 and toks[prev_i - 1].end in listed:
            prev = "in"
        for part in _split_and(list(chunk.tokens)):
            words = [t.text for t in part]
            if len(words) > 3 or any(w in gaz.person_stop or w in gaz.not_places for w in words):
                continue
            if (part[0].start, part[-1].end) in known or any(w in gaz.demonyms for w in words):
                continue
            if any(not t.word for t in part):
                continue
            country = _country_after(ctx, part[-1].end)
            if country is None and prev not in gaz.locative:
                continue
            if country is None and _looks_like_person(ctx, words):
                continue
            name = " ".join(w if not w.isupper() or len(w) < 3 else w[0] + w[1:].lower() for w in words)
            listed.add(part[-1].end)
            ctx.add(
                Candidate(
                    part[0].start,
                    part[-1].end,
                    "location",
                    name,
                    P_CONTEXT,
                    {"kind": "place", "country": country or None},
                )
            )


def _split_and(toks: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for t in toks:
        if t.text == "and":
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def _country_after(ctx: Context, end: int) -> str | None:
    """The country of ``, <Country or state>`` right after ``end``."""
    if ctx.text[end : end + 2] != ", ":
        return None
    for h in ctx.geo:
        if h.start == end + 2:
            for kind, value in h.payloads:
                if kind == "country":
                    return str(value)
                if kind == "place" and value.kind in ("state", "country"):
                    return str(value.country) if value.country else None
    return None


def _looks_like_person(ctx: Context, words: list[str]) -> bool:
    return words[0] in ctx.gaz.given_names and len(words) >= 2
