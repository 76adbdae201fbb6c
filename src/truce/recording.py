"""Recording: how a live ceasefire takes events, all or none, with its log and its lock.

This is the machinery below the :class:`~truce.Ceasefire` façade (as python-statemachine
keeps its engine apart from the class users touch): one :class:`Recorder` holds the
record, the engine that moves its phase, the as-of date, the durable log and the lock.
Every event goes the same way: the one check (:func:`truce.record.problems`), then the
phase move (the engine) or the fold (the ledger), then the record. A refused event or
batch leaves everything as it was; with a log, nothing refused is ever written.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from truce._collector import paused
from truce.agreement import Agreement, Transition
from truce.blockers import Blockers, describe_view, explain
from truce.compliance import Compliance, compliance
from truce.dates import DateLike, to_date
from truce.deadlines import Deadline, deadlines
from truce.engine import engine_for
from truce.errors import (
    ArgumentError,
    DateError,
    EventError,
    IllegalTransition,
    Problem,
    TransitionBlocked,
    TruceError,
    UnknownName,
)
from truce.eventlog import EventLog
from truce.events import Event, EventKind, _transition
from truce.guards import GuardContext, Truth, truth
from truce.ledger import SETTLING, Moment, PhaseChange
from truce.record import Record, Snapshot, problems, recordable_kinds
from truce.sources import Source
from truce.status import ClockStop, ObligationState, clock_stop
from truce.unblock import Unblock, unblock
from truce.views import PartyView
from truce.ways import Exits, exits, path, shortest_route

__all__ = ["Recorder", "hypothetical", "name"]


def name(value: object, field: str) -> str:
    """``value`` if it is a text, else an :class:`~truce.ArgumentError` (a list is not a name)."""
    if not isinstance(value, str):
        raise ArgumentError(f"{field}: expected a name (text), got {type(value).__name__}")
    return value


_MOVES = frozenset({EventKind.TRANSITION, EventKind.DECLARED})
_TRUE = Truth.TRUE  # bound once: an enum member look-up costs as much as a small guard's truth
_HYPOTHETICAL = Source("Hypothetical (what-if scenario), not a real event", "truce")


def hypothetical(
    day: dt.date,
    fulfil: Iterable[str],
    breach: Iterable[str],
    waive: Iterable[str],
    facts: Mapping[str, bool | int | float | str],
) -> list[Event]:
    """The events of a what-if: reported by ``"what-if"``, citing no real source, never taken for the record."""
    if not isinstance(facts, Mapping):
        raise ArgumentError(f"facts: expected a mapping of fact ids to values, got {type(facts).__name__}")
    reports = ((EventKind.FULFILLED, _ids(fulfil, "fulfil")), (EventKind.BREACHED, _ids(breach, "breach")),
               (EventKind.WAIVED, _ids(waive, "waive")))  # fmt: skip
    made_up = {"source": _HYPOTHETICAL, "reported_by": "what-if"}
    planned = [Event(day, kind, obligation=o, **made_up) for kind, ids in reports for o in ids]  # type: ignore[arg-type]
    planned += [Event(day, EventKind.FACT, fact=k, value=v, **made_up) for k, v in facts.items()]  # type: ignore[arg-type]
    return planned


def _ids(value: object, field: str) -> list[str]:
    """A what-if's obligation ids: a list of names, not one name (which would be read letter by letter)."""
    if isinstance(value, str):
        raise ArgumentError(
            f"{field}: expected a list of obligation ids, got the text {value!r}; write {field}=[{value!r}]"
        )
    if not isinstance(value, Iterable):
        raise ArgumentError(f"{field}: expected a list of obligation ids, got {type(value).__name__}")
    return [name(item, field) for item in value]


