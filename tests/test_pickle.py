"""Everything a process pool or a cluster ships pickles: ceasefires, definitions, events and every report."""

from __future__ import annotations

import pickle

import truce


def _again(value: object) -> object:
    return pickle.loads(pickle.dumps(value))


def test_a_ceasefire_pickles_and_goes_on_recording():
    gaza = truce.load("gaza-2025").as_of("2025-12-29")
    copy = _again(gaza)
    assert isinstance(copy, truce.Ceasefire)
    assert copy.snapshot() == gaza.snapshot()
    assert copy.events == gaza.events
    assert copy.blockers("phase_two").to_dict() == gaza.blockers("phase_two").to_dict()
    copy.record(truce.Event("2025-12-30", "incident", text="after unpickling"))  # the engine is back
    assert len(copy.events) == len(gaza.events) + 1
    assert copy.events[-1].text == "after unpickling"


def test_definitions_events_and_reports_pickle_equal():
    gaza = truce.load("gaza-2025").as_of("2025-12-29")
    things = [
        gaza.agreement,
        gaza.events[0],
        gaza.snapshot(),
        gaza.status("deceased_hostages_remains_returned"),
        gaza.blockers("phase_two"),
        gaza.unblock("phase_two"),
        gaza.compliance(),
        gaza.deadlines(),
        gaza.history(),
        truce.verify(gaza.agreement),
    ]
    for thing in things:
        assert _again(thing) == thing, type(thing).__name__


def test_a_view_and_a_what_if_pickle_without_their_original():
    gaza = truce.load("gaza-2025")
    view = gaza.what_if(fulfil=["deceased_hostages_remains_returned"], as_of="2025-12-29")
    copy = _again(view)
    assert copy.snapshot() == view.snapshot()
    assert copy.can("phase_two") == view.can("phase_two")


def test_events_of_every_kind_pickle_equal():
    events = [e for name in truce.agreements() for e in truce.load(name).events]
    events.append(truce.Event("2025-01-01", "waived", obligation="x", reported_by="mediator"))  # no bundled waiver
    assert {str(e.kind) for e in events} == {str(k) for k in truce.EventKind}
    assert _again(events) == events
    assert [hash(e) for e in _again(events)] == [hash(e) for e in events]
