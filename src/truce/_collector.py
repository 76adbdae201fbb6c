"""The cyclic garbage collector, paused while a bulk step makes objects that all live on.

Reading a log of 100,000 events or folding it makes hundreds of thousands of objects
that outlive the step (events, their parsed lines, the ledger's lists), so none of them is
garbage; yet each 700 allocations wake the collector, and every so often it walks all of
them, which costs as much as the work itself. Reference counting still frees what dies;
the collector runs again as soon as the step ends, and a step that raises ends too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the ``with`` block, if it was on (nested pauses leave it to the outer one)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
