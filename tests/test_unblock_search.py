"""The short cuts of unblock's search, each held to the long way it replaces.

``minimal_sets`` skips work where it can prove the answer: no minimisation of products of
sets that name different leaves, no check of each set in a guard of and/or alone where no
obligation is read twice, subset tests as bit masks. And a search that re-checks sets has
a budget, past which it says it is incomplete. Each is compared here with the computation
it stands for, on generated guards and states (tests/test_soundness.py holds the result to
a brute-force search).
"""

from __future__ import annotations

from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import truce
from truce import unblock
from truce.guards import evaluate
from truce.testing import guards
from truce.unblock import _minimise, minimal_sets

from .test_soundness import ANCHORS, FACTS, OBLIGATIONS, concrete_states


def _naive(terms: list[frozenset[str]]) -> list[frozenset[str]]:
    """Every distinct set no other (smaller) set lies within, smallest first."""
    unique = sorted(set(terms), key=len)
    return [t for t in unique if not any(s < t for s in unique)]


families = st.lists(st.frozensets(st.sampled_from("abcdefghij"), max_size=6), max_size=30)


@given(families)
def test_minimise_keeps_exactly_the_sets_no_smaller_one_lies_within(terms):
    assert _minimise(terms) == _naive(terms)  # type: ignore[arg-type]


@given(families, families)
def test_products_of_sets_on_different_leaves_need_no_minimising(left, right):
    """The ``apart`` short cut: a1|b1 <= a2|b2 needs a1 <= a2 and b1 <= b2 when the two sides share no leaf."""
    left, right = _naive(left), [frozenset(x.upper() for x in t) for t in _naive(right)]  # no leaf in common
    products = [a | b for a in left for b in right]
    assert _minimise(products, apart=True) == _minimise(products)  # type: ignore[arg-type]


@given(guards(OBLIGATIONS, FACTS, ANCHORS), concrete_states)
def test_sets_read_off_an_and_or_guard_need_no_check(guard, state):
    """Where the search skips checking each set, checking each changes nothing."""
    verdict = evaluate(guard, state)
    if verdict.holds or len(verdict.leaves()) > 12:
        return
    fast = minimal_sets(verdict, state)
    with mock.patch("truce.unblock._forcing_suffices", return_value=False):
        assert minimal_sets(verdict, state) == fast


def one_move(guard: str, obligations: list[str], facts: tuple[str, ...] = ()) -> truce.Agreement:
    """An agreement of two phases and one move between them, guarded by ``guard``."""
    return truce.Agreement(
        id="move", title="move", in_force="2025-01-01", parties=[truce.Party("p", "P")],
        obligations=[truce.Obligation(o, "p", o, truce.Source("s")) for o in obligations],
        facts=[truce.FactDef(f, f) for f in facts], phases=[truce.Phase("one"), truce.Phase("two")],
        initial="one", terminal=["two"],
        transitions=[truce.Transition("go", ["one"], "two", truce.parse_guard(guard))],
    )  # fmt: skip


def _twice(pairs: int) -> truce.Agreement:
    """An and of or-pairs, one obligation also read by a status leaf: every set needs checking."""
    guard = " and ".join(f"(fulfilled(o{2 * n}) or fulfilled(o{2 * n + 1}))" for n in range(pairs))
    guard += f" and (status(o0) == active or fulfilled(o{2 * pairs}))"
    return one_move(guard, [f"o{n}" for n in range(2 * pairs + 1)])


def test_a_search_past_its_budget_says_so_and_keeps_only_sets_that_open():
    agreement = _twice(5)
    ceasefire = truce.Ceasefire(agreement)
    whole = ceasefire.unblock("two")
    assert whole.complete
    assert len(whole.sets) == 2**5
    assert any(len(s) == 6 for s in whole.sets)  # sets with o0 grew by o10 (fulfilling o0 ends its being active)
    with mock.patch("truce.unblock.CHECK_BUDGET", 40 * unblock_size(agreement)):
        cut = ceasefire.unblock("two")
    assert not cut.complete
    assert 0 < len(cut.sets) < len(whole.sets)
    assert {s.describe() for s in cut.sets} <= {s.describe() for s in whole.sets}
    for found in cut.sets:
        assert ceasefire.what_if(fulfil=[c.obligation for c in found]).can("two"), found.describe()


def unblock_size(agreement: truce.Agreement) -> int:
    """The nodes of the agreement's one guard: what one check of a set visits."""
    return sum(1 for _ in unblock.walk(agreement.transitions[0].guard))


def test_an_and_whose_parts_share_a_leaf_is_still_minimised():
    """``(x or b) and (x or c)``: {x} and {b, c}; the products {x, b} and {x, c} hold {x} and go.
    With x a fact's leaf, no obligation is read twice, so no later check would drop them."""
    agreement = one_move("(fact(f) >= 3 or fulfilled(b)) and (fact(f) >= 3 or fulfilled(c))", ["b", "c"], ("f",))
    sets = truce.Ceasefire(agreement).unblock("two").sets
    assert [len(s) for s in sets] == [1, 2]
    assert [c.fact for c in sets[0]] == ["f"]
    assert sorted(c.obligation for c in sets[1]) == ["b", "c"]
