"""The container runs as a non-root user with a read-only root file system, checked on the image
(deploy/Dockerfile) and on both sets of manifests (deploy/k8s, docker-compose.yml), and at run time:
with the image's environment the worker writes nothing outside its working directory, the one
writable place the manifests give it.

Elsewhere, tests/deploy checks the Dockerfile's numeric USER and the Deployment's securityContext
as part of broader property lists; these checks cover every container of every workload, the
Compose services, the writable mount behind the working directory, and what the worker writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from coopstream.dev.broker import free_port
from support.paths import ROOT
from support.security import SecureBroker, tool
from support.stack import Stack

pytestmark = pytest.mark.security

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "docker-compose.yml"
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
IMAGE = "coopstream"  # the image name the manifests use for deploy/Dockerfile


def yaml_lib() -> Any:
    try:
        import yaml
    except ImportError:
        pytest.fail(
            "PyYAML is not installed: run deploy/tools/install-checkers.sh (make test-tools does)", pytrace=False
        )
    return yaml


# ---------------------------------------------------------------------- the image


@dataclass
class FinalStage:
    """What the last stage of a Dockerfile sets for run time."""

    user: str | None = None
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    instructions: list[tuple[str, str]] = field(default_factory=list)


def final_stage(text: str) -> FinalStage:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    stage = FinalStage()
    for line in lines:
        instruction, _, rest = line.partition(" ")
        instruction, rest = instruction.upper(), rest.strip()
        if instruction == "FROM":
            stage = FinalStage()
            continue
        stage.instructions.append((instruction, rest))
        if instruction == "USER":
            stage.user = rest
        elif instruction == "WORKDIR":
            stage.workdir = rest if rest.startswith("/") else f"{stage.workdir.rstrip('/')}/{rest}"
        elif instruction == "ENV":
            stage.env.update(dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)', rest)))
    stage.env = {k: v.strip('"') for k, v in stage.env.items()}
    return stage


def image_problems(text: str) -> list[str]:
    """How the image's last stage could run as root or need to write outside its working directory."""
    stage = final_stage(text)
    problems = []
    match = re.fullmatch(r"(\d+):(\d+)", stage.user or "")
    if match is None:
        problems.append(f"the image does not end on a numeric USER uid:gid (USER {stage.user or '-'})")
    elif int(match.group(1)) == 0 or int(match.group(2)) == 0:
        problems.append(f"the image runs as uid or gid 0 (USER {stage.user})")
    for instruction, args in stage.instructions:
        if instruction in {"COPY", "ADD"} and re.search(r"--(chown|chmod)=", args):
            problems.append(f"the run-time user may own or change the installed code: {instruction} {args}")
        if instruction == "VOLUME":
            problems.append(f"VOLUME {args}: writable places belong to the manifests, not the image")
    if stage.env.get("PYTHONDONTWRITEBYTECODE") != "1":
        problems.append("Python may write byte code next to the code (PYTHONDONTWRITEBYTECODE=1 is missing)")
    if not stage.workdir.startswith("/tmp"):
        problems.append(f"the working directory {stage.workdir} is not the writable /tmp the manifests mount")
    return problems


def test_image_runs_as_non_root_and_writes_only_its_working_directory() -> None:
    assert image_problems(DOCKERFILE.read_text(encoding="utf-8")) == []


def test_image_problems_are_caught() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    for change, expected in (
        (("USER 10001:10001\n", ""), "numeric USER"),
        (("USER 10001:10001\n", "USER 10001:10001\nUSER root\n"), "numeric USER"),
        (("USER 10001:10001\n", "USER 0:10001\n"), "uid or gid 0"),
        (("COPY --from=build", "COPY --chown=10001:10001 --from=build"), "own or change the installed code"),
        (("WORKDIR /tmp\n", "WORKDIR /app\n"), "working directory /app"),
        (("PYTHONDONTWRITEBYTECODE=1", "PYTHONDONTWRITEBYTECODE=0"), "byte code"),
        (("WORKDIR /tmp\n", "WORKDIR /tmp\nVOLUME /data\n"), "VOLUME /data"),
    ):
        assert change[0] in text, change
        problems = "\n".join(image_problems(text.replace(*change)))
        assert expected in problems, f"{change}: {problems or 'nothing reported'}"


# ---------------------------------------------------------------------- Kubernetes


