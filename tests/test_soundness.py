"""verify and unblock held against brute force: what they prove must be true of every state.

``verify`` reasons over abstract states; these tests draw concrete ones (statuses, fact
values of every type, dates) and random runs, and check that nothing verify calls
impossible or unreachable ever happens. ``unblock`` is compared with an exhaustive
search over all subsets of unmet leaves.
"""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
from hypothesis import given, note
from hypothesis import strategies as st

import truce
from truce.guards import AllOf, Const, FactCompare, FactValue, Fulfilled, Not, StatusIs, evaluate, walk
from truce.status import ObligationState, ObligationStatus
from truce.testing import ReferenceFold, agreements, check_step, guards, guided_logs
from truce.unblock import force, minimal_sets
from truce.verification import satisfiable

OBLIGATIONS = ["o1", "o2", "o3"]
FACTS = ["f1", "f2"]
ANCHORS = ["in_force", "p1"]
DAY = dt.date(2025, 6, 1)
FACT_VALUES = [
    None,
    True,
    False,
    0,
    1,
    2,
    3,
    5,
    6,
    -1,
    -2,
    2.5,
    2.6,
    1e20,
    2e20,
    "",
    "alpha",
    "alpha\x00",
    "alphaz",
    "beta",
    "zz",
]


@attrs.frozen
class Concrete:
    """A concrete state: what a ledger could say on one day."""

    as_of: dt.date
    statuses: dict[str, tuple[ObligationStatus, bool]]
    facts: dict[str, object]
    anchors: dict[str, dt.date | None]

    def obligation_state(self, obligation: str) -> ObligationState:
        status, disputed = self.statuses[obligation]
        o = truce.Obligation(obligation, None, obligation, truce.Source("s"))
        claims = ()
        if disputed:
            claims = (
                truce.Event(DAY, "claim", party="a", obligation=obligation, asserts="fulfilled"),
                truce.Event(DAY, "claim", party="b", obligation=obligation, asserts="breached"),
            )
        overdue = status is ObligationStatus.OVERDUE
        base = ObligationStatus.ACTIVE if overdue else status
        due = self.as_of - dt.timedelta(days=1) if overdue else None
        return ObligationState(o, base=base, since=DAY, active_since=DAY, due=due, claims=claims)

    def fact_value(self, name: str) -> FactValue | None:
        value = self.facts[name]
        return None if value is None else FactValue(name, value, DAY)  # type: ignore[arg-type]

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.anchors[anchor]


concrete_states = st.builds(
    Concrete,
    st.dates(dt.date(2024, 12, 1), dt.date(2026, 3, 1)),
    st.fixed_dictionaries({o: st.tuples(st.sampled_from(list(ObligationStatus)), st.booleans()) for o in OBLIGATIONS}),
    st.fixed_dictionaries({f: st.sampled_from(FACT_VALUES) for f in FACTS}),
    st.fixed_dictionaries({a: st.none() | st.dates(dt.date(2024, 12, 1), dt.date(2026, 1, 1)) for a in ANCHORS}),
)


def test_a_text_comparison_verifies_clean_and_advances():
    agreement = truce.load_agreement(
        "text.yaml",
        text="""
id: text-compare
title: Text comparison
in_force: 2025-01-01
parties: {a: {name: A, kind: state}}
obligations: {o: {party: a, text: Do it, source: {title: S}}}
facts: {stage: {text: Stage}}
phases: [one, two]
initial: one
terminal: [two]
transitions:
  - {trigger: go, from: one, to: two, guard: "fact(stage) > 'alpha' and fulfilled(o)"}
""",
    )
    assert truce.verify(agreement).ok, truce.verify(agreement)
    ceasefire = truce.Ceasefire(
        agreement,
        [
            truce.Event("2025-01-02", "fact", fact="stage", value="beta"),
            truce.Event("2025-01-02", "fulfilled", obligation="o"),
        ],
    )
    assert ceasefire.advance("go") == "two"


