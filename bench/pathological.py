"""Worst cases of the enrichment core: time per character on hostile texts, and big articles.

No regular expression may backtrack catastrophically and no pass may grow faster than the text:
each hostile case is run at two sizes and the ratio of the per-character times is printed (about 1
means linear). Big articles (ordinary articles joined, as a 5 MiB record allows) are each enriched
in a process of their own, which reports its CPU seconds and its peak resident memory.
"""

from __future__ import annotations

import html.entities
import json
import subprocess
import sys
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
        out[name] = {
            "us_per_char_small": round(per_char[0], 2),
            "us_per_char_large": round(per_char[1], 2),
            "growth": round(per_char[1] / per_char[0], 2),
        }
    return out


BIG_SIZES = (500_000, 2_000_000, 5_000_000)


def _big_child(size: int) -> dict[str, Any]:
    """One big article in this process: CPU seconds of the enrichment and the process's peak memory."""
    import resource

    from coopstream.codec import decode_article
    from coopstream.enrich import Enricher, load_knowledge

    enricher = Enricher(load_knowledge())
    sample = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in sample.splitlines() if line.strip()]
    parts, n = [], 0
    while n < size:
        parts.append(texts[len(parts) % len(texts)])
        n += len(parts[-1]) + 2
    record = json.dumps({"id": "big", "text": "\n\n".join(parts)[:size]}).encode()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    out = enricher.enrich_json(decode_article(record, max_bytes=len(record) + 1), processed_at="t")
    cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "chars": size,
        "cpu_s": round(cpu, 2),
        "us_per_char": round(cpu / size * 1e6, 2),
        "peak_rss_mb": round(peak / 1024),
        "rss_before_mb": round(rss_before / 1024),
        "event_mb": round(len(out) / 1e6, 2),
    }


def big_articles() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size in BIG_SIZES:
        proc = subprocess.run(
            [sys.executable, __file__, "--big", str(size)], check=True, capture_output=True, text=True
        )
        out[f"{size // 1000} KB"] = json.loads(proc.stdout.strip().splitlines()[-1])
    first, last = out[f"{BIG_SIZES[0] // 1000} KB"], out[f"{BIG_SIZES[-1] // 1000} KB"]
    out["growth_largest_vs_smallest"] = round(last["us_per_char"] / first["us_per_char"], 2)
    return out


def report(fig: dict[str, Any]) -> str:
    lines = [f"{'text':<28}{'µs/char 100k':>14}{'µs/char 400k':>14}{'growth':>8}"]
    for name, f in fig.items():
        if name == "big":
            continue
        lines.append(f"{name:<28}{f['us_per_char_small']:>14}{f['us_per_char_large']:>14}{f['growth']:>8}")
    big = fig.get("big")
    if big:
        lines.append(f"\n{'big article':<14}{'CPU s':>8}{'µs/char':>9}{'peak RSS MB':>13}{'event MB':>10}")
        for name, f in big.items():
            if isinstance(f, dict):
                lines.append(f"{name:<14}{f['cpu_s']:>8}{f['us_per_char']:>9}{f['peak_rss_mb']:>13}{f['event_mb']:>10}")
        lines.append(f"time per character, largest against smallest: {big['growth_largest_vs_smallest']}x")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--big":
        print(json.dumps(_big_child(int(sys.argv[2]))))
    else:
        figures = main()
        figures["big"] = big_articles()
        print(report(figures))
