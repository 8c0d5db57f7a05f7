"""Operations, exercises and recurring conferences: the gazetteer's, and those a chunk names."""

from __future__ import annotations

import re

from coopstream.enrich.entities.candidates import P_CHUNK, P_PATTERN, Candidate
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.entities.words import conference_name, org_strong
from coopstream.enrich.knowledge.common import OpInfo
from coopstream.enrich.tokens import Token

_YEAR_AFTER = re.compile(r" ((?:19|20)\d\d)\b")
_ROMAN_AFTER = re.compile(r" ([IVXLC]{1,7})\b(?![\w.])")  # "UNITAS LXV": an edition's number


def op_key(name: str, articles: frozenset[str]) -> str:
    words = [w for w in name.lower().split() if w not in articles]
    return " ".join(words)


def known_operations(view: TextView) -> list[Candidate]:
    """Gazetteer operations, with the year written right after the name ("UNITAS 2025")."""
    text = view.text
    articles = view.pack.lex.articles
    out: list[Candidate] = []
    for h in view.ops:
        op: OpInfo = h.payloads[0]
        end, name, year = h.end, text[h.start : h.end], None
        m = _YEAR_AFTER.match(text, h.end, h.end + 6)
        if m:
            end, year = m.end(), int(m.group(1))
            name = f"{name} {year}"
        else:
            roman = _ROMAN_AFTER.match(text, h.end, h.end + 9)
            if roman:
                end, name = roman.end(), f"{name} {roman.group(1)}"
        out.append(
            Candidate(
                h.start,
                end,
                "operation",
                name,
                P_PATTERN,
                {"kind": op.kind, "year": year},
                key=op_key(op.name, articles),
            )
        )
    return out


def named_after_noun(view: TextView) -> list[Candidate]:
    """ "la operación Escudo Andino", "a iniciativa Mar Aberto": a lower-case noun of the language
    names the kind, the capitalised name after it is the operation (the noun is not part of it)."""
    pack = view.pack
    lex = pack.lex
    nouns = lex.operation_nouns
    if not nouns:
        return []
    toks, text = view.tokens, view.text
    out: list[Candidate] = []
    for chunk in view.chunks:
        i = chunk.tokens[0].index - 1
        if i < 0 or toks[i].text not in nouns or text[toks[i].end : chunk.start] != " ":
            continue
        part = list(chunk.tokens)
        cut = next((k for k, t in enumerate(part) if t.text in lex.in_connectors or t.text in lex.connectors), None)
        if cut is not None and cut > 0 and not part[-1].is_year:
            part = part[:cut]  # "iniciativa Mar Aberto da Marinha": the name stops before its owner
        while part and part[-1].text in lex.connectors:
            part.pop()
        words = [t.text for t in part]
        if not words or len(words) > 5 or part[0].start in view.rank_starts:
            continue  # "la misión General ...": a rank, a person follows
        if (part[0].start, part[-1].end) in view.geo_spans or org_strong(pack, words):
            continue  # "la misión Perú", "el ejercicio Armada de Chile": a place or an institution
        start, end = part[0].start, part[-1].end
        if end == chunk.end and text[end : end + 2] == ", " and text[end + 2 : end + 3].isupper():
            continue  # "la iniciativa Mujeres, Paz y Seguridad": a name the comma cuts is unsure
        year = int(words[-1]) if part[-1].is_year else None
        key = op_key(" ".join(w for w in words if not w.isdigit()), lex.articles)
        attrs = {"kind": nouns[toks[i].text], "year": year}
        out.append(Candidate(start, end, "operation", text[start:end], P_PATTERN, attrs, key=key))
    return out


def operation_from_chunk(view: TextView, toks: list[Token]) -> Candidate | None:
    """ "Operation X", "Exercise X", or "X 2025" in a sentence about an exercise or a conference."""
    lex = view.pack.lex
    text = view.text
    words = [t.text for t in toks]
    kind = lex.operation_prefixes.get(words[0])
    if kind and len(words) > 1:
        start = toks[0].start if words[0] in lex.operation_prefixes_in_name else toks[1].start
        year = int(words[-1]) if toks[-1].is_year else None
        key = " ".join(w for w in words[1:] if not w.isdigit()).lower()
        return Candidate(
            start,
            toks[-1].end,
            "operation",
            text[start : toks[-1].end],
            P_PATTERN,
            {"kind": kind, "year": year},
            key=op_key(key, lex.articles),
        )
    listed = view.text[max(0, toks[0].start - 2) : toks[0].start] == ", "  # a name cut at a comma is unsure
    cut = next((i for i, w in enumerate(words) if w in lex.in_connectors), len(words))
    if 1 < cut < len(words) and conference_name(view.pack, words[:cut]):
        toks, words = toks[:cut], words[:cut]  # "Conferencia de Ministros ... en Brasilia": the place is not the name
    headed = any(w in lex.org_heads for w in words[:-1])
    if len(words) >= 2 and conference_name(view.pack, words) and not listed and not headed:
        key = op_key(" ".join(w for w in words if not w.isdigit()), lex.articles)  # "Regional Maritime Symposium"
        start = toks[1].start if toks[0].is_year else toks[0].start
        return Candidate(
            start,
            toks[-1].end,
            "operation",
            text[start : toks[-1].end],
            P_CHUNK,
            {"kind": "conference", "year": int(words[0]) if toks[0].is_year else None},
            key=key,
        )
    yearly = toks[-1].is_year and len(toks) >= 2 and not any(w in lex.org_heads for w in words)
    if yearly and _sentence_has_cue(view, toks[0].start):
        kind = "conference" if any(w in lex.conference_heads for w in words) else "exercise"
        return Candidate(
            toks[0].start,
            toks[-1].end,
            "operation",
            text[toks[0].start : toks[-1].end],
            P_CHUNK,
            {"kind": kind, "year": int(words[-1])},
            key=op_key(" ".join(words[:-1]), lex.articles),
        )
    return None


def _sentence_has_cue(view: TextView, offset: int) -> bool:
    a, b = view.sentence_at(offset)
    sentence = view.text[a:b].lower()
    words = set(re.findall(r"\w+", sentence))
    return any(c in words if " " not in c else c in sentence for c in view.pack.lex.operation_cues)
