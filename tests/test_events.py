"""Events: each kind carries what it needs; bad values are refused at construction."""

from __future__ import annotations

import datetime as dt

import pytest

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
        ({"kind": "incident", "text": "x", "source": "Reuters"}, "source: expected Source, got str"),
        ({"kind": "incident", "text": b"x"}, "text: expected str, got bytes"),
        ({"kind": "incident", "text": "x", "reported_by": 7}, "reported_by: expected str, got int"),
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
    with pytest.raises(ValueError, match="not a valid EventKind"):
        Event("2025-01-01", "exploded")
    with pytest.raises(ValueError, match="not an ISO date"):
        Event("2025-13-01", "incident", text="x")
    with pytest.raises(ValueError, match="due"):
        Event("2025-01-01", "extended", obligation="o", due="soon")


def test_describe_names_kind_subject_and_value():
    event = Event("2025-10-14", "progress", obligation="remains", value=8, text="8 of 28")
    assert event.describe() == "2025-10-14 progress remains = 8: 8 of 28"
    assert Event("2025-01-01", "incident", text="x", time="04:00 GMT").time == "04:00 GMT"
