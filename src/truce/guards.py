"""Guards: the conditions a transition needs, as a small tree that explains itself.

A guard is written in agreement files as a tiny expression language
(``fulfilled(a) and fact(b) > 0``), parsed by :mod:`truce.guard_parsing` (never ``eval``)
into the tree of :mod:`truce.guard_tree`; both are importable from here.

Evaluation is pure and three-valued: a fact nobody has reported is *unknown*, not
false, and a verdict tree says for each leaf whether it holds and why.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Protocol

import attrs

from truce.dates import days
from truce.guard_parsing import MAX_GUARD_DEPTH as MAX_GUARD_DEPTH
from truce.guard_parsing import MAX_GUARD_LENGTH as MAX_GUARD_LENGTH
from truce.guard_parsing import parse_guard
from truce.guard_tree import (
    _OPS,
    After,
    AllOf,
    AnyOf,
    Const,
    Elapsed,
    FactCompare,
    Fulfilled,
    Guard,
    Not,
    StatusIs,
    _literal,
)
from truce.guard_tree import LEAVES as LEAVES
from truce.guard_tree import references as references
from truce.guard_tree import walk as walk
from truce.status import FactValue, ObligationState, ObligationStatus

__all__ = [
    "After",
    "AllOf",
    "AnyOf",
    "Const",
    "Elapsed",
    "FactCompare",
    "FactValue",
    "Fulfilled",
    "Guard",
    "GuardContext",
    "Not",
    "StatusIs",
    "Truth",
    "Verdict",
    "evaluate",
    "parse_guard",
]


class Truth(enum.Enum):
    """Kleene's three values: a guard holds only when it is TRUE."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __and__(self, other: Truth) -> Truth:
        if Truth.FALSE in (self, other):
            return Truth.FALSE
        if Truth.UNKNOWN in (self, other):
            return Truth.UNKNOWN
        return Truth.TRUE

    def __or__(self, other: Truth) -> Truth:
        if Truth.TRUE in (self, other):
            return Truth.TRUE
        if Truth.UNKNOWN in (self, other):
            return Truth.UNKNOWN
        return Truth.FALSE

    def __invert__(self) -> Truth:
        return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(self, Truth.UNKNOWN)

    @classmethod
    def of(cls, value: bool) -> Truth:
        return cls.TRUE if value else cls.FALSE


class GuardContext(Protocol):
    """What a guard may read: statuses, facts, anchor dates, and the day asked about."""

    @property
    def as_of(self) -> dt.date: ...

    def obligation_state(self, obligation: str) -> ObligationState: ...

    def fact_value(self, name: str) -> FactValue | None: ...

    def anchor_date(self, anchor: str) -> dt.date | None: ...


# --- evaluation -----------------------------------------------------------------------


@attrs.frozen
class Verdict:
    """The answer a guard gives on one day, with the answers of its parts.

    ``reason`` is a sentence a person can read; leaves name their obligation or fact.
    """

    guard: Guard
    truth: Truth
    reason: str
    children: tuple[Verdict, ...] = ()

    @property
    def holds(self) -> bool:
        return self.truth is Truth.TRUE

    def unmet(self) -> tuple[Verdict, ...]:
        """The leaves that keep this verdict from holding (empty when it holds).

        For ``any`` every alternative is listed (fixing one would do); a ``not`` whose
        inner condition holds is itself the leaf, since nothing below it is "unmet".
        """
        if self.holds:
            return ()
        if isinstance(self.guard, AllOf | AnyOf):
            return tuple(leaf for child in self.children for leaf in child.unmet())
        return (self,)

    def met(self) -> tuple[Verdict, ...]:
        """The leaves that hold (shown as "ok" next to the blockers)."""
        if isinstance(self.guard, AllOf | AnyOf):
            return tuple(leaf for child in self.children for leaf in child.met())
        return (self,) if self.holds else ()

    def leaves(self) -> tuple[Verdict, ...]:
        if isinstance(self.guard, AllOf | AnyOf):
            return tuple(leaf for child in self.children for leaf in child.leaves())
        return (self,)


def evaluate(guard: Guard, context: GuardContext) -> Verdict:
    """Evaluate ``guard`` against ``context``; pure: the context is only read."""
    if isinstance(guard, AllOf | AnyOf):
        children = tuple(evaluate(child, context) for child in guard.children)
        truth = Truth.TRUE if isinstance(guard, AllOf) else Truth.FALSE
        for child in children:
            truth = (truth & child.truth) if isinstance(guard, AllOf) else (truth | child.truth)
        held = sum(child.holds for child in children)
        word = "all" if isinstance(guard, AllOf) else "any"
        return Verdict(guard, truth, f"{word} of {len(children)}: {held} hold", children)
    if isinstance(guard, Not):
        inner = evaluate(guard.child, context)
        truth = ~inner.truth
        reason = (
            f"must not hold, but does: {inner.reason}"
            if inner.truth is Truth.TRUE
            else f"holds because the inner condition does not: {inner.reason}"
            if inner.truth is Truth.FALSE
            else f"unknown: {inner.reason}"
        )
        return Verdict(guard, truth, reason, (inner,))
    return _evaluate_leaf(guard, context)


