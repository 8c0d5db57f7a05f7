"""A Docker engine for the container test, a Debian base image made from Debian packages, and the
worker's image built on it with wheels made on this machine.

No image registry is reachable from here, so the pinned Python base of ``deploy/Dockerfile`` cannot be
pulled: the base is made with ``mmdebstrap`` (python3 and its venv module) and imported, and its tarball
is kept in ``.cache/container/`` for the next run. Containers on this machine do not trust what the
machine's own trust store trusts, so nothing is installed from the network inside the build: the wheels
are made on the host (``pip wheel``, the base's Python version) and put in ``deploy/wheels`` of the build
context, which the Dockerfile installs with ``--no-index``.

When this machine already runs a Docker engine (``DOCKER_HOST`` or the default socket answers), that one
is used; otherwise ``dockerd`` is started for the session on a socket of its own (``--iptables=false
--bridge=none``: containers use the host network) and stopped at the end. Whatever cannot be had
(``dockerd`` missing, refusing to start, no ``mmdebstrap``) is a ``Unavailable`` with the reason, which
the test turns into a skip.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from support.paths import CACHE, ROOT

CACHE_DIR = CACHE / "container"
SUITE = "bookworm"
BASE_TARBALL = CACHE_DIR / f"debian-{SUITE}-python3.tar"
BASE_IMAGE = f"coopstream-test-base:{SUITE}-python3"
BASE_PACKAGES = "python3,python3-venv,ca-certificates"
BASE_PYTHON = (3, 11)  # bookworm's python3
IMAGE = "coopstream-test:latest"
EXCLUDED_PATHS = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*", "/usr/share/info/*")


class Unavailable(Exception):
    """What the container test needs cannot be had on this machine; the message says why."""


@dataclass
class Engine:
    docker: str
    env: dict[str, str]
    started: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def run(
        self, *args: str, timeout: float = 120.0, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        proc = subprocess.run(
            [self.docker, *args], env=self.env, capture_output=True, timeout=timeout, input=stdin, check=False
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"docker {' '.join(args[:3])} ... exited {proc.returncode}:\n{_text(proc)}")
        return proc

    def answers(self) -> bool:
        try:
            return self.run("info", "--format", "{{.ServerVersion}}", timeout=20, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            return False


def _text(proc: subprocess.CompletedProcess[bytes]) -> str:
    return (proc.stdout + proc.stderr).decode(errors="replace")[-4000:]


def _docker_cli() -> str:
    # Debian's client matches Debian's engine; another client on PATH may speak a newer API only
    for candidate in ("/usr/bin/docker", shutil.which("docker")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise Unavailable("no docker client: apt-get install docker.io (make test-tools does)")


@contextlib.contextmanager
def engine() -> Iterator[Engine]:
    """A Docker engine for the session: the machine's own, else a ``dockerd`` started here and stopped after."""
    docker = _docker_cli()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_BUILDKIT")}
    env["DOCKER_BUILDKIT"] = "0"  # the classic builder: BuildKit would fetch its front end from a registry
    existing = Engine(docker, env)
    if existing.answers():
        yield existing
        return
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        raise Unavailable("dockerd is not installed: apt-get install docker.io (make test-tools does)")
    if os.geteuid() != 0:
        raise Unavailable("dockerd needs root to start here")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / "engine.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Unavailable(f"another test session runs the engine of {CACHE_DIR}") from exc
        workdir = Path(tempfile.mkdtemp(prefix="cs-docker-", dir="/tmp"))  # a short path: the socket lives here
        socket = workdir / "docker.sock"
        log = (workdir / "dockerd.log").open("wb")
        proc = subprocess.Popen(
            [
                dockerd,
                "--iptables=false",
                "--bridge=none",
                f"--host=unix://{socket}",
                f"--data-root={CACHE_DIR / 'docker-data'}",
                f"--exec-root={workdir / 'exec'}",
                f"--pidfile={workdir / 'docker.pid'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        started = Engine(docker, {**env, "DOCKER_HOST": f"unix://{socket}"}, proc, workdir)
        try:
            deadline = time.monotonic() + 60
            while not started.answers():
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = (workdir / "dockerd.log").read_text(errors="replace")[-1500:]
                    raise Unavailable(f"dockerd did not start (exit {proc.poll()}): {tail}")
                time.sleep(0.5)
            yield started
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()
            shutil.rmtree(workdir, ignore_errors=True)


def base_image(engine: Engine) -> str:
    """The Debian base, imported from its cached tarball (made with mmdebstrap the first time)."""
    if engine.run("image", "inspect", BASE_IMAGE, check=False).returncode == 0:
        return BASE_IMAGE
    if not BASE_TARBALL.is_file():
        mmdebstrap = shutil.which("mmdebstrap")
        if mmdebstrap is None:
            raise Unavailable("mmdebstrap is not installed: apt-get install mmdebstrap (make test-tools does)")
        partial = BASE_TARBALL.with_suffix(".partial.tar")
        excludes = [f"--dpkgopt=path-exclude={path}" for path in EXCLUDED_PATHS]
        started = time.monotonic()
        proc = subprocess.run(
            [mmdebstrap, "--variant=minbase", f"--include={BASE_PACKAGES}", *excludes, SUITE, str(partial)],
            capture_output=True,
            timeout=900,
            check=False,
        )
        if proc.returncode != 0:
            partial.unlink(missing_ok=True)
            raise Unavailable(f"mmdebstrap could not make the base: {_text(proc)[-1500:]}")
        partial.rename(BASE_TARBALL)
        engine.timings["base_tarball_s"] = time.monotonic() - started
    started = time.monotonic()
    engine.run("import", str(BASE_TARBALL), BASE_IMAGE, timeout=600)
    engine.timings["base_import_s"] = time.monotonic() - started
    return BASE_IMAGE


def build_context(folder: Path) -> Path:
    """What the Dockerfile copies, and the wheels of the project and its dependencies in deploy/wheels."""
    if sys.version_info[:2] != BASE_PYTHON:
        raise Unavailable(f"the wheels must be made with Python {'.'.join(map(str, BASE_PYTHON))}, the base's")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, folder / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "schemas", folder / "schemas", ignore=ignore)
    shutil.copytree(ROOT / "workers", folder / "workers", symlinks=True, ignore=ignore)
    (folder / "deploy").mkdir()
    shutil.copy2(ROOT / "deploy" / "Dockerfile", folder / "deploy" / "Dockerfile")
    wheels = folder / "deploy" / "wheels"
    wheels.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", f"--wheel-dir={wheels}", "."],
        cwd=folder,
        capture_output=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"pip wheel failed:\n{_text(proc)}")
    return folder
