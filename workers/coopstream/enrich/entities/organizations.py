"""Organizations: the gazetteer's, long forms defined by an acronym ("... (SOUTHCOM)"), capitalised
chunks headed by an institution word, and a unit named with its parent ("1st Battalion, 228th ...")."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise
from typing import Any

from coopstream.enrich.entities.candidates import P_ACRONYM, P_CHUNK, P_GAZ, P_GAZ_MULTI, P_PATTERN, Candidate
from coopstream.enrich.entities.operations import operation_from_chunk
from coopstream.enrich.entities.places import facility_from_chunk
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.entities.words import conference_name, generic, named, org_head, org_strong, place_head
from coopstream.enrich.knowledge.common import OrgInfo
from coopstream.enrich.tokens import Chunk, Token

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&/.\-]*[A-Z0-9](?: [A-ZÀ-Þ][^\W\d_]+)?)\)")
_HULL = re.compile(r"^[A-Z]{1,5}(?:-[A-Z]{1,3})? ?\d{1,4}$")


def known_orgs(view: TextView) -> list[Candidate]:
    out: list[Candidate] = []
    for h in view.orgs:
        info: OrgInfo = h.payloads[0]
        prio = P_GAZ_MULTI if " " in h.key else P_GAZ
        out.append(
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
    return out


def _prefixed_start(view: TextView, start: int, first_word: str) -> int:
    """Widen a name over a country prefix written right before it ("U.S. " + "Southern Command")."""
    text = view.text
    for prefix in view.pack.lex.country_prefixes:
        n = len(prefix) + 1
        if first_word != prefix and start >= n and text[start - n : start] == prefix + " ":
            return start - n
    return start


def acronyms(view: TextView, dateline_country: str | None) -> list[Candidate]:
    """``Long Form Name (LFN)``: the long form is an organization, an operation or a facility."""
    text, pack = view.text, view.pack
    lex = pack.lex
    out: list[Candidate] = []
    for m in _ACRONYM.finditer(text, view.start, view.end):
        acr = m.group(1)
        if _HULL.match(acr) or len(acr) < 2 or acr.isdigit():
            continue
        end_tok = view.token_at(m.start()) - 1
        if end_tok < 0 or not view.tokens[end_tok].word:
            continue
        chunk = _chunk_ending_at(view, view.tokens[end_tok].end)
        if chunk is None:
            continue
        toks = _after_leading_title(view, chunk)
        if not toks:
            continue  # the acronym names a post ("Chief of Naval Operations (CNO)")
        shared = shared_heads(view, toks)
        if shared:  # "U.S. Naval Forces Europe and Africa (NAVEUR-NAVAF)": two commands, two acronyms
            parts = re.split(r"[-/]", acr)
            for c, a in zip(shared, parts if len(parts) == 2 else [acr, acr], strict=True):
                out.append(Candidate(c.start, c.end, c.type, c.name, P_ACRONYM, {}, acronym=a))
            out.append(Candidate(m.start(1), m.end(1), "organization", shared[0].name, P_ACRONYM, {}, acronym=parts[0]))
            continue
        toks = split_dual(view, toks)[-1]
        toks = toks[_extend_back(view, toks, _long_form_start(view, acr, toks)) :]
        toks = strip_leading(view, toks)
        if not toks:
            continue
        start, end = _prefixed_start(view, toks[0].start, toks[0].text), toks[-1].end
        known = [h.start for h in view.orgs if h.end == end and h.start < start]
        if known and min(known) >= chunk.start:
            start = min(known)  # a known name the acronym's letters only partly spell ("Oficina ... (INL)")
            toks = [t for t in chunk.tokens if t.start >= start]
        name = text[start:end]
        words = [t.text for t in toks]
        after = text[m.end() : m.end() + 12].lstrip().split(" ")[0].lower()
        cand_type = "organization"
        attrs: dict[str, Any] = {}
        known_op = [h.payloads[0] for h in view.ops if h.end == end]
        if known_op:  # "Cutlass Express (CE25)": the acronym names a known exercise
            cand_type, attrs = "operation", {"kind": known_op[0].kind}
        elif conference_name(pack, words):
            cand_type, attrs = "operation", {"kind": "conference"}
        elif after in lex.operation_kind_words and not org_head(pack, words):
            cand_type, attrs = "operation", {"kind": lex.operation_kind_words[after]}
        elif place_head(pack, words) and not org_head(pack, words):
            cand_type, attrs = "location", {"kind": "facility", "country": dateline_country}
        elif not org_head(pack, words) and not view.org_lookup(acr):
            continue  # "Women, Peace and Security (WPS)": an agenda, a program, not an institution
        if cand_type == "organization" and generic(pack, words):
            continue  # "Armed Forces (HMAF)": the words of a name but not the name
        out.append(Candidate(start, end, cand_type, name, P_ACRONYM, attrs, acronym=acr))
        out.append(Candidate(m.start(1), m.end(1), cand_type, name, P_ACRONYM, dict(attrs), acronym=acr))
    return out


def _chunk_ending_at(view: TextView, end: int) -> Chunk | None:
    i = bisect_right(view.chunk_starts, end - 1) - 1
    if i < 0:
        return None
    ch = view.chunks[i]
    if ch.end == end:
        return ch
    if ch.start < end < ch.end:
        toks = tuple(t for t in ch.tokens if t.end <= end)
        return Chunk(toks) if toks else None
    return None


def _long_form_start(view: TextView, acr: str, toks: list[Token]) -> int:
    """Start of the long form inside a chunk: align the acronym's letters (Schwartz-Hearst style).

    An alignment that crams several letters into few words ("CMA" inside "Command") is weak: then
    the chunk's first organization-looking segment is taken instead.
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
    content = [x for x in words if x not in view.pack.lex.connectors]
    if best is not None and len(used) >= min(len(letters), len(content), 3):
        return best
    return first_headed_segment(view, toks)


