"""Text for one line of a REPL: reprs fold whitespace and cut what runs long.

A repr is what a REPL prints for every item of a list, so it must stay one short line
whatever the data holds (a multi-line incident report, a long guard); the full text is
one ``print()`` or ``describe()`` away.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["cited", "one_line", "short", "tagged"]


class _Described(Protocol):
    def describe(self) -> str: ...


#: the longest a repr's text runs before it is cut with an ellipsis
WIDTH = 96


def one_line(text: str, width: int = WIDTH) -> str:
    """``text`` on one line (runs of whitespace, newlines included, become one space), cut at ``width``."""
    folded = " ".join(text.split())
    return folded if len(folded) <= width else folded[: width - 1].rstrip() + "…"


def tagged(kind: str, text: str) -> str:
    """The short repr ``<Kind text>``: one line, cut when long."""
    return f"<{kind} {one_line(text)}>"


def short(item: _Described) -> str:
    """A ``__repr__`` from ``describe()``: ``<PhaseChange 2025-04-02 phase_one -> phase_two (begin)>``."""
    return tagged(type(item).__name__, item.describe())


def cited(item: _Described) -> str:
    """A ``__str__`` from ``describe()``, then the source of the event behind the item, if it has one."""
    source = getattr(getattr(item, "event", None), "source", None)
    cite = getattr(source, "cite", None)
    return item.describe() + (f"\n    [source: {cite()}]" if cite is not None else "")
