"""Property tests over every bundled agreement (and the docs' example): nothing illegal, ever.

Every recording path is held against the reference fold (:mod:`truce.testing.reference`),
on logs steered through the agreement's transitions (:func:`truce.testing.guided_logs`):
(a) the phase changes only through a defined transition whose guard held that day, or a
sourced declared event flagged irregular with its unmet conditions; (b) a rejected event,
batch or trigger changes nothing; (c) ``record``, ``extend``, the constructor's replay,
``as_of`` and ``what_if`` all give the reference's state; (d) YAML round-trips.
Budgets come from the active hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import attrs
import pytest
from hypothesis import given, note, settings, target
from hypothesis import strategies as st

import truce
from truce.testing import (
    ReferenceFold,
    ceasefire_machine,
    check_step,
    event_logs,
    format_events,
    guided_logs,
    reference_snapshot,
    replayed,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"

AGREEMENTS = {name: truce.load(name).agreement for name in truce.agreements()}
AGREEMENTS["riverside"] = truce.load_agreement(DOCS / "riverside.yaml")
NAMES = sorted(AGREEMENTS)


def test_there_is_something_to_test():
    assert len(NAMES) >= 5


def _accepted(agreement: truce.Agreement, log: list[truce.Event]) -> list[truce.Event]:
    """The events of ``log`` the reference takes, in order (what record one by one keeps)."""
    fold = ReferenceFold(agreement)
    kept = []
    for event in log:
        with contextlib.suppress(truce.TruceError):
            fold.record(event)
            kept.append(event)
    return kept


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_record_one_by_one_matches_the_reference_and_never_moves_illegally(name, data):
    agreement = AGREEMENTS[name]
    log = data.draw(guided_logs(agreement))
    note(format_events(log))
    ceasefire, fold = truce.Ceasefire(agreement), ReferenceFold(agreement)
    for event in log:
        check_step(ceasefire, event, fold)
    target(float(len({c.to_phase for c in ceasefire.phase_history()})), label="phases entered")


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_extend_and_replay_match_the_reference(name, data):
    agreement = AGREEMENTS[name]
    log = data.draw(guided_logs(agreement))
    note(format_events(log))
    kept = _accepted(agreement, log)
    assert truce.Ceasefire(agreement, kept).snapshot() == replayed(agreement, kept).snapshot()
    ceasefire = truce.Ceasefire(agreement)
    try:
        ceasefire.extend(log)
    except truce.TruceError:
        assert kept != log, "extend refused a log the reference takes whole"
        assert ceasefire.snapshot() == truce.Ceasefire(agreement).snapshot(), "a refused batch changed the ceasefire"
    else:
        assert kept == log, "extend took a log the reference refuses in part"
        assert ceasefire.snapshot() == replayed(agreement, log).snapshot()


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_as_of_and_what_if_match_the_reference(name, data):
    agreement = AGREEMENTS[name]
    kept = _accepted(agreement, data.draw(guided_logs(agreement)))
    note(format_events(kept))
    ceasefire = truce.Ceasefire(agreement, kept)
    start = agreement.agreed or agreement.in_force
    days = sorted({e.date for e in kept} | {start})
    day = data.draw(st.sampled_from(days))
    view = ceasefire.as_of(day)
    assert view.snapshot() == reference_snapshot(agreement, kept, as_of=day)
    names = [o.id for o in agreement.obligations]
    fulfil = data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
    scenario = ceasefire.what_if(fulfil=fulfil, as_of=day)
    expected = replayed(agreement, [e for e in kept if e.date <= day])
    for event in scenario.events[len(view.events) :]:
        expected.record(event)
    assert scenario.snapshot() == expected.snapshot(scenario.date)
    assert ceasefire.snapshot() == replayed(agreement, kept).snapshot(), "what_if changed the original"


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_bundled_logs_extended_with_random_events_stay_legal(name, data):
    """Start from the real history, then keep going: the invariants hold after real data too."""
    ceasefire = truce.load(DOCS / "riverside.yaml") if name == "riverside" else truce.load(name)
    agreement = ceasefire.agreement
    fold = replayed(agreement, ceasefire.events)
    start = ceasefire.date
    for event in data.draw(guided_logs(agreement, max_steps=6)):
        check_step(ceasefire, event if event.date >= start else attrs.evolve(event, date=start), fold)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_purely_random_logs_stay_legal(name, data):
    agreement = AGREEMENTS[name]
    ceasefire, fold = truce.Ceasefire(agreement), ReferenceFold(agreement)
    for event in data.draw(event_logs(agreement)):
        check_step(ceasefire, event, fold)


@pytest.mark.parametrize("name", NAMES)
def test_yaml_round_trip(name):
    agreement = AGREEMENTS[name]
    assert truce.load_agreement(f"{name}.yaml", text=truce.dump_agreement(agreement)) == agreement


@pytest.mark.parametrize("name", NAMES)
def test_stateful_machine(name):
    machine = ceasefire_machine(AGREEMENTS[name])
    machine.TestCase.settings = settings(settings.default, stateful_step_count=12)
    machine.TestCase().runTest()
