"""One daemon thread that processes records for the loop, so that the loop's own thread stays free to keep the
consumer in its group while a record takes long (a pathological text of several megabytes can take half a
minute). Only the loop's thread ever touches the Kafka clients.

The thread is a daemon: a worker that stops while a record is being processed does not wait for it.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Future[Any], contextvars.Context, Callable[[], Any]]


class Offload:
    def __init__(self, name: str = "coopstream-records") -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def run(self, fn: Callable[[], T], wait_s: float, meanwhile: Callable[[], None]) -> T:
        """``fn()`` on the thread, with the caller's context (log bindings); ``meanwhile()`` every ``wait_s``
        seconds until it returns. Its exception is raised here."""
        future: Future[T] = Future()
        self._jobs.put((future, contextvars.copy_context(), fn))
        while True:
            try:
                return future.result(timeout=wait_s)
            except TimeoutError:
                if future.done():  # raised by fn itself
                    raise
                meanwhile()

    def close(self) -> None:
        self._jobs.put(None)

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, context, fn = job
            try:
                future.set_result(context.run(fn))
            except BaseException as exc:  # handed to the caller, which decides
                future.set_exception(exc)
