"""Obligation status: what the events say about one obligation on a given day.

The stored status (pending, active, partial, fulfilled, breached, waived) changes only
with events; *overdue* is derived from the date asked about, so the same ledger answers
for any day without being rewritten.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import operator
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from truce._text import tagged
from truce.dates import days
from truce.errors import ArgumentError
from truce.events import Event, Value
from truce.obligations import Obligation

if TYPE_CHECKING:
    from truce.agreement import Agreement
    from truce.ledger import PhaseChange

__all__ = ["ClockStop", "EventSlice", "FactValue", "ObligationState", "ObligationStatus", "clock", "clock_stop"]


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
        events = self._events
        if self._length == len(events):  # the whole list: its own reverse iterator, in C
            return itertools.chain(reversed(self._tail), reversed(events))
        return itertools.chain(reversed(self._tail), (events[i] for i in range(self._length - 1, -1, -1)))

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

    def describe(self) -> str:
        """The value, the day it was reported, and the report's source."""
        text = f"{self.name} = {self.value!r} (reported {self.date})"
        source = getattr(self.event, "source", None)
        return text + (f"\n  [source: {source.cite()}]" if source is not None else "")

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return tagged("FactValue", f"{self.name} = {self.value!r} ({self.date})")


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


@attrs.frozen(repr=False)
class ObligationState:
    """The state of one obligation as the events so far have it.

    ``due`` is the deadline in force (after extensions); ``original_due`` stays visible.
    ``evidence`` is the event behind the current status (its source is the citation);
    ``claims`` are the parties' own assertions, kept apart from reported facts.

    A state from :meth:`~truce.Ceasefire.status` or :attr:`~truce.Ceasefire.obligations`
    knows the day it answers for (``as_of``), so :attr:`status` and :attr:`days_overdue`
    are plain properties; :meth:`status_on` and :meth:`days_overdue_on` ask about any
    other day. ``as_of`` and ``stopped`` do not take part in equality: two states are
    equal when the events say the same of the obligation.

    >>> import truce
    >>> state = truce.load("docs/riverside.yaml").as_of("2025-04-03").status("detainees_released")
    >>> state
    <ObligationState detainees_released [south] as of 2025-04-03: partial, 5 of 12 detainees, due 2025-04-04>
    >>> str(state.status), state.days_overdue, state.progress
    ('partial', None, 5.0)
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
    #: the day this state answers for (None for a state read straight from a ledger)
    as_of: dt.date | None = attrs.field(default=None, eq=False, kw_only=True)
    #: when the deadline clocks stopped, if on or before ``as_of``: overdue days count to that day
    stopped: ClockStop | None = attrs.field(default=None, eq=False, kw_only=True)

    def on(self, as_of: dt.date, stopped: ClockStop | None = None) -> ObligationState:
        """This state answering for ``as_of`` (overdue counted to ``stopped`` if the clocks stopped by then)."""
        stop = stopped if stopped is not None and stopped.date <= as_of else None
        if as_of == self.as_of and stop == self.stopped:
            return self
        # a copy of the slots, not attrs.evolve: every obligations listing dates every state,
        # and evolve's converters and validators (already passed) cost ten times more
        dated = object.__new__(ObligationState)
        for set_slot, value in zip(_STATE_SETTERS, (*_STATE_VALUES(self)[:-2], as_of, stop), strict=True):
            set_slot(dated, value)
        return dated

    @property
    def status(self) -> ObligationStatus:
        """The status on the state's own as-of date (on the day the clocks stopped, if earlier)."""
        return self.status_on(self._clock())

    @property
    def days_overdue(self) -> int | None:
        """Days past the deadline on the as-of date, counted to when the clocks stopped (None if not overdue)."""
        return self.days_overdue_on(self._clock())

    def _clock(self) -> dt.date:
        if self.as_of is None:
            raise ArgumentError(
                f"the state of {self.obligation.id} has no as-of date: ask status_on(day) or days_overdue_on(day), "
                "or take it from Ceasefire.status()"
            )
        return clock(self.as_of, self.stopped)

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

    def days_overdue_on(self, as_of: dt.date) -> int | None:
        """Days past the deadline on ``as_of`` (None when not overdue)."""
        if not self.is_overdue(as_of):
            return None
        assert self.due is not None
        return (as_of - self.due).days

    @property
    def late_by(self) -> int | None:
        """Days a fulfilment came after the deadline in force (None when on time, unmet or without one).

        Meeting an obligation does not erase having missed its deadline: a release 75 days
        late stays 75 days late in every report, not merely "fulfilled".
        """
        return self._late(self.due)

    @property
    def late_by_original(self) -> int | None:
        """Days a fulfilment came after the *original* deadline, before any extension (None if not late)."""
        return self._late(self.original_due or self.due)

    def _late(self, deadline: dt.date | None) -> int | None:
        if self.base is not ObligationStatus.FULFILLED or deadline is None or self.since is None:
            return None
        late = (self.since - deadline).days
        return late if late > 0 else None

    @property
    def satisfied(self) -> bool:
        return self.base in SATISFIED

    @property
    def claimed(self) -> tuple[tuple[str, str], ...]:
        """Each party's latest claim about this obligation: (party, asserted status), first claimant first."""
        latest = self._latest
        if latest is None:
            by_party: dict[str, str] = {}
            for claim in self.claims:
                assert claim.party is not None
                assert claim.asserts is not None
                by_party[claim.party] = claim.asserts
            latest = tuple(by_party.items())
            object.__setattr__(self, "_latest", latest)
        return latest

    def dispute(self) -> str | None:
        """Who claims what, when :attr:`disputed`: ``reported fulfilled; south claims breached`` (else None)."""
        if not self.disputed:
            return None
        said = [f"reported {self.base}"] if self.base in SETTLED and self.evidence is not None else []
        return "; ".join([*said, *(f"{party} claims {asserts}" for party, asserts in self.claimed)])

    @property
    def disputed(self) -> bool:
        """True when parties' claims conflict with each other or with a reported settlement."""
        asserted = {asserts for _, asserts in self.claimed}
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

    def _brief(self) -> str:
        """What the repr shows after the id: status, progress, deadline, lateness, dispute."""
        status = self.status if self.as_of is not None else self.base
        overdue = self.days_overdue if self.as_of is not None else None
        bits = [f"{status} {self.since}" if self.base in SETTLED and self.since else str(status)]
        if overdue:
            bits[0] += f" {days(overdue)}"
        measure = self.obligation.measure
        if measure is not None and self.progress is not None and self.base not in SETTLED:
            bits.append(f"{self.progress:g} of {measure.target:g} {measure.unit}")
        if self.due is not None and self.base not in SETTLED:
            bits.append(f"due {self.due}")
        if self.late_by:
            bits.append(f"{days(self.late_by)} late")
        if self.disputed:
            bits.append("DISPUTED")
        return ", ".join(bits)

    def __repr__(self) -> str:
        o = self.obligation
        when = f" as of {self.as_of}" if self.as_of is not None else ""
        return tagged("ObligationState", f"{o.id} [{o.party or '-'}]{when}: {self._brief()}")

    def describe(self) -> str:
        """Everything known of the obligation: its text, status, deadlines, lateness, progress, claims, sources."""
        o = self.obligation
        lines = [f"{o.id} [{o.party or 'no party'}] ({o.kind}): {o.text}", f"  status: {self._brief()}"]
        if self.since is not None:
            owed = f", owed since {self.active_since}" if self.active_since else ""
            lines.append(f"  {self.base} since {self.since}{owed}")
        if self.due is not None:
            moved = f" (originally {self.original_due})" if self.original_due and self.original_due != self.due else ""
            extended = f", {len(self.extensions)} extension{'s' if len(self.extensions) != 1 else ''}"
            lines.append(f"  due {self.due}{moved}{extended if self.extensions else ''}")
        elif o.due is not None:
            lines.append(f"  due {o.due.describe()} (not yet known)")
        if self.late_by_original and self.late_by_original != self.late_by:
            lines.append(f"  {days(self.late_by_original)} after the original deadline {self.original_due}")
        if self.stopped is not None:
            lines.append(f"  deadline {self.stopped.describe()}")
        if self.disputed:
            lines.append(f"  DISPUTED: {self.dispute()}")
        if self.as_of is not None:
            lines.append(f"  as of {self.as_of}")
        lines.append(f"  [text: {o.source.cite()}]")
        if self.evidence is not None and self.evidence.source is not None:
            lines.append(f"  [source: {self.evidence.source.cite()}]")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        import html  # here, not at the top: html.entities is a large table, and only a rendered view needs it

        head, *rest = self.describe().split("\n")
        items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in rest)
        return f"<div><p><strong>{html.escape(head)}</strong></p><ul>{items}</ul></div>"


