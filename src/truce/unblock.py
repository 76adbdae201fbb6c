"""Minimal unblock sets: the least that would have to become true for a transition to open.

The guard's verdict tree is read as a monotone formula over its unmet leaves (a ``not``
whose inner condition holds is itself a leaf): ``all`` multiplies out, ``any`` unites,
and supersets are dropped. What remains are exactly the minimal sets, found without
trying subsets one by one, so the answer is exact for guards of 30 leaves and more;
only a guard whose expansion exceeds ``MAX_TERMS`` sets, or whose sets need re-checking
past ``CHECK_BUDGET`` (see :func:`minimal_sets`), is cut short (``complete`` is then
False).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Iterator, Sequence
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
    Truth,
    Verdict,
    evaluate,
    truth,
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
                # the smallest kept: a set cut would otherwise leave sets that hold it (kept as minimal)
                united = sorted(united, key=len)[:MAX_TERMS]
            return _minimise(united)
        if isinstance(node.guard, AllOf):
            terms: list[Term] = [frozenset()]
            for child in node.children:
                options = expand(child)
                # sets of leaves the other side never names combine into sets none of which holds
                # another (a1|b1 <= a2|b2 needs a1 <= a2 and b1 <= b2): nothing to minimise
                apart = frozenset().union(*terms).isdisjoint(frozenset().union(*options))
                if len(terms) * len(options) > MAX_TERMS:  # stop before the work, not after it
                    complete = False
                    products = itertools.islice((a | b for a in terms for b in options), MAX_TERMS)
                    terms = _minimise(list(products), apart=apart)
                else:
                    terms = _minimise([a | b for a in terms for b in options], apart=apart)
            return terms
        if isinstance(node.guard, Const):
            return []  # ``false`` cannot be made true by anyone
        return [frozenset({node.guard})]

    terms = [t for t in expand(verdict) if not any(isinstance(g, Not) and g.child in t for g in t)]
    possible: dict[Any, bool] = {}  # by a set of leaves that share subjects, or by a leaf alone
    terms = [t for t in terms if _jointly_possible(t, possible)]
    if context is not None and not _forcing_suffices(verdict.guard):
        grown: list[Term] = []
        search = _Search(possible, sum(1 for _ in walk(verdict.guard)), CHECK_BUDGET)
        for n, term in enumerate(terms):  # smallest first: a search out of budget drops the largest
            found, whole = _grow(verdict.guard, term, context, _REGROW, search)
            if search.left < 0:
                # out of budget: a set not reached (this one's other branches too) might open the guard
                # with fewer leaves than a set found; keep only the found sets none of them lies within
                grown = _none_within(grown + found, terms[n:])
                complete = False
                break
            grown += found
            complete = complete and whole
        shrunk = [_shrunk(verdict.guard, term, context, search) for term in grown]
        complete = complete and None not in shrunk
        terms = _minimise([term for term in shrunk if term is not None])
    return sorted(terms, key=lambda t: (len(t), sorted(g.to_expr() for g in t))), complete


#: How many times a set that falls short is grown (each time by a minimal set of what then blocks).
_REGROW = 3


#: Guard nodes the checks of one search may visit (a set's check walks the guard once, a growth
#: a few times): with the growing they lead to, under half a second. Past it the search keeps what
#: no set it did not reach could undercut, says it is incomplete, and checks no more sets (the
#: largest, since sets are checked smallest first).
CHECK_BUDGET = 100_000


@attrs.define
class _Search:
    """What one search's checks share: the sets found possible, each obligation's fulfilled
    state (made once), and the budget of guard nodes left to visit."""

    possible: dict[Any, bool]
    size: int  # the guard's nodes: what one check visits
    left: int  # the nodes the checks may still visit
    fulfilled: dict[str, ObligationState] = attrs.field(factory=dict)

    def spend(self) -> bool:
        """Take one check's visits from the budget; ``False`` once it is spent."""
        self.left -= self.size
        return self.left >= 0


def _grow(guard: Guard, term: Term, context: GuardContext, rounds: int, search: _Search) -> tuple[list[Term], bool]:
    """``term`` if it opens ``guard``; else ``term`` grown by what then blocks; and whether complete.

    Fulfilling an obligation can turn a leaf that held false (``status(x) == active``), so a
    set read off today's verdict may fall short; what blocks once it is made true is expanded
    in turn, a few rounds at most (beyond them, or past the search's budget, the answer says
    it is incomplete).
    """
    if rounds < _REGROW and not _jointly_possible(term, search.possible):  # a grown set: checked afresh
        return [], True
    if not search.spend():
        return [], False
    if _suffices(guard, term, context, search.fulfilled):
        return [term], True
    if rounds == 0 or not search.spend():
        return [], False
    others = frozenset(leaf for leaf in term if not isinstance(leaf, Fulfilled))
    after, whole = minimal_sets(evaluate(force(guard, others), _Fulfilling(context, term, search.fulfilled)))
    found: list[Term] = []
    for extra in after:
        more, done = _grow(guard, term | extra, context, rounds - 1, search)
        found += more
        whole = whole and done
    return found, whole


