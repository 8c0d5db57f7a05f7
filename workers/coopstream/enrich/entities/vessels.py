"""Vessels: a ship prefix (USS, ARA, "hospital ship") and the capitalised name after it."""

from __future__ import annotations

from coopstream.enrich.entities.candidates import P_VESSEL, Candidate
from coopstream.enrich.entities.view import TextView
from coopstream.enrich.tokens import Token


def vessels(view: TextView) -> list[Candidate]:
    text, pack = view.text, view.pack
    out: list[Candidate] = []
    for m in pack.vessel_re.finditer(text, view.start, view.end):
        prefix = m.group(1)
        names = cap_run(view, view.token_at(m.end()), 3)
        if not names:
            continue
        first_name = names[0].text
        if first_name in pack.lex.person_stop or first_name in pack.lex.org_heads:
            continue
        start = m.start() if prefix[0].isupper() else names[0].start
        end = names[-1].end
        while len(names) > 1 and names[0].text in pack.vessel_prefix_words:
            names = names[1:]  # "hospital ship USNS Mercy": the short name is "Mercy"
        short = " ".join(t.text for t in names)
        out.append(Candidate(start, end, "organization", text[start:end], P_VESSEL, {"kind": "vessel", "short": short}))
    return out


def cap_run(view: TextView, i: int, limit: int) -> list[Token]:
    out: list[Token] = []
    toks = view.tokens
    while i < len(toks) and len(out) < limit and toks[i].cap and toks[i].word:
        if out and "\n" in view.text[out[-1].end : toks[i].start]:
            break
        out.append(toks[i])
        i += 1
    return out
