"""One development broker for the security checks: its PLAINTEXT listener (readiness probe and
administration) and a SASL_SSL listener with a certificate made by the session, a SCRAM user the
session creates, and a fixed PLAIN user."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from coopstream.dev.broker import DevBroker, SecureListener, free_port
from support.security import MECHANISM, Login, Pki, SecureBroker, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def secure_broker(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[SecureBroker]:
    from kafka import KafkaAdminClient
    from kafka.admin import UserScramCredentialUpsertion

    plain = Login(f"plain{secrets.token_hex(3)}", f"Plain-{secrets.token_hex(12)}", "PLAIN")
    scram = Login(f"svc{secrets.token_hex(3)}", f"Scram-{secrets.token_urlsafe(18)}", MECHANISM)
    listener = SecureListener(free_port(), pki.broker_cert, pki.broker_key, plain_users={plain.user: plain.password})
    broker = DevBroker(port=free_port(), workdir=tmp_path_factory.mktemp("kafka-secure"), secure=listener)
    try:
        broker.start(timeout=90)
        admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)  # the PLAINTEXT listener
        try:
            errors = admin.alter_user_scram_credentials(
                [UserScramCredentialUpsertion(scram.user, scram.mechanism, scram.password)]
            )
        finally:
            admin.close()
        assert errors == {scram.user: None}
        yield SecureBroker(broker, pki, scram, plain)
    finally:
        broker.stop()
