"""Random agreements for property tests: any valid agreement, or a large synthetic one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from truce.agreement import Agreement, FactDef, Phase, Transition
from truce.guards import After, AllOf, AnyOf, Const, Elapsed, FactCompare, Fulfilled, Not, StatusIs, parse_guard
from truce.obligations import Due, Measure, Obligation
from truce.parties import Party
from truce.sources import Source

__all__ = ["agreements", "guards", "synthetic_agreement"]


def synthetic_agreement(phases: int = 12, obligations: int = 40, *, guard_size: int = 4) -> Agreement:
    """A valid agreement of any size: a chain of phases, each exit guarded by a few obligations.

    Used by the benchmarks and by tests that need a large agreement; deterministic.
    """

    source = Source("Synthetic agreement", "truce.testing")
    parties = [Party("side_a", "Side A", "state"), Party("side_b", "Side B", "armed_group")]
    owed = [
        Obligation(f"o{n}", parties[n % 2].id, f"Obligation {n}", source, phase=f"p{(n * phases) // obligations}")
        for n in range(obligations)
    ]
    chain = [Phase(f"p{n}") for n in range(phases)]
    transitions = []
    for n in range(phases - 1):
        mine = [o.id for o in owed if o.phase == f"p{n}"][:guard_size] or [owed[n % obligations].id]
        guard = " and ".join(f"fulfilled({o})" for o in mine) + f" and fact(f{n % 5}) >= {n}"
        transitions.append(Transition(f"t{n}", [f"p{n}"], f"p{n + 1}", parse_guard(guard)))
    transitions.append(
        Transition("collapse", [p.id for p in chain[:-1]], "collapsed", parse_guard("fact(war) == true"))
    )
    return Agreement(
        id=f"synthetic-{phases}x{obligations}",
        title="Synthetic",
        in_force=dt.date(2025, 1, 1),
        parties=parties,
        obligations=owed,
        phases=[*chain, Phase("collapsed")],
        initial="p0",
        terminal=[f"p{phases - 1}", "collapsed"],
        transitions=transitions,
        facts=[FactDef(f"f{n}", f"Fact {n}") for n in range(5)] + [FactDef("war", "War resumed")],
    )


_GUARD_OPS = ("==", "!=", "<", "<=", ">", ">=")


def guards(
    obligations: list[str], facts: list[str], anchors: list[str], *, max_leaves: int = 6
) -> st.SearchStrategy[Any]:
    """Random guard trees over the given names: every leaf kind, nested all/any/not.

    Fact literals mix numbers, texts and booleans, so the comparisons of every type
    are exercised (verification's abstract domain once forgot texts).
    """

    leaves: list[st.SearchStrategy[Any]] = [st.builds(Const, st.booleans())]
    if obligations:
        leaves.append(st.builds(Fulfilled, st.sampled_from(obligations)))
        leaves.append(
            st.builds(
                StatusIs,
                st.sampled_from(obligations),
                st.frozensets(st.sampled_from(["active", "overdue", "breached", "disputed"]), min_size=1, max_size=2),
                st.booleans(),
            )
        )
    if facts:
        values = st.one_of(st.integers(0, 5), st.sampled_from(["alpha", "beta", ""]), st.booleans(), st.just(2.5))
        leaves.append(st.builds(FactCompare, st.sampled_from(facts), st.sampled_from(_GUARD_OPS), values))
    leaves.append(st.builds(After, st.dates(dt.date(2025, 1, 1), dt.date(2026, 1, 1))))
    leaves.append(st.builds(Elapsed, st.integers(0, 60), st.sampled_from(anchors)))
    return st.recursive(
        st.one_of(leaves),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: AllOf(tuple(cs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: AnyOf(tuple(cs))),
            inner.map(Not),
        ),
        max_leaves=max_leaves,
    )


@st.composite
def agreements(draw: Callable[..., Any], max_phases: int = 6, max_obligations: int = 8) -> Agreement:
    """Random valid agreements: every phase reachable, terminal phases without exits, guards well-formed.

    For testing code that must work for *any* agreement, not only the bundled ones.
    """

    source = Source("Generated agreement", "truce.testing")
    count = draw(st.integers(2, max_phases))
    phases = [f"p{n}" for n in range(count)]
    terminal = [phases[-1]]
    live = phases[:-1]
    parties = [Party("side_a", "Side A", "state"), Party("side_b", "Side B", "armed_group")]
    obligations = []
    for n in range(draw(st.integers(0, max_obligations))):
        due = draw(
            st.none()
            | st.builds(Due, date=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
            | st.builds(Due, after=st.sampled_from(["in_force", *live]), days=st.integers(0, 90))
        )
        measure = draw(st.none() | st.builds(Measure, st.just("items"), st.integers(1, 30)))
        obligations.append(
            Obligation(
                f"o{n}",
                draw(st.sampled_from(["side_a", "side_b", None])),
                f"Obligation {n}",
                source,
                phase=draw(st.none() | st.sampled_from(live)),
                due=due,
                measure=measure,
            )
        )
    facts = [FactDef(f"f{n}", f"Fact {n}") for n in range(draw(st.integers(0, 3)))]
    guard_trees = guards([o.id for o in obligations], [f.id for f in facts], ["in_force", *phases])

    def flat(guard: Any) -> Any:
        # the parser flattens nested and/or, so generated guards do too (YAML round-trips stay exact)
        if isinstance(guard, AllOf | AnyOf):
            children: list[Any] = []
            for child in (flat(c) for c in guard.children):
                children.extend(child.children if type(child) is type(guard) else (child,))
            return type(guard)(tuple(children))
        if hasattr(guard, "child"):
            return type(guard)(flat(guard.child))
        return guard

    transitions = []
    for n in range(1, count):  # a path reaches every phase
        origin = draw(st.sampled_from(live[:n]))
        transitions.append(Transition(f"t{n}", [origin], phases[n], flat(draw(guard_trees))))
    for n in range(draw(st.integers(0, 4))):  # and some more moves, possibly sharing triggers
        trigger = draw(st.sampled_from([f"x{n}", *(t.trigger for t in transitions)]))
        origin = draw(st.sampled_from(live))
        transitions.append(Transition(trigger, [origin], draw(st.sampled_from(phases)), flat(draw(guard_trees))))
    return Agreement(
        id="generated",
        title="Generated agreement",
        in_force=dt.date(2025, 1, 1),
        parties=parties,
        obligations=obligations,
        phases=[Phase(p) for p in phases],
        initial=phases[0],
        terminal=terminal,
        transitions=transitions,
        facts=facts,
    )
