"""The broker's jars: fetched once from Maven Central through the machine's ``mvn`` into a cache."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from coopstream.errors import BrokerError

KAFKA_VERSION = "4.3.1"
POM = Path(__file__).with_name("pom.xml")
MARKER = ".fetched.json"
LOG_TAIL = 30

INSTALL_HINTS = {
    "java": "install a Java 17+ runtime (Debian: openjdk-17-jre-headless)",
    "mvn": "install Apache Maven (Debian: maven)",
}


def cache_dir() -> Path:
    """``$COOPSTREAM_CACHE_DIR``, else ``<cwd>/.cache/coopstream``."""
    env = os.environ.get("COOPSTREAM_CACHE_DIR")
    return Path(env) if env else Path.cwd() / ".cache" / "coopstream"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BrokerError(f"{tool} not found: {INSTALL_HINTS[tool]}")
    return path


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _is_complete(libs: Path) -> bool:
    try:
        marker = json.loads((libs / MARKER).read_text())
    except (OSError, ValueError):
        return False
    jars = marker.get("jars") or []
    return bool(marker.get("pom") == _pom_digest() and jars and all((libs / j).is_file() for j in jars))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run_maven(out: Path) -> None:
    cmd = [
        require("mvn"),
        "-B",
        "-q",
        "-ntp",
        "-Dstyle.color=never",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={out}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-LOG_TAIL:])
        raise BrokerError(f"maven could not fetch Kafka {KAFKA_VERSION} (exit {proc.returncode}):\n{tail}")


def fetch(cache: Path | None = None) -> Path:
    """Fetch the broker's jars once into ``<cache>/libs`` and return that folder."""
    cache = cache or cache_dir()
    libs = cache / "libs"
    if _is_complete(libs):
        return libs
    require("java")
    with _locked(cache / ".fetch.lock"):
        if _is_complete(libs):
            return libs
        partial = cache / "libs.partial"
        shutil.rmtree(partial, ignore_errors=True)
        _run_maven(partial)
        jars = sorted(p.name for p in partial.glob("*.jar"))
        if not any(j.startswith(f"kafka_2.13-{KAFKA_VERSION}") for j in jars):
            raise BrokerError(f"maven finished but no kafka_2.13-{KAFKA_VERSION} jar is in {partial}")
        (partial / MARKER).write_text(json.dumps({"pom": _pom_digest(), "jars": jars}, indent=1))
        shutil.rmtree(libs, ignore_errors=True)
        partial.rename(libs)
    return libs
