"""``python -m coopstream``: the same as the ``coopstream`` command."""

import sys

from coopstream.cli import main

if __name__ == "__main__":  # not when an enrichment process (spawned) imports this module
    sys.exit(main())
