"""``python -m truce``: the same as the ``truce`` command."""

import sys

from truce.cli import main

if __name__ == "__main__":
    sys.exit(main())
