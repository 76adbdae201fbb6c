"""Minimal unblock sets: the least that would have to become true for a transition to open.

The guard's verdict tree is read as a monotone formula over its unmet leaves (a ``not``
whose inner condition holds is itself a leaf): ``all`` multiplies out, ``any`` unites,
and supersets are dropped. What remains are exactly the minimal sets, found without
trying subsets one by one, so the answer is exact for guards of 30 leaves and more;
only a guard whose expansion exceeds ``MAX_TERMS`` sets is cut short (``complete``
is then False).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterator
from typing import Any

import attrs

from truce.abstraction import satisfiable, subjects
from truce.agreement import Agreement, Transition
from truce.blockers import DEFAULT_VIEW, Blocker, describe_leaf, describe_view, name_move, routes_guard
from truce.guards import (
    AllOf,
    AnyOf,
    Const,
    FactValue,
    Fulfilled,
    Guard,
    GuardContext,
    Not,
    StatusIs,
    Verdict,
    evaluate,
    walk,
)
from truce.html import lines_html
from truce.status import ObligationState, ObligationStatus

__all__ = ["Unblock", "UnblockSet", "force", "minimal_sets", "unblock"]

#: The most sets an expansion keeps; beyond it the answer is cut short and says so (``complete`` False).
MAX_TERMS = 2_000

Term = frozenset[Guard]


def minimal_sets(verdict: Verdict, context: GuardContext | None = None) -> tuple[list[Term], bool]:
    """The minimal sets of unmet leaves whose holding makes ``verdict`` hold; and whether complete.

    The expansion treats leaves as independent. They are not always: making ``x`` true
    also makes a ``not x`` elsewhere false, and ``fact(f) >= 10`` and ``fact(f) < 5``
    cannot both hold. So a set is dropped when no state makes all its leaves hold at
    once (:func:`truce.abstraction.satisfiable`, over the leaves that share a subject)
    and, given the ``context`` the verdict came from, every set is re-evaluated with its
    leaves made true and kept only if the guard then holds.
    """
    complete = True

    def expand(node: Verdict) -> list[Term]:
        nonlocal complete
        if node.holds:
            return [frozenset()]
        if isinstance(node.guard, AnyOf):
            united = [t for child in node.children for t in expand(child)]
            if len(united) > MAX_TERMS:
                complete = False
                united = united[:MAX_TERMS]
            return _minimise(united)
        if isinstance(node.guard, AllOf):
            terms: list[Term] = [frozenset()]
            for child in node.children:
                options = expand(child)
                if len(terms) * len(options) > MAX_TERMS:  # stop before the work, not after it
                    complete = False
                    products = itertools.islice((a | b for a in terms for b in options), MAX_TERMS)
                    terms = _minimise(list(products))
                else:
                    terms = _minimise([a | b for a in terms for b in options])
            return terms
        if isinstance(node.guard, Const):
            return []  # ``false`` cannot be made true by anyone
        return [frozenset({node.guard})]

    terms = [t for t in expand(verdict) if not any(isinstance(g, Not) and g.child in t for g in t)]
    possible: dict[frozenset[Guard], bool] = {}
    terms = [t for t in terms if _jointly_possible(t, possible)]
    if context is not None:
        grown: list[Term] = []
        for term in terms:
            found, whole = _grow(verdict.guard, term, context, _REGROW, possible)
            grown += found
            complete = complete and whole
        terms = _minimise(grown)
    return sorted(terms, key=lambda t: (len(t), sorted(g.to_expr() for g in t))), complete


#: How many times a set that falls short is grown (each time by a minimal set of what then blocks).
_REGROW = 3


def _grow(
    guard: Guard, term: Term, context: GuardContext, rounds: int, possible: dict[frozenset[Guard], bool]
) -> tuple[list[Term], bool]:
    """``term`` if it opens ``guard``; else ``term`` grown by what then blocks; and whether complete.

    Fulfilling an obligation can turn a leaf that held false (``status(x) == active``), so a
    set read off today's verdict may fall short; what blocks once it is made true is expanded
    in turn, a few rounds at most (beyond them the answer says it is incomplete).
    """
    if rounds < _REGROW and not _jointly_possible(term, possible):  # a grown set: checked afresh
        return [], True
    if _suffices(guard, term, context):
        return [term], True
    if rounds == 0:
        return [], False
    others = frozenset(leaf for leaf in term if not isinstance(leaf, Fulfilled))
    after, whole = minimal_sets(evaluate(force(guard, others), _Fulfilling(context, term)))
    found: list[Term] = []
    for extra in after:
        more, done = _grow(guard, term | extra, context, rounds - 1, possible)
        found += more
        whole = whole and done
    return found, whole


def _jointly_possible(term: Term, known: dict[frozenset[Guard], bool]) -> bool:
    """Whether some state makes every leaf of ``term`` hold at once.

    Leaves that read different subjects are independent, so only the groups that share
    one are searched together (each group once per call of :func:`minimal_sets`); a
    search that runs out of budget keeps the set (it is then re-checked, not dropped).
    """
    groups: list[tuple[set[tuple[str, object]], list[Guard]]] = []
    for leaf in term:
        found, leaves = set(subjects(leaf)), [leaf]
        for group in [g for g in groups if g[0] & found]:
            groups.remove(group)
            found |= group[0]
            leaves += group[1]
        groups.append((found, leaves))
    for _, leaves in groups:
        key = frozenset(leaves)
        if key not in known:
            ordered = tuple(sorted(leaves, key=lambda g: g.to_expr()))
            known[key] = satisfiable(ordered[0] if len(ordered) == 1 else AllOf(ordered), budget=10_000) is not False
        if not known[key]:
            return False
    return True


def _minimise(terms: list[Term]) -> list[Term]:
    """Drop duplicates and every set that contains a smaller one."""
    kept: list[Term] = []
    by_size: dict[int, list[Term]] = {}
    for term in sorted(set(terms), key=len):
        # only a strictly smaller set can absorb this one, so same-size sets are never compared
        if not any(smaller <= term for size, group in by_size.items() if size < len(term) for smaller in group):
            kept.append(term)
            by_size.setdefault(len(term), []).append(term)
    return kept


def _suffices(guard: Guard, term: Term, context: GuardContext) -> bool:
    """Whether ``guard`` holds once ``term`` is made true: its obligations fulfilled, its other leaves forced."""
    twice = _read_twice(guard)  # once: the look-up hashes the whole guard, and a term has a leaf per condition
    if not any(isinstance(leaf, Fulfilled) and leaf.obligation in twice for leaf in term):
        return evaluate(force(guard, term), context).holds  # fulfilling changes nothing else: force it
    others = frozenset(leaf for leaf in term if not isinstance(leaf, Fulfilled))
    return evaluate(force(guard, others), _Fulfilling(context, term)).holds


@functools.lru_cache(maxsize=256)
def _read_twice(guard: Guard) -> frozenset[str]:
    """The obligations more than one leaf of ``guard`` reads (where fulfilling one leaf moves another)."""
    read = [n.obligation for n in walk(guard) if isinstance(n, Fulfilled | StatusIs)]
    return frozenset(o for o in read if read.count(o) > 1)


class _Fulfilling:
    """``context`` as it would be with the obligations a set asks fulfilled actually fulfilled.

    Forcing ``fulfilled(x)`` to true is not enough to re-check a set: fulfilling ``x`` also
    makes ``status(x) == active`` false elsewhere in the guard. So the re-check reads those
    obligations as fulfilled, and every other leaf of the set as forced.
    """

    def __init__(self, context: GuardContext, term: Term) -> None:
        self._context = context
        self._fulfilled = {leaf.obligation for leaf in term if isinstance(leaf, Fulfilled)}
        self.as_of = context.as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        state = self._context.obligation_state(obligation)
        if obligation not in self._fulfilled or state.satisfied:
            return state
        return attrs.evolve(state, base=ObligationStatus.FULFILLED, since=self.as_of, claims=(), evidence=None)

    def fact_value(self, name: str) -> FactValue | None:
        return self._context.fact_value(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self._context.anchor_date(anchor)


def force(guard: Guard, true_leaves: frozenset[Guard]) -> Guard:
    """``guard`` with the given leaves replaced by ``true`` (to re-check a set's sufficiency)."""
    if guard in true_leaves:
        return Const(True)
    if isinstance(guard, AllOf | AnyOf):
        return type(guard)(tuple(force(child, true_leaves) for child in guard.children))
    if isinstance(guard, Not):
        return Not(force(guard.child, true_leaves))
    return guard


@attrs.frozen
class UnblockSet:
    """One minimal way to open the transition: these conditions, owed by these parties."""

    conditions: tuple[Blocker, ...]

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.party or "(no party)" for c in self.conditions if c.obligation))

    def __len__(self) -> int:
        return len(self.conditions)

    def __iter__(self) -> Iterator[Blocker]:
        return iter(self.conditions)

    def describe(self) -> str:
        parts = []
        for c in self.conditions:
            who = f" [{c.party or 'no party'}]" if c.obligation else ""
            parts.append(f"{c.obligation or c.fact or c.condition}{who}")
        return " + ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"size": len(self), "parties": list(self.parties), "conditions": [c.to_dict() for c in self.conditions]}


