#!/usr/bin/env python3
"""Regenerate the example messages of schemas/asyncapi.yaml from the code.

The examples are real outputs: the example article below enriched by the packaged knowledge, its
engagement records and headers as the worker publishes them, and the dead letter the worker
makes of a truncated record. They sit between marker comments in the document; everything else
in it is written by hand. Run this after a change of the message models or of the enrichment
(the deploy tests validate the examples against the JSON Schemas, so a model change that makes
them invalid fails there first):

    .venv/bin/python deploy/tools/asyncapi_examples.py            # rewrite the examples
    .venv/bin/python deploy/tools/asyncapi_examples.py --check    # exit 1 when they differ

Needs the project installed (the virtualenv) and PyYAML (deploy/tools/install-checkers.sh).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "schemas" / "asyncapi.yaml"
FIXED_TIME = "2025-03-04T10:15:02.481Z"
INDENT = 8

ARTICLE = {
    "id": "example-001",
    "title": "AFRICOM commander meets Ghanaian defence leaders",
    "url": "https://news.example.org/2025/03/04/africom-ghana",
    "source": "example",
    "published_at": "2025-03-04",
    "text": "ACCRA, Ghana (March 4, 2025) -- U.S. Air Force Gen. Thomas Harlow, commander of U.S. Africa Command "
    "(AFRICOM), met with Ghana Armed Forces leaders in Accra to discuss maritime security in the Gulf of Guinea "
    "and counterterrorism cooperation.",
}
TRUNCATED = b'{"id": "example-002", "text": '


def examples() -> dict[str, list[dict[str, Any]]]:
    """The examples of each message of the document, by message id."""
    from coopstream.enrich import Enricher, load_knowledge
    from coopstream.observability import configure_logging
    from coopstream.schemas import RawArticle
    from coopstream.step import RecordStep, Topics, event_messages
    from coopstream.stream.ports import Kind, Record

    configure_logging("console", "error")  # the dead letter below is on purpose
    event = Enricher(load_knowledge()).enrich(RawArticle(**ARTICLE), processed_at=FIXED_TIME)
    topics = Topics("articles.enriched", "cooperation.engagements", "articles.dlq")
    sent = {m.kind: m for m in reversed(event_messages(event, topics))}  # the first engagement record
    record = Record("articles.raw", 2, 1187, b"example-002", TRUNCATED, (("source", b"scraper-7"),), 1741083301000)
    letter = RecordStep(lambda *_: event, topics, 5 * 1024 * 1024).handle(record).messages[0]

    def message(name: str, summary: str, outgoing: Any, **fixed: str) -> dict[str, Any]:
        payload = {**json.loads(outgoing.value), **fixed}
        headers = {key: value.decode() for key, value in outgoing.headers}
        return {"name": name, "summary": summary, "headers": headers, "payload": payload}

    found = {
        "rawArticle": [{"name": "article", "summary": "An article as a scraper publishes it", "payload": ARTICLE}],
        "enrichedEvent": [message("event", "The enriched event of the example article", sent[Kind.EVENT])],
        "deadLetter": [
            message("truncatedJson", "A record whose value is cut short (not JSON)", letter, failed_at=FIXED_TIME)
        ],
    }
    if Kind.ENGAGEMENT in sent:
        first = sent[Kind.ENGAGEMENT]
        summary = "The first engagement found in the example article"
        found["engagementRecord"] = [message("firstEngagement", summary, first)]
    return found


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v))


def block(items: list[dict[str, Any]]) -> str:
    text = yaml.dump(items, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "".join((" " * INDENT + line if line.strip() else "") + "\n" for line in text.splitlines())


def render(document: str, found: dict[str, list[dict[str, Any]]]) -> str:
    for message_id, items in found.items():
        begin = " " * INDENT + f"# >>> examples of {message_id}: deploy/tools/asyncapi_examples.py\n"
        end = " " * INDENT + f"# <<< examples of {message_id}\n"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(document):
            raise ValueError(f"no markers for the examples of {message_id} in {DOCUMENT.name}")
        replacement = begin + block(items) + end
        document = pattern.sub(lambda _, text=replacement: text, document, count=1)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when the examples differ")
    parser.add_argument("--document", type=Path, default=DOCUMENT)
    args = parser.parse_args(argv)
    current = args.document.read_text(encoding="utf-8")
    wanted = render(current, examples())
    if args.check:
        if wanted != current:
            print(
                f"{args.document}: examples differ from what the code produces; run {Path(__file__).name}",
                file=sys.stderr,
            )
            return 1
        print(f"{args.document}: examples up to date")
        return 0
    args.document.write_text(wanted, encoding="utf-8")
    print(f"wrote the examples of {args.document}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
