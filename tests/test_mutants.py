"""Tests written to kill mutants that survived ``make mutation`` (see docs/testing.md).

Each test pins a behaviour a mutant changed without any other test of the fast selection
noticing: a boundary, a refusal that must stay a truce error, a view that must see only
its own events.
"""

from __future__ import annotations

import datetime as dt

import pytest

import truce
from tests.test_guards import Context
from truce.guards import MAX_GUARD_DEPTH, evaluate, parse_guard
from truce.testing import reference_snapshot

NEWS = truce.Source("Example Wire", date="2025-04-09")


def test_a_guard_nested_exactly_to_the_limit_parses():
    """The limit is the deepest nesting allowed, not the first one refused (``>`` not ``>=``)."""
    inner = "fulfilled(a)"  # nests one level
    at_limit = "(" * (MAX_GUARD_DEPTH - 1) + inner + ")" * (MAX_GUARD_DEPTH - 1)
    assert truce.parse_guard(at_limit) == truce.parse_guard(inner)
    with pytest.raises(truce.DefinitionError, match="nests deeper"):
        truce.parse_guard("(" + at_limit + ")")
    assert truce.parse_guard("fulfilled(a)", max_depth=1) == truce.parse_guard(inner)


@pytest.mark.parametrize("text", ["elapsed(42)", "elapsed(days=42)", "elapsed()", "elapsed(since=one)"])
def test_elapsed_without_its_since_or_days_is_a_definition_error(text):
    """A missing argument is refused with the usage, never an IndexError from the parser."""
    with pytest.raises(truce.DefinitionError, match=r"elapsed\(\) takes days and since="):
        truce.parse_guard(text)


def test_views_of_views_see_only_their_own_events(riverside):
    """``as_of`` on a view, before and after the view records events of its own.

    A view shares its parent's event list up to its cut; asked about a later day it must
    not count the parent's later events, and once it has a tail of its own, a view of it
    past the shared prefix must be built from both.
    """
    agreement, events = riverside.agreement, list(riverside.events)
    days = sorted({e.date for e in events})
    assert len(days) > 2
    for cut in days[:-1]:
        kept = [e for e in events if e.date <= cut]
        later = [e for e in events if e.date > cut]
        view = riverside.as_of(cut)
        for day in days:
            assert view.as_of(day).snapshot() == reference_snapshot(agreement, kept, day), (cut, day)
        view.extend(later)
        for day in days:
            assert view.as_of(day).snapshot() == reference_snapshot(agreement, events, day), (cut, day)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("elapsed(59, since=in_force)", "59 days since in_force passed on 2025-03-01"),
        ("elapsed(60, since=in_force)", "60 days since in_force end on 2025-03-02"),
    ],
)
def test_elapsed_says_when_its_days_end(text, reason):
    """The reason is what ``blockers`` and ``explain`` show a user; it must name the day."""
    context = Context(as_of=dt.date(2025, 3, 1), states={}, facts={}, anchors={"in_force": dt.date(2025, 1, 1)})
    assert evaluate(parse_guard(text), context).reason == reason


def test_a_declared_move_naming_trigger_and_phase_takes_that_transition(riverside):
    """A declared event may name both; the route must match both, not the other triggers."""
    riverside.record(truce.Event("2025-04-09", "declared", trigger="begin_phase_two", to="phase_two", source=NEWS))
    assert riverside.phase == "phase_two"
    assert riverside.phase_history()[-1].trigger == "begin_phase_two"
    with pytest.raises(truce.TruceError):
        riverside.record(truce.Event("2025-04-10", "declared", trigger="collapse", to="completed", source=NEWS))
    assert riverside.phase == "phase_two"


def test_an_unknown_phase_is_reported_on_the_to_field(riverside):
    with pytest.raises(truce.EventError) as caught:
        riverside.record(truce.Event("2025-04-09", "declared", to="nowhere", source=NEWS))
    assert [p.field for p in caught.value.problems] == ["event 2025-04-09 declared.to"]
