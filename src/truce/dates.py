"""Dates as truce takes them: a ``datetime.date`` or an ISO string, never "today".

Every public API that takes a date goes through :func:`to_date`, so ``"2025-12-29"``,
``date(2025, 12, 29)``, ``pandas.Timestamp("2025-12-29")`` and
``numpy.datetime64("2025-12-29")`` mean the same thing everywhere (the dates a DataFrame
hands back can be passed straight in). numpy is never imported for this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from truce.errors import DateError, what_is

__all__ = ["EARLIEST", "LATEST", "MAX_OFFSET_DAYS", "DateLike", "days", "optional_date", "to_date"]

DateLike = dt.date | str  # also numpy.datetime64 and pandas.Timestamp (a datetime), without importing them


#: The dates truce accepts anywhere (definitions, events, as-of dates). Far enough apart for
#: any agreement, and far enough from ``date.min``/``date.max`` that no deadline offset
#: (at most :data:`MAX_OFFSET_DAYS`) can step outside what ``datetime`` represents.
EARLIEST = dt.date(1000, 1, 1)
LATEST = dt.date(2999, 12, 31)
#: The longest offset a deadline or a guard may add to a date (``days:``, ``elapsed()``).
MAX_OFFSET_DAYS = 100_000


def to_date(value: object, *, field: str = "date") -> dt.date:
    """Return ``value`` as a ``datetime.date``; raise :class:`~truce.DateError` (a ``ValueError``)
    naming ``field`` if it is not one, or lies outside :data:`EARLIEST` to :data:`LATEST`.

    A ``datetime`` is cut to its date: truce reasons in days (hour-level timing is
    kept as text on the event where it matters).

    >>> to_date("2025-10-13")
    datetime.date(2025, 10, 13)
    >>> import numpy
    >>> to_date(numpy.datetime64("2025-10-13T18:30"))
    datetime.date(2025, 10, 13)
    """
    if isinstance(value, dt.datetime):
        if value != value:  # pandas.NaT is a datetime that equals nothing, itself included
            raise DateError(f"{field}: expected a date (YYYY-MM-DD), got a missing value (NaT)")
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            day = dt.datetime.fromisoformat(text).date() if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError:
            raise DateError(f"{field}: {value[:40]!r} is not an ISO date (YYYY-MM-DD)") from None
    elif type(value).__name__ == "datetime64" and type(value).__module__ == "numpy":
        day = _from_numpy(value, field)
    else:
        shown = "" if isinstance(value, dict | list) else f" {str(value)[:40]}"
        raise DateError(f"{field}: expected a date (YYYY-MM-DD), got {what_is(value)}{shown}")
    if not EARLIEST <= day <= LATEST:
        raise DateError(f"{field}: {day.isoformat()} is outside the dates truce takes ({EARLIEST} to {LATEST})")
    return day


def _from_numpy(value: Any, field: str) -> dt.date:
    """A ``numpy.datetime64`` of any unit, cut to its day; NaT and out-of-range years are refused."""
    day = value.astype("datetime64[D]").item()  # a date, None for NaT, an int beyond year 9999
    if not isinstance(day, dt.date):
        raise DateError(f"{field}: expected a date (YYYY-MM-DD), got numpy.datetime64 {value!s}")
    return day


def optional_date(value: object) -> dt.date | None:
    """attrs converter: a date, an ISO string, or None."""
    return None if value is None else to_date(value)


def days(count: int) -> str:
    """``"1 day"``, ``"77 days"``: counts of days as people write them."""
    return f"{count} day" if count == 1 else f"{count} days"