def _extend_back(view: TextView, toks: list[Token], i: int) -> int:
    """Widen a long form over qualifiers ("National", "U.S. Army"), acronyms and "<Head> of the"."""
    pack = view.pack
    lex = pack.lex
    while i > 0:
        prev = toks[i - 1].text
        if prev in lex.org_qualifiers or prev in pack.demonyms or (prev.isupper() and len(prev) > 1):
            i -= 1
            continue
        if prev in lex.head_links and i > 1:
            j = i - 1
            while j > 0 and toks[j].text in lex.head_links:
                j -= 1
            if toks[j].text in lex.org_heads:
                i = j
                continue
        break
    return i


def first_headed_segment(view: TextView, toks: list[Token]) -> int:
    seg_start = 0
    breaks = view.pack.lex.segment_breaks
    for i, t in enumerate([*toks, None]):
        if t is None or t.text in breaks:
            seg = [x.text for x in toks[seg_start:i]]
            if org_head(view.pack, seg) or place_head(view.pack, seg):
                return seg_start
            seg_start = i + 1
    return 0


def strip_leading(view: TextView, toks: list[Token]) -> list[Token]:
    lex = view.pack.lex
    i = 0
    while i < len(toks) and (toks[i].text in lex.chunk_strip_leading or toks[i].text in lex.connectors):
        i += 1
    return toks[i:]


def _after_leading_title(view: TextView, chunk: Chunk) -> list[Token]:
    """The chunk less a title that opens it ("Jefe del Comando Conjunto ..." -> "Comando Conjunto ...")."""
    lead = strip_leading(view, list(chunk.tokens))  # "O Chefe do ...": a capitalised article first
    first = lead[0].start if lead else chunk.start
    i = bisect_left(view.title_starts, first)
    if i < len(view.title_starts) and view.title_starts[i] == first:
        end = max(e for s, e in view.title_spans[i:] if s == first)
        return [t for t in chunk.tokens if t.start >= end]
    return list(chunk.tokens)


