"""Issue 16: what the library says about a date must be true on every date."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

import truce
from truce.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = DOCS / "riverside.yaml"


def test_a_historical_view_is_not_beyond_the_data():
    whole = truce.load(RIVERSIDE)
    earlier = whole.as_of("2025-04-03")
    assert earlier.data_through == whole.data_through == dt.date(2025, 4, 6)
    assert not earlier.beyond_data
    assert "beyond the data" not in repr(earlier)
    assert earlier.as_of("2025-04-02").data_through == dt.date(2025, 4, 6)
    assert pickle.loads(pickle.dumps(earlier)).data_through == dt.date(2025, 4, 6)


def test_only_a_date_after_the_whole_log_is_beyond_the_data():
    later = truce.load(RIVERSIDE).as_of("2025-04-07")
    assert later.beyond_data
    assert "beyond the data" in repr(later)


def test_hypothetical_events_never_extend_the_data():
    whole = truce.load(RIVERSIDE)
    scenario = whole.what_if(facts={"monitors_deployed": 10}, as_of="2025-05-01")
    assert scenario.data_through == dt.date(2025, 4, 6)
    assert scenario.beyond_data
    assert whole.as_of("2025-04-03").what_if(fulfil=["pull_back"]).data_through == dt.date(2025, 4, 6)


def test_the_sources_horizon_counts_as_data_when_later_than_the_log():
    ceasefire = truce.load("gaza-2025")
    horizon = ceasefire.agreement.data_through
    assert horizon is not None
    assert ceasefire.data_through == max(horizon, ceasefire.events[-1].date)
    assert not ceasefire.as_of(ceasefire.agreement.in_force + dt.timedelta(days=80)).beyond_data


def test_status_json_of_a_historical_date_is_not_beyond_the_data(capsys):
    from truce.cli import main

    assert main(["status", str(RIVERSIDE), "--as-of", "2025-04-03", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["data_through"] == "2025-04-06"
    assert out["beyond_data"] is False


def test_a_late_fulfilment_stays_late():
    state = truce.load(RIVERSIDE).status("detainees_released")  # due 2025-04-04, fulfilled 2025-04-05
    assert state.status_on(dt.date(2025, 4, 6)) == "fulfilled"
    assert state.late_by == 1
    assert state.late_by_original == 1
    assert truce.load(RIVERSIDE).status("prisoners_released").late_by is None  # no deadline


def test_lateness_is_measured_against_the_deadline_in_force_and_the_original():
    ceasefire = truce.load(RIVERSIDE)
    ceasefire.record(truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10))
    ceasefire.advance("begin_phase_two")  # pull_back due 30 days after 2025-04-08
    ceasefire.record(truce.Event("2025-05-10", "extended", obligation="pull_back", due="2025-05-20"))
    ceasefire.record(truce.Event("2025-06-01", "fulfilled", obligation="pull_back"))
    state = ceasefire.status("pull_back")
    assert (state.due, state.original_due) == (dt.date(2025, 5, 20), dt.date(2025, 5, 8))
    assert (state.late_by, state.late_by_original) == (12, 24)
    line = ceasefire.blockers("completed").met[0]
    assert (line.late_by, line.late_by_original) == (12, 24)
    assert (
        "fulfilled 2025-06-01, 12 days late (due 2025-05-20), 24 days after the original deadline 2025-05-08"
        in line.line()
    )
    assert line.to_dict()["late_by"] == 12


def test_compliance_counts_late_fulfilments():
    ceasefire = truce.load(RIVERSIDE)
    assert ceasefire.compliance()["south"].late == 1
    assert ceasefire.compliance()["north"].late == 0
    assert ceasefire.as_of("2025-04-04").compliance()["south"].late == 0
    assert "late" in str(ceasefire.compliance()).splitlines()[1]


def test_blockers_json_shows_a_late_fulfilment():
    report = truce.load(RIVERSIDE).as_of("2025-04-06").blockers("phase_two")
    detainees = next(b for b in report.met if b.obligation == "detainees_released")
    assert detainees.late_by == 1
    assert "fulfilled 2025-04-05, 1 day late (due 2025-04-04)" in str(report)


def test_obligations_frame_keeps_lateness():
    import pytest

    pytest.importorskip("pandas")
    frame = truce.load(RIVERSIDE).to_frame("obligations").set_index("obligation")
    assert frame.loc["detainees_released", "late_by"] == 1
    assert str(frame["late_by"].dtype) == "Int64"


def test_overdue_stops_counting_at_a_terminal_phase():
    ceasefire = truce.load("gaza-2025-01").as_of("2026-03-18")  # collapsed 2025-03-18
    assert ceasefire.stopped == truce.ClockStop(dt.date(2025, 3, 18), "reached collapsed")
    overdue = {d.obligation: d.days_overdue for d in ceasefire.deadlines()}
    assert overdue["philadelphi_withdrawn"] == 9  # due 2025-03-09: not 374
    assert "when the clocks stopped 2025-03-18 (reached collapsed)" in ceasefire.deadlines()[-1].describe()
    report = ceasefire.compliance()
    assert report.stopped is not None
    assert report.to_dict()["clock_stopped"]["date"] == "2025-03-18"
    assert "clocks stopped 2025-03-18" in str(report)
    assert "clocks stopped 2025-03-18" in ceasefire.summary()


def test_a_running_agreement_has_no_clock_stop():
    ceasefire = truce.load(RIVERSIDE)
    assert ceasefire.stopped is None
    assert ceasefire.compliance().stopped is None
    assert all(d.stopped is None for d in ceasefire.deadlines())


def test_the_ended_date_stops_the_clocks():
    import attrs

    agreement = attrs.evolve(truce.load_agreement(RIVERSIDE), ended="2025-04-10")
    ceasefire = truce.Ceasefire(agreement, truce.load(RIVERSIDE).events, as_of="2025-09-01")
    assert ceasefire.stopped == truce.ClockStop(dt.date(2025, 4, 10), "riverside ended")
    assert ceasefire.as_of("2025-04-09").stopped is None


def test_status_and_deadlines_json_say_the_clocks_stopped(capsys):
    from truce.cli import main

    assert main(["status", "gaza-2025-01", "--as-of", "2026-03-18", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clock_stopped"] == {"date": "2025-03-18", "reason": "reached collapsed"}
    assert max(o["days_overdue"] or 0 for o in out["obligations"]) < 60
    assert main(["deadlines", "gaza-2025-01", "--as-of", "2026-03-18", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clock_stopped"]["date"] == "2025-03-18"
    assert {d["days_overdue"] for d in out["deadlines"]} == {43, 9}


def test_compliance_status_columns_add_up_to_what_each_party_owes():
    for name in truce.agreements():
        report = truce.load(name).compliance()
        for row in report:
            assert sum(getattr(row, c) for c in truce.compliance.STATUSES) == len(row.obligations), (name, row)
        for line in str(report).splitlines()[2:]:
            if "|" not in line:
                continue  # an irregular move or the clock line
            statuses = line.split("|")[0].split()
            owes, counts = int(statuses[-8]), [int(n) for n in statuses[-7:]]
            assert sum(counts) == owes, line


def test_disputed_is_a_flag_column_after_the_statuses():
    report = truce.load("gaza-2025").compliance()
    head = str(report).splitlines()[1]
    assert head.index("waived") < head.index("|") < head.index("late") < head.index("disputed")
    assert report["hamas"].disputed == 2
    assert list(report["hamas"].to_dict())[-3:] == ["late", "disputed", "incidents"]


def test_a_facts_value_is_in_the_blocker_and_its_json():
    ceasefire = truce.load(RIVERSIDE)
    report = "Monitors counted", "Example Wire"
    ceasefire.record(truce.Event("2025-04-07", "fact", fact="monitors_deployed", value=4, source=truce.Source(*report)))
    blocker = ceasefire.blockers("phase_two").unmet[0]
    assert (blocker.fact, blocker.value, blocker.since) == ("monitors_deployed", 4, dt.date(2025, 4, 7))
    assert blocker.to_dict()["value"] == 4
    assert truce.Source(*report) in blocker.sources
    assert truce.load(RIVERSIDE).blockers("phase_two").unmet[0].value is None  # unreported stays unknown


def test_unblock_of_the_current_phase_agrees_with_blockers():
    ceasefire = truce.load(RIVERSIDE)
    blockers, unblock = ceasefire.blockers("phase_one"), ceasefire.unblock("phase_one")
    assert not blockers
    assert unblock.open
    assert len(unblock) == 0
    assert unblock.note == blockers.note == "already in phase_one (since 2025-04-01)"
    assert "already in phase_one" in str(unblock)
    assert unblock.to_dict()["note"] == blockers.note


def test_unblock_json_of_the_current_phase(capsys):
    from truce.cli import main

    assert main(["unblock", str(RIVERSIDE), "phase_one", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["note"] == "already in phase_one (since 2025-04-01)"


def _bad_log(tmp_path):
    (tmp_path / "r.yaml").write_text(RIVERSIDE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "r.events.yaml").write_text(
        "events:\n"
        "  - {date: 2025-04-02, kind: progress, obligation: nope, value: 5, reported_by: mediator}\n"
        "  - {date: 2025-04-05, kind: fulfilled, obligation: also_nope, reported_by: mediator}\n",
        encoding="utf-8",
    )
    return tmp_path / "r.yaml"


def test_check_on_a_bad_event_log_exits_1_with_one_line_per_problem(tmp_path, capsys):
    from truce.cli import main

    assert main(["check", str(_bad_log(tmp_path))]) == 1
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if "error[events]" in line]
    assert len(errors) == 2
    assert "unknown obligation 'nope'" in errors[0]
    assert "unknown obligation 'also_nope'" in errors[1]
    assert "; " not in out


def test_loading_a_bad_log_reports_every_events_problem_at_once(tmp_path):
    import pytest

    with pytest.raises(truce.LoadError) as caught:
        truce.load(_bad_log(tmp_path))
    assert len(caught.value.problems) == 2


def test_check_of_an_unknown_name_is_still_bad_input(capsys):
    from truce.cli import main

    assert main(["check", "no-such-agreement"]) == 3


def test_a_party_view_says_whose_view_it_is_in_text_html_and_json():
    report = truce.load(RIVERSIDE).blockers("phase_two", view="south")
    assert str(report).splitlines()[1] == "  view: as south claims it (reported facts where it made no claim)"
    assert "as south claims it" in report._repr_html_()
    assert "as south claims it" in report.to_dict()["view"]
    assert "view:" not in str(truce.load(RIVERSIDE).blockers("phase_two"))  # the default is said in JSON and HTML


def test_disputed_says_who_claims_what():
    ceasefire = truce.load(RIVERSIDE)
    state = ceasefire.status("prisoners_released")  # reported fulfilled; south claims breached
    assert state.claimed == (("south", "breached"),)
    assert state.dispute() == "reported fulfilled; south claims breached"
    blocker = next(b for b in ceasefire.blockers("phase_two").met if b.obligation == "prisoners_released")
    assert "DISPUTED (reported fulfilled; south claims breached)" in blocker.line()
    assert blocker.to_dict()["claims"] == {"south": "breached"}
    assert "south claims breached" in ceasefire.blockers("phase_two")._repr_html_()
    assert "DISPUTED (reported fulfilled; south claims breached)" in ceasefire.summary()
    assert "south claims breached" in ceasefire._repr_html_()
    assert truce.load(RIVERSIDE).status("detainees_released").dispute() is None


@pytest.mark.parametrize("command", ["blockers", "unblock", "deadlines", "history", "status"])
def test_every_cli_query_past_the_data_says_so_on_stderr(command, capsys):
    """Found by a hostile review: only status flagged a date past the data."""
    target = ["phase_two"] if command in ("blockers", "unblock") else []
    assert main([command, "gaza-2025", *target, "--as-of", "2027-06-01", "--json"]) == 0
    captured = capsys.readouterr()
    assert "truce: note: 2027-06-01 is beyond the data (gaza-2025: data through 2026-07-01)" in captured.err
    json.loads(captured.out)  # stdout stays clean JSON
    main([command, "gaza-2025", *target, "--as-of", "2025-12-29"])
    assert "beyond the data" not in capsys.readouterr().err


def test_a_date_before_entry_into_force_has_no_entry_into_force_yet():
    """Found by a hostile review: a view of the day before showed the next day's entry as past."""
    gaza = truce.load("gaza-2025")
    before = gaza.as_of("2025-10-09")
    assert before.phase_history() == ()
    assert before.history() == ()
    assert "not yet in force (2025-10-10)" in repr(before)
    assert before.blockers("phase_one").note == "not yet in force (it enters phase_one on 2025-10-10)"
    assert before.snapshot().history == ()
    on_the_day = gaza.as_of("2025-10-10")
    assert [m.date.isoformat() for m in on_the_day.phase_history()][:1] == ["2025-10-10"]
    assert "not yet in force" not in repr(on_the_day)
