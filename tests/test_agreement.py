"""Agreement validation: an invalid agreement cannot be constructed, and all problems are named."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import truce
from truce import Agreement, Obligation, Party, Phase, Source, Transition
from truce.guards import parse_guard

SOURCE = Source("Text", "Publisher")


def make(**changes) -> Agreement:
    base = dict(
        id="x",
        title="X",
        in_force=dt.date(2025, 1, 1),
        parties=[Party("a", "A"), Party("b", "B")],
        obligations=[Obligation("o1", "a", "do it", SOURCE), Obligation("o2", "b", "do that", SOURCE, phase="two")],
        phases=[Phase("one"), Phase("two"), Phase("end")],
        initial="one",
        terminal=["end"],
        transitions=[
            Transition("go", ["one"], "two", parse_guard("fulfilled(o1)")),
            Transition("finish", ["two"], "end", parse_guard("fulfilled(o2)")),
        ],
    )
    base.update(changes)
    return Agreement(**base)


def test_a_valid_agreement_builds_and_answers_lookups():
    agreement = make()
    assert agreement.obligation("o1").party == "a"
    assert agreement.triggers == ["go", "finish"]
    assert [t.trigger for t in agreement.transitions_from("one")] == ["go"]
    with pytest.raises(truce.UnknownName, match="unknown obligation 'o3'; known: o1, o2"):
        agreement.obligation("o3")


def test_duplicate_ids_are_named():
    with pytest.raises(truce.DefinitionError, match="duplicate obligation id 'o1'"):
        make(obligations=[Obligation("o1", "a", "x", SOURCE), Obligation("o1", "a", "y", SOURCE)])


def test_every_problem_is_reported_at_once():
    with pytest.raises(truce.DefinitionError) as caught:
        make(
            obligations=[Obligation("o1", "zz", "x", SOURCE, phase="nowhere")],
            transitions=[Transition("go", ["one"], "limbo", parse_guard("fulfilled(o9) and fact(f) > 1"))],
            initial="start",
        )
    messages = [p.message for p in caught.value.problems]
    assert "unknown party 'zz'" in messages
    assert "unknown phase 'nowhere'" in messages
    assert "unknown phase 'limbo'" in messages
    assert "guard names unknown obligation 'o9'" in messages
    assert "guard names unknown fact 'f'" in messages
    assert "unknown phase 'start'" in messages
    assert str(caught.value).startswith(f"{len(messages)} problems")


def test_unreachable_phases_are_errors():
    with pytest.raises(truce.DefinitionError, match="phase 'island' cannot be reached from 'one'"):
        make(phases=[Phase("one"), Phase("two"), Phase("end"), Phase("island")])


def test_terminal_phases_have_no_exits():
    with pytest.raises(truce.DefinitionError, match="leaves terminal phase 'end'"):
        make(transitions=[*make().transitions, Transition("reopen", ["end"], "one")])


def test_dates_must_be_in_order():
    with pytest.raises(truce.DefinitionError, match="agreed 2025-02-01 is after in_force"):
        make(agreed=dt.date(2025, 2, 1))
    with pytest.raises(truce.DefinitionError, match="ended 2024-12-01 is before in_force"):
        make(ended=dt.date(2024, 12, 1))


def test_relative_deadlines_need_a_known_anchor():
    with pytest.raises(truce.DefinitionError, match="unknown anchor 'phase_nine'"):
        make(
            obligations=[
                Obligation("o1", "a", "x", SOURCE, due=truce.Due(after="phase_nine", days=3)),
                make().obligations[1],
            ]
        )


def test_ids_must_be_identifiers():
    with pytest.raises(ValueError, match="not a valid id"):
        Obligation("not valid", "a", "x", SOURCE)
    with pytest.raises(ValueError, match="not a valid id"):
        Phase("import")


def test_agreements_are_frozen():
    agreement = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        agreement.initial = "two"  # type: ignore[misc]
    assert attrs.evolve(agreement, title="Y").title == "Y"


def test_due_needs_exactly_one_anchor():
    with pytest.raises(ValueError, match="exactly one"):
        truce.Due()
    with pytest.raises(ValueError, match="exactly one"):
        truce.Due(date=dt.date(2025, 1, 1), after="in_force")
    assert truce.Due(after="in_force", hours=72).resolve(dt.date(2025, 10, 10)) == dt.date(2025, 10, 13)
    assert truce.Due(after="phase_two", days=30).describe() == "30 days after entering phase_two"
    assert truce.Due(after="in_force").describe() == "on entry into force"


def test_python_constructors_take_iso_dates_too():
    agreement = make(in_force="2025-01-01", agreed="2024-12-30")
    assert agreement.in_force == dt.date(2025, 1, 1)
    assert agreement.agreed == dt.date(2024, 12, 30)
    assert Source("t", date="2025-01-02").date == dt.date(2025, 1, 2)
    assert truce.Due(date="2025-01-03").date == dt.date(2025, 1, 3)
    with pytest.raises(ValueError, match="not an ISO date"):
        make(in_force="January")
