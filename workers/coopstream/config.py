"""Settings: one frozen object, read once from ``COOPSTREAM_*`` variables and command-line flags.

Every field has an environment variable (``COOPSTREAM_`` + the name in capitals)
and a flag (``--`` + the name with dashes) of the same meaning; a flag wins over
the variable. A bad value stops start-up with a message naming the setting; so does a
``COOPSTREAM_*`` variable that names no setting (with the closest name that does). Enumerated
values are accepted in any case (``EXACTLY-ONCE``, ``Json``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coopstream.errors import ConfigError

ENV_PREFIX = "COOPSTREAM_"
# the settings of the commands that only talk to the brokers (produce, topics create)
CONNECTION_SETTINGS = (
    "bootstrap_servers",
    "client_id",
    "connect_timeout_s",
    "security_protocol",
    "sasl_mechanism",
    "sasl_username",
    "sasl_password",
    "ssl_cafile",
    "ssl_certfile",
    "ssl_keyfile",
    "ssl_password",
    "ssl_check_hostname",
)
TOPIC_SETTINGS = ("input_topic", "output_topic", "engagements_topic", "dlq_topic")
# COOPSTREAM_* variables that are not settings of the commands: the development broker's jar cache
OTHER_VARIABLES = frozenset({"COOPSTREAM_CACHE_DIR"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid", case_sensitive=False)

    # Kafka
    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    group_id: str = Field("coopstream", description="consumer group of the workers")
    input_topic: str = Field("articles.raw", description="topic of raw articles")
    output_topic: str = Field("articles.enriched", description="topic of enriched events")
    engagements_topic: str = Field("cooperation.engagements", description="topic of engagement records")
    dlq_topic: str = Field("articles.dlq", description="dead-letter topic")
    delivery: Literal["at-least-once", "exactly-once"] = Field("at-least-once", description="delivery guarantee")
    group_instance_id: str | None = Field(None, description="static membership id (e.g. the pod name)")
    transactional_id: str | None = Field(
        None, description="transactional id in exactly-once mode (default: group id + instance id)"
    )
    client_id: str = Field("coopstream", description="Kafka client id")
    connect_timeout_s: float = Field(
        10.0, gt=0, le=600, description="start-up fails when no bootstrap server answers within this time"
    )
    # batching and timing
    batch_size: int = Field(200, ge=1, le=10000, description="records per poll at most")
    poll_timeout_ms: int = Field(500, ge=10, le=60000, description="how long one poll waits for records")
    commit_interval_ms: int = Field(0, ge=0, le=600000, description="commit at most this often (0: after every batch)")
    max_poll_interval_ms: int = Field(300000, ge=10000, description="Kafka max.poll.interval.ms")
    session_timeout_ms: int = Field(45000, ge=6000, description="Kafka session.timeout.ms")
    drain_timeout_s: float = Field(25.0, gt=0, le=600, description="bound on draining at shutdown or revoke")
    max_record_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="larger records go to the dead-letter topic")
    # enrichment processes
    enrich_processes: str = Field(
        "1",
        description="processes that enrich the records of a batch in parallel: 1 (in the worker's own process), "
        "N (child processes), or auto (the cores the container may use)",
    )
    record_timeout_s: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="with enrichment processes, a record enriched for longer is dead-lettered (reason timeout)",
    )
    # topics create
    topic_partitions: int = Field(6, ge=1, le=10000, description="partitions of created topics")
    topic_replication: int = Field(1, ge=1, le=32, description="replication factor of created topics")
    # security
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field("PLAINTEXT")
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(None)
    sasl_username: str | None = Field(None)
    sasl_password: SecretStr | None = Field(None)
    ssl_cafile: Path | None = Field(None, description="CA bundle to verify the brokers")
    ssl_certfile: Path | None = Field(None, description="client certificate (mutual TLS)")
    ssl_keyfile: Path | None = Field(None, description="client key (mutual TLS)")
    ssl_password: SecretStr | None = Field(None, description="password of the client key")
    ssl_check_hostname: bool = Field(True)
    # observability
    metrics_host: str = Field("0.0.0.0", description="address the metrics and health server binds")
    metrics_port: int = Field(8000, ge=0, le=65535, description="port of /metrics, /healthz, /readyz (0: any)")
    log_format: Literal["auto", "json", "console"] = Field("auto", description="auto: JSON unless on a terminal")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info")
    health_stale_s: float = Field(
        0,
        ge=0,
        le=3600,
        description="/healthz fails when the poll loop has not "
        "polled for this long (0: max(60, 2 x poll timeout) seconds)",
    )
    # enrichment knowledge
    knowledge_dir: Path | None = Field(None, description="folder of knowledge files replacing the packaged ones")
    themes_file: Path | None = Field(None, description="theme cue file replacing the packaged themes.json")

    @field_validator("*", mode="before")
    @classmethod
    def _any_case(cls, v: Any, info: Any) -> Any:
        """An enumerated value in any case is the choice it spells."""
        choices = choices_of(info.field_name)
        if isinstance(v, str) and choices:
            for choice in choices:
                if v.strip().lower() == choice.lower():
                    return choice
        return v

    @field_validator("bootstrap_servers")
    @classmethod
    def _servers(cls, v: str) -> str:
        for part in v.split(","):
            if "://" in part:
                raise ValueError(f"{part.strip()!r} is a URL; a bootstrap server is host:port (e.g. kafka:9092)")
            host, _, port = part.strip().rpartition(":")
            if not host or "/" in host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{part.strip()!r} is not host:port")
        return v

    @field_validator("enrich_processes")
    @classmethod
    def _processes(cls, v: str) -> str:
        v = str(v).strip().lower()
        if v == "auto" or (v.isdigit() and 1 <= int(v) <= 64):
            return v if v == "auto" else str(int(v))
        raise ValueError(f"{v!r} is neither a number of processes from 1 to 64 nor auto")

    @field_validator("knowledge_dir")
    @classmethod
    def _dir_exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_dir():
            raise ValueError(f"{v} is not a folder")
        return v

    @field_validator("themes_file", "ssl_cafile", "ssl_certfile", "ssl_keyfile")
    @classmethod
    def _file_exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"{v} is not a file")
        return v

    @model_validator(mode="after")
    def _security(self) -> Settings:
        sasl = self.security_protocol.startswith("SASL")
        if sasl and (not self.sasl_mechanism or not self.sasl_username or self.sasl_password is None):
            raise ValueError("SASL needs sasl_mechanism, sasl_username and sasl_password")
        return self

    def safe_dump(self) -> dict[str, Any]:
        """The settings for a log line: secrets masked."""
        out = self.model_dump(mode="json")
        for name in ("sasl_password", "ssl_password"):
            if out.get(name):
                out[name] = "**********"
        return out


def choices_of(name: str) -> tuple[str, ...]:
    """The values an enumerated setting takes (empty for the others)."""
    field = Settings.model_fields.get(name)
    if field is None:
        return ()
    values: list[str] = []
    annotation = field.annotation
    members = (annotation,) if typing.get_origin(annotation) is Literal else typing.get_args(annotation)
    for arg in members:
        if typing.get_origin(arg) is Literal:
            values.extend(str(x) for x in typing.get_args(arg))
    return tuple(values)


def env_name(name: str) -> str:
    return f"{ENV_PREFIX}{name.upper()}"


def add_flags(parser: argparse.ArgumentParser, only: tuple[str, ...] | None = None) -> None:
    """One flag per setting, with its variable, its choices and its default in the help."""
    for name, field in Settings.model_fields.items():
        if only is not None and name not in only:
            continue
        default = field.default
        if "password" in name and default is not None:
            shown = "**********"
        elif default is None:
            shown = "none"
        elif isinstance(default, bool):
            shown = str(default).lower()
        else:
            shown = str(default)
        choices = choices_of(name)
        metavar = "{" + ",".join(choices) + "}" if choices else "VALUE"
        what = field.description or name.replace("_", " ")
        help_text = f"{what} [env {env_name(name)}; default {shown}]"
        parser.add_argument("--" + name.replace("_", "-"), dest=name, default=None, metavar=metavar, help=help_text)


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """``COOPSTREAM_*`` variables that name no setting, each with the closest setting's variable if any."""
    known = [env_name(name) for name in Settings.model_fields]
    problems = []
    for variable in sorted(environ):
        upper = variable.upper()
        if not upper.startswith(ENV_PREFIX) or upper in known or upper in OTHER_VARIABLES:
            continue
        suffixes = [name.upper() for name in Settings.model_fields]
        close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX), suffixes, n=1, cutoff=0.6)
        hint = f": did you mean {ENV_PREFIX}{close[0]}?" if close else ""
        problems.append(f"{variable} is not a setting{hint}")
    return problems


def load_settings(args: argparse.Namespace | None = None) -> Settings:
    """Environment first, flags over it; a bad value, or a variable that names no setting, raises
    ConfigError naming it."""
    unknown = unknown_variables(os.environ)
    if unknown:
        raise ConfigError("unknown setting: " + "; ".join(unknown))
    overrides = {}
    if args is not None:
        overrides = {k: v for k, v in vars(args).items() if k in Settings.model_fields and v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ".".join(str(x) for x in err["loc"]) or "settings"
            label = f"{env_name(name)} / --{name.replace('_', '-')}" if name in Settings.model_fields else name
            problems.append(f"{label}: {err['msg']}")
        raise ConfigError("bad setting: " + "; ".join(problems)) from exc
