"""Obligation status: what the events say about one obligation on a given day.

The stored status (pending, active, partial, fulfilled, breached, waived) changes only
with events; *overdue* is derived from the date asked about, so the same ledger answers
for any day without being rewritten.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterator, Sequence
from typing import Any, overload

import attrs

from truce.events import Event, Value
from truce.obligations import Obligation

__all__ = ["EventSlice", "FactValue", "ObligationState", "ObligationStatus"]


class EventSlice(Sequence[Event]):
    """The first ``length`` events of an append-only list that others may extend, then a ``tail``.

    Claims, extensions, incidents and the log itself grow with the record; copying them
    into a tuple for every state asked for made queries on a long log cost as much as
    the log. A slice shares the list and remembers its length (a view that records more
    keeps its own events in ``tail``), so taking one costs nothing, and it reads,
    compares and pickles like the tuple it stands for.
    """

    __slots__ = ("_events", "_length", "_tail")

    def __init__(
        self,
        events: Sequence[Event] = (),
        length: int | None = None,
        tail: Sequence[Event] = (),
    ) -> None:
        self._events = events
        self._length = len(events) if length is None else length
        self._tail = tail

    def __len__(self) -> int:
        return self._length + len(self._tail)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...
    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if not self._tail and step == 1:  # the common case: no copy of the shared list
                return tuple(self._events[start:stop])
            return tuple(self)[index]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("event index out of range")
        return self._events[index] if index < self._length else self._tail[index - self._length]

    def __iter__(self) -> Iterator[Event]:
        return itertools.chain(itertools.islice(self._events, self._length), self._tail)

    def __reversed__(self) -> Iterator[Event]:
        return itertools.chain(reversed(self._tail), (self._events[i] for i in range(self._length - 1, -1, -1)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (EventSlice, (tuple(self),))


@attrs.frozen
class FactValue:
    """A fact's value as last reported, with the event that reported it."""

    name: str
    value: Value
    date: dt.date
    event: object = attrs.field(default=None, eq=False)


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


def _slice(events: Sequence[Event]) -> EventSlice:
    return events if isinstance(events, EventSlice) else EventSlice(tuple(events))


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
    extensions: Sequence[Event] = attrs.field(default=(), converter=_slice)
    claims: Sequence[Event] = attrs.field(default=(), converter=_slice)
    #: each party's latest claim (party, asserted status), when the ledger knows it already
    _latest: tuple[tuple[str, str], ...] | None = attrs.field(default=None, eq=False, repr=False, alias="latest")

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
        latest = self._latest
        if latest is None:
            by_party: dict[str, str] = {}
            for claim in self.claims:
                assert claim.party is not None
                assert claim.asserts is not None
                by_party[claim.party] = claim.asserts
            latest = tuple(by_party.items())
            object.__setattr__(self, "_latest", latest)
        asserted = {asserts for _, asserts in latest}
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
