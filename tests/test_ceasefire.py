"""The live ceasefire: guarded moves, refusals that change nothing, declared moves, time."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pickle
import sys

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce import Event, Source
from truce.status import EventSlice, clock_stop
from truce.testing import event_logs

NEWS = Source("Monitors arrive", "Example Wire", dt.date(2025, 4, 8))


def monitors(ceasefire: truce.Ceasefire, count: int, on: str = "2025-04-08") -> None:
    ceasefire.record(Event(on, "fact", fact="monitors_deployed", value=count, source=NEWS))


def test_loaded_ceasefire_stands_at_the_end_of_its_data(riverside):
    assert riverside.phase == "phase_one"
    assert riverside.date == dt.date(2025, 4, 6)
    assert riverside.data_through == dt.date(2025, 4, 6)
    assert not riverside.beyond_data
    assert riverside.phases == ["phase_one", "phase_two", "completed", "collapsed"]
    assert riverside.triggers == ["begin_phase_two", "collapse"]
    assert len(riverside.events) == 4


def test_blocked_trigger_raises_and_leaves_everything_unchanged(riverside):
    before = riverside.snapshot()
    events = riverside.events
    with pytest.raises(truce.TransitionBlocked) as caught:
        riverside.advance("begin_phase_two")
    assert caught.value.trigger == "begin_phase_two"
    assert caught.value.phase == "phase_one"
    assert caught.value.blockers.obligations == []
    assert [b.fact for b in caught.value.blockers] == ["monitors_deployed"]
    assert "monitors_deployed" in str(caught.value)
    assert riverside.snapshot() == before
    assert riverside.events == events


def test_illegal_trigger_raises_and_leaves_everything_unchanged(riverside):
    before = riverside.snapshot()
    with pytest.raises(truce.IllegalTransition, match="complete cannot fire from 'phase_one'"):
        riverside.advance("complete")
    assert riverside.snapshot() == before


def test_unknown_trigger_is_named(riverside):
    with pytest.raises(truce.UnknownName, match="unknown trigger 'begin_phase_3'"):
        riverside.advance("begin_phase_3")


def test_advance_fires_when_the_guard_holds_and_is_replayable(riverside):
    monitors(riverside, 12)
    assert riverside.can("phase_two")
    assert riverside.advance("begin_phase_two") == "phase_two"
    change = riverside.phase_history()[-1]
    assert (change.from_phase, change.to_phase, change.irregular) == ("phase_one", "phase_two", False)
    assert riverside.events[-1].kind == "transition"
    assert riverside.as_of("2025-04-07").phase == "phase_one"
    assert riverside.as_of("2025-04-08").phase == "phase_two"
    # entering phase two starts its obligations and their relative deadlines
    pull_back = riverside.status("pull_back")
    assert pull_back.base == "active"
    assert pull_back.due == dt.date(2025, 5, 8)


def test_advance_records_the_event_the_constructor_makes(riverside):
    # advance builds its event without the constructor's second check: it must be the same event
    monitors(riverside, 12)
    riverside.advance("begin_phase_two")
    made = riverside.events[-1]
    expected = Event(dt.date(2025, 4, 8), "transition", trigger="begin_phase_two")
    assert made == expected
    assert attrs.astuple(made, recurse=False) == attrs.astuple(expected, recurse=False)
    assert made.date is expected.date  # one date object per day, as the constructor keeps them
    assert made.trigger is sys.intern("begin_phase_two")
    assert pickle.loads(pickle.dumps(made)) == made
    assert riverside.phase_history()[-1].event is made


def test_advance_with_a_citation_or_a_day_records_them(riverside):
    monitors(riverside, 12)
    riverside.advance("begin_phase_two", on=dt.datetime(2025, 4, 9, 6, 30), source=NEWS, text="monitors in place")
    expected = Event("2025-04-09", "transition", trigger="begin_phase_two", source=NEWS, text="monitors in place")
    assert riverside.events[-1] == expected
    assert riverside.events[-1].date is expected.date
    with pytest.raises(truce.EventError, match="expected text"):
        riverside.advance("collapse", reported_by=3)  # type: ignore[arg-type]  # refused before the guard is asked
    assert len(riverside.events) == 6
    riverside.record(Event("2025-05-01", "fulfilled", obligation="pull_back", source=NEWS))
    riverside.advance("complete", on=dt.datetime(2025, 6, 1, 12))  # no citation: made without the constructor
    assert riverside.events[-1] == Event("2025-06-01", "transition", trigger="complete")
    assert riverside.events[-1].date is Event("2025-06-01", "fulfilled", obligation="pull_back").date


def test_advance_before_the_last_event_is_refused_and_nothing_changes(riverside):
    earlier = truce.Ceasefire(riverside.agreement, riverside.events, as_of="2025-04-03")
    before, events = earlier.snapshot(), list(earlier.events)
    with pytest.raises(truce.EventError, match="out of order: earlier than the last event"):
        earlier.advance("collapse")
    with pytest.raises(truce.EventError, match="out of order"):
        riverside.advance("collapse", on="2025-04-05")
    assert earlier.snapshot() == before
    assert list(earlier.events) == events


def test_advance_takes_a_trigger_given_as_a_str_subclass(riverside):
    class Name(str):
        pass

    monitors(riverside, 12)
    assert riverside.advance(Name("begin_phase_two")) == "phase_two"
    assert riverside.events[-1] == Event("2025-04-08", "transition", trigger=Name("begin_phase_two"))


def test_guard_is_evaluated_on_the_day_of_the_move(riverside):
    monitors(riverside, 3)
    assert not riverside.can("begin_phase_two")
    blockers = riverside.blockers("begin_phase_two")
    assert blockers.to_phase == "phase_two"
    assert [b.condition for b in blockers] == ["fact(monitors_deployed) >= 10"]
    assert blockers[0].reason == "monitors_deployed = 3 as of 2025-04-08"


def test_declared_move_is_irregular_and_keeps_the_unmet_conditions(riverside):
    riverside.record(Event("2025-04-09", "declared", trigger="begin_phase_two", source=NEWS, reported_by="mediator"))
    assert riverside.phase == "phase_two"
    change = riverside.phase_history()[-1]
    assert change.irregular
    assert [v.guard.to_expr() for v in change.unmet] == ["fact(monitors_deployed) >= 10"]
    assert "IRREGULAR" in change.describe()
    assert "IRREGULAR" in riverside.summary()


def test_declared_move_where_the_guard_holds_is_regular(riverside):
    monitors(riverside, 10)
    riverside.record(Event("2025-04-09", "declared", to="phase_two", source=NEWS))
    assert not riverside.phase_history()[-1].irregular


def test_declared_move_needs_a_defined_transition(riverside):
    before = riverside.snapshot()
    with pytest.raises(truce.EventError, match="no such transition from 'phase_one'"):
        riverside.record(Event("2025-04-09", "declared", to="completed", source=NEWS))
    assert riverside.snapshot() == before


def test_events_out_of_order_or_unknown_are_refused_and_nothing_changes(riverside):
    before = riverside.snapshot()
    with pytest.raises(truce.EventError, match="out of order"):
        riverside.record(Event("2025-04-01", "incident", text="late report"))
    with pytest.raises(truce.EventError) as caught:
        riverside.record(Event("2025-04-07", "claim", obligation="pul_back", party="nobody", asserts="fulfilled"))
    assert {p.message for p in caught.value.problems} == {"unknown obligation 'pul_back'", "unknown party 'nobody'"}
    with pytest.raises(truce.EventError, match="before the agreement"):
        truce.Ceasefire(riverside.agreement).record(Event("2025-01-01", "incident", text="x"))
    with pytest.raises(truce.EventError, match="no measure"):
        riverside.record(Event("2025-04-07", "progress", obligation="pull_back", value=1))
    assert riverside.snapshot() == before


def test_as_of_replays_history_and_leaves_the_original_alone(riverside):
    early = riverside.as_of("2025-04-03")
    assert early.status("detainees_released").status_on(early.date) == "partial"
    assert early.status("detainees_released").progress == 5
    assert early.date == dt.date(2025, 4, 3)
    assert not early.beyond_data  # the log runs to 2025-04-06: a historical date, not beyond the data
    assert len(riverside.events) == 4
    assert riverside.as_of(dt.date(2025, 4, 6)).snapshot() == riverside.snapshot()


def test_as_of_refuses_dates_before_the_agreement(riverside):
    with pytest.raises(truce.DateError, match="before riverside existed"):
        riverside.as_of("2024-01-01")
    with pytest.raises(truce.DateError, match="not an ISO date"):
        riverside.as_of("yesterday")


def test_overdue_is_derived_from_the_date_asked(fresh):
    state = fresh.status("detainees_released")
    assert state.due == dt.date(2025, 4, 4)
    assert fresh.as_of("2025-04-04").status("detainees_released").status_on(dt.date(2025, 4, 4)) == "active"
    later = fresh.as_of("2025-04-10")
    assert later.status("detainees_released").status_on(later.date) == "overdue"
    assert later.status("detainees_released").days_overdue_on(later.date) == 6


def test_extension_moves_the_deadline_and_keeps_the_original(fresh):
    fresh.record(Event("2025-04-03", "extended", obligation="detainees_released", due="2025-04-20", source=NEWS))
    state = fresh.status("detainees_released")
    assert (state.original_due, state.due) == (dt.date(2025, 4, 4), dt.date(2025, 4, 20))
    assert len(state.extensions) == 1


def test_conflicting_claims_make_an_obligation_disputed(fresh):
    fresh.record(Event("2025-04-05", "claim", party="south", obligation="prisoners_released", asserts="breached"))
    assert not fresh.status("prisoners_released").disputed  # one claim alone is not a dispute
    fresh.record(Event("2025-04-05", "claim", party="north", obligation="prisoners_released", asserts="fulfilled"))
    assert fresh.status("prisoners_released").disputed
    assert fresh.status("prisoners_released").base == "active"  # claims do not settle anything


def test_blockers_report_reads_well_and_serialises(riverside):
    blockers = riverside.blockers("phase_two")
    assert blockers  # something blocks
    assert len(blockers) == 1
    text = str(blockers)
    assert text.splitlines()[0] == (
        "phase_one -> phase_two (begin_phase_two) blocked as of 2025-04-06: 1 of 3 conditions unmet"
    )
    assert "ok detainees_released  south  fulfilled 2025-04-05" in text
    assert repr(blockers) == text
    data = json.loads(json.dumps(blockers.to_dict()))
    assert data["blocked"] is True
    assert data["unmet"][0]["fact"] == "monitors_deployed"
    assert data["met"][0]["sources"][0]["locator"] == "2"


def test_blockers_of_an_overdue_obligation_name_party_deadline_and_progress(fresh):
    fresh.record(Event("2025-04-02", "progress", obligation="detainees_released", value=5, source=NEWS))
    blocker = next(b for b in fresh.as_of("2025-04-10").blockers("phase_two") if b.obligation == "detainees_released")
    assert (blocker.party, blocker.party_name) == ("south", "Southern militia")
    assert (blocker.status, blocker.due, blocker.days_overdue) == ("overdue", dt.date(2025, 4, 4), 6)
    assert (blocker.progress, blocker.target, blocker.unit) == (5, 12, "detainees")
    assert blocker.since == dt.date(2025, 4, 1)
    assert {s.title for s in blocker.sources} == {"Riverside truce text", "Monitors arrive"}
    assert "overdue, 5 of 12 detainees, owed since 2025-04-01  due 2025-04-04, overdue 6 days" in blocker.line()


def test_nothing_blocks_is_falsy(riverside):
    monitors(riverside, 10)
    blockers = riverside.blockers("phase_two")
    assert not blockers
    assert list(blockers) == []
    assert "open as of 2025-04-08: all 3 conditions met" in str(blockers)


def test_blockers_of_the_current_phase_and_of_unreachable_targets(riverside):
    riverside.record(Event("2025-04-09", "declared", trigger="begin_phase_two", source=NEWS))
    here = riverside.blockers("phase_two")
    assert not here
    assert here.note == "already in phase_two (since 2025-04-09)"
    assert not riverside.can("phase_two")
    with pytest.raises(truce.IllegalTransition, match="no transition leads from 'phase_two' to 'phase_one'"):
        riverside.blockers("phase_one")
    with pytest.raises(truce.UnknownName):
        riverside.blockers("phase_nine")


def test_blockers_as_of_a_past_date(riverside):
    blockers = riverside.blockers("phase_two", as_of="2025-04-03")
    assert blockers.as_of == dt.date(2025, 4, 3)
    assert "detainees_released" in blockers.obligations


def test_machine_attributes_never_land_on_the_ceasefire(riverside):
    assert not hasattr(riverside, "begin_phase_two")
    assert not hasattr(riverside, "is_phase_one")
    assert not hasattr(riverside, "trigger")


_RIVERSIDE = truce.load_agreement("docs/riverside.yaml")


@given(log=event_logs(_RIVERSIDE, max_size=25), back=st.integers(-3, 60))
def test_questions_read_the_phase_record_in_place_as_its_copy_would(log, back):
    """status, stopped clocks and "already in" read the record's last moves without copying it."""
    whole = truce.Ceasefire(_RIVERSIDE)
    for event in log:
        with contextlib.suppress(truce.TruceError):
            whole.record(event)
    day = max(whole.date - dt.timedelta(days=back), _RIVERSIDE.agreed)
    for ceasefire in (truce.Ceasefire(_RIVERSIDE, whole.events, as_of=day), whole.as_of(day)):
        live = ceasefire._live
        moves = live.record.ledger.moves()
        # the plain reading: the whole record from entry into force, before it the moves made by then
        expected = moves if moves[0].date <= day else tuple(m for m in moves if m.date <= day)
        assert tuple(live.phase_record(day)) == ceasefire.phase_history() == expected
        assert ceasefire.stopped == clock_stop(_RIVERSIDE, expected, day)
        entered = next((m.date for m in reversed(expected) if m.to_phase == ceasefire.phase), None)
        here = ceasefire.phase
        already = f"already in {here} (since {entered})"
        assert ceasefire.blockers(here).note == (
            already if entered else f"not yet in force (it enters {here} on 2025-04-01)"
        )


@given(items=st.lists(st.integers(), max_size=12), data=st.data())
def test_a_shared_slice_reads_backwards_as_its_copy_would(items, data):
    """Claims and moves are read from the end in place: the slice of a longer list, or all of one, and a tail."""
    length = data.draw(st.integers(0, len(items)))
    tail = data.draw(st.lists(st.integers(), max_size=3))
    shared = EventSlice(items, length, tuple(tail))
    expected = [*items[:length], *tail]
    assert list(reversed(shared)) == expected[::-1]
    items.append(99)  # the list grows after the slice is taken: the slice still reads its own prefix
    assert list(reversed(shared)) == expected[::-1]
