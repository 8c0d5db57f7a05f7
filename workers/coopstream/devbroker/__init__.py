"""A real single-node Apache Kafka broker (KRaft, broker+controller) for local runs and tests.

The broker's jars come from Maven Central through the machine's ``mvn`` (see ``pom.xml`` beside
this file) and are cached; the broker itself runs as a ``java`` subprocess bound to 127.0.0.1.
Standard library only.

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
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

__all__ = [
    "KAFKA_VERSION",
    "SCRAM_MECHANISMS",
    "BrokerError",
    "DevBroker",
    "SecureListener",
    "api_versions",
    "cache_dir",
    "fetch",
    "free_port",
    "is_ready",
    "pid_alive",
    "terminate",
]

KAFKA_VERSION = "4.3.1"
HOST = "127.0.0.1"
POM = Path(__file__).with_name("pom.xml")
MARKER = ".fetched.json"
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
LOG_TAIL = 30
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
SECURE_LISTENER = "SASL_SSL"
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"
_JAAS_SAFE = re.compile(r"[A-Za-z0-9_.@+=:/-]+")

_INSTALL_HINTS = {
    "java": "install a Java 17+ runtime (Debian: openjdk-17-jre-headless)",
    "mvn": "install Apache Maven (Debian: maven)",
}


class BrokerError(Exception):
    """The development broker could not be fetched, started or stopped."""


# --------------------------------------------------------------------------- fetching


def cache_dir() -> Path:
    """``$COOPSTREAM_CACHE_DIR``, else ``<cwd>/.cache/coopstream``."""
    env = os.environ.get("COOPSTREAM_CACHE_DIR")
    return Path(env) if env else Path.cwd() / ".cache" / "coopstream"


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BrokerError(f"{tool} not found: {_INSTALL_HINTS[tool]}")
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
        _require("mvn"), "-B", "-q", "-ntp", "-Dstyle.color=never", "-f", str(POM),
        "dependency:copy-dependencies", f"-DoutputDirectory={out}",
    ]  # fmt: skip
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
    _require("java")
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


# --------------------------------------------------------------------------- probing


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        buf += chunk
    return bytes(buf)


def _call(host: str, port: int, api_key: int, version: int, body: bytes, timeout: float) -> bytes:
    """Send one request (header v1) and return the response body after the correlation id."""
    correlation = 0x0C00_9092
    client = b"coopstream-devbroker"
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        payload = _recv_exact(sock, size)
    (got,) = struct.unpack_from(">i", payload)
    if got != correlation:
        raise ConnectionError(f"unexpected correlation id {got}")
    return payload[4:]


def api_versions(host: str, port: int, timeout: float = 2.0) -> dict[int, tuple[int, int]]:
    """Ask the broker for its ApiVersions (v0) and return ``{api_key: (min, max)}``."""
    body = _call(host, port, api_key=18, version=0, body=b"", timeout=timeout)
    error, count = struct.unpack_from(">hi", body)
    if error:
        raise ConnectionError(f"ApiVersions error code {error}")
    entries = (struct.unpack_from(">hhh", body, 6 + 6 * i) for i in range(count))
    return {key: (low, high) for key, low, high in entries}


def _live_brokers(host: str, port: int, timeout: float) -> int:
    """Number of unfenced brokers in a Metadata v4 answer (asking for no topics)."""
    body = _call(host, port, api_key=3, version=4, body=struct.pack(">i?", 0, False), timeout=timeout)
    (count,) = struct.unpack_from(">i", body, 4)  # after throttle_time_ms
    return int(count)


def is_ready(host: str, port: int, timeout: float = 2.0) -> bool:
    """True when the broker answers ApiVersions and lists itself as a live broker."""
    try:
        api_versions(host, port, timeout)
        return _live_brokers(host, port, timeout) > 0
    except (OSError, struct.error):
        return False


# --------------------------------------------------------------------------- the broker


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


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def terminate(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM the process group led by ``pid``, then SIGKILL it if it is still there after ``timeout``."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not pid_alive(pid):
            return
    raise BrokerError(f"Kafka broker (pid {pid}) did not exit after SIGKILL")


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
            _require("java"), *HEAP_OPTS, *JVM_OPTS,
            f"-Dlog4j2.configurationFile={self._log4j_path()}",
            "-cp", str(libs / "*"), main, *args,
        ]  # fmt: skip

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
        java = _require("java")
        if (major := _java_major(java)) < MIN_JAVA:
            raise BrokerError(f"java {major} is too old: {_INSTALL_HINTS['java']}")
        libs = fetch()
        ports = (self.port, self.controller_port, *((self.secure.port,) if self.secure else ()))
        for port in ports:
            if _port_in_use(port):
                raise BrokerError(f"port {port} on {HOST} is already in use")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.secure is not None:
            self._write_keystore(self.secure)
        self._write_config()
        self._format(libs)
        cmd = self._java(libs, "kafka.Kafka", str(self.config_path))
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.workdir, start_new_session=True,
            )  # fmt: skip
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
            if is_ready(HOST, self.port, timeout=1.0) and (self.secure is None or _port_in_use(self.secure.port)):
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