def _evaluate_leaf(guard: Guard, context: GuardContext) -> Verdict:
    as_of = context.as_of
    if isinstance(guard, Const):
        return Verdict(guard, Truth.of(guard.value), "always" if guard.value else "never")
    if isinstance(guard, Fulfilled):
        state = context.obligation_state(guard.obligation)
        status = state.status_on(as_of)
        if state.satisfied:
            return Verdict(guard, Truth.TRUE, f"{status} since {state.since}")
        return Verdict(guard, Truth.FALSE, _describe_unfulfilled(state, as_of))
    if isinstance(guard, StatusIs):
        state = context.obligation_state(guard.obligation)
        status = state.status_on(as_of)
        current = {str(status)} | ({"disputed"} if state.disputed else set())
        inside = bool(current & guard.statuses)
        return Verdict(guard, Truth.of(inside != guard.negated), f"status is {', '.join(sorted(current))}")
    if isinstance(guard, FactCompare):
        reported = context.fact_value(guard.fact)
        if reported is None:
            return Verdict(guard, Truth.UNKNOWN, f"no report of {guard.fact} yet")
        try:
            outcome = _OPS[guard.op](reported.value, guard.value)
        except TypeError:
            return Verdict(
                guard, Truth.FALSE, f"{guard.fact} is {reported.value!r}, which cannot be compared with {guard.value!r}"
            )
        return Verdict(guard, Truth.of(outcome), f"{guard.fact} = {_literal(reported.value)} as of {reported.date}")
    if isinstance(guard, After):
        if as_of >= guard.date:
            return Verdict(guard, Truth.TRUE, f"{guard.date} has come")
        return Verdict(guard, Truth.FALSE, f"not before {guard.date} ({days((guard.date - as_of).days)} left)")
    if isinstance(guard, Elapsed):
        anchor = context.anchor_date(guard.since)
        if anchor is None:
            return Verdict(guard, Truth.FALSE, f"{guard.since} has not begun")
        ends = anchor + dt.timedelta(days=guard.days)
        if as_of >= ends:
            return Verdict(guard, Truth.TRUE, f"{days(guard.days)} since {guard.since} passed on {ends}")
        return Verdict(guard, Truth.FALSE, f"{days(guard.days)} since {guard.since} end on {ends}")
    raise TypeError(f"not a guard: {guard!r}")  # pragma: no cover - the parser builds only the above


def truth(guard: Guard, context: GuardContext) -> Truth:
    """The truth value :func:`evaluate` would give, without building the explanation.

    The machine's conditions need only this, on every trigger; explanations are built
    when someone asks (blockers, a refused trigger). A property test keeps the two equal.
    Kleene's ``and`` is FALSE if any part is, else UNKNOWN if any part is (``or`` the
    same with TRUE): the loops say so directly, since this runs on every trigger.
    """
    if type(guard) is Fulfilled:
        return _TRUE if context.obligation_state(guard.obligation).satisfied else _FALSE
    if type(guard) is AllOf or type(guard) is AnyOf:
        decisive, otherwise = (_FALSE, _TRUE) if type(guard) is AllOf else (_TRUE, _FALSE)
        unknown = False
        for child in guard.children:
            value = truth(child, context)
            if value is decisive:
                return decisive
            unknown = unknown or value is _UNKNOWN
        return _UNKNOWN if unknown else otherwise
    if type(guard) is Not:
        return ~truth(guard.child, context)
    if type(guard) is FactCompare:
        reported = context.fact_value(guard.fact)
        if reported is None:
            return _UNKNOWN
        try:
            return Truth.of(_OPS[guard.op](reported.value, guard.value))
        except TypeError:
            return _FALSE
    return _evaluate_leaf(guard, context).truth


_TRUE, _FALSE, _UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def _describe_unfulfilled(state: ObligationState, as_of: dt.date) -> str:
    status = state.status_on(as_of)
    parts = [str(status)]
    measure = state.obligation.measure
    if measure is not None and state.progress is not None:
        parts.append(f"{_number(state.progress)} of {_number(measure.target)} {measure.unit}")
    if state.base is ObligationStatus.PENDING:
        parts.append("not yet in force")
    elif state.evidence is None and state.progress is None:
        parts.append("no report of fulfilment")
    return ", ".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