_STATE_SLOTS = tuple(field.name for field in attrs.fields(ObligationState))
_STATE_VALUES = operator.attrgetter(*_STATE_SLOTS)
_STATE_SETTERS = tuple(ObligationState.__dict__[name].__set__ for name in _STATE_SLOTS)  # the slots' own
assert _STATE_SLOTS[-2:] == ("as_of", "stopped")


@attrs.frozen
class ClockStop:
    """The day deadline clocks stopped, and why: a terminal phase reached, or the agreement ended."""

    date: dt.date
    reason: str

    def describe(self) -> str:
        return f"clocks stopped {self.date} ({self.reason})"

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "reason": self.reason}


def clock_stop(agreement: Agreement, moves: Sequence[PhaseChange], as_of: dt.date) -> ClockStop | None:
    """When the clocks stopped on or before ``as_of`` (None while the agreement still runs)."""
    found = []
    if moves and moves[-1].to_phase in agreement.terminal and moves[-1].date <= as_of:
        found.append(ClockStop(moves[-1].date, f"reached {moves[-1].to_phase}"))
    if agreement.ended is not None and agreement.ended <= as_of:
        found.append(ClockStop(agreement.ended, f"{agreement.id} ended"))
    return min(found, key=lambda stop: stop.date, default=None)


def clock(as_of: dt.date, stop: ClockStop | None) -> dt.date:
    """The day deadlines are counted to: ``as_of``, or the day the clocks stopped if earlier."""
    return as_of if stop is None or stop.date > as_of else stop.date
