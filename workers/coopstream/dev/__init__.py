"""The development harness: what the demo, the tests and the benchmarks run the worker with.

    broker   a real single-node Apache Kafka (KRaft) fetched with Maven (``make broker-up``)
    process  the worker as a child process (``python -m coopstream run``), its health and metrics
    reader   a group-less reader of whole topics, the way a downstream consumer sees them
    memory   in-memory source and sink with the Kafka semantics the loop relies on, for unit tests

Nothing in the worker's own path imports this package.
"""
