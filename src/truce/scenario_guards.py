"""The guards a scenario asks, on its light state: :class:`_Owed` (one obligation's state
in a scenario), :class:`_Context` (what guards read, on a movable day) and
:func:`compile_guard` (a guard as a closure, faster than :func:`~truce.guards.truth`, which
a test keeps it equal to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeAlias

from truce.events import Event
from truce.guard_tree import _OPS
from truce.guards import (
    AllOf,
    AnyOf,
    Const,
    FactCompare,
    FactValue,
    Fulfilled,
    Guard,
    Not,
    Truth,
    truth,
)
from truce.status import SATISFIED, ObligationState, ObligationStatus

__all__ = ["Check", "compile_guard"]

_TRUE, _FALSE, _UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


class _Owed:
    """One obligation's state in a scenario: the fields a fold changes, over the snapshot's state.

    A scenario replaces an obligation's state a dozen times; building a frozen, validated
    :class:`~truce.ObligationState` each time was a quarter of its cost. This plain slotted
    record is never changed once built (a change is a new record), so the snapshot's records
    are shared by every scenario; :meth:`frozen` gives the real state for the guard leaves
    that need one (``status``, ``overdue``), equal to what the ledger would hold.
    """

    __slots__ = ("active_since", "base", "due", "evidence", "original_due", "progress", "since", "snapshot")

    def __init__(
        self,
        snapshot: ObligationState,
        base: ObligationStatus,
        since: dt.date | None,
        active_since: dt.date | None,
        progress: float | None,
        due: dt.date | None,
        original_due: dt.date | None,
        evidence: Event | None,
    ) -> None:
        self.snapshot = snapshot
        self.base = base
        self.since = since
        self.active_since = active_since
        self.progress = progress
        self.due = due
        self.original_due = original_due
        self.evidence = evidence

    @classmethod
    def of(cls, state: ObligationState) -> _Owed:
        return cls(
            state, state.base, state.since, state.active_since, state.progress, state.due, state.original_due,
            state.evidence,
        )  # fmt: skip

    def frozen(self) -> ObligationState:
        snapshot = self.snapshot
        return ObligationState(
            snapshot.obligation, self.base, self.since, self.active_since, self.progress, self.due,
            self.original_due, self.evidence, snapshot.extensions, snapshot.claims,
        )  # fmt: skip


class _Context:
    """What guards read in a scenario (the GuardContext protocol), on a movable day."""

    __slots__ = ("as_of", "entered", "facts", "states")

    def __init__(
        self,
        states: dict[str, _Owed],
        facts: dict[str, FactValue],
        entered: dict[str, dt.date],
        as_of: dt.date,
    ) -> None:
        self.states = states
        self.facts = facts
        self.entered = entered
        self.as_of = as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        return self.states[obligation].frozen()

    def fact_value(self, name: str) -> FactValue | None:
        return self.facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.entered.get(anchor)


Check: TypeAlias = Callable[[_Context], Truth]


def compile_guard(guard: Guard) -> Check:
    """A closure giving :func:`~truce.guards.truth` of ``guard`` on a scenario's context, faster.

    Scenarios ask the same few guards thousands of times; a closure per node skips the
    dispatch on node types that ``truth`` does at every call. ``fulfilled`` and the
    connectives are compiled, other leaves call ``truth``; a test checks the two agree.
    """
    if isinstance(guard, Fulfilled):
        name = guard.obligation

        def fulfilled(context: _Context) -> Truth:
            return _TRUE if context.states[name].base in SATISFIED else _FALSE

        return fulfilled
    if isinstance(guard, FactCompare) and guard.op in ("==", "!=", ">", ">=", "<", "<="):
        fact, compare, expected = guard.fact, _OPS[guard.op], guard.value

        def fact_compare(context: _Context) -> Truth:
            reported = context.facts.get(fact)
            if reported is None:
                return _UNKNOWN
            try:
                return _TRUE if compare(reported.value, expected) else _FALSE
            except TypeError:
                return _FALSE

        return fact_compare
    if isinstance(guard, AllOf) and guard.children and all(isinstance(c, Fulfilled) for c in guard.children):
        # the commonest guard ("these are all done"): one closure, no call per obligation
        names = tuple(child.obligation for child in guard.children if isinstance(child, Fulfilled))

        def all_fulfilled(context: _Context) -> Truth:
            states = context.states
            for name in names:
                if states[name].base not in SATISFIED:
                    return _FALSE
            return _TRUE

        return all_fulfilled
    if isinstance(guard, AllOf | AnyOf):
        parts = tuple(compile_guard(child) for child in guard.children)
        stop, keep = (_FALSE, _TRUE) if isinstance(guard, AllOf) else (_TRUE, _FALSE)

        def connective(context: _Context) -> Truth:
            result = keep
            for part in parts:
                found = part(context)
                if found is stop:
                    return stop
                if found is _UNKNOWN:
                    result = _UNKNOWN
            return result

        return connective
    if isinstance(guard, Not):
        inner = compile_guard(guard.child)
        return lambda context: ~inner(context)
    if isinstance(guard, Const):
        constant = Truth.of(guard.value)
        return lambda _context: constant
    return lambda context: truth(guard, context)
