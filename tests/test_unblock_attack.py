"""Cases a hostile review of unblock's search found (2026-12-01): each failed before its fix."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import truce
from truce.guards import Fulfilled, evaluate, parse_guard, walk
from truce.status import ObligationStatus
from truce.unblock import minimal_sets

from .test_soundness import ANCHORS, FACTS, OBLIGATIONS, Concrete, _opens
from .test_unblock_search import one_move

ALL_ACTIVE = Concrete(
    dt.date(2025, 6, 1),
    {o: (ObligationStatus.ACTIVE, False) for o in OBLIGATIONS},
    dict.fromkeys(FACTS),
    dict.fromkeys(ANCHORS),
)


def _assert_sound_and_minimal(guard, state, found):
    for term in found:
        assert _opens(guard, term, state), sorted(g.to_expr() for g in term)
        for leaf in term:
            assert not _opens(guard, term - {leaf}, state), (
                f"{sorted(g.to_expr() for g in term)}: {leaf.to_expr()} is not needed"
            )


# --- regression of today's CHECK_BUDGET: a cut-short search returns grown sets that are not minimal ---


def test_a_search_out_of_budget_returns_only_minimal_sets_small():
    """{o1} falls short (fulfilling o1 ends status(o1) == active) and grows to {o1, o2, o3}; the budget
    runs out before {o2, o3} is checked, so the superset {o1, o2, o3} is returned though {o2, o3} opens it."""
    guard = parse_guard(
        "(fulfilled(o1) or (fulfilled(o2) and fulfilled(o3)))"
        " and (status(o1) == active or (fulfilled(o2) and fulfilled(o3)))"
    )
    size = sum(1 for _ in walk(guard))
    with mock.patch("truce.unblock.CHECK_BUDGET", 3 * size):
        found, complete = minimal_sets(evaluate(guard, ALL_ACTIVE), ALL_ACTIVE)
    assert not complete
    _assert_sound_and_minimal(guard, ALL_ACTIVE, found)  # fails: [o1, o2, o3] returned


def _padded(pairs: int, pad: int) -> truce.Agreement:
    ands = " and ".join(f"(fulfilled(a{i}) or fulfilled(b{i}))" for i in range(pairs))
    held = " and ".join(f"after('{dt.date(2020, 1, 1) + dt.timedelta(days=d)}')" for d in range(pad))
    guard = (
        "(fulfilled(p) or (fulfilled(q1) and fulfilled(q2)))"
        f" and (status(p) == active or (fulfilled(q1) and fulfilled(q2))) and {ands} and {held}"
    )
    names = ["p", "q1", "q2", *(f"a{i}" for i in range(pairs)), *(f"b{i}" for i in range(pairs))]
    return one_move(guard, names)


def test_a_search_out_of_budget_at_the_default_budget_returns_only_minimal_sets():
    """A 3,569-character guard (under the 4,000 limit), 1,024 sets, default budget: every set returned
    holds p though dropping p still opens the guard (old code: 512 sets of 11, complete, in ~11 s)."""
    ceasefire = truce.Ceasefire(_padded(9, 130))
    found = ceasefire.unblock("two")
    assert not found.complete
    needless = [
        s.describe()
        for s in found.sets
        if "p" in (obs := [c.obligation for c in s])
        and ceasefire.what_if(fulfil=[o for o in obs if o != "p"]).can("two")
    ]
    assert not needless, f"{len(needless)} of {len(found.sets)} sets hold p for nothing, e.g. {needless[0]}"


# --- pre-existing (old code the same): fulfilling an obligation turns an UNMET leaf true ---


def test_fulfilling_an_obligation_that_also_turns_an_unmet_status_leaf_true():
    guard = parse_guard("fulfilled(o1) and status(o1) != active")
    found, complete = minimal_sets(evaluate(guard, ALL_ACTIVE), ALL_ACTIVE)
    assert complete
    _assert_sound_and_minimal(guard, ALL_ACTIVE, found)  # fails: {fulfilled(o1), status(o1) != active}
    assert found == [frozenset({Fulfilled("o1")})]


def test_status_fulfilled_leaf_is_turned_by_fulfilling():
    guard = parse_guard("(fulfilled(o1) or fulfilled(o2)) and (status(o1) == fulfilled or fulfilled(o3))")
    found, _ = minimal_sets(evaluate(guard, ALL_ACTIVE), ALL_ACTIVE)
    assert frozenset({Fulfilled("o1")}) in found  # fails: {o1, o3} and {o1, status(o1) == fulfilled} instead


def test_double_negation_leaf_is_turned_by_forcing_its_inner_leaf():
    state = Concrete(
        dt.date(2025, 7, 8), {o: (ObligationStatus.BREACHED, False) for o in OBLIGATIONS}, dict.fromkeys(FACTS),
        dict.fromkeys(ANCHORS),
    )  # fmt: skip
    guard = parse_guard("not not status(o2) == overdue and status(o2) == overdue")
    found, _ = minimal_sets(evaluate(guard, state), state)
    _assert_sound_and_minimal(guard, state, found)  # fails: {not not S, S} where S alone opens


# --- pre-existing (old code the same): MAX_TERMS truncation keeps supersets of a dropped set ---


class _AllActive:
    as_of = dt.date(2025, 6, 1)

    def obligation_state(self, o):
        return Concrete(self.as_of, {o: (ObligationStatus.ACTIVE, False)}, {}, {}).obligation_state(o)

    def fact_value(self, name):
        return None

    def anchor_date(self, anchor):
        return None


def test_truncation_keeps_only_minimal_sets():
    pairs = " and ".join(f"(fulfilled(a{i}) or fulfilled(b{i}))" for i in range(11))
    guard = parse_guard(f"({pairs} and (fulfilled(x) or fulfilled(y))) or fulfilled(x)")
    found, complete = minimal_sets(evaluate(guard, _AllActive()), _AllActive())
    assert not complete
    x = Fulfilled("x")
    assert not [t for t in found if x in t and len(t) > 1], "sets hold x beside 11 others; {x} alone opens"
