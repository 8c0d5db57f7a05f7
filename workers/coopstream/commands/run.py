"""``coopstream run``: settings, logs, metrics server, knowledge, Kafka clients, then the loop.

Bad settings stop it before it connects to anything; see ``exits`` for every exit code.
"""

from __future__ import annotations

import argparse
import hashlib
from typing import TYPE_CHECKING

from coopstream import __version__, exits
from coopstream.config import Settings, add_flags, load_settings
from coopstream.errors import ConfigError, CoopstreamError, StreamError, WorkerStopped
from coopstream.exits import EXIT_OK, exit_code_for
from coopstream.observability.logs import configure_logging, get_logger

if TYPE_CHECKING:
    from coopstream.observability.health import Health
    from coopstream.observability.metrics import Metrics
    from coopstream.processing import StepRecipe
    from coopstream.schemas import EnrichedEvent, RawArticle
    from coopstream.stream.shutdown import StopFlag

log = get_logger("coopstream.stream")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="run the Kafka worker: raw articles in, enriched events, engagements and dead letters out",
        description="Consume raw articles, publish enriched events and engagement records, dead-letter what "
        "cannot be processed, and commit the input offsets only once all of that is acknowledged. Every "
        "setting below is also read from its COOPSTREAM_* variable; a flag wins over the variable.",
        epilog=exits.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_flags(p)
    # Benchmark only: the same loop with the enrichment replaced by a trivial event (the ceiling).
    p.add_argument("--enricher", choices=("full", "identity"), default="full", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run, parser=p)


def cmd_run(args: argparse.Namespace) -> int:
    from prometheus_client import CollectorRegistry

    from coopstream.observability.health import Health, HealthServer, stale_bound
    from coopstream.observability.metrics import Metrics
    from coopstream.stream.shutdown import StopFlag

    settings = load_settings(args)  # a bad value raises ConfigError naming it: exit 3, nothing started
    configure_logging(settings.log_format, settings.log_level)
    log.info("coopstream worker starting", version=__version__, settings=settings.safe_dump())
    stop = StopFlag().install()  # from here on SIGTERM is honoured, during the start-up too
    registry = CollectorRegistry()
    # silent brokers (a frozen one keeps its sockets open) make it unready within the session timeout
    silent_after_s = settings.session_timeout_ms / 1000
    health = Health(stale_bound(settings.health_stale_s, settings.poll_timeout_ms), silent_after_s=silent_after_s)
    try:
        server = HealthServer(health, registry, settings.metrics_host, settings.metrics_port).start()
    except OSError as exc:
        stop.restore()
        raise ConfigError(
            f"COOPSTREAM_METRICS_PORT / --metrics-port: cannot listen on "
            f"{settings.metrics_host}:{settings.metrics_port}: {exc}"
        ) from exc
    log.info("metrics and health", url=f"http://{settings.metrics_host}:{server.port}/metrics")
    try:
        return _serve(settings, args.enricher, Metrics(registry), health, stop)
    except WorkerStopped as stopped:
        log.info("stopped during start-up", reason=stop.reason, exit_code=stopped.code)
        return stopped.code
    except CoopstreamError as exc:
        code = exit_code_for(exc)
        log.error("worker could not start", error=str(exc), error_type=type(exc).__name__, exit_code=code)
        return code
    finally:
        server.close()
        stop.restore()


def _serve(settings: Settings, enricher: str, metrics: Metrics, health: Health, stop: StopFlag) -> int:
    from coopstream.processing import make_processing, processes_wanted
    from coopstream.stream.admin import missing_topics
    from coopstream.stream.kafka_sink import KafkaSink
    from coopstream.stream.kafka_source import KafkaSource
    from coopstream.stream.worker import Worker

    if enricher == "identity":
        log.warning("enrichment replaced by identity: benchmark ceiling only, events carry no enrichment")
    processes = processes_wanted(settings.enrich_processes)
    metrics.enrich_processes.set(processes)

    def stop_if_asked() -> None:
        if stop.requested:
            raise WorkerStopped(EXIT_OK)

    processing = make_processing(
        _recipe(settings, enricher),
        processes,
        settings.record_timeout_s,
        keep_alive=stop_if_asked,
        on_restart=lambda cause: metrics.enrich_restarts.labels(cause=cause).inc(),
    )
    try:
        missing = missing_topics(settings, lambda: stop.requested)  # waits for the brokers, at most connect_timeout_s
        if missing:
            raise StreamError(f"topic(s) {', '.join(missing)} do not exist: run 'coopstream topics create'")
        stop_if_asked()
        source = KafkaSource(settings)
        try:
            sink = KafkaSink(settings)
        except BaseException:
            source.close(5.0)
            raise
    except BaseException:
        processing.close()
        raise
    if sink.transactional_id:
        log.info("exactly-once delivery", transactional_id=sink.transactional_id)
    worker = Worker(settings, source, sink, processing, metrics, health, stop)
    return worker.run()


def _recipe(settings: Settings, enricher: str) -> StepRecipe:
    from coopstream.processing import StepRecipe
    from coopstream.step import Topics

    topics = Topics(settings.output_topic, settings.engagements_topic, settings.dlq_topic)
    return StepRecipe(topics, settings.max_record_bytes, settings.knowledge_dir, settings.themes_file, enricher)


def identity_event(article: RawArticle, processed_at: str) -> EnrichedEvent:
    """A valid event with nothing found: the cost of the loop without the enrichment."""
    from coopstream.schemas import EnrichedEvent, Provenance

    digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()[:32]
    return EnrichedEvent(
        event_id=f"identity-{digest}",
        article_id=article.id,
        title=article.title,
        url=article.url,
        source=article.source,
        published_at=article.published_at,
        language=article.language,
        entities=[],
        countries=[],
        themes=[],
        engagements=[],
        provenance=Provenance(pipeline_version=__version__, knowledge_digest="identity", processed_at=processed_at),
    )
