"""Limits on what truce will read, so a hostile or broken file fails fast with a clear error.

The defaults are generous for real agreements (the bundled ones are a few dozen kilobytes)
and small enough that no file can make truce hang or exhaust memory. Pass your own
:class:`Limits` to :func:`truce.load`, :func:`truce.load_agreement` or
:func:`truce.load_events` to raise or lower them.

>>> Limits().max_depth
50
"""

from __future__ import annotations

import math
import re

import attrs

from truce.errors import ArgumentError, what_is

__all__ = ["DEFAULT_LIMITS", "MAX_NUMBER", "Limits", "check_number"]

#: The largest number (in size) truce takes in a definition or an event: fifteen digits,
#: exact as a float, so comparing, summing and printing numbers can never overflow.
MAX_NUMBER = 10**15


def check_number(value: object, field: str) -> None:
    """Raise ``ValueError`` naming ``field`` if ``value`` is a number that is not finite or is
    larger than :data:`MAX_NUMBER` (``10**400`` would not even convert to a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{field}: {value} is not a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError(f"{field}: a number is limited to 15 digits (at most 10**15)")


_SEPARATED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def not_a_number(value: object) -> str:
    """Why ``value`` is not the number a count needs: text with thousands separators
    (``"7,132"``, as sources print it) gets the fix, anything else what it is.

    >>> not_a_number("7,132")
    "'7,132' is not a number: write it without thousands separators (7132)"
    """
    if isinstance(value, str) and _SEPARATED.fullmatch(value.strip()):
        return (
            f"{value[:40]!r} is not a number: write it without thousands separators ({value.strip().replace(',', '')})"
        )
    if isinstance(value, str):
        return f"{value[:40]!r} is not a number"
    return f"expected a number, got {what_is(value)}"


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:

    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArgumentError(f"{attribute.name} must be a whole number of at least 1, got {value!r}")


@attrs.frozen
class Limits:
    """How much truce reads before refusing, field by field.

    * ``max_bytes``: size of an agreement definition file (5 MiB);
    * ``max_log_bytes``: size of an event log file (256 MiB);
    * ``max_depth``: nesting of YAML mappings and lists (50);
    * ``max_aliases``: YAML aliases (``*name``) in one file (100);
    * ``max_nodes``: YAML nodes once aliases are expanded (200,000: no "billion laughs");
    * ``max_scalar``: characters in any one YAML or JSON string (100,000);
    * ``max_guard_length`` and ``max_guard_depth``: a guard expression (4,000 characters,
      32 levels);
    * ``max_events``: events in one log (1,000,000);
    * ``max_routes``: transition routes, one per phase a transition leaves from, once
      ``from: '*'`` is expanded (20,000: each costs the machine a state edge).
    """

    max_bytes: int = attrs.field(default=5 * 1024 * 1024, validator=_positive)
    max_log_bytes: int = attrs.field(default=256 * 1024 * 1024, validator=_positive)
    max_depth: int = attrs.field(default=50, validator=_positive)
    max_aliases: int = attrs.field(default=100, validator=_positive)
    max_nodes: int = attrs.field(default=200_000, validator=_positive)
    max_scalar: int = attrs.field(default=100_000, validator=_positive)
    max_guard_length: int = attrs.field(default=4000, validator=_positive)
    max_guard_depth: int = attrs.field(default=32, validator=_positive)
    max_events: int = attrs.field(default=1_000_000, validator=_positive)
    max_routes: int = attrs.field(default=20_000, validator=_positive)


DEFAULT_LIMITS = Limits()