def pod_specs(documents: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for doc in documents:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        if kind not in WORKLOADS:
            continue
        spec = doc["spec"]
        if kind == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        found.append((f"{kind}/{name}", spec if kind == "Pod" else spec["template"]["spec"]))
    return found


def kubernetes_problems(documents: list[dict[str, Any]], workdir: str) -> list[str]:
    """Every container of every workload: non-root, read-only root, no privilege gain, a writable workdir."""
    problems = []
    specs = pod_specs(documents)
    if not specs:
        problems.append("no workload found")
    for where, pod in specs:
        pod_context = pod.get("securityContext") or {}
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        for container in [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]:
            at = f"{where} container {container['name']}"
            context = {**pod_context, **(container.get("securityContext") or {})}
            if context.get("runAsNonRoot") is not True:
                problems.append(f"{at}: runAsNonRoot is not true")
            if context.get("runAsUser") in (None, 0) or context.get("runAsGroup") == 0:
                problems.append(f"{at}: runs as uid {context.get('runAsUser')} / gid {context.get('runAsGroup')}")
            own = container.get("securityContext") or {}
            if own.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{at}: readOnlyRootFilesystem is not true")
            if own.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{at}: allowPrivilegeEscalation is not false")
            if own.get("privileged"):
                problems.append(f"{at}: privileged")
            if "ALL" not in ((own.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{at}: does not drop all capabilities")
            mounts = {m["mountPath"].rstrip("/"): m for m in container.get("volumeMounts") or []}
            mount = mounts.get(workdir.rstrip("/"))
            if mount is None or mount.get("readOnly") or "emptyDir" not in volumes.get(mount["name"], {}):
                problems.append(f"{at}: the working directory {workdir} is not a writable emptyDir mount")
    return problems


def k8s_documents() -> list[dict[str, Any]]:
    yaml = yaml_lib()
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return docs


def test_kubernetes_workloads_run_non_root_on_a_read_only_root() -> None:
    workdir = final_stage(DOCKERFILE.read_text(encoding="utf-8")).workdir
    docs = k8s_documents()
    assert [where for where, _ in pod_specs(docs)] == ["Deployment/coopstream"]
    assert kubernetes_problems(docs, workdir) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("securityContext", "readOnlyRootFilesystem"), False, "readOnlyRootFilesystem is not true"),
        (("securityContext", "runAsNonRoot"), False, "runAsNonRoot is not true"),
        (("securityContext", "runAsUser"), 0, "runs as uid 0"),
        (("securityContext", "allowPrivilegeEscalation"), True, "allowPrivilegeEscalation is not false"),
        (("securityContext", "privileged"), True, "privileged"),
        (("volumeMounts",), [], "not a writable emptyDir mount"),
    ],
)
def test_kubernetes_problems_are_caught(path: tuple[str, ...], value: object, expected: str) -> None:
    docs = k8s_documents()
    (deployment,) = [d for d in docs if d.get("kind") == "Deployment"]
    target = deployment["spec"]["template"]["spec"]["containers"][0]
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    problems = "\n".join(kubernetes_problems(docs, "/tmp"))
    assert expected in problems, problems or "nothing reported"


# ---------------------------------------------------------------------- Compose


def compose_problems(data: dict[str, Any], workdir: str) -> list[str]:
    """Every service of the coopstream image: read-only root, the workdir on tmpfs, not root."""
    problems = []
    services = {
        name: s
        for name, s in data.get("services", {}).items()
        if str(s.get("image", "")).split(":")[0] == IMAGE
        or "deploy/Dockerfile" in str((s.get("build") or {}).get("dockerfile", ""))
    }
    if not services:
        problems.append("no service runs the coopstream image")
    for name, service in services.items():
        if service.get("read_only") is not True:
            problems.append(f"service {name}: read_only is not true")
        tmpfs = service.get("tmpfs") or []
        tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
        if workdir.rstrip("/") not in {t.split(":")[0].rstrip("/") for t in tmpfs}:
            problems.append(f"service {name}: the working directory {workdir} is not a tmpfs")
        user = str(service.get("user", "")).split(":")[0]
        if user in {"root", "0"}:
            problems.append(f"service {name}: runs as user {service['user']}")
        if "ALL" not in (service.get("cap_drop") or []):
            problems.append(f"service {name}: does not drop all capabilities")
        if "no-new-privileges:true" not in (service.get("security_opt") or []):
            problems.append(f"service {name}: may gain privileges (no-new-privileges:true missing)")
    return problems


def compose_data() -> dict[str, Any]:
    data = yaml_lib().safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_services_run_non_root_on_a_read_only_root() -> None:
    workdir = final_stage(DOCKERFILE.read_text(encoding="utf-8")).workdir
    data = compose_data()
    assert compose_problems(data, workdir) == []
    assert {"topics", "worker", "loader"} <= data["services"].keys()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("read_only", False, "read_only is not true"),
        ("tmpfs", [], "the working directory /tmp is not a tmpfs"),
        ("user", "root", "runs as user root"),
        ("user", "0:0", "runs as user 0:0"),
        ("cap_drop", [], "does not drop all capabilities"),
        ("security_opt", [], "may gain privileges"),
    ],
)
def test_compose_problems_are_caught(key: str, value: object, expected: str) -> None:
    data = compose_data()
    data["services"]["worker"] = {**data["services"]["worker"], key: value}
    problems = "\n".join(compose_problems(data, "/tmp"))
    assert f"service worker: {expected}" in problems, problems or "nothing reported"


