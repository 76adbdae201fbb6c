"""Guards: the conditions a transition needs, as a small tree that explains itself.

A guard is written in agreement files as a tiny expression language::

    fulfilled(living_hostages_released) and fact(isf_troops_in_gaza) > 0

It is parsed with :mod:`ast` against a whitelist (never ``eval``): calls to
``fulfilled``, ``status``, ``fact``, ``after``, ``elapsed``, ``all``, ``any``; ``and``,
``or``, ``not``; one comparison against a literal. Anything else is a
:class:`~truce.DefinitionError` that names what was refused.

Evaluation is pure and three-valued: a fact nobody has reported is *unknown*, not
false, and a verdict tree says for each leaf whether it holds and why.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import operator
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeAlias

import attrs

from truce._names import is_id
from truce.dates import days
from truce.errors import DefinitionError, Problem
from truce.limits import DEFAULT_LIMITS
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

MAX_GUARD_LENGTH = DEFAULT_LIMITS.max_guard_length
MAX_GUARD_DEPTH = DEFAULT_LIMITS.max_guard_depth


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
    """
    if isinstance(guard, AllOf):
        result = Truth.TRUE
        for child in guard.children:
            result = result & truth(child, context)
            if result is Truth.FALSE:
                return result
        return result
    if isinstance(guard, AnyOf):
        result = Truth.FALSE
        for child in guard.children:
            result = result | truth(child, context)
            if result is Truth.TRUE:
                return result
        return result
    if isinstance(guard, Fulfilled):
        return Truth.TRUE if context.obligation_state(guard.obligation).satisfied else Truth.FALSE
    if isinstance(guard, Not):
        return ~truth(guard.child, context)
    if isinstance(guard, FactCompare):
        reported = context.fact_value(guard.fact)
        if reported is None:
            return Truth.UNKNOWN
        try:
            return Truth.of(_OPS[guard.op](reported.value, guard.value))
        except TypeError:
            return Truth.FALSE
    return _evaluate_leaf(guard, context).truth


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


# --- parsing --------------------------------------------------------------------------

_CALLS = frozenset({"fulfilled", "status", "fact", "after", "elapsed", "all", "any"})


class _Refused(Exception):
    """Internal: the expression uses something outside the whitelist."""


def parse_guard(
    text: str,
    *,
    field: str = "guard",
    max_length: int = MAX_GUARD_LENGTH,
    max_depth: int = MAX_GUARD_DEPTH,
) -> Guard:
    """Parse a guard expression into a tree, refusing anything outside the whitelist.

    >>> parse_guard("fulfilled(a) and not fact(b) > 2")
    AllOf(children=(Fulfilled(obligation='a'), Not(child=FactCompare(fact='b', op='>', value=2))))
    """
    if not isinstance(text, str):
        raise DefinitionError([Problem(f"expected an expression, got {type(text).__name__}", field=field)])
    if len(text) > max_length:
        raise DefinitionError([Problem(f"guard is {len(text)} characters; the limit is {max_length}", field=field)])
    if not text.strip():
        raise DefinitionError([Problem("guard is empty (write true for no condition)", field=field)])
    if _nesting(text) > max_depth:
        raise DefinitionError([Problem(f"guard nests deeper than {max_depth} levels", field=field)])
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        raise DefinitionError([Problem(f"cannot parse {text!r}: {detail}", field=field)]) from None
    try:
        guard = _convert(tree.body, depth=0, max_depth=max_depth)
    except _Refused as exc:
        raise DefinitionError([Problem(f"in {text!r}: {exc}", field=field)]) from None
    except RecursionError:
        raise DefinitionError([Problem("guard nests too deeply", field=field)]) from None
    return guard


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _convert(node: ast.AST, *, depth: int, max_depth: int) -> Guard:
    if depth > max_depth:
        raise _Refused(f"nests deeper than {max_depth} levels")
    down = depth + 1
    if isinstance(node, ast.BoolOp):
        children = tuple(_convert(v, depth=down, max_depth=max_depth) for v in node.values)
        if isinstance(node.op, ast.And):
            return AllOf(_flatten(children, AllOf))
        return AnyOf(_flatten(children, AnyOf))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_convert(node.operand, depth=down, max_depth=max_depth))
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return Const(node.value)
    if isinstance(node, ast.Name) and node.id in ("true", "false"):
        return Const(node.id == "true")
    if isinstance(node, ast.Compare):
        return _comparison(node)
    if isinstance(node, ast.Call):
        return _call(node, depth=down, max_depth=max_depth)
    if isinstance(node, ast.Name):
        raise _Refused(f"a bare name {node.id!r} is not a condition; did you mean fulfilled({node.id})?")
    raise _Refused(f"{type(node).__name__} is not allowed in a guard")


def _flatten(children: tuple[Guard, ...], kind: type[AllOf] | type[AnyOf]) -> tuple[Guard, ...]:
    flat: list[Guard] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return tuple(flat)


