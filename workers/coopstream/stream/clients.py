"""kafka-python client options from the settings: brokers, client id, SASL and TLS.

Passwords reach kafka-python as ``MaskedSecret`` strings: the same characters for the SASL
exchange and the key file, but ``**********`` wherever they are formatted or printed (the admin
client logs its whole configuration at debug level, for one). kafka-python also logs every
request and response at debug level, SASL ones included, and the raw bytes it sends and receives
(a PLAIN login holds the password in clear): with SASL on, those lines show the SASL message
type only, and the byte count instead of the bytes.

The checks before any client starts (a reachable broker, an accepted login) are in ``preflight``.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from pydantic import SecretStr

from coopstream.config import Settings

MASK = "**********"
# kafka-python's loggers that write requests, responses or raw bytes at debug level
WIRE_LOGGERS = ("kafka.net.connection", "kafka.protocol.parser")


class MaskedSecret(str):
    """A password that prints as ``**********``; its characters are still the password's."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)


class HideSaslMessages(logging.Filter):
    """In a log line's arguments: a SASL request or response becomes its type name, raw bytes their count."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_hidden(arg) is not arg for arg in record.args):
            record.args = tuple(_hidden(arg) for arg in record.args)
        return True


class _Shown:
    """Stands in for a hidden argument; prints the same with %s and %r."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def _hidden(arg: object) -> object:
    if type(arg).__name__.startswith("Sasl"):
        return _Shown(f"{type(arg).__name__}(...)")
    if isinstance(arg, bytes | bytearray | memoryview):
        return _Shown(f"<{len(arg)} bytes>")
    return arg


def hide_sasl_messages() -> None:
    """Install ``HideSaslMessages`` on kafka-python's wire loggers (once)."""
    for name in WIRE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideSaslMessages) for f in logger.filters):
            logger.addFilter(HideSaslMessages())


def connection_options(s: Settings) -> dict[str, Any]:
    """Options every kafka-python client (consumer, producer, admin) shares."""
    options: dict[str, Any] = {
        "bootstrap_servers": [part.strip() for part in s.bootstrap_servers.split(",")],
        "client_id": s.client_id,
        "security_protocol": s.security_protocol,
    }
    if s.security_protocol.startswith("SASL"):
        hide_sasl_messages()
        options["sasl_mechanism"] = s.sasl_mechanism
        options["sasl_plain_username"] = s.sasl_username
        options["sasl_plain_password"] = _masked(s.sasl_password)
    if s.security_protocol.endswith("SSL"):
        options["ssl_check_hostname"] = s.ssl_check_hostname
        for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            value = getattr(s, name)
            if value is not None:
                options[name] = str(value)
        if s.ssl_password is not None:
            options["ssl_password"] = _masked(s.ssl_password)
    return options


def _masked(secret: SecretStr | None) -> MaskedSecret | None:
    return None if secret is None else MaskedSecret(secret.get_secret_value())


def transactional_id(s: Settings) -> str:
    """Stable per worker instance: the setting, else group id + instance id (or host name)."""
    if s.transactional_id:
        return s.transactional_id
    return f"{s.group_id}-{s.group_instance_id or socket.gethostname()}"


def topic_names(s: Settings) -> tuple[str, str, str, str]:
    return s.input_topic, s.output_topic, s.engagements_topic, s.dlq_topic
