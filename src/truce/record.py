"""The record: events recorded so far, the ledger they fold into, checkpoints, views and undo.

Events arrive in date order and are only ever appended, so a *view* of the record up to
some event (``as_of``, ``what_if``) can share the list of events and read a prefix of it;
events a view records itself go to a tail of its own. Every so often the record keeps a
:class:`~truce.ledger.Checkpoint` of the ledger, so a view starts from the nearest one
and replays only the few events after it. The spacing grows with the log (a fixed share
of it, never fewer than :data:`CHECKPOINT_MIN` events), which keeps both the memory of
checkpoints and the replay of a view small at any size.

:func:`problems` is the one check an event passes before it is folded: known names, date
order, a measure for progress. Loading a file, recording and writing a log all use it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Sequence
from itertools import compress, repeat
from typing import Any

import attrs

from truce._event_columns import dump_referring, from_columns, load_referring, to_columns
from truce.agreement import Agreement
from truce.errors import Problem
from truce.events import _ALLOWS, Event, EventKind
from truce.ledger import Checkpoint, Ledger, PhaseChange
from truce.status import EventSlice, FactValue, ObligationState

__all__ = ["CHECKPOINT_MIN", "Names", "Record", "Saved", "Snapshot", "problems", "recordable", "recordable_kinds"]

#: The fewest events between two checkpoints; the spacing is also at least 1/256 of the log.
CHECKPOINT_MIN = 128
_date = operator.attrgetter("date")
_kind = operator.attrgetter("kind")
_PROGRESS = EventKind.PROGRESS
_SLICE = 1 << 16  # the dates of a batch are compared this many at a time
#: Each name an event may carry, what the agreement must define for it, and the kinds that may carry it.
_NAMED = (
    ("obligation", "obligations"), ("fact", "facts"), ("party", "parties"), ("to", "phases"), ("trigger", "triggers"),
)  # fmt: skip
_CARRIERS = {field: frozenset(k for k, allowed in _ALLOWS.items() if field in allowed) for field, _ in _NAMED}
_GETTERS = {field: operator.attrgetter(field) for field, _ in _NAMED}


def _next_checkpoint(count: int) -> int:
    """The count at which a record of ``count`` events takes its next checkpoint (see the module docstring)."""
    return count + max(CHECKPOINT_MIN, count >> 8)


@attrs.frozen
class Snapshot:
    """Everything observable about a ceasefire at one moment, comparable with ``==``."""

    phase: str
    date: dt.date
    events: int
    obligations: tuple[ObligationState, ...]
    facts: tuple[FactValue, ...]
    history: tuple[PhaseChange, ...]


@attrs.frozen(repr=False, eq=False)
class Names:
    """What an event may name, as sets: the check on the recording path is a few lookups."""

    start: dt.date
    obligations: frozenset[str]
    measured: frozenset[str]
    facts: frozenset[str]
    parties: frozenset[str]
    phases: frozenset[str]
    triggers: frozenset[str]

    @classmethod
    def of(cls, agreement: Agreement) -> Names:
        return cls(
            agreement.agreed or agreement.in_force,
            frozenset(o.id for o in agreement.obligations),
            frozenset(o.id for o in agreement.obligations if o.measure is not None),
            frozenset(f.id for f in agreement.facts),
            frozenset(p.id for p in agreement.parties),
            frozenset(agreement.phase_ids),
            frozenset(agreement.triggers),
        )


def problems(names: Names, event: object, last: dt.date | None) -> list[Problem]:
    """Why ``event`` cannot be recorded after an event dated ``last`` (empty when it can).

    Checks what the agreement alone can tell: names it defines, a date neither before the
    agreement nor before the last event, progress only on a measured obligation. Whether
    a trigger may fire is the engine's question, asked after this one.
    """
    if not isinstance(event, Event):
        return [Problem(f"expected an Event, got {type(event).__name__}")]
    found = field_problems(names, event, last)
    if not found:
        return []
    where = f"event {event.date} {event.kind}"
    return [Problem(message, field=f"{where}.{field}") for field, message in found]


def field_problems(names: Names, event: Event, last: dt.date | None) -> list[tuple[str, str]]:
    """:func:`problems` as ``(field, message)`` pairs, for a reader to place each at its line."""
    # Every check is a comparison or a set lookup; words are only made for an event that fails.
    found: list[tuple[str, str]] = []
    if event.date < names.start:
        found.append(("date", f"dated before the agreement ({names.start})"))
    elif last is not None and event.date < last:
        found.append(("date", f"out of order: earlier than the last event ({last})"))
    obligation = event.obligation
    if obligation is not None and obligation not in names.obligations:
        found.append(("obligation", f"unknown obligation {obligation!r}"))
    if event.fact is not None and event.fact not in names.facts:
        found.append(("fact", f"unknown fact {event.fact!r}"))
    if event.party is not None and event.party not in names.parties:
        found.append(("party", f"unknown party {event.party!r}"))
    if event.to is not None and event.to not in names.phases:
        found.append(("to", f"unknown phase {event.to!r}"))
    if event.trigger is not None and event.trigger not in names.triggers:
        found.append(("trigger", f"unknown trigger {event.trigger!r}"))
    if event.kind is EventKind.PROGRESS and obligation in names.obligations and obligation not in names.measured:
        found.append(("obligation", "progress on an obligation that has no measure"))
    return found


def recordable(names: Names, events: Sequence[Event], last: dt.date | None) -> bool:
    """Whether :func:`problems` finds nothing in any of ``events``, each after the one before it.

    ``False`` says only that something needs the per-event check, which then finds it and
    words it; a batch of anything but plain :class:`Event` objects always does.
    """
    return recordable_kinds(names, events, last) is not None


def recordable_kinds(names: Names, events: Sequence[Event], last: dt.date | None) -> frozenset[EventKind] | None:
    """The kinds of ``events`` if :func:`recordable` holds of them, else ``None``.

    The same rules as :func:`problems`, checked a column at a time (a set of each name the
    batch uses, the dates compared pairwise a slice at a time), so a long batch pays a few
    C-level passes rather than a call per event, and keeps no column of it whole (a column of
    a million events is 8 MB). The kinds come back for the fold, which needs them.
    """
    if not events:
        return frozenset()
    if set(map(type, events)) != {Event}:
        return None
    previous = events[0].date
    if previous < names.start or (last is not None and previous < last):
        return None
    for start in range(0, len(events), _SLICE):
        dates = list(map(_date, events[start : start + _SLICE]))
        # in order: a sort finds a sorted list in one run, at a third of the cost of pairwise tests
        if dates[0] < previous or sorted(dates) != dates:
            return None
        previous = dates[-1]
    kinds = frozenset(map(_kind, events))
    for field, known in _NAMED:
        if kinds.isdisjoint(_CARRIERS[field]):
            continue  # no event of the batch can carry this name (the Event refuses it)
        used = set(map(_GETTERS[field], events))
        used.discard(None)
        if not used <= getattr(names, known):
            return None
    if EventKind.PROGRESS in kinds:
        progressing = set(
            compress(map(_GETTERS["obligation"], events), map(operator.is_, map(_kind, events), repeat(_PROGRESS)))
        )
        if not progressing <= names.measured:
            return None
    return kinds


@attrs.frozen(repr=False, eq=False)
class Saved:
    """What :meth:`Record.undo` needs to put a record back after a refused batch."""

    count: int
    checkpoints: int
    ledger: Checkpoint
    last: dt.date
    due: int


class Record:
    """Events, the ledger they fold into, and its checkpoints (see the module docstring)."""

    __slots__ = ("_checkpoints", "_due", "_events", "_shared", "_tail", "last", "ledger", "names")

    def __init__(self, agreement: Agreement, names: Names | None = None, *, track_changes: bool = False) -> None:
        self.names = names or Names.of(agreement)
        self.ledger = Ledger(agreement, track_changes=track_changes)
        self._events: list[Event] = []  # this record's, or a longer list whose prefix it shares
        self._shared: int | None = None  # how many of ``_events`` a view reads (None: this record owns the list)
        self._tail: list[Event] | None = None  # events a view recorded after its shared prefix
        self._checkpoints: list[Checkpoint] = []
        self._due = CHECKPOINT_MIN  # the count at which the next checkpoint is taken
        self.last = self.names.start  # the last recorded date; the agreement's start before any

    def __len__(self) -> int:
        if self._shared is None:
            return len(self._events)
        return self._shared + (len(self._tail) if self._tail is not None else 0)

    @property
    def events(self) -> Sequence[Event]:
        """Every event recorded, in order: a view of the list, not a copy."""
        if self._shared is None:
            return EventSlice(self._events)
        return EventSlice(self._events, self._shared, tuple(self._tail or ()))

    def __getstate__(self) -> dict[str, object]:
        """The events in columns, the ledger and checkpoints naming them by place (:mod:`truce._event_columns`).

        Faster to load than folding the events again (measured in docs/performance.md), and
        no event is pickled twice. An unpickled view owns its events; its ledger keeps the
        parent's lists it shared, read to the same lengths.
        """
        events = list(self.events)
        agreement = self.ledger.agreement
        return {
            "names": self.names,
            "agreement": agreement,
            "events": to_columns(events),
            "state": dump_referring((self.ledger, self._checkpoints), events, agreement),
            "due": self._due,
            "last": self.last,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        events = from_columns(state["events"])
        self.ledger, self._checkpoints = load_referring(state["state"], events, state["agreement"])
        self.names, self._events, self._shared, self._tail = state["names"], events, None, None
        self._due, self.last = state["due"], state["last"]

    def has_events(self) -> bool:
        return len(self) > 0

    def append(self, event: Event) -> None:
        """Keep ``event``, already folded into the ledger; take a checkpoint when one is due."""
        if self._shared is None:
            self._events.append(event)
        elif self._tail is None:
            self._tail = [event]
        else:
            self._tail.append(event)
        self._kept(event.date)

    def room(self) -> int:
        """How many events can be appended before the next checkpoint is due (at least one)."""
        return max(1, self._due - len(self))

    def extend(self, events: list[Event]) -> None:
        """:meth:`append` for events already folded, no more than :meth:`room` of them."""
        if self._shared is None:
            self._events.extend(events)
        elif self._tail is None:
            self._tail = list(events)
        else:
            self._tail.extend(events)
        self._kept(events[-1].date)

    def _kept(self, last: dt.date) -> None:
        """After events are appended: the last date, and a checkpoint when one is due."""
        self.last = last
        count = len(self)
        if count >= self._due:
            self._checkpoints.append(self.ledger.checkpoint(count))
            self._due = _next_checkpoint(count)

    # --- views ----------------------------------------------------------------------

    def position(self, day: dt.date) -> int:
        """How many events are dated on or before ``day``."""
        if self._shared is None:
            return bisect.bisect_right(self._events, day, key=_date)
        if self._tail and day >= self._tail[0].date:
            return self._shared + bisect.bisect_right(self._tail, day, key=_date)
        return bisect.bisect_right(self._events, day, hi=self._shared, key=_date)

    def view(self, upto: int) -> tuple[Record, Sequence[Event]]:
        """A record as this one stood after ``upto`` events, and the events it must still replay.

        The view starts from the nearest checkpoint; the caller folds the events returned
        (the engine must move phases) with :meth:`Ledger.apply` / the engine, then
        :meth:`replayed` to settle its date.
        """
        view = Record.__new__(Record)
        view.names = self.names
        if self._shared is not None and upto > self._shared:  # a view of a view past its prefix: rare, so copy
            assert self._tail is not None
            view._events, view._shared = [*self._events[: self._shared], *self._tail[: upto - self._shared]], upto
        else:
            view._events, view._shared = self._events, upto
        view._tail = None
        found = bisect.bisect_right(self._checkpoints, upto, key=operator.attrgetter("events"))
        view._checkpoints = self._checkpoints[:found]
        view._due = _next_checkpoint(upto)
        if found:
            start = view._checkpoints[-1]
            view.ledger = self.ledger.restored(start)
            begin = start.events
            view.last = view._events[begin - 1].date
        else:
            view.ledger = Ledger(self.ledger.agreement)
            begin = 0
            view.last = self.names.start
        return view, EventSlice(view._events, upto)[begin:upto]

    def replayed(self, events: Sequence[Event]) -> None:
        """After a view's replay: its last date is the last event's."""
        if events:
            self.last = events[-1].date

    # --- batches --------------------------------------------------------------------

    def save(self) -> Saved:
        count = len(self)
        return Saved(
            count, len(self._checkpoints), self.ledger.checkpoint(count, lengths_only=True), self.last, self._due
        )

    def undo(self, saved: Saved) -> None:
        """Put the record back as :meth:`save` found it: events, checkpoints, ledger, dates."""
        if self._shared is None:
            del self._events[saved.count :]
        elif self._tail is not None:
            del self._tail[saved.count - self._shared :]
        del self._checkpoints[saved.checkpoints :]
        self.ledger.undo(saved.ledger)
        self.last, self._due = saved.last, saved.due
