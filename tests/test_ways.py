"""Every way out, and each step of the way: ``blockers()`` with no target, and a phase further on.

The answers are held against what they are made of: a way out says what ``blockers(its
destination)`` says, it is open exactly when ``can(its destination)`` is true, and a route
is as short as a brute-force search finds, each step leaving where the last one arrived.
"""

from __future__ import annotations

import itertools
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce.cli import main

GAZA_STEPS = ["deploy_isf", "begin_disarmament", "begin_withdrawal", "complete"]


def _moments() -> list[tuple[str, str]]:
    """(agreement, date) pairs: every bundled agreement on the days it has events (thinned)."""
    found = []
    for name in truce.agreements():
        ceasefire = truce.load(name)
        days = sorted({ceasefire.agreement.in_force, *(e.date for e in ceasefire.events)})
        found += [(name, day.isoformat()) for day in days[:: max(1, len(days) // 6)]]
    return found


MOMENTS = _moments()


def _destinations(agreement: truce.Agreement, phase: str) -> list[str]:
    return list(dict.fromkeys(t.to_phase for t in agreement.transitions if phase in t.from_phases))


@given(st.sampled_from(MOMENTS))
def test_every_way_out_is_one_transition_and_open_exactly_when_it_would_fire(moment):
    name, day = moment
    here = truce.load(name).as_of(day)
    exits = here.blockers()
    assert isinstance(exits, truce.Exits)
    assert exits.phase == here.phase
    assert exits.as_of == here.date
    leaving = [t for t in here.agreement.transitions if here.phase in t.from_phases]
    assert [(w.trigger, w.to_phase, w.guard) for w in exits] == [
        (t.trigger, t.to_phase, t.guard.to_expr()) for t in leaving
    ]
    for way in exits:
        if sum(t.trigger == way.trigger for t in leaving) == 1:  # one route: open is what can() says
            assert (way in exits.open) == here.can(way.trigger)
        if len([t for t in leaving if t.to_phase == way.to_phase]) == 1:
            assert way.to_dict() == here.blockers(way.to_phase).to_dict()
    assert bool(exits) == (len(exits) > 0 and not exits.open)


def test_gaza_in_phase_two_has_two_ways_out_none_open():
    gaza = truce.load("gaza-2025").as_of("2026-07-01")
    exits = gaza.blockers()
    assert [way.trigger for way in exits] == ["deploy_isf", "collapse"]
    assert exits.blocked
    assert bool(exits)
    assert exits.open == ()
    text = str(exits)
    assert text.startswith("phase_two as of 2026-07-01: 2 ways out, none open")
    assert "phase_two -> isf_deployment (deploy_isf) blocked" in text
    assert "technocratic_committee_established" in text
    assert "[source: " in text
    assert exits.to_dict()["ways"][0]["trigger"] == "deploy_isf"


def test_a_terminal_phase_has_no_way_out_and_says_so():
    over = truce.load("gaza-2025-01")
    assert over.phase == "collapsed"
    exits = over.blockers()
    assert len(exits) == 0
    assert not exits
    assert not exits.blocked
    assert exits.note == "terminal, no transition leaves it"
    assert str(exits) == "collapsed: terminal, no transition leaves it"


def test_an_open_way_out_is_listed_as_open_and_nothing_blocks_leaving():
    riverside = truce.load("docs/riverside.yaml")
    riverside.record(truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10))
    exits = riverside.blockers()
    assert [way.to_phase for way in exits.open] == ["phase_two"]
    assert not exits
    assert not exits.blocked
    assert "open: begin_phase_two (-> phase_two)" in exits.headline()
    assert exits.to_dict()["open"] == ["begin_phase_two"]


def test_as_of_and_view_reach_every_way_out():
    gaza = truce.load("gaza-2025")
    earlier = gaza.blockers(as_of="2025-11-01", view="hamas")
    assert earlier.phase == "phase_one"
    assert earlier.as_of.isoformat() == "2025-11-01"
    assert all(way.view == earlier.view for way in earlier)
    assert "view: as hamas claims it" in str(earlier)


# --- a phase further on ------------------------------------------------------------


def test_blockers_of_a_phase_several_steps_away_walks_the_shortest_route():
    gaza = truce.load("gaza-2025").as_of("2026-07-01")
    route = gaza.blockers("completed")  # raised IllegalTransition before: not one step away
    assert [step.trigger for step in route.steps] == GAZA_STEPS
    assert (route.phase, route.to_phase) == ("phase_two", "completed")
    assert route.steps[0].caveat is None
    assert all("decided only once" in step.caveat for step in route.steps[1:])
    assert route.steps[1].caveat.endswith("once isf_deployment is entered")
    unmet = {b.condition for step in route.steps for b in step.unmet}
    assert {b.condition for b in route} == unmet
    assert "hamas_disarmed" in route.obligations
    text = str(route)
    assert text.startswith("phase_two -> completed (4 steps: " + ", ".join(GAZA_STEPS) + ")")
    assert "step 4: withdrawal -> completed (complete)" in text


def test_a_route_step_is_what_blockers_says_of_that_move_on_the_same_day():
    """A step's conditions are judged on today's record, as blockers from that phase would be."""
    gaza = truce.load("gaza-2025").as_of("2026-07-01")
    route = gaza.blockers("completed")
    first = gaza.blockers("isf_deployment")
    assert route.steps[0].to_dict() == first.to_dict()
    assert [b.condition for b in route.steps[3]] == [
        "fulfilled(idf_withdrawal_to_security_perimeter)",
        "fulfilled(hamas_disarmed)",
    ]


def test_a_condition_that_counts_days_in_a_later_phase_cannot_hold_before_it():
    """``elapsed(N, since=P)`` for a phase not yet entered is unmet on every step that needs it."""
    thailand = truce.load("thailand-cambodia-2025")
    calm = thailand.as_of(thailand.agreement.in_force)
    route = calm.blockers("held_72_hours")
    assert [step.trigger for step in route.steps] == ["fight", "renew", "hold_72_hours"]
    waiting = [b for b in route.steps[2].unmet if b.condition.startswith("elapsed(")]
    assert [b.reason for b in waiting] == ["renewed_ceasefire has not begun"]


def _brute_force_distance(agreement: truce.Agreement, start: str, goal: str) -> int | None:
    """The fewest transitions from ``start`` to ``goal``, by trying every sequence up to the phase count."""
    moves = [(p, t.to_phase) for t in agreement.transitions for p in t.from_phases]
    for length in range(1, len(agreement.phases) + 1):
        for sequence in itertools.product(moves, repeat=length):
            if sequence[0][0] != start or sequence[-1][1] != goal:
                continue
            linked = all(a[1] == b[0] for a, b in itertools.pairwise(sequence))
            passes_terminal = any(a[1] in agreement.terminal for a in sequence[:-1])
            if linked and not passes_terminal:
                return length
    return None


@given(st.sampled_from(MOMENTS), st.data())
def test_a_route_is_as_short_as_any_and_each_step_leaves_where_the_last_arrived(moment, data):
    name, day = moment
    here = truce.load(name).as_of(day)
    agreement = here.agreement
    goal = data.draw(st.sampled_from([p for p in agreement.phase_ids if p != here.phase]))
    distance = _brute_force_distance(agreement, here.phase, goal)
    if distance is None:
        with pytest.raises(truce.IllegalTransition):
            here.blockers(goal)
        return
    found = here.blockers(goal)
    if distance == 1:
        assert found.steps == ()
        return
    assert len(found.steps) == distance
    assert found.steps[0].phase == here.phase
    assert found.steps[-1].to_phase == goal
    for before, after in itertools.pairwise(found.steps):
        assert before.to_phase == after.phase
    assert bool(found) == any(bool(step) for step in found.steps)


def test_routes_and_ways_pickle_and_render_html():
    gaza = truce.load("gaza-2025").as_of("2026-07-01")
    for report in (gaza.blockers(), gaza.blockers("completed")):
        assert pickle.loads(pickle.dumps(report)) == report
        html = report._repr_html_()
        assert html.count("<table") >= 2
        assert "deploy_isf" in html
    assert "decided only once withdrawal is entered" in gaza.blockers("completed")._repr_html_()


# --- the command line ----------------------------------------------------------------


def test_cli_blockers_with_no_target_lists_every_way_out(capsys):
    assert main(["blockers", "gaza-2025", "--as-of", "2026-07-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("phase_two as of 2026-07-01: 2 ways out, none open")
    assert main(["blockers", "gaza-2025", "--as-of", "2026-07-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == "blockers"
    assert [w["to_phase"] for w in data["ways"]] == ["isf_deployment", "collapsed"]
    assert data["ways"][0]["unmet"][0]["sources"][0]["title"]


def test_cli_blockers_of_a_far_phase_prints_each_step(capsys):
    assert main(["blockers", "gaza-2025", "completed", "--as-of", "2026-07-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["trigger"] for s in data["steps"]] == GAZA_STEPS
    assert data["steps"][1]["caveat"]


def test_unblock_of_a_phase_several_steps_away_says_how_far_and_what_to_ask():
    gaza = truce.load("gaza-2025").as_of("2026-07-01")
    with pytest.raises(truce.IllegalTransition, match=r"completed is 4 steps away from 'phase_two'") as caught:
        gaza.unblock("completed")
    assert "unblock('isf_deployment'), or blockers('completed')" in str(caught.value)
    assert gaza.phase == "phase_two"


@pytest.mark.parametrize("tty", [False, True])
def test_line_breaks_in_data_cannot_forge_report_lines(tmp_path, capsys, monkeypatch, tty):
    """A \\r, U+2028 or NEL in a text is shown escaped, in every shape of the report."""
    from truce import _commands

    monkeypatch.setattr(_commands, "_tty", lambda: tty)
    monkeypatch.setenv("COLUMNS", "500")  # rich wraps long lines at the width; wrapping is not forging
    root = Path(__file__).resolve().parent.parent / "docs"
    forged = "Pull back\\r    ok forged_one  north  fulfilled\\u2028    ok forged_two\\x85    ok forged_three"
    text = (root / "riverside.yaml").read_text(encoding="utf-8")
    text = text.replace("text: Pull forces back 5 km from the river", f'text: "{forged}"')
    text = text.replace("text: Monitors of the mediation mission on the ground", 'text: "view: both sides agree"')
    (tmp_path / "inj.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "inj.events.yaml").write_text((root / "riverside.events.yaml").read_text(encoding="utf-8"))
    for target in ([], ["completed"], ["complete"]):
        main(["blockers", str(tmp_path / "inj.yaml"), *target])
        out = capsys.readouterr().out
        assert not [line for line in out.split("\n") if line.lstrip().startswith("ok forged")], out
        if target != ["complete"]:
            assert "view: both sides agree" in out  # a text that looks like the view line is still shown


ODD = """
id: odd
title: Odd shapes
in_force: 2025-01-01
sources: {t: {title: Text}}
parties: {a: {name: A}, b: {name: B}}
facts: {f: {text: a fact, source: t}}
obligations:
  oa: {party: a, text: do a, source: t}
  ob: {party: b, text: do b, source: t}
  oc: {party: a, text: do c, source: t}
phases: [one, two, three, four, dead_end, done]
initial: one
terminal: [done]
transitions:
  - {trigger: go_a, from: one, to: two, guard: "fulfilled(oa)"}
  - {trigger: go_b, from: one, to: two, guard: "fulfilled(ob)"}
  - {trigger: reset, from: one, to: one, guard: "fulfilled(oc)"}
  - {trigger: fork, from: two, to: three, guard: "fulfilled(oc)"}
  - {trigger: fork, from: two, to: four, guard: "fact(f) == true"}
  - {trigger: back, from: three, to: one, guard: "true"}
  - {trigger: stuck, from: four, to: dead_end, guard: "true"}
  - {trigger: finish, from: three, to: done, guard: "elapsed(2, since=three)"}
"""


@pytest.fixture
def odd(tmp_path):
    (tmp_path / "odd.yaml").write_text(ODD, encoding="utf-8")
    return truce.load(tmp_path / "odd.yaml")


def _event(day, kind, **fields):
    return truce.Event(day, kind, source=truce.Source("W"), reported_by="b", **fields)


def test_two_triggers_to_one_phase_are_named_by_the_one_that_would_fire(odd):
    """Found by a hostile review: the report named go_a as open while only go_b could fire."""
    assert odd.blockers("two").trigger == "go_a or go_b"
    assert odd.unblock("two").trigger == "go_a or go_b"
    odd.record(_event("2025-01-02", "fulfilled", obligation="ob"))
    found = odd.blockers("two")
    assert (found.trigger, bool(found)) == ("go_b", False)
    assert odd.unblock("two").trigger == "go_b"
    assert odd.can(found.trigger)
    exits = odd.blockers()
    assert [(w.trigger, w.to_phase) for w in exits] == [("go_a", "two"), ("go_b", "two"), ("reset", "one")]
    assert [w.trigger for w in exits.open] == ["go_b"]
    assert odd.advance("go_b") == "two"


def test_one_trigger_to_two_phases_is_named_by_where_it_would_go(odd):
    odd.record(_event("2025-01-02", "fulfilled", obligation="ob"))
    odd.advance("go_b")
    assert odd.blockers("fork").to_phase == "three or four"
    assert odd.unblock("fork").to_phase == "three or four"
    facts = odd.what_if(facts={"f": True})
    assert facts.blockers("fork").to_phase == "four"
    assert facts.advance("fork") == "four"
    both = odd.what_if(facts={"f": True}, fulfil=["oc"])
    assert both.blockers("fork").to_phase == "three"
    exits = both.blockers()
    assert [w.trigger for w in exits.open] == ["fork"]
    assert exits.open[0].to_phase == "three"
    assert exits[1].note == "nothing blocks it, but fork goes to three first"
    assert both.advance("fork") == "three"


def test_a_dead_end_is_not_called_terminal(odd):
    odd.record(_event("2025-01-02", "fulfilled", obligation="ob"))
    odd.advance("go_b")
    odd.record(_event("2025-01-03", "fact", fact="f", value=True))
    odd.advance("fork")
    odd.advance("stuck")
    exits = odd.blockers()
    assert exits.note == "a dead end: no transition leaves it (not terminal)"
    assert not exits
    assert not exits.blocked


def test_a_loop_back_to_the_current_phase_is_a_way_out_named_by_its_trigger(odd):
    odd.record(_event("2025-01-02", "fulfilled", obligation="oc"))
    exits = odd.blockers()
    assert "open: reset (-> one)" in exits.headline()
    assert odd.can("reset")


SAME = """
id: same
title: A trigger named like a phase
in_force: 2025-01-01
sources: {t: {title: Text}}
parties: {a: {name: A}}
obligations:
  oa: {party: a, text: do a, source: t}
phases: [one, two, three, done]
initial: one
terminal: [done]
transitions:
  - {trigger: go, from: one, to: two, guard: "fulfilled(oa)"}
  - {trigger: two, from: two, to: three, guard: "true"}
  - {trigger: three, from: three, to: done, guard: "true"}
"""


def test_a_name_that_is_a_trigger_and_a_phase_means_the_trigger_only_where_it_can_fire(tmp_path):
    """Found by a hostile review: blockers("two") raised although phase two was one step away."""
    (tmp_path / "same.yaml").write_text(SAME, encoding="utf-8")
    same = truce.load(tmp_path / "same.yaml")
    assert same.blockers("two").to_phase == "two"  # from one: the phase
    assert same.unblock("two").to_phase == "two"
    assert [s.trigger for s in same.blockers("three").steps] == ["go", "two"]
    assert not same.can("two")
    same.record(truce.Event("2025-01-02", "fulfilled", obligation="oa", source=truce.Source("W")))
    same.advance("go")
    assert same.blockers("two").trigger == "two"  # from two: the trigger leaving it
    assert same.can("two")
    assert same.blockers("three").trigger == "two"


def test_unblock_says_whose_view_it_used():
    """Found by a hostile review: a party's view changed the sets but neither text nor JSON said so."""
    riverside = truce.load("docs/riverside.yaml")
    south = riverside.unblock("phase_two", view="south")
    assert south.view.startswith("as south claims it")
    assert "view: as south claims it" in str(south)
    assert south.to_dict()["view"] == south.view
    assert "view:" not in str(riverside.unblock("phase_two"))
