"""A real single-node Apache Kafka broker (KRaft, broker+controller) as a ``java`` subprocess on 127.0.0.1.

Clients always get a PLAINTEXT listener (the readiness probe and administration use it). With a
``SecureListener`` the broker also opens a SASL_SSL listener: TLS with the given PEM certificate
and key, SCRAM-SHA-256 and SCRAM-SHA-512 logins (and PLAIN for fixed users, if asked). The
broker starts with no SCRAM user; create them through the PLAINTEXT listener (an
AlterUserScramCredentials request, e.g. kafka-python's
``KafkaAdminClient.alter_user_scram_credentials``).
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from coopstream.dev.broker.fetch import INSTALL_HINTS, LOG_TAIL, fetch, require
from coopstream.dev.broker.probe import HOST, free_port, is_ready, port_in_use, terminate
from coopstream.errors import BrokerError

HEAP_OPTS = ("-Xms256m", "-Xmx512m")
JVM_OPTS = (
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
)
MIN_JAVA = 17
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
SECURE_LISTENER = "SASL_SSL"
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"
_JAAS_SAFE = re.compile(r"[A-Za-z0-9_.@+=:/-]+")


@dataclass(frozen=True)
class SecureListener:
    """A SASL_SSL listener on ``port``: TLS with ``certfile`` and ``keyfile``, SCRAM logins.

    ``certfile`` holds the broker's certificate, then any intermediate CA certificates (PEM);
    ``keyfile`` its private key, unencrypted PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``).
    The certificate must name 127.0.0.1 (an IP subject alternative name) for clients that check
    host names. Clients are not asked for a certificate.

    ``plain_users`` (name to password) also enables SASL PLAIN with those fixed users; their
    passwords are written into the broker's server.properties, so use throw-away ones.
    """

    port: int
    certfile: Path
    keyfile: Path
    mechanisms: tuple[str, ...] = SCRAM_MECHANISMS
    plain_users: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [m for m in self.mechanisms if m not in SCRAM_MECHANISMS]
        if unknown or not (self.mechanisms or self.plain_users):
            raise BrokerError(f"SASL mechanisms must be among {', '.join(SCRAM_MECHANISMS)}, not {unknown or '()'}")
        for value in (*self.plain_users.keys(), *self.plain_users.values()):
            if not _JAAS_SAFE.fullmatch(value):
                raise BrokerError("PLAIN user names and passwords: letters, digits and _.@+=:/- only")

    @property
    def enabled_mechanisms(self) -> tuple[str, ...]:
        return (*self.mechanisms, *(("PLAIN",) if self.plain_users else ()))

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"


def _cluster_id() -> str:
    """A random Kafka cluster id (url-safe base64 of a UUID, not starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _java_major(java: str) -> int:
    proc = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not found:
        return 0
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _tail(path: Path, lines: int = LOG_TAIL) -> str:
    try:
        with path.open(errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines)).rstrip()
    except OSError:
        return "(no log)"


