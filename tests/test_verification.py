"""verify(): exhaustive static checks find what is wrong, and nothing on sound agreements."""

from __future__ import annotations

import datetime as dt

import pytest

import truce
from truce import Agreement, FactDef, Obligation, Party, Phase, Source, Transition, parse_guard, verify
from truce.testing import synthetic_agreement

SOURCE = Source("Text")


def agreement(*transitions: tuple[str, str | list[str], str, str], phases=("one", "two", "end")) -> Agreement:
    return Agreement(
        id="v",
        title="V",
        in_force=dt.date(2025, 1, 1),
        parties=[Party("a", "A"), Party("idle", "Idle")],
        obligations=[Obligation("x", "a", "x", SOURCE), Obligation("y", "a", "y", SOURCE)],
        facts=[FactDef("f", "f"), FactDef("spare", "spare")],
        phases=[Phase(p) for p in phases],
        initial=phases[0],
        terminal=[phases[-1]],
        transitions=[
            Transition(trigger, [src] if isinstance(src, str) else src, dst, parse_guard(guard))
            for trigger, src, dst, guard in transitions
        ],
    )


def test_a_sound_agreement_has_no_errors_or_warnings():
    report = verify(agreement(("go", "one", "two", "fulfilled(x)"), ("end", "two", "end", "fact(f) > 2")))
    assert report.ok
    assert report.warnings == ()
    assert {"unguarded-obligation", "party-owes-nothing", "unguarded-fact"} <= report.codes()
    assert ("y",) in [f.ids for f in report.findings if f.code == "unguarded-obligation"]


@pytest.mark.parametrize(
    "guard",
    [
        "fulfilled(x) and not fulfilled(x)",
        "fact(f) > 5 and fact(f) < 3",
        "fact(f) == 1 and fact(f) == 2",
        "status(x) == breached and fulfilled(x)",
        "status(x) == overdue and status(x) == fulfilled",
        "false",
        "fact(f) > 5 and not fact(f) > 4",
    ],
)
def test_impossible_guards_are_errors_and_make_what_follows_unreachable(guard):
    report = verify(agreement(("go", "one", "two", guard), ("end", "two", "end", "true")))
    assert not report.ok
    assert {"impossible-guard", "deadlock", "unreachable-phase"} <= report.codes()
    assert ("one",) in [f.ids for f in report.errors if f.code == "deadlock"]


@pytest.mark.parametrize(
    "guard",
    [
        "fulfilled(x) or not fulfilled(x)",
        "fact(f) > 5 and fact(f) < 7",
        "fact(f) == 'ok'",
        "status(x) == disputed and fulfilled(x)",
        "status(x) in (overdue, breached) and not fulfilled(y)",
        "after('2025-02-01') and elapsed(3, since=one)",
    ],
)
def test_possible_guards_are_not_flagged(guard):
    report = verify(agreement(("go", "one", "two", guard), ("end", "two", "end", "true")))
    assert "impossible-guard" not in report.codes()
    assert report.ok


def test_elapsed_since_a_phase_not_yet_entered_can_never_hold():
    report = verify(agreement(("go", "one", "two", "elapsed(3, since=two)"), ("end", "two", "end", "true")))
    assert "impossible-guard" in report.codes()


def test_a_non_terminal_phase_without_exits_is_a_deadlock():
    report = verify(agreement(("go", "one", "two", "true"), ("stop", "one", "end", "true")))
    assert [f.ids for f in report.errors if f.code == "deadlock"] == [("two",)]


def test_same_trigger_with_overlapping_guards_is_nondeterministic():
    report = verify(
        agreement(
            ("go", "one", "two", "fulfilled(x)"), ("go", "one", "end", "fact(f) > 1"), ("end", "two", "end", "true")
        )
    )
    assert report.ok
    assert [f.code for f in report.warnings] == ["nondeterministic"]
    exclusive = verify(
        agreement(
            ("go", "one", "two", "fulfilled(x)"),
            ("go", "one", "end", "not fulfilled(x)"),
            ("end", "two", "end", "true"),
        )
    )
    assert "nondeterministic" not in exclusive.codes()


def test_raw_data_that_cannot_be_built_still_gets_a_report():
    report = verify({"id": "broken", "title": "B", "in_force": "2025-01-01", "initial": "nowhere", "phases": ["one"]})
    assert not report.ok
    assert report.agreement == "broken"
    assert {f.code for f in report.findings} == {"definition"}
    assert "unknown phase 'nowhere'" in str(report)


@pytest.mark.parametrize("name", truce.agreements())
def test_every_bundled_agreement_verifies_without_errors(name):
    report = verify(truce.load(name).agreement)
    assert report.ok, str(report)
    assert report.to_dict()["ok"] is True


def test_a_large_synthetic_agreement_verifies():
    report = verify(synthetic_agreement(12, 40))
    assert report.ok, str(report)
    assert "impossible-guard" not in report.codes()
