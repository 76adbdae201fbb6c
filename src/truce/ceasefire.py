"""The live ceasefire: an agreement, its ledger, and a ``transitions`` machine that moves phases.

Guards are wired into the machine as its ``conditions``, so a trigger fires only when
its guard holds on the day. A blocked or illegal trigger raises and leaves phase,
ledger and events exactly as they were: the checks happen before anything is written.

Reality sometimes moves anyway. A sourced ``declared`` event moves the phase along a
defined transition whatever its guard says, and the move is recorded as *irregular*
with the conditions unmet at that moment: never a silent bypass.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import itertools
import operator
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from transitions import Machine

from truce.agreement import Agreement, Transition
from truce.blockers import Blockers, describe_leaf, describe_view
from truce.dates import DateLike, days, to_date
from truce.errors import (
    DateError,
    EventError,
    IllegalTransition,
    Problem,
    TransitionBlocked,
    TruceError,
    UnknownName,
)
from truce.events import Event, EventKind, transition_event
from truce.guards import AnyOf, FactValue, Guard, GuardContext, Truth, Verdict, evaluate, truth
from truce.ledger import SETTLING, Change, Checkpoint, Ledger, PhaseChange
from truce.sources import Source
from truce.status import ObligationState

if TYPE_CHECKING:  # imported where used, so ``import truce`` stays quick for the CLI
    from truce.compliance import Compliance
    from truce.deadlines import Deadline
    from truce.diagrams import Diagram
    from truce.eventlog import EventLog
    from truce.ledger import _Owed
    from truce.unblock import Unblock

__all__ = ["Ceasefire", "Snapshot"]

#: How many events between two ledger checkpoints (``as_of`` replays at most this many).
CHECKPOINT_EVERY = 2048
_DECLARED = "declared:"  # internal trigger prefix; ':' cannot occur in an id, so no clash


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk replay.

    A replay allocates millions of small objects that are never garbage; without the
    pause, Python's generational collector re-scans them again and again and a replay of
    a million events slows down by half. Reference counting still frees what it should.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_event_date = operator.attrgetter("date")
_kind_of = operator.attrgetter("kind")


def _refused(error: TruceError, index: int, batch: list[Event]) -> None:
    """Say which event of a batch was refused, and that none of the batch was recorded."""
    event = batch[index]
    where = f"{event.date} {event.kind}" if isinstance(event, Event) else type(event).__name__
    error.add_note(f"refused: event {index} of {len(batch)} ({where}); none of them was recorded")
    error.index = index  # type: ignore[attr-defined]


class _Implausible(Exception):
    """Internal: a batch names something unknown; ``extend`` undoes it and says what."""


@attrs.frozen(repr=False, eq=False)  # internal: no generated methods nobody calls (start-up)
class _Saved:
    """What :meth:`Ceasefire.extend` needs to undo a refused batch."""

    events: int
    checkpoints: int
    ledger: Checkpoint
    as_of: dt.date | None
    last: dt.date


class _Engine:
    """The model object ``transitions`` drives.

    It is private so the machine's generated attributes never land on user objects.
    """

    state: str


@attrs.frozen(repr=False, eq=False)  # internal: no generated methods nobody calls (start-up)
class _Names:
    """What an event may name, as sets, for the fast check on the recording path."""

    start: dt.date
    obligations: frozenset[str]
    measured: frozenset[str]
    facts: frozenset[str]
    parties: frozenset[str]
    phases: frozenset[str]
    triggers: frozenset[str]
    routes: dict[tuple[str, str], list[tuple[int, Transition]]]

    @classmethod
    def of(cls, agreement: Agreement) -> _Names:
        routes: dict[tuple[str, str], list[tuple[int, Transition]]] = {}
        for index, transition in enumerate(agreement.transitions):
            for phase in transition.from_phases:
                routes.setdefault((phase, transition.trigger), []).append((index, transition))
        return cls(
            agreement.agreed or agreement.in_force,
            frozenset(o.id for o in agreement.obligations),
            frozenset(o.id for o in agreement.obligations if o.measure is not None),
            frozenset(f.id for f in agreement.facts),
            frozenset(p.id for p in agreement.parties),
            frozenset(agreement.phase_ids),
            frozenset(agreement.triggers),
            routes,
        )


class _LiveContext:
    """A ledger seen on one day: what guards read.

    The machine keeps one and moves its day per event, so firing a trigger allocates nothing.
    """

    __slots__ = ("as_of", "ledger")

    def __init__(self, ledger: Ledger, as_of: dt.date) -> None:
        self.ledger = ledger
        self.as_of = as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        return self.ledger.obligation_state(obligation)

    def fact_value(self, name: str) -> FactValue | None:
        return self.ledger.fact_value(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.ledger.anchor_date(anchor)


@attrs.frozen
class Snapshot:
    """Everything observable about a ceasefire at one moment, comparable with ``==``."""

    phase: str
    date: dt.date
    events: int
    obligations: tuple[ObligationState, ...]
    facts: tuple[FactValue, ...]
    history: tuple[PhaseChange, ...]


class Ceasefire:
    """An agreement being lived: its phase, its obligations' statuses, and its record.

    Build one with :func:`truce.load` or ``Ceasefire(agreement, events)``. It always has
    an as-of date: the day of its last event unless asked for another with
    :meth:`as_of`.

    >>> import truce
    >>> riverside = truce.load("docs/riverside.yaml")
    >>> riverside.phase, riverside.triggers()
    ('phase_one', ['begin_phase_two', 'collapse'])
    >>> bool(riverside.blockers("phase_two")), riverside.can("phase_two")
    (True, False)
    >>> riverside.as_of("2025-04-03").status("detainees_released").progress
    5.0
    >>> riverside.record(truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10))
    >>> riverside.advance("begin_phase_two")
    'phase_two'
    """

    _as_of: dt.date | None
    _fast: dict[str | None, _Owed]  # see record

    def __init__(self, agreement: Agreement, events: Iterable[Event] = (), *, as_of: DateLike | None = None) -> None:
        self._setup(agreement, Ledger.start(agreement))
        self.extend(events)
        if as_of is not None:
            self._as_of = self._check_date(as_of, "as_of")
            self._fast = {}  # see record

    def _setup(self, agreement: Agreement, ledger: Ledger) -> None:
        self._agreement = agreement
        self._names = _Names.of(agreement)
        self._ledger = ledger
        self._events: list[Event] = []
        self._shared: int | None = None  # see _replayed
        self._due = CHECKPOINT_EVERY  # events until the next checkpoint
        self._last = self._names.start  # the last recorded date; the agreement's start before any
        self._fast = {}
        self._checkpoints: list[Checkpoint] = []
        self._as_of = None
        self._live = _LiveContext(ledger, agreement.in_force)
        self._log: EventLog | None = None
        self._engine = _Engine()
        # The initial state is the ledger's phase: a fresh ledger's initial phase, or the
        # phase a checkpoint recorded after moves this machine (or its twin) already made.
        self._machine = Machine(
            model=self._engine,
            states=agreement.phase_ids,
            initial=ledger.phase,
            transitions=self._machine_transitions(),
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )

    @classmethod
    def _replayed(cls, original: Ceasefire, upto: int, day: dt.date) -> Ceasefire:
        """``original`` as it stood after ``upto`` events: nearest checkpoint, then a short replay.

        The copy shares the original's list of events (its first ``upto``) rather than
        copying it: a list that only grows keeps any prefix intact, and copying half a
        million references would cost more than all the rest. The copy takes a list of
        its own when it records an event (see :meth:`_own`).
        """
        checkpoints = [c for c in original._checkpoints if c.events <= upto]
        copy = cls.__new__(cls)
        if checkpoints:
            start = checkpoints[-1].events
            copy._setup(original._agreement, original._ledger.restore(checkpoints[-1]))
            copy._checkpoints = checkpoints
        else:
            start = 0
            copy._setup(original._agreement, Ledger.start(original._agreement))
        copy._events, copy._shared = original._events, upto
        copy._due = CHECKPOINT_EVERY - upto % CHECKPOINT_EVERY
        if start:
            copy._last = original._events[start - 1].date  # and the fold moves it on to upto's
        with _gc_paused():
            copy._fold(original._events[start:upto], append=False)
        copy._as_of = day
        copy._fast = {}  # see record
        return copy

    def _checkpoint(self) -> None:
        """Take the ledger's checkpoint for as_of, every CHECKPOINT_EVERY events."""
        self._checkpoints.append(self._ledger.checkpoint(len(self._events)))
        self._due = CHECKPOINT_EVERY

    def _count(self) -> int:
        """How many events this ceasefire has recorded (its list may be a longer, shared one)."""
        return len(self._events) if self._shared is None else self._shared

    def _own(self) -> None:
        """Before recording: take a list of events of its own if it shares its original's."""
        if self._shared is not None:
            self._events = self._events[: self._shared]
            self._shared = None

    def _machine_transitions(self) -> list[dict[str, Any]]:
        wired: list[dict[str, Any]] = []
        for index, transition in enumerate(self._agreement.transitions):
            source = list(transition.from_phases)
            wired.append(
                {
                    "trigger": transition.trigger,
                    "source": source,
                    "dest": transition.to_phase,
                    "conditions": [lambda index=index: self._guard_holds(index)],
                }
            )
            wired.append({"trigger": f"{_DECLARED}{index}", "source": source, "dest": transition.to_phase})
        return wired

    def _guard_holds(self, index: int) -> bool:
        """The machine's condition for transition ``index``: evaluate its guard on the event's day."""
        return truth(self._agreement.transitions[index].guard, self._live) is Truth.TRUE

    # --- what it is ----------------------------------------------------------------

    @property
    def agreement(self) -> Agreement:
        return self._agreement

    @property
    def phase(self) -> str:
        """The current phase id."""
        return self._engine.state

    @property
    def phases(self) -> list[str]:
        """Every phase id of the agreement, in definition order."""
        return self._agreement.phase_ids

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event recorded so far, in order."""
        return tuple(self._events[: self._count()])

    @property
    def date(self) -> dt.date:
        """The as-of date: what this ceasefire's answers are true on."""
        if self._as_of is not None:
            return self._as_of
        return self.data_through or self._agreement.in_force

    @property
    def data_through(self) -> dt.date | None:
        """The date of the last recorded event (None with no events)."""
        return self._last if self._count() else None

    @property
    def beyond_data(self) -> bool:
        """True when the as-of date is later than the last event: answers may be stale."""
        last = self.data_through
        return last is None or self.date > last

    @property
    def facts(self) -> dict[str, FactValue]:
        return dict(self._ledger.facts)

    @property
    def incidents(self) -> tuple[Event, ...]:
        return tuple(self._ledger.incidents)

    def triggers(self) -> list[str]:
        """Triggers defined from the current phase (whether or not their guards hold)."""
        return list(dict.fromkeys(t.trigger for t in self._agreement.transitions_from(self.phase)))

    def status(self, obligation: str) -> ObligationState:
        """The state of one obligation (raises :class:`~truce.UnknownName` for a typo)."""
        return self._ledger.obligation_state(obligation)

    def obligations(self) -> list[ObligationState]:
        """Every obligation's state, in definition order."""
        return list(self._ledger.states().values())

    def history(self) -> tuple[Change, ...]:
        """The timeline: phase changes (irregular ones flagged) and obligation changes, in order.

        Each entry has a ``date``, a ``describe()`` line and the ``event`` behind it (whose
        ``source`` is the citation); entry into force comes first.
        """
        if self._ledger.changes is not None:
            return tuple(self._ledger.changes)
        # Replayed on demand: recording does not pay for a record most callers never read.
        tracked = Ceasefire.__new__(Ceasefire)
        tracked._setup(self._agreement, Ledger.start(self._agreement, track_changes=True))
        tracked.extend(self._events[: self._count()])
        assert tracked._ledger.changes is not None
        return tuple(tracked._ledger.changes)

    def phase_history(self) -> tuple[PhaseChange, ...]:
        """Only the phase changes, from entry into force."""
        return tuple(self._ledger.phase_log)

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.phase,
            self.date,
            self._count(),
            tuple(self.obligations()),
            tuple(sorted(self._ledger.facts.values(), key=lambda f: f.name)),
            self.phase_history(),
        )

    # --- time ------------------------------------------------------------------------

    def _check_date(self, value: DateLike, field: str) -> dt.date:
        try:
            day = to_date(value, field=field)
        except ValueError as exc:
            raise DateError(str(exc)) from None
        start = self._agreement.agreed or self._agreement.in_force
        if day < start:
            raise DateError(f"{field}: {day} is before {self._agreement.id} existed ({start})")
        return day

    def as_of(self, date: DateLike) -> Ceasefire:
        """The ceasefire as it stood at the end of ``date`` (a new object; this one is untouched).

        A date after the last event is allowed; :attr:`beyond_data` then says so.
        """
        day = self._check_date(date, "as_of")
        # events are in date order, so a bisect on their dates finds the prefix
        upto = bisect.bisect_right(self._events, day, hi=self._count(), key=_event_date)
        return Ceasefire._replayed(self, upto, day)

    # --- recording -------------------------------------------------------------------

    def record(self, event: Event) -> None:
        """Fold one event into the ceasefire; on any error nothing is changed.

        Events must come in date order. A ``transition`` event fires its trigger through
        the machine (and is refused if the guard does not hold); a ``declared`` event
        moves the phase anyway and marks the move irregular. To record a long log at
        once, :meth:`extend` checks it a list at a time.
        """
        # The common case first, in as few steps as its checks allow: a settling report
        # (fulfilled, breached, waived) on an obligation in ``_fast``, in date order.
        # ``_fast`` holds the obligations for which such a report does nothing but set
        # status, date and evidence (already active, no measure to fill) and is empty
        # while a log, a change record or a fixed as-of date needs more; an obligation
        # kind names nothing but its obligation (Event refuses the rest), so one lookup
        # is the name check.
        if event.__class__ is Event:
            owed = self._fast.get(event.obligation)
            if owed is not None and event.kind in SETTLING:
                date = event.date
                if not date < self._last:
                    owed.settled = event  # status, date and evidence in one (see _Owed)
                    self._last = date
                    self._events.append(event)  # as _apply ends, inlined: a call would cost a fifth here
                    due = self._due - 1  # a countdown: cheaper than len() % CHECKPOINT_EVERY per event
                    self._due = due
                    if not due:
                        self._checkpoint()
                    return
        if not isinstance(event, Event):
            raise EventError([Problem(f"expected an Event, got {type(event).__name__}")])
        if not self._plausible(event, self._last):
            raise EventError(self._event_problems(event, self.data_through))
        self._record_checked(event)

    def _record_checked(self, event: Event) -> None:
        """Record an Event whose names and date are known to be good."""
        self._own()
        if self._log is not None:
            # The event must be on disk before it counts, and nothing may be on disk that
            # the ceasefire then refuses: check the move first, write, then apply.
            self._check_move(event)
            self._log.append(event)
        self._apply(event)

    def _apply(self, event: Event, *, append: bool = True) -> None:
        """Fold one event already checked against the agreement (names, date order).

        ``append=False`` is for :meth:`_replayed`, whose events are already in the list
        it shares (and which takes no checkpoints: it stops before the next one is due).
        """
        kind = event.kind
        if kind is EventKind.TRANSITION:
            assert event.trigger is not None
            self._fire(event.trigger, event)
        elif kind is EventKind.DECLARED:
            self._declare(event)
        else:
            self._ledger.apply(event)
            if kind in SETTLING and self._log is None and self._ledger.changes is None and self._as_of is None:
                owed = self._ledger.owed[event.obligation]  # type: ignore[index]
                if owed.obligation.measure is None:  # and it is active now: record may take the fast path
                    self._fast[event.obligation] = owed
        self._last = event.date
        if not append:
            return
        self._events.append(event)
        self._due -= 1
        if not self._due:
            self._checkpoint()
        if self._as_of is not None and event.date > self._as_of:
            self._as_of = event.date

    def extend(self, events: Iterable[Event]) -> None:
        """Record many events in order, all or none: what ``record`` in a loop does, faster.

        Made for bulk loads (a million events in a fraction of a second): the batch's
        types and date order are checked a whole list at a time, runs of settling reports
        (fulfilled, breached, waived) are folded per obligation rather than per event
        (only the last report in a run decides an obligation's status), and their names
        are checked per run. If any event is refused (a bad name, a date out of order, a
        blocked transition), the error is the one :meth:`record` would raise for it, with
        a note naming its position, and the ceasefire is exactly as it was.
        """
        batch = events if type(events) is list else list(events)
        if not batch:
            return
        with _gc_paused():
            if self._log is not None:
                # Nothing may reach the log that the ceasefire then refuses, and the batch is
                # all or none on disk too: try it on a twin, write it in one durable append
                # (every line made before any is written), then fold it here.
                Ceasefire._replayed(self, self._count(), self.date).extend(batch)
                try:
                    self._log.append_all(batch)
                except EventError as error:  # the file moved on: another writer's later event
                    _refused(error, 0, batch)
                    raise
            self._extend(batch)

    def _extend(self, batch: list[Event]) -> None:
        self._own()
        # Up to ``end`` the batch is Events in date order (checked a list at a time when it
        # all is; a long log has runs of one shared date object, see events._date). Those
        # are folded; the event at ``end``, if any, is refused as record would refuse it,
        # but only after the fold, which may refuse an earlier one first (a blocked trigger).
        end = len(batch)
        if all(issubclass(kind, Event) for kind in set(map(type, batch))):
            days = [day for day, _ in itertools.groupby(map(_event_date, batch))]
            if days[0] < self._last or not all(map(operator.le, days, itertools.islice(days, 1, None))):
                end = self._first_implausible(batch)
        else:
            end = self._first_implausible(batch)
        saved = self._save()
        try:
            self._fold(batch[:end] if end < len(batch) else batch)
        except _Implausible:  # a name the agreement does not know: find which, and say why
            self._restore(saved)
            end = self._first_implausible(batch)
        except BaseException as error:
            index = len(self._events) - saved.events
            self._restore(saved)
            if isinstance(error, TruceError):
                _refused(error, index, batch)
            raise
        else:
            if end == len(batch):
                return
            self._restore(saved)  # all or none: the events before ``end`` go too
        event = batch[end]
        if isinstance(event, Event):
            refusal = EventError(self._event_problems(event, batch[end - 1].date if end else self.data_through))
        else:
            refusal = EventError([Problem(f"expected an Event, got {type(event).__name__}")])
        _refused(refusal, end, batch)
        raise refusal

    def _first_implausible(self, batch: list[Any]) -> int:
        """The position of the first item record would refuse unseen (not an Event, a date
        out of order, an unknown name), or the batch's length if there is none."""
        previous = self._last
        for index, event in enumerate(batch):
            if not isinstance(event, Event) or not self._plausible(event, previous):
                return index
            previous = event.date
        return len(batch)

    def _fold(self, batch: list[Event], *, append: bool = True) -> None:
        """Apply a batch of Events in date order: runs of settling reports per obligation,
        the rest one by one; raises :class:`_Implausible` at an event that names the unknown.
        ``append`` as for :meth:`_apply`."""
        if not batch:
            return
        if self._ledger.changes is None and set(map(_kind_of, batch)) <= SETTLING.keys():
            self._settle_run(batch, 0, len(batch), append=append)
            return
        kinds = list(map(_kind_of, batch))
        step_by_step = self._ledger.changes is not None  # a change record needs every step
        start, size = 0, len(batch)
        while start < size:
            if step_by_step or kinds[start] not in SETTLING:
                # other kinds may name more than an obligation, and fold one at a time
                event = batch[start]
                if not self._plausible(event, self._last):
                    raise _Implausible
                self._apply(event, append=append)
                start += 1
                continue
            end = start + 1
            while end < size and kinds[end] in SETTLING:
                end += 1
            self._settle_run(batch, start, end, append=append)
            start = end

    def _settle_run(self, batch: list[Event], start: int, end: int, *, append: bool = True) -> None:
        """Fold ``batch[start:end]``, settling reports, in chunks that end where :meth:`record`
        takes checkpoints, so the checkpoints (and ``as_of``) are the same either way."""
        events, ledger = self._events, self._ledger
        if not append:
            if not ledger.settle_run(batch[start:end]):
                raise _Implausible
            self._last = batch[end - 1].date
            return
        while start < end:
            stop = min(end, start + self._due)
            chunk = batch[start:stop]
            if not ledger.settle_run(chunk):
                raise _Implausible
            events.extend(chunk)
            self._due -= stop - start
            if not self._due:
                self._checkpoint()
            start = stop
        self._last = events[-1].date
        if self._as_of is not None and self._last > self._as_of:
            self._as_of = self._last

    def _save(self) -> _Saved:
        return _Saved(
            len(self._events),
            len(self._checkpoints),
            self._ledger.checkpoint(len(self._events)),
            self._as_of,
            self._last,
        )

    def _restore(self, saved: _Saved) -> None:
        """Put the ceasefire back as :meth:`_save` found it (after a refused batch)."""
        del self._events[saved.events :]
        del self._checkpoints[saved.checkpoints :]
        self._due = CHECKPOINT_EVERY - saved.events % CHECKPOINT_EVERY
        self._ledger = self._ledger.restore(saved.ledger)
        self._live.ledger = self._ledger
        self._fast = {}
        self._machine.set_state(saved.ledger.phase, model=self._engine)
        self._as_of = saved.as_of
        self._last = saved.last

    def _check_move(self, event: Event) -> None:
        """Raise what recording ``event`` would raise, without changing anything."""
        if event.kind is EventKind.TRANSITION:
            assert event.trigger is not None
            routes = self._routes(event.trigger)
            if not routes:
                raise self._illegal(event.trigger)
            self._live.as_of = event.date
            if not any(truth(t.guard, self._live) is Truth.TRUE for _, t in routes):
                raise TransitionBlocked(self._blockers(event.trigger, routes, event.date))
        elif event.kind is EventKind.DECLARED and not self._routes(event.trigger, event.to):
            self._declare(event)  # raises the EventError that explains the missing transition

    def log_to(self, path: str | os.PathLike[str]) -> Ceasefire:
        """Write every event recorded from now on durably to the JSON Lines log at ``path``.

        :meth:`record` then returns only once the event is flushed and fsynced (see
        :class:`~truce.EventLog`); an event the ceasefire refuses is never written.
        Returns the ceasefire, so ``truce.Ceasefire(agreement).log_to(path)`` reads well.
        """
        from truce.eventlog import EventLog

        self._log = EventLog(path, self._agreement)
        self._fast = {}  # every event now goes to disk first: no shortcut past it
        return self

    def _plausible(self, event: Event, previous: dt.date) -> bool:
        """The fast check on the recording path: every name known, not before ``previous``.

        ``previous`` is the last recorded date (the agreement's start if none). Only when
        this fails is :meth:`_event_problems` asked to say, at leisure, what is wrong.
        """
        names = self._names
        return not (
            event.date < previous
            or (event.obligation is not None and event.obligation not in names.obligations)
            or (event.fact is not None and event.fact not in names.facts)
            or (event.party is not None and event.party not in names.parties)
            or (event.to is not None and event.to not in names.phases)
            or (event.trigger is not None and event.trigger not in names.triggers)
            or (event.kind is EventKind.PROGRESS and event.obligation not in names.measured)
        )

    def _event_problems(self, event: Event, last: dt.date | None) -> list[Problem]:
        agreement = self._agreement
        problems = []
        where = f"event {event.date} {event.kind}"
        start = agreement.agreed or agreement.in_force
        if event.date < start:
            problems.append(Problem(f"dated before the agreement ({start})", field=f"{where}.date"))
        if last is not None and event.date < last:
            problems.append(Problem(f"out of order: earlier than the last event ({last})", field=f"{where}.date"))
        checks = (
            ("obligation", agreement.has_obligation),
            ("fact", agreement.has_fact),
            ("party", agreement.has_party),
            ("to", agreement.has_phase),
        )
        for name, known in checks:
            value = getattr(event, name)
            if value is not None and not known(value):
                problems.append(
                    Problem(f"unknown {'phase' if name == 'to' else name} {value!r}", field=f"{where}.{name}")
                )
        if event.trigger is not None and event.trigger not in agreement.triggers:
            problems.append(Problem(f"unknown trigger {event.trigger!r}", field=f"{where}.trigger"))
        if (
            event.kind is EventKind.PROGRESS
            and event.obligation
            and agreement.has_obligation(event.obligation)
            and agreement.obligation(event.obligation).measure is None
        ):
            problems.append(Problem("progress on an obligation that has no measure", field=f"{where}.obligation"))
        return problems

    def _routes(self, trigger: str | None = None, to: str | None = None) -> list[tuple[int, Transition]]:
        if to is None and trigger is not None:
            return self._names.routes.get((self.phase, trigger), [])
        return [
            (i, t)
            for i, t in enumerate(self._agreement.transitions)
            if self.phase in t.from_phases
            and (trigger is None or t.trigger == trigger)
            and (to is None or t.to_phase == to)
        ]

    def _fire(self, trigger: str, event: Event) -> None:
        routes = self._routes(trigger)
        if not routes:
            raise self._illegal(trigger)
        before = self.phase
        self._live.as_of = event.date
        if not self._engine.trigger(trigger):  # type: ignore[attr-defined]
            raise TransitionBlocked(self._blockers(trigger, routes, event.date))
        self._ledger.enter_phase(PhaseChange(event.date, before, self.phase, trigger, event=event))

    def _declare(self, event: Event) -> None:
        routes = self._routes(event.trigger, event.to)
        if not routes:
            wanted = event.trigger or f"a move to {event.to}"
            raise EventError(
                [
                    Problem(
                        f"declared {wanted}, but the agreement defines no such transition from {self.phase!r}; "
                        "model the move in the definition first",
                        field=f"event {event.date} declared",
                    )
                ]
            )
        index, transition = routes[0]
        verdict = evaluate(transition.guard, _LiveContext(self._ledger, event.date))
        before = self.phase
        self._engine.trigger(f"{_DECLARED}{index}")  # type: ignore[attr-defined]
        self._ledger.enter_phase(
            PhaseChange(
                event.date,
                before,
                self.phase,
                transition.trigger,
                irregular=not verdict.holds,
                unmet=verdict.unmet(),
                event=event,
            )
        )

    def advance(
        self,
        trigger: str,
        *,
        on: DateLike | None = None,
        source: Source | None = None,
        reported_by: str | None = None,
        text: str | None = None,
    ) -> str:
        """Fire ``trigger`` on the as-of date (or ``on``) and return the new phase.

        Raises :class:`~truce.IllegalTransition` when no such trigger leaves the current
        phase and :class:`~truce.TransitionBlocked` when its guard does not hold; either
        way the ceasefire is unchanged. The move is recorded as a ``transition`` event,
        so :meth:`as_of` replays it.
        """
        if trigger not in self._names.triggers:
            raise UnknownName("trigger", trigger, self._agreement.triggers)
        if not self._routes(trigger):
            raise self._illegal(trigger)
        day = self._check_date(on, "on") if on is not None else self.date
        if source is None and reported_by is None and text is None and not day < self._last:
            self._record_checked(transition_event(day, trigger))  # trigger and day are checked above
        else:
            self.record(
                Event(day, EventKind.TRANSITION, trigger=trigger, source=source, reported_by=reported_by, text=text)
            )
        return self.phase

    def _illegal(self, trigger: str) -> IllegalTransition:
        leaves = sorted({p for t in self._agreement.transitions if t.trigger == trigger for p in t.from_phases})
        here = ", ".join(self.triggers()) or "none: it is terminal"
        return IllegalTransition(
            f"{trigger} cannot fire from {self.phase!r} (it leaves {', '.join(leaves) or 'no phase'}); "
            f"triggers from {self.phase!r}: {here}",
            trigger=trigger,
            phase=self.phase,
        )

    # --- questions -------------------------------------------------------------------

    def blockers(self, target: str, *, as_of: DateLike | None = None, view: str | None = None) -> Blockers:
        """What blocks ``target`` (a trigger or a destination phase) on the as-of date.

        Falsy when nothing blocks. ``view=PARTY`` evaluates the guard as that party's
        claims have it (see :mod:`truce.views`); the default is the reported facts, with
        claims kept apart. Raises :class:`~truce.UnknownName` for a name the agreement
        does not define and :class:`~truce.IllegalTransition` when no transition leads
        there from the current phase.
        """
        if as_of is not None:
            return self.as_of(as_of).blockers(target, view=view)
        if view is not None:
            self._agreement.party(view)  # an unknown party is an error even when nothing is to be evaluated
        if target == self.phase and self._agreement.has_phase(target):
            return Blockers(
                self._agreement.id,
                "-",
                self.phase,
                target,
                self.date,
                (),
                note=f"already in {target} (since {self._entered(target)})",
                view=describe_view(view),
            )
        trigger, routes = self._resolve(target)
        return self._blockers(trigger, routes, self.date, view)

    def _resolve(self, target: str) -> tuple[str, list[tuple[int, Transition]]]:
        """The trigger and transitions ``target`` (a trigger or a phase) means from here."""
        agreement = self._agreement
        if target in agreement.triggers:
            routes = self._routes(trigger=target)
            if not routes:
                raise self._illegal(target)
            return target, routes
        if agreement.has_phase(target):
            routes = self._routes(to=target)
            if not routes:
                reachable = ", ".join(sorted({t.to_phase for _, t in self._routes()})) or "none"
                raise IllegalTransition(
                    f"no transition leads from {self.phase!r} to {target!r}; from here: {reachable}",
                    trigger=target,
                    phase=self.phase,
                )
            return routes[0][1].trigger, routes
        raise UnknownName("trigger or phase", target, [*agreement.triggers, *agreement.phase_ids])

    def _context(self, day: dt.date, view: str | None) -> GuardContext:
        context: GuardContext = _LiveContext(self._ledger, day)
        if view is None:
            return context
        if not self._agreement.has_party(view):
            raise UnknownName("party", view, [p.id for p in self._agreement.parties])
        from truce.views import PartyView

        return PartyView(context, view, tuple(self._ledger.fact_claims))

    def _verdict(self, routes: list[tuple[int, Transition]], day: dt.date, view: str | None) -> tuple[Guard, Verdict]:
        guards = [t.guard for _, t in routes]
        guard = guards[0] if len(guards) == 1 else AnyOf(tuple(guards))
        return guard, evaluate(guard, self._context(day, view))

    def unblock(self, target: str, *, as_of: DateLike | None = None, view: str | None = None) -> Unblock:
        """The smallest sets of conditions whose fulfilment would open ``target``, smallest first.

        Each set names the obligations (with the parties that owe them) and facts that
        would have to become true; fulfilling any one set is enough, and no smaller part
        of a set would do.
        """
        from truce.unblock import Unblock, UnblockSet, minimal_sets

        if as_of is not None:
            return self.as_of(as_of).unblock(target, view=view)
        trigger, routes = self._resolve(target)
        guard, verdict = self._verdict(routes, self.date, view)
        context = self._context(self.date, view)
        terms, complete = minimal_sets(verdict, context) if not verdict.holds else ([], True)
        leaves = {leaf.guard: leaf for leaf in verdict.leaves()}
        states = self._ledger.states()
        sets = tuple(
            UnblockSet(
                tuple(
                    describe_leaf(leaves[g], self._agreement, states, self.date)
                    for g in sorted(term, key=lambda g: g.to_expr())
                )
            )
            for term in terms
        )
        return Unblock(
            trigger, self.phase, routes[0][1].to_phase, self.date, sets, verdict.holds, complete, guard.to_expr()
        )

    def deadlines(self, as_of: DateLike | None = None) -> list[Deadline]:
        """Open obligations with a known deadline, soonest (or most overdue) first, with days left or overdue."""
        from truce.deadlines import deadlines

        if as_of is not None:
            return self.as_of(as_of).deadlines()
        return deadlines(self.obligations(), self.date)

    def compliance(self, as_of: DateLike | None = None) -> Compliance:
        """Per party: fulfilled, overdue, breached, disputed, pending…, incidents; and irregular moves."""
        from truce.compliance import compliance

        if as_of is not None:
            return self.as_of(as_of).compliance()
        return compliance(
            self._agreement, self.obligations(), self._ledger.incidents, self._ledger.phase_log, self.date
        )

    def what_if(
        self,
        *,
        fulfil: Iterable[str] = (),
        breach: Iterable[str] = (),
        waive: Iterable[str] = (),
        facts: Mapping[str, bool | int | float | str] | None = None,
        as_of: DateLike | None = None,
    ) -> Ceasefire:
        """A new ceasefire with hypothetical events added on the as-of date; this one is untouched.

        The hypothetical events are reported by ``"what-if"`` and cite no real source, so
        they can never be mistaken for the record.
        """
        scenario = self.as_of(as_of if as_of is not None else self.date)
        day = scenario.date
        made_up = Source("Hypothetical (what-if scenario), not a real event", "truce")
        planned = [Event(day, EventKind.FULFILLED, obligation=o, source=made_up, reported_by="what-if") for o in fulfil]
        planned += [Event(day, EventKind.BREACHED, obligation=o, source=made_up, reported_by="what-if") for o in breach]
        planned += [Event(day, EventKind.WAIVED, obligation=o, source=made_up, reported_by="what-if") for o in waive]
        planned += [
            Event(day, EventKind.FACT, fact=name, value=value, source=made_up, reported_by="what-if")
            for name, value in (facts or {}).items()
        ]
        for event in planned:
            scenario.record(event)
        return scenario

    def to_frame(self, what: str = "events") -> Any:
        """A pandas DataFrame of events, obligations, compliance, deadlines or history (needs the ``pandas`` extra)."""
        from truce.frames import to_frame

        return to_frame(self, what)

    def _entered(self, phase: str) -> dt.date | None:
        return next((c.date for c in reversed(self._ledger.phase_log) if c.to_phase == phase), None)

    def _blockers(
        self, trigger: str, routes: list[tuple[int, Transition]], day: dt.date, view: str | None = None
    ) -> Blockers:
        guard, verdict = self._verdict(routes, day, view)
        states = self._ledger.states()

        def unique(leaves: tuple[Verdict, ...]) -> tuple[Any, ...]:
            seen: dict[str, Any] = {}
            for leaf in leaves:
                seen.setdefault(leaf.guard.to_expr(), describe_leaf(leaf, self._agreement, states, day))
            return tuple(seen.values())

        return Blockers(
            self._agreement.id,
            trigger,
            self.phase,
            routes[0][1].to_phase,
            day,
            unique(verdict.unmet()),
            unique(verdict.met()),
            guard=guard.to_expr(),
            view=describe_view(view),
        )

    def can(self, target: str) -> bool:
        """True if ``target`` (trigger or phase) could fire now: a route exists and its guard holds."""
        try:
            found = self.blockers(target)
        except IllegalTransition:
            return False
        return not found and found.note is None

    # --- presentation ----------------------------------------------------------------

    def __repr__(self) -> str:
        through = self.data_through
        data = f"data through {through}" if through else "no events"
        flag = ", beyond the data" if self.beyond_data and through else ""
        return f"<Ceasefire {self._agreement.id}: {self.phase} as of {self.date} ({data}{flag})>"

    def _repr_html_(self) -> str:
        from truce.html import ceasefire_html

        return ceasefire_html(self)

    def diagram(self) -> Diagram:
        """The phase diagram on the as-of date: ``.mermaid()``, ``.dot()``, ``.render("svg")``; SVG in Jupyter."""
        from truce.diagrams import diagram

        return diagram(self)

    def summary(self) -> str:
        """A plain-text status report: phase, how it got there, every obligation."""
        a = self._agreement
        lines = [f"{a.id}: {a.title}", repr(self)]
        for change in self.phase_history():
            lines.append(f"  {change.describe()}")
        lines.append("obligations:")
        for state in self.obligations():
            o = state.obligation
            status = str(state.status_on(self.date))
            detail = []
            if o.measure and state.progress is not None and status != "fulfilled":
                detail.append(f"{state.progress:g} of {o.measure.target:g} {o.measure.unit}")
            if state.due and status not in ("fulfilled", "waived"):
                detail.append(f"due {state.due}")
            overdue = state.days_overdue(self.date)
            if overdue:
                detail.append(f"overdue {days(overdue)}")
            if state.disputed:
                detail.append("DISPUTED")
            lines.append(f"  {status:<9} {o.id}  [{o.party or '-'}]  {'; '.join(detail)}".rstrip())
        return "\n".join(lines)
