"""Offline throughput and memory of the enrichment core, beside a baseline core, in the same run.

Articles: the bundled samples and the seed fixture (seed length, about 2-3 KB each), "long"
articles of ten of them joined (about 10x longer), and the bundled samples of each language alone.
One process per measurement, one core, CPU seconds; knowledge loading is timed apart and excluded
from the rates. Each figure is the median of rounds interleaved with the other cores, so that a
noisy machine slows both alike. The baselines:

- JSON decode + encode of the same records, the least any worker must do;
- the core of an earlier commit (``BENCH_BASELINE``, default: the last commit of the first core),
  checked out from git into ``.cache/bench/`` and run on the same records with the same interpreter.

    python bench/core.py [seconds per round]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve()
DEFAULT_BASELINE = "f6f2143"  # the first core (before the pass pipeline and per-language knowledge)
ROUNDS = 3


def _records() -> dict[str, list[bytes]]:
    text = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    arts = [json.loads(line) for line in text.splitlines() if line.strip()]
    seed = (ROOT / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")
    english = [a for a in arts if a.get("language") in (None, "en")]
    english.append({"id": "seed", "text": seed, "published_at": "2023-09-13"})
    sets: dict[str, list[dict[str, Any]]] = {"seed_length": english}
    long = []
    for i in range(len(english)):
        group = [english[(i + k) % len(english)] for k in range(10)]
        long.append({"id": f"long-{i}", "text": "\n\n".join(a["text"] for a in group)})
    sets["10x_length"] = long
    for lang in sorted({a["language"] for a in arts if a.get("language") not in (None, "en")}):
        sets[f"samples_{lang}"] = [a for a in arts if a.get("language") == lang]
    return {name: [json.dumps(a, ensure_ascii=False).encode() for a in recs] for name, recs in sets.items()}


def _rate(fn: Callable[[bytes], Any], records: list[bytes], seconds: float) -> float:
    """Records per CPU second over at least ``seconds`` (after one warm-up pass)."""
    import time

    for r in records:
        fn(r)
    done, spent = 0, 0.0
    while spent < seconds or done < 3 * len(records):
        start = time.process_time()
        for r in records:
            fn(r)
        spent += time.process_time() - start
        done += len(records)
    return done / spent


def child(records_file: str, seconds: float) -> dict[str, Any]:
    """Measure the ``coopstream`` the interpreter imports (this tree's or a baseline's)."""
    import resource
    import time

    from coopstream.codec import decode_article, encode_event
    from coopstream.enrich import Enricher, load_knowledge

    sets = json.loads(Path(records_file).read_text(encoding="utf-8"))
    t0 = time.process_time()
    enricher = Enricher(load_knowledge())
    load_s = time.process_time() - t0
    fast = getattr(enricher, "enrich_json", None)

    def enrich(raw: bytes) -> bytes:
        article = decode_article(raw)
        if fast is not None:
            return fast(article, processed_at="2026-01-01T00:00:00Z")  # type: ignore[no-any-return]
        return encode_event(enricher.enrich(article, processed_at="2026-01-01T00:00:00Z"))

    def baseline(raw: bytes) -> bytes:
        return json.dumps(json.loads(raw), ensure_ascii=False).encode()

    out: dict[str, Any] = {"knowledge_load_s": round(load_s, 3)}
    for name, recs in sets.items():
        records = [r.encode() for r in recs]
        out[name] = {
            "articles_per_s": _rate(enrich, records, seconds),
            "json_per_s": _rate(baseline, records, seconds / 4),
            "mean_bytes": statistics.mean(len(r) for r in records),
        }
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _baseline_tree(ref: str) -> Path | None:
    """The baseline commit's tree under .cache/bench/ (extracted once with git archive)."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    tree = ROOT / ".cache" / "bench" / sha[:12]
    if not (tree / "workers" / "coopstream").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "archive", sha, "workers", "schemas"], cwd=ROOT, check=True, stdout=tar)
            tar.seek(0)
            with tarfile.open(fileobj=tar) as archive:
                archive.extractall(tree, filter="data")
    return tree


def _run_child(tree: Path | None, records_file: str, seconds: float) -> dict[str, Any]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "workers")
    proc = subprocess.run(
        [sys.executable, str(CHILD), "--child", records_file, str(seconds)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(seconds: float = 3.0) -> dict[str, Any]:
    sets = _records()
    ref = os.environ.get("BENCH_BASELINE", DEFAULT_BASELINE)
    tree = _baseline_tree(ref)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({k: [r.decode() for r in v] for k, v in sets.items()}, fh, ensure_ascii=False)
        records_file = fh.name
    runs: dict[str, list[dict[str, Any]]] = {"current": [], "baseline": []}
    try:
        for _ in range(ROUNDS):
            runs["current"].append(_run_child(None, records_file, seconds))
            if tree is not None:
                runs["baseline"].append(_run_child(tree, records_file, seconds))
    finally:
        os.unlink(records_file)
    out: dict[str, Any] = {"baseline_ref": ref if tree is not None else None, "rounds": ROUNDS}
    cur = runs["current"]
    out["knowledge_load_s"] = statistics.median(r["knowledge_load_s"] for r in cur)
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in cur)
    for name in sets:
        rate = statistics.median(r[name]["articles_per_s"] for r in cur)
        fig: dict[str, Any] = {
            "mean_bytes": round(cur[0][name]["mean_bytes"]),
            "articles_per_s": round(rate, 1),
            "ms_per_article": round(1000 / rate, 2),
            "ratio_to_json": round(rate / statistics.median(r[name]["json_per_s"] for r in cur), 5),
        }
        base = [r[name]["articles_per_s"] for r in runs["baseline"] if name in r]
        if base:
            fig["baseline_per_s"] = round(statistics.median(base), 1)
            fig["ratio_to_baseline"] = round(rate / statistics.median(base), 2)
        out[name] = fig
    return out


def report(fig: dict[str, Any]) -> str:
    base = fig.get("baseline_ref")
    lines = [
        f"knowledge load: {fig['knowledge_load_s']} s; peak RSS {fig['peak_rss_mb']} MB; "
        f"baseline core: {base or 'not available (no git history)'}; median of {fig['rounds']} interleaved rounds",
        f"{'articles':<14}{'bytes':>8}{'art/s':>10}{'ms/art':>9}{'baseline/s':>12}{'x baseline':>12}{'x json':>10}",
    ]
    for name, f in fig.items():
        if not isinstance(f, dict):
            continue
        lines.append(
            f"{name:<14}{f['mean_bytes']:>8}{f['articles_per_s']:>10}{f['ms_per_article']:>9}"
            f"{f.get('baseline_per_s', '-'):>12}{f.get('ratio_to_baseline', '-'):>12}{f['ratio_to_json']:>10}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], float(sys.argv[3]))))
    else:
        figures = main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
        print(report(figures))
