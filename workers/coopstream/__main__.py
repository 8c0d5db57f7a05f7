"""``python -m coopstream``: the same as the ``coopstream`` command."""

import sys

from coopstream.cli import main

sys.exit(main())
