"""The worker's image, really built and run: deploy/Dockerfile on a Debian base made here, the container
read-only as its non-root user against the test broker on the host network; /healthz, the sample
articles through Kafka and through ``enrich``, and SIGTERM within the drain timeout.

Skipped, with the reason, where no Docker engine can be had (see ``support.container``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopstream.dev.broker import DevBroker, free_port
from support.articles import ids_of, sample_articles
from support.container import CACHE_DIR, IMAGE, Engine, Unavailable, base_image, build_context, engine
from support.logs import json_lines
from support.paths import SAMPLES
from support.stack import Stack
from support.waiting import wait_for

pytestmark = [pytest.mark.deploy, pytest.mark.integration]

DRAIN_TIMEOUT_S = 10.0
USER = "10001:10001"


@pytest.fixture(scope="module")
def docker() -> Iterator[Engine]:
    try:
        with engine() as started:
            yield started
    except Unavailable as exc:
        pytest.skip(f"no Docker engine: {exc}")


@pytest.fixture(scope="module")
def image(docker: Engine, tmp_path_factory: pytest.TempPathFactory) -> str:
    try:
        base = base_image(docker)
        context = build_context(tmp_path_factory.mktemp("image-context"))
    except Unavailable as exc:
        pytest.skip(f"cannot build the image here: {exc}")
    started = time.monotonic()
    docker.run(
        "build",
        "--network=host",
        "--file",
        str(context / "deploy" / "Dockerfile"),
        "--build-arg",
        f"BASE_IMAGE={base}",
        "--tag",
        IMAGE,
        str(context),
        timeout=900,
    )
    docker.timings["build_s"] = time.monotonic() - started
    return IMAGE


def _http(port: int, path: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def test_the_image_runs_read_only_as_its_user_against_the_broker(
    docker: Engine, image: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    broker: DevBroker = request.getfixturevalue("broker")  # only once there is an image to run
    inspect = json.loads(docker.run("image", "inspect", image).stdout)[0]
    assert inspect["Config"]["User"] == USER
    size_mb = inspect["Size"] / 1e6
    stack = Stack.new(broker, tmp_path, partitions=2)
    stack.create_topics()
    port = free_port()
    env = stack.env(metrics_port=str(port), drain_timeout_s=str(DRAIN_TIMEOUT_S))
    settings = [f"--env={k}={v}" for k, v in env.items() if k.startswith("COOPSTREAM_")]
    name = f"coopstream-test-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    docker.run(
        "run",
        "--detach",
        f"--name={name}",
        "--network=host",
        "--read-only",
        "--tmpfs=/tmp",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges:true",
        *settings,
        image,
        "run",
    )
    try:
        logs = lambda: _logs(docker, name)  # noqa: E731
        wait_for(lambda: _http(port, "/healthz") == 200, 60, "/healthz of the container", detail=logs)
        wait_for(lambda: _http(port, "/readyz") == 200, 90, "/readyz of the container", detail=logs)
        ready_s = time.monotonic() - started
        top = docker.run("top", name, "-o", "pid,uid,args").stdout.decode()
        assert any(line.split()[1] == "10001" and "coopstream" in line for line in top.splitlines()[1:]), top
        articles = sample_articles()
        stack.produce_articles(articles)
        events = stack.read([stack.enriched], len(articles), timeout=120)
        assert sorted(ids_of(events)) == sorted(a["id"] for a in articles)
        signalled = time.monotonic()
        docker.run("kill", "--signal=TERM", name)
        code = int(docker.run("wait", name, timeout=DRAIN_TIMEOUT_S + 30).stdout.decode().strip())
        stop_s = time.monotonic() - signalled
        output = _logs(docker, name)
    finally:
        docker.run("rm", "--force", name, check=False)
    assert code == 0, output
    assert stop_s < DRAIN_TIMEOUT_S, f"took {stop_s:.1f}s to stop"
    stopped = [line for line in json_lines(output) if line.get("event") == "worker stopped"]
    assert stopped and stopped[-1]["exit_code"] == 0 and stopped[-1]["reason"] == "SIGTERM", output[-2000:]
    assert not [line for line in json_lines(output) if line.get("level") == "error"], output[-2000:]
    _report(docker, size_mb=round(size_mb, 1), start_to_ready_s=round(ready_s, 2), sigterm_to_exit_s=round(stop_s, 2))


def test_the_image_enriches_the_samples_offline(docker: Engine, image: str) -> None:
    samples = SAMPLES.read_bytes()
    proc = docker.run(
        "run",
        "--rm",
        "--interactive",
        "--network=none",
        "--read-only",
        "--cap-drop=ALL",
        image,
        "enrich",
        "-",
        stdin=samples,
    )
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    expected = [json.loads(line)["id"] for line in samples.splitlines() if line.strip()]
    assert [e["article_id"] for e in events] == expected
    assert proc.stderr.decode().strip().endswith(f"{len(expected)} event(s), 0 rejected line(s)")


def _logs(docker: Engine, name: str) -> str:
    proc = docker.run("logs", name, check=False)
    return (proc.stdout + proc.stderr).decode(errors="replace")


def _report(docker: Engine, **figures: float) -> None:
    """The run's figures, for the notes: printed, and kept in .cache/container/last-run.json."""
    record = {**figures, **{k: round(v, 1) for k, v in docker.timings.items()}}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    (CACHE_DIR / "last-run.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"container: {record}")
