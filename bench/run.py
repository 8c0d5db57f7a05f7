"""`make bench`: every benchmark, each against its own baseline measured in the same run.

1. the enrichment core offline (articles per CPU second on one core, seed-length and 10x
   longer articles, peak memory), against JSON decode + encode of the same records;
2. hostile texts, time per character at two sizes (linearity);
3. end to end through a local Apache Kafka broker (bench/e2e.py): the offline core, the bare
   kafka-python loop with and without crc32c, and the worker with 1 and 2 enrichment processes,
   with the latency at half each worker's rate.

Figures are written to bench/results/latest.json as well.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import core  # noqa: E402
import pathological  # noqa: E402


def main() -> int:
    results: dict[str, object] = {}
    print("== enrichment core, offline (one process, CPU seconds) ==")
    results["core"] = fig = core.main()
    print(core.report(fig))
    print("\n== hostile texts ==")
    results["pathological"] = fig = pathological.main()
    fig["big"] = pathological.big_articles()
    print(pathological.report(fig))
    if "--no-e2e" not in sys.argv:
        import e2e

        print("\n== end to end through Apache Kafka ==")
        results["e2e"] = e2e.main()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures written to {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
