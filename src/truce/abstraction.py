"""The abstract domain of guards: the few classes of values each guard can tell apart.

``fulfilled(x)`` splits an obligation's statuses into {fulfilled, waived} and the rest;
``fact(f) > 3`` splits a fact's values into a handful of intervals plus *unknown*; time
atoms are free booleans. :func:`satisfiable` searches the product of these classes, so
"this guard can never hold" is a proof over every state a ledger could be in, not a
sample. :mod:`truce.verification` builds its findings on it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from typing import Any

import attrs

from truce.events import Event
from truce.guards import (
    After,
    AllOf,
    AnyOf,
    Elapsed,
    FactCompare,
    FactValue,
    Fulfilled,
    Guard,
    Not,
    StatusIs,
    Truth,
    evaluate,
    walk,
)
from truce.obligations import Obligation
from truce.sources import Source
from truce.status import ObligationState, ObligationStatus

__all__ = ["MAX_STATES", "satisfiable", "subjects"]

#: The most search steps for one guard; beyond it verification reports it cannot decide.
MAX_STATES = 1 << 20


_STATUSES = tuple(ObligationStatus)
_NO_SOURCE = Source("verification")
_DAY = dt.date(2000, 1, 1)


def _status_atoms(guard: Guard, obligation: str) -> list[Guard]:
    return [n for n in walk(guard) if isinstance(n, Fulfilled | StatusIs) and n.obligation == obligation]


def _status_classes(atoms: list[Guard]) -> list[tuple[ObligationStatus, bool]]:
    """One representative (status, disputed) per class the atoms can tell apart."""
    disputed_matters = any(isinstance(a, StatusIs) and "disputed" in a.statuses for a in atoms)
    seen: dict[tuple[bool, ...], tuple[ObligationStatus, bool]] = {}
    for status in _STATUSES:
        for disputed in (False, True) if disputed_matters else (False,):
            signature = tuple(_status_atom_holds(a, status, disputed) for a in atoms)
            seen.setdefault(signature, (status, disputed))
    return list(seen.values())


def _status_atom_holds(atom: Guard, status: ObligationStatus, disputed: bool) -> bool:
    if isinstance(atom, Fulfilled):
        return status in (ObligationStatus.FULFILLED, ObligationStatus.WAIVED)
    assert isinstance(atom, StatusIs)
    inside = bool(({str(status)} | ({"disputed"} if disputed else set())) & atom.statuses)
    return inside != atom.negated


def _fact_candidates(atoms: list[FactCompare]) -> list[object]:
    """Values that together take every truth combination the comparisons allow, plus unknown.

    The literals cut each type's line into intervals; one value from each interval (and
    each literal itself) is enough. Numbers: midpoints and neighbours. Texts: ``""``
    below the smallest, and ``t + "\\x00"``, the least text greater than ``t``, which lies
    in the interval just above ``t`` whenever that interval is not empty.
    """
    values: list[object] = [None, True, False, ""]
    # booleans compare as the numbers 0 and 1 (``-1 < false`` holds), so they cut the line too
    numbers = sorted({float(a.value) for a in atoms if isinstance(a.value, int | float)})
    for low, high in itertools.pairwise(numbers):
        values.append((low + high) / 2)
    for number in numbers:  # nextafter: ``n - 1 == n`` for a large float
        values += [number - 1, math.nextafter(number, -math.inf), number, math.nextafter(number, math.inf), number + 1]
    texts = sorted({a.value for a in atoms if isinstance(a.value, str)})
    values += [text + "\x00" for text in texts]
    values += [a.value for a in atoms]
    return list(dict.fromkeys(values))


def _fact_classes(atoms: list[FactCompare]) -> list[object]:
    seen: dict[tuple[Truth, ...], object] = {}
    for value in _fact_candidates(atoms):
        context = _Abstract({}, {} if value is None else {atoms[0].fact: value}, {})
        signature = tuple(evaluate(a, context).truth for a in atoms)
        seen.setdefault(signature, value)
    return list(seen.values())


@attrs.frozen
class _Abstract:
    """One abstract state, shaped like a ledger for :func:`truce.guards.evaluate`."""

    statuses: dict[str, tuple[ObligationStatus, bool]]
    facts: dict[str, object]
    times: dict[Guard, bool]

    @property
    def as_of(self) -> dt.date:
        return _DAY

    def obligation_state(self, obligation: str) -> ObligationState:
        status, disputed = self.statuses.get(obligation, (ObligationStatus.ACTIVE, False))
        o = Obligation(obligation, None, obligation, _NO_SOURCE)
        claims: tuple[Event, ...] = ()
        if disputed:
            claims = (
                Event(_DAY, "claim", party="a", obligation=obligation, asserts="fulfilled"),
                Event(_DAY, "claim", party="b", obligation=obligation, asserts="breached"),
            )
        base = ObligationStatus.ACTIVE if status is ObligationStatus.OVERDUE else status
        due = _DAY - dt.timedelta(days=1) if status is ObligationStatus.OVERDUE else None
        return ObligationState(o, base=base, since=_DAY, active_since=_DAY, due=due, claims=claims)

    def fact_value(self, name: str) -> FactValue | None:
        value = self.facts.get(name)
        return None if value is None else FactValue(name, value, _DAY)  # type: ignore[arg-type]

    def anchor_date(self, anchor: str) -> dt.date | None:
        return _DAY


def _subjects_of(nodes: list[Guard]) -> tuple[list[str], list[str], list[After | Elapsed]]:
    """The domain's independent subjects among ``nodes``: obligations, facts, time atoms."""
    obligations = sorted({n.obligation for n in nodes if isinstance(n, Fulfilled | StatusIs)})
    facts = sorted({n.fact for n in nodes if isinstance(n, FactCompare)})
    times = list(dict.fromkeys(n for n in nodes if isinstance(n, After | Elapsed)))
    return obligations, facts, times


