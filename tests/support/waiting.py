"""Waiting for a condition, the one way the tests do it."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    every: float = 0.1,
    detail: Callable[[], str] | None = None,
) -> float:
    """Seconds until ``condition()`` held; AssertionError naming ``what`` (and ``detail()``) after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(every)
    extra = f"\n{detail()}" if detail is not None else ""
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{extra}")