class Recorder:
    """The live state of one ceasefire: record, engine, as-of date, log and lock."""

    def __init__(self, agreement: Agreement, record: Record | None = None, as_of: dt.date | None = None) -> None:
        if not isinstance(agreement, Agreement):
            raise ArgumentError(
                f"agreement: expected an Agreement (truce.load_agreement), got {type(agreement).__name__}"
            )
        self.agreement = agreement
        self.record = record if record is not None else Record(agreement)
        self.engine = engine_for(agreement)
        self.as_of = as_of
        #: the last real event's date in the whole log: views keep their parent's (see data_through)
        self.horizon: dt.date | None = self.record.last if self.record.has_events() else None
        self.log: EventLog | None = None
        self.lock = threading.RLock()
        self._moment: Moment | None = None  # the last day can() read, with this record's ledger

    def __getstate__(self) -> dict[str, object]:
        """Pickled without its lock, its shared engine or its log file (an unpickled copy does not log)."""
        return {"agreement": self.agreement, "record": self.record, "as_of": self.as_of, "horizon": self.horizon}

    def __setstate__(self, state: dict[str, object]) -> None:
        agreement, record, as_of = state["agreement"], state["record"], state["as_of"]
        assert isinstance(agreement, Agreement)
        assert isinstance(record, Record)
        assert as_of is None or isinstance(as_of, dt.date)
        self.agreement, self.record, self.engine, self.as_of = agreement, record, engine_for(agreement), as_of
        horizon = state.get("horizon")
        self.horizon = horizon if isinstance(horizon, dt.date) else None
        self.log, self.lock, self._moment = None, threading.RLock(), None

    # --- where it stands --------------------------------------------------------------

    @property
    def phase(self) -> str:
        return self.record.ledger.phase

    @property
    def data_through(self) -> dt.date | None:
        """How far the data goes: the later of the whole log's last real event and the sources' horizon.

        A view (``as_of``, ``what_if``) keeps the log it was cut from as its horizon, so
        a historical date is never "beyond the data"; hypothetical events never extend it.
        The definition's ``data_through`` says the sources were read up to that day, so
        a quiet stretch after the last event is known, not missing.
        """
        declared = self.agreement.data_through
        if self.horizon is None or (declared is not None and declared > self.horizon):
            return declared
        return self.horizon

    @property
    def date(self) -> dt.date:
        if self.as_of is not None:
            return self.as_of
        # a live ceasefire stands on its last event, and never before entry into force (events
        # may start at ``agreed``): only a day asked for can fall before it. Before any event the
        # record's last date is the agreement's start, which is never after entry into force.
        last, in_force = self.record.last, self.agreement.in_force
        return last if last > in_force else in_force

    def routes(self, trigger: str | None = None, to: str | None = None) -> list[tuple[int, Transition]]:
        return self.engine.routes(self.phase, trigger, to)

    def check_date(self, value: DateLike, field: str) -> dt.date:
        try:
            day = to_date(value, field=field)
        except ValueError as exc:
            raise DateError(str(exc)) from None
        start = self.record.names.start
        if day < start:
            raise DateError(f"{field}: {day} is before {self.agreement.id} existed ({start})")
        return day

    def context(self, day: dt.date, view: str | None = None) -> GuardContext:
        """What guards read on ``day``: the record, or one party's claims over it."""
        moment = Moment(self.record.ledger, day)
        if view is None:
            return moment
        self.agreement.party(name(view, "view"))  # UnknownName for a party the agreement does not define
        return PartyView(moment, view, self.record.ledger.fact_claims.view())

    def explain(self, routes: list[tuple[int, Transition]], day: dt.date, view: str | None = None) -> Blockers:
        return explain(self.agreement, self.context(day, view), self.phase, [t for _, t in routes], view)

    def resolve(self, target: object) -> list[tuple[int, Transition]]:
        """The transitions ``target`` (a trigger or a phase) means from here."""
        target = name(target, "target")
        if target in self.record.names.triggers:  # a trigger, unless it is also a phase and cannot fire here
            routes = self.routes(target)
            if routes:
                return routes
            if not self.agreement.has_phase(target):
                raise self.illegal(target)
        if self.agreement.has_phase(target):
            routes = self.routes(to=target)
            if not routes:
                reachable = ", ".join(sorted({t.to_phase for _, t in self.routes()})) or "none"
                message = f"no transition leads from {self.phase!r} to {target!r}; from here: {reachable}"
                raise IllegalTransition(message, trigger=target, phase=self.phase)
            return routes
        raise UnknownName("trigger or phase", target, [*self.agreement.triggers, *self.agreement.phase_ids])

    def leaves_by(self, target: str) -> bool:
        """Whether ``target`` is a trigger leaving the current phase (it wins over a phase of that name)."""
        return target in self.record.names.triggers and bool(self.routes(target))

    def asked(self, target: object, view: object) -> str | None:
        """Check a question's target and view (names; a party of the agreement); the note if already there."""
        target = name(target, "target")
        if view is not None:
            self.agreement.party(name(view, "view"))
        return self.already_there(target)

    def already_there(self, target: str) -> str | None:
        """``already in X (since …)`` when ``target`` is the current phase: nothing to open, nothing blocks."""
        if target != self.phase or not self.agreement.has_phase(target) or self.leaves_by(target):
            return None
        entered = next((c.date for c in reversed(self.phase_record(self.date)) if c.to_phase == target), None)
        if entered is None:
            return f"not yet in force (it enters {target} on {self.agreement.in_force})"
        return f"already in {target} (since {entered})"

    def moves(self, day: dt.date) -> tuple[PhaseChange, ...]:
        """The phase record up to ``day``: before entry into force, not even that entry."""
        return tuple(self.phase_record(day))

    def phase_record(self, day: dt.date) -> Sequence[PhaseChange]:
        """:meth:`moves` without a copy, for readers of its last entries (``already_there``, ``stopped``).

        From entry into force on it is the ledger's whole record, shared; copying it made every
        ``status`` and ``blockers`` of the current phase cost as much as the moves so far.
        """
        record = cast("Sequence[PhaseChange]", self.record.ledger.phase_log.view())
        if not record or record[0].date <= day:
            return record
        return tuple(m for m in record if m.date <= day)  # before entry into force: the few moves made by then

    def blockers(self, target: str, day: dt.date, view: str | None) -> Blockers:
        """What blocks ``target`` on ``day`` (a note instead when the ceasefire is already there).

        A phase further than one step away gets each step of the shortest route.
        """
        note = self.asked(target, view)
        if note is not None:
            return Blockers(self.agreement.id, "-", self.phase, target, day, (), note=note, view=describe_view(view))
        route = self.far_route(target)
        if route is not None:
            return path(self.agreement, self.context(day, view), route, view)
        routes = self.resolve(target)
        return self.explain(routes, day, view)

    def far_route(self, target: str) -> list[str] | None:
        """The shortest route to ``target`` when it is a phase more than one move away (else None)."""
        if not self.agreement.has_phase(target) or self.routes(to=target) or self.leaves_by(target):
            return None
        return shortest_route(self.agreement, self.phase, target)

    def exits(self, day: dt.date, view: str | None) -> Exits:
        """Every way out of the current phase on ``day``, each with its blockers."""
        return exits(self.agreement, self.context(day, view), self.phase, view)

    def unblock(self, target: str, day: dt.date, view: str | None) -> Unblock:
        """The minimal unblock sets for ``target`` on ``day`` (a note, as blockers gives, when already there)."""
        note = self.asked(target, view)
        if note is not None:
            return Unblock("-", self.phase, target, day, (), True, note=note, view=describe_view(view))
        route = self.far_route(target)
        if route is not None:  # say how far it is, and what answers that
            message = (
                f"{target} is {len(route) - 1} steps away from {self.phase!r} ({' -> '.join(route)}); unblock "
                f"answers one move: ask unblock({route[1]!r}), or blockers({target!r}) for every step"
            )
            raise IllegalTransition(message, trigger=target, phase=self.phase)
        routes = self.resolve(target)
        return unblock(self.agreement, self.context(day, view), self.phase, [t for _, t in routes], view)

    def can(self, target: str) -> bool:
        """Whether ``target`` could fire on the as-of date: a route exists and its guard holds.

        Answers yes or no without building an explanation: it costs the guard's truth and a
        look-up or two, which is what a caller polling many triggers pays for.
        """
        record = self.record
        ledger = record.ledger
        phase = ledger.phase
        if type(target) is not str:
            name(target, "target")
        routes = self.engine.by_trigger.get((phase, target))  # engine.routes, written out: this path is timed
        if not routes:
            if target == phase and self.agreement.has_phase(target):
                return False
            try:
                routes = self.resolve(target)
            except IllegalTransition:
                return False
        day = self.date
        moment = self._moment
        if moment is None or moment.as_of != day or moment.ledger is not ledger:
            moment = self._moment = Moment(ledger, day)  # it reads the ledger live: kept while the day stands
        for _, transition in routes:  # noqa: SIM110 - a loop, not any() over a generator: this path is timed
            if truth(transition.guard, moment) is _TRUE:
                return True
        return False

    def firable(self, trigger: object) -> str:
        """``trigger``, if it is a trigger with a route from the current phase (its guard aside); else raise."""
        trigger = name(trigger, "trigger")
        if trigger not in self.record.names.triggers:
            raise UnknownName("trigger", trigger, self.agreement.triggers)
        if not self.routes(trigger):
            raise self.illegal(trigger)
        return trigger

    def advance(
        self, trigger: object, on: DateLike | None, source: Source | None, reported_by: str | None, text: str | None
    ) -> str:
        """Fire ``trigger`` on the as-of date (or ``on``), recorded as a ``transition`` event; the new phase.

        Refusals in order: the trigger (a name, defined, leaving this phase), the day, the
        event's own fields, the date order, the guard. These are :meth:`take_one`'s steps
        under one lock (no other thread moves the phase between check and move), with the
        one check (:func:`problems`) asked only when it can refuse: the event names nothing
        but a trigger already checked, so only its date can fail it.
        """
        with self.lock:
            trigger = self.firable(trigger)
            day = self.check_date(on, "on") if on is not None else self.date
            if source is None and reported_by is None and text is None:
                event = _transition(day, trigger)  # both checked: a trigger of the agreement, a day truce takes
            else:
                event = Event(
                    day, EventKind.TRANSITION, trigger=trigger, source=source, reported_by=reported_by, text=text
                )
            if day < self.record.last:  # the agreement's start before any event, so this covers both date checks
                raise EventError(problems(self.record.names, event, self.record.last))
            if self.log is not None:
                self.check_move(event)
                self.log.append(event)
            self.take(event)
            return self.record.ledger.phase

    def illegal(self, trigger: str) -> IllegalTransition:
        leaves = sorted({p for t in self.agreement.transitions if t.trigger == trigger for p in t.from_phases})
        here = ", ".join(dict.fromkeys(t.trigger for _, t in self.routes())) or "none: it is terminal"
        return IllegalTransition(
            f"{trigger} cannot fire from {self.phase!r} (it leaves {', '.join(leaves) or 'no phase'}); "
            f"triggers from {self.phase!r}: {here}",
            trigger=trigger,
            phase=self.phase,
        )

    def stopped(self, day: dt.date) -> ClockStop | None:
        """When deadline clocks stopped on or before ``day``: a terminal phase, or the agreement's end."""
        return clock_stop(self.agreement, self.phase_record(day), day)

    def status(self, obligation: str, day: dt.date) -> ObligationState:
        """One obligation's state answering for ``day`` (raises UnknownName for a typo)."""
        return self.record.ledger.obligation_state(name(obligation, "obligation")).on(day, self.stopped(day))

    def states(self, day: dt.date) -> list[ObligationState]:
        """Every obligation's state answering for ``day``, in definition order."""
        stop = self.stopped(day)
        return [state.on(day, stop) for state in self.record.ledger.states().values()]

    def snapshot(self, day: dt.date) -> Snapshot:
        """The state on ``day`` as one comparable value: phase, obligations, facts, phase record."""
        ledger = self.record.ledger
        facts = tuple(sorted(ledger.facts.values(), key=lambda f: f.name))
        return Snapshot(self.phase, day, len(self.record), tuple(self.states(day)), facts, self.moves(day))

    def deadlines(self, day: dt.date) -> list[Deadline]:
        return deadlines(list(self.record.ledger.states().values()), day, self.stopped(day))

    def compliance(self, day: dt.date) -> Compliance:
        ledger = self.record.ledger
        states, moves = list(ledger.states().values()), self.moves(day)
        return compliance(
            self.agreement, states, ledger.incidents.view(), ledger.attributed, moves, day, self.stopped(day)
        )

    # --- views ------------------------------------------------------------------------

    def view(self, day: dt.date) -> Recorder:
        """This ceasefire as it stood at the end of ``day``: nearest checkpoint, short replay."""
        record, pending = self.record.view(self.record.position(day))
        view = Recorder(self.agreement, record)
        for event in pending:
            view.fold(event)
        record.replayed(pending)
        view.as_of = day
        view.horizon = self.horizon
        return view

    # --- recording --------------------------------------------------------------------

    def fold(self, event: Event) -> None:
        """Fold one event whose names and date are checked: move the phase or update the ledger."""
        kind, ledger = event.kind, self.record.ledger
        if kind is EventKind.TRANSITION:
            assert event.trigger is not None
            routes = self.routes(event.trigger)
            if not routes:
                raise self.illegal(event.trigger)
            if self.engine.fire(ledger, event) is None:
                raise TransitionBlocked(self.explain(routes, event.date))
        elif kind is EventKind.DECLARED:
            self.engine.declare(ledger, event, self.declared_route(event))
        else:
            ledger.apply(event)

    def take(self, event: Event) -> None:
        self.fold(event)
        self.record.append(event)
        if (self.horizon is None or event.date > self.horizon) and event.source != _HYPOTHETICAL:
            self.horizon = event.date  # the date first: most events share their day with the last
        if self.as_of is not None and event.date > self.as_of:
            self.as_of = event.date

    def declared_route(self, event: Event) -> tuple[int, Transition]:
        routes = self.routes(event.trigger, event.to)
        if not routes:
            wanted = event.trigger or f"a move to {event.to}"
            message = f"declared {wanted}, but the agreement defines no such transition from {self.phase!r}"
            problem = Problem(
                f"{message}; model the move in the definition first", field=f"event {event.date} declared"
            )
            raise EventError([problem])
        return routes[0]

    def check_move(self, event: Event) -> None:
        """Raise what folding ``event`` would raise, changing nothing (before it goes to the log)."""
        if event.kind is EventKind.TRANSITION:
            assert event.trigger is not None
            routes = self.routes(event.trigger)
            if not routes:
                raise self.illegal(event.trigger)
            if not self.engine.could_fire(self.record.ledger, event.trigger, event.date):
                raise TransitionBlocked(self.explain(routes, event.date))
        elif event.kind is EventKind.DECLARED:
            self.declared_route(event)

    def take_one(self, event: Event) -> None:
        """Check, log (when logging), then fold one event; nothing changes on refusal."""
        with self.lock:
            found = problems(self.record.names, event, self.record.last)
            if found:
                raise EventError(found)
            if self.log is not None:
                self.check_move(event)
                self.log.append(event)
            self.take(event)

    def take_all(self, events: Iterable[Event]) -> None:
        """Fold ``events`` in order, then log them in one durable append; on any refusal undo it all."""
        if isinstance(events, Event | str | bytes) or not isinstance(events, Iterable):
            raise ArgumentError(f"events: expected a list of events, got {type(events).__name__}")
        batch = events if isinstance(events, list) else list(events)
        if not batch:
            return
        with self.lock:
            record, as_of, horizon = self.record, self.as_of, self.horizon
            saved = record.save()
            try:
                kinds = recordable_kinds(record.names, batch, record.last)
                if kinds is not None:
                    with paused():  # a long batch makes objects that all live on: see truce._collector
                        self._take_checked(batch, kinds)
                else:
                    names, take = record.names, self.take
                    for event in batch:
                        found = problems(names, event, record.last)
                        if found:
                            raise EventError(found)
                        take(event)
                if self.log is not None:
                    self.log.append_all(list(batch))  # all or none on disk; on failure undone here too
            except BaseException as error:
                index = len(record) - saved.count  # the refused event: those before it are recorded
                index = 0 if index >= len(batch) else index  # all folded: the log refused them
                record.undo(saved)
                self.as_of, self.horizon = as_of, horizon
                if isinstance(error, TruceError):
                    where = f"{batch[index].date} {batch[index].kind}" if isinstance(batch[index], Event) else "?"
                    error.add_note(f"refused: event {index} of {len(batch)} ({where}); none of them was recorded")
                    error.index = index  # type: ignore[attr-defined]
                raise

    def _take_checked(self, batch: list[Event], kinds: frozenset[EventKind]) -> None:
        """:meth:`take` for each of a batch whose every event passes the one check (:func:`recordable`).

        Runs between phase moves and checkpoints are folded by the ledger in one loop
        (:meth:`Ledger.apply_all`); a move goes to the engine as always. The record, its
        checkpoints, the horizon and the as-of date end as :meth:`take` would leave them.
        """
        record, ledger, count = self.record, self.record.ledger, len(batch)
        moves = [] if _MOVES.isdisjoint(kinds) else [n for n, e in enumerate(batch) if e.kind in _MOVES]
        settling = kinds <= SETTLING.keys()  # then so is every run
        moves.append(count)
        start, upcoming = 0, 0
        while start < count:
            stop = min(moves[upcoming], start + record.room())
            if start < stop:
                run = batch[start:stop]
                ledger.apply_all(run, settling=settling)
                record.extend(run)
                start = stop
            if start == moves[upcoming] < count:
                self.fold(batch[start])
                record.append(batch[start])
                start += 1
                upcoming += 1
        real = next((event.date for event in reversed(batch) if event.source != _HYPOTHETICAL), None)
        if real is not None and (self.horizon is None or real > self.horizon):
            self.horizon = real
        if self.as_of is not None and batch[-1].date > self.as_of:
            self.as_of = batch[-1].date

    def log_to(self, path: str | os.PathLike[str]) -> None:
        with self.lock:
            self.log = EventLog(path, self.agreement)
