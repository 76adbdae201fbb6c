"""Dataset identifiers: read from YAML, written back, shown, and exposed in frames."""

from __future__ import annotations

import json

import attrs
import pytest

import truce
from truce.cli import main
from truce.dumping import agreement_to_data, dump_agreement

IDS = """
identifiers:
  pax_agt_id: 9001
  ucdp_conflict_id: 9002
  ucdp_paid: 9003
  ethprio_cf_id: 9004
  pam_id: "made-up-5"
"""


@pytest.fixture
def with_ids(riverside_path):
    text = riverside_path.read_text(encoding="utf-8")
    text = text.replace("parties:\n  north: {name: Northern forces, kind: state}",
                        "parties:\n  north: {name: Northern forces, kind: state, ucdp_actor_id: 9100}")  # fmt: skip
    return text + IDS


def test_identifiers_are_read_and_round_trip(with_ids):
    agreement = truce.load_agreement("x.yaml", text=with_ids)
    assert agreement.identifiers == truce.Identifiers(9001, 9002, 9003, 9004, "made-up-5")
    assert agreement.party("north").ucdp_actor_id == 9100
    assert agreement.party("south").ucdp_actor_id is None
    again = truce.load_agreement("y.yaml", text=dump_agreement(agreement))
    assert again == agreement


def test_an_agreement_without_identifiers_writes_none():
    agreement = truce.load("docs/riverside.yaml").agreement
    assert not agreement.identifiers
    data = agreement_to_data(agreement)
    assert "identifiers" not in data
    assert all("ucdp_actor_id" not in party for party in data["parties"].values())


def test_bad_identifiers_are_reported_with_their_field(with_ids):
    text = with_ids.replace("pax_agt_id: 9001", "pax_agt_id: nine").replace("ucdp_paid: 9003", "paid: 9003")
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load_agreement("x.yaml", text=text)
    message = str(caught.value)
    assert "identifiers" in message
    assert "pax_agt_id: expected a whole number" in message
    assert "unknown key(s) paid" in message


def test_a_numeric_pam_id_is_kept_as_text(with_ids):
    agreement = truce.load_agreement("x.yaml", text=with_ids.replace('"made-up-5"', "55"))
    assert agreement.identifiers.pam_id == "55"


def test_identifiers_validate_on_construction():
    with pytest.raises(ValueError, match="ucdp_paid"):
        truce.Identifiers(ucdp_paid=-1)
    with pytest.raises(ValueError, match="pam_id"):
        truce.Identifiers(pam_id="  ")
    with pytest.raises(ValueError, match="pax_agt_id"):
        truce.Identifiers(pax_agt_id=True)  # type: ignore[arg-type]


def test_show_prints_identifiers(with_ids, tmp_path, capsys):
    path = tmp_path / "ids.yaml"
    path.write_text(with_ids, encoding="utf-8")
    assert main(["show", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["definition"]["identifiers"]["ucdp_conflict_id"] == 9002
    assert data["definition"]["parties"]["north"]["ucdp_actor_id"] == 9100


def test_frames_expose_identifiers(with_ids):
    pytest.importorskip("pandas")
    agreement = truce.load_agreement("x.yaml", text=with_ids)
    ceasefire = truce.Ceasefire(agreement)
    row = ceasefire.to_frame("agreement").iloc[0]
    assert row["pax_agt_id"] == 9001
    assert row["pam_id"] == "made-up-5"
    parties = ceasefire.to_frame("parties").set_index("party")
    assert parties.loc["north", "ucdp_actor_id"] == 9100
    assert parties["ucdp_actor_id"].isna().sum() == 2
    bare = truce.Ceasefire(attrs.evolve(agreement, identifiers=truce.Identifiers()))
    assert bare.to_frame("agreement")["ucdp_paid"].isna().all()


def test_bundled_agreements_carry_no_unsourced_ids():
    # No source in the project's domain notes gives these ids, so none is bundled (docs/interop.md).
    for name in truce.agreements():
        agreement = truce.load(name).agreement
        assert not agreement.identifiers, name
        assert all(p.ucdp_actor_id is None for p in agreement.parties), name
