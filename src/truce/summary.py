"""The plain-text status report of a ceasefire: phase, how it got there, every obligation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from truce.dates import days

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["summary"]


def summary(ceasefire: Ceasefire) -> str:
    """What :meth:`truce.Ceasefire.summary` prints (read from the ceasefire's public answers)."""
    a = ceasefire.agreement
    lines = [f"{a.id}: {a.title}", repr(ceasefire)]
    for change in ceasefire.phase_history():
        lines.append(f"  {change.describe()}")
    stopped = ceasefire.stopped
    day = stopped.date if stopped else ceasefire.date  # nothing becomes overdue after the clocks stop
    if stopped:
        lines.append(f"deadline {stopped.describe()}: overdue counted to that day")
    lines.append("obligations:")
    for state in ceasefire.obligations:
        o = state.obligation
        status = str(state.status_on(day))
        detail = []
        if o.measure and state.progress is not None and status != "fulfilled":
            detail.append(f"{state.progress:g} of {o.measure.target:g} {o.measure.unit}")
        if state.due and status not in ("fulfilled", "waived"):
            detail.append(f"due {state.due}")
        overdue = state.days_overdue_on(day)
        if overdue:
            detail.append(f"overdue {days(overdue)}")
        if state.disputed:
            detail.append(f"DISPUTED ({state.dispute()})")
        lines.append(f"  {status:<9} {o.id}  [{o.party or '-'}]  {'; '.join(detail)}".rstrip())
    return "\n".join(lines)
