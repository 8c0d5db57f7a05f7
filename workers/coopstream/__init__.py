"""coopstream: structured events from defence and security-cooperation news."""

from importlib import metadata

try:
    __version__ = metadata.version("coopstream")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
