"""deploy/Dockerfile: hadolint, and the properties the issue asks for (multi-stage, pinned slim
base, non-root, health check on /healthz, SIGTERM, no build tools in the final stage), and a
.dockerignore that lets in what the build copies and keeps out the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.deploy import DOCKERFILE, DOCKERIGNORE, output, run, settings_defaults, tool

pytestmark = pytest.mark.deploy

BUILD_TOOLS = re.compile(
    r"\b(apt-get|apt|apk|dnf|yum|gcc|g\+\+|cc|make|build-essential|curl|wget|git"
    r"|pip(3)? (install|wheel)|python -m pip (install|wheel))\b"
)


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def all(self, instruction: str) -> list[str]:
        return [args for name, args in self.instructions if name == instruction]


def parse(text: str) -> list[Stage]:
    """The stages of a Dockerfile, with ARG defaults declared before the first FROM substituted."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "ARG" and not stages and "=" in rest:
            key, _, value = rest.partition("=")
            args[key.strip()] = value.strip()
        elif instruction == "FROM":
            for key, value in args.items():
                rest = rest.replace("${" + key + "}", value).replace("$" + key, value)
            parts = rest.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], name))
        elif stages:
            stages[-1].instructions.append((instruction, rest.strip()))
    return stages


def dockerfile_problems(text: str) -> list[str]:
    """Every way the Dockerfile misses the properties the image must have."""
    problems: list[str] = []
    stages = parse(text)
    if len(stages) < 2:
        problems.append("not multi-stage")
    for stage in stages:
        repo, _, tag = stage.image.partition(":")
        if "@sha256:" not in stage.image and not re.match(r"\d+\.\d+\.\d+", tag):
            problems.append(f"base image {stage.image} is not pinned to a full version")
        if repo.startswith("python") and "slim" not in tag:
            problems.append(f"base image {stage.image} is not a slim image")
    if not stages:
        return problems
    final = stages[-1]
    earlier = {s.name for s in stages[:-1]}
    users = final.all("USER")
    if not users or not re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1]):
        problems.append(f"final stage does not run as a numeric non-root user (USER {users[-1] if users else '-'})")
    checks = final.all("HEALTHCHECK")
    if not checks or "/healthz" not in checks[-1]:
        problems.append("final stage has no HEALTHCHECK on /healthz")
    if final.all("STOPSIGNAL") != ["SIGTERM"]:
        problems.append("final stage does not stop with SIGTERM")
    for instruction, args in final.instructions:
        if instruction == "RUN" and BUILD_TOOLS.search(args.replace("pip uninstall", "")):
            problems.append(f"final stage runs a build tool or package manager: RUN {args[:80]}")
        if instruction == "ADD":
            problems.append("final stage uses ADD")
        if instruction == "COPY":
            source = re.search(r"--from=(\S+)", args)
            if source is None or source.group(1) not in earlier:
                problems.append(f"final stage copies something not built by an earlier stage: COPY {args}")
    entry = final.all("ENTRYPOINT")
    if not entry or '"coopstream"' not in entry[-1]:
        problems.append("the entry point is not coopstream")
    env = " ".join(final.all("ENV"))
    if "PYTHONDONTWRITEBYTECODE=1" not in env:
        problems.append("final stage may write byte code (read-only root file system)")
    port = str(settings_defaults()["metrics_port"])
    if final.all("EXPOSE") != [port]:
        problems.append(f"final stage does not expose the metrics port {port}")
    return problems


def test_hadolint_passes() -> None:
    proc = run([tool("hadolint"), "--no-color", str(DOCKERFILE)])
    assert proc.returncode == 0, output(proc)


def test_dockerfile_has_the_required_properties() -> None:
    assert dockerfile_problems(DOCKERFILE.read_text(encoding="utf-8")) == []


def test_final_stage_user_is_the_one_kubernetes_runs() -> None:
    from support.deploy import K8S, load_yaml

    (user,) = parse(DOCKERFILE.read_text(encoding="utf-8"))[-1].all("USER")
    pod = load_yaml(K8S / "deployment.yaml")["spec"]["template"]["spec"]["securityContext"]
    assert user == f"{pod['runAsUser']}:{pod['runAsGroup']}"


BROKEN = """\
FROM python:latest
RUN apt-get update && apt-get install gcc
RUN pip install kafka-python
COPY . /app
USER root
CMD ["python", "-m", "coopstream", "run"]
"""


def test_broken_dockerfile_fails_hadolint(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BROKEN, encoding="utf-8")
    proc = run([tool("hadolint"), "--no-color", str(path)])
    assert proc.returncode != 0, output(proc)
    for rule in ("DL3007", "DL3008", "DL3013"):  # latest tag, unpinned apt and pip packages
        assert rule in proc.stdout, output(proc)


def test_broken_dockerfile_fails_the_property_check() -> None:
    problems = "\n".join(dockerfile_problems(BROKEN))
    for expected in (
        "not multi-stage",
        "not pinned",
        "non-root",
        "HEALTHCHECK",
        "SIGTERM",
        "build tool",
        "not built by an earlier stage",
        "entry point",
    ):
        assert expected in problems, f"{expected!r} not reported in:\n{problems}"
    # and a subtler one: the real file with a compiler in the final stage and the user dropped
    text = DOCKERFILE.read_text(encoding="utf-8")
    text = text.replace("USER 10001:10001\n", "")
    text = text.replace("WORKDIR /tmp\n", "WORKDIR /tmp\nRUN apt-get install -y gcc\n")
    problems = "\n".join(dockerfile_problems(text))
    assert "build tool" in problems and "non-root" in problems


# ---------------------------------------------------------------------- .dockerignore


def ignore_patterns(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        body = line[1:] if negate else line
        body = body.strip("/")
        regex = re.escape(body).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        patterns.append((negate, re.compile(regex)))
    return patterns


def ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for negate, regex in patterns:
        if any(regex.fullmatch(p) for p in prefixes):
            result = not negate
    return result


def test_dockerignore_lets_in_what_the_build_copies_and_nothing_else() -> None:
    patterns = ignore_patterns(DOCKERIGNORE.read_text(encoding="utf-8"))
    build = parse(DOCKERFILE.read_text(encoding="utf-8"))[0]
    sources = [args.split()[:-1] for args in build.all("COPY") if "--from" not in args]
    copied = [s for group in sources for s in group]
    assert {"pyproject.toml", "README.md", "schemas", "workers"} <= set(copied)
    tracked = run(["git", "ls-files", "--", *copied]).stdout.split()  # the sources, not local build output
    assert len(tracked) > len(copied)
    for path in [*copied, *tracked]:
        assert not ignored(path, patterns), f"{path} is needed by the build but ignored"
    for kept_out in (
        ".venv/bin/python",
        ".git/HEAD",
        ".cache/coopstream/libs/x.jar",
        "tests/unit/conftest.py",
        "deploy/tools/node_modules/x.js",
        "workers/coopstream/__pycache__/cli.cpython-311.pyc",
        "docker-compose.yml",
        "bench/core.py",
    ):
        assert ignored(kept_out, patterns), f"{kept_out} would be sent to the build"


def test_a_dockerignore_that_drops_sources_is_caught() -> None:
    patterns = ignore_patterns(DOCKERIGNORE.read_text(encoding="utf-8") + "\nworkers/coopstream/samples\n")
    assert ignored("workers/coopstream/samples/articles.jsonl", patterns)
