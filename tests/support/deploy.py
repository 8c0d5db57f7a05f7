"""Shared helpers of the deployment checks: where the files are, the checking tools, YAML.

A missing tool never skips a test: it fails with the command that installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"
K8S = DEPLOY / "k8s"
TOOLS = DEPLOY / "tools"
SCHEMAS = ROOT / "schemas"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
OPERATIONS = ROOT / "docs" / "operations.md"
INSTALL = "deploy/tools/install-checkers.sh"


def missing(what: str) -> None:
    pytest.fail(f"{what} is not installed: run {INSTALL} (make setup does)", pytrace=False)


def tool(name: str) -> str:
    """Path of a checking tool: the project's virtualenv first, then PATH."""
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which(name)
    if found is None:
        missing(name)
    return str(found)


def kustomize() -> list[str]:
    """``kubectl kustomize`` (kubectl ships kustomize), else a standalone ``kustomize build``."""
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    local = Path(sys.executable).parent / "kustomize"
    if local.is_file() or shutil.which("kustomize"):
        return [str(local) if local.is_file() else "kustomize", "build"]
    missing("kustomize (or kubectl)")
    raise AssertionError  # unreachable


def node_script(name: str) -> list[str]:
    """``node deploy/tools/NAME``, with its npm dependencies installed."""
    node = shutil.which("node")
    if node is None:
        missing("node")
    if not (TOOLS / "node_modules" / "@asyncapi" / "parser").is_dir():
        missing("the npm packages of deploy/tools (npm ci)")
    return [str(node), str(TOOLS / name)]


def run(
    cmd: Sequence[str], *, cwd: Path = ROOT, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def yaml_lib() -> Any:
    try:
        import yaml
    except ImportError:
        missing("PyYAML")
    return yaml


def load_yaml(path: Path) -> Any:
    return yaml_lib().safe_load(path.read_text(encoding="utf-8"))


def load_yaml_all(text: str) -> list[Any]:
    return [doc for doc in yaml_lib().safe_load_all(text) if doc is not None]


def dump_yaml(data: Any) -> str:
    return str(yaml_lib().safe_dump(data, sort_keys=False, allow_unicode=True))


def duration_seconds(text: str | int | float) -> float:
    """'30s', '1m30s', '2m', 45 -> seconds (Compose and Prometheus durations)."""
    if isinstance(text, int | float):
        return float(text)
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * units[u] for n, u in parts)


def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE)
    assert isinstance(data, dict)
    return data


def settings_defaults() -> dict[str, Any]:
    from coopstream.config import Settings

    return {name: field.default for name, field in Settings.model_fields.items()}


def worker_metric_names() -> set[str]:
    """Every sample name the worker's registry exposes (with label children created)."""
    from prometheus_client import CollectorRegistry

    from coopstream.observability.metrics import Metrics

    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.dead_letters.labels(reason="invalid_json")
    metrics.themes_emitted.labels(theme="t")
    metrics.entities.labels(type="person")
    metrics.set_lag({("t", 0): 0})
    return {sample.name for family in registry.collect() for sample in family.samples}


METRIC = re.compile(r"\b(coopstream_[a-z0-9_]+)\b")


def metrics_in(expr: str) -> set[str]:
    return set(METRIC.findall(expr))
