"""Shared pieces of the security checks: certificates made with openssl, credentials, the settings of the
SASL_SSL listener, and searching captured output for a secret.

A missing tool never skips a test: it fails with the command that installs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coopstream.config import Settings
from coopstream.dev.broker import DevBroker
from coopstream.dev.process import WorkerProcess
from coopstream.stream.clients import connection_options

MASK = "**********"
MECHANISM = "SCRAM-SHA-512"


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install {package} (make test-tools does)", pytrace=False)
    return found


# ---------------------------------------------------------------------- certificates


@dataclass(frozen=True)
class Pki:
    ca: Path  # the CA the broker's certificate is signed by
    broker_cert: Path  # for 127.0.0.1 and localhost (subject alternative names)
    broker_key: Path  # PKCS#8, unencrypted
    other_ca: Path  # a CA that signed nothing the broker presents


def _openssl(folder: Path, *args: str) -> None:
    proc = subprocess.run(
        [tool("openssl", "openssl"), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"openssl {' '.join(args)}:\n{proc.stdout}{proc.stderr}"


def _ca(folder: Path, name: str) -> None:
    _openssl(
        folder,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        f"/CN={name}",
        "-keyout",
        f"{name}.key",
        "-out",
        f"{name}.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )


def make_pki(folder: Path) -> Pki:
    """A CA, a broker certificate it signs, and an unrelated CA, all valid for two days."""
    folder.mkdir(parents=True, exist_ok=True)
    _ca(folder, "test-ca")
    _ca(folder, "other-ca")
    (folder / "broker.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
    )
    _openssl(
        folder,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "broker.key",
        "-out",
        "broker.csr",
    )
    _openssl(
        folder,
        "x509",
        "-req",
        "-in",
        "broker.csr",
        "-CA",
        "test-ca.pem",
        "-CAkey",
        "test-ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "broker.ext",
        "-out",
        "broker.pem",
    )
    return Pki(folder / "test-ca.pem", folder / "broker.pem", folder / "broker.key", folder / "other-ca.pem")


# ---------------------------------------------------------------------- the secure broker


@dataclass(frozen=True)
class Login:
    user: str
    password: str
    mechanism: str


@dataclass(frozen=True)
class SecureBroker:
    broker: DevBroker
    pki: Pki
    scram: Login  # created by the test session through the PLAINTEXT listener
    plain: Login  # a fixed PLAIN user of the SASL_SSL listener

    def security(self, login: Login | None = None, **overrides: str) -> dict[str, str]:
        """The COOPSTREAM_* security settings (without prefix) for the SASL_SSL listener."""
        login = login or self.scram
        values = {
            "bootstrap_servers": self.broker.secure_bootstrap,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": login.mechanism,
            "sasl_username": login.user,
            "sasl_password": login.password,
            "ssl_cafile": str(self.pki.ca),
        }
        values.update(overrides)
        return values

    def client_options(self, login: Login | None = None) -> dict[str, Any]:
        """kafka-python options for the SASL_SSL listener, from the worker's own mapping."""
        options = connection_options(Settings(**self.security(login)))
        options.pop("bootstrap_servers")
        options.pop("client_id")
        return options


class BoundWorker(WorkerProcess):
    """The worker process, its metrics server asked for on ``host`` (the base class assumes 127.0.0.1)."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, metrics_port: int, host: str) -> None:
        super().__init__(args, env, log_path, metrics_port)
        self.host = host

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.metrics_port}"


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """``python -m coopstream ARGS`` with ``env``, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "coopstream", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


# ---------------------------------------------------------------------- looking for secrets


def assert_no_secret(text: str, *secrets: str, where: str = "output") -> None:
    """None of ``secrets`` appears in ``text``, as it is or escaped the ways JSON and repr() escape."""
    for secret in secrets:
        forms = {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], secret.encode().hex()}
        for form in forms:
            assert form not in text, f"a secret appears in the {where} (as {form!r} at {text.find(form)})"
