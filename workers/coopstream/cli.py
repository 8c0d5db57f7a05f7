"""The ``coopstream`` command line: the parser of every subcommand (``coopstream.commands``), and
how a command's failure becomes one line on standard error and an exit code (``coopstream.exits``)."""

from __future__ import annotations

import argparse
import sys

from coopstream import __version__
from coopstream.commands import COMMANDS
from coopstream.errors import CoopstreamError
from coopstream.exits import EXIT_OK, EXIT_SIGNAL_BASE, exit_code_for


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopstream",
        description="Structured events from defence and security-cooperation news, offline or on Kafka.",
    )
    parser.add_argument("--version", action="version", version=f"coopstream {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if unknown:  # argparse would show the top-level usage; the subcommand's own is the useful one
        command_parser: argparse.ArgumentParser = getattr(args, "parser", parser)
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        code: int = args.func(args)
    except CoopstreamError as exc:
        print(f"coopstream {args.command}: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        return EXIT_SIGNAL_BASE + 2
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
