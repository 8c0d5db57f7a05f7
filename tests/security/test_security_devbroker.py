"""The development broker's SASL_SSL listener: its configuration beside the unchanged PLAINTEXT one,
the checks on what it is given, and the live listener of the session (PLAINTEXT still probes and
administers; the SCRAM password is stored nowhere on the broker)."""

from __future__ import annotations

import socket
import ssl
import stat
from pathlib import Path

import pytest

from coopstream.dev.broker import BrokerError, DevBroker, SecureListener, api_versions, is_ready
from coopstream.dev.broker.probe import HOST
from support.security import Pki, SecureBroker, assert_no_secret

pytestmark = pytest.mark.security


def test_without_a_secure_listener_the_configuration_is_as_before(tmp_path: Path) -> None:
    config = DevBroker(port=9999, workdir=tmp_path, controller_port=9998).config()
    assert config["listeners"] == f"PLAINTEXT://{HOST}:9999,CONTROLLER://{HOST}:9998"
    assert config["advertised.listeners"] == f"PLAINTEXT://{HOST}:9999"
    assert config["listener.security.protocol.map"] == "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    assert not [key for key in config if "sasl" in key or "ssl" in key]
    with pytest.raises(BrokerError, match="no SASL_SSL listener"):
        _ = DevBroker(port=9999, workdir=tmp_path).secure_bootstrap


def test_the_secure_listener_sits_beside_plaintext(tmp_path: Path) -> None:
    listener = SecureListener(9997, tmp_path / "c.pem", tmp_path / "k.pem", plain_users={"alice": "pw-1"})
    broker = DevBroker(
        port=9999,
        workdir=tmp_path,
        controller_port=9998,
        secure=listener,
        extra_config={"listener.name.sasl_ssl.ssl.client.auth": "requested"},
    )
    config = broker.config()
    assert broker.secure_bootstrap == f"{HOST}:9997" and broker.bootstrap == f"{HOST}:9999"
    assert config["listeners"] == f"PLAINTEXT://{HOST}:9999,SASL_SSL://{HOST}:9997,CONTROLLER://{HOST}:9998"
    assert config["advertised.listeners"] == f"PLAINTEXT://{HOST}:9999,SASL_SSL://{HOST}:9997"
    assert config["inter.broker.listener.name"] == "PLAINTEXT"
    assert config["listener.security.protocol.map"].split(",") == [
        "CONTROLLER:PLAINTEXT",
        "PLAINTEXT:PLAINTEXT",
        "SASL_SSL:SASL_SSL",
    ]
    assert config["listener.name.sasl_ssl.sasl.enabled.mechanisms"] == "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN"
    assert config["listener.name.sasl_ssl.ssl.keystore.type"] == "PEM"
    assert config["listener.name.sasl_ssl.ssl.keystore.location"] == str(broker.keystore_path)
    assert "ScramLoginModule" in config["listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"]
    assert 'user_alice="pw-1"' in config["listener.name.sasl_ssl.plain.sasl.jaas.config"]
    assert config["listener.name.sasl_ssl.ssl.client.auth"] == "requested"  # extra_config still wins


def test_what_the_listener_is_given_is_checked(tmp_path: Path, pki: Pki) -> None:
    with pytest.raises(BrokerError, match="SASL mechanisms must be among"):
        SecureListener(1, pki.broker_cert, pki.broker_key, mechanisms=("GSSAPI",))
    with pytest.raises(BrokerError, match="letters, digits"):
        SecureListener(1, pki.broker_cert, pki.broker_key, plain_users={"bob": 'quote"d'})
    broker = DevBroker(
        port=9999, workdir=tmp_path, controller_port=9998, secure=SecureListener(9997, pki.broker_cert, pki.ca)
    )
    with pytest.raises(BrokerError, match="unencrypted PKCS#8"):
        broker._write_keystore(broker.secure)  # type: ignore[arg-type]
    broker.secure = SecureListener(9997, pki.broker_key, pki.broker_key)
    with pytest.raises(BrokerError, match="no PEM certificate"):
        broker._write_keystore(broker.secure)
    broker.secure = SecureListener(9997, tmp_path / "missing.pem", pki.broker_key)
    with pytest.raises(BrokerError, match="cannot read"):
        broker._write_keystore(broker.secure)


@pytest.mark.integration
def test_the_live_listener(secure_broker: SecureBroker) -> None:
    broker, pki = secure_broker.broker, secure_broker.pki
    assert is_ready(HOST, broker.port) and 18 in api_versions(HOST, broker.port)  # PLAINTEXT, as before
    # TLS with the certificate made by the session, verified by its CA, for the address
    context = ssl.create_default_context(cafile=str(pki.ca))
    port = broker.secure.port  # type: ignore[union-attr]
    with (
        socket.create_connection((HOST, port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=HOST) as tls,
    ):
        assert tls.version() in {"TLSv1.2", "TLSv1.3"}
        peer = tls.getpeercert()
        assert ("IP Address", HOST) in peer["subjectAltName"]
    # the key store is the broker's own, readable by its owner only
    assert stat.S_IMODE(broker.keystore_path.stat().st_mode) == 0o600
    store = broker.keystore_path.read_text()
    assert store.index("BEGIN PRIVATE KEY") < store.index("BEGIN CERTIFICATE")
    # the SCRAM password went to the broker only as a salted hash: not in its files, not in its log
    for path in broker.workdir.rglob("*"):
        if path.is_file():
            assert_no_secret(path.read_bytes().decode("latin-1"), secure_broker.scram.password, where=str(path))