def _none_within(found: list[Term], unreached: list[Term]) -> list[Term]:
    """The sets of ``found`` that no set of ``unreached`` lies strictly within (bit masks, as in
    :func:`_minimise`)."""
    bits: dict[Guard, int] = {}
    mask = functools.partial(_mask, bits=bits)
    within = [mask(t) for t in unreached]  # distinct sets: distinct masks
    exact = set(within)
    kept = []
    for term in found:
        have = mask(term)
        # the unreached sets within it (m & ~have == 0), less the one equal to it if there is one
        if list(map(operator.and_, within, itertools.repeat(~have))).count(0) == (have in exact):
            kept.append(term)
    return kept


def _shrunk(guard: Guard, term: Term, context: GuardContext, search: _Search) -> Term | None:
    """``term`` without the leaves it opens ``guard`` without, or ``None`` if the budget ran out first.

    Fulfilling one of a set's obligations can make another of its leaves true as well
    (``status(x) != active`` once ``x`` is fulfilled), and forcing one can make another
    true (``not not s`` once ``s`` is): such a leaf, one that reads what another leaf of
    the set reads (or a ``not``), is dropped if the set opens the guard without it.
    """
    read = collections.Counter(itertools.chain.from_iterable(map(_subjects, term)))
    shared = {subject for subject, times in read.items() if times > 1}
    for leaf in sorted(term, key=lambda g: g.to_expr()):
        if not isinstance(leaf, Not) and shared.isdisjoint(_subjects(leaf)):
            continue  # nothing else in the set reads what it reads: making them true cannot make it so
        rest = term - {leaf}
        if not search.spend():
            return None
        if _suffices(guard, rest, context, search.fulfilled):
            term = rest
    return term


def _forcing_suffices(guard: Guard) -> bool:
    """Whether every set read off ``guard``'s verdict opens it, with no need to check each.

    So in a guard of and/or alone (no ``not``) where no obligation is read twice: making a
    set's leaves true (fulfilling an obligation turns only the one leaf that reads it)
    leaves every other leaf as it was, and an and/or of what held and what was made true
    holds. Otherwise each set is checked (:func:`_suffices`) and grown if it falls short.
    """
    return not _read_twice(guard) and not any(isinstance(node, Not) for node in walk(guard))


@functools.lru_cache(maxsize=4096)
def _subjects(leaf: Guard) -> frozenset[tuple[str, object]]:
    return subjects(leaf)


def _jointly_possible(term: Term, known: dict[Any, bool]) -> bool:
    """Whether some state makes every leaf of ``term`` hold at once.

    Leaves that read different subjects are independent, so only the groups that share
    one are searched together (each group once per call of :func:`minimal_sets`); a
    search that runs out of budget keeps the set (it is then re-checked, not dropped).
    """
    read = [_subjects(leaf) for leaf in term]
    if sum(map(len, read)) == len(frozenset().union(*read)):  # the usual set: no two leaves read one subject
        return all(_possible_alone(leaf, known) for leaf in term)
    groups: list[tuple[set[tuple[str, object]], list[Guard]]] = []
    for leaf, subjects_read in zip(term, read, strict=True):
        found, leaves = set(subjects_read), [leaf]
        for group in [g for g in groups if g[0] & found]:
            groups.remove(group)
            found |= group[0]
            leaves += group[1]
        groups.append((found, leaves))
    return all(_possible(leaves, known) for _, leaves in groups)


def _possible_alone(leaf: Guard, known: dict[Any, bool]) -> bool:
    """:func:`_possible` of one leaf, kept under the leaf itself (no set made to look it up)."""
    found = known.get(leaf)
    if found is None:
        found = known[leaf] = _possible((leaf,), known)
    return found


def _possible(leaves: Sequence[Guard], known: dict[Any, bool]) -> bool:
    """Whether ``leaves``, which share subjects, can hold together (searched once per group)."""
    key = frozenset(leaves)
    if key not in known:
        ordered = tuple(sorted(leaves, key=lambda g: g.to_expr()))
        known[key] = satisfiable(ordered[0] if len(ordered) == 1 else AllOf(ordered), budget=10_000) is not False
    return known[key]


