"""What the tests share, in one package loaded by ``tests/conftest.py`` (``pytest_plugins``).

Plugins (fixtures and hooks, registered for every test):

    environment     every test runs with ``COOPSTREAM_*`` variables removed and the environment restored
    enrichment      the knowledge, the enricher and the seed article, loaded once
    brokers         the session's development broker and a ``Stack`` (topics, a group) per test
    fault_brokers   brokers of the fault-injection tests, and their results table
    secure_broker   a broker with a SASL_SSL listener, certificates and users made by the session

Helpers (imported by tests as ``from support.<module> import ...``):

    paths        where the project's files are
    waiting      ``wait_for``: poll a condition until it holds or a timeout names what was awaited
    logs         JSON log lines of a worker's log file or of captured output
    articles     sample articles, many unique ones, and reading ids out of messages
    stack        ``Stack``: one test's topics, group and workers on a broker (plain or SASL_SSL)
    loop         the worker loop on in-memory fakes, with a fake enrichment
    faults       positions of produced records, committed offsets, a supervisor, the reliability table
    poison       the poison corpus of the fault-injection tests
    security     certificates, logins, searching output for a secret
    deploy       the deployment files and the tools that check them
    container    a Docker engine, a Debian base image and the worker's image, for the container test
"""
