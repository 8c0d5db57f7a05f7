"""Vessels: a ship prefix (USS, ARA, "hospital ship") and the capitalised name after it."""

from __future__ import annotations

from coopstream.enrich.entities.candidates import P_VESSEL, Candidate
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.tokens import Token


def vessels(view: TextView) -> list[Candidate]:
    text, pack = view.text, view.pack
    out: list[Candidate] = []
    toks = view.tokens
    for m in pack.vessel_re.finditer(text, view.start, view.end):
        prefix = m.group(1)
        i = view.token_at(m.end())
        quoted = i < len(toks) and toks[i].start == m.end() and toks[i].text in OPENING_QUOTES
        names = cap_run(view, i + 1 if quoted else i, 3)
        if not names:
            continue
        first_name = names[0].text
        if not quoted and (first_name in pack.lex.person_stop or first_name in pack.lex.org_heads):
            continue  # a rank or an institution after the prefix; quoted, it is the ship's name
        start = m.start() if prefix[0].isupper() else names[0].start
        end = names[-1].end
        if quoted and text[end : end + 1] in CLOSING_QUOTES:
            end += 1  # BAP “Pisco”: the quotes belong to the mention
        while len(names) > 1 and names[0].text in pack.vessel_prefix_words:
            names = names[1:]  # "hospital ship USNS Mercy": the short name is "Mercy"
        short = " ".join(t.text for t in names)
        name = f"{prefix} {short}" if quoted and prefix[0].isupper() else text[start:end]
        out.append(Candidate(start, end, "organization", name, P_VESSEL, {"kind": "vessel", "short": short}))
    return out


OPENING_QUOTES = frozenset({'"', "“", "«", "'", "‘", "„"})
CLOSING_QUOTES = frozenset({'"', "”", "»", "'", "’", "“"})


def cap_run(view: TextView, i: int, limit: int) -> list[Token]:
    out: list[Token] = []
    toks = view.tokens
    while i < len(toks) and len(out) < limit and toks[i].cap and toks[i].word:
        if out and "\n" in view.text[out[-1].end : toks[i].start]:
            break
        out.append(toks[i])
        i += 1
    return out
