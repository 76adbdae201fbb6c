"""``python -m truce`` and the ``truce`` command: :func:`truce.cli.main` run as a program."""

import gc
import sys


def run() -> int:
    """Run the command line (``sys.argv``) and return its exit code; the ``truce`` command's entry point.

    A program owns its process, as a library does not, so here, and only here, start-up
    spares the garbage collector work that finds nothing (Mercurial's ``nogc`` does the
    same): importing truce makes tens of thousands of objects that live as long as the
    process, and the collector would walk them again every few hundred allocations and once
    more at exit. They are frozen (``gc.freeze``) once imported and again before exit; what
    the command itself makes is collected as ever. About a tenth of ``truce blockers``'
    wall time (docs/performance.md). :func:`truce.cli.main` itself, which tests call, does
    none of this.
    """
    gc.disable()
    try:
        from truce.cli import main
    finally:
        gc.freeze()
        gc.enable()
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