def _split_on_titles(view: TextView, chunk: Chunk) -> list[list[Token]]:
    """Cut a chunk where a rank or a title begins: "Joint Command of the Armed Forces Chief"."""
    lo = bisect_left(view.title_starts, chunk.start)
    hi = bisect_left(view.title_starts, chunk.end)
    cuts = view.title_spans[lo:hi]
    if not cuts:
        return [list(chunk.tokens)]
    pieces: list[list[Token]] = [[]]
    k, reach = 0, -1
    for t in chunk.tokens:
        while k < len(cuts) and cuts[k][0] <= t.start:
            reach = max(reach, cuts[k][1])
            k += 1
        if reach > t.start:
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append(t)
    return [p for p in pieces if p]


def military_units(view: TextView) -> list[Candidate]:
    """ "1st Battalion, 228th Aviation Regiment": a unit and its parent, named together."""
    lex = view.pack.lex
    out: list[Candidate] = []
    for a, b in pairwise(view.chunks):
        if view.text[a.end : b.start] != ", ":
            continue
        if _is_unit(a.tokens, lex.unit_heads, 2) and _is_unit(b.tokens, lex.parent_heads, None):
            out.append(
                Candidate(a.start, b.end, "organization", view.text[a.start : b.end], P_PATTERN, {"kind": "military"})
            )
    return out


def _is_unit(toks: tuple[Token, ...], heads: frozenset[str], max_between: int | None) -> bool:
    """An ordinal, capitalised words (at most ``max_between``) and a head: "1st Battalion", "228th Aviation
    Regiment"."""
    first = toks[0]
    if not (first.text[0].isdigit() and first.cap):
        return False
    words = [t.text for t in toks[1:]]
    for k in range(1, min(len(words), 3) + 1):
        if " ".join(words[-k:]) in heads:
            between = words[:-k]
            if max_between is None:
                return not between or between[0][:1].isupper()
            return len(between) <= max_between and all(w[:1].isupper() for w in between)
    return False


def chunk_names(view: TextView) -> list[Candidate]:
    """Organizations, facilities and operations from capitalised chunks and their head words."""
    lex = view.pack.lex
    out: list[Candidate] = []
    for chunk in view.chunks:
        if len(chunk.tokens) < 2:
            continue  # a single capitalised word names no institution, facility or operation on its own
        for piece in _split_on_titles(view, chunk):
            for part in split_dual(view, piece):
                toks = strip_leading(view, part)
                while toks and toks[-1].text in lex.connectors:
                    toks = toks[:-1]
                if toks:
                    _classify(view, toks, out)
    return out


def shared_heads(view: TextView, toks: list[Token]) -> list[Candidate]:
    """ "U.S. Naval Forces Europe and Africa": two commands that share their words but the last one;
    the second is named in full ("U.S. Naval Forces Africa") on the span of its own last word."""
    lex = view.pack.lex
    if len(toks) < 4 or toks[-2].text not in lex.coordinators:
        return []
    last, other = toks[-3], toks[-1]
    if last.text not in lex.org_trailers or other.text not in lex.org_trailers:
        return []
    if not org_strong(view.pack, [x.text for x in toks[:-2]]):
        return []
    start = _prefixed_start(view, toks[0].start, toks[0].text)
    head = view.text[start : last.start].rstrip()
    first = Candidate(start, last.end, "organization", view.text[start : last.end], P_CHUNK, {})
    second = Candidate(other.start, other.end, "organization", f"{head} {other.text}", P_CHUNK, {})
    return [first, second]


