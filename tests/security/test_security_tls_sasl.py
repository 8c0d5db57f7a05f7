"""TLS and SASL against a real broker: the worker (a separate process, as deployed) connects through the
SASL_SSL listener with a SCRAM user created by the test and a CA made by the test, processes articles
end to end, and never prints a password; wrong credentials or an untrusted CA stop it at start-up
(exit 4, docs/worker.md) with one line that says what to fix."""

from __future__ import annotations

import gc
import json
import time
import uuid
from pathlib import Path

import pytest

from coopstream.config import Settings
from coopstream.dev.broker import free_port
from coopstream.dev.process import WorkerProcess
from coopstream.errors import LoginRefused
from coopstream.stream.preflight import check_login
from support.logs import json_lines
from support.security import MASK, Login, SecureBroker, assert_no_secret, run_cli
from support.stack import Stack

pytestmark = [pytest.mark.security, pytest.mark.integration]

SAMPLES = Path(__file__).resolve().parents[2] / "workers" / "coopstream" / "samples" / "articles.jsonl"
EXIT_BROKER = 4  # docs/worker.md: the brokers could not be reached at start-up
START_UP_BOUND_S = 30  # well under the 30 s + retries the clients alone would take to give up


def _articles(prefix: str, count: int) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**lines[i % len(lines)], "id": f"{prefix}-{i}"} for i in range(count)]


def _failed_start(secure: SecureBroker, tmp_path: Path, name: str, **security: str) -> tuple[int, str, float]:
    """Run the worker with these settings until it exits; its exit code, output and run time."""
    topics = Stack.new(secure.broker, tmp_path, partitions=2, security=secure.security(**security))
    topics.create_topics()
    env = topics.env(metrics_port=str(free_port()))
    worker = WorkerProcess([], env, tmp_path / f"{name}.log", 0).start()
    started = time.monotonic()
    try:
        assert worker.proc is not None
        code = worker.proc.wait(timeout=60)
    finally:
        worker.kill()
    return code, worker.log_path.read_text(encoding="utf-8"), time.monotonic() - started


def _start_failure(output: str) -> dict[str, object]:
    (line,) = [entry for entry in json_lines(output) if entry.get("event") == "worker could not start"]
    return line


