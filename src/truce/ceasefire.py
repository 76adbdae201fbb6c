"""The live ceasefire: a façade over the record (events folded into a ledger) and the engine.

A blocked or illegal trigger raises and leaves phase, ledger and events exactly as they
were: the checks happen before anything is written. Reality sometimes moves anyway: a
sourced ``declared`` event moves the phase along a defined transition whatever its
guard says, and the move is recorded as *irregular* with the conditions unmet at that
moment, never a silent bypass. The work happens below: :mod:`truce.record` keeps and
folds events, :mod:`truce.engine` moves phases, the analysis modules answer questions.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from truce import diagrams, frames, html, summary
from truce.agreement import Agreement, Transition
from truce.blockers import Blockers, describe_view, explain
from truce.compliance import Compliance, compliance
from truce.dates import DateLike, to_date
from truce.deadlines import Deadline, deadlines
from truce.engine import engine_for
from truce.errors import DateError, EventError, IllegalTransition, Problem, TransitionBlocked, TruceError, UnknownName
from truce.eventlog import EventLog
from truce.events import Event, EventKind
from truce.guards import GuardContext, Truth, truth
from truce.ledger import Change, Moment, PhaseChange
from truce.record import Record, problems
from truce.sources import Source
from truce.status import FactValue, ObligationState
from truce.unblock import Unblock, unblock
from truce.views import PartyView

__all__ = ["Ceasefire", "Snapshot"]

_HYPOTHETICAL = Source("Hypothetical (what-if scenario), not a real event", "truce")


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
    :meth:`as_of`. Recording is safe from several threads (one lock per ceasefire).

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
    _log: EventLog | None

    def __init__(self, agreement: Agreement, events: Iterable[Event] = (), *, as_of: DateLike | None = None) -> None:
        self._start(agreement, Record(agreement))
        self.extend(events)
        if as_of is not None:
            self._as_of = self._check_date(as_of, "as_of")

    def _start(self, agreement: Agreement, record: Record) -> None:
        self._agreement, self._record, self._engine = agreement, record, engine_for(agreement)
        self._as_of = None
        self._log = None
        self._lock = threading.RLock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its lock, its shared engine or its log file (an unpickled copy does not log)."""
        return {"agreement": self._agreement, "record": self._record, "as_of": self._as_of}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._start(state["agreement"], state["record"])
        self._as_of = state["as_of"]

    # --- what it is ----------------------------------------------------------------

    @property
    def agreement(self) -> Agreement:
        return self._agreement

    @property
    def phase(self) -> str:
        """The current phase id."""
        return self._record.ledger.phase

    @property
    def phases(self) -> list[str]:
        """Every phase id of the agreement, in definition order."""
        return self._agreement.phase_ids

    @property
    def events(self) -> Sequence[Event]:
        """Every event recorded so far, in order (a read-only view, not a copy)."""
        return self._record.events

    @property
    def date(self) -> dt.date:
        """The as-of date: what this ceasefire's answers are true on."""
        if self._as_of is not None:
            return self._as_of
        return self.data_through or self._agreement.in_force

    @property
    def data_through(self) -> dt.date | None:
        """The date of the last recorded event (None with no events)."""
        return self._record.last if self._record.has_events() else None

    @property
    def beyond_data(self) -> bool:
        """True when the as-of date is later than the last event: answers may be stale."""
        last = self.data_through
        return last is None or self.date > last

    @property
    def facts(self) -> dict[str, FactValue]:
        return dict(self._record.ledger.facts)

    @property
    def incidents(self) -> Sequence[Event]:
        return self._record.ledger.incidents.view()

    def triggers(self) -> list[str]:
        """Triggers defined from the current phase (whether or not their guards hold)."""
        return list(dict.fromkeys(t.trigger for _, t in self._engine.routes(self.phase)))

    def status(self, obligation: str) -> ObligationState:
        """The state of one obligation (raises :class:`~truce.UnknownName` for a typo)."""
        return self._record.ledger.obligation_state(obligation)

    def obligations(self) -> list[ObligationState]:
        """Every obligation's state, in definition order."""
        return list(self._record.ledger.states().values())

    def history(self) -> tuple[Change, ...]:
        """The timeline: phase changes (irregular ones flagged) and obligation changes, in order.

        Each entry has a ``date``, a ``describe()`` line and the ``event`` behind it (whose
        ``source`` is the citation); entry into force comes first. Replayed on demand, so
        recording does not pay for a record most callers never read.
        """
        tracked = Ceasefire.__new__(Ceasefire)
        tracked._start(self._agreement, Record(self._agreement, self._record.names, track_changes=True))
        for event in self.events:
            tracked._fold(event)
        assert tracked._record.ledger.changes is not None
        return tuple(tracked._record.ledger.changes)

    def phase_history(self) -> tuple[PhaseChange, ...]:
        """Only the phase changes, from entry into force."""
        return tuple(self._record.ledger.phase_log.items[: self._record.ledger.phase_log.size])

    def snapshot(self) -> Snapshot:
        facts = sorted(self._record.ledger.facts.values(), key=lambda f: f.name)
        return Snapshot(
            self.phase, self.date, len(self._record), tuple(self.obligations()), tuple(facts), self.phase_history()
        )

    # --- time ------------------------------------------------------------------------

    def _check_date(self, value: DateLike, field: str) -> dt.date:
        try:
            day = to_date(value, field=field)
        except ValueError as exc:
            raise DateError(str(exc)) from None
        if day < self._record.names.start:
            raise DateError(f"{field}: {day} is before {self._agreement.id} existed ({self._record.names.start})")
        return day

    def as_of(self, date: DateLike) -> Ceasefire:
        """The ceasefire as it stood at the end of ``date`` (a new object; this one is untouched).

        A date after the last event is allowed; :attr:`beyond_data` then says so.
        """
        day = self._check_date(date, "as_of")
        view = Ceasefire.__new__(Ceasefire)
        record, pending = self._record.view(self._record.position(day))
        view._start(self._agreement, record)
        for event in pending:
            view._fold(event)
        record.replayed(pending)
        view._as_of = day
        return view

    # --- recording -------------------------------------------------------------------

    def _fold(self, event: Event) -> None:
        """Fold one event whose names and date are checked: move the phase or update the ledger."""
        kind, ledger = event.kind, self._record.ledger
        if kind is EventKind.TRANSITION:
            assert event.trigger is not None
            routes = self._engine.routes(ledger.phase, event.trigger)
            if not routes:
                raise self._illegal(event.trigger)
            if self._engine.fire(ledger, event) is None:
                raise TransitionBlocked(self._explain(event.trigger, routes, event.date))
        elif kind is EventKind.DECLARED:
            self._engine.declare(ledger, event, self._declared_route(event))
        else:
            ledger.apply(event)

    def _take(self, event: Event) -> None:
        self._fold(event)
        self._record.append(event)
        if self._as_of is not None and event.date > self._as_of:
            self._as_of = event.date

    def record(self, event: Event) -> None:
        """Fold one event into the ceasefire; on any error nothing is changed.

        Events must come in date order. A ``transition`` event fires its trigger through
        the machine (and is refused if the guard does not hold); a ``declared`` event
        moves the phase anyway and marks the move irregular. With a log (:meth:`log_to`)
        the event is on disk before this returns, and nothing refused is ever written.
        """
        with self._lock:
            found = problems(self._record.names, event, self._record.last)
            if found:
                raise EventError(found)
            if self._log is not None:
                self._check_move(event)
                self._log.append(event)
            self._take(event)

    def extend(self, events: Iterable[Event]) -> None:
        """Record many events in order, all or none: what ``record`` in a loop does, in one step.

        If any event is refused, the error is the one :meth:`record` would raise for it,
        with a note naming its position, and the ceasefire (and its log) is exactly as it was.
        """
        batch = events if isinstance(events, list) else list(events)
        if not batch:
            return
        with self._lock:
            record, as_of, index = self._record, self._as_of, 0
            saved = record.save()
            try:
                names, take = record.names, self._take
                for index, event in enumerate(batch):  # noqa: B007 - the index names a refused event
                    found = problems(names, event, record.last)
                    if found:
                        raise EventError(found)
                    take(event)
                if self._log is not None:
                    index = 0
                    self._log.append_all(batch)  # all or none on disk; on failure undone here too
            except BaseException as error:
                record.undo(saved)
                self._as_of = as_of
                if isinstance(error, TruceError):
                    where = f"{batch[index].date} {batch[index].kind}" if isinstance(batch[index], Event) else "?"
                    error.add_note(f"refused: event {index} of {len(batch)} ({where}); none of them was recorded")
                    error.index = index  # type: ignore[attr-defined]
                raise

    def _check_move(self, event: Event) -> None:
        """Raise what folding ``event`` would raise, changing nothing (before it goes to the log)."""
        if event.kind is EventKind.TRANSITION:
            assert event.trigger is not None
            routes = self._engine.routes(self.phase, event.trigger)
            if not routes:
                raise self._illegal(event.trigger)
            if not self._engine.could_fire(self._record.ledger, event.trigger, event.date):
                raise TransitionBlocked(self._explain(event.trigger, routes, event.date))
        elif event.kind is EventKind.DECLARED:
            self._declared_route(event)

    def _declared_route(self, event: Event) -> tuple[int, Transition]:
        routes = self._engine.routes(self.phase, event.trigger, event.to)
        if not routes:
            wanted = event.trigger or f"a move to {event.to}"
            message = f"declared {wanted}, but the agreement defines no such transition from {self.phase!r}"
            problem = Problem(
                f"{message}; model the move in the definition first", field=f"event {event.date} declared"
            )
            raise EventError([problem])
        return routes[0]

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
        if trigger not in self._record.names.triggers:
            raise UnknownName("trigger", trigger, self._agreement.triggers)
        if not self._engine.routes(self.phase, trigger):
            raise self._illegal(trigger)
        day = self._check_date(on, "on") if on is not None else self.date
        self.record(
            Event(day, EventKind.TRANSITION, trigger=trigger, source=source, reported_by=reported_by, text=text)
        )
        return self.phase

    def log_to(self, path: str | os.PathLike[str]) -> Ceasefire:
        """Write every event recorded from now on durably to the JSON Lines log at ``path``.

        :meth:`record` then returns only once the event is flushed and fsynced (see
        :class:`~truce.EventLog`); an event the ceasefire refuses is never written.
        Returns the ceasefire, so ``truce.Ceasefire(agreement).log_to(path)`` reads well.
        """
        with self._lock:
            self._log = EventLog(path, self._agreement)
        return self

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

    def _resolve(self, target: str) -> tuple[str, list[tuple[int, Transition]]]:
        """The trigger and transitions ``target`` (a trigger or a phase) means from here."""
        agreement = self._agreement
        if target in self._record.names.triggers:
            routes = self._engine.routes(self.phase, target)
            if not routes:
                raise self._illegal(target)
            return target, routes
        if agreement.has_phase(target):
            routes = self._engine.routes(self.phase, to=target)
            if not routes:
                reachable = ", ".join(sorted({t.to_phase for _, t in self._engine.routes(self.phase)})) or "none"
                message = f"no transition leads from {self.phase!r} to {target!r}; from here: {reachable}"
                raise IllegalTransition(message, trigger=target, phase=self.phase)
            return routes[0][1].trigger, routes
        raise UnknownName("trigger or phase", target, [*agreement.triggers, *agreement.phase_ids])

    def _context(self, day: dt.date, view: str | None) -> GuardContext:
        moment = Moment(self._record.ledger, day)
        if view is None:
            return moment
        self._agreement.party(view)  # raises UnknownName for a party the agreement does not define
        return PartyView(moment, view, tuple(self._record.ledger.fact_claims.view()))

    def _explain(
        self, trigger: str, routes: list[tuple[int, Transition]], day: dt.date, view: str | None = None
    ) -> Blockers:
        return explain(self._agreement, self._context(day, view), self.phase, trigger, [t for _, t in routes], view)

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
            self._agreement.party(view)
        if target == self.phase and self._agreement.has_phase(target):
            entered = next(c.date for c in reversed(self.phase_history()) if c.to_phase == target)
            note = f"already in {target} (since {entered})"
            return Blockers(
                self._agreement.id, "-", self.phase, target, self.date, (), note=note, view=describe_view(view)
            )
        trigger, routes = self._resolve(target)
        return self._explain(trigger, routes, self.date, view)

    def can(self, target: str) -> bool:
        """True if ``target`` (trigger or phase) could fire now: a route exists and its guard holds."""
        if target == self.phase and self._agreement.has_phase(target):
            return False
        try:
            _, routes = self._resolve(target)
        except IllegalTransition:
            return False
        moment = Moment(self._record.ledger, self.date)
        return any(truth(t.guard, moment) is Truth.TRUE for _, t in routes)

    def unblock(self, target: str, *, as_of: DateLike | None = None, view: str | None = None) -> Unblock:
        """The smallest sets of conditions whose fulfilment would open ``target``, smallest first.

        Each set names the obligations (with the parties that owe them) and facts that
        would have to become true; fulfilling any one set is enough, and no smaller part
        of a set would do.
        """
        if as_of is not None:
            return self.as_of(as_of).unblock(target, view=view)
        trigger, routes = self._resolve(target)
        context = self._context(self.date, view)
        return unblock(self._agreement, context, self.phase, trigger, [t for _, t in routes])

    def deadlines(self, as_of: DateLike | None = None) -> list[Deadline]:
        """Open obligations with a known deadline, soonest (or most overdue) first, with days left or overdue."""
        if as_of is not None:
            return self.as_of(as_of).deadlines()
        return deadlines(self.obligations(), self.date)

    def compliance(self, as_of: DateLike | None = None) -> Compliance:
        """Per party: fulfilled, overdue, breached, disputed, pending…, incidents; and irregular moves."""
        if as_of is not None:
            return self.as_of(as_of).compliance()
        ledger = self._record.ledger
        return compliance(
            self._agreement, self.obligations(), self.incidents, ledger.attributed, self.phase_history(), self.date
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
        day, who = scenario.date, "what-if"
        planned = [
            Event(day, kind, obligation=o, source=_HYPOTHETICAL, reported_by=who)
            for kind, names in ((EventKind.FULFILLED, fulfil), (EventKind.BREACHED, breach), (EventKind.WAIVED, waive))
            for o in names
        ]
        planned += [
            Event(day, EventKind.FACT, fact=k, value=v, source=_HYPOTHETICAL, reported_by=who)
            for k, v in (facts or {}).items()
        ]
        scenario.extend(planned)
        return scenario

    # --- presentation ----------------------------------------------------------------

    def to_frame(self, what: str = "events") -> Any:
        """A pandas DataFrame of events, obligations, compliance, deadlines or history (needs the ``pandas`` extra)."""
        return frames.to_frame(self, what)

    def __repr__(self) -> str:
        through = self.data_through
        data = f"data through {through}" if through else "no events"
        flag = ", beyond the data" if self.beyond_data and through else ""
        return f"<Ceasefire {self._agreement.id}: {self.phase} as of {self.date} ({data}{flag})>"

    def _repr_html_(self) -> str:
        return html.ceasefire_html(self)

    def diagram(self) -> diagrams.Diagram:
        """The phase diagram on the as-of date: ``.mermaid()``, ``.dot()``, ``.render("svg")``; SVG in Jupyter."""
        return diagrams.diagram(self)

    def summary(self) -> str:
        """A plain-text status report: phase, how it got there, every obligation."""
        return summary.summary(self)
