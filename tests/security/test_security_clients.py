"""Settings to kafka-python options for each security protocol, passwords that print as a mask, the
log filter for kafka-python's wire logging, and when the start-up login check stops the worker.
No broker: the live checks are in test_security_tls_sasl.py."""

from __future__ import annotations

import copy
import io
import json
import logging
import pickle
import ssl
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, SaslAuthenticationFailedError
from kafka.protocol.sasl import SaslAuthenticateRequest

from coopstream.config import Settings, load_settings
from coopstream.errors import ConfigError, LoginRefused
from coopstream.stream import preflight
from coopstream.stream.clients import WIRE_LOGGERS, HideSaslMessages, MaskedSecret, connection_options
from coopstream.stream.preflight import check_login
from support.security import MASK, assert_no_secret

pytestmark = pytest.mark.security

SASL_PASSWORD = "sasl-Secret-41x"
KEY_PASSWORD = "key-Secret-97y"
SASL_KEYS = {"sasl_mechanism", "sasl_plain_username", "sasl_plain_password"}
SSL_KEYS = {"ssl_check_hostname", "ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    names = {"ssl_cafile": "ca.pem", "ssl_certfile": "client.pem", "ssl_keyfile": "client.key"}
    for name in names.values():
        (tmp_path / name).write_text("-----BEGIN CERTIFICATE-----\n")
    return {key: str(tmp_path / name) for key, name in names.items()}


def settings(protocol: str, files: dict[str, str], **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "bootstrap_servers": "b1:9093, b2:9093",
        "client_id": "cid",
        "security_protocol": protocol,
        **files,
        "ssl_password": KEY_PASSWORD,
        "ssl_check_hostname": False,
    }
    if protocol.startswith("SASL"):
        values.update(sasl_mechanism="SCRAM-SHA-512", sasl_username="svc", sasl_password=SASL_PASSWORD)
    values.update(extra)
    return Settings(**values)


@pytest.mark.parametrize(
    ("protocol", "sasl", "tls"),
    [
        ("PLAINTEXT", False, False),
        ("SSL", False, True),
        ("SASL_PLAINTEXT", True, False),
        ("SASL_SSL", True, True),
    ],
)
def test_each_protocol_maps_to_its_options(protocol: str, sasl: bool, tls: bool, files: dict[str, str]) -> None:
    options = connection_options(settings(protocol, files))
    assert options["bootstrap_servers"] == ["b1:9093", "b2:9093"]
    assert options["client_id"] == "cid" and options["security_protocol"] == protocol
    assert options.keys() & SASL_KEYS == (SASL_KEYS if sasl else set())
    assert options.keys() & SSL_KEYS == (SSL_KEYS if tls else set())
    if sasl:
        assert options["sasl_mechanism"] == "SCRAM-SHA-512" and options["sasl_plain_username"] == "svc"
        assert options["sasl_plain_password"] == SASL_PASSWORD
        assert isinstance(options["sasl_plain_password"], MaskedSecret)
    if tls:
        assert options["ssl_check_hostname"] is False
        assert {k: options[k] for k in files} == files
        assert options["ssl_password"] == KEY_PASSWORD and isinstance(options["ssl_password"], MaskedSecret)
    # every option is one each kafka-python client knows
    for client in (KafkaConsumer, KafkaProducer, KafkaAdminClient):
        assert options.keys() <= client.DEFAULT_CONFIG.keys(), client.__name__
    assert_no_secret(repr(options) + str(options), SASL_PASSWORD, KEY_PASSWORD)


def test_optional_tls_files_are_left_out(files: dict[str, str]) -> None:
    options = connection_options(settings("SASL_SSL", {"ssl_cafile": files["ssl_cafile"]}, ssl_password=None))
    assert "ssl_certfile" not in options and "ssl_keyfile" not in options and "ssl_password" not in options
    assert options["ssl_cafile"] == files["ssl_cafile"]


def test_a_masked_secret_prints_as_the_mask_and_keeps_its_characters() -> None:
    secret = MaskedSecret("hunter2-Z")
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        "%s" % secret,  # noqa: UP031  (the %-format path, on purpose)
        "%r" % secret,  # noqa: UP031
        "{}".format(secret),  # noqa: UP032  (the str.format path, on purpose)
        repr({"p": secret}),
        str([secret]),
    ]
    assert all("hunter2" not in text and MASK in text for text in shown), shown
    # what kafka-python does with it: PLAIN joins it, SCRAM encodes it, ssl reads it as str
    assert secret == "hunter2-Z" and secret.encode() == b"hunter2-Z"
    assert "\0".join(["u", "u", secret]).encode() == b"u\0u\0hunter2-Z"
    assert copy.deepcopy(secret).encode() == pickle.loads(pickle.dumps(secret)).encode() == b"hunter2-Z"
    # a JSON encoder reads the characters of a str subclass: never give one to a JSON log event
    assert json.dumps(secret) == '"hunter2-Z"'