def test_worker_processes_articles_through_sasl_ssl_with_scram(secure_broker: SecureBroker, tmp_path: Path) -> None:
    topics = Stack.new(secure_broker.broker, tmp_path, partitions=2, security=secure_broker.security())
    env = topics.env(metrics_port=str(free_port()))
    # the four topics, then the articles, through the SASL_SSL listener with the same settings
    created = run_cli(["topics", "create"], env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.count(": created") == 4, created.stdout
    articles = _articles(topics.uid, 6)
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    produced = run_cli(["produce", str(source)], env)
    assert produced.returncode == 0, produced.stderr
    assert "published 6 record(s)" in produced.stdout
    # the worker, then every event read back through the SASL_SSL listener
    port = int(env["COOPSTREAM_METRICS_PORT"])
    with WorkerProcess([], env, tmp_path / "worker.log", port) as worker:
        worker.wait_ready(timeout=60)
        ids = {str(a["id"]) for a in articles}
        events = topics.read(
            [topics.enriched],
            lambda got: ids <= {json.loads(m.value or b"{}")["article_id"] for m in got},
            timeout=45.0,
            bootstrap=secure_broker.broker.secure_bootstrap,
            **secure_broker.client_options(),
        )
        assert {json.loads(m.value or b"{}")["article_id"] for m in events} == ids
    assert worker.returncode == 0, worker.log_tail()
    output = worker.log_path.read_text(encoding="utf-8")
    # the settings dump names the protocol and masks the password
    (start,) = [e for e in json_lines(output) if e.get("event") == "coopstream worker starting"]
    settings = start["settings"]
    assert isinstance(settings, dict)
    assert settings["security_protocol"] == "SASL_SSL" and settings["sasl_mechanism"] == "SCRAM-SHA-512"
    assert settings["sasl_username"] == secure_broker.scram.user and settings["sasl_password"] == MASK
    for text, where in (
        (output, "worker log"),
        (created.stdout + created.stderr, "topics create output"),
        (produced.stdout + produced.stderr, "produce output"),
    ):
        assert_no_secret(text, secure_broker.scram.password, where=where)


def test_debug_logs_keep_a_plain_password_out(secure_broker: SecureBroker, tmp_path: Path) -> None:
    """At debug level kafka-python logs its whole configuration and every request, the SASL ones
    included; with PLAIN the password travels inside such a request."""
    topics = Stack.new(
        secure_broker.broker, tmp_path, partitions=2, security=secure_broker.security(secure_broker.plain)
    )
    topics.create_topics()
    env = topics.env(metrics_port=str(free_port()), log_level="debug")
    with WorkerProcess([], env, tmp_path / "debug.log", int(env["COOPSTREAM_METRICS_PORT"])) as worker:
        worker.wait_ready(timeout=60)
    assert worker.returncode == 0, worker.log_tail()
    output = worker.log_path.read_text(encoding="utf-8")
    # the lines that would carry it are there, without it
    assert "Starting KafkaAdminClient with configuration" in output
    assert f"'sasl_plain_password': '{MASK}'" in output
    assert "SaslAuthenticateRequest(...)" in output
    assert f"Authenticated as {secure_broker.plain.user} via SASL / Plain" in output
    assert_no_secret(output, secure_broker.plain.password, where="debug log")


def test_wrong_password_stops_the_worker_at_start_up(secure_broker: SecureBroker, tmp_path: Path) -> None:
    wrong = f"Wrong-{uuid.uuid4().hex}"
    code, output, took = _failed_start(secure_broker, tmp_path, "wrong-password", sasl_password=wrong)
    assert code == EXIT_BROKER, output[-3000:]
    assert took < START_UP_BOUND_S
    failure = _start_failure(output)
    assert failure["error_type"] == "LoginRefused" and failure["exit_code"] == EXIT_BROKER
    message = str(failure["error"])
    assert f"SASL login of user '{secure_broker.scram.user}' (SCRAM-SHA-512)" in message, message
    assert "check COOPSTREAM_SASL_USERNAME and COOPSTREAM_SASL_PASSWORD" in message
    assert "\n" not in message
    assert_no_secret(output, wrong, secure_broker.scram.password, where="worker log")


def test_untrusted_ca_stops_the_worker_at_start_up(secure_broker: SecureBroker, tmp_path: Path) -> None:
    code, output, took = _failed_start(secure_broker, tmp_path, "wrong-ca", ssl_cafile=str(secure_broker.pki.other_ca))
    assert code == EXIT_BROKER, output[-3000:]
    assert took < START_UP_BOUND_S
    failure = _start_failure(output)
    message = str(failure["error"])
    assert failure["error_type"] == "LoginRefused", message
    assert f"TLS certificate of the broker at {secure_broker.broker.secure_bootstrap} is not trusted" in message
    assert "check COOPSTREAM_SSL_CAFILE" in message and "\n" not in message
    assert_no_secret(output, secure_broker.scram.password, where="worker log")


def _settings(secure: SecureBroker, login: Login | None = None, **overrides: str) -> Settings:
    return Settings(**secure.security(login, **overrides))


def test_check_login_answers_for_each_case(secure_broker: SecureBroker) -> None:
    check_login(_settings(secure_broker))  # the right SCRAM user
    check_login(_settings(secure_broker, secure_broker.plain))  # the PLAIN user
    wrong_user = Login(f"nobody{uuid.uuid4().hex[:6]}", secure_broker.scram.password, "SCRAM-SHA-512")
    with pytest.raises(LoginRefused, match="SASL login of user 'nobody"):
        check_login(_settings(secure_broker, wrong_user))
    with pytest.raises(LoginRefused, match=r"SASL login of user .* [(]SCRAM-SHA-256[)]"):
        check_login(_settings(secure_broker, sasl_mechanism="SCRAM-SHA-256"))  # the user has 512 only
    with pytest.raises(LoginRefused, match=r"not trusted: .*check COOPSTREAM_SSL_CAFILE"):
        check_login(_settings(secure_broker, ssl_cafile=str(secure_broker.pki.other_ca)))
    # TLS spoken to the PLAINTEXT listener, or nobody listening: no answer about the settings, so
    # nothing is decided here and the clients' own retries and timeouts apply as before
    started = time.monotonic()
    check_login(_settings(secure_broker, bootstrap_servers=secure_broker.broker.bootstrap), timeout_s=3)
    check_login(_settings(secure_broker, bootstrap_servers=f"127.0.0.1:{free_port()}"), timeout_s=3)
    assert time.monotonic() - started < 10
    gc.collect()  # a socket the check left open would be reported now, in this test (warnings are errors)
