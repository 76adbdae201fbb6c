"""Ceasefire.extend: a batch is recorded exactly as record would, one by one, or not at all."""

from __future__ import annotations

import datetime as dt

import pytest

import truce
from truce import Event
from truce.eventlog import EventLog
from truce.record import CHECKPOINT_MIN as CHECKPOINT_EVERY
from truce.testing import record_each, synthetic_agreement


def _long_log(agreement: truce.Agreement, count: int) -> list[Event]:
    """Mostly settling reports, with progress, claims, deadlines and facts mixed in."""
    start = agreement.agreed or agreement.in_force
    obligations = [o.id for o in agreement.obligations]
    measured = [o.id for o in agreement.obligations if o.measure is not None]
    events = []
    for n in range(count):
        day = start + dt.timedelta(days=n // 50)
        oid = obligations[(n * 7) % len(obligations)]
        if n % 97 == 0 and measured:
            events.append(Event(day, "progress", obligation=measured[n % len(measured)], value=n % 9))
        elif n % 89 == 0:
            events.append(Event(day, "claim", party=agreement.parties[0].id, obligation=oid, asserts="breached"))
        elif n % 83 == 0:
            events.append(Event(day, "extended", obligation=oid, due=day + dt.timedelta(days=30)))
        else:
            events.append(Event(day, ("fulfilled", "breached", "waived")[n % 3], obligation=oid))
    return events


@pytest.fixture(scope="module")
def agreement() -> truce.Agreement:
    return synthetic_agreement(4, 30)


@pytest.mark.parametrize("count", [1, 50, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, 3 * CHECKPOINT_EVERY + 17])
def test_a_long_batch_equals_recording_one_by_one(agreement, count):
    events = _long_log(agreement, count)
    batched = truce.Ceasefire(agreement)
    batched.extend(events)
    one_by_one = record_each(agreement, events)
    assert batched.snapshot() == one_by_one.snapshot()
    assert batched.events == one_by_one.events
    assert [c.events for c in batched._live.record._checkpoints] == [
        c.events for c in one_by_one._live.record._checkpoints
    ]
    for day in sorted({e.date for e in events})[:: max(1, count // 7)]:
        assert batched.as_of(day).snapshot() == one_by_one.as_of(day).snapshot()
    assert batched.history() == one_by_one.history()


def test_batches_can_follow_single_records_and_each_other(agreement):
    events = _long_log(agreement, 2 * CHECKPOINT_EVERY + 5)
    mixed = truce.Ceasefire(agreement)
    mixed.record(events[0])
    mixed.extend(events[1:700])
    for event in events[700:710]:
        mixed.record(event)
    mixed.extend(iter(events[710:]))  # any iterable
    assert mixed.snapshot() == record_each(agreement, events).snapshot()


def test_measures_are_filled_by_any_fulfilment_in_a_run(riverside_agreement):
    day = "2025-04-02"
    batch = [
        Event(day, "fulfilled", obligation="detainees_released"),
        Event(day, "breached", obligation="detainees_released"),
    ]
    batched = truce.Ceasefire(riverside_agreement, batch)
    assert batched.status("detainees_released").progress == 12  # the target, as record would leave it
    assert batched.snapshot() == record_each(riverside_agreement, batch).snapshot()


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (Event("2025-04-07", "fulfilled", obligation="pul_back"), truce.EventError, "unknown obligation 'pul_back'"),
        (Event("2025-04-01", "fulfilled", obligation="pull_back"), truce.EventError, "out of order"),
        (Event("2025-04-07", "fact", fact="monitor", value=1), truce.EventError, "unknown fact 'monitor'"),
        (Event("2025-04-07", "transition", trigger="begin_phase_two"), truce.TransitionBlocked, "blocked"),
        ("2025-04-07 fulfilled pull_back", truce.EventError, "expected an Event, got str"),
    ],
)
def test_a_refused_event_refuses_the_whole_batch(riverside, bad, error, message):
    before, events = riverside.snapshot(), riverside.events
    batch = [
        Event("2025-04-06", "fulfilled", obligation="pull_back"),
        Event("2025-04-07", "breached", obligation="prisoners_released"),
        bad,
        Event("2025-04-08", "waived", obligation="pull_back"),
    ]
    with pytest.raises(error, match=message) as caught:
        riverside.extend(batch)
    assert caught.value.index == 2
    assert any(
        "refused: event 2 of 4" in note and "none of them was recorded" in note for note in caught.value.__notes__
    )
    assert riverside.snapshot() == before
    assert riverside.events == events
    riverside.extend(batch[:2] + batch[3:])  # and the ceasefire still works
    assert riverside.status("pull_back").base == "waived"


def test_loading_names_the_refused_event(tmp_path, riverside_path):
    log = tmp_path / "riverside.events.yaml"
    log.write_text(
        "- {date: 2025-04-02, kind: fulfilled, obligation: pull_back}\n"
        "- {date: 2025-04-03, kind: transition, trigger: begin_phase_two}\n"
    )
    with pytest.raises(
        truce.LoadError, match=r"riverside.events.yaml:2: events\[1\].trigger: begin_phase_two is blocked"
    ):
        truce.load(riverside_path, events=log)


def test_with_a_log_a_batch_is_written_whole_or_not_at_all(tmp_path, riverside_agreement):
    path = tmp_path / "log.jsonl"
    live = truce.Ceasefire(riverside_agreement).log_to(path)
    good = [Event("2025-04-02", "fulfilled", obligation="pull_back"), Event("2025-04-03", "incident", text="x")]
    live.extend(good)
    with pytest.raises(truce.EventError):
        live.extend(
            [Event("2025-04-04", "breached", obligation="pull_back"), Event("2025-04-01", "incident", text="y")]
        )
    assert EventLog(path, riverside_agreement).read() == good
    assert live.events == tuple(good)


def test_extend_moves_an_as_of_view_forward_like_record(riverside):
    early = riverside.as_of("2025-04-03")
    early.extend([Event("2025-04-10", "incident", text="later")])
    assert early.date == dt.date(2025, 4, 10)


def test_a_log_attached_later_still_gets_every_settling_report(tmp_path, riverside_agreement):
    live = truce.Ceasefire(riverside_agreement)
    for day in ("2025-04-02", "2025-04-03"):  # the second report on pull_back takes record's shortcut
        live.record(Event(day, "breached", obligation="pull_back"))
    path = tmp_path / "log.jsonl"
    live.log_to(path)
    later = [
        Event("2025-04-04", "fulfilled", obligation="pull_back"),
        Event("2025-04-05", "waived", obligation="pull_back"),
    ]
    for event in later:
        live.record(event)
    assert EventLog(path, riverside_agreement).read() == later


def test_record_moves_an_as_of_view_forward(riverside_agreement):
    live = truce.Ceasefire(riverside_agreement)
    for day in ("2025-04-02", "2025-04-03"):
        live.record(Event(day, "breached", obligation="pull_back"))
    view = live.as_of("2025-04-20")
    view.record(Event("2025-04-21", "fulfilled", obligation="pull_back"))
    view.record(Event("2025-04-22", "breached", obligation="pull_back"))
    assert view.date == dt.date(2025, 4, 22)
    assert view.status("pull_back").since == dt.date(2025, 4, 22)
    assert view.snapshot() == record_each(riverside_agreement, view.events).snapshot()


def test_as_of_views_share_the_list_of_events_until_one_of_them_records(agreement):
    events = _long_log(agreement, 2 * CHECKPOINT_EVERY + 300)
    original = truce.Ceasefire(agreement, events)
    middle = events[CHECKPOINT_EVERY + 100].date
    view = original.as_of(middle)
    prefix = tuple(e for e in events if e.date <= middle)
    assert view.events == prefix
    assert view.snapshot() == record_each(agreement, prefix).as_of(middle).snapshot()
    assert view.as_of(events[40].date).snapshot() == original.as_of(events[40].date).snapshot()  # a view of a view

    later = Event(events[-1].date, "fulfilled", obligation=events[-1].obligation)
    original.record(later)  # the original grows; the view does not see it
    assert view.events == prefix
    with pytest.raises(truce.EventError):  # a refused batch in the original leaves the view alone too
        original.extend([later, Event(events[-1].date, "fulfilled", obligation="no_such_obligation")])
    assert view.events == prefix

    mine = Event(middle, "waived", obligation=events[0].obligation)
    view.record(mine)  # the view records: it takes a list of its own
    assert view.events == (*prefix, mine)
    assert original.events == (*events, later)
    assert view.snapshot() == record_each(agreement, (*prefix, mine)).as_of(middle).snapshot()


class _Noted(Event):
    """A user's own event type: record takes it, so extend must too."""

    __slots__ = ()


def test_event_subclasses_are_recorded_like_events(riverside_agreement):
    events = [
        _Noted("2025-04-02", "incident", text="shots fired"),
        Event("2025-04-03", "breached", obligation="pull_back"),
    ]
    one_by_one = record_each(riverside_agreement, events)
    assert truce.Ceasefire(riverside_agreement, events).snapshot() == one_by_one.snapshot()
    assert len(one_by_one.history()) == len(truce.Ceasefire(riverside_agreement, events).history())


def test_the_refusal_is_the_first_record_would_meet(riverside_agreement):
    batch = [
        Event("2025-04-02", "transition", trigger="begin_phase_two"),  # blocked: its guard does not hold
        Event("2025-04-05", "incident", text="a"),
        Event("2025-04-03", "incident", text="out of order"),
    ]
    with pytest.raises(truce.TransitionBlocked) as caught:
        truce.Ceasefire(riverside_agreement).extend(batch)
    assert caught.value.index == 0
    later = [Event("2025-04-02", "incident", text="a"), *batch[1:]]
    live = truce.Ceasefire(riverside_agreement)
    with pytest.raises(truce.EventError, match="out of order") as caught:
        live.extend(later)
    assert caught.value.index == 2
    assert live.events == ()  # the two good events before it went too: all or none


def test_with_a_log_a_batch_that_cannot_be_written_leaves_nothing(tmp_path, riverside_agreement, monkeypatch):
    import truce.logs

    real = truce.logs.event_to_data

    def fails_on_the_second(event):
        if event.text == "second":
            raise OSError("disk trouble")
        return real(event)

    monkeypatch.setattr(truce.logs, "event_to_data", fails_on_the_second)
    path = tmp_path / "log.jsonl"
    live = truce.Ceasefire(riverside_agreement).log_to(path)
    with pytest.raises(OSError, match="disk trouble"):
        live.extend([Event("2025-04-02", "incident", text="first"), Event("2025-04-03", "incident", text="second")])
    assert live.events == ()
    assert not path.exists() or path.read_bytes() == b""


def test_can_answers_for_the_record_as_it_is_each_time_it_is_asked(riverside):
    """can() keeps the day it last read; what it reads is the record now, same day or not."""
    day = riverside.date
    asked = []
    for event in [
        truce.Event(day, "fulfilled", obligation="detainees_released"),
        truce.Event(day, "fulfilled", obligation="prisoners_released"),
        truce.Event(day, "fact", fact="monitors_deployed", value=12),
    ]:
        asked.append(riverside.can("begin_phase_two"))
        riverside.record(event)
    asked.append(riverside.can("begin_phase_two"))
    assert asked == [False, False, False, True]
    assert riverside.can("begin_phase_two") == (not riverside.blockers("begin_phase_two").blocked)
    assert not riverside.as_of(day - dt.timedelta(days=1)).can("begin_phase_two")  # a view, its own day