@functools.lru_cache(maxsize=4096)
def subjects(guard: Guard) -> frozenset[tuple[str, object]]:
    """What ``guard`` reads, as the domain's independent subjects (empty for a constant).

    Guards with no subject in common are independent: some state satisfies both exactly
    when some state satisfies each (:mod:`truce.unblock` searches only groups that share one).
    """
    obligations, facts, times = _subjects_of(list(walk(guard)))
    return frozenset(
        [("obligation", o) for o in obligations] + [("fact", f) for f in facts] + [("time", t) for t in times]
    )


def satisfiable(
    guard: Guard, impossible_times: frozenset[Guard] = frozenset(), budget: int = MAX_STATES
) -> bool | None:
    """True if some abstract state makes ``guard`` hold; None if the search exceeds ``budget`` steps.

    A backtracking search over the abstract domain (the classes above):
    subjects (obligations, facts, time atoms) are given classes one at a time, and the
    guard is judged in Kleene's logic with the rest unknown. Kleene's logic is monotone,
    so a FALSE on a partial assignment is FALSE for every completion (prune) and a TRUE
    is TRUE for every one (done). An AND of twenty leaves then takes a few dozen steps
    where enumerating the product took a million.
    """
    nodes = list(walk(guard))
    obligations, facts, times = _subjects_of(nodes)
    subjects: list[tuple[str, Any, list[Any]]] = [
        ("obligation", o, _status_classes(_status_atoms(guard, o))) for o in obligations
    ]
    subjects += [
        ("fact", f, _fact_classes([n for n in nodes if isinstance(n, FactCompare) and n.fact == f])) for f in facts
    ]
    subjects += [("time", t, [False] if t in impossible_times else [True, False]) for t in times]
    chosen: dict[str, dict[Any, Any]] = {"obligation": {}, "fact": {}, "time": {}}
    steps = 0

    def judge(node: Guard) -> Truth:
        if isinstance(node, AllOf):
            result = Truth.TRUE
            for child in node.children:
                result = result & judge(child)
                if result is Truth.FALSE:
                    break
            return result
        if isinstance(node, AnyOf):
            result = Truth.FALSE
            for child in node.children:
                result = result | judge(child)
                if result is Truth.TRUE:
                    break
            return result
        if isinstance(node, Not):
            return ~judge(node.child)
        if isinstance(node, After | Elapsed):
            known = chosen["time"].get(node, _UNSET)
            return Truth.UNKNOWN if known is _UNSET else Truth.of(known)
        if isinstance(node, Fulfilled | StatusIs):
            if node.obligation not in chosen["obligation"]:
                return Truth.UNKNOWN
            context = _Abstract({node.obligation: chosen["obligation"][node.obligation]}, {}, {})
            return evaluate(node, context).truth
        if isinstance(node, FactCompare):
            value = chosen["fact"].get(node.fact, _UNSET)
            if value is _UNSET:
                return Truth.UNKNOWN
            return evaluate(node, _Abstract({}, {} if value is None else {node.fact: value}, {})).truth
        return evaluate(node, _Abstract({}, {}, {})).truth

    def search(index: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > budget:
            raise _Undecided
        truth_now = judge(guard)
        if truth_now is Truth.TRUE:
            return True
        if truth_now is Truth.FALSE or index == len(subjects):
            return False
        kind, key, domain = subjects[index]
        for value in domain:
            chosen[kind][key] = value
            if search(index + 1):
                return True
        del chosen[kind][key]
        return False

    try:
        return search(0)
    except _Undecided:
        return None


class _Undecided(Exception):
    """Internal: the search for a satisfying state ran out of its budget."""


_UNSET = object()
