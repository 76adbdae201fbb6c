"""DataFrames carry pandas dtypes, an agreement column, and no Python class names."""

from __future__ import annotations

import datetime as dt

import pytest

import truce

pandas = pytest.importorskip("pandas", reason="pandas is in the dev extra; CI installs it")
numpy = pytest.importorskip("numpy")


@pytest.fixture
def december() -> truce.Ceasefire:
    return truce.load("gaza-2025").as_of("2025-12-29")


def test_every_frame_starts_with_its_agreement(december, riverside):
    for what in ("events", "obligations", "compliance", "deadlines", "history"):
        frame = december.to_frame(what)
        assert frame.columns[0] == "agreement"
        assert set(frame["agreement"]) == {"gaza-2025"}
    both = pandas.concat([december.to_frame("obligations"), riverside.to_frame("obligations")], ignore_index=True)
    assert set(both["agreement"]) == {"gaza-2025", "riverside"}
    assert both.groupby("agreement", observed=True).size().to_dict() == {
        "gaza-2025": len(december.agreement.obligations),
        "riverside": len(riverside.agreement.obligations),
    }


def test_day_counts_are_nullable_integers(december):
    obligations = december.to_frame("obligations")
    assert str(obligations["days_overdue"].dtype) == "Int64"
    overdue = obligations.set_index("obligation")["days_overdue"]
    assert overdue["deceased_hostages_remains_returned"] == 77
    assert overdue.isna().any()  # not overdue: <NA>, not NaN or None
    deadlines = december.to_frame("deadlines")
    for column in ("days_left", "days_overdue", "extensions"):
        assert str(deadlines[column].dtype) == "Int64"


def test_statuses_are_an_ordered_categorical(december):
    status = december.to_frame("obligations")["status"]
    assert isinstance(status.dtype, pandas.CategoricalDtype)
    assert status.cat.ordered
    assert list(status.cat.categories) == [str(s) for s in truce.ObligationStatus]
    assert (status >= "overdue").any()  # comparisons follow the lifecycle, not the alphabet


def test_history_names_what_changed_without_python_class_names(december):
    history = december.to_frame("history")
    assert set(history["change"].astype(str)) == {"phase", "status", "progress", "fact", "incident"}
    assert not history["change"].astype(str).str.contains("Change").any()
    phase = history[history["change"] == "phase"]
    assert pandas.isna(phase.iloc[0]["before"])
    assert phase.iloc[0]["after"] == "phase_one"
    assert history["irregular"].dtype == bool


def test_frame_dates_go_straight_back_in(december):
    events = december.to_frame("events")
    last = events["date"].iloc[-1]
    assert isinstance(last, pandas.Timestamp)
    assert december.as_of(last).date == last.date()
    assert december.as_of(events["date"].to_numpy()[-1]).date == last.date()


def test_numpy_and_pandas_dates_are_dates():
    gaza = truce.load("gaza-2025")
    expected = gaza.as_of(dt.date(2025, 12, 29))
    for day in (
        numpy.datetime64("2025-12-29"),
        numpy.datetime64("2025-12-29T23:59:59.5"),
        pandas.Timestamp("2025-12-29"),
    ):
        assert gaza.as_of(day).phase == expected.phase
        assert gaza.as_of(day).date == dt.date(2025, 12, 29)
    for missing in (numpy.datetime64("NaT", "D"), pandas.NaT):
        with pytest.raises(truce.DateError, match="expected a date"):
            gaza.as_of(missing)
