"""The guard tree: frozen nodes, each writing itself back as guard text (``to_expr``).

The parser (:mod:`truce.guard_parsing`) builds these; evaluation (:mod:`truce.guards`)
reads them. Kept apart so that neither needs the other.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

import attrs

# --- the tree -------------------------------------------------------------------------


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)


@attrs.frozen
class Const:
    value: bool

    def to_expr(self) -> str:
        return _literal(self.value)


@attrs.frozen
class Fulfilled:
    """Holds when the obligation is fulfilled (or waived: a waived duty no longer blocks)."""

    obligation: str

    def to_expr(self) -> str:
        return f"fulfilled({self.obligation})"


@attrs.frozen
class StatusIs:
    """Holds when the obligation's status on the day is one of ``statuses`` (or none, if negated)."""

    obligation: str
    statuses: frozenset[str]
    negated: bool = False

    def to_expr(self) -> str:
        if len(self.statuses) == 1:
            (only,) = self.statuses
            return f"status({self.obligation}) {'!=' if self.negated else '=='} {only!r}"
        listed = ", ".join(repr(s) for s in sorted(self.statuses))
        return f"status({self.obligation}) {'not in' if self.negated else 'in'} ({listed})"


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@attrs.frozen
class FactCompare:
    """Compares a reported fact with a literal; unknown while nobody has reported it."""

    fact: str
    op: str = attrs.field(validator=attrs.validators.in_(_OPS))
    value: bool | int | float | str

    def to_expr(self) -> str:
        return f"fact({self.fact}) {self.op} {_literal(self.value)}"


@attrs.frozen
class After:
    """Holds from ``date`` on (the day asked about is on or after it)."""

    date: dt.date

    def to_expr(self) -> str:
        return f"after({self.date.isoformat()!r})"


@attrs.frozen
class Elapsed:
    """Holds once ``days`` have passed since entry into force or since entering a phase."""

    days: int
    since: str

    def to_expr(self) -> str:
        return f"elapsed({self.days}, since={self.since})"


@attrs.frozen
class AllOf:
    children: tuple[Guard, ...]

    def to_expr(self) -> str:
        return " and ".join(_wrap(c, AnyOf) for c in self.children)


@attrs.frozen
class AnyOf:
    children: tuple[Guard, ...]

    def to_expr(self) -> str:
        return " or ".join(_wrap(c, AllOf) for c in self.children)


@attrs.frozen
class Not:
    child: Guard

    def to_expr(self) -> str:
        return "not " + _wrap(self.child, AllOf, AnyOf)


Guard: TypeAlias = Const | Fulfilled | StatusIs | FactCompare | After | Elapsed | AllOf | AnyOf | Not
LEAVES = (Const, Fulfilled, StatusIs, FactCompare, After, Elapsed)


def _wrap(guard: Guard, *needs_parens: type) -> str:
    text = guard.to_expr()
    return f"({text})" if isinstance(guard, needs_parens) else text


def walk(guard: Guard) -> Iterator[Guard]:
    """Every node of the tree, parents before children."""
    yield guard
    if isinstance(guard, AllOf | AnyOf):
        for child in guard.children:
            yield from walk(child)
    elif isinstance(guard, Not):
        yield from walk(guard.child)


def references(guard: Guard) -> dict[str, set[str]]:
    """The obligations, facts and anchors (phases or ``in_force``) a guard mentions."""
    found: dict[str, set[str]] = {"obligations": set(), "facts": set(), "anchors": set()}
    for node in walk(guard):
        if isinstance(node, Fulfilled | StatusIs):
            found["obligations"].add(node.obligation)
        elif isinstance(node, FactCompare):
            found["facts"].add(node.fact)
        elif isinstance(node, Elapsed):
            found["anchors"].add(node.since)
    return found
