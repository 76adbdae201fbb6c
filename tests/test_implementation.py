"""PAM-scale implementation scores: the documented mapping, periods, frames and the plot."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

import truce
from truce.frames import to_frame
from truce.implementation import pam_score, period_ends, scores

SOURCE = truce.Source("made-up test source")


def at(ceasefire: truce.Ceasefire, day: str, obligation: str) -> int | None:
    then = ceasefire.as_of(day)
    return pam_score(then.status(obligation), then.date)


def test_measured_progress_scores_minimal_then_full(riverside):
    assert at(riverside, "2025-04-01", "detainees_released") == 0  # owed, nothing yet
    assert at(riverside, "2025-04-02", "detainees_released") == 1  # 5 of 12: begun
    assert at(riverside, "2025-04-05", "detainees_released") == 3  # fulfilled
    assert at(riverside, "2025-04-05", "pull_back") == 0  # pending: not initiated


def test_half_a_measure_is_intermediate(riverside):
    ceasefire = riverside.as_of("2025-04-01")
    ceasefire.record(truce.Event("2025-04-02", "progress", obligation="detainees_released", value=6, source=SOURCE))
    assert pam_score(ceasefire.status("detainees_released"), ceasefire.date) == 2


def test_a_breach_is_a_flag_not_a_score_and_a_waiver_is_not_scored(riverside):
    ceasefire = riverside.as_of("2025-04-01")
    ceasefire.record(truce.Event("2025-04-02", "progress", obligation="detainees_released", value=5, source=SOURCE))
    ceasefire.record(truce.Event("2025-04-03", "breached", obligation="detainees_released", source=SOURCE))
    ceasefire.record(truce.Event("2025-04-03", "waived", obligation="prisoners_released", source=SOURCE))
    rows = {row["obligation"]: row for row in scores(ceasefire, "ME")}
    assert rows["detainees_released"]["score"] == 1  # what was measured stays measured
    assert rows["detainees_released"]["breached"] is True
    assert rows["prisoners_released"]["score"] is None
    assert rows["prisoners_released"]["status"] == "waived"


def test_periods_end_on_year_or_month_ends_then_the_as_of_date():
    ends = list(period_ends(dt.date(2024, 11, 26), dt.date(2026, 1, 8), "YE"))
    assert ends == [dt.date(2024, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 1, 8)]
    assert list(period_ends(dt.date(2025, 1, 31), dt.date(2025, 3, 31), "ME")) == [
        dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="freq must be one of YE, ME"):
        list(period_ends(dt.date(2025, 1, 1), dt.date(2025, 2, 1), "W"))


def test_the_implementation_frame_has_a_row_per_obligation_and_period():
    pandas = pytest.importorskip("pandas")
    gaza = truce.load("gaza-2025")
    yearly = gaza.to_frame("implementation")  # freq="YE", PAM's own period
    monthly = to_frame(gaza, "implementation", freq="ME")
    obligations = len(gaza.agreement.obligations)
    assert len(yearly) == obligations * yearly["period_end"].nunique()
    assert monthly["period_end"].nunique() > yearly["period_end"].nunique()
    assert set(monthly["score"].dropna()) <= {0, 1, 2, 3}
    assert str(yearly["period_end"].dtype).startswith("datetime64")
    last = monthly[monthly["period_end"] == monthly["period_end"].max()].set_index("obligation")
    for state in gaza.obligations:
        expected, shown = pam_score(state, gaza.date), last.loc[state.obligation.id, "score"]
        assert pandas.isna(shown) if expected is None else shown == expected
    cessation = yearly[yearly["kind"] == "cessation"]
    assert set(cessation["pam_provision"]) == {"Cease Fire"}


def test_the_implementation_plot_is_a_figure_without_pyplot_state(riverside, tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from truce.timeline import implementation_plot

    pyplot = sys.modules.get("matplotlib.pyplot")
    before = pyplot.get_fignums() if pyplot else []
    figure = implementation_plot(riverside, path=tmp_path / "impl.png")
    assert isinstance(figure, Figure)
    assert (tmp_path / "impl.png").stat().st_size > 0
    after = sys.modules.get("matplotlib.pyplot")
    assert (after.get_fignums() if after else []) == before


def test_the_plot_without_matplotlib_says_how_to_get_it(riverside, monkeypatch):
    from truce.timeline import implementation_plot

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(truce.MissingDependency, match=r"truce-ceasefire\[plot\]"):
        implementation_plot(riverside)
