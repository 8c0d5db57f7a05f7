"""The Kafka shell around the pure enrichment: consume, process, publish, commit.

    ports        the source and sink protocols (and the record and message types)
    kafka_source the source with kafka-python: group member, manual commits, rebalance listener
    kafka_sink   the sink with kafka-python: acks=all, idempotent, transactional when exactly once
    clients      kafka-python options from the settings (brokers, SASL, TLS), secrets masked in its logs
    preflight    before any client starts: a reachable bootstrap server (bounded), an accepted login
    admin        the worker's topics: which exist, creating them with limits that fit the settings
    publish      raw articles from lines to the input topic (``coopstream produce``, the demo)
    worker       the loop: poll, process, publish, flush, commit; failures through the error policy; drain
    batch        the bookkeeping of one batch: deliveries, offsets, metrics
    membership   partitions held, offsets not yet committed (their one owner), rebalance callbacks, idleness
    offload      the thread that processes records while the loop keeps the consumer in its group
    pacing       batch sizes that keep inside max.poll.interval.ms
    shutdown     SIGTERM/SIGINT flip a flag; a second one exits at once

The record step (``coopstream.step``) and the error policy (``coopstream.policy``) are shared with
``coopstream enrich`` and live beside this package. Importing this package does not load the Kafka
client: only ``kafka_source``, ``kafka_sink``, ``clients``, ``preflight``, ``admin`` and ``publish`` do.
"""
