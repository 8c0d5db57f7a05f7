"""Print the README's example event: the seed fixture enriched, abridged for reading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    text = (ROOT / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")
    line = json.dumps({"id": "seed", "text": text, "published_at": "2023-09-13", "source": "dvidshub.net"})
    out = subprocess.run(
        [sys.executable, "-m", "coopstream", "enrich", "-"], input=line.encode(), capture_output=True, check=True
    ).stdout
    ev = json.loads(out)
    ents = ev["entities"]
    for e in ents:
        e["mentions"] = e["mentions"][:1]
    keep = {"Laura Richardson", "U.S. Southern Command", "Lima"}
    ev["entities"] = [e for e in ents if e["name"] in keep]
    ev["countries"] = ev["countries"]
    ev["themes"] = [dict(t, evidence=t["evidence"][:1]) for t in ev["themes"][:2]]
    for g in ev["engagements"]:
        g["evidence"]["text"] = g["evidence"]["text"][:60] + "..."
    ev["engagements"] = ev["engagements"][:1]
    ev["dateline"]["span"]["text"] = ev["dateline"]["span"]["text"]
    print(json.dumps(ev, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
