"""The batch fold (``extend``, the constructor, loading) against the event-by-event fold and the reference.

A batch whose every event passes the one check is folded in runs between phase moves and
checkpoints (:meth:`truce.ledger.Ledger.apply_all`), with what the run overwrites written
once. These tests hold it to :meth:`~truce.Ceasefire.record` one event at a time and to the
reference fold, on logs long enough to cross several checkpoints (every 128 events), steered
through every bundled agreement's phases and padded with the realistic mix, including runs
of settling reports only (the path that writes each obligation's last report alone).
"""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import truce
from truce import Event
from truce.record import CHECKPOINT_MIN, Names, recordable
from truce.testing import format_events, guided_logs, record_each, reference_snapshot, spoiled_events

from .test_properties import AGREEMENTS, NAMES, _accepted

SETTLING = ("fulfilled", "breached", "waived")


def _padding(agreement: truce.Agreement, day: dt.date, choice: int, n: int, settling_only: bool) -> Event:
    """One event of the realistic mix (or a settling report) about ``agreement`` on ``day``."""
    obligations = [o.id for o in agreement.obligations]
    oid = obligations[choice % len(obligations)]
    kind = choice % 10 if not settling_only else 5
    if kind < 3:
        return Event(day, "incident", text="padding", party=agreement.parties[n % len(agreement.parties)].id)
    if kind < 5 and agreement.parties:
        asserts = ("fulfilled", "breached", "active")[n % 3]
        return Event(day, "claim", party=agreement.parties[n % len(agreement.parties)].id, obligation=oid,
                     asserts=asserts)  # fmt: skip
    if kind == 6:
        measured = [o for o in agreement.obligations if o.measure is not None]
        if measured:
            owed = measured[choice % len(measured)]
            return Event(day, "progress", obligation=owed.id, value=n % (int(owed.measure.target) + 2))  # type: ignore[union-attr]
    if kind == 7 and agreement.facts:
        fact = agreement.facts[n % len(agreement.facts)]
        return Event(day, "fact", fact=fact.id, value=(0, 1, True, False, n % 7)[n % 5])
    if kind == 9 and agreement.facts and agreement.parties:
        fact = agreement.facts[n % len(agreement.facts)]
        return Event(day, "claim", party=agreement.parties[n % len(agreement.parties)].id, fact=fact.id, value=n % 3)
    if kind == 8:
        return Event(day, "extended", obligation=oid, due=day + dt.timedelta(days=30 + n % 40))
    return Event(day, SETTLING[(choice + n) % 3], obligation=oid)


