"""The Kafka shell around the pure enrichment: consume, process, publish, commit.

    ports        the source and sink protocols (and the record and message types)
    kafka_source the source with kafka-python: group member, manual commits, rebalance listener
    kafka_sink   the sink with kafka-python: acks=all, idempotent, transactional when exactly once
    clients      kafka-python options from the settings (brokers, SASL, TLS), transactional id
    memory       in-memory source and sink for unit tests
    processor    one record to its messages (event, engagements) or a dead letter
    offload      the thread that processes records while the loop keeps the consumer in its group
    policy       the error policy, in one place
    worker       the loop: poll, process, publish, flush, commit; failures; drain
    batch        the bookkeeping of one batch: deliveries, offsets, metrics
    membership   partitions held, offsets not yet committed, rebalance callbacks, idleness
    pacing       batch sizes that keep inside max.poll.interval.ms
    shutdown     SIGTERM/SIGINT flip a flag; a second one exits at once
    exits        the exit codes
    run, produce, topics, demo, commands   the subcommands (demo_report: the demo's summary)
    process, reader   the worker as a child process, and a group-less reader of whole topics
"""

import warnings

# kafka-python loads its protocol schemas with importlib.resources.read_text/open_text at import
# time, which Python 3.11 flags as deprecated; import it once here with just that warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401
