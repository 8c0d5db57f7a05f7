"""The ``coopstream`` command line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from coopstream import __version__
from coopstream.codec import DEFAULT_MAX_BYTES, dead_letter, decode_article, encode_event, utc_now
from coopstream.errors import CoopstreamError, EnrichmentFailed, RecordError

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CONFIG = 3


def _enrich_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "enrich",
        help="enrich raw articles offline: JSON Lines in, JSON Lines out",
        description="Read raw articles as JSON Lines from FILE (or - for standard input) and print one enriched "
        "event per line, in the same order. A line that cannot be processed gives a dead-letter record on "
        "standard error (or in --errors FILE) and the run goes on.",
    )
    p.add_argument("input", nargs="?", default="-", metavar="FILE|-", help="JSON Lines of raw articles (default: -)")
    p.add_argument("--errors", metavar="FILE", help="write dead-letter records here instead of standard error")
    p.add_argument(
        "--knowledge-dir",
        metavar="DIR",
        default=os.environ.get("COOPSTREAM_KNOWLEDGE_DIR"),
        help="folder of knowledge files replacing the packaged ones [env COOPSTREAM_KNOWLEDGE_DIR]",
    )
    p.add_argument(
        "--themes-file",
        metavar="FILE",
        default=os.environ.get("COOPSTREAM_THEMES_FILE"),
        help="theme cue file replacing the packaged one [env COOPSTREAM_THEMES_FILE]",
    )
    p.add_argument(
        "--max-record-bytes",
        type=int,
        metavar="N",
        default=int(os.environ.get("COOPSTREAM_MAX_RECORD_BYTES", DEFAULT_MAX_BYTES)),
        help=f"longer lines are rejected [env COOPSTREAM_MAX_RECORD_BYTES; default {DEFAULT_MAX_BYTES}]",
    )
    p.add_argument("--no-progress", action="store_true", help="never draw the progress bar")
    p.set_defaults(func=cmd_enrich)


def _schemas_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schemas", help="write or check the JSON Schemas generated from the message models")
    p.add_argument("action", choices=["write", "check"])
    p.add_argument("--dir", default="schemas", help="folder of the JSON Schema files (default: schemas)")
    p.set_defaults(func=cmd_schemas)


def _path_or_die(value: str | None, what: str, want_dir: bool) -> Path | None:
    if value is None or value == "":
        return None
    path = Path(value)
    ok = path.is_dir() if want_dir else path.is_file()
    if not ok:
        raise CoopstreamError(f"{what}: {value} is not a {'folder' if want_dir else 'file'}")
    return path


def cmd_enrich(args: argparse.Namespace) -> int:
    from coopstream.enrich import Enricher, load_knowledge

    if args.max_record_bytes < 1:
        raise CoopstreamError("--max-record-bytes: must be a positive number of bytes")
    knowledge = load_knowledge(
        _path_or_die(args.knowledge_dir, "--knowledge-dir", True),
        _path_or_die(args.themes_file, "--themes-file", False),
    )
    enricher = Enricher(knowledge)
    if args.input == "-":
        source: IO[bytes] = sys.stdin.buffer
        total = 0
    else:
        path = Path(args.input)
        if not path.is_file():
            raise CoopstreamError(f"input: {args.input} is not a file")
        source = path.open("rb")
        total = path.stat().st_size
    errors: IO[str] = open(args.errors, "w", encoding="utf-8") if args.errors else sys.stderr  # noqa: SIM115
    show = total > 0 and sys.stderr.isatty() and not args.no_progress
    progress = _Progress(total) if show else None
    out = sys.stdout.buffer
    try:
        for n, line in enumerate(_lines(source, progress), 1):
            if not line.strip():
                continue
            try:
                article = decode_article(line.rstrip(b"\r\n"), args.max_record_bytes)
                try:
                    event = enricher.enrich(article, processed_at=utc_now())
                except Exception as exc:  # a bug in the enrichment must not stop the run
                    raise EnrichmentFailed(f"{type(exc).__name__}: {exc}") from exc
            except RecordError as exc:
                letter = dead_letter(exc, line.rstrip(b"\r\n"), topic=args.input, offset=n)
                errors.write(letter.model_dump_json() + "\n")
                errors.flush()
                continue
            out.write(encode_event(event) + b"\n")
        out.flush()
    finally:
        if progress:
            progress.done()
        if args.errors:
            errors.close()
        if source is not sys.stdin.buffer:
            source.close()
    return EXIT_OK


def _lines(source: IO[bytes], progress: _Progress | None) -> Iterator[bytes]:
    for line in source:
        if progress:
            progress.advance(len(line))
        yield line


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


def cmd_schemas(args: argparse.Namespace) -> int:
    from coopstream.schemas.generate import check_schemas, write_schemas

    folder = Path(args.dir)
    if args.action == "write":
        for path in write_schemas(folder):
            print(f"wrote {path}")
        return EXIT_OK
    stale = check_schemas(folder)
    for name in stale:
        print(f"{folder / name}: differs from the models; run 'make schemas'", file=sys.stderr)
    return 1 if stale else EXIT_OK


_LIGHT_COMMANDS = ("enrich", "schemas")


def build_parser(with_stream: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopstream",
        description="Structured events from defence and security-cooperation news, offline or on Kafka.",
    )
    parser.add_argument("--version", action="version", version=f"coopstream {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _enrich_parser(sub)
    for register in _stream_commands() if with_stream else []:
        register(sub)
    _schemas_parser(sub)
    return parser


def _stream_commands() -> list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]]:
    try:
        from coopstream.stream.commands import COMMANDS
    except ImportError:
        return []
    return list(COMMANDS)


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    command = next((a for a in args_in if not a.startswith("-")), None)
    # the offline commands start without loading the Kafka client (start-up time)
    parser = build_parser(with_stream=command not in _LIGHT_COMMANDS)
    args = parser.parse_args(args_in)
    try:
        code: int = args.func(args)
    except CoopstreamError as exc:
        print(f"coopstream: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
