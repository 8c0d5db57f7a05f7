"""Worst cases of the enrichment core: time per character on hostile texts, against ordinary prose.

No regular expression may backtrack catastrophically and no pass may grow faster than the text:
each case is run at two sizes and the ratio of the per-character times is printed (about 1 means
linear).
"""

from __future__ import annotations

import html.entities
import json
import time
from importlib import resources
from typing import Any


def _cases() -> dict[str, str]:
    sample = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    prose = "\n\n".join(json.loads(line)["text"] for line in sample.splitlines() if line.strip())
    entities = " ".join(f"&{name.rstrip(';')};" for name in sorted(html.entities.html5))
    return {
        "ordinary prose (samples)": prose,
        '"Gen. Gen." repeated': "Gen. Gen. ",
        "capitalised words": "Alpha Bravo Charlie Delta Command Forces Of The ",
        "every HTML entity": entities + " ",
        "right-to-left marks": "\u200fPeru \u202eLima\u202c ",
        "one-line repeated sentence": "The U.S. Southern Command (SOUTHCOM) met Peruvian officials in Lima. ",
        "acronym definitions": "Army Command (AC) ",
        "comma list of countries": "Peru, ",
        "nested parentheses": "((((((((((A)))))))))) ",
    }


def main(small: int = 100_000, large: int = 400_000) -> dict[str, Any]:
    from coopstream.enrich import Enricher, load_knowledge
    from coopstream.schemas import RawArticle

    enricher = Enricher(load_knowledge())
    out: dict[str, Any] = {}
    for name, unit in _cases().items():
        per_char = []
        for size in (small, large):
            text = (unit * (size // len(unit) + 1))[:size]
            start = time.process_time()
            enricher.enrich(RawArticle(id="p", text=text), processed_at="t")
            per_char.append((time.process_time() - start) / size * 1e6)
        out[name] = {"us_per_char_small": round(per_char[0], 2), "us_per_char_large": round(per_char[1], 2),
                     "growth": round(per_char[1] / per_char[0], 2)}
    return out


def report(fig: dict[str, Any]) -> str:
    lines = [f"{'text':<28}{'µs/char 100k':>14}{'µs/char 400k':>14}{'growth':>8}"]
    for name, f in fig.items():
        lines.append(f"{name:<28}{f['us_per_char_small']:>14}{f['us_per_char_large']:>14}{f['growth']:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(main()))
