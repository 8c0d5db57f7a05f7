"""The tests' shared support, one package (``tests/support``) registered here for every test."""

import warnings

# kafka-python 3.0 reads its protocol schemas with importlib.resources.read_text/open_text when it is
# imported, which Python 3.11 flags as deprecated. The support plugins import it before pytest's own
# warning filters (pyproject.toml) apply, so it is imported here first with just that warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401

pytest_plugins = [
    "support.environment",
    "support.enrichment",
    "support.brokers",
    "support.fault_brokers",
    "support.secure_broker",
]
