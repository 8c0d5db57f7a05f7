"""The README's example event: the seed fixture through the record step ``coopstream enrich`` uses,
abridged for reading (one mention per entity, three entities, two themes with one piece of evidence,
one engagement with its evidence shortened), with a fixed ``processed_at``.

    python tools/readme_example.py           print it
    python tools/readme_example.py --check   exit 1 (with the differences) when the README's block differs
    python tools/readme_example.py --write   replace the README's block with it

``tests/unit/test_readme.py`` runs ``--check``, so the ``event_id`` and the knowledge digest in the
README stay those of the code.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SEED = ROOT / "tests" / "fixtures" / "seed.txt"
PROCESSED_AT = "2026-11-26T14:00:00.000Z"
KEEP_ENTITIES = ("Lima", "U.S. Southern Command", "Laura Richardson")
BLOCK = re.compile(r"(exactly as `coopstream enrich` prints it:\n\n```json\n)(.*?)(\n```)", re.DOTALL)


def full_event() -> dict[str, Any]:
    from coopstream.codec import DEFAULT_MAX_BYTES
    from coopstream.observability.logs import configure_logging
    from coopstream.step import RecordStep, Topics, load_enrichment
    from coopstream.stream.ports import NO_PARTITION, Kind, Record

    configure_logging("console", "error")
    text = SEED.read_text(encoding="utf-8")
    line = json.dumps({"id": "seed", "text": text, "published_at": "2023-09-13", "source": "dvidshub.net"})
    step = RecordStep(load_enrichment(), Topics("out", "engagements", "dlq"), DEFAULT_MAX_BYTES, lambda: PROCESSED_AT)
    outcome = step.handle(Record("-", NO_PARTITION, 1, None, line.encode()))
    (event,) = [m.value for m in outcome.messages if m.kind is Kind.EVENT]
    parsed: dict[str, Any] = json.loads(event)
    return parsed


def abridged(event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    out["entities"] = [
        {**e, "mentions": e["mentions"][:1]} for name in KEEP_ENTITIES for e in event["entities"] if e["name"] == name
    ]
    out["themes"] = [{**t, "evidence": t["evidence"][:1]} for t in event["themes"][:2]]
    out["engagements"] = [
        {**g, "evidence": {**g["evidence"], "text": g["evidence"]["text"][:60] + "..."}}
        for g in event["engagements"][:1]
    ]
    return out


def _inline(value: Any) -> bool:
    if isinstance(value, dict):
        return not value or set(value) == {"start", "end", "text"}
    if isinstance(value, list):
        return all(not isinstance(item, dict | list) for item in value)
    return True


def render(value: Any, depth: int = 0) -> str:
    """JSON with two-space indents, spans and lists of plain values on one line."""
    if _inline(value):
        return json.dumps(value, ensure_ascii=False)
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {render(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    return "[\n" + ",\n".join(f"{inner}{render(v, depth + 1)}" for v in value) + f"\n{pad}]"


def example() -> str:
    return render(abridged(full_event()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="compare with the README's block")
    group.add_argument("--write", action="store_true", help="replace the README's block")
    args = parser.parse_args(argv)
    text = example()
    if not (args.check or args.write):
        print(text)
        return 0
    readme = README.read_text(encoding="utf-8")
    found = BLOCK.search(readme)
    if found is None:
        print(f"{README}: no example block found", file=sys.stderr)
        return 1
    if args.write:
        README.write_text(readme[: found.start(2)] + text + readme[found.end(2) :], encoding="utf-8")
        return 0
    if found.group(2) == text:
        return 0
    diff = difflib.unified_diff(found.group(2).splitlines(), text.splitlines(), "README.md", "the code", lineterm="")
    print("\n".join(diff), file=sys.stderr)
    hint = "run python tools/readme_example.py --write"
    print(f"the README's example event differs from the code: {hint}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