# ---------------------------------------------------------------------- at run time

WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
CALL = re.compile(r"^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)")
CHANGES = {
    "creat",
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "rmdir",
    "truncate",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "chmod",
    "fchmodat",
    "chown",
    "fchownat",
    "lchown",
    "utimensat",
    "utime",
    "utimes",
    "mknod",
    "mknodat",
}


def written_paths(trace: str, cwd: Path) -> set[str]:
    """Paths the traced processes opened for writing or changed (attempts included)."""
    paths = set()
    for line in trace.splitlines():
        match = CALL.match(line)
        if match is None:
            continue
        call, args = match.group(1), match.group(2)
        names = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        writes = call in CHANGES or (call.startswith("open") and WRITE_FLAGS.search(args))
        for name in names if writes else []:
            paths.add(os.path.normpath(name if name.startswith("/") else str(cwd / name)))
    return paths


def test_the_trace_catches_writes(tmp_path: Path) -> None:
    """The check below sees a write, a new folder, a rename and a removal, by absolute or relative path."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "old").write_text("x")
    script = (
        "import os; out = os.environ['OUT']; open('local', 'w').close(); open(out + '/new', 'a').close(); "
        "os.mkdir(out + '/dir'); os.rename(out + '/old', out + '/moved'); os.remove(out + '/moved'); "
        "open(out + '/dir/../via-parent', 'w').close(); open('/etc/hostname').close()"
    )
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    trace = tmp_path / "trace.txt"
    subprocess.run(
        [tool("strace", "strace"), "-f", "-qq", "-o", str(trace), "-e", "trace=%file", sys.executable, "-c", script],
        cwd=workdir,
        env={**os.environ, "OUT": str(outside)},
        check=True,
    )
    found = written_paths(trace.read_text(encoding="utf-8"), workdir)
    expected = {str(workdir / "local"), *(str(outside / n) for n in ("new", "dir", "old", "moved", "via-parent"))}
    assert expected <= found, sorted(found)
    assert "/etc/hostname" not in found


@pytest.mark.integration
def test_worker_writes_nothing_outside_its_working_directory(secure_broker: SecureBroker, tmp_path: Path) -> None:
    """The worker with the image's environment, traced: a read-only root would refuse no write of it."""
    strace = tool("strace", "strace")
    stage = final_stage(DOCKERFILE.read_text(encoding="utf-8"))
    broker = secure_broker.broker
    topics = Stack.new(broker, tmp_path, partitions=2)
    topics.create_topics()
    workdir = tmp_path / "workdir"  # stands for the image's WORKDIR, the writable mount
    workdir.mkdir()
    port = free_port()
    image_env = {k: v for k, v in stage.env.items() if k not in {"PATH", "VIRTUAL_ENV"}}
    env = {
        **topics.env(metrics_port=str(port)),
        **image_env,
        "COOPSTREAM_METRICS_PORT": str(port),
        "COOPSTREAM_METRICS_HOST": "127.0.0.1",
        "HOME": "/nonexistent",
        "TMPDIR": str(workdir),
    }
    trace = tmp_path / "trace.txt"
    cmd = [strace, "-f", "-qq", "-o", str(trace), "-e", "trace=%file", sys.executable, "-m", "coopstream", "run"]
    with (tmp_path / "worker.log").open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not _ready(port):
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        try:
            for i in range(3):
                producer.send(
                    topics.raw,
                    key=f"a{i}".encode(),
                    value=b'{"id": "a%d", "text": "LIMA, Peru -- '
                    b'Navies of Peru and Chile met for maritime security talks."}' % i,
                )
            producer.flush(30)
        finally:
            producer.close()
        assert len(topics.read([topics.enriched], 3, timeout=45.0)) == 3
        with contextlib.suppress(ProcessLookupError):  # gone already: its exit code below says how
            os.kill(_traced_pid(trace), signal.SIGTERM)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]
    text = trace.read_text(encoding="utf-8", errors="replace")
    assert "openat(" in text or "open(" in text, "strace recorded nothing"
    outside = {
        p
        for p in written_paths(text, workdir)
        if not p.startswith(str(workdir)) and not p.startswith(("/dev/", "/proc/self/"))
    }
    assert outside == set(), f"written outside the working directory: {sorted(outside)}"


def _traced_pid(trace: Path) -> int:
    """The worker's pid: the one that started Python, on the trace's first line."""
    first = trace.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    match = re.match(r"(\d+)\s+execve\(", first)
    assert match, f"unexpected first line of the trace: {first!r}"
    return int(match.group(1))


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False