def _call_name(node: ast.Call) -> str:
    if not isinstance(node.func, ast.Name):
        raise _Refused(f"calling a {type(node.func).__name__} is not allowed; only {', '.join(sorted(_CALLS))}")
    if node.func.id not in _CALLS:
        raise _Refused(f"unknown function {node.func.id!r}; allowed: {', '.join(sorted(_CALLS))}")
    return node.func.id


def _name_arg(node: ast.AST, what: str) -> str:
    if isinstance(node, ast.Name) and is_id(node.id):
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_id(node.value):
        return node.value
    raise _Refused(f"{what} must be a plain id")


def _single_arg(node: ast.Call, name: str) -> ast.AST:
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise _Refused(f"{name}() takes exactly one argument")
    return node.args[0]


def _call(node: ast.Call, *, depth: int, max_depth: int) -> Guard:
    name = _call_name(node)
    if name in ("all", "any"):
        if node.keywords or not node.args or any(isinstance(a, ast.Starred) for a in node.args):
            raise _Refused(f"{name}() takes one or more conditions")
        children = tuple(_convert(a, depth=depth, max_depth=max_depth) for a in node.args)
        return AllOf(_flatten(children, AllOf)) if name == "all" else AnyOf(_flatten(children, AnyOf))
    if name == "fulfilled":
        return Fulfilled(_name_arg(_single_arg(node, name), "the obligation in fulfilled()"))
    if name == "after":
        arg = _single_arg(node, name)
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise _Refused("after() takes a quoted ISO date, e.g. after('2025-10-13')")
        try:
            return After(dt.date.fromisoformat(arg.value))
        except ValueError:
            raise _Refused(f"after(): {arg.value!r} is not an ISO date") from None
    if name == "elapsed":
        return _elapsed(node)
    raise _Refused(f"{name}() must be compared with a value, e.g. {name}(x) == ...")


def _elapsed(node: ast.Call) -> Elapsed:
    args = list(node.args)
    keywords = {k.arg: k.value for k in node.keywords}
    if None in keywords or any(isinstance(a, ast.Starred) for a in args):
        raise _Refused("elapsed() takes days and since=")
    if set(keywords) - {"days", "since"}:
        raise _Refused("elapsed() takes only days and since=")
    days_node = keywords.get("days") or (args.pop(0) if args else None)
    since_node = keywords.get("since") or (args.pop(0) if args else None)
    if args or days_node is None or since_node is None:
        raise _Refused("elapsed() takes days and since=, e.g. elapsed(42, since=phase_one)")
    if not (
        isinstance(days_node, ast.Constant)
        and isinstance(days_node.value, int)
        and not isinstance(days_node.value, bool)
        and 0 <= days_node.value <= 100_000
    ):
        raise _Refused("elapsed(): days must be a whole number from 0 to 100000")
    return Elapsed(days_node.value, _name_arg(since_node, "since="))


_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_STATUS_WORDS = frozenset(s.value for s in ObligationStatus) | {"disputed"}


def _comparison(node: ast.Compare) -> Guard:
    if len(node.ops) != 1:
        raise _Refused("chained comparisons are not allowed; join them with 'and'")
    op = _COMPARE_OPS.get(type(node.ops[0]))
    if op is None:
        raise _Refused(f"{type(node.ops[0]).__name__} is not an allowed comparison")
    left, right = node.left, node.comparators[0]
    if not isinstance(left, ast.Call):
        raise _Refused("the left of a comparison must be status(...) or fact(...)")
    name = _call_name(left)
    subject = _name_arg(_single_arg(left, name), f"the argument of {name}()")
    if name == "status":
        if op in ("in", "not in"):
            if not isinstance(right, ast.Tuple | ast.List | ast.Set):
                raise _Refused("status(x) in ... takes a tuple of statuses")
            words = frozenset(_status_word(e) for e in right.elts)
        elif op in ("==", "!="):
            words = frozenset({_status_word(right)})
        else:
            raise _Refused("status() compares only with ==, !=, in, not in")
        return StatusIs(subject, words, negated=op in ("!=", "not in"))
    if name == "fact":
        if op in ("in", "not in"):
            raise _Refused("fact() compares with ==, !=, <, <=, >, >=")
        return FactCompare(subject, op, _fact_literal(right))
    raise _Refused(f"{name}() cannot be compared")


def _status_word(node: ast.AST) -> str:
    word = node.id if isinstance(node, ast.Name) else node.value if isinstance(node, ast.Constant) else None
    if not isinstance(word, str) or word not in _STATUS_WORDS:
        raise _Refused(f"a status is one of {', '.join(sorted(_STATUS_WORDS))}")
    return word


def _fact_literal(node: ast.AST) -> bool | int | float | str:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
    if isinstance(node, ast.Name) and node.id in ("true", "false"):
        return node.id == "true"
    if isinstance(node, ast.Constant) and isinstance(node.value, bool | int | float | str):
        if isinstance(node.value, str) and len(node.value) > 200:
            raise _Refused("a text value is limited to 200 characters")
        if isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) > 10**15:
            raise _Refused("a number is limited to 15 digits")
        return node.value
    raise _Refused("a fact compares with a number, a quoted text, or true/false")
