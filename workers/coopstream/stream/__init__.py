"""The Kafka shell around the pure enrichment: consume, process, publish, commit.

    ports        the source and sink protocols (and the record and message types)
    kafka_source the source with kafka-python: group member, manual commits, rebalance listener
    kafka_sink   the sink with kafka-python: acks=all, idempotent, transactional when exactly once
    memory       in-memory source and sink for unit tests
    processor    one record to its messages (event, engagements) or a dead letter
    policy       the error policy, in one place
    worker       the loop: poll, process, publish, flush, commit; rebalances; drain
    pacing       batch sizes that keep inside max.poll.interval.ms
    shutdown     SIGTERM/SIGINT flip a flag; a second one exits at once
    exits        the exit codes
    run, produce, topics, demo, commands   the subcommands
"""

import warnings

# kafka-python loads its protocol schemas with importlib.resources.read_text/open_text at import
# time, which Python 3.11 flags as deprecated; import it once here with just that warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401
