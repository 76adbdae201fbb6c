"""Scenario ensembles: statistical properties with fixed seeds, executors, results and views."""

from __future__ import annotations

import datetime as dt
import html
from concurrent.futures import Future, ProcessPoolExecutor

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import truce
from truce import Assumptions, Collapse, Delay, FactAssumption, ObligationAssumption
from truce.scenario import Parcel, Simulator, Start, run_chunk

REMAINS = "deceased_hostages_remains_returned"
START = dt.date(2025, 12, 29)


DECEMBER = truce.load("gaza-2025", as_of=START)


@pytest.fixture(scope="module")
def december():
    return DECEMBER


def rich(**changes):
    """Assumptions on every open obligation of gaza-2025 on 2025-12-29, with collapse."""
    obligations = {
        REMAINS: Delay.lognormal(25, 0.8),
        "technocratic_committee_established": Delay.uniform(5, 40),
        "board_of_peace_established": Delay.uniform(5, 40),
        "disarmament_schedule_agreed": ObligationAssumption(Delay.triangular(30, 90, 365), breach=0.2),
        "withdrawal_milestones_agreed": Delay.uniform(10, 100),
        "heavy_weapons_decommissioned": Delay.lognormal(90, 0.7),
        "hamas_disarmed": Delay.lognormal(200, 0.7),
        "idf_withdrawal_to_security_perimeter": Delay.lognormal(200, 0.7),
    } | changes
    return Assumptions(
        obligations=obligations,
        facts={"isf_troops_in_gaza": FactAssumption(100, Delay.uniform(30, 150))},
        collapse=Collapse(0.001),
    )


# --- statistical properties ------------------------------------------------------------


def test_a_fixed_delay_gives_a_point_mass_at_the_expected_date(december):
    assumptions = Assumptions(
        obligations={
            REMAINS: Delay.fixed(10),
            "technocratic_committee_established": Delay.fixed(5),
            "board_of_peace_established": Delay.fixed(7),
        },
        facts={"isf_troops_in_gaza": FactAssumption(100, Delay.fixed(20))},
    )
    result = truce.ensemble(december, assumptions, 50, seed=3)
    phase_two = result.outlook("phase_two")
    assert phase_two.entries == ((dt.date(2026, 1, 8), 50),)
    assert phase_two.quantile(0.01) == phase_two.quantile(1) == dt.date(2026, 1, 8)
    # the committee and board are owed from phase two (2026-01-08): done by 01-13 and 01-15;
    # the troops arrive 20 days after the start, 2026-01-18, and are the last condition met
    assert result.outlook("isf_deployment").entries == ((dt.date(2026, 1, 18), 50),)
    assert result.bottleneck_ranking("isf_deployment") == [("isf_troops_in_gaza", 1.0)]
    assert result.bottleneck_ranking("begin_phase_two") == [(REMAINS, 1.0)]
    assert result.probability("phase_two", by="2026-01-07") == 0
    assert result.probability("phase_two", by="2026-01-08") == 1
    assert result.outlook("disarmament").entered == 0  # nothing assumed about the schedule: it stays open
    assert result.outlook("disarmament").quantile(0.5) is None


def test_an_obligation_without_an_assumption_stays_as_it_is(december):
    result = truce.ensemble(december, Assumptions(), 20, seed=1)
    assert result.outlook("phase_one").before_start
    assert result.outlook("phase_one").entries == ((dt.date(2025, 10, 10), 20),)
    assert all(o.entered == 0 for o in result.phases if not o.before_start)
    assert result.final == (("phase_one", 20),)


def test_the_same_seed_gives_the_same_result_however_chunked(december):
    runs = [truce.ensemble(december, rich(), 300, seed=11, chunk_size=size) for size in (1, 7, 64, 300)]
    assert all(run == runs[0] for run in runs[1:])
    assert truce.ensemble(december, rich(), 300, seed=12) != runs[0]


def test_a_scenario_is_the_same_whichever_chunk_runs_it(december):
    start = Start.of(december, rich(), START + dt.timedelta(days=730), 99)
    alone = Simulator(start).run(57)
    assert Simulator(start).tally(50, 60).scenarios == 10
    assert Simulator(start).run(57) == alone


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(rich().obligations)), st.integers(1, 120), st.integers(0, 2**32))
def test_a_later_delay_never_makes_a_phase_earlier(obligation, shift, entropy):
    base = rich()
    delay = base.obligations[obligation].delay
    # every kind made later by ``shift`` days: a lognormal by its median (its sigma is a spread)
    shifted = (delay.params[0] * (1 + shift / 10), delay.params[1]) if delay.kind == "lognormal" else None
    later_params = shifted or tuple(p + shift for p in delay.params)
    later = rich(**{obligation: attrs.evolve(base.obligations[obligation], delay=Delay(delay.kind, later_params))})
    until = START + dt.timedelta(days=730)
    early = Simulator(Start.of(DECEMBER, base, until, entropy))
    late = Simulator(Start.of(DECEMBER, later, until, entropy))
    for index in range(20):
        before, after = early.run(index).entries, late.run(index).entries
        for phase, (day, _) in after.items():
            if phase != "collapsed":
                assert phase in before
                assert before[phase][0] <= day, (phase, index)


