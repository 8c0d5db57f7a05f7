"""What the worker tells its operators: logs, metrics, health."""

from coopstream.observability.health import Health, HealthServer
from coopstream.observability.logs import configure_logging, get_logger
from coopstream.observability.metrics import Metrics

__all__ = ["Health", "HealthServer", "Metrics", "configure_logging", "get_logger"]
