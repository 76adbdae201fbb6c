"""Events: each kind carries what it needs; bad values are refused at construction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import truce
from truce import Event, Source


def test_dates_accept_iso_text_and_date_objects():
    assert Event("2025-10-13", "incident", text="x").date == dt.date(2025, 10, 13)
    assert Event(dt.date(2025, 10, 13), "incident", text="x").date == dt.date(2025, 10, 13)


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        ({"kind": "fulfilled"}, "needs obligation"),
        ({"kind": "progress", "obligation": "o"}, "needs value"),
        ({"kind": "extended", "obligation": "o"}, "needs due"),
        ({"kind": "fact", "fact": "f"}, "needs value"),
        ({"kind": "declared", "trigger": "go"}, "needs source"),
        ({"kind": "declared", "source": Source("s")}, "trigger or to"),
        ({"kind": "claim", "party": "p"}, "obligation or fact"),
        ({"kind": "claim", "party": "p", "obligation": "o"}, "asserts"),
        ({"kind": "claim", "party": "p", "obligation": "o", "asserts": "exploded"}, "asserts"),
        ({"kind": "progress", "obligation": "o", "value": -1}, "cumulative count"),
        ({"kind": "progress", "obligation": "o", "value": "ten"}, "cumulative count"),
        ({"kind": "fulfilled", "obligation": "not an id"}, "not a valid id"),
        ({"kind": "incident", "text": "x", "time": "25:00"}, "HH:MM"),
        ({"kind": "fact", "fact": "f", "value": [1]}, "expected a number"),
        ({"kind": "fulfilled", "obligation": "o", "party": "p"}, "does not take party .an obligation names the party"),
        ({"kind": "breached", "obligation": "o", "trigger": "go", "fact": "f"}, "does not take fact, trigger$"),
        ({"kind": "transition", "trigger": "go", "to": "two"}, "does not take to .a transition names its trigger"),
        ({"kind": "incident", "text": "x", "obligation": "o"}, "does not take obligation"),
        ({"kind": "fact", "fact": "f", "value": 1, "due": "2025-02-01"}, "does not take due"),
        ({"kind": "extended", "obligation": "o", "due": "2025-02-01", "value": 3}, "does not take value"),
        ({"kind": "incident", "text": "x", "source": "Reuters"}, "source: expected a source, got text"),
        ({"kind": "incident", "text": b"x"}, "text: expected text, got bytes"),
        ({"kind": "incident", "text": "x", "reported_by": 7}, "reported_by: expected text, got a number"),
    ],
)
def test_each_kind_needs_its_fields(kwargs, complaint):
    with pytest.raises(ValueError, match=complaint):
        Event("2025-01-01", **kwargs)


def test_each_kind_takes_its_own_fields():
    assert Event("2025-01-01", "claim", party="p", fact="f", value=2).value == 2
    assert Event("2025-01-01", "declared", trigger="go", to="two", source=Source("s")).to == "two"
    assert Event("2025-01-01", "incident", party="p", text="x", reported_by="monitor").party == "p"


def test_unknown_kinds_and_bad_dates_are_refused():
    with pytest.raises(ValueError, match="'exploded' is not one of fulfilled, progress"):
        Event("2025-01-01", "exploded")
    with pytest.raises(truce.EventError):  # a TruceError too (issue 17, O7)
        Event("2025-01-01", "exploded")
    with pytest.raises(ValueError, match="not an ISO date"):
        Event("2025-13-01", "incident", text="x")
    with pytest.raises(ValueError, match="due"):
        Event("2025-01-01", "extended", obligation="o", due="soon")


def test_describe_names_kind_subject_and_value():
    event = Event("2025-10-14", "progress", obligation="remains", value=8, text="8 of 28")
    assert event.describe() == "2025-10-14 progress remains = 8: 8 of 28"
    assert Event("2025-01-01", "incident", text="x", time="04:00 GMT").time == "04:00 GMT"


def test_an_external_record_round_trips_through_a_log(tmp_path):
    from truce.logs import event_to_data

    record = truce.External("acled:XRV1", {"fatalities": 2, "sub_event_type": "Armed clash"})
    event = Event("2025-04-02", "incident", text="Armed clash", external=record)
    assert event.external_id == "acled:XRV1"
    assert event.attributes == (("fatalities", 2), ("sub_event_type", "Armed clash"))
    assert event.attribute("fatalities") == 2
    assert event.attribute("notes") is None
    hash(event)  # still hashable, like every frozen event
    data = event_to_data(event)
    assert data["attributes"] == {"fatalities": 2, "sub_event_type": "Armed clash"}
    assert data["external_id"] == "acled:XRV1"
    assert "external" not in data
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    assert truce.load_events(path) == [event]
    plain = Event("2025-04-02", "incident", text="x")
    assert (plain.external_id, plain.attributes) == (None, ())
    assert "attributes" not in event_to_data(plain)
    assert "external_id" not in event_to_data(plain)
    details_only = Event("2025-04-02", "incident", text="x", external=truce.External(attributes={"a": 1}))
    path.write_text(json.dumps(event_to_data(details_only)) + "\n", encoding="utf-8")
    assert truce.load_events(path) == [details_only]


def test_an_event_costs_no_more_memory_for_its_external_record():
    # the 1M-event memory budget (docs/performance.md): one slot, paid for by dropping __weakref__,
    # so an event stays in the 160-byte allocation class it had before
    import attrs

    assert "external" in Event.__slots__
    assert "__weakref__" not in Event.__slots__
    assert len(Event.__slots__) == len(attrs.fields(Event)) == 16


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"fatalities": float("nan")}, "attributes.fatalities"),
        ({"": 1}, "non-empty text"),
        ({"where": [1, 2]}, "attributes.where"),
        ([("a", 1), ("a", 2)], "given twice"),
        ("text", "expected a mapping"),
    ],
)
def test_bad_attributes_are_refused(attributes, message):
    with pytest.raises(ValueError, match=message):
        truce.External("acled:X", attributes)


def test_an_empty_external_record_is_refused():
    with pytest.raises(ValueError, match="needs an id or attributes"):
        truce.External()


def test_external_must_be_a_record_with_a_text_id():
    with pytest.raises(ValueError, match="external_id"):
        truce.External(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="external: expected External"):
        Event("2025-04-02", "incident", text="x", external="acled:X")  # type: ignore[arg-type]


def test_a_log_with_a_bad_external_record_names_the_event(tmp_path):
    path = tmp_path / "log.jsonl"
    bad = {"date": "2025-04-02", "kind": "incident", "text": "x", "external_id": "acled:X", "attributes": {"a": [1]}}
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(truce.LoadError, match=r"events\[0\].*attributes.a"):
        truce.load_events(path)


_NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
_VALUES = st.one_of(
    st.booleans(), st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False), _NAMES
)


@given(st.dictionaries(_NAMES, _VALUES, max_size=6), st.none() | _NAMES.filter(str.strip))
def test_any_external_record_round_trips_through_json_lines(attributes, external_id):
    from truce.logs import _read_events, event_to_data

    assume(external_id is not None or attributes)
    event = Event("2025-04-02", "incident", text="x", external=truce.External(external_id, attributes))
    line = json.loads(json.dumps(event_to_data(event)))
    assert _read_events([(1, line)], None, "log.jsonl", None, truce.Limits()) == [event]


def test_a_date_object_outside_the_dates_truce_takes_is_refused_like_text():
    for day in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        with pytest.raises(truce.DateError, match="outside the dates truce takes"):  # as for the same date as text
            Event(day, "incident", text="far away")
