"""Source kinds, links between agreements and the sources' horizon: read, checked, written back."""

from __future__ import annotations

import datetime as dt

import pytest

import truce
from truce.cli import main
from truce.provenance import copy_only, source_counts

BASE = """
id: linked
title: Linked
in_force: 2025-01-01
sources:
  text: {title: Text, publisher: Mediators, kind: primary}
  mirror: {title: Text, publisher: a mirror (Mediators copy), kind: copy}
  wire: {title: Report, publisher: Agency, kind: wire}
parties: {a: {name: A}}
obligations:
  stop: {party: a, text: Stop, source: text}
phases: [one, two]
initial: one
terminal: [two]
transitions:
  - {trigger: go, from: one, to: two, guard: fulfilled(stop)}
"""


def test_source_kind_is_read_and_written_back():
    agreement = truce.load_agreement("x.yaml", text=BASE + "supersedes: older\nsuperseded_by: [newer]\n")
    assert agreement.sources[0].kind is truce.SourceKind.PRIMARY
    assert agreement.sources[0].to_dict()["kind"] == "primary"
    assert (agreement.supersedes, agreement.superseded_by) == (("older",), ("newer",))
    assert truce.load_agreement("x.yaml", text=truce.dump_agreement(agreement)) == agreement


def test_an_unknown_source_kind_is_named_with_the_allowed_ones():
    with pytest.raises(truce.DefinitionError, match="unknown source kind 'blog'; one of primary, wire, outlet, copy"):
        truce.load_agreement("x.yaml", text=BASE.replace("kind: wire", "kind: blog"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("supersedes: linked\n", "cannot link to itself"),
        ("superseded_by: [Not An Id]\n", "is not an agreement id"),
        ("data_through: 2024-12-31\n", "data_through 2024-12-31 is before in_force"),
        ("ended: 2025-03-01\ndata_through: 2025-02-01\n", "ended 2025-03-01 is after data_through"),
    ],
)
def test_bad_links_and_horizons_are_definition_errors(extra, message):
    with pytest.raises(truce.DefinitionError, match=message):
        truce.load_agreement("x.yaml", text=BASE + extra)


def _events(agreement, *sources):
    registry = {s.key: s for s in agreement.sources}
    return [truce.Event(date="2025-01-02", kind="fulfilled", obligation="stop", source=registry[k]) for k in sources]


def test_a_state_change_on_a_copy_alone_is_found_unless_a_stronger_source_reports_it_too():
    agreement = truce.load_agreement("x.yaml", text=BASE)
    (alone,) = _events(agreement, "mirror")
    assert copy_only([alone]) == [alone]
    assert copy_only(_events(agreement, "mirror", "wire")) == []
    claim = truce.Event(
        date="2025-01-02", kind="claim", party="a", obligation="stop", asserts="breached", source=alone.source
    )
    assert copy_only([claim]) == []  # a claim records that someone said it, not that it is so


def test_source_counts_count_cited_sources_once_by_kind():
    agreement = truce.load_agreement("x.yaml", text=BASE)
    assert source_counts(agreement, _events(agreement, "mirror", "mirror")) == {"primary": 1, "copy": 1}


def test_check_warns_on_a_fact_resting_on_a_copy(tmp_path, capsys):
    (tmp_path / "linked.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "linked.events.yaml").write_text(
        "- {date: 2025-01-02, kind: fulfilled, obligation: stop, source: mirror}\n", encoding="utf-8"
    )
    assert main(["check", str(tmp_path / "linked.yaml")]) == 0
    out = capsys.readouterr().out
    assert "1 warning" in out
    assert "warning[copy-only-source] 2025-01-02 fulfilled stop rests only on a copy: Text, a mirror" in out


def test_every_bundled_agreement_has_a_horizon_not_before_its_last_event():
    for name in truce.agreements():
        ceasefire = truce.load(name)
        through = ceasefire.agreement.data_through
        assert through is not None, name
        assert ceasefire.data_through is not None, name
        assert ceasefire.data_through <= through, name
        assert through <= dt.date(2026, 7, 5), name
