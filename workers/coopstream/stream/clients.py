"""kafka-python client options from the settings: brokers, client id, SASL and TLS."""

from __future__ import annotations

import socket
from typing import Any

from coopstream.config import Settings


def connection_options(s: Settings) -> dict[str, Any]:
    """Options every kafka-python client (consumer, producer, admin) shares."""
    options: dict[str, Any] = {
        "bootstrap_servers": [part.strip() for part in s.bootstrap_servers.split(",")],
        "client_id": s.client_id,
        "security_protocol": s.security_protocol,
    }
    if s.security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = s.sasl_mechanism
        options["sasl_plain_username"] = s.sasl_username
        options["sasl_plain_password"] = s.sasl_password.get_secret_value() if s.sasl_password else None
    if s.security_protocol.endswith("SSL"):
        options["ssl_check_hostname"] = s.ssl_check_hostname
        for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            value = getattr(s, name)
            if value is not None:
                options[name] = str(value)
        if s.ssl_password is not None:
            options["ssl_password"] = s.ssl_password.get_secret_value()
    return options


def transactional_id(s: Settings) -> str:
    """Stable per worker instance: the setting, else group id + instance id (or host name)."""
    if s.transactional_id:
        return s.transactional_id
    return f"{s.group_id}-{s.group_instance_id or socket.gethostname()}"


def topic_names(s: Settings) -> tuple[str, str, str, str]:
    return s.input_topic, s.output_topic, s.engagements_topic, s.dlq_topic
