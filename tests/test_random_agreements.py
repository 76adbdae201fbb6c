"""truce.testing on random agreements: any valid agreement stays legal, replays, verifies, round-trips."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

import truce
from truce.testing import agreements, check_step, event_logs


@given(agreements())
def test_random_agreements_round_trip_through_yaml(agreement):
    assert truce.load_agreement("generated.yaml", text=truce.dump_agreement(agreement)) == agreement


@given(agreements())
def test_verify_answers_for_any_agreement(agreement):
    report = truce.verify(agreement)
    assert report.agreement == "generated"
    for finding in report.findings:
        assert finding.code
        assert finding.message


@given(st.data())
def test_random_agreements_never_move_illegally(data):
    agreement = data.draw(agreements())
    ceasefire = truce.Ceasefire(agreement)
    for event in data.draw(event_logs(agreement, max_size=15)):
        check_step(ceasefire, event)
    again = truce.Ceasefire(agreement, ceasefire.events, as_of=ceasefire.date)
    assert again.snapshot() == ceasefire.snapshot()
    if ceasefire.events:
        day = data.draw(st.sampled_from([e.date for e in ceasefire.events]))
        fresh = truce.Ceasefire(agreement, [e for e in ceasefire.events if e.date <= day], as_of=day)
        assert ceasefire.as_of(day).snapshot() == fresh.snapshot()


@given(st.data())
def test_advance_matches_can_on_random_agreements(data):
    agreement = data.draw(agreements())
    ceasefire = truce.Ceasefire(agreement)
    for event in data.draw(event_logs(agreement, max_size=8)):
        with contextlib.suppress(truce.TruceError):
            ceasefire.record(event)
    for trigger in ceasefire.triggers:
        before = ceasefire.snapshot()
        possible = ceasefire.can(trigger)
        try:
            ceasefire.advance(trigger)
        except truce.TransitionBlocked:
            assert not possible
            assert ceasefire.snapshot() == before
        else:
            assert possible
            break
