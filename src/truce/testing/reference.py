"""A reference fold: the meaning of an event log, written as plainly as possible.

This is the oracle the property tests hold every recording path against (``record``,
``extend``, the replay in ``load``, ``as_of``, ``what_if``). It shares nothing with the
ledger or the machine but the data types and the guard evaluator, and it is written for
reading, not speed: each event is checked, then folded into plain dictionaries. When
truce and this fold disagree, one of them is wrong, and this one is short enough to
check by eye.

>>> import truce
>>> gaza = truce.load("gaza-2025")
>>> reference = ReferenceFold(gaza.agreement)
>>> for event in gaza.events:
...     reference.record(event)
>>> reference.snapshot() == gaza.snapshot()
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from truce.agreement import Agreement
from truce.errors import EventError, IllegalTransition, Problem, TransitionBlocked, TruceError
from truce.events import Event
from truce.guards import FactValue, evaluate
from truce.ledger import PhaseChange
from truce.record import Snapshot
from truce.status import ObligationState, ObligationStatus

__all__ = ["ReferenceFold", "reference_snapshot"]

_SETTLES = {
    "fulfilled": ObligationStatus.FULFILLED,
    "breached": ObligationStatus.BREACHED,
    "waived": ObligationStatus.WAIVED,
}


class _Refused(TruceError):
    """The reference refuses a transition (its class name says which refusal truce must give)."""


class ReferenceFold:
    """Folds events one at a time into statuses, facts and the phase; refuses what truce must refuse.

    A refused event raises a :class:`~truce.TruceError` of the class truce must raise
    (``EventError``, ``IllegalTransition`` or ``TransitionBlocked``) and changes nothing.
    """

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.start = agreement.agreed or agreement.in_force
        self.events: list[Event] = []
        self.phase = agreement.initial
        self.entered: dict[str, dt.date] = {"in_force": agreement.in_force}
        self.owed: dict[str, dict[str, Any]] = {
            o.id: {
                "base": ObligationStatus.PENDING, "since": None, "active_since": None, "progress": None,
                "due": None, "original_due": None, "evidence": None, "extensions": (), "claims": (),
            }
            for o in agreement.obligations
        }  # fmt: skip
        self.facts: dict[str, FactValue] = {}
        self.history = [PhaseChange(agreement.in_force, None, agreement.initial, None)]
        self._enter(agreement.initial, agreement.in_force, in_force=True)

    # --- phases ---------------------------------------------------------------------

    def _enter(self, phase: str, day: dt.date, *, in_force: bool = False) -> None:
        first_time = phase not in self.entered
        self.entered.setdefault(phase, day)
        for o in self.agreement.obligations:
            state = self.owed[o.id]
            owed_now = o.phase == phase or (in_force and o.phase is None)
            if owed_now and state["base"] is ObligationStatus.PENDING:
                state.update(base=ObligationStatus.ACTIVE, since=day, active_since=day)
            if o.due is None or state["due"] is not None:
                continue
            if o.due.date is not None:
                state["due"] = state["original_due"] = o.due.date
            elif first_time and (o.due.after == phase or (in_force and o.due.after == "in_force")):
                state["due"] = state["original_due"] = o.due.resolve(day)

    def state(self, obligation: str) -> ObligationState:
        s = self.owed[obligation]
        return ObligationState(self.agreement.obligation(obligation), **s)

    def context(self, day: dt.date) -> Any:
        """What guards read on ``day`` (a :class:`~truce.guards.GuardContext`)."""
        fold = self

        class Context:
            as_of = day

            def obligation_state(self, obligation: str) -> ObligationState:
                return fold.state(obligation)

            def fact_value(self, name: str) -> FactValue | None:
                return fold.facts.get(name)

            def anchor_date(self, anchor: str) -> dt.date | None:
                return fold.entered.get(anchor)

        return Context()

    def copy(self) -> ReferenceFold:
        """An independent copy (for trying events without committing to them)."""
        twin = ReferenceFold.__new__(ReferenceFold)
        twin.__dict__.update(self.__dict__)
        twin.events, twin.history = list(self.events), list(self.history)
        twin.entered, twin.facts = dict(self.entered), dict(self.facts)
        twin.owed = {key: dict(value) for key, value in self.owed.items()}
        return twin

    # --- events ---------------------------------------------------------------------

    def problems(self, event: object) -> list[Problem]:
        """Why ``event`` cannot be recorded next (empty if it can, as far as names and dates go)."""
        if not isinstance(event, Event):
            return [Problem(f"expected an Event, got {type(event).__name__}")]
        a = self.agreement
        last = self.events[-1].date if self.events else self.start
        wrong = [event.date < last]
        wrong.append(event.obligation is not None and not a.has_obligation(event.obligation))
        wrong.append(event.fact is not None and not a.has_fact(event.fact))
        wrong.append(event.party is not None and not a.has_party(event.party))
        wrong.append(event.to is not None and not a.has_phase(event.to))
        wrong.append(event.trigger is not None and event.trigger not in a.triggers)
        measured = event.obligation is not None and a.has_obligation(event.obligation)
        wrong.append(event.kind == "progress" and not (measured and a.obligation(str(event.obligation)).measure))
        return [Problem(f"refused: {event.describe()}")] if any(wrong) else []

    def record(self, event: Event) -> None:
        """Fold ``event`` or raise the refusal truce must give; nothing changes on refusal."""
        problems = self.problems(event)
        if problems:
            raise EventError(problems)
        kind = str(event.kind)
        if kind in ("transition", "declared"):
            self._move(event)
        elif kind == "fact":
            assert event.fact is not None
            assert event.value is not None
            self.facts[event.fact] = FactValue(event.fact, event.value, event.date, event)
        elif event.obligation is not None:
            self._obligation_event(self.owed[event.obligation], event)
        self.events.append(event)

    def _obligation_event(self, state: dict[str, Any], event: Event) -> None:
        kind = str(event.kind)
        measure = self.agreement.obligation(str(event.obligation)).measure
        if kind == "claim":
            state["claims"] += (event,)
        elif kind == "extended":
            if not state["extensions"]:  # before the first extension: None if the text set no deadline
                state["original_due"] = state["due"]
            state["due"] = event.due
            state["extensions"] += (event,)
        elif kind in _SETTLES:
            state["active_since"] = state["active_since"] or event.date
            state.update(base=_SETTLES[kind], since=event.date, evidence=event)
            if kind == "fulfilled" and measure is not None:
                state["progress"] = measure.target
        else:  # progress: a cumulative count
            assert isinstance(event.value, int | float)
            assert measure is not None
            state["active_since"] = state["active_since"] or event.date
            value = float(event.value)
            if value >= measure.target:
                base = ObligationStatus.FULFILLED
            elif value > 0:
                base = ObligationStatus.PARTIAL
            elif state["base"] is ObligationStatus.PENDING:
                base = ObligationStatus.ACTIVE
            else:
                base = state["base"]
            if base is not state["base"]:
                state["since"] = event.date
            state.update(base=base, progress=value, evidence=event)

    def _move(self, event: Event) -> None:
        routes = [
            t
            for t in self.agreement.transitions
            if self.phase in t.from_phases
            and (event.trigger is None or t.trigger == event.trigger)
            and (event.to is None or t.to_phase == event.to)
        ]
        context = self.context(event.date)
        if event.kind == "declared":
            if not routes:
                raise EventError([Problem("declared a move the agreement does not define from here")])
            verdict = evaluate(routes[0].guard, context)
            change = PhaseChange(
                event.date,
                self.phase,
                routes[0].to_phase,
                routes[0].trigger,
                irregular=not verdict.holds,
                unmet=verdict.unmet(),
                event=event,
            )
        else:
            if not routes:
                raise IllegalTransition("no such transition from here", trigger=str(event.trigger), phase=self.phase)
            firing = [t for t in routes if evaluate(t.guard, context).holds]
            if not firing:
                raise _Blocked(str(event.trigger), self.phase)
            change = PhaseChange(event.date, self.phase, firing[0].to_phase, firing[0].trigger, event=event)
        self.phase = change.to_phase
        self.history.append(change)
        self._enter(change.to_phase, event.date)

    # --- what is observable -----------------------------------------------------------

    def snapshot(self, as_of: dt.date | None = None) -> Snapshot:
        """What :meth:`truce.Ceasefire.snapshot` must give after the same events."""
        last = self.events[-1].date if self.events else None
        in_force = self.agreement.in_force
        if as_of is None:  # a live ceasefire: its last event, never before entry into force
            day = max(last, in_force) if last is not None else in_force
        else:
            day = max(as_of, last) if last is not None else as_of
        # a day asked for before entry into force has not seen even that entry
        history = self.history if as_of is None else [c for c in self.history if c.date <= day]
        return Snapshot(
            self.phase,
            day,
            len(self.events),
            tuple(self.state(o.id) for o in self.agreement.obligations),
            tuple(sorted(self.facts.values(), key=lambda f: f.name)),
            tuple(history),
        )


class _Blocked(_Refused):
    """A transition whose guard does not hold (truce raises :class:`~truce.TransitionBlocked`)."""

    def __init__(self, trigger: str, phase: str) -> None:
        self.trigger, self.phase = trigger, phase
        super().__init__(f"{trigger} is blocked in {phase}")


def refusal_name(error: BaseException) -> str:
    """The truce error class a refusal stands for (``TransitionBlocked`` for the reference's own)."""
    return TransitionBlocked.__name__ if isinstance(error, _Blocked) else type(error).__name__


def reference_snapshot(agreement: Agreement, events: Iterable[Event], as_of: dt.date | None = None) -> Snapshot:
    """The snapshot of ``events`` folded in order, skipping the ones the reference refuses."""
    fold = ReferenceFold(agreement)
    for event in events:
        if as_of is not None and event.date > as_of:
            break
        try:
            fold.record(event)
        except TruceError:
            continue
    return fold.snapshot(as_of)
