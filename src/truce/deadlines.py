"""Deadlines: what is due when, what is overdue, by how much, and whether it was moved.

Clocks stop when the agreement does: once it reaches a terminal phase or its recorded
``ended`` date, nothing becomes more overdue, so a year after a collapse an obligation
reads "overdue 9 days when the clocks stopped", not "overdue 374 days".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from truce._text import tagged
from truce.dates import days
from truce.html import lines_html
from truce.status import SETTLED, ClockStop, ObligationState, clock

__all__ = ["Deadline", "deadlines"]


@attrs.frozen(repr=False)
class Deadline:
    """One open obligation's deadline on a given day.

    ``days_left`` is positive for an upcoming deadline (0 on the day itself);
    ``days_overdue`` is positive once it has passed. ``original`` differs from ``due`` when
    an extension moved it, and ``extensions`` counts the moves. Both counts run to the day
    the clocks stopped (``stopped``) when that is earlier than ``as_of``.
    """

    obligation: str
    party: str | None
    text: str
    due: dt.date
    original: dt.date | None
    status: str
    as_of: dt.date
    extensions: int = 0
    stopped: ClockStop | None = None

    @property
    def days_left(self) -> int:
        return (self.due - clock(self.as_of, self.stopped)).days

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def describe(self) -> str:
        when = f"overdue {days(self.days_overdue)}" if self.overdue else f"{days(self.days_left)} left"
        moved = f" (originally {self.original})" if self.original and self.original != self.due else ""
        if self.stopped is not None:
            when += f" when the {self.stopped.describe()}"
        return f"{self.due}{moved} {self.obligation} [{self.party or '-'}]: {when}"

    def __str__(self) -> str:
        return f"{self.describe()}\n  {self.text}\n  status {self.status} as of {self.as_of}"

    def __repr__(self) -> str:
        return tagged("Deadline", self.describe())

    def _repr_html_(self) -> str:
        return lines_html(str(self).split("\n"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "obligation": self.obligation,
            "party": self.party,
            "due": self.due.isoformat(),
            "original_due": self.original.isoformat() if self.original else None,
            "status": self.status,
            "days_left": self.days_left,
            "days_overdue": self.days_overdue,
            "extensions": self.extensions,
            "clock_stopped": self.stopped.to_dict() if self.stopped else None,
        }


def deadlines(states: list[ObligationState], as_of: dt.date, stop: ClockStop | None = None) -> list[Deadline]:
    """Open obligations with a known deadline, soonest (or most overdue) first; counted to ``stop`` if earlier."""
    day = clock(as_of, stop)
    found = [
        Deadline(
            s.obligation.id,
            s.obligation.party,
            s.obligation.text,
            s.due,
            s.original_due,
            str(s.status_on(day)),
            as_of,
            len(s.extensions),
            stop if stop is not None and stop.date <= as_of else None,
        )
        for s in states
        if s.due is not None and s.base not in SETTLED
    ]
    return sorted(found, key=lambda d: (d.due, d.obligation))
