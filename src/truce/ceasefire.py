"""The live ceasefire: the façade users touch, over the recorder, the engine and the analyses.

A blocked or illegal trigger raises and leaves everything as it was: the checks come
before anything is written. When reality moves anyway, a sourced ``declared`` event moves
the phase along a defined transition and is recorded *irregular* with the conditions
unmet then, never a silent bypass. :mod:`truce.recording` takes events, :mod:`truce.record`
keeps them, :mod:`truce.engine` moves phases; every method here delegates.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

from truce import diagrams, frames, html, summary
from truce._compat import MethodList
from truce.agreement import Agreement
from truce.blockers import Blockers
from truce.compliance import Compliance
from truce.dates import DateLike
from truce.deadlines import Deadline
from truce.events import Event
from truce.history import Entry
from truce.history import history as replayed
from truce.ledger import PhaseChange
from truce.record import Snapshot
from truce.recording import Recorder, hypothetical
from truce.sources import Source
from truce.status import ClockStop, FactValue, ObligationState
from truce.unblock import Unblock
from truce.ways import Exits

__all__ = ["Ceasefire", "Snapshot"]


class Ceasefire:
    """An agreement being lived: its phase, its obligations' statuses, and its record.

    Build one with :func:`truce.load` or ``Ceasefire(agreement, events)``. It always has
    an as-of date: the day of its last event unless asked for another with
    :meth:`as_of`. Recording is safe from several threads (one lock per ceasefire).

    >>> import truce
    >>> riverside = truce.load("docs/riverside.yaml")
    >>> riverside.phase, riverside.triggers
    ('phase_one', ['begin_phase_two', 'collapse'])
    >>> bool(riverside.blockers("phase_two")), riverside.can("phase_two")
    (True, False)
    >>> riverside.as_of("2025-04-03").status("detainees_released").progress
    5.0
    >>> riverside.record(truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10))
    >>> riverside.advance("begin_phase_two")
    'phase_two'
    """

    def __init__(self, agreement: Agreement, events: Iterable[Event] = (), *, as_of: DateLike | None = None) -> None:
        self._live = Recorder(agreement)
        self.extend(events)
        if as_of is not None:
            self._live.as_of = self._live.check_date(as_of, "as_of")

    @classmethod
    def _of(cls, live: Recorder) -> Ceasefire:
        ceasefire = cls.__new__(cls)
        ceasefire._live = live
        return ceasefire

    # --- what it is ----------------------------------------------------------------

    @property
    def agreement(self) -> Agreement:
        return self._live.agreement

    @property
    def phase(self) -> str:
        """The current phase id."""
        return self._live.phase

    @property
    def phases(self) -> list[str]:
        """Every phase id of the agreement, in definition order."""
        return self.agreement.phase_ids

    @property
    def events(self) -> Sequence[Event]:
        """Every event recorded so far, in order (a read-only view, not a copy)."""
        return self._live.record.events

    @property
    def date(self) -> dt.date:
        """The as-of date: what this ceasefire's answers are true on."""
        return self._live.date

    @property
    def data_through(self) -> dt.date | None:
        """How far the data goes: the whole log's last real event, or the sources' horizon if later (views keep it)."""
        return self._live.data_through

    @property
    def beyond_data(self) -> bool:
        """True when the as-of date is later than :attr:`data_through`: answers may be stale."""
        last = self.data_through
        return last is None or self.date > last

    @property
    def stopped(self) -> ClockStop | None:
        """When deadline clocks stopped (a terminal phase reached, or the agreement's ``ended``), if they have."""
        return self._live.stopped(self.date)

    @property
    def facts(self) -> dict[str, FactValue]:
        return dict(self._live.record.ledger.facts)

    @property
    def incidents(self) -> Sequence[Event]:
        return self._live.record.ledger.incidents.view()

    @property
    def triggers(self) -> MethodList[str]:
        """Triggers defined from the current phase (whether or not their guards hold)."""
        return MethodList(dict.fromkeys(t.trigger for _, t in self._live.routes()), "Ceasefire.triggers")

    def status(self, obligation: str) -> ObligationState:
        """The state of one obligation on the as-of date (raises :class:`~truce.UnknownName` for a typo)."""
        return self._live.status(obligation, self.date)

    @property
    def obligations(self) -> MethodList[ObligationState]:
        """Every obligation's state on the as-of date, in definition order."""
        return MethodList(self._live.states(self.date), "Ceasefire.obligations")

    def history(self, kinds: str | Iterable[str] | None = None) -> tuple[Entry, ...]:
        """The timeline, in order: phase changes (irregular ones flagged), obligation changes, facts, incidents.

        Each entry has a ``kind`` (``phase``, ``obligation``, ``fact``, ``incident``; keep
        some with ``kinds=``), a ``date``, a ``describe()`` line and the ``event`` behind it
        (whose ``source`` is the citation); entry into force comes first.
        """
        return replayed(self._live, kinds)

    def phase_history(self) -> tuple[PhaseChange, ...]:
        """Only the phase changes, from entry into force (none on a date before it)."""
        return self._live.moves(self.date)

    def snapshot(self) -> Snapshot:
        return self._live.snapshot(self.date)

    def as_of(self, date: DateLike) -> Ceasefire:
        """The ceasefire as it stood at the end of ``date`` (a new object; this one is untouched).

        A date after the last event is allowed; :attr:`beyond_data` then says so.
        """
        return Ceasefire._of(self._live.view(self._live.check_date(date, "as_of")))

    # --- recording -------------------------------------------------------------------

    def record(self, event: Event) -> None:
        """Fold one event into the ceasefire; on any error nothing is changed.

        Events must come in date order. A ``transition`` event fires its trigger through
        the machine (and is refused if the guard does not hold); a ``declared`` event
        moves the phase anyway and marks the move irregular. With a log (:meth:`log_to`)
        the event is on disk before this returns, and nothing refused is ever written.
        Safe to call from several threads: each ceasefire records under its own lock.
        """
        self._live.take_one(event)

    def extend(self, events: Iterable[Event]) -> None:
        """Record many events in order, all or none: what ``record`` in a loop does, in one step.

        If any event is refused, the error is the one :meth:`record` would raise for it,
        with a note naming its position, and the ceasefire (and its log) is exactly as it was.
        """
        self._live.take_all(events)

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
        return self._live.advance(trigger, on, source, reported_by, text)

    def log_to(self, path: str | os.PathLike[str]) -> Ceasefire:
        """Write every event recorded from now on durably to the JSON Lines log at ``path``.

        :meth:`record` then returns only once the event is flushed and fsynced (see
        :class:`~truce.EventLog`); an event the ceasefire refuses is never written.
        Returns the ceasefire, so ``truce.Ceasefire(agreement).log_to(path)`` reads well.
        """
        self._live.log_to(path)
        return self

    # --- questions -------------------------------------------------------------------

    @overload
    def blockers(self, target: None = None, *, as_of: DateLike | None = None, view: str | None = None) -> Exits: ...
    @overload
    def blockers(self, target: str, *, as_of: DateLike | None = None, view: str | None = None) -> Blockers: ...
    def blockers(
        self, target: str | None = None, *, as_of: DateLike | None = None, view: str | None = None
    ) -> Blockers | Exits:
        """What blocks ``target`` (a trigger or a phase) on the as-of date; with no target, every way out.

        Falsy when nothing blocks; a phase further on gets each step of the shortest route
        (``steps``); ``view=PARTY`` evaluates guards as that party claims (:mod:`truce.views`).
        Raises :class:`~truce.UnknownName` or :class:`~truce.IllegalTransition` (no route there).
        """
        if as_of is not None:
            return self.as_of(as_of).blockers(target, view=view)
        if target is None:
            return self._live.exits(self.date, view)
        return self._live.blockers(target, self.date, view)

    def can(self, target: str) -> bool:
        """True if ``target`` (trigger or phase) could fire now: a route exists and its guard holds."""
        return self._live.can(target)

    def unblock(self, target: str, *, as_of: DateLike | None = None, view: str | None = None) -> Unblock:
        """The smallest sets of conditions whose fulfilment would open ``target``, smallest first.

        Each set names the obligations (with the parties that owe them) and facts that
        would have to become true; fulfilling any one set is enough, and no smaller part
        of a set would do.
        """
        if as_of is not None:
            return self.as_of(as_of).unblock(target, view=view)
        return self._live.unblock(target, self.date, view)

    def deadlines(self, as_of: DateLike | None = None) -> list[Deadline]:
        """Open obligations with a known deadline, soonest (or most overdue) first, with days left or overdue."""
        return self.as_of(as_of).deadlines() if as_of is not None else self._live.deadlines(self.date)

    def compliance(self, as_of: DateLike | None = None) -> Compliance:
        """Per party: fulfilled, overdue, breached, disputed, pending…, incidents; and irregular moves."""
        return self.as_of(as_of).compliance() if as_of is not None else self._live.compliance(self.date)

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
        scenario.extend(hypothetical(scenario.date, fulfil, breach, waive, facts or {}))
        return scenario

    # --- presentation ----------------------------------------------------------------

    def to_frame(self, what: str = "events", *, freq: str = "YE") -> Any:
        """A pandas DataFrame (needs the ``pandas`` extra): see :func:`truce.frames.to_frame` for ``what``.

        ``freq`` ("YE" yearly, "ME" monthly) is the period of the ``implementation`` frame.
        """
        return frames.to_frame(self, what, freq=freq)

    def __repr__(self) -> str:
        through = self.data_through
        data = f"data through {through}" if through else "no events"
        flag = ", beyond the data" if self.beyond_data and through else ""
        phase = self.phase if self.date >= self.agreement.in_force else f"not yet in force ({self.agreement.in_force})"
        return f"<Ceasefire {self.agreement.id}: {phase} as of {self.date} ({data}{flag})>"

    def _repr_html_(self) -> str:
        return html.ceasefire_html(self)

    def diagram(self) -> diagrams.Diagram:
        """The phase diagram on the as-of date: ``.mermaid()``, ``.dot()``, ``.render("svg")``; SVG in Jupyter."""
        return diagrams.diagram(self)

    def summary(self) -> str:
        """A plain-text status report: phase, how it got there, every obligation."""
        return summary.summary(self)
