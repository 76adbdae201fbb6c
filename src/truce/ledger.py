"""The ledger: a fold of events into obligation statuses, facts and the phase record.

Applying one event touches only what that event is about, so recording is O(1) in
the length of the log; replaying to a date is the same fold over a prefix. The ledger
never decides whether a transition may fire: that is the machine's job (see
:mod:`truce.ceasefire`); it only records phase changes it is told about.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import attrs

from truce.agreement import Agreement
from truce.events import Event, EventKind
from truce.guards import FactValue, Verdict
from truce.obligations import ANCHOR_IN_FORCE
from truce.status import ObligationState, ObligationStatus

__all__ = ["Ledger", "PhaseChange"]


@attrs.frozen
class PhaseChange:
    """One move between phases: when, by which trigger, and whether it was regular.

    An *irregular* change is one that reality made before the guard held (a sourced
    ``declared`` event); ``unmet`` keeps the conditions that were unmet at that moment.
    The first entry of a ledger's record is entry into force (``trigger`` None).
    """

    date: dt.date
    from_phase: str | None
    to_phase: str
    trigger: str | None
    irregular: bool = False
    unmet: tuple[Verdict, ...] = ()
    event: Event | None = None

    def describe(self) -> str:
        if self.trigger is None:
            return f"{self.date} in force in {self.to_phase}"
        text = f"{self.date} {self.from_phase} -> {self.to_phase} ({self.trigger})"
        if self.irregular:
            names = ", ".join(v.guard.to_expr() for v in self.unmet)
            count = f"{len(self.unmet)} condition{'s' if len(self.unmet) != 1 else ''}"
            text += f" IRREGULAR: declared with {count} unmet: {names}"
        return text


@attrs.define
class Ledger:
    """Mutable accumulator behind a :class:`~truce.Ceasefire`; copy it before a what-if."""

    agreement: Agreement
    phase: str
    states: dict[str, ObligationState]
    facts: dict[str, FactValue] = attrs.field(factory=dict)
    fact_claims: dict[str, list[Event]] = attrs.field(factory=lambda: defaultdict(list))
    incidents: list[Event] = attrs.field(factory=list)
    phase_log: list[PhaseChange] = attrs.field(factory=list)
    entered: dict[str, dt.date] = attrs.field(factory=dict)
    last_date: dt.date | None = None

    @classmethod
    def start(cls, agreement: Agreement) -> Ledger:
        """The ledger on entry into force: initial phase entered, its obligations active."""
        states = {o.id: ObligationState(o) for o in agreement.obligations}
        ledger = cls(agreement, agreement.initial, states)
        ledger.entered[ANCHOR_IN_FORCE] = agreement.in_force
        ledger.phase_log.append(PhaseChange(agreement.in_force, None, agreement.initial, None))
        ledger._enter(agreement.initial, agreement.in_force, anchor=ANCHOR_IN_FORCE)
        return ledger

    def copy(self) -> Ledger:
        return Ledger(
            self.agreement,
            self.phase,
            dict(self.states),
            dict(self.facts),
            defaultdict(list, {k: list(v) for k, v in self.fact_claims.items()}),
            list(self.incidents),
            list(self.phase_log),
            dict(self.entered),
            self.last_date,
        )

    # --- reading (the GuardContext protocol, minus as_of) ---------------------------

    def obligation_state(self, obligation: str) -> ObligationState:
        self.agreement.obligation(obligation)  # raises UnknownName for a typo
        return self.states[obligation]

    def fact_value(self, name: str) -> FactValue | None:
        return self.facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.entered.get(anchor)

    # --- writing --------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one already-validated, non-transition event into the ledger."""
        self.last_date = event.date
        kind = event.kind
        if kind is EventKind.FACT:
            assert event.fact is not None
            assert event.value is not None
            self.facts[event.fact] = FactValue(event.fact, event.value, event.date, event)
            return
        if kind is EventKind.INCIDENT:
            self.incidents.append(event)
            return
        if kind is EventKind.CLAIM and event.obligation is None:
            assert event.fact is not None
            self.fact_claims[event.fact].append(event)
            return
        assert event.obligation is not None
        state = self.states[event.obligation]
        self.states[event.obligation] = _apply_to_obligation(state, event)

    def enter_phase(self, change: PhaseChange) -> None:
        """Record a phase change the machine has made (regular or declared)."""
        self.last_date = change.date
        self.phase = change.to_phase
        self.phase_log.append(change)
        self._enter(change.to_phase, change.date, anchor=change.to_phase)

    def _enter(self, phase: str, on: dt.date, *, anchor: str) -> None:
        if phase not in self.entered:
            self.entered[phase] = on
        first_entry = self.entered[phase] == on
        for o in self.agreement.obligations:
            state = self.states[o.id]
            changes: dict[str, Any] = {}
            owed_here = o.phase == phase or (o.phase is None and anchor == ANCHOR_IN_FORCE)
            if owed_here and state.base is ObligationStatus.PENDING:
                changes.update(base=ObligationStatus.ACTIVE, since=on, active_since=on)
            if first_entry and o.due is not None and o.due.after in (anchor, phase) and state.due is None:
                due = o.due.resolve(on)
                changes.update(due=due, original_due=due)
            elif o.due is not None and o.due.date is not None and state.due is None:
                changes.update(due=o.due.date, original_due=o.due.date)
            if changes:
                self.states[o.id] = attrs.evolve(state, **changes)


def _apply_to_obligation(state: ObligationState, event: Event) -> ObligationState:
    kind = event.kind
    if kind is EventKind.CLAIM:
        return attrs.evolve(state, claims=(*state.claims, event))
    if kind is EventKind.EXTENDED:
        return attrs.evolve(
            state,
            due=event.due,
            original_due=state.original_due if state.original_due is not None else state.due,
            extensions=(*state.extensions, event),
        )
    active_since = state.active_since or event.date
    if kind is EventKind.PROGRESS:
        measure = state.obligation.measure
        assert isinstance(event.value, int | float)
        progress = float(event.value)
        if measure is not None and progress >= measure.target:
            base = ObligationStatus.FULFILLED
        elif progress > 0:
            base = ObligationStatus.PARTIAL
        else:
            base = state.base if state.base is not ObligationStatus.PENDING else ObligationStatus.ACTIVE
        since = state.since if base is state.base else event.date
        return attrs.evolve(state, base=base, since=since, progress=progress, evidence=event, active_since=active_since)
    base = {
        EventKind.FULFILLED: ObligationStatus.FULFILLED,
        EventKind.BREACHED: ObligationStatus.BREACHED,
        EventKind.WAIVED: ObligationStatus.WAIVED,
    }[kind]
    measure = state.obligation.measure
    settled_progress = measure.target if kind is EventKind.FULFILLED and measure is not None else state.progress
    return attrs.evolve(
        state, base=base, since=event.date, progress=settled_progress, evidence=event, active_since=active_since
    )
