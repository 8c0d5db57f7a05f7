"""docker-compose.yml: valid against the Compose specification, and every service, port, path
and setting it names is one that exists and that the code uses."""

from __future__ import annotations

import base64
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from coopstream.dev.broker import KAFKA_VERSION
from support.deploy import (
    COMPOSE,
    DOCKERFILE,
    PROMETHEUS,
    dump_yaml,
    duration_seconds,
    load_yaml,
    output,
    run,
    settings_defaults,
    tool,
)
from support.paths import ROOT

pytestmark = pytest.mark.deploy

ONE_SHOT = {"topics", "loader"}
DRAIN_MARGIN_S = 5


def check_jsonschema(path: Path) -> Any:
    return run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)])


def test_compose_file_follows_the_compose_specification() -> None:
    proc = check_jsonschema(COMPOSE)
    assert proc.returncode == 0, output(proc)


def test_compose_file_matches_the_code() -> None:
    assert consistency_problems(load_yaml(COMPOSE)) == []


def test_broken_compose_file_fails_the_specification(tmp_path: Path) -> None:
    data = load_yaml(COMPOSE)
    data["services"]["worker"]["deploy"]["replicas"] = "three"
    data["services"]["worker"]["stop_grace"] = "30s"  # not a Compose key
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(dump_yaml(data), encoding="utf-8")
    proc = check_jsonschema(broken)
    assert proc.returncode != 0, output(proc)
    assert "stop_grace" in proc.stdout + proc.stderr


def test_broken_references_fail_the_consistency_check() -> None:
    data = load_yaml(COMPOSE)
    services = data["services"]
    services["worker"]["depends_on"]["topic"] = {"condition": "service_completed_successfully"}
    services["worker"]["environment"]["COOPSTREAM_METRICS_PORT"] = "9000"
    services["worker"]["environment"]["COOPSTREAM_DRAIN_TIMEOUTS"] = "25"
    services["worker"]["stop_grace_period"] = "10s"
    services["loader"]["command"][1] = "/opt/coopstream/samples.jsonl"
    services["prometheus"]["volumes"] = ["./deploy/prometheus-missing:/etc/prometheus:ro"]
    services["kafka"]["image"] = "apache/kafka:latest"
    problems = "\n".join(consistency_problems(data))
    for expected in (
        "unknown service 'topic'",
        "COOPSTREAM_DRAIN_TIMEOUTS",
        "metrics port",
        "grace period",
        "sample articles",
        "prometheus-missing",
        "apache/kafka:latest",
    ):
        assert expected in problems, f"{expected!r} not reported in:\n{problems}"


# ---------------------------------------------------------------------- the consistency check


def consistency_problems(data: dict[str, Any]) -> list[str]:
    """What in a compose file disagrees with the code and the other deployment files."""
    problems: list[str] = []
    services: dict[str, Any] = data["services"]
    defaults = settings_defaults()
    problems += _references(services)
    problems += _images(services)
    problems += _settings(services, defaults)
    problems += _kafka(services)
    problems += _worker(services, defaults)
    problems += _loader(services)
    problems += _prometheus(services)
    return problems


def _references(services: dict[str, Any]) -> list[str]:
    problems = []
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for other in depends if isinstance(depends, list) else depends.keys():
            if other not in services:
                problems.append(f"{name}: depends on unknown service {other!r}")
            elif isinstance(depends, dict):
                condition = depends[other].get("condition")
                if condition == "service_completed_successfully" and other not in ONE_SHOT:
                    problems.append(f"{name}: waits for {other} to complete, but {other} keeps running")
                if condition == "service_healthy" and "healthcheck" not in services[other]:
                    problems.append(f"{name}: waits for {other} to be healthy, but it has no health check")
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith(".") and not (ROOT / source).exists():
                problems.append(f"{name}: mounts {source}, which does not exist")
        build = service.get("build")
        if build and not (ROOT / build["context"] / build["dockerfile"]).is_file():
            problems.append(f"{name}: builds from {build['dockerfile']}, which does not exist")
    for name in ONE_SHOT:
        if services.get(name, {}).get("restart") != "no":
            problems.append(f"{name}: a one-shot service must not restart")
    return problems


def _images(services: dict[str, Any]) -> list[str]:
    problems = []
    for name, service in services.items():
        image = service.get("image", "")
        tag = image.rpartition(":")[2] if ":" in image else ""
        if not re.fullmatch(r"v?\d+\.\d+\.\d+", tag):
            problems.append(f"{name}: image {image} is not pinned to a version")
    return problems


