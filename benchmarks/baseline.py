"""The hand-written baseline: what an analyst would write in an afternoon, correct but no more.

A plain-dict fold that checks what truce checks on the recording path (known names, date
order, progress only on measures) and keeps what truce keeps (statuses with their dates,
claims, extensions, facts, incidents, the phase), and a guard evaluator for the guard
shapes the benchmarks use. truce's figures are ratios against this, measured in the same run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from truce import Agreement, Event
from truce.guards import AllOf, AnyOf, Const, FactCompare, Fulfilled, Not

SETTLES = {"fulfilled": "fulfilled", "breached": "breached", "waived": "waived"}


class Fold:
    """Statuses, claims, facts, incidents and phase from events, refusing unknown names and disorder."""

    def __init__(self, agreement: Agreement) -> None:
        self.obligations = {o.id: o for o in agreement.obligations}
        self.measured = {o.id for o in agreement.obligations if o.measure is not None}
        self.facts_known = {f.id for f in agreement.facts}
        self.parties = {p.id for p in agreement.parties}
        self.status: dict[str, tuple[str, dt.date | None]] = dict.fromkeys(self.obligations, ("active", None))
        self.progress: dict[str, float] = {}
        self.due: dict[str, dt.date] = {}
        self.claims: dict[str, list[Event]] = {}
        self.facts: dict[str, Any] = {}
        self.incidents: list[Event] = []
        self.events: list[Event] = []
        self.last = agreement.in_force

    def add(self, e: Event) -> None:
        if e.date < self.last:
            raise ValueError("out of order")
        o = e.obligation
        if (
            (o is not None and o not in self.obligations)
            or (e.fact is not None and e.fact not in self.facts_known)
            or (e.party is not None and e.party not in self.parties)
        ):
            raise KeyError("unknown name")
        kind = e.kind
        if kind == "incident":
            self.incidents.append(e)
        elif kind == "claim":
            if o is not None:
                self.claims.setdefault(o, []).append(e)
        elif kind == "fact":
            self.facts[e.fact] = e.value  # type: ignore[index]
        elif kind in SETTLES:
            self.status[o] = (SETTLES[kind], e.date)  # type: ignore[index]
        elif kind == "extended":
            self.due[o] = e.due  # type: ignore[index,assignment]
        elif kind == "progress":
            if o not in self.measured:
                raise ValueError("progress on an unmeasured obligation")
            self.progress[o] = float(e.value)  # type: ignore[index,arg-type]
        self.events.append(e)
        self.last = e.date

    def holds(self, guard: Any) -> bool:
        """The guard shapes the benchmarks use, evaluated on the dicts (unknown facts do not hold)."""
        if isinstance(guard, Fulfilled):
            return self.status[guard.obligation][0] in ("fulfilled", "waived")
        if isinstance(guard, FactCompare):
            value = self.facts.get(guard.fact)
            if value is None:
                return False
            ops = {">=": value >= guard.value, "==": value == guard.value, ">": value > guard.value}
            return ops.get(guard.op, False)
        if isinstance(guard, AllOf):
            return all(self.holds(c) for c in guard.children)
        if isinstance(guard, AnyOf):
            return any(self.holds(c) for c in guard.children)
        if isinstance(guard, Not):
            return not self.holds(guard.child)
        if isinstance(guard, Const):
            return guard.value
        raise TypeError(guard)

    def unmet(self, guard: Any) -> list[str]:
        """The blockers: each unmet leaf with its status (what a report lists)."""
        if isinstance(guard, AllOf | AnyOf):
            return [leaf for c in guard.children for leaf in self.unmet(c)]
        if self.holds(guard):
            return []
        if isinstance(guard, Fulfilled):
            return [f"{guard.obligation}: {self.status[guard.obligation][0]}"]
        return [f"{guard.to_expr()}: {self.facts.get(getattr(guard, 'fact', ''))}"]


def fold(agreement: Agreement, events: list[Event]) -> Fold:
    state = Fold(agreement)
    for event in events:
        state.add(event)
    return state
