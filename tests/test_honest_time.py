"""Issue 16: what the library says about a date must be true on every date."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import truce

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
