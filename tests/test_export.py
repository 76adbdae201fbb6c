"""ETH/PRIO Civil Conflict Ceasefire rows: one per agreement and side, unknowns coded, never guessed."""

from __future__ import annotations

import attrs
import pytest

import truce
from truce.export import ETHPRIO_COLUMNS, UNCLEAR, ethprio


def test_one_row_per_agreement_and_belligerent(riverside):
    rows = ethprio([riverside, riverside.agreement])
    assert [(r["truce_agreement"], r["truce_party"]) for r in rows] == [
        ("riverside", "north"),
        ("riverside", "south"),
        ("riverside", "north"),
        ("riverside", "south"),
    ]  # fmt: skip  (the mediator is not a side)
    assert all(tuple(row) == ETHPRIO_COLUMNS for row in rows)
    assert rows[0]["truce_phase"] == riverside.phase
    assert rows[2]["truce_phase"] is None


def test_dates_split_into_year_month_day(riverside):
    row = ethprio([riverside])[0]
    assert (row["cf_dec_yr"], row["cf_dec_month"], row["cf_dec_day"]) == (2025, 3, 30)
    assert (row["cf_effect_yr"], row["cf_effect_month"], row["cf_effect_day"]) == (2025, 4, 1)
    assert (row["end_yr"], row["end_month"], row["end_day"], row["ended"]) == (None, None, None, 0)


def test_an_ended_unwritten_ceasefire():
    iran = truce.load("iran-israel-2025").agreement
    ended = attrs.evolve(iran, ended=iran.in_force)
    row = ethprio([ended])[0]
    assert row["written"] == 0
    assert (row["end_yr"], row["end_month"], row["end_day"], row["ended"]) == (2025, 6, 24, 1)
    assert row["side"] == UNCLEAR  # two states: not the civil-conflict shape, so no A/B side is guessed


def test_unknowns_are_coded_not_inferred(riverside):
    row = ethprio([riverside])[0]
    assert row["cf_id"] is None
    assert row["ucdp_acd_id"] is None
    assert row["partial"] == row["ceasefire_class"] == row["ceasefire_type"] == UNCLEAR
    assert row["mediator_nego"] == 1  # the agreement has a mediator party
    assert row["implement"] == UNCLEAR  # no monitoring obligation in the model: not proof of none
    assert (row["side"], ethprio([riverside])[1]["side"]) == ("A", "B")


def test_known_ids_are_written(riverside):
    ids = truce.Identifiers(ethprio_cf_id=9004, ucdp_conflict_id=9002)
    row = ethprio([attrs.evolve(riverside.agreement, identifiers=ids)])[0]
    assert (row["cf_id"], row["ucdp_acd_id"]) == (9004, 9002)


def test_bundled_agreements_export_and_frame():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(ethprio(truce.load(name) for name in truce.agreements()))
    assert list(frame.columns) == list(ETHPRIO_COLUMNS)
    assert set(frame["truce_agreement"]) == set(truce.agreements())
    assert frame.loc[frame["truce_agreement"] == "gaza-2025-01", "ended"].eq(1).all()


def test_rows_round_trip_through_csv_to_the_agreements_dates(tmp_path):
    import csv
    import datetime as dt

    agreements = [truce.load(name).agreement for name in truce.agreements()]
    path = tmp_path / "cf.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(ETHPRIO_COLUMNS))
        writer.writeheader()
        writer.writerows(ethprio(agreements))
    with path.open(encoding="utf-8", newline="") as file:
        back = list(csv.DictReader(file))
    by_id = {a.id: a for a in agreements}
    assert {row["truce_agreement"] for row in back} == set(by_id)
    for row in back:
        agreement = by_id[row["truce_agreement"]]

        def day(prefix, year="yr", row=row):
            parts = (row[f"{prefix}_{year}"], row[f"{prefix}_month"], row[f"{prefix}_day"])
            return dt.date(*map(int, parts)) if all(parts) else None

        assert day("cf_effect") == agreement.in_force
        assert day("cf_dec") == (agreement.agreed or agreement.in_force)
        assert day("end") == agreement.ended
        assert row["ended"] == ("1" if agreement.ended else "0")
        assert row["written"] == ("1" if agreement.written else "0")
        assert agreement.party(row["truce_party"]).name == row["actor_name"]
