"""The README's example event is what the code makes of the seed article (abridged), ids and digest included."""

from __future__ import annotations

import subprocess
import sys

from support.paths import ROOT


def test_the_readme_example_event_is_regenerated_from_the_code() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "readme_example.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
