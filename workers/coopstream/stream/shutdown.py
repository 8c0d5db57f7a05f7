"""SIGTERM and SIGINT only flip a flag; the loop sees it, drains, commits and closes.

A second signal while draining exits at once with 128 + the signal number (nothing more is
committed, so nothing is lost: the records not committed are delivered again).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from coopstream.exits import EXIT_SIGNAL_BASE

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class StopFlag:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.requested = False
        self.reason: str | None = None
        self.requested_at: float | None = None
        self._signals = 0
        self._previous: dict[int, _Handler] = {}

    def request(self, reason: str) -> None:
        if not self.requested:
            self.requested, self.reason, self.requested_at = True, reason, self._clock()

    def install(self, signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)) -> StopFlag:
        for sig in signals:
            self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if self._signals > 1:
            os.write(2, f"coopstream: second signal {signal.Signals(signum).name}: exiting at once\n".encode())
            os._exit(EXIT_SIGNAL_BASE + signum)
        self.request(signal.Signals(signum).name)
