"""Kubernetes: the Kustomize base builds, every object validates (kubernetes-validate --strict for
the built-in kinds, the CRD schemas for KEDA and the Prometheus Operator), and the objects agree
with each other and with the code (ports, probes, settings, grace period, scaling bounds)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from support.deploy import (
    DOCKERFILE,
    K8S,
    PROMETHEUS,
    TOOLS,
    dump_yaml,
    kustomize,
    load_yaml,
    load_yaml_all,
    node_script,
    output,
    run,
    tool,
)

pytestmark = pytest.mark.deploy

# The oldest Kubernetes the manifests are meant for, and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30.0", None)
GRACE_MARGIN_S = 5
SASL = {"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}


@pytest.fixture(scope="module")
def built() -> str:
    proc = run([*kustomize(), str(K8S)])
    assert proc.returncode == 0, output(proc)
    return proc.stdout


@pytest.fixture(scope="module")
def objects(built: str) -> dict[str, dict[str, Any]]:
    return {f"{doc['kind']}/{doc['metadata']['name']}": doc for doc in load_yaml_all(built)}


def kubernetes_validate(path: Path, version: str | None = None) -> Any:
    cmd = [tool("kubernetes-validate"), "--strict", "--no-warn", "--quiet"]
    return run([*cmd, *(["-k", version] if version else []), str(path)])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS, ids=lambda v: v or "latest")
def test_built_manifests_validate_strictly(built: str, tmp_path: Path, version: str | None) -> None:
    path = tmp_path / "built.yaml"
    path.write_text(built, encoding="utf-8")
    proc = kubernetes_validate(path, version)
    assert proc.returncode == 0, output(proc)


def test_every_manifest_file_validates_strictly() -> None:
    files = sorted(K8S.glob("*.yaml"))
    proc = run([tool("kubernetes-validate"), "--strict", "--no-warn", *map(str, files)])
    assert proc.returncode == 0, output(proc)
    listed = set(load_yaml(K8S / "kustomization.yaml")["resources"])
    unlisted = {f.name for f in files} - listed - {"kustomization.yaml", "sasl-secret.example.yaml"}
    assert not unlisted, f"manifests not in kustomization.yaml: {unlisted}"
    assert "sasl-secret.example.yaml" not in listed  # credentials are never applied from the repository


def test_custom_resources_validate_against_their_crds(built: str) -> None:
    proc = run([*node_script("validate-crds.mjs"), "-"], stdin=built)
    assert proc.returncode == 0, output(proc)
    assert "4 custom resource(s) checked, 0 invalid" in proc.stdout


def test_deployment(objects: dict[str, dict[str, Any]]) -> None:
    deployment = objects["Deployment/coopstream"]
    config = objects["ConfigMap/coopstream-config"]["data"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "replicas" not in deployment["spec"], "the replica count belongs to KEDA"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    # the port, and the probes on it
    (port,) = container["ports"]
    assert port["name"] == "metrics" and port["containerPort"] == int(config["COOPSTREAM_METRICS_PORT"])
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    # resources and security
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert "memory" in container["resources"]["limits"]
    uid = int(re.search(r"^USER (\d+)", DOCKERFILE.read_text(), re.M).group(1))  # type: ignore[union-attr]
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == uid != 0
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    # the grace period covers the drain
    drain = float(config["COOPSTREAM_DRAIN_TIMEOUT_S"])
    assert pod["terminationGracePeriodSeconds"] == drain + GRACE_MARGIN_S
    # static membership from the pod name, credentials from the Secret
    env = {e["name"]: e for e in container["env"]}
    assert env["COOPSTREAM_GROUP_INSTANCE_ID"]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    for name, key in (("COOPSTREAM_SASL_USERNAME", "username"), ("COOPSTREAM_SASL_PASSWORD", "password")):
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "coopstream-kafka-credentials", "key": key}
    assert container["envFrom"] == [{"configMapRef": {"name": "coopstream-config"}}]
    assert container["args"] == ["run"]


def test_configmap_holds_valid_settings(objects: dict[str, dict[str, Any]]) -> None:
    from coopstream.config import Settings

    data = objects["ConfigMap/coopstream-config"]["data"]
    values = {key.removeprefix("COOPSTREAM_").lower(): value for key, value in data.items()}
    assert all(key.startswith("COOPSTREAM_") for key in data)
    assert not values.keys() - Settings.model_fields.keys(), "not coopstream settings"
    # what the pod adds: the instance id and the credentials from the Secret
    settings = Settings(**values, group_instance_id="coopstream-abc", sasl_username="u", sasl_password="p")
    assert settings.security_protocol.startswith("SASL") and settings.sasl_mechanism in SASL


def test_service_pdb_and_servicemonitor_select_the_workers(objects: dict[str, dict[str, Any]]) -> None:
    pod_labels = objects["Deployment/coopstream"]["spec"]["template"]["metadata"]["labels"]
    service = objects["Service/coopstream"]
    assert service["metadata"]["name"] == "coopstream"  # Prometheus' job label: the rules select it
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    assert port["name"] == "metrics" and port["targetPort"] == "metrics"
    pdb = objects["PodDisruptionBudget/coopstream"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    monitor = objects["ServiceMonitor/coopstream"]
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == port["name"] and endpoint["path"] == "/metrics"


def test_scaledobject_scales_on_the_group_lag_within_the_partitions(objects: dict[str, dict[str, Any]]) -> None:
    config = objects["ConfigMap/coopstream-config"]["data"]
    scaled = objects["ScaledObject/coopstream"]["spec"]
    assert scaled["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "coopstream"}
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"] <= int(config["COOPSTREAM_TOPIC_PARTITIONS"])
    (trigger,) = scaled["triggers"]
    meta = trigger["metadata"]
    assert trigger["type"] == "kafka"
    assert meta["bootstrapServers"] == config["COOPSTREAM_BOOTSTRAP_SERVERS"]
    assert meta["consumerGroup"] == config["COOPSTREAM_GROUP_ID"]
    assert meta["topic"] == config["COOPSTREAM_INPUT_TOPIC"]
    assert int(meta["lagThreshold"]) > 0
    assert meta["allowIdleConsumers"] == "false"  # never more replicas than partitions
    assert meta["sasl"] == SASL[config["COOPSTREAM_SASL_MECHANISM"]]
    assert meta["tls"] == ("enable" if config["COOPSTREAM_SECURITY_PROTOCOL"].endswith("SSL") else "disable")
    auth = objects[f"TriggerAuthentication/{trigger['authenticationRef']['name']}"]["spec"]
    refs = {r["parameter"]: (r["name"], r["key"]) for r in auth["secretTargetRef"]}
    assert refs == {
        "username": ("coopstream-kafka-credentials", "username"),
        "password": ("coopstream-kafka-credentials", "password"),
    }


def test_prometheusrule_is_generated_from_the_rules_file(objects: dict[str, dict[str, Any]]) -> None:
    proc = run([sys.executable, str(TOOLS / "gen_prometheusrule.py"), "--check"])
    assert proc.returncode == 0, output(proc)
    assert objects["PrometheusRule/coopstream"]["spec"] == load_yaml(PROMETHEUS / "alerts.yml")


# ---------------------------------------------------------------------- broken input fails


@pytest.mark.parametrize("breakage", ["typo", "wrong type"])
def test_broken_manifest_fails_kubernetes_validate(tmp_path: Path, breakage: str) -> None:
    deployment = load_yaml(K8S / "deployment.yaml")
    spec = deployment["spec"]["template"]["spec"]
    if breakage == "typo":
        spec["terminationGracePeriod"] = spec.pop("terminationGracePeriodSeconds")
    else:
        spec["containers"][0]["resources"]["requests"]["memory"] = ["256Mi"]
    path = tmp_path / "deployment.yaml"
    path.write_text(dump_yaml(deployment), encoding="utf-8")
    proc = kubernetes_validate(path)
    assert proc.returncode != 0, output(proc)
    assert ("terminationGracePeriod" if breakage == "typo" else "requests.memory") in proc.stdout + proc.stderr


def test_broken_custom_resources_fail_their_crd_schemas(tmp_path: Path) -> None:
    scaled = load_yaml_all((K8S / "scaledobject.yaml").read_text(encoding="utf-8"))[0]
    wrong_type = {**scaled, "metadata": {"name": "wrong-type"}, "spec": {**scaled["spec"], "maxReplicaCount": "six"}}
    no_trigger = {
        **scaled,
        "metadata": {"name": "no-trigger"},
        "spec": {k: v for k, v in scaled["spec"].items() if k != "triggers"},
    }
    monitor = load_yaml(K8S / "servicemonitor.yaml")
    monitor["spec"]["endpoints"] = "metrics"
    path = tmp_path / "broken.yaml"
    path.write_text("---\n".join(dump_yaml(d) for d in (wrong_type, no_trigger, monitor)), encoding="utf-8")
    proc = run([*node_script("validate-crds.mjs"), str(path)])
    assert proc.returncode != 0, output(proc)
    assert "3 custom resource(s) checked, 3 invalid" in proc.stdout, proc.stdout
    assert "maxReplicaCount must be integer" in proc.stdout
    assert "must have required property triggers" in proc.stdout
    assert "endpoints must be array" in proc.stdout


def test_edited_rules_make_the_prometheusrule_stale(tmp_path: Path) -> None:
    rules = tmp_path / "alerts.yml"
    shutil.copy(PROMETHEUS / "alerts.yml", rules)
    rules.write_text(rules.read_text(encoding="utf-8").replace("for: 10m", "for: 15m", 1), encoding="utf-8")
    proc = run([sys.executable, str(TOOLS / "gen_prometheusrule.py"), "--check", "--rules", str(rules)])
    assert proc.returncode == 1, output(proc)
    assert "differs" in proc.stderr
    out = tmp_path / "prometheusrule.yaml"
    proc = run([sys.executable, str(TOOLS / "gen_prometheusrule.py"), "--rules", str(rules), "--out", str(out)])
    assert proc.returncode == 0, output(proc)
    assert load_yaml(out)["spec"] == load_yaml(rules)