def split_dual(view: TextView, toks: list[Token]) -> list[list[Token]]:
    """Split "A and the B" into two names when both sides are names on their own."""
    pack = view.pack
    lex = pack.lex
    for i, t in enumerate(toks):
        if t.text not in lex.coordinators or i == 0:
            continue
        j = i + 1
        while j < len(toks) and (toks[j].text in lex.articles or toks[j].text in lex.connectors):
            j += 1  # "A and the B", "A y del B"
        left, right = toks[:i], toks[j:]
        lw, rw = [x.text for x in left], [x.text for x in right]
        # "U.S. Navy Seabees and Australian Army": a unit's members on the left count as a name
        left_named = named(pack, lw) or (len(lw) > 1 and org_head(pack, lw) and lw[-1].endswith("s"))
        # "do Governo e das Forças Armadas Angolanas": one word, then an article after the coordinator
        lone = len(lw) == 1 and j > i + 1 and org_strong(pack, rw)
        if right and (left_named or lone) and named(pack, rw):
            return [left, *split_dual(view, right)]
    return [toks]


def _classify(view: TextView, toks: list[Token], out: list[Candidate]) -> None:
    pack = view.pack
    lex = pack.lex
    op = operation_from_chunk(view, toks)
    if op is not None:
        out.append(op)
        return
    seg = first_headed_segment(view, toks)
    toks = _cut_designators(_cut_trailing_dates(view, strip_leading(view, toks[seg:])), lex.org_heads)
    while toks and toks[-1].text in lex.connectors:
        toks = toks[:-1]
    if not toks:
        return
    parts = split_dual(view, toks)
    if len(parts) > 1:
        for part in parts:
            _classify(view, part, out)
        return
    shared = shared_heads(view, toks)
    if shared:
        out.extend(shared)
        return
    words = [t.text for t in toks]
    start, end = _prefixed_start(view, toks[0].start, words[0]), toks[-1].end
    follower = re.match(r" ([a-z]+)", view.text[end : end + 20])
    if follower and follower.group(1) in lex.adjectival_followers and not org_strong(pack, words):
        return  # "Pacific Island nations": a name used as an adjective
    facility = facility_from_chunk(view, toks, start, end)
    if facility is not None:
        out.append(facility)
        return
    if org_strong(pack, words) and not generic(pack, words):
        out.append(Candidate(start, end, "organization", view.text[start:end], P_CHUNK, {}))
    elif lex.org_head_first:  # "P-3C Orion de la Aviación Naval": the name opens at its head
        links = lex.connectors
        k = next((k for k in range(1, len(toks)) if toks[k - 1].text in links and org_head(pack, words[k:])), 0)
        while 0 < k < len(toks) and toks[k].text in lex.connectors:
            k += 1
        if 0 < k < len(toks):
            _classify(view, toks[k:], out)


def _cut_designators(toks: list[Token], heads: frozenset[str]) -> list[Token]:
    """ "Japan Air Self-Defense Force C-130H": an aircraft or equipment designator ends the name, and so
    does a count ("Ejército de Guatemala 32 vehículos"); a unit's number stays ("Destroyer Squadron 31")."""
    while len(toks) > 1 and any(c.isdigit() for c in toks[-1].text):
        last = toks[-1]
        if last.is_year or (last.cap and last.text[0].isdigit()):
            break  # "Balikatan 2025", "4th"
        if last.is_number and toks[-2].text in heads:
            break
        if not last.is_number and not any(c.isalpha() for c in last.text):
            break
        toks = toks[:-1]
    return toks


def _cut_trailing_dates(view: TextView, toks: list[Token]) -> list[Token]:
    """ "U.S. Central Command on Tuesday": a connector before a day or month ends the name."""
    lex = view.pack.lex
    for i, t in enumerate(toks):
        if t.text in lex.connectors and i + 1 < len(toks) and toks[i + 1].text in lex.not_places:
            nxt = toks[i + 1]
            if nxt.text not in lex.org_heads or any(h.start == nxt.start for h in view.orgs):
                return toks[:i]  # a day, or a known body of its own ("Iniciativa ... del Comando Sur")
            # else "Estado Mayor Conjunto de las Fuerzas Armadas": the name goes on
    return toks
