"""ACLED import: made-up rows in ACLED's export schema (tests/data/acled/) become incident events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce import acled
from truce.cli import main

DATA = Path(__file__).resolve().parent / "data" / "acled"
EXPORT = DATA / "riverside-export.csv"
REVISED = DATA / "riverside-export-revised.csv"
BAD = DATA / "riverside-export-bad.csv"
ACTORS = DATA / "riverside-actors.yaml"


@pytest.fixture
def agreement(riverside_agreement):
    return riverside_agreement


@pytest.fixture
def table():
    return acled.read_actor_map(ACTORS)


def rows(path: Path = EXPORT) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write(path: Path, records: list[dict[str, str]], columns=acled.COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    return path


def by_id(found: acled.AcledImport) -> dict[str, truce.Event]:
    return {e.external_id: e for e in found.events}


def test_fixtures_follow_the_export_schema_and_say_they_are_made_up():
    for path in (EXPORT, REVISED, BAD):
        with path.open(encoding="utf-8", newline="") as file:
            assert tuple(next(csv.reader(file))) == acled.COLUMNS
        assert all(row["notes"].startswith("MADE-UP ROW") for row in rows(path))


def test_rows_in_the_country_and_window_become_dated_sourced_incidents(agreement, table):
    found = acled.read(EXPORT, agreement, table)
    assert (found.rows, found.other_country, found.outside_window) == (6, 1, 1)
    assert [e.external_id for e in found.events] == ["acled:XRV1", "acled:XRV2", "acled:XRV3", "acled:XRV4"]
    assert [e.date for e in found.events] == sorted(e.date for e in found.events)
    clash = by_id(found)["acled:XRV1"]
    assert clash.kind is truce.EventKind.INCIDENT
    assert clash.date == dt.date(2025, 4, 2)
    assert clash.attribute("fatalities") == 2
    assert clash.attribute("sub_event_type") == "Armed clash"
    assert clash.attribute("parties") == "north;south"
    assert clash.reported_by == "ACLED"
    assert clash.source.cite() == "Example Wire; Riverland Herald, ACLED, 2025-04-09, event XRV1"
    assert '"heavy fire"' in clash.text


def test_time_precision_becomes_day_week_or_month(agreement, table):
    found = by_id(acled.read(EXPORT, agreement, table))
    assert found["acled:XRV1"].precision is truce.Precision.DAY
    assert found["acled:XRV2"].precision is truce.Precision.WEEK
    assert found["acled:XRV3"].precision is truce.Precision.MONTH


def test_a_party_is_named_only_when_the_actor_table_leaves_no_doubt(agreement, table):
    found = acled.read(EXPORT, agreement, table)
    parties = {e.external_id: e.party for e in found.events}
    assert parties == {
        "acled:XRV1": None,  # both sides involved: ACLED's actor order is no verdict
        "acled:XRV2": "south",  # the militia and civilians (mapped to no party)
        "acled:XRV3": "north",  # one actor only
        "acled:XRV4": None,  # an actor the table does not know: never guessed
    }
    assert found.attributed == 2
    assert found.unmatched == (("Unidentified Armed Group (Riverland)", 1),)
    assert "Unidentified Armed Group (Riverland)" in found.summary()


def test_mapping_an_unmatched_actor_settles_its_incidents(agreement, table):
    actors = dict(table.actors) | {"Unidentified Armed Group (Riverland)": None}
    found = acled.read(EXPORT, agreement, acled.ActorMap(actors, table.countries))
    assert found.unmatched == ()
    assert by_id(found)["acled:XRV4"].party is None  # known, and not a party
    assert "not in the actor table" not in found.summary()


def test_a_pandas_frame_imports_like_the_csv(agreement, table):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(EXPORT)  # numbers become ints and floats, empty cells NaN
    assert acled.read(frame, agreement, table).events == acled.read(EXPORT, agreement, table).events


def test_bad_rows_name_row_and_column_and_nothing_is_imported(agreement, table):
    with pytest.raises(truce.LoadError) as caught:
        acled.read(BAD, agreement, table)
    problems = caught.value.problems
    assert [(p.line, p.field) for p in problems] == [
        (3, "row 2 (XRV4), column fatalities"),
        (4, "row 3 (XRV3), column time_precision"),
    ]
    assert "'two' is not a whole number" in str(caught.value)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("event_date", "2025-02-30", "is not a date"),
        ("year", "2024", "is not the year of event_date"),
        ("latitude", "91", "is not a latitude"),
        ("longitude", "east", "is not a longitude"),
        ("geo_precision", "0", "is not 1, 2 or 3"),
        ("timestamp", "-5", "is not a Unix time"),
        ("iso", "RVL", "numeric ISO"),
        ("actor1", "", "is empty"),
        ("event_id_cnty", "", "is empty"),
    ],
)
def test_each_bad_cell_is_reported(tmp_path, agreement, table, column, value, message):
    records = rows()
    records[3][column] = value
    with pytest.raises(truce.LoadError, match=message) as caught:
        acled.read(write(tmp_path / "x.csv", records), agreement, table)
    assert caught.value.problems[0].field.startswith("row 4")
    assert caught.value.problems[0].field.endswith(f"column {column}")


def test_problems_are_listed_up_to_a_limit_then_counted(tmp_path, agreement, table):
    records = [dict(rows()[1], event_id_cnty=f"XRV{n}", fatalities="many") for n in range(100, 130)]
    with pytest.raises(truce.LoadError) as caught:
        acled.read(write(tmp_path / "x.csv", records), agreement, table)
    assert len(caught.value.problems) == 21
    assert str(caught.value.problems[-1]).endswith("... and 10 more problems")


def test_a_repeated_event_id_is_an_error(tmp_path, agreement, table):
    records = rows()
    records[2]["event_id_cnty"] = records[3]["event_id_cnty"]
    with pytest.raises(truce.LoadError, match="is also row"):
        acled.read(write(tmp_path / "x.csv", records), agreement, table)


def test_missing_columns_are_named(tmp_path, agreement, table):
    columns = [c for c in acled.COLUMNS if c not in ("fatalities", "time_precision")]
    with pytest.raises(truce.LoadError, match=r"missing column\(s\) time_precision, fatalities"):
        acled.read(write(tmp_path / "x.csv", rows(), columns), agreement, table)


def test_extra_columns_are_ignored(tmp_path, agreement, table):
    records = [dict(r, population_best="1000") for r in rows()]
    path = write(tmp_path / "x.csv", records, (*acled.COLUMNS, "population_best"))
    assert acled.read(path, agreement, table).events == acled.read(EXPORT, agreement, table).events


def test_a_short_row_and_an_empty_file_are_errors(tmp_path, agreement, table):
    text = EXPORT.read_text(encoding="utf-8").splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join([*text[:2], "XRV9,2025-04-04,2025"]) + "\n", encoding="utf-8")
    with pytest.raises(truce.LoadError, match="has 3 fields; the header has 31"):
        acled.read(short, agreement, table)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(truce.LoadError, match="empty file"):
        acled.read(empty, agreement, table)
    with pytest.raises(truce.LoadError, match="no such file"):
        acled.read(tmp_path / "missing.csv", agreement, table)


def test_older_exports_spell_dates_in_words(tmp_path, agreement, table):
    records = rows()
    for record in records:
        day = dt.date.fromisoformat(record["event_date"])
        record["event_date"] = day.strftime("%d %B %Y")
    found = acled.read(write(tmp_path / "x.csv", records), agreement, table)
    assert found.events == acled.read(EXPORT, agreement, table).events


def test_window_and_country_filters(agreement, table):
    narrow = acled.read(EXPORT, agreement, table, start="2025-04-03", end="2025-04-07")
    assert [e.external_id for e in narrow.events] == ["acled:XRV2", "acled:XRV3"]
    assert narrow.outside_window == 3
    by_iso = acled.read(EXPORT, agreement, table.actors, countries=["998"])
    assert [e.external_id for e in by_iso.events] == ["acled:XNL1"]
    everywhere = acled.read(EXPORT, agreement, table.actors)
    assert len(everywhere.events) == 5
    with pytest.raises(truce.DateError, match="before riverside existed"):
        acled.read(EXPORT, agreement, table, start="2025-01-01")


def test_an_actor_table_naming_an_unknown_party_is_refused(agreement):
    with pytest.raises(truce.LoadError, match="unknown party 'west' for ACLED actor 'X'"):
        acled.read(EXPORT, agreement, {"X": "west"})


def test_a_bad_actor_map_file_lists_every_problem(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("countries: Riverland\nactors:\n  A: 5\n  B: north\nparties: {}\n", encoding="utf-8")
    with pytest.raises(truce.LoadError) as caught:
        acled.read_actor_map(path)
    assert len(caught.value.problems) == 3


def test_incidents_never_change_an_obligation_status(riverside, table):
    found = acled.read(EXPORT, riverside.agreement, table)
    with_incidents = truce.Ceasefire(riverside.agreement, acled.merge(riverside.events, found.events))
    assert [s.base for s in with_incidents.obligations] == [s.base for s in riverside.obligations]
    assert with_incidents.phase == riverside.phase
    assert len(with_incidents.incidents) == len(riverside.incidents) + 4
    assert with_incidents.compliance()["north"].incidents == riverside.compliance()["north"].incidents + 1


def test_a_revised_export_updates_instead_of_duplicating(agreement, table):
    first = acled.read(EXPORT, agreement, table).events
    revised = acled.read(REVISED, agreement, table).events
    merged = acled.merge(first, revised)
    ids = [e.external_id for e in merged]
    assert len(ids) == len(set(ids)) == 5
    events = {e.external_id: e for e in merged}
    assert events["acled:XRV1"].attribute("fatalities") == 3
    assert events["acled:XRV3"].date == dt.date(2025, 4, 5)
    assert events["acled:XRV3"].precision is truce.Precision.DAY
    assert [e.date for e in merged] == sorted(e.date for e in merged)
    assert acled.merge(merged, revised) == merged  # importing the same export again changes nothing


def test_merge_keeps_events_without_an_external_id_first_on_their_day(riverside, table):
    found = acled.read(EXPORT, riverside.agreement, table).events
    merged = acled.merge(riverside.events, found)
    assert [e for e in merged if e.external_id is None] == list(riverside.events)
    assert len(merged) == len(riverside.events) + len(found)


def test_a_bundled_agreement_loads_with_an_own_log_merged_by_date(tmp_path):
    gaza = truce.load("gaza-2025")
    middle = gaza.events[len(gaza.events) // 2].date
    log = tmp_path / "own.events.jsonl"
    incident = {"date": middle.isoformat(), "kind": "incident", "text": "made-up incident", "external_id": "acled:X1"}
    log.write_text(json.dumps(incident) + "\n", encoding="utf-8")
    merged = truce.load("gaza-2025", events=log)
    assert len(merged.events) == len(gaza.events) + 1
    assert [s.base for s in merged.obligations] == [s.base for s in gaza.obligations]


def test_cli_imports_then_updates_and_refuses_bad_rows_untouched(tmp_path, capsys):
    out = tmp_path / "riverside.events.jsonl"
    name = str(Path("docs/riverside.yaml").resolve())
    assert main(["import-acled", name, str(EXPORT), "--actors", str(ACTORS), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "4 incidents from 6 rows" in said
    assert "Unidentified Armed Group (Riverland)" in said
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    assert main(["import-acled", name, str(REVISED), "--actors", str(ACTORS), "-o", str(out)]) == 0
    capsys.readouterr()
    after = out.read_bytes()
    assert len(after.splitlines()) == 5
    assert main(["import-acled", name, str(BAD), "--actors", str(ACTORS), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "row 2 (XRV4), column fatalities" in err
    assert out.read_bytes() == after
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind
    # the written log loads with the agreement, as its own log
    shutil.copy("docs/riverside.yaml", tmp_path / "riverside.yaml")
    ceasefire = truce.load(tmp_path / "riverside.yaml")
    assert len(ceasefire.incidents) == 5


def test_the_log_written_is_json_lines(tmp_path, agreement, table):
    found = acled.read(EXPORT, agreement, table)
    with pytest.raises(truce.LoadError, match="must be JSON Lines"):
        acled.update_log(tmp_path / "log.events.yaml", agreement, found.events)
    assert list(tmp_path.iterdir()) == []


def test_cli_reports_a_missing_actor_map(tmp_path, capsys):
    code = main(["import-acled", "docs/riverside.yaml", str(EXPORT), "--actors", str(tmp_path / "no.yaml"),
                 "-o", str(tmp_path / "x.jsonl")])  # fmt: skip
    assert code == 3
    assert "no such file" in capsys.readouterr().err


# --- random valid rows ------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
ACTORS_SEEN = ["Military Forces of Riverland (2020-)", "Southern Militia", "Civilians (Riverland)", "Someone Else"]


@st.composite
def valid_rows(draw) -> dict[str, str]:
    day = draw(st.dates(dt.date(2025, 3, 30), dt.date(2026, 12, 31)))
    row = {column: draw(TEXT) for column in acled.COLUMNS}
    row.update(
        event_id_cnty="XRV" + str(draw(st.integers(0, 10**9))),
        event_date=day.isoformat(),
        year=str(day.year),
        time_precision=draw(st.sampled_from("123")),
        event_type=draw(TEXT.filter(str.strip)),
        sub_event_type=draw(TEXT.filter(str.strip)),
        actor1=draw(st.sampled_from(ACTORS_SEEN)),
        actor2=draw(st.sampled_from(["", *ACTORS_SEEN])),
        iso="999",
        country="Riverland",
        latitude=str(draw(st.floats(-90, 90))),
        longitude=str(draw(st.floats(-180, 180))),
        geo_precision=draw(st.sampled_from("123")),
        fatalities=str(draw(st.integers(0, 10_000))),
        timestamp=str(draw(st.integers(0, 2_000_000_000))),
    )
    return row


@given(st.lists(valid_rows(), max_size=8, unique_by=lambda r: r["event_id_cnty"]))
def test_random_valid_rows_import_without_error(records):
    agreement = truce.load_agreement(Path("docs/riverside.yaml"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(acled.COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    handle, name = tempfile.mkstemp(suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(buffer.getvalue())
        found = acled.read(path, agreement, acled.read_actor_map(ACTORS))
    finally:
        path.unlink()
    assert len(found.events) == len(records)
    assert {e.external_id for e in found.events} == {"acled:" + r["event_id_cnty"] for r in records}
    assert all(e.precision is acled.TIME_PRECISION[r["time_precision"]] for r in records for e in found.events
               if e.external_id == "acled:" + r["event_id_cnty"])  # fmt: skip
    truce.Ceasefire(agreement, found.events)  # they record, and change no status
