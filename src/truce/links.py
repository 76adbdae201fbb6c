"""Links between agreements: the ceasefire that replaced a collapsed one, and the reverse.

An agreement that collapsed keeps its own record; the one that followed is a separate
agreement with its own terms. ``supersedes`` / ``superseded_by`` in the definitions link
them, and these functions follow the links to the bundled agreement at the other end.
"""

from __future__ import annotations

from truce.ceasefire import Ceasefire
from truce.opening import load

__all__ = ["predecessor", "successor"]


def successor(of: Ceasefire | str) -> Ceasefire | None:
    """The bundled agreement that superseded ``of`` (a name or a loaded ceasefire), loaded; None if none.

    >>> import truce
    >>> truce.successor("lebanon-2024").agreement.id
    'israel-lebanon-2026'
    >>> truce.successor("gaza-2025") is None
    True
    """
    return _follow(of, "superseded_by")


def predecessor(of: Ceasefire | str) -> Ceasefire | None:
    """The bundled agreement that ``of`` superseded, loaded; None if none.

    >>> import truce
    >>> truce.predecessor("us-iran-2026").phase
    'collapsed'
    """
    return _follow(of, "supersedes")


def _follow(of: Ceasefire | str, field: str) -> Ceasefire | None:
    ceasefire = load(of) if isinstance(of, str) else of
    names: tuple[str, ...] = getattr(ceasefire.agreement, field)
    return load(names[0]) if names else None
