"""An analyst's REPL moves: dated states, short reprs, HTML views, a full history, one shape for collections."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

import truce
from truce import Event

NEWS = truce.Source("Wire report", "Example Wire")


# --- item 12: a state answers for its own as-of date; short reprs; HTML views ----------------


def test_a_state_answers_for_its_own_as_of_date(fresh):
    early = fresh.as_of("2025-04-03").status("detainees_released")
    assert (early.as_of, early.status, early.days_overdue) == (dt.date(2025, 4, 3), "active", None)
    later = fresh.as_of("2025-04-10").status("detainees_released")
    assert (later.status, later.days_overdue, later.late_by, later.progress) == ("overdue", 6, None, None)


def test_a_dated_state_knows_a_late_fulfilment_and_its_progress(fresh):
    fresh.record(Event("2025-04-02", "progress", obligation="detainees_released", value=5, source=NEWS))
    assert fresh.status("detainees_released").progress == 5
    fresh.record(Event("2025-04-09", "fulfilled", obligation="detainees_released", source=NEWS))
    state = fresh.status("detainees_released")
    assert (state.status, state.days_overdue, state.late_by, state.progress) == ("fulfilled", None, 5, 12)


def test_every_state_from_obligations_is_dated(fresh):
    later = fresh.as_of("2025-04-10")
    assert {s.as_of for s in later.obligations} == {dt.date(2025, 4, 10)}
    assert [s.status for s in later.obligations] == ["overdue", "active", "pending"]


def test_overdue_stops_counting_when_the_clocks_stop(fresh):
    fresh.record(Event("2025-04-06", "fact", fact="hostilities_resumed", value=True, source=NEWS))
    fresh.advance("collapse")
    state = fresh.as_of("2025-06-01").status("detainees_released")
    assert (state.status, state.days_overdue) == ("overdue", 2)


def test_the_date_taking_methods_remain(fresh):
    state = fresh.as_of("2025-04-10").status("detainees_released")
    assert state.status_on(dt.date(2025, 4, 3)) == "active"
    assert state.days_overdue_on(dt.date(2025, 4, 8)) == 4


def test_a_dated_state_pickles_with_its_date(fresh):
    state = fresh.as_of("2025-04-10").status("detainees_released")
    again = pickle.loads(pickle.dumps(state))
    assert (again.as_of, again.status, again.days_overdue) == (state.as_of, "overdue", 6)


def test_reprs_are_one_short_line(riverside):
    riverside.record(Event("2025-04-07", "incident", party="north", text="Shelling\nnear the bridge " * 5))
    riverside.record(Event("2025-04-08", "fact", fact="monitors_deployed", value=10, source=NEWS))
    shown = [
        riverside.status("detainees_released"),
        *riverside.obligations,
        *riverside.as_of("2025-04-03").deadlines(),
        *riverside.history(),
        *riverside.events,
        *riverside.facts.values(),
        *riverside.incidents,
    ]
    for item in shown:
        text = repr(item)
        assert "\n" not in text, text
        assert len(text) <= 120, text
        assert text.startswith(f"<{type(item).__name__} "), text
    assert repr(riverside.status("detainees_released")) == (
        "<ObligationState detainees_released [south] as of 2025-04-08: fulfilled 2025-04-05, 1 day late>"
    )
    assert repr(riverside.events[0]) == "<Event 2025-04-02 progress detainees_released = 5>"
    assert repr(riverside.facts["monitors_deployed"]) == "<FactValue monitors_deployed = 10 (2025-04-08)>"


def test_print_shows_the_full_detail(riverside):
    state = riverside.status("detainees_released")
    text = str(state)
    assert text == state.describe()
    assert "Release all 12 detainees" in text
    assert "due 2025-04-04" in text
    assert "1 day late" in text
    assert "[source: Detainee swap completed, Example Wire, 2025-04-05]" in text
    event = str(riverside.events[0])
    assert "reported by mediator" in event
    assert "[source: Five detainees freed, Example Wire, 2025-04-02]" in event
    change = riverside.history()[-1]
    assert str(change).startswith(change.describe())
    assert "[source:" in str(change)


def test_every_report_object_has_an_html_view(riverside):
    reports = [
        riverside,
        riverside.blockers("phase_two"),
        riverside.unblock("phase_two"),
        riverside.compliance(),
        riverside.status("detainees_released"),
        riverside.as_of("2025-04-03").deadlines()[0],
        truce.verify(riverside.agreement),
    ]
    for report in reports:
        page = report._repr_html_()
        assert page.lstrip().startswith("<"), type(report).__name__


def test_a_state_without_a_date_says_how_to_ask(riverside):
    bare = riverside._live.record.ledger.obligation_state("detainees_released")
    with pytest.raises(truce.ArgumentError, match="status_on"):
        _ = bare.status
    assert bare.status_on(dt.date(2025, 4, 8)) == "fulfilled"


# --- item 13: history has fact changes and incidents, a kinds= filter, and every progress jump ---


def test_history_includes_fact_changes_and_incidents(fresh):
    fresh.record(Event("2025-04-02", "fact", fact="monitors_deployed", value=4, source=NEWS))
    fresh.record(Event("2025-04-03", "incident", party="north", text="Shelling near the bridge", source=NEWS))
    fresh.record(Event("2025-04-04", "fact", fact="monitors_deployed", value=10, source=NEWS))
    assert [c.describe() for c in fresh.history()] == [
        "2025-04-01 in force in phase_one",
        "2025-04-02 monitors_deployed fact: 4",
        "2025-04-03 incident [north]: Shelling near the bridge",
        "2025-04-04 monitors_deployed fact: 4 -> 10",
    ]
    assert [c.kind for c in fresh.history()] == ["phase", "fact", "incident", "fact"]
    assert fresh.history()[-1].event.source == NEWS


def test_history_filters_by_kind(riverside):
    riverside.record(Event("2025-04-07", "incident", party="north", text="Shelling", source=NEWS))
    riverside.record(Event("2025-04-08", "fact", fact="monitors_deployed", value=10, source=NEWS))
    assert [c.kind for c in riverside.history(kinds=["fact", "incident"])] == ["incident", "fact"]
    assert [c.kind for c in riverside.history(kinds="phase")] == ["phase"]
    assert len(riverside.history()) == len(riverside.history(kinds=("phase", "obligation", "fact", "incident")))
    with pytest.raises(truce.ArgumentError, match=r"claims.*phase, obligation, fact, incident"):
        riverside.history(kinds=["claims"])


def test_a_progress_jump_to_the_target_shows_as_a_progress_line(fresh):
    fresh.record(Event("2025-04-02", "progress", obligation="detainees_released", value=12, source=NEWS))
    assert [c.describe() for c in fresh.history(kinds="obligation")] == [
        "2025-04-02 detainees_released progress: 12",
        "2025-04-02 detainees_released status: active -> fulfilled",
    ]


def test_a_progress_report_that_changes_the_status_shows_its_count(fresh):
    fresh.record(Event("2025-04-02", "progress", obligation="detainees_released", value=5, source=NEWS))
    fresh.record(Event("2025-04-03", "progress", obligation="detainees_released", value=12, source=NEWS))
    assert [c.describe() for c in fresh.history(kinds="obligation")] == [
        "2025-04-02 detainees_released progress: 5",
        "2025-04-02 detainees_released status: active -> partial",
        "2025-04-03 detainees_released progress: 5 -> 12",
        "2025-04-03 detainees_released status: partial -> fulfilled",
    ]


def test_history_of_a_view_ends_on_its_date(riverside):
    riverside.record(Event("2025-04-08", "fact", fact="monitors_deployed", value=10, source=NEWS))
    assert [c.kind for c in riverside.as_of("2025-04-06").history()].count("fact") == 0


# --- item 14: one shape for collections; Blockers.blocked ------------------------------------


def test_a_ceasefires_collections_are_all_properties(riverside):
    assert riverside.triggers == ["begin_phase_two", "collapse"]
    assert [s.obligation.id for s in riverside.obligations] == ["detainees_released", "prisoners_released", "pull_back"]
    assert riverside.phases == ["phase_one", "phase_two", "completed", "collapsed"]
    assert len(riverside.events) == 4
    assert riverside.facts == {}
    assert list(riverside.incidents) == []


def test_the_old_method_calls_still_answer_with_a_deprecation_warning(riverside):
    with pytest.warns(DeprecationWarning, match=r"triggers\(\) is deprecated"):
        assert riverside.triggers() == ["begin_phase_two", "collapse"]
    with pytest.warns(DeprecationWarning, match=r"obligations\(\) is deprecated"):
        assert [s.status for s in riverside.obligations()] == ["fulfilled", "fulfilled", "pending"]


def test_an_agreements_collections_are_attributes_too(riverside):
    agreement = riverside.agreement
    assert agreement.triggers == ["begin_phase_two", "complete", "collapse"]
    assert [p.id for p in agreement.phases] == riverside.phases
    assert [o.id for o in agreement.obligations] == [s.obligation.id for s in riverside.obligations]
    assert [f.id for f in agreement.facts] == ["hostilities_resumed", "monitors_deployed"]


def test_blockers_say_whether_they_block(riverside):
    blocked = riverside.blockers("phase_two")
    assert blocked.blocked is True
    assert blocked.to_dict()["blocked"] is True
    riverside.record(Event("2025-04-08", "fact", fact="monitors_deployed", value=10, source=NEWS))
    opened = riverside.blockers("phase_two")
    assert opened.blocked is False
    assert opened.to_dict()["blocked"] is False


def test_the_collections_pickle_as_plain_lists(riverside):
    again = pickle.loads(pickle.dumps(riverside.triggers))
    assert type(again) is list
    assert again == ["begin_phase_two", "collapse"]
    states = pickle.loads(pickle.dumps(riverside.obligations))
    assert [s.status for s in states] == ["fulfilled", "fulfilled", "pending"]