@st.composite
def long_logs(draw: st.DrawFn, agreement: truce.Agreement) -> list[Event]:
    """A guided log with up to 400 events of padding slipped in, in date order."""
    guided = draw(guided_logs(agreement))
    settling_only = draw(st.booleans())
    size = draw(st.integers(0, 400))
    picks = draw(st.lists(st.integers(0, 10**6), min_size=size, max_size=size))
    start = agreement.agreed or agreement.in_force
    days = [e.date for e in guided] or [start]
    padded: list[tuple[dt.date, int, Event]] = [(e.date, 1, e) for e in guided]
    for n, pick in enumerate(picks):
        day = days[pick % len(days)]
        padded.append((day, 0, _padding(agreement, day, pick // 7, n, settling_only)))
    padded.sort(key=lambda item: (item[0], item[1]))  # stable: padding before the guided event of its day
    return [event for _, _, event in padded]


def _observed(ceasefire: truce.Ceasefire) -> tuple[object, ...]:
    """What a user can see beyond the snapshot: horizon, incidents, facts, compliance, each party's view."""
    views = [str(ceasefire.blockers(view=party.id)) for party in ceasefire.agreement.parties]
    return (ceasefire.data_through, tuple(ceasefire.incidents), ceasefire.facts, ceasefire.compliance(), views)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_a_batch_folds_as_record_one_by_one_and_the_reference(name, data):
    agreement = AGREEMENTS[name]
    events = _accepted(agreement, data.draw(long_logs(agreement)))
    note(format_events(events))
    batch, each = truce.Ceasefire(agreement, events), record_each(agreement, events)
    assert batch.snapshot() == each.snapshot() == reference_snapshot(agreement, events)
    assert batch.events == each.events
    assert _observed(batch) == _observed(each)
    # views start from checkpoints the batch took: every day asked, through the log
    days = sorted({e.date for e in events})
    for day in days[:: max(1, len(days) // 6)] + days[-1:]:
        assert batch.as_of(day).snapshot() == each.as_of(day).snapshot() == reference_snapshot(agreement, events, day)
    # in pieces of any size, into a live ceasefire and into a view's own tail
    cut = data.draw(st.integers(0, len(events)))
    pieces = truce.Ceasefire(agreement, events[:cut])
    pieces.extend(events[cut:])
    assert pieces.snapshot() == each.snapshot()
    assert _observed(pieces) == _observed(each)
    assert pickle.loads(pickle.dumps(batch)).snapshot() == each.snapshot()
    assert batch.history() == each.history()


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_a_refused_event_in_a_long_batch_changes_nothing(name, data):
    agreement = AGREEMENTS[name]
    events = _accepted(agreement, data.draw(long_logs(agreement)))
    cut = data.draw(st.integers(0, len(events)))
    ceasefire = truce.Ceasefire(agreement, events[:cut])
    rest = events[cut:]
    where = data.draw(st.integers(0, len(rest)))
    last = rest[where - 1].date if where else ceasefire.date
    day = rest[where].date if where < len(rest) else last
    bad = data.draw(spoiled_events(agreement, max(day, last), ceasefire.events[-1].date if events[:cut] else None))
    batch = [*rest[:where], bad, *rest[where:]]
    before, kept = ceasefire.snapshot(), list(ceasefire.events)
    with pytest.raises(truce.TruceError) as caught:
        ceasefire.extend(batch)
    assert caught.value.index == where  # type: ignore[attr-defined]
    assert ceasefire.snapshot() == before
    assert list(ceasefire.events) == kept
    ceasefire.extend(rest)  # and it still takes the good ones
    assert ceasefire.snapshot() == record_each(agreement, events).snapshot()


@pytest.mark.parametrize("settling_only", [True, False])
def test_a_long_batch_is_cut_at_its_checkpoints_and_each_holds_its_day(settling_only):
    agreement = AGREEMENTS["gaza-2025"]
    start = agreement.agreed or agreement.in_force
    days = [start + dt.timedelta(days=n // 40) for n in range(1000)]
    events = _accepted(agreement, [_padding(agreement, day, n * 7919, n, settling_only) for n, day in enumerate(days)])
    batch, each = truce.Ceasefire(agreement, events), record_each(agreement, events)
    assert len(events) > 6 * CHECKPOINT_MIN
    assert len(batch._live.record._checkpoints) >= 6
    for day in sorted({e.date for e in events}):
        assert batch.as_of(day).snapshot() == each.as_of(day).snapshot()


def test_recordable_agrees_with_the_one_check_on_each_event():
    agreement = AGREEMENTS["riverside"]
    good = [Event("2025-04-06", "fulfilled", obligation="pull_back"), Event("2025-04-07", "incident", text="x")]
    names = Names.of(agreement)
    assert recordable(names, good, None)
    assert recordable(names, [], None)
    assert not recordable(names, list(reversed(good)), None)  # out of order
    assert not recordable(names, good, dt.date(2025, 4, 7))  # before the last recorded
    assert not recordable(names, [*good, Event("2025-04-08", "fulfilled", obligation="pul_back")], None)
    assert not recordable(names, [*good, Event("2025-04-08", "incident", text="x", party="nobody")], None)
    assert not recordable(names, [*good, Event("2025-04-08", "fact", fact="nothing", value=1)], None)
    assert not recordable(names, [*good, Event("2025-04-08", "transition", trigger="nothing")], None)
    assert not recordable(names, [*good, "2025-04-08 fulfilled pull_back"], None)  # type: ignore[list-item]