@attrs.frozen
class Unblock:
    """The minimal unblock sets for one target on one day, smallest first.

    Empty with ``open`` True when nothing blocks; empty with ``open`` False when nothing
    anyone could do would open it (a guard of ``false``). ``note`` explains the
    no-transition case (already in the target phase), as :class:`~truce.Blockers` does.
    """

    trigger: str
    phase: str
    to_phase: str
    as_of: dt.date
    sets: tuple[UnblockSet, ...]
    open: bool
    complete: bool = True
    guard: str = "true"
    note: str | None = None
    #: whose account of the facts the sets were found on (see :func:`truce.blockers.describe_view`)
    view: str = DEFAULT_VIEW

    def __iter__(self) -> Iterator[UnblockSet]:
        return iter(self.sets)

    def __len__(self) -> int:
        return len(self.sets)

    def __getitem__(self, index: int) -> UnblockSet:
        return self.sets[index]

    def __str__(self) -> str:
        head = f"{self.phase} -> {self.to_phase} ({self.trigger}) as of {self.as_of}"
        view = "" if self.view == DEFAULT_VIEW else f"\n  view: {self.view}"  # a party's view: say whose
        if self.note:
            return f"{head}: {self.note}{view}"
        if self.open:
            return f"{head}: already open{view}"
        if not self.sets:
            return f"{head}: nothing would open it{view}"
        lines = [f"{head}: {len(self.sets)} minimal way{'s' if len(self.sets) != 1 else ''} to open it{view}"]
        lines += [f"  {n}. {s.describe()}" for n, s in enumerate(self.sets, start=1)]
        if not self.complete:
            lines.append(f"  (cut short at {MAX_TERMS} sets)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return lines_html(str(self).split("\n"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "phase": self.phase,
            "to_phase": self.to_phase,
            "as_of": self.as_of.isoformat(),
            "open": self.open,
            "complete": self.complete,
            "guard": self.guard,
            "note": self.note,
            "view": self.view,
            "sets": [s.to_dict() for s in self.sets],
        }


def unblock(
    agreement: Agreement, context: GuardContext, phase: str, routes: list[Transition], view: str | None = None
) -> Unblock:
    """The minimal unblock sets for leaving ``phase`` by any of ``routes`` as ``context`` has it."""
    guard = routes_guard(routes)
    verdict = evaluate(guard, context)
    trigger, to_phase = name_move(routes, verdict)
    terms, complete = minimal_sets(verdict, context) if not verdict.holds else ([], True)
    # each condition described once, however many sets it is in (thousands of sets share a few dozen)
    described = {leaf.guard: (leaf.guard.to_expr(), leaf) for leaf in verdict.leaves()}
    blockers: dict[Guard, Blocker] = {}

    def blocker(leaf: Guard) -> Blocker:
        found = blockers.get(leaf)
        if found is None:
            found = blockers[leaf] = describe_leaf(described[leaf][1], agreement, context)
        return found

    sets = tuple(UnblockSet(tuple(blocker(g) for g in sorted(term, key=lambda g: described[g][0]))) for term in terms)
    held, expr = verdict.holds, guard.to_expr()
    return Unblock(trigger, phase, to_phase, context.as_of, sets, held, complete, expr, view=describe_view(view))