def test_collapse_first_counts_scenarios_that_collapsed_before_the_phase(december):
    certain = Assumptions(obligations={REMAINS: Delay.fixed(30)}, collapse=Collapse(1.0))
    result = truce.ensemble(december, certain, 10, seed=0)
    assert result.p_collapse == 1
    assert result.outlook("collapsed").entries == ((START + dt.timedelta(days=1), 10),)
    assert result.outlook("phase_two").p_collapse_first == 1
    assert result.outlook("phase_two").entered == 0
    assert result.outlook("collapsed").p_irregular == 1  # a declared move: its guard did not hold


def test_breach_probability_sets_how_often_an_obligation_is_breached(december):
    assumptions = Assumptions(obligations={REMAINS: ObligationAssumption(Delay.fixed(5), breach=0.5)})
    result = truce.ensemble(december, assumptions, 400, seed=5)
    # a breach leaves phase two shut; fulfilment opens it
    assert 0.4 < result.probability("phase_two") < 0.6


def test_the_declared_policy_moves_only_by_declared_moves(december):
    opened = Assumptions(obligations={REMAINS: Delay.fixed(3)}, policy="declared")
    assert truce.ensemble(december, opened, 10, seed=0).outlook("phase_two").entered == 0
    declared = Assumptions(declared={"begin_phase_two": Delay.fixed(4)}, policy="declared")
    result = truce.ensemble(december, declared, 10, seed=0)
    assert result.outlook("phase_two").entries == ((dt.date(2026, 1, 2), 10),)
    assert result.outlook("phase_two").p_irregular == 1
    # under the default policy a declared move still moves the phase, and is irregular too
    both = Assumptions(obligations={REMAINS: Delay.fixed(9)}, declared={"begin_phase_two": Delay.fixed(4)})
    assert truce.ensemble(december, both, 5, seed=0).outlook("phase_two").irregular == 5


def test_time_based_guards_open_on_their_day():
    january = truce.load("gaza-2025-01", as_of="2025-02-10")
    result = truce.ensemble(january, Assumptions(), 5, seed=0, until="2025-06-01")
    # nothing happens, but day 42 of phase one comes: expire's elapsed(41, since=phase_one)
    assert result.outlook("phase_one_expired").entries == ((dt.date(2025, 3, 1), 5),)
    assert result.bottleneck_ranking("expire") == [("(time: a date-based condition)", 1.0)]


# --- executors ---------------------------------------------------------------------------


def test_a_process_pool_gives_the_in_process_result(december):
    alone = truce.ensemble(december, rich(), 400, seed=21)
    with ProcessPoolExecutor(2) as pool:
        pooled = truce.ensemble(december, rich(), 400, seed=21, executor=pool, chunk_size=50)
    assert pooled == alone


def test_a_dask_cluster_gives_the_in_process_result(december):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    alone = truce.ensemble(december, rich(), 400, seed=21)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = truce.ensemble(december, rich(), 400, seed=21, executor=client, chunk_size=100)
    assert clustered == alone


class Interrupting:
    """An executor whose third chunk is interrupted (Ctrl-C while waiting for it)."""

    def __init__(self):
        self.submitted = 0
        self.cancelled = 0

    def submit(self, fn, *args):
        self.submitted += 1
        future = Future()
        if self.submitted == 3:
            future.result = self._interrupt
        else:
            future.set_result(fn(*args))
        future.cancel = self._cancel
        return future

    def _interrupt(self, timeout=None):
        raise KeyboardInterrupt

    def _cancel(self):
        self.cancelled += 1
        return True


def test_an_interrupted_run_returns_what_finished(december):
    executor = Interrupting()
    result = truce.ensemble(december, rich(), 1000, seed=2, executor=executor, chunk_size=100, max_pending=4)
    assert result.scenarios == 200
    assert not result.complete
    assert "stopped: 200 of 1,000 finished" in str(result)
    assert executor.cancelled >= 1
    # what finished is exactly the first 200 scenarios of the full run
    assert (
        result.outlook("phase_two").entries
        == truce.ensemble(december, rich(), 200, seed=2).outlook("phase_two").entries
    )


def test_a_run_without_a_seed_reports_the_one_it_drew(december):
    first = truce.ensemble(december, rich(), 30)
    assert truce.ensemble(december, rich(), 30, seed=first.seed) == first


# --- inputs --------------------------------------------------------------------------------


def test_assumptions_are_checked_against_the_agreement(december):
    with pytest.raises(truce.AssumptionError, match="unknown obligation 'remains'"):
        truce.ensemble(december, Assumptions(obligations={"remains": Delay.fixed(1)}), 10)


