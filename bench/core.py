"""Offline throughput and memory of the enrichment core, against a trivial baseline in the same run.

Articles: the bundled samples and the seed fixture (seed length, about 2-3 KB each),
and "long" articles of ten of them joined (about 10x longer). One process, one
core; knowledge loading is timed apart and excluded from the rates. The baseline
is JSON decode + encode of the same records, the least any worker must do.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _records() -> tuple[list[bytes], list[bytes]]:
    text = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    arts = [json.loads(line) for line in text.splitlines() if line.strip()]
    seed = (ROOT / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")
    arts.append({"id": "seed", "text": seed, "published_at": "2023-09-13"})
    short = [json.dumps(a, ensure_ascii=False).encode() for a in arts]
    long = []
    for i in range(len(arts)):
        group = [arts[(i + k) % len(arts)] for k in range(10)]
        joined = {"id": f"long-{i}", "text": "\n\n".join(a["text"] for a in group)}
        long.append(json.dumps(joined, ensure_ascii=False).encode())
    return short, long


def _rate(fn: Callable[[bytes], Any], records: list[bytes], seconds: float) -> tuple[float, float]:
    """Records per second (median of rounds) and the spread between rounds."""
    for r in records:  # warm up
        fn(r)
    rounds = []
    deadline = time.process_time() + seconds
    while time.process_time() < deadline or len(rounds) < 3:
        start = time.process_time()
        for r in records:
            fn(r)
        rounds.append(len(records) / (time.process_time() - start))
    return statistics.median(rounds), (max(rounds) - min(rounds)) / statistics.median(rounds)


def main(seconds: float = 4.0) -> dict[str, Any]:
    from coopstream.codec import decode_article, encode_event
    from coopstream.enrich import Enricher, load_knowledge

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.process_time()
    enricher = Enricher(load_knowledge())
    load_s = time.process_time() - t0
    short, long = _records()

    def baseline(raw: bytes) -> bytes:
        return json.dumps(json.loads(raw), ensure_ascii=False).encode()

    def enrich(raw: bytes) -> bytes:
        return encode_event(enricher.enrich(decode_article(raw), processed_at="2026-01-01T00:00:00Z"))

    out: dict[str, Any] = {"knowledge_load_s": round(load_s, 3)}
    for label, recs in (("seed_length", short), ("10x_length", long)):
        base, _ = _rate(baseline, recs, seconds / 4)
        rate, spread = _rate(enrich, recs, seconds)
        size = statistics.mean(len(r) for r in recs)
        out[label] = {
            "mean_bytes": round(size),
            "articles_per_s": round(rate, 1),
            "ms_per_article": round(1000 / rate, 2),
            "baseline_per_s": round(base, 1),
            "ratio_to_baseline": round(rate / base, 5),
            "spread_between_rounds": round(spread, 3),
        }
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_rss_mb"] = round(peak_kb / 1024, 1)
    out["rss_before_load_mb"] = round(rss0 / 1024, 1)
    return out


def report(fig: dict[str, Any]) -> str:
    lines = [
        f"knowledge load: {fig['knowledge_load_s']} s; peak RSS {fig['peak_rss_mb']} MB "
        f"(interpreter alone {fig['rss_before_load_mb']} MB)",
        f"{'articles':<12}{'bytes':>8}{'art/s':>10}{'ms/art':>9}{'baseline/s':>12}{'ratio':>10}",
    ]
    for label in ("seed_length", "10x_length"):
        f = fig[label]
        lines.append(
            f"{label:<12}{f['mean_bytes']:>8}{f['articles_per_s']:>10}{f['ms_per_article']:>9}"
            f"{f['baseline_per_s']:>12}{f['ratio_to_baseline']:>10}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    figures = main(float(sys.argv[1]) if len(sys.argv) > 1 else 4.0)
    print(report(figures))
