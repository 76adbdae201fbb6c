"""The fast scenario fold against the plain reference: a real Ceasefire fed the same events.

truce.scenario folds hypothetical events on a light state and compiles guards into
closures. These tests hold it to what :class:`truce.Ceasefire` does with the same events,
on random agreements (truce.testing), so the speed trick cannot drift from the semantics.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

import truce
from truce.assumptions import Assumptions, Collapse, Delay, FactAssumption, ObligationAssumption, Policy
from truce.guards import truth
from truce.scenario import Simulator, Start, _Context, compile_delay, compile_guard
from truce.scenario_guards import _Owed
from truce.status import SETTLED
from truce.testing import agreements, event_logs
from truce.testing.strategies import _fact_values

HYPOTHETICAL = truce.Source("Hypothetical (test)", "tests")
HORIZON = 45

SMALL_DELAYS = st.one_of(
    st.integers(0, 20).map(truce.Delay.fixed),
    st.just(Delay.uniform(0, 30)),
    st.just(Delay.lognormal(10, 0.6)),
    st.just(Delay.daily(0.08)),
    st.just(Delay.never()),
    st.just(Delay.empirical([1, 4, 4, 9])),
)


@st.composite
def scenarios(draw):
    """A random agreement, a ceasefire some events into it, and random assumptions about it."""
    agreement = draw(agreements())
    ceasefire = truce.Ceasefire(agreement)
    for event in draw(event_logs(agreement, max_size=5)):
        with contextlib.suppress(truce.TruceError):
            ceasefire.record(event)
    ids = [o.id for o in agreement.obligations]
    obligations = (
        draw(
            st.dictionaries(
                st.sampled_from(ids),
                st.builds(ObligationAssumption, SMALL_DELAYS, st.sampled_from([0.0, 0.3])),
                max_size=len(ids),
            )
        )
        if ids
        else {}
    )
    facts = {}
    for fact in agreement.facts:
        if draw(st.booleans()):
            value = draw(st.sampled_from(_fact_values(agreement, fact.id)))
            facts[fact.id] = FactAssumption(value, draw(SMALL_DELAYS))
    declared = draw(st.dictionaries(st.sampled_from(agreement.triggers), SMALL_DELAYS, max_size=2))
    targets = sorted({t.to_phase for t in agreement.transitions})
    collapse = draw(st.none() | st.builds(Collapse, st.just(0.03), st.sampled_from(targets)))
    policy = draw(st.sampled_from(list(Policy)))
    assumptions = Assumptions(obligations, facts, declared, collapse, policy)
    return ceasefire, assumptions


class EndlessCycle(Exception):
    """Guards that all hold in a cycle: the simulator and the reference cut it differently."""


def reference(ceasefire, simulator, index):
    """Replay scenario ``index`` through a real Ceasefire: its hypothetical events from the
    trace (dates checked against the draws), every move decided by the ceasefire itself."""
    start = ceasefire.date
    until = simulator.start.until
    outcome = simulator.run(index, trace=True)
    draws = simulator.draws(index)
    guards = simulator.guards_policy
    live = ceasefire.as_of(start)

    def settle(day):
        if not guards:
            return
        for _ in range(len(live.phases) + 1):
            for trigger in live.triggers:
                try:
                    live.advance(trigger, on=dt.date.fromordinal(day))
                except truce.TransitionBlocked:
                    continue
                break
            else:
                return
        # guards that all hold in a cycle never settle: the simulator cuts the cycle once per
        # check, this reference once per day, so the phases part ways (and a later declared
        # move may not even exist from the reference's phase); no answer to compare
        raise EndlessCycle(live.phase)

    day = start.toordinal()
    settle(day)
    for when, what, name, value in outcome.trace:
        if what == "enter":
            continue
        while day < when:
            day += 1
            settle(day)
        date = dt.date.fromordinal(when)
        if what in ("fulfilled", "breached"):
            state = live.status(name)
            assert state.active_since is not None, f"{name} settled before it was owed"
            anchor = max(start, state.active_since).toordinal()
            slot = simulator.slot[name]
            assert when == int(anchor + simulator.start.assumptions.obligations[name].delay.days(draws[slot]))
            live.record(truce.Event(date, what, obligation=name, source=HYPOTHETICAL))
        elif what == "fact":
            slot = next(s for f, _, s in simulator.facts if f == name)
            assert when == int(start.toordinal() + simulator.start.assumptions.facts[name].delay.days(draws[slot]))
            live.record(truce.Event(date, "fact", fact=name, value=value, source=HYPOTHETICAL))
        elif what == "collapse":
            live.record(truce.Event(date, "declared", to=name, source=HYPOTHETICAL))
        else:
            live.record(truce.Event(date, "declared", trigger=name, source=HYPOTHETICAL))
        settle(day)
    while day < until and live.phase not in live.agreement.terminal:
        day += 1
        settle(day)
    moves = [
        (c.date.toordinal(), c.to_phase, c.irregular) for c in live.phase_history()[len(ceasefire.phase_history()) :]
    ]
    # and no obligation the ceasefire came to owe was forgotten: its drawn day came, so it
    # is in the trace (unless a terminal phase ended the scenario first)
    ended = until + 1
    if live.phase in live.agreement.terminal:
        ended = moves[-1][0] if moves else start.toordinal()
    for name, assumption in simulator.start.assumptions.obligations.items():
        state = live.status(name)
        if state.active_since is None or state.base in SETTLED:
            continue
        delay = assumption.delay.days(draws[simulator.slot[name]])
        if delay is not None:
            assert int(max(start, state.active_since).toordinal() + delay) >= ended, f"{name} was never settled"
    fast = [
        (when, value[0], value[1])
        for when, what, _, value in outcome.trace
        if what in ("enter", "declared", "collapse")
    ]
    return fast, moves


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**63))
def test_a_scenario_moves_as_the_ceasefire_would_with_the_same_events(drawn, entropy):
    ceasefire, assumptions = drawn
    start = Start.of(ceasefire, assumptions, ceasefire.date + dt.timedelta(days=HORIZON), entropy)
    simulator = Simulator(start)
    # the compiled guards answer as truth() does, on the start and on later days
    for later in (0, 9, 40):
        day = ceasefire.date + dt.timedelta(days=later)
        context = _Context(dict(simulator.base_states), dict(simulator.base_facts), dict(simulator.base_entered), day)
        for transition in ceasefire.agreement.transitions:
            assert compile_guard(transition.guard)(context) is truth(transition.guard, context)
    for index in range(4):
        try:
            fast, moves = reference(ceasefire, simulator, index)
        except EndlessCycle:
            reject()
        # a cycle of guards that all hold is cut short per check; the reference checks daily
        days = [when for when, _, _ in fast]
        assume(all(days.count(d) <= len(ceasefire.phases) for d in days))
        assert fast == moves


BUNDLED = {
    "gaza-2025": (
        "2025-12-29",
        {
            "deceased_hostages_remains_returned": Delay.lognormal(20, 0.8),
            "technocratic_committee_established": Delay.uniform(0, 40),
            "board_of_peace_established": Delay.uniform(0, 40),
            "disarmament_schedule_agreed": Delay.uniform(10, 90),
            "withdrawal_milestones_agreed": Delay.uniform(0, 60),
            "heavy_weapons_decommissioned": Delay.uniform(10, 90),
            "hamas_disarmed": Delay.uniform(20, 120),
            "idf_withdrawal_to_security_perimeter": Delay.uniform(20, 120),
        },
        {"isf_troops_in_gaza": FactAssumption(50, Delay.uniform(0, 90))},
    ),
    "gaza-2025-01": (
        "2025-02-10",
        {
            "phase_two_terms_agreed": ObligationAssumption(Delay.uniform(0, 40), breach=0.2),
            "hostages_released": Delay.uniform(0, 20),
            "prisoners_released": Delay.uniform(0, 25),
            "living_hostages_released_phase_two": Delay.uniform(0, 30),
            "prisoners_released_phase_two": Delay.uniform(0, 30),
            "sustainable_calm": Delay.uniform(0, 30),
            "idf_full_withdrawal": Delay.uniform(0, 40),
            "remaining_bodies_returned": Delay.uniform(0, 30),
            "crossings_reopened": Delay.uniform(0, 30),
        },
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(BUNDLED))
@pytest.mark.parametrize("policy", list(Policy))
def test_bundled_scenarios_move_as_the_ceasefire_would(name, policy):
    as_of, obligations, facts = BUNDLED[name]
    ceasefire = truce.load(name, as_of=as_of)
    declared = {ceasefire.agreement.triggers[0]: Delay.uniform(0, 60)}
    assumptions = Assumptions(obligations, facts, declared, Collapse(0.004), policy)
    simulator = Simulator(Start.of(ceasefire, assumptions, ceasefire.date + dt.timedelta(days=240), 7))
    moved = 0
    for index in range(12):
        fast, moves = reference(ceasefire, simulator, index)
        assert fast == moves
        moved += len(moves)
    assert moved > 12  # the scenarios do move, often


def _small(transitions, obligations=()):
    from truce.agreement import Agreement, Phase, Transition
    from truce.guards import parse_guard

    return Agreement(
        id="small",
        title="Small",
        in_force=dt.date(2025, 1, 1),
        parties=[],
        obligations=list(obligations),
        phases=[Phase("p0"), Phase("p1"), Phase("p2")],
        initial="p0",
        terminal=["p2"],
        transitions=[Transition(t, [a], b, parse_guard(g)) for t, a, b, g in transitions],
    )


def _obligation(name, **fields):
    return truce.Obligation(name, None, f"Obligation {name}", HYPOTHETICAL, **fields)


def test_time_opens_a_guard_on_the_morning_of_its_day_before_that_days_events():
    # t_work is tried first, but on day 5 the elapsed guard holds before o is fulfilled that day
    agreement = _small(
        [("t_work", "p0", "p2", "fulfilled(o)"), ("t_time", "p0", "p1", "elapsed(5, since=in_force)")],
        [_obligation("o")],
    )
    ceasefire = truce.Ceasefire(agreement)
    assumptions = Assumptions(obligations={"o": Delay.fixed(5)})
    simulator = Simulator(Start.of(ceasefire, assumptions, dt.date(2025, 3, 1), 0))
    fast, moves = reference(ceasefire, simulator, 0)
    assert fast == moves == [(dt.date(2025, 1, 6).toordinal(), "p1", False)]


def test_a_deadline_relative_to_a_phase_is_set_on_entering_it():
    agreement = _small(
        [("t_open", "p0", "p1", "true"), ("t_late", "p1", "p2", "status(o) == overdue")],
        [_obligation("o", phase="p1", due=truce.Due(after="p1", days=3))],
    )
    ceasefire = truce.Ceasefire(agreement)
    simulator = Simulator(Start.of(ceasefire, Assumptions(), dt.date(2025, 3, 1), 0))
    fast, moves = reference(ceasefire, simulator, 0)
    # entered p1 on the start date; o is due on the 4th, overdue on the 5th
    assert (
        fast
        == moves
        == [(dt.date(2025, 1, 1).toordinal(), "p1", False), (dt.date(2025, 1, 5).toordinal(), "p2", False)]
    )


def test_triggers_are_tried_in_the_order_of_the_ceasefires_triggers_from_the_phase():
    # t_second is defined first in the agreement (from p1), but from p0 t_first comes first:
    # the ceasefire tries t_first (to p1); ranking triggers globally would fire t_second (to p2)
    agreement = _small(
        [("t_second", "p1", "p2", "false"), ("t_first", "p0", "p1", "true"), ("t_second", "p0", "p2", "true")]
    )
    ceasefire = truce.Ceasefire(agreement)
    assert ceasefire.triggers == ["t_first", "t_second"]
    simulator = Simulator(Start.of(ceasefire, Assumptions(), dt.date(2025, 3, 1), 0))
    fast, moves = reference(ceasefire, simulator, 0)
    assert fast == moves == [(dt.date(2025, 1, 1).toordinal(), "p1", False)]


EVERY_DELAY = st.one_of(
    st.floats(0, 1000).map(Delay.fixed),
    st.tuples(st.floats(0, 100), st.floats(0, 100)).map(lambda p: Delay.uniform(min(p), max(p))),
    st.lists(st.floats(0, 100), min_size=3, max_size=3).map(sorted).map(lambda p: Delay.triangular(*p)),
    st.floats(0, 100).map(lambda low: Delay.triangular(low, low, low)),
    st.tuples(st.floats(0.1, 500), st.floats(0, 2)).map(lambda p: Delay.lognormal(*p)),
    st.lists(st.floats(0, 100), min_size=1, max_size=8).map(Delay.empirical),
    st.floats(0, 1).map(Delay.daily),
    st.sampled_from([Delay.daily(0), Delay.daily(1), Delay.never()]),
)
QUANTILES = st.one_of(st.floats(0, 1, exclude_max=True), st.sampled_from([0.0, 2.0**-60, 0.5, 1 - 2.0**-53]))


@given(EVERY_DELAY, QUANTILES)
def test_a_compiled_delay_draws_the_same_days_as_the_delay_bit_for_bit(delay, u):
    # the scenario's closures unpack a delay's parameters once; Delay.days is the reference.
    # Many random quantiles per delay as well: a reordered product differs in the last bit
    # only for some numbers, and hypothesis favours round ones
    draw = compile_delay(delay)
    spread = random.Random(repr(delay))
    for quantile in [u, *(spread.random() for _ in range(200))]:
        days = delay.days(quantile)
        assert draw(quantile) == days
        assert type(draw(quantile)) is type(days)


def test_the_light_state_gives_back_the_ledgers_state():
    december = truce.load("gaza-2025", as_of="2025-12-29")
    for state in december.obligations:
        assert _Owed.of(state).frozen() == state


def test_guards_that_cycle_for_ever_give_no_answer_to_compare():
    # p0 -> p1 -> p2 -> p0 all hold: the simulator cuts the cycle once (in p2), the reference
    # once a day, so their phases part ways. A later collapse could then name a move the
    # reference's phase lacks (EventError) before the property test's filter was reached;
    # the reference now says so at the cycle, and the property test rejects the example
    from truce.agreement import Agreement, Phase, Transition
    from truce.guards import parse_guard

    agreement = Agreement(
        id="cycle",
        title="Cycle",
        in_force=dt.date(2025, 1, 1),
        parties=[],
        obligations=[],
        phases=[Phase("p0"), Phase("p1"), Phase("p2"), Phase("p3")],
        initial="p0",
        terminal=["p3"],
        transitions=[
            Transition("a", ["p0"], "p1", parse_guard("true")),
            Transition("b", ["p1"], "p2", parse_guard("true")),
            Transition("c", ["p2"], "p0", parse_guard("true")),
            Transition("d", ["p2"], "p3", parse_guard("false")),
        ],
    )
    ceasefire = truce.Ceasefire(agreement)
    simulator = Simulator(Start.of(ceasefire, Assumptions(collapse=Collapse(0.5, "p0")), dt.date(2025, 3, 1), 0))
    with pytest.raises(EndlessCycle):
        reference(ceasefire, simulator, 0)


def test_declared_moves_due_the_day_they_are_drawn_stop_cycling():
    # p0 -> p1 -> p0 by declared moves due at once: each entry drew the next move for the same
    # day, and the scenario never ended. Like guards that all hold, the cycle now stops after
    # as many moves in a day as there are phases, plus one
    from truce.agreement import Agreement, Phase, Transition
    from truce.guards import parse_guard

    agreement = Agreement(
        id="cycle",
        title="Cycle",
        in_force=dt.date(2025, 1, 1),
        parties=[],
        obligations=[],
        phases=[Phase("p0"), Phase("p1")],
        initial="p0",
        terminal=[],
        transitions=[
            Transition("a", ["p0"], "p1", parse_guard("false")),
            Transition("b", ["p1"], "p0", parse_guard("false")),
        ],
    )
    ceasefire = truce.Ceasefire(agreement)
    for policy in Policy:
        assumptions = Assumptions(declared={"a": Delay.fixed(0), "b": Delay.fixed(0)}, policy=policy)
        simulator = Simulator(Start.of(ceasefire, assumptions, dt.date(2025, 2, 1), 0))
        outcome = simulator.run(0, trace=True)
        moves = [step for step in outcome.trace if step[1] == "declared"]
        assert 2 <= len(moves) <= len(agreement.phases) + 1
        assert {when for when, *_ in moves} == {dt.date(2025, 1, 1).toordinal()}