def test_assumptions_load_from_a_path(tmp_path, december):
    path = tmp_path / "gaza-2025.assumptions.yaml"
    path.write_text(f"obligations:\n  {REMAINS}:\n    delay: 10\n")
    assert truce.ensemble(december, path, 5, seed=0).outlook("phase_two").quantile(0.5) == dt.date(2026, 1, 8)


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_n_must_be_a_positive_count(december, n):
    with pytest.raises(ValueError, match="n must be"):
        truce.ensemble(december, Assumptions(), n)


def test_until_before_the_start_is_refused(december):
    with pytest.raises(truce.DateError, match="before the start"):
        truce.ensemble(december, Assumptions(), 5, until="2025-01-01")


# --- results and views -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def result(december):
    return truce.ensemble(december, rich(), 400, seed=8)


def test_quantiles_and_curve_agree(result):
    outlook = result.outlook("phase_two")
    curve = outlook.curve()
    assert [p for _, p in curve] == sorted(p for _, p in curve)
    median = outlook.quantile(0.5)
    assert outlook.probability(median) >= 0.5
    assert outlook.probability(median - dt.timedelta(days=1)) < 0.5
    assert curve[-1][1] == outlook.probability()
    with pytest.raises(ValueError, match="q must be"):
        outlook.quantile(0)


def test_bottleneck_shares_add_up(result):
    for trigger in ("begin_phase_two", "deploy_isf", "begin_withdrawal"):
        assert sum(share for _, share in result.bottleneck_ranking(trigger)) == pytest.approx(1)
    assert result.bottleneck_ranking("isf_deployment") == result.bottleneck_ranking("deploy_isf")
    with pytest.raises(truce.UnknownName):
        result.bottleneck_ranking("phase_nine")


def test_every_view_echoes_the_assumptions(result):
    text = str(result)
    assert "assumptions:" in text
    assert f"obligation {REMAINS}: settled after lognormal(median 25 days, sigma 0.8)" in text
    assert "collapse to collapsed with daily probability 0.001" in text
    assert "not a forecast" in text
    page = result._repr_html_()
    assert html.escape(f"obligation {REMAINS}: settled after lognormal(median 25 days, sigma 0.8)") in page
    assert result.assumptions == rich()


def test_html_escapes_what_comes_from_data(december):
    odd = Assumptions(obligations={REMAINS: Delay.fixed(2)}, note="<script>alert(1)</script>")
    page = truce.ensemble(december, odd, 3, seed=0)._repr_html_()
    assert "<script>" not in page


def test_frames(result):
    pytest.importorskip("pandas")
    phases = result.to_frame("phases")
    assert list(phases["phase"]) == [o.phase for o in result.phases]
    assert {"phase", "p_entered", "median", "p_collapse_first"} <= set(phases.columns)
    assert phases.attrs["assumptions"] == result.assumptions.describe()
    curves = result.to_frame("curves")
    assert set(curves["phase"]) <= {o.phase for o in result.phases}
    bottlenecks = result.to_frame("bottlenecks")
    assert set(bottlenecks.columns) == {"trigger", "to", "cause", "share"}
    with pytest.raises(ValueError, match="what must be"):
        result.to_frame("scenarios")


def test_plot_builds_a_figure_without_pyplot(result, tmp_path):
    pytest.importorskip("matplotlib")
    figure = result.plot(path=tmp_path / "curves.png")
    assert type(figure).__name__ == "Figure"
    assert (tmp_path / "curves.png").stat().st_size > 0
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "phase_two" in labels
    assert "phase_one" not in labels  # entered before the start: no curve


def test_what_workers_receive_pickles_and_keeps_memory_bounded(december):
    import pickle

    start = Start.of(december, rich(), START + dt.timedelta(days=730), 5)
    assert pickle.loads(pickle.dumps(december.agreement)) == december.agreement
    copy = pickle.loads(pickle.dumps(start))
    assert Simulator(copy).tally(0, 50).entries == Simulator(start).tally(0, 50).entries
    # a chunk's counts grow with the horizon (days, causes), not with its scenarios
    small, large = Simulator(start).tally(0, 200), Simulator(start).tally(0, 2000)
    assert all(len(days) <= 731 for days in large.entries.values())
    assert len(pickle.dumps(large)) < 4 * len(pickle.dumps(small))


def test_a_worker_reads_the_start_once_and_keeps_its_simulator(december):
    import pickle

    start = Start.of(december, rich(), START + dt.timedelta(days=730), 5)
    parcel = Parcel.of(start)
    first, second = (pickle.loads(pickle.dumps(parcel)) for _ in range(2))  # two chunks, as a worker gets them
    assert first.key == second.key == parcel.key
    assert first.simulator() is second.simulator()
    assert run_chunk(first, 0, 50).entries == run_chunk(start, 0, 50).entries
    # another ensemble's start is another key
    assert Parcel.of(Start.of(december, rich(), START + dt.timedelta(days=730), 6)).key != parcel.key


def test_a_progress_bar_can_be_asked_for(december, capsys):
    result = truce.ensemble(december, rich(), 50, seed=1, progress=True, chunk_size=10)
    assert result.scenarios == 50
