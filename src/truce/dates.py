"""Dates as truce takes them: a ``datetime.date`` or an ISO string, never "today".

Every public API that takes a date goes through :func:`to_date`, so ``"2025-12-29"``
and ``date(2025, 12, 29)`` mean the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["DateLike", "days", "optional_date", "to_date"]

DateLike = dt.date | str


def to_date(value: object, *, field: str = "date") -> dt.date:
    """Return ``value`` as a ``datetime.date``; raise ``ValueError`` naming ``field`` if it is not one.

    A ``datetime`` is cut to its date: truce reasons in days (hour-level timing is
    kept as text on the event where it matters).

    >>> to_date("2025-10-13")
    datetime.date(2025, 10, 13)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10:
                return dt.datetime.fromisoformat(text).date()
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise ValueError(f"{field}: expected a date (YYYY-MM-DD), got {type(value).__name__} {value!r}")


def optional_date(value: object) -> dt.date | None:
    """attrs converter: a date, an ISO string, or None."""
    return None if value is None else to_date(value)


def days(count: int) -> str:
    """``"1 day"``, ``"77 days"``: counts of days as people write them."""
    return f"{count} day" if count == 1 else f"{count} days"