def _settings(services: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    problems = []
    for name, service in services.items():
        for key in service.get("environment") or {}:
            if key.startswith("COOPSTREAM_") and key[len("COOPSTREAM_") :].lower() not in defaults:
                problems.append(f"{name}: {key} is not a coopstream setting")
    return problems


def _kafka(services: dict[str, Any]) -> list[str]:
    problems = []
    kafka = services["kafka"]
    env = kafka["environment"]
    if kafka["image"] != f"apache/kafka:{KAFKA_VERSION}":
        problems.append(f"kafka: image {kafka['image']} is not apache/kafka:{KAFKA_VERSION}, the development broker")
    listeners = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    internal = listeners[env["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    for name, service in services.items():
        servers = (service.get("environment") or {}).get("COOPSTREAM_BOOTSTRAP_SERVERS")
        if servers is not None and servers != internal:
            problems.append(f"{name}: bootstrap servers {servers} are not the internal listener {internal}")
    external = listeners["EXTERNAL"]
    (mapping,) = kafka["ports"]
    host, _, container = mapping.rpartition(":")
    if not external.endswith(":" + host) or not re.search(rf"://:{container}\b", env["KAFKA_LISTENERS"]):
        problems.append(f"kafka: port {mapping} does not match the EXTERNAL listener {external}")
    if host != "${KAFKA_PORT:-9092}" or "KAFKA_PORT ?= 9092" not in (ROOT / "Makefile").read_text():
        problems.append("kafka: the host port is not KAFKA_PORT, default 9092, as for the development broker")
    try:
        if len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) != 16 or len(env["CLUSTER_ID"]) != 22:
            raise ValueError
    except ValueError:
        problems.append("kafka: CLUSTER_ID is not a Kafka cluster id (22 characters of base64url)")
    return problems


def _worker(services: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    problems = []
    worker = services["worker"]
    env = worker["environment"]
    port = int(env.get("COOPSTREAM_METRICS_PORT", defaults["metrics_port"]))
    exposed = re.search(r"^EXPOSE (\d+)", DOCKERFILE.read_text(), re.M)
    if port != defaults["metrics_port"] or exposed is None or int(exposed.group(1)) != port:
        problems.append(f"worker: metrics port {port} is not the default {defaults['metrics_port']} the image exposes")
    (mapping,) = worker["ports"]
    host, _, container = mapping.rpartition(":")
    replicas = worker["deploy"]["replicas"]
    low, _, high = host.partition("-")
    if int(container) != port:
        problems.append(f"worker: publishes container port {container}, not the metrics port {port}")
    if int(high or low) - int(low) + 1 < replicas:
        problems.append(f"worker: host ports {host} are fewer than its {replicas} replicas")
    topics_env = services["topics"]["environment"]
    partitions = int(topics_env.get("COOPSTREAM_TOPIC_PARTITIONS", defaults["topic_partitions"]))
    if replicas > partitions:
        problems.append(f"worker: {replicas} replicas, more than the {partitions} partitions")
    drain = float(env.get("COOPSTREAM_DRAIN_TIMEOUT_S", defaults["drain_timeout_s"]))
    grace = duration_seconds(worker.get("stop_grace_period", "10s"))
    if grace != drain + DRAIN_MARGIN_S:
        problems.append(f"worker: grace period {grace}s is not the drain timeout {drain}s + {DRAIN_MARGIN_S}s")
    if worker.get("stop_signal", "SIGTERM") != "SIGTERM":
        problems.append("worker: must stop with SIGTERM (the worker drains on it)")
    for key in ("INPUT_TOPIC", "OUTPUT_TOPIC", "ENGAGEMENTS_TOPIC", "DLQ_TOPIC", "GROUP_ID"):
        value = env.get(f"COOPSTREAM_{key}", defaults[key.lower()])
        if value != defaults[key.lower()]:
            problems.append(f"worker: {key} {value} differs from the default the other services use")
    return problems


def _loader(services: dict[str, Any]) -> list[str]:
    command = services["loader"]["command"]
    dockerfile = DOCKERFILE.read_text()
    python = re.search(r"^ARG BASE_IMAGE=python:(\d+)\.(\d+)\.\d+", dockerfile, re.M)
    venv = re.search(r"^COPY --from=build (\S+) ", dockerfile, re.M)
    assert python and venv
    site = f"{venv.group(1)}/lib/python{python.group(1)}.{python.group(2)}/site-packages"
    expected = f"{site}/coopstream/samples/articles.jsonl"
    packaged = ROOT / "workers" / "coopstream" / "samples" / "articles.jsonl"
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    listed = any("*.jsonl" in package_data.get(key, []) for key in ("coopstream.samples", "*"))
    if command != ["produce", expected] or not packaged.is_file() or not listed:
        return [f"loader: {command} does not publish the sample articles packaged at {expected}"]
    return []


def _prometheus(services: dict[str, Any]) -> list[str]:
    problems = []
    prometheus = services["prometheus"]
    mounts = dict(v.split(":")[:2] for v in prometheus.get("volumes", []))
    config = next((a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file=")), None)
    if config is None:
        return ["prometheus: no --config.file"]
    target_dir, _, name = config.rpartition("/")
    source = next((s for s, t in mounts.items() if t == target_dir), None)
    if source is None or (ROOT / source).resolve() != PROMETHEUS.resolve() or not (PROMETHEUS / name).is_file():
        problems.append(f"prometheus: {config} is not deploy/prometheus/{name} (mounts: {mounts})")
    return problems