def test_settings_never_show_a_password(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    s = settings("SASL_SSL", files)
    dump = s.safe_dump()
    assert dump["sasl_password"] == MASK and dump["ssl_password"] == MASK
    assert_no_secret(json.dumps(dump) + repr(s) + str(s), SASL_PASSWORD, KEY_PASSWORD)
    # a bad setting beside the secrets: the message names the setting, not the secrets
    monkeypatch.setenv("COOPSTREAM_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("COOPSTREAM_SASL_PASSWORD", SASL_PASSWORD)
    monkeypatch.setenv("COOPSTREAM_SSL_PASSWORD", KEY_PASSWORD)
    monkeypatch.setenv("COOPSTREAM_BATCH_SIZE", "0")
    with pytest.raises(ConfigError, match="COOPSTREAM_BATCH_SIZE") as bad_size:
        load_settings()
    monkeypatch.delenv("COOPSTREAM_BATCH_SIZE")
    with pytest.raises(ConfigError, match="SASL needs sasl_mechanism") as no_mechanism:
        load_settings()
    assert_no_secret(f"{bad_size.value} {no_mechanism.value}", SASL_PASSWORD, KEY_PASSWORD)
    # the help lists the settings with defaults, not the values in the environment
    from coopstream.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert "--sasl-password" in out
    assert_no_secret(out, SASL_PASSWORD, KEY_PASSWORD)


def test_wire_logging_shows_no_sasl_message_or_raw_bytes() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    loggers = [logging.getLogger(name) for name in WIRE_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        connection_options(settings("SASL_PLAINTEXT", {}))  # installs the filter, once
        connection_options(settings("SASL_PLAINTEXT", {}))
        assert all(sum(isinstance(f, HideSaslMessages) for f in logger.filters) == 1 for logger in loggers)
        request = SaslAuthenticateRequest(auth_bytes=b"\0svc\0" + SASL_PASSWORD.encode())
        connection, parser = loggers
        connection.debug("%s Request %d: %s", "conn", 3, request)
        parser.debug("%s Sending request %d %s", "node", 3, request)
        parser.debug("%s Send: %r", "node", bytearray(b"\0\0\0\x10" + SASL_PASSWORD.encode()))
        parser.debug("%s Recv: %r", "node", b"\0\0\0\x02ok")
        connection.debug("%s: Response %d (%s ms): %s", "conn", 4, 1.5, "MetadataResponse(brokers=[])")
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
    text = stream.getvalue()
    assert_no_secret(text, SASL_PASSWORD)
    assert text.count("SaslAuthenticateRequest(...)") == 2
    assert "Send: <19 bytes>" in text and "Recv: <6 bytes>" in text
    assert "Response 4 (1.5 ms): MetadataResponse(brokers=[])" in text  # other lines as they were


# ---------------------------------------------------------------------- when check_login stops the worker


def _failure(error: BaseException, in_login: bool, server: str = "b1:9093") -> Any:
    return preflight._Failure(server, error, in_login)


def _cert_error() -> KafkaConnectionError:
    try:
        try:
            raise ssl.SSLCertVerificationError(1, "certificate verify failed")
        except ssl.SSLCertVerificationError as cause:
            cause.verify_message = "self-signed certificate in certificate chain"
            raise KafkaConnectionError("Handshake failed: certificate verify failed") from cause
    except KafkaConnectionError as exc:
        return exc


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """The answers the connection attempts give, in turn; check_login's tries are counted by what is left."""
    answers: list[list[Any]] = []
    monkeypatch.setattr(preflight, "_connect_once", lambda options, timeout_s: answers.pop(0))
    return answers


def test_no_check_without_security(attempts: list[list[Any]], files: dict[str, str]) -> None:
    check_login(settings("PLAINTEXT", files))  # nothing asked: the answer list is empty


def test_a_refused_login_stops_at_once(attempts: list[list[Any]], files: dict[str, str]) -> None:
    refused = SaslAuthenticationFailedError("SaslAuthenticationFailedError: Authentication failed: invalid credentials")
    attempts.append([_failure(refused, True)])
    with pytest.raises(LoginRefused) as caught:
        check_login(settings("SASL_SSL", files))
    message = str(caught.value)
    assert message == (
        "the broker at b1:9093 refused the SASL login of user 'svc' (SCRAM-SHA-512): Authentication "
        "failed: invalid credentials; check COOPSTREAM_SASL_USERNAME and COOPSTREAM_SASL_PASSWORD"
    )
    assert_no_secret(message, SASL_PASSWORD)


def test_an_untrusted_certificate_stops_at_once(attempts: list[list[Any]], files: dict[str, str]) -> None:
    attempts.append([_failure(_cert_error(), False)])
    with pytest.raises(
        LoginRefused,
        match=r"not trusted: self-signed certificate in certificate chain; check "
        r"COOPSTREAM_SSL_CAFILE$",
    ):
        check_login(settings("SASL_SSL", files))  # ssl_check_hostname is off here: only the CA file to check


def test_a_connection_lost_during_the_login_is_tried_again(attempts: list[list[Any]], files: dict[str, str]) -> None:
    lost = KafkaConnectionError("socket disconnected")
    attempts.extend([[_failure(lost, True)], []])  # then the login goes through
    check_login(settings("SASL_SSL", files))
    assert attempts == []
    attempts.extend([[_failure(lost, True)]] * 3)  # and when it keeps happening
    with pytest.raises(LoginRefused, match="closed the connection during the SASL login of user 'svc'"):
        check_login(settings("SASL_SSL", files), rounds=3)
    assert attempts == []


def test_an_unreachable_broker_is_left_to_the_clients(attempts: list[list[Any]], files: dict[str, str]) -> None:
    attempts.append([_failure(KafkaConnectionError("Connection refused"), False)])
    check_login(settings("SASL_SSL", files))
    attempts.append([_failure(KafkaTimeoutError("no answer"), False)])
    check_login(settings("SASL_SSL", files))
    # one server refuses the login but another cannot be reached: no conclusion either
    refused = SaslAuthenticationFailedError("SaslAuthenticationFailedError: Authentication failed")
    attempts.append([_failure(refused, True), _failure(KafkaConnectionError("refused"), False, "b2:9093")])
    check_login(settings("SASL_SSL", files))
    assert attempts == []
