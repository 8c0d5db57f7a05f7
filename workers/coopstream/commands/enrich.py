"""``coopstream enrich``: raw articles as JSON Lines in, enriched events as JSON Lines out, offline.

Each line goes through the same record step as a record of the worker, so it gives the same event
(byte for byte, ``provenance.processed_at`` aside). The settings come from the same frozen settings
object as the worker's (``--knowledge-dir``, ``--themes-file``, ``--max-record-bytes`` and their
``COOPSTREAM_*`` variables). ``--jobs N`` enriches N lines at a time in child processes (the
order of the output stays the order of the input; ``--record-timeout-s`` then bounds each line).
A line that cannot be used becomes a dead-letter record on standard
error (or in ``--errors FILE``) and the run goes on; the last line on standard error counts the
events and the rejected lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import islice
from typing import IO

from coopstream.config import add_flags, load_settings
from coopstream.exits import EXIT_OK

SETTINGS = ("knowledge_dir", "themes_file", "max_record_bytes", "record_timeout_s")
CHUNK = 512  # lines read ahead and handed to the enrichment processes at a time


def _jobs(value: str) -> int:
    from coopstream.processing import cpu_count

    if value.strip().lower() == "auto":
        return cpu_count()
    if value.isdigit() and 1 <= int(value) <= 64:
        return int(value)
    raise argparse.ArgumentTypeError(f"{value!r} is neither a number of processes from 1 to 64 nor auto")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "enrich",
        help="enrich raw articles offline: JSON Lines in, JSON Lines out",
        description="Read raw articles as JSON Lines from FILE (or - for standard input) and print one enriched "
        "event per line, in the same order. A line that cannot be processed gives a dead-letter record on "
        "standard error (or in --errors FILE) and the run goes on; a count of events and rejected lines ends "
        "standard error.",
    )
    p.add_argument("input", nargs="?", default="-", metavar="FILE|-", help="JSON Lines of raw articles (default: -)")
    p.add_argument("--errors", metavar="FILE", help="write dead-letter records here instead of standard error")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N|auto",
        help="enrich in N child processes, output in the input's order (auto: the cores this process may use; "
        "default 1: in this process)",
    )
    add_flags(p, only=SETTINGS)
    p.add_argument("--no-progress", action="store_true", help="never draw the progress bar")
    p.set_defaults(func=cmd_enrich, parser=p)


def cmd_enrich(args: argparse.Namespace) -> int:
    from coopstream.commands.lines import numbered_lines, open_input
    from coopstream.observability.logs import configure_logging
    from coopstream.processing import StepRecipe, make_processing
    from coopstream.step import Topics
    from coopstream.stream.ports import NO_PARTITION, Kind, Record

    settings = load_settings(args)
    configure_logging("console", "error")  # each rejected line is reported by its dead letter
    topics = Topics(settings.output_topic, settings.engagements_topic, settings.dlq_topic)
    recipe = StepRecipe(topics, settings.max_record_bytes, settings.knowledge_dir, settings.themes_file)
    source, total = open_input(args.input)
    processing = make_processing(recipe, args.jobs, settings.record_timeout_s)
    chunk_size = CHUNK if args.jobs > 1 else 1  # in this process, each line is written as soon as it is read
    errors: IO[str] = open(args.errors, "w", encoding="utf-8") if args.errors else sys.stderr  # noqa: SIM115
    progress = _Progress(total) if total > 0 and sys.stderr.isatty() and not args.no_progress else None
    out = sys.stdout.buffer
    events = rejected = 0
    lines = numbered_lines(source, progress.advance if progress else None)
    try:
        while chunk := [Record(args.input, NO_PARTITION, n, None, line) for n, line in islice(lines, chunk_size)]:
            for outcome in processing.outcomes(chunk, lambda: False, lambda: None):
                for message in outcome.messages:
                    if message.kind is Kind.EVENT:
                        out.write(message.value + b"\n")
                        events += 1
                    elif message.kind is Kind.DEAD_LETTER:
                        errors.write(message.value.decode("utf-8") + "\n")
                        errors.flush()
                        rejected += 1
        out.flush()
    finally:
        processing.close()
        if progress:
            progress.done()
        if args.errors:
            errors.close()
        if source is not sys.stdin.buffer:
            source.close()
    where = f" (in {args.errors})" if args.errors and rejected else ""
    print(f"coopstream enrich: {events} event(s), {rejected} rejected line(s){where}", file=sys.stderr)
    return EXIT_OK


class _Progress:
    """A one-line progress bar on standard error."""

    def __init__(self, total: int) -> None:
        self.total, self.done_bytes, self.start, self.last = total, 0, time.monotonic(), 0.0

    def advance(self, n: int) -> None:
        self.done_bytes += n
        now = time.monotonic()
        if now - self.last >= 0.2:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        frac = min(1.0, self.done_bytes / self.total)
        bar = "#" * int(frac * 30)
        rate = self.done_bytes / max(now - self.start, 1e-6) / 1e6
        sys.stderr.write(f"\r[{bar:<30}] {frac * 100:5.1f}%  {rate:6.2f} MB/s")
        sys.stderr.flush()

    def done(self) -> None:
        self._draw(time.monotonic())
        sys.stderr.write("\n")
