"""Property tests over every bundled agreement (and the docs' example): nothing illegal, ever.

(a) the phase changes only through a defined transition whose guard held that day, or a
sourced declared event flagged irregular with its unmet conditions; (b) a rejected event
or trigger changes nothing; (c) replaying the same events gives the same state;
(d) YAML -> Agreement -> YAML round-trips.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import truce
from truce.testing import ceasefire_machine, check_step, event_logs

DOCS = Path(__file__).resolve().parent.parent / "docs"

AGREEMENTS = {name: truce.load(name).agreement for name in truce.agreements()}
AGREEMENTS["riverside"] = truce.load_agreement(DOCS / "riverside.yaml")
NAMES = sorted(AGREEMENTS)


def test_there_is_something_to_test():
    assert len(NAMES) >= 1


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_random_logs_never_move_illegally_and_rejections_change_nothing(name, data):
    agreement = AGREEMENTS[name]
    ceasefire = truce.Ceasefire(agreement)
    for event in data.draw(event_logs(agreement)):
        check_step(ceasefire, event)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_replay_is_deterministic(name, data):
    agreement = AGREEMENTS[name]
    ceasefire = truce.Ceasefire(agreement)
    for event in data.draw(event_logs(agreement)):
        with contextlib.suppress(truce.TruceError):
            ceasefire.record(event)
    again = truce.Ceasefire(agreement, ceasefire.events)
    assert again.snapshot() == ceasefire.snapshot()


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_bundled_logs_extended_with_random_events_stay_legal(name, data):
    """Start from the real history, then keep going: the invariants hold after real data too."""
    ceasefire = truce.load(DOCS / "riverside.yaml") if name == "riverside" else truce.load(name)
    agreement = ceasefire.agreement
    start = ceasefire.date
    for event in data.draw(event_logs(agreement, max_size=8)):
        shifted = event if event.date >= start else _on(event, start)
        check_step(ceasefire, shifted)


def _on(event: truce.Event, day):
    import attrs

    return attrs.evolve(event, date=day)


@pytest.mark.parametrize("name", NAMES)
def test_yaml_round_trip(name):
    agreement = AGREEMENTS[name]
    assert truce.load_agreement(f"{name}.yaml", text=truce.dump_agreement(agreement)) == agreement


@pytest.mark.parametrize("name", NAMES)
def test_stateful_machine(name):
    machine = ceasefire_machine(AGREEMENTS[name])
    machine.TestCase.settings = settings(max_examples=15, stateful_step_count=12, deadline=None)
    machine.TestCase().runTest()
