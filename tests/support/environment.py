"""Every test runs with the ``COOPSTREAM_*`` variables of the caller's shell removed, and with the
environment as it was restored afterwards, whatever the test changed."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

PREFIX = "COOPSTREAM_"


@pytest.fixture(autouse=True)
def isolated_environment() -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.upper().startswith(PREFIX)]:
        del os.environ[name]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
