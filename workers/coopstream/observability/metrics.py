"""The worker's Prometheus metrics, registered on a registry the caller passes in.

Label values are bounded: topics and partitions of the worker's own assignment, dead-letter
reason codes, rebalance kinds, entity types and theme ids of the taxonomy; never article
content. The registry also carries the process collector (``process_resident_memory_bytes``,
``process_cpu_seconds_total``, ``process_open_fds``, ...).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

from coopstream import __version__

_PROCESSING_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_END_TO_END_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
REBALANCE_KINDS = ("assigned", "revoked", "lost")


# why an enrichment process was replaced (the ``cause`` label): a record past its time budget, the process
# exited on its own (killed, out of memory), or the batch failed while it worked
RESTART_CAUSES = ("timeout", "died", "abandoned")


class Metrics:
    """Every metric of one worker; tests build it on a fresh ``CollectorRegistry``."""

    def __init__(self, registry: CollectorRegistry, version: str = __version__) -> None:
        self.registry = registry
        ProcessCollector(registry=registry)
        self.records_consumed = Counter(
            "coopstream_records_consumed", "Records read from the input topic", registry=registry
        )
        self.events_published = Counter(
            "coopstream_events_published", "Enriched events acknowledged by the broker", registry=registry
        )
        self.engagements_published = Counter(
            "coopstream_engagements_published", "Engagement records acknowledged by the broker", registry=registry
        )
        self.dead_letters = Counter(
            "coopstream_dead_letters",
            "Dead letters acknowledged by the broker, by reason",
            ["reason"],
            registry=registry,
        )
        self.processing_seconds = Histogram(
            "coopstream_processing_seconds",
            "Time to decode, enrich and encode one record",
            buckets=_PROCESSING_BUCKETS,
            registry=registry,
        )
        self.end_to_end_seconds = Histogram(
            "coopstream_end_to_end_seconds",
            "From the input record's timestamp to the broker's acknowledgement of its outputs",
            buckets=_END_TO_END_BUCKETS,
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "coopstream_consumer_lag",
            "Records behind the high-water mark, per assigned partition",
            ["topic", "partition"],
            registry=registry,
        )
        self.commits = Counter("coopstream_commits", "Offset commits that succeeded", registry=registry)
        self.commit_failures = Counter(
            "coopstream_commit_failures", "Offset commits (or transactions) that failed", registry=registry
        )
        self.rebalances = Counter(
            "coopstream_rebalances", "Partition assignment changes, by kind", ["kind"], registry=registry
        )
        self.assigned_partitions = Gauge(
            "coopstream_assigned_partitions", "Partitions of the input topic this worker holds", registry=registry
        )
        self.themes_emitted = Counter(
            "coopstream_themes_emitted", "Themes in published events, by theme id", ["theme"], registry=registry
        )
        self.entities = Counter(
            "coopstream_entities", "Entities in published events, by type", ["type"], registry=registry
        )
        self.articles_by_language = Counter(
            "coopstream_articles_by_language",
            "Published events by the language whose knowledge enriched them ('none': only the language-independent "
            "passes ran)",
            ["language"],
            registry=registry,
        )
        self.build_info = Gauge(
            "coopstream_build_info", "Always 1; the labels say which build runs", ["version"], registry=registry
        )
        self.last_poll = Gauge(
            "coopstream_last_poll_timestamp_seconds", "Unix time of the poll loop's last poll", registry=registry
        )
        self.produce_failures = Counter(
            "coopstream_produce_failures", "Outputs the broker did not acknowledge", registry=registry
        )
        self.outputs_waiting = Gauge(
            "coopstream_outputs_waiting_seconds",
            "How long the batch in hand has been waiting for the brokers to "
            "acknowledge its outputs (0 when it is not waiting)",
            registry=registry,
        )
        self.enrich_processes = Gauge(
            "coopstream_enrich_processes",
            "Enrichment processes of this worker (1: the records are enriched in the worker's own process)",
            registry=registry,
        )
        self.enrich_restarts = Counter(
            "coopstream_enrich_process_restarts",
            "Enrichment processes replaced, by cause (timeout: a record ran past COOPSTREAM_RECORD_TIMEOUT_S; died: "
            "the process exited on a record; abandoned: the batch failed while it worked)",
            ["cause"],
            registry=registry,
        )
        self.build_info.labels(version=version).set(1)
        self.enrich_processes.set(1)
        for cause in RESTART_CAUSES:
            self.enrich_restarts.labels(cause=cause)
        for kind in REBALANCE_KINDS:
            self.rebalances.labels(kind=kind)

    def set_lag(self, lags: dict[tuple[str, int], int]) -> None:
        for (topic, partition), lag in lags.items():
            self.consumer_lag.labels(topic=topic, partition=str(partition)).set(max(lag, 0))

    def forget_partitions(self, partitions: Iterable[tuple[str, int]]) -> None:
        """Drop the lag series of partitions this worker no longer holds."""
        for topic, partition in partitions:
            with contextlib.suppress(KeyError):
                self.consumer_lag.remove(topic, str(partition))
