"""The development Apache Kafka: a real single-node KRaft broker for local runs, the demo and the tests.

    fetch    the broker's jars from Maven Central through ``mvn`` (see ``pom.xml``), cached
    probe    free ports, readiness from the broker's own answers (no Kafka client), processes
    server   ``DevBroker`` and its optional SASL_SSL ``SecureListener``
    __main__ ``python -m coopstream.dev.broker up|down|status``: a detached broker (``make broker-up``)

Standard library only.
"""

from coopstream.dev.broker.fetch import KAFKA_VERSION, cache_dir, fetch
from coopstream.dev.broker.probe import api_versions, free_port, is_ready, pid_alive, terminate
from coopstream.dev.broker.server import SCRAM_MECHANISMS, DevBroker, SecureListener
from coopstream.errors import BrokerError

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
