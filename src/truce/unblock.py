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
import itertools
from collections.abc import Iterator
from typing import Any

import attrs

from truce.agreement import Agreement, Transition
from truce.blockers import DEFAULT_VIEW, Blocker, describe_leaf, describe_view, name_move, routes_guard
from truce.guards import AllOf, AnyOf, Const, Guard, GuardContext, Not, Verdict, evaluate
from truce.html import lines_html

__all__ = ["Unblock", "UnblockSet", "force", "minimal_sets", "unblock"]

#: The most sets an expansion keeps; beyond it the answer is cut short and says so (``complete`` False).
MAX_TERMS = 2_000

Term = frozenset[Guard]


def minimal_sets(verdict: Verdict, context: GuardContext | None = None) -> tuple[list[Term], bool]:
    """The minimal sets of unmet leaves whose holding makes ``verdict`` hold; and whether complete.

    The expansion treats leaves as independent. They are not always: making ``x`` true
    also makes a ``not x`` elsewhere false. So sets that ask for ``x`` and ``not x`` are
    dropped, and, given the ``context`` the verdict came from, every set is re-evaluated
    with its leaves made true and kept only if the guard then holds.
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
    if context is not None:
        terms = [t for t in terms if evaluate(force(verdict.guard, t), context).holds]
    return sorted(terms, key=lambda t: (len(t), sorted(g.to_expr() for g in t))), complete


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
    leaves = {leaf.guard: leaf for leaf in verdict.leaves()}
    sets = tuple(
        UnblockSet(tuple(describe_leaf(leaves[g], agreement, context) for g in sorted(term, key=lambda g: g.to_expr())))
        for term in terms
    )
    held, expr = verdict.holds, guard.to_expr()
    return Unblock(trigger, phase, to_phase, context.as_of, sets, held, complete, expr, view=describe_view(view))
