"""``python -m truce``: the same as the ``truce`` command."""

from truce.cli import main

if __name__ == "__main__":
    main()
