"""structlog, configured once at start-up: JSON lines when not on a terminal, colours on one.

Records from the standard library's ``logging`` (kafka-python's among them) go through the
same renderer, so one process writes one format. Context bound with
``structlog.contextvars.bound_contextvars`` (topic, partition, offset, article id) lands on
every line logged inside it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal, TextIO

import structlog
import structlog.tracebacks
from structlog.typing import Processor

LogFormat = Literal["auto", "json", "console"]
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_HANDLER_NAME = "coopstream"


def wants_json(fmt: LogFormat, stream: TextIO) -> bool:
    """``auto`` means JSON unless the stream is a terminal."""
    if fmt == "auto":
        isatty = getattr(stream, "isatty", None)
        return not (callable(isatty) and isatty())
    return fmt == "json"


def configure_logging(fmt: LogFormat = "auto", level: str = "info", stream: TextIO | None = None) -> None:
    """Set up structlog and the standard library's root logger; calling it again replaces the set-up."""
    out = stream if stream is not None else sys.stderr
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor
    if wants_json(fmt, out):
        renderer = structlog.processors.JSONRenderer()
        # tracebacks as data, without the frames' local variables (they may hold article text)
        shared.append(
            structlog.processors.ExceptionRenderer(structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
        )
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=_colour(out))
    structlog.configure(
        # a call below the level is dropped first, before any processor has run on it
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(out)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = _LEVELS.get(level, logging.INFO)
    root.setLevel(numeric)
    # kafka-python is chatty at info (every connection, every rebalance step); keep its warnings.
    logging.getLogger("kafka").setLevel(logging.DEBUG if numeric == logging.DEBUG else logging.WARNING)


def _colour(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty())


def get_logger(name: str = "coopstream", **context: Any) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger.bind(**context) if context else logger