def holds_somewhere(guard: truce.guards.Guard) -> bool:
    """Whether some concrete state from a rich pool satisfies ``guard`` (every combination is tried)."""
    names = truce.guards.references(guard)
    obligations, facts = sorted(names["obligations"]), sorted(names["facts"])
    statuses = [(s, d) for s in ObligationStatus for d in (False, True)]
    days = [dt.date(2024, 12, 1), dt.date(2025, 6, 1), dt.date(2026, 3, 1)]
    for chosen in itertools.product(statuses, repeat=len(obligations)):
        for values in itertools.product(FACT_VALUES, repeat=len(facts)):
            for day in days:
                state = Concrete(
                    day,
                    {
                        o: chosen[obligations.index(o)] if o in obligations else (ObligationStatus.ACTIVE, False)
                        for o in OBLIGATIONS
                    },
                    {f: values[facts.index(f)] if f in facts else None for f in FACTS},
                    dict.fromkeys(ANCHORS, dt.date(2025, 1, 1)),
                )
                if evaluate(guard, state).holds:
                    return True
    return False


small_guards = guards(OBLIGATIONS, FACTS, ANCHORS, max_leaves=2)
LITERALS = [0, 1, 3, -1, 2.5, 1e20, True, False, "", "alpha", "beta"]


def test_every_single_comparison_is_judged_soundly():
    """Every comparison of a fact with every kind of literal, and its negation: no random draw to miss one."""
    ops = ("==", "!=", "<", "<=", ">", ">=")
    atoms = [truce.guards.FactCompare("f1", op, literal) for op in ops for literal in LITERALS]
    for atom in [*atoms, *map(Not, atoms)]:
        if holds_somewhere(atom):
            assert satisfiable(atom) is not False, f"verify calls {atom.to_expr()} impossible, yet it holds"


@given(small_guards)
def test_a_guard_that_holds_in_some_state_is_never_called_impossible(guard):
    if holds_somewhere(guard):
        assert satisfiable(guard) is not False, f"verify calls {guard.to_expr()} impossible, yet it holds"


@given(guards(OBLIGATIONS, FACTS, ANCHORS), concrete_states)
def test_a_larger_guard_that_holds_in_a_random_state_is_never_called_impossible(guard, state):
    if evaluate(guard, state).holds:
        assert satisfiable(guard) is not False, f"verify calls {guard.to_expr()} impossible, yet it holds"


@given(agreements(), st.data())
def test_what_a_run_reaches_verify_never_calls_unreachable_or_deadlocked(agreement, data):
    report = truce.verify(agreement)
    ceasefire, fold = truce.Ceasefire(agreement), ReferenceFold(agreement)
    for event in data.draw(guided_logs(agreement)):
        check_step(ceasefire, event, fold)
    regular = []  # moves on a path of regular moves only: a declared move may go where guards cannot
    for change in ceasefire.phase_history()[1:]:
        if change.irregular:
            break
        regular.append(change)
    reached = {agreement.initial} | {c.to_phase for c in regular}
    left = {c.from_phase for c in regular}
    note(str(report))
    for finding in report.findings:
        if finding.code == "unreachable-phase":
            assert finding.ids[0] not in reached, f"verify calls {finding.ids[0]} unreachable; a run reached it"
        if finding.code == "deadlock":
            assert finding.ids[0] not in left, f"verify calls {finding.ids[0]} a deadlock; a run left it"
    impossible = [f.message for f in report.findings if f.code == "impossible-guard"]
    for change in regular:  # some transition it may have used must be one verify thinks can fire
        used = [
            t
            for t in agreement.transitions
            if t.trigger == change.trigger and change.from_phase in t.from_phases and t.to_phase == change.to_phase
        ]
        called = [t for t in used if _impossible_message(t) in impossible]
        assert len(called) < len(used), f"verify calls every route of {change.describe()} impossible"


def _impossible_message(t: truce.Transition) -> str:
    route = f"{' / '.join(t.from_phases)} -> {t.to_phase}"
    return f"the guard of {t.trigger} ({route}) can never hold: {t.guard.to_expr()}"


def _brute_force(verdict: truce.Verdict, context: object) -> list[frozenset]:
    """Every minimal set of unmet leaves whose forcing makes the guard hold, by trying all subsets."""
    leaves = list(dict.fromkeys(leaf.guard for leaf in verdict.unmet() if not isinstance(leaf.guard, Const)))
    working: list[frozenset] = []
    for size in range(len(leaves) + 1):
        for subset in map(frozenset, itertools.combinations(leaves, size)):
            if any(smaller <= subset for smaller in working):
                continue
            if any(isinstance(g, Not) and g.child in subset for g in subset):
                continue
            if evaluate(force(verdict.guard, subset), context).holds:  # type: ignore[arg-type]
                working.append(subset)
    return working


