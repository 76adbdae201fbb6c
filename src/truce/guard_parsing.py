"""Parsing guard text into a tree (:mod:`truce.guard_tree`).

A guard is written in agreement files as a tiny expression language::

    fulfilled(living_hostages_released) and fact(isf_troops_in_gaza) > 0

It is parsed with :mod:`ast` against a whitelist (never ``eval``): calls to
``fulfilled``, ``status``, ``fact``, ``after``, ``elapsed``, ``all``, ``any``; ``and``,
``or``, ``not``; one comparison against a literal. Anything else is a
:class:`~truce.DefinitionError` that names what was refused.
"""

from __future__ import annotations

import ast
import datetime as dt

from truce._names import is_id
from truce.errors import DefinitionError, Problem
from truce.guard_tree import After, AllOf, AnyOf, Const, Elapsed, FactCompare, Fulfilled, Guard, Not, StatusIs
from truce.limits import DEFAULT_LIMITS
from truce.status import ObligationStatus

MAX_GUARD_LENGTH = DEFAULT_LIMITS.max_guard_length
MAX_GUARD_DEPTH = DEFAULT_LIMITS.max_guard_depth

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