def _minimise(terms: list[Term], *, apart: bool = False) -> list[Term]:
    """Drop duplicates and every set that contains a smaller one, smallest first; ``apart``: the
    caller knows no set holds another (each set's comparisons, quadratic in the sets, skipped).

    Each set is a bit mask of its leaves, so whether a kept smaller set lies within it is one
    C-level pass of ``&`` over the smaller sets' masks (thousands of sets: a few ms, where
    comparing the sets themselves took seconds).
    """
    unique = sorted(set(terms), key=len)
    if apart:
        return unique
    bits: dict[Guard, int] = {}
    kept: list[Term] = []
    smaller: list[int] = []  # the masks of kept sets smaller than the one at hand
    same: list[int] = []  # the masks of kept sets of its size (never compared: only a smaller set absorbs one)
    size = -1
    for term in unique:
        if len(term) != size:
            smaller += same
            same, size = [], len(term)
        mask = _mask(term, bits)
        if 0 not in map(operator.and_, smaller, itertools.repeat(~mask)):  # s & ~t == 0: s lies within t
            kept.append(term)
            same.append(mask)
    return kept


def _mask(term: Term, bits: dict[Guard, int]) -> int:
    """``term`` as a bit mask, a bit per leaf (``bits`` gives each leaf met its bit): ``s & ~t == 0``
    says that ``s`` lies within ``t``."""
    value = 0
    for leaf in term:
        value |= bits.setdefault(leaf, 1 << len(bits))
    return value


def _suffices(guard: Guard, term: Term, context: GuardContext, fulfilled: dict[str, ObligationState]) -> bool:
    """Whether ``guard`` holds once ``term`` is made true: its obligations fulfilled, its other leaves forced."""
    twice = _read_twice(guard)  # once: the look-up hashes the whole guard, and a term has a leaf per condition
    # the truth alone (no explanation is read): a few times cheaper than evaluating the verdict
    if not any(isinstance(leaf, Fulfilled) and leaf.obligation in twice for leaf in term):
        return _forced_truth(guard, term, context) is Truth.TRUE  # fulfilling changes nothing else: force it
    others = frozenset(leaf for leaf in term if not isinstance(leaf, Fulfilled))
    return _forced_truth(guard, others, _Fulfilling(context, term, fulfilled)) is Truth.TRUE


def _forced_truth(guard: Guard, forced: frozenset[Guard], context: GuardContext) -> Truth:
    """``truth(force(guard, forced), context)``, without building the forced guard."""
    if isinstance(guard, AllOf | AnyOf):  # never a set's leaf: not looked up (that hashes its whole subtree)
        found = Truth.TRUE if isinstance(guard, AllOf) else Truth.FALSE
        for child in guard.children:
            part = _forced_truth(child, forced, context)
            found = (found & part) if isinstance(guard, AllOf) else (found | part)
        return found
    if guard in forced:
        return Truth.TRUE
    if isinstance(guard, Not):
        return ~_forced_truth(guard.child, forced, context)
    return truth(guard, context)


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

    def __init__(self, context: GuardContext, term: Term, made: dict[str, ObligationState]) -> None:
        self._context = context
        self._fulfilled = {leaf.obligation for leaf in term if isinstance(leaf, Fulfilled)}
        self._made = made  # each obligation's fulfilled state, made once for every set of one search
        self.as_of = context.as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        state = self._context.obligation_state(obligation)
        if obligation not in self._fulfilled or state.satisfied:
            return state
        made = self._made.get(obligation)
        if made is None:
            made = self._made[obligation] = attrs.evolve(
                state, base=ObligationStatus.FULFILLED, since=self.as_of, claims=(), evidence=None
            )
        return made

    def fact_value(self, name: str) -> FactValue | None:
        return self._context.fact_value(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self._context.anchor_date(anchor)


def force(guard: Guard, true_leaves: frozenset[Guard]) -> Guard:
    """``guard`` with the given leaves replaced by ``true`` (to re-check a set's sufficiency)."""
    if isinstance(guard, AllOf | AnyOf):  # never a set's leaf: not looked up (that hashes its whole subtree)
        return type(guard)(tuple(force(child, true_leaves) for child in guard.children))
    if guard in true_leaves:
        return Const(True)
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
            if not self.complete:
                return f"{head}: no way to open it found before the search's limits{view}"
            return f"{head}: nothing would open it{view}"
        lines = [f"{head}: {len(self.sets)} minimal way{'s' if len(self.sets) != 1 else ''} to open it{view}"]
        lines += [f"  {n}. {s.describe()}" for n, s in enumerate(self.sets, start=1)]
        if not self.complete:
            lines.append("  (cut short at the search's limits: there may be other ways)")
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
    used = frozenset().union(*terms)
    blockers = {leaf.guard: describe_leaf(leaf, agreement, context) for leaf in verdict.leaves() if leaf.guard in used}
    exprs = {leaf: leaf.to_expr() for leaf in used}
    sets = tuple(UnblockSet(tuple(blockers[g] for g in sorted(term, key=exprs.__getitem__))) for term in terms)
    held, expr = verdict.holds, guard.to_expr()
    return Unblock(trigger, phase, to_phase, context.as_of, sets, held, complete, expr, view=describe_view(view))
