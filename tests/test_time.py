"""Time: as_of from checkpoints equals a fresh replay; history; deadlines."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import truce
import truce.ceasefire
import truce.record
from truce.testing import event_logs

RIVERSIDE = truce.load_agreement(Path(__file__).resolve().parent.parent / "docs" / "riverside.yaml")


@given(log=event_logs(RIVERSIDE, max_size=30), data=st.data())
def test_as_of_from_a_checkpoint_equals_a_fresh_replay(log, data):
    with mock.patch.object(truce.record, "CHECKPOINT_MIN", 3):
        ceasefire = truce.Ceasefire(RIVERSIDE)
        for event in log:
            with contextlib.suppress(truce.TruceError):
                ceasefire.record(event)
        start = RIVERSIDE.agreed or RIVERSIDE.in_force
        end = (ceasefire.data_through or start) + dt.timedelta(days=5)
        day = data.draw(st.dates(start, end))
        fresh = truce.Ceasefire(RIVERSIDE, [e for e in ceasefire.events if e.date <= day], as_of=day)
        assert ceasefire.as_of(day).snapshot() == fresh.snapshot()
        assert ceasefire.as_of(day).history() == fresh.history()


def test_checkpoints_are_taken_and_used(riverside):
    with mock.patch.object(truce.record, "CHECKPOINT_MIN", 2):
        ceasefire = truce.Ceasefire(riverside.agreement, riverside.events)
        assert [c.events for c in ceasefire._live.record._checkpoints] == [2, 4]
        later = ceasefire.as_of("2025-04-06")
        assert later._live.record._checkpoints == ceasefire._live.record._checkpoints
        assert later.snapshot() == ceasefire.snapshot()


def test_history_has_phase_and_obligation_changes_with_sources(riverside):
    lines = [c.describe() for c in riverside.history()]
    assert lines == [
        "2025-04-01 in force in phase_one",
        "2025-04-02 detainees_released progress: 5",
        "2025-04-02 detainees_released status: active -> partial",
        "2025-04-05 detainees_released status: partial -> fulfilled",
        "2025-04-06 prisoners_released status: active -> fulfilled",
    ]
    assert riverside.history()[2].event.source.title == "Five detainees freed"


def test_history_records_progress_deadline_moves_and_phase_entry(fresh):
    source = truce.Source("Wire")
    fresh.record(truce.Event("2025-04-02", "progress", obligation="detainees_released", value=3, source=source))
    fresh.record(truce.Event("2025-04-03", "progress", obligation="detainees_released", value=7, source=source))
    fresh.record(truce.Event("2025-04-03", "extended", obligation="detainees_released", due="2025-04-09"))
    fresh.record(truce.Event("2025-04-04", "declared", trigger="begin_phase_two", source=source))
    described = [c.describe() for c in fresh.history()]
    assert "2025-04-03 detainees_released progress: 3 -> 7" in described
    assert "2025-04-03 detainees_released deadline: 2025-04-04 -> 2025-04-09" in described
    assert "2025-04-04 pull_back status: pending -> active" in described
    assert [c.to_phase for c in fresh.phase_history()] == ["phase_one", "phase_two"]


def test_deadlines_list_upcoming_and_overdue_with_days(fresh):
    early = fresh.deadlines(as_of="2025-04-02")
    assert [(d.obligation, d.days_left, d.overdue) for d in early] == [("detainees_released", 2, False)]
    late = fresh.deadlines(as_of="2025-04-10")
    assert [(d.obligation, d.days_overdue, d.status) for d in late] == [("detainees_released", 6, "overdue")]
    assert late[0].describe() == "2025-04-04 detainees_released [south]: overdue 6 days"


def test_deadlines_show_extensions_and_drop_settled_obligations(fresh):
    fresh.record(truce.Event("2025-04-03", "extended", obligation="detainees_released", due="2025-04-20"))
    (moved,) = fresh.deadlines()
    assert (moved.original, moved.due, moved.extensions) == (dt.date(2025, 4, 4), dt.date(2025, 4, 20), 1)
    assert "(originally 2025-04-04)" in moved.describe()
    fresh.record(truce.Event("2025-04-05", "fulfilled", obligation="detainees_released"))
    assert fresh.deadlines() == []


def test_relative_deadlines_appear_once_their_phase_begins(fresh):
    fresh.record(truce.Event("2025-04-02", "declared", trigger="begin_phase_two", source=truce.Source("s")))
    assert [d.obligation for d in fresh.deadlines()] == ["detainees_released", "pull_back"]
    assert fresh.status("pull_back").due == dt.date(2025, 5, 2)