def _subjects(guard: truce.Guard) -> list[str]:
    return [f"o:{n.obligation}" for n in walk(guard) if isinstance(n, Fulfilled | StatusIs)] + [
        f"f:{n.fact}" for n in walk(guard) if isinstance(n, FactCompare)
    ]


def _opens(guard: truce.Guard, subset: frozenset, state: Concrete) -> bool:
    """Whether ``subset`` opens ``guard``: its obligations really fulfilled, its other leaves forced true."""
    fulfilled = {leaf.obligation for leaf in subset if isinstance(leaf, Fulfilled)}
    statuses = {
        o: (ObligationStatus.FULFILLED, False) if o in fulfilled and not state.obligation_state(o).satisfied else s
        for o, s in state.statuses.items()
    }
    after = attrs.evolve(state, statuses=statuses)
    others = frozenset(leaf for leaf in subset if not isinstance(leaf, Fulfilled))
    return evaluate(force(guard, others), after).holds


@given(guards(OBLIGATIONS, FACTS, ANCHORS), concrete_states)
def test_unblock_finds_exactly_the_minimal_sets_brute_force_finds(guard, state):
    """Where every obligation and fact is read by one leaf, leaves are independent: brute force is exact."""
    subjects = _subjects(guard)
    verdict = evaluate(guard, state)
    if verdict.holds or len(verdict.leaves()) > 12 or len(subjects) != len(set(subjects)):
        return
    found, complete = minimal_sets(verdict, state)
    assert complete
    assert set(found) == {s for s in _brute_force(verdict, state) if satisfiable(_all(s)) is not False}


@given(guards(OBLIGATIONS, FACTS, ANCHORS), concrete_states)
def test_every_unblock_set_opens_the_guard_and_no_part_of_it_would(guard, state):
    """With leaves that interact (fulfilling x turns status(x) == active false), each set still opens it."""
    verdict = evaluate(guard, state)
    if verdict.holds or len(verdict.leaves()) > 12:
        return
    found, _ = minimal_sets(verdict, state)
    for term in found:
        assert satisfiable(_all(term)) is not False, term
        assert _opens(guard, term, state), sorted(g.to_expr() for g in term)
        for leaf in term:
            assert not _opens(guard, term - {leaf}, state), f"{leaf.to_expr()} is not needed"


def _all(term: frozenset) -> truce.Guard:
    ordered = tuple(sorted(term, key=lambda g: g.to_expr()))
    return Const(True) if not ordered else ordered[0] if len(ordered) == 1 else AllOf(ordered)


def test_unblock_grows_a_set_that_fulfilling_falls_short_of():
    """Found by a hostile review: fulfilling oa makes status(oa) == active false, so oa alone cannot open it."""
    agreement = truce.Agreement(
        id="g", title="g", in_force="2025-01-01", parties=[truce.Party("a", "A")],
        obligations=[truce.Obligation(o, "a", o, truce.Source("s")) for o in ("oa", "ob")],
        facts=[truce.FactDef("f", "f")], phases=[truce.Phase("one"), truce.Phase("two")], initial="one",
        terminal=["two"], transitions=[truce.Transition("go", ["one"], "two", truce.parse_guard(
            "fulfilled(oa) and (status(oa) == active or fulfilled(ob))"))],
    )  # fmt: skip
    ceasefire = truce.Ceasefire(agreement)
    assert [s.describe() for s in ceasefire.unblock("two")] == ["oa [a] + ob [a]"]
    assert ceasefire.what_if(fulfil=["oa", "ob"]).can("two")
    for impossible in ("fact(f) >= 10 and fact(f) < 5", "fulfilled(oa) and status(oa) == active", "not true"):
        alone = attrs.evolve(
            agreement, transitions=[truce.Transition("go", ["one"], "two", truce.parse_guard(impossible))]
        )
        found = truce.Ceasefire(alone).unblock("two")
        assert (found.sets, found.open) == ((), False), impossible
        assert str(found).endswith("nothing would open it")
