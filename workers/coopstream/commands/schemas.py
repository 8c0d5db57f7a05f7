"""``coopstream schemas write|check``: the JSON Schemas generated from the message models, in a checkout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopstream.exits import EXIT_ERROR, EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "schemas",
        help="write or check the JSON Schemas generated from the message models",
        description="In a checkout of coopstream: write the JSON Schemas the message models generate into the "
        "schemas folder, or check that the files there are what the models generate.",
    )
    p.add_argument("action", choices=["write", "check"], help="write the files, or check them")
    p.add_argument("--dir", default="schemas", help="folder of the JSON Schema files (default: schemas)")
    p.set_defaults(func=cmd_schemas, parser=p)


def cmd_schemas(args: argparse.Namespace) -> int:
    from coopstream.schemas.generate import MODELS, check_schemas, write_schemas

    folder = Path(args.dir)
    if args.action == "write":
        for path in write_schemas(folder):
            print(f"wrote {path}")
        return EXIT_OK
    missing = [name for name in MODELS if not (folder / name).is_file()]
    if missing:
        where = f"{folder.resolve()}" if folder.is_dir() else f"{folder} (no such folder here)"
        print(
            f"coopstream schemas check: {', '.join(missing)} missing in {where}; run it from a checkout of "
            "coopstream, or pass --dir with the folder of the schema files",
            file=sys.stderr,
        )
        return EXIT_ERROR
    stale = check_schemas(folder)
    for name in stale:
        print(f"{folder / name}: differs from the models; run 'make schemas'", file=sys.stderr)
    if not stale:
        print(f"{len(MODELS)} schema files in {folder} match the models")
    return EXIT_ERROR if stale else EXIT_OK
