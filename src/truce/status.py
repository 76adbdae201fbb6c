"""Obligation status: what the events say about one obligation on a given day.

The stored status (pending, active, partial, fulfilled, breached, waived) changes only
with events; *overdue* is derived from the date asked about, so the same ledger answers
for any day without being rewritten.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from truce.events import Event
from truce.obligations import Obligation

__all__ = ["ObligationState", "ObligationStatus"]


class ObligationStatus(enum.StrEnum):
    """Where an obligation stands. ``overdue`` is active (or partial) past its deadline."""

    PENDING = "pending"
    ACTIVE = "active"
    PARTIAL = "partial"
    OVERDUE = "overdue"
    FULFILLED = "fulfilled"
    BREACHED = "breached"
    WAIVED = "waived"


#: Statuses that settle an obligation: nothing is owed any more, for good or ill.
SETTLED = frozenset({ObligationStatus.FULFILLED, ObligationStatus.BREACHED, ObligationStatus.WAIVED})
#: Statuses a guard's ``fulfilled(x)`` accepts: a waived obligation no longer blocks.
SATISFIED = frozenset({ObligationStatus.FULFILLED, ObligationStatus.WAIVED})


@attrs.frozen
class ObligationState:
    """The state of one obligation as the events so far have it.

    ``due`` is the deadline in force (after extensions); ``original_due`` stays visible.
    ``evidence`` is the event behind the current status (its source is the citation);
    ``claims`` are the parties' own assertions, kept apart from reported facts.
    """

    obligation: Obligation
    base: ObligationStatus = ObligationStatus.PENDING
    since: dt.date | None = None
    active_since: dt.date | None = None
    progress: float | None = None
    due: dt.date | None = None
    original_due: dt.date | None = None
    evidence: Event | None = None
    extensions: tuple[Event, ...] = ()
    claims: tuple[Event, ...] = ()

    def status_on(self, as_of: dt.date) -> ObligationStatus:
        """The status on ``as_of``: the stored one, or overdue if active past the deadline."""
        if self.is_overdue(as_of):
            return ObligationStatus.OVERDUE
        if self.base is ObligationStatus.ACTIVE and self.active_since and as_of < self.active_since:
            return ObligationStatus.PENDING
        return self.base

    def is_overdue(self, as_of: dt.date) -> bool:
        return (
            self.base in (ObligationStatus.ACTIVE, ObligationStatus.PARTIAL)
            and self.due is not None
            and as_of > self.due
        )

    def days_overdue(self, as_of: dt.date) -> int | None:
        """Days past the deadline on ``as_of`` (None when not overdue)."""
        if not self.is_overdue(as_of):
            return None
        assert self.due is not None
        return (as_of - self.due).days

    @property
    def satisfied(self) -> bool:
        return self.base in SATISFIED

    @property
    def disputed(self) -> bool:
        """True when parties' claims conflict with each other or with a reported settlement."""
        latest: dict[str, str] = {}
        for claim in self.claims:
            assert claim.party is not None
            assert claim.asserts is not None
            latest[claim.party] = claim.asserts
        asserted = set(latest.values())
        if self.base in SETTLED and self.evidence is not None:
            asserted.add(str(self.base))
        return len(asserted) > 1

    @property
    def remaining(self) -> float | None:
        """How much of a measure is still outstanding (None for non-measures)."""
        measure = self.obligation.measure
        if measure is None:
            return None
        if self.base in SATISFIED:
            return 0
        return max(measure.target - (self.progress or 0), 0)