class DevBroker:
    """A single-node KRaft broker+controller on 127.0.0.1, its data kept in ``workdir``."""

    def __init__(
        self,
        port: int = 9092,
        workdir: Path | None = None,
        controller_port: int | None = None,
        extra_config: dict[str, str] | None = None,
        secure: SecureListener | None = None,
    ) -> None:
        self.port = port
        self.controller_port = controller_port or free_port()
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=f"coopstream-kafka-{port}-")).resolve()
        self.extra_config = dict(extra_config or {})
        self.secure = secure
        self._proc: subprocess.Popen[bytes] | None = None

    # -- properties

    @property
    def bootstrap(self) -> str:
        """``"127.0.0.1:PORT"``, for clients' bootstrap_servers."""
        return f"{HOST}:{self.port}"

    @property
    def secure_bootstrap(self) -> str:
        """``"127.0.0.1:PORT"`` of the SASL_SSL listener."""
        if self.secure is None:
            raise BrokerError("this broker has no SASL_SSL listener (pass secure=SecureListener(...))")
        return self.secure.bootstrap

    @property
    def pid(self) -> int | None:
        """The broker's process id while it runs."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    @property
    def log_path(self) -> Path:
        return self.workdir / "broker.log"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def config_path(self) -> Path:
        return self.workdir / "server.properties"

    @property
    def keystore_path(self) -> Path:
        """The SASL_SSL listener's PEM key store (key, then certificate chain), written at start."""
        return self.workdir / "keystore.pem"

    # -- configuration

    def config(self) -> dict[str, str]:
        """The broker's server.properties as a dict (``extra_config`` wins)."""
        cport = self.controller_port
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{cport}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{cport}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "auto.create.topics.enable": "false",
            "group.initial.rebalance.delay.ms": "0",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
        }
        if self.secure is not None:
            props.update(self._secure_config(self.secure))
        props.update(self.extra_config)
        return props

    def _secure_config(self, secure: SecureListener) -> dict[str, str]:
        """The SASL_SSL listener beside PLAINTEXT; brokers and controller keep talking PLAINTEXT."""
        cport = self.controller_port
        prefix = f"listener.name.{SECURE_LISTENER.lower()}"
        props = {
            "listeners": f"PLAINTEXT://{HOST}:{self.port},{SECURE_LISTENER}://{HOST}:{secure.port},"
            f"CONTROLLER://{HOST}:{cport}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port},{SECURE_LISTENER}://{HOST}:{secure.port}",
            "listener.security.protocol.map": f"CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,"
            f"{SECURE_LISTENER}:{SECURE_LISTENER}",
            f"{prefix}.sasl.enabled.mechanisms": ",".join(secure.enabled_mechanisms),
            f"{prefix}.ssl.keystore.type": "PEM",
            f"{prefix}.ssl.keystore.location": str(self.keystore_path),
            f"{prefix}.ssl.client.auth": "none",
        }
        for mechanism in secure.mechanisms:
            props[f"{prefix}.{mechanism.lower()}.sasl.jaas.config"] = _SCRAM_LOGIN
        if secure.plain_users:
            users = " ".join(f'user_{name}="{password}"' for name, password in secure.plain_users.items())
            props[f"{prefix}.plain.sasl.jaas.config"] = f"{_PLAIN_LOGIN} {users};"
        return props

    def _write_keystore(self, secure: SecureListener) -> None:
        try:
            key = secure.keyfile.read_text(encoding="ascii")
            chain = secure.certfile.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise BrokerError(f"cannot read the SASL_SSL listener's certificate or key: {exc}") from exc
        if "-----BEGIN PRIVATE KEY-----" not in key:
            raise BrokerError(f"{secure.keyfile}: the key must be unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)")
        if "-----BEGIN CERTIFICATE-----" not in chain:
            raise BrokerError(f"{secure.certfile}: no PEM certificate in it")
        self.keystore_path.write_text(key.rstrip() + "\n" + chain.rstrip() + "\n", encoding="ascii")
        self.keystore_path.chmod(0o600)

    def _write_config(self) -> None:
        lines = [f"{key}={value}" for key, value in self.config().items()]
        self.config_path.write_text("\n".join(lines) + "\n")
        self._log4j_path().write_text(
            "\n".join(
                [
                    "status = warn",
                    "shutdownHook = disable",
                    "appender.file.type = File",
                    "appender.file.name = file",
                    f"appender.file.fileName = {self.log_path}",
                    "appender.file.append = true",
                    "appender.file.layout.type = PatternLayout",
                    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = file",
                    "logger.request.name = kafka.request.logger",
                    "logger.request.level = WARN",
                ]
            )
            + "\n"
        )

    def _log4j_path(self) -> Path:
        return self.workdir / "log4j2.properties"

    def _java(self, libs: Path, main: str, *args: str) -> list[str]:
        return [
            require("java"),
            *HEAP_OPTS,
            *JVM_OPTS,
            f"-Dlog4j2.configurationFile={self._log4j_path()}",
            "-cp",
            str(libs / "*"),
            main,
            *args,
        ]

    def _format(self, libs: Path) -> None:
        if (self.data_dir / "meta.properties").is_file():
            return
        args = ("format", "-t", _cluster_id(), "-c", str(self.config_path))
        cmd = self._java(libs, "kafka.tools.StorageTool", *args)
        with self.log_path.open("ab") as log:
            code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if code != 0:
            raise BrokerError(f"formatting the KRaft store failed (exit {code}):\n{_tail(self.log_path)}")

    # -- lifecycle

    def start(self, timeout: float = 60.0) -> None:
        """Format the store if needed, launch the broker and wait until it answers."""
        if self.pid is not None:
            raise BrokerError(f"Kafka broker on {self.bootstrap} is already running (pid {self.pid})")
        java = require("java")
        if (major := _java_major(java)) < MIN_JAVA:
            raise BrokerError(f"java {major} is too old: {INSTALL_HINTS['java']}")
        libs = fetch()
        ports = (self.port, self.controller_port, *((self.secure.port,) if self.secure else ()))
        for port in ports:
            if port_in_use(port):
                raise BrokerError(f"port {port} on {HOST} is already in use")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.secure is not None:
            self._write_keystore(self.secure)
        self._write_config()
        self._format(libs)
        cmd = self._java(libs, "kafka.Kafka", str(self.config_path))
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                start_new_session=True,
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                self._proc = None
                raise BrokerError(f"Kafka broker exited early (exit {code}):\n{_tail(self.log_path)}")
            if is_ready(HOST, self.port, timeout=1.0) and (self.secure is None or port_in_use(self.secure.port)):
                return
            time.sleep(0.25)
        raise BrokerError(
            f"Kafka broker on {self.bootstrap} did not answer within {timeout:.0f}s:\n{_tail(self.log_path)}"
        )

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the broker's process group, SIGKILL it after ``timeout`` seconds."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            terminate(proc.pid, timeout)
        proc.wait()

    def kill(self) -> None:
        """SIGKILL the broker at once (no clean shutdown), e.g. for fault tests."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def restart(self, timeout: float = 60.0) -> None:
        """Stop (if running) and start again on the same data dir and ports."""
        self.stop()
        self.start(timeout)

    def cleanup(self) -> None:
        """Stop, then remove the workdir if this broker created it."""
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> DevBroker:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        secure = f", secure_bootstrap={self.secure.bootstrap!r}" if self.secure else ""
        return f"DevBroker(bootstrap={self.bootstrap!r}{secure}, workdir={str(self.workdir)!r}, pid={self.pid})"
