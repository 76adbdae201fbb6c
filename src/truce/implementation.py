"""Implementation scores on the Peace Accords Matrix scale: 0 not initiated, 1 minimal,
2 intermediate, 3 full.

PAM (Kroc Institute) scores each provision of an accord once a year. truce scores each
obligation at the end of each period (year or month) from what the record shows then:

====================================================  =====
status on the period's last day                        score
====================================================  =====
fulfilled                                              3
a measure at half its target or more, not reached      2
a measure begun (above 0, below half its target)       1
partial without a measure (a claim said so)            1
pending, active, overdue with nothing measured         0
waived                                                 none (no longer owed: not scored)
====================================================  =====

A breach is a separate flag, not a score: a breached obligation keeps the score its
measured progress gives (0 when nothing was measured), and ``breached`` says it was
breached, so "released 20 of 28, then stopped" stays distinguishable from "never began".
Overdue is timing, not implementation; it does not change the score. These scores come
from events, not from a PAM coder's reading: compare, do not substitute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from truce.crosswalk import PAM_PROVISIONS
from truce.status import ObligationState, ObligationStatus

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["FREQUENCIES", "pam_score", "period_ends", "scores"]

#: Period lengths, as pandas spells them: year end and month end.
FREQUENCIES = ("YE", "ME")


def pam_score(state: ObligationState, as_of: dt.date) -> int | None:
    """The 0-3 score of one obligation's state on ``as_of`` (None when waived); see the table above."""
    status = state.status_on(as_of)
    if status is ObligationStatus.WAIVED:
        return None
    if status is ObligationStatus.FULFILLED:
        return 3
    measure = state.obligation.measure
    if measure is not None and state.progress:
        return 2 if state.progress >= measure.target / 2 else 1
    if status is ObligationStatus.PARTIAL or state.base is ObligationStatus.PARTIAL:
        return 1
    return 0


def period_ends(start: dt.date, end: dt.date, freq: str = "YE") -> Iterator[dt.date]:
    """The last day of each year (``YE``) or month (``ME``) from ``start`` to ``end``, then ``end``
    itself if the last period is not complete.

    >>> [d.isoformat() for d in period_ends(dt.date(2025, 10, 10), dt.date(2026, 1, 14), "ME")]
    ['2025-10-31', '2025-11-30', '2025-12-31', '2026-01-14']
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    day = start
    while True:
        if freq == "YE":
            close = dt.date(day.year, 12, 31)
        else:
            following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            close = following - dt.timedelta(days=1)
        if close >= end:
            yield end
            return
        yield close
        day = close + dt.timedelta(days=1)


def scores(ceasefire: Ceasefire, freq: str = "YE") -> list[dict[str, Any]]:
    """One row per obligation and period: its PAM-scale score, status and breach flag.

    Periods run from the agreement (or entry into force) to the ceasefire's as-of date.
    """
    agreement = ceasefire.agreement
    start = agreement.agreed or agreement.in_force
    rows: list[dict[str, Any]] = []
    for close in period_ends(start, ceasefire.date, freq):
        then = ceasefire.as_of(close)
        for state in then.obligations:
            obligation = state.obligation
            status = state.status_on(close)
            rows.append(
                {
                    "period_end": close,
                    "obligation": obligation.id,
                    "party": obligation.party,
                    "kind": str(obligation.kind),
                    "pam_provision": "; ".join(PAM_PROVISIONS[obligation.kind]) or None,
                    "status": str(status),
                    "progress": state.progress,
                    "target": obligation.measure.target if obligation.measure else None,
                    "score": pam_score(state, close),
                    "breached": state.base is ObligationStatus.BREACHED,
                    "disputed": state.disputed,
                }
            )
    return rows
