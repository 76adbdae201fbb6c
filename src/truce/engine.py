"""The engine: one ``transitions`` machine per agreement, moving the phase of any ledger.

Guards are wired in as the machine's ``conditions``, so a trigger fires only when its
guard holds on the day of the event. The machine is built once per agreement (building
one was most of the cost of every ``as_of`` and ``what_if``) and shared by every
ceasefire of that agreement: each ceasefire's :class:`~truce.ledger.Ledger` is a model
the machine is handed per trigger, and the machine writes the new phase into the
ledger's ``phase``, the one place it is kept. Models are not registered with
``add_model``: registration would keep every view alive in ``machine.models`` and add
generated methods to the ledger, and the machine needs neither to fire an event.

Conditions are small objects, not lambdas, so machines, ledgers and ceasefires pickle.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

from transitions import Machine

from truce.agreement import Agreement, Transition
from truce.events import Event
from truce.guards import Guard, Truth, evaluate, truth
from truce.ledger import Ledger, Moment, PhaseChange

__all__ = ["Engine", "engine_for"]

_DECLARED = "declared:"  # a declared move's internal trigger; ':' cannot occur in an id, so no clash


class _GuardHolds:
    """A machine condition: does the transition's guard hold on the event's day?"""

    __slots__ = ("guard",)

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def __call__(self, moment: Moment) -> bool:
        return truth(self.guard, moment) is Truth.TRUE

    def __reduce__(self) -> tuple[object, ...]:
        return (_GuardHolds, (self.guard,))


class Engine:
    """The phase machine of one agreement."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        wired: list[dict[str, object]] = []
        for index, transition in enumerate(agreement.transitions):
            source = list(transition.from_phases)
            condition = _GuardHolds(transition.guard)
            wired.append(
                {
                    "trigger": transition.trigger,
                    "source": source,
                    "dest": transition.to_phase,
                    "conditions": [condition],
                }
            )
            wired.append({"trigger": f"{_DECLARED}{index}", "source": source, "dest": transition.to_phase})
        self.machine = Machine(
            model=[],
            states=agreement.phase_ids,
            initial=agreement.initial,
            transitions=wired,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            model_attribute="phase",
        )
        self._events = self.machine.events
        routes: dict[tuple[str, str], list[tuple[int, Transition]]] = {}
        for index, transition in enumerate(agreement.transitions):
            for phase in transition.from_phases:
                routes.setdefault((phase, transition.trigger), []).append((index, transition))
        #: the routes by (phase, trigger): what :meth:`routes` reads, for a caller that polls (``can``)
        self.by_trigger = routes

    def routes(self, phase: str, trigger: str | None = None, to: str | None = None) -> list[tuple[int, Transition]]:
        """The transitions (with their positions) leaving ``phase`` by ``trigger`` and/or to ``to``."""
        if to is None and trigger is not None:
            return self.by_trigger.get((phase, trigger), [])
        return [
            (i, t)
            for i, t in enumerate(self.agreement.transitions)
            if phase in t.from_phases and (trigger is None or t.trigger == trigger) and (to is None or t.to_phase == to)
        ]

    def could_fire(self, ledger: Ledger, trigger: str, day: dt.date) -> bool:
        """Whether ``trigger`` would fire on ``day``, changing nothing (a route must exist)."""
        moment = Moment(ledger, day)
        return any(truth(t.guard, moment) is Truth.TRUE for _, t in self.routes(ledger.phase, trigger))

    def fire(self, ledger: Ledger, event: Event) -> PhaseChange | None:
        """Fire a ``transition`` event's trigger on its day: the change, or None (nothing moved) if blocked.

        The caller has checked that a route exists from the ledger's phase.
        """
        before = ledger.phase
        assert event.trigger is not None
        if not self._events[event.trigger].trigger(ledger, Moment(ledger, event.date)):
            return None
        change = PhaseChange(event.date, before, ledger.phase, event.trigger, event=event)
        ledger.entered_phase(change)
        return change

    def declare(self, ledger: Ledger, event: Event, route: tuple[int, Transition]) -> PhaseChange:
        """Move along ``route`` because reality did: irregular if its guard did not hold that day."""
        index, transition = route
        verdict = evaluate(transition.guard, Moment(ledger, event.date))
        before = ledger.phase
        self._events[f"{_DECLARED}{index}"].trigger(ledger)
        change = PhaseChange(
            event.date,
            before,
            ledger.phase,
            transition.trigger,
            irregular=not verdict.holds,
            unmet=verdict.unmet(),
            event=event,
        )
        ledger.entered_phase(change)
        return change


_ENGINES: weakref.WeakKeyDictionary[Agreement, Engine] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def engine_for(agreement: Agreement) -> Engine:
    """The agreement's engine, built on first use and shared while the agreement lives."""
    engine = _ENGINES.get(agreement)
    if engine is None:
        with _LOCK:
            engine = _ENGINES.get(agreement)
            if engine is None:
                engine = _ENGINES[agreement] = Engine(agreement)
    return engine
