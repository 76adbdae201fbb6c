"""The phase graph in networkx: nodes, edges, guards and truth agree with blockers."""

from __future__ import annotations

import sys

import pytest

import truce
from truce.graph import to_networkx

networkx = pytest.importorskip("networkx")


@pytest.mark.parametrize("name", truce.agreements())
def test_edge_truth_agrees_with_blockers(name):
    for ceasefire in (truce.load(name), truce.load(name).as_of(truce.load(name).agreement.in_force)):
        graph = to_networkx(ceasefire)
        assert set(graph.nodes) == set(ceasefire.agreement.phase_ids)
        assert sum(len(t.from_phases) for t in ceasefire.agreement.transitions) == graph.number_of_edges()
        for trigger in ceasefire.triggers:
            edges = [d for _, _, k, d in graph.edges(keys=True, data=True) if k == trigger and d["leaves_current"]]
            assert edges, trigger
            assert any(d["holds"] for d in edges) == (not ceasefire.blockers(trigger)), (name, trigger)


def test_nodes_carry_phase_facts(riverside):
    moved = riverside.what_if(facts={"monitors_deployed": 12})
    moved.advance("begin_phase_two")
    graph = to_networkx(moved)
    assert graph.graph["phase"] == "phase_two"
    assert graph.nodes["phase_two"]["current"]
    assert graph.nodes["phase_two"]["entered"] == moved.date
    assert graph.nodes["phase_one"]["initial"]
    assert graph.nodes["collapsed"]["terminal"]
    edge = graph.edges["phase_one", "phase_two", "begin_phase_two"]
    assert edge["truth"] == "true"
    assert edge["guard"].startswith("fulfilled(detainees_released)")
    assert edge["source"].startswith("Riverside truce text")
    assert networkx.has_path(graph, "phase_one", "completed")


def test_without_networkx_it_says_how_to_get_it(riverside, monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(truce.MissingDependency, match=r"truce-ceasefire\[networkx\]"):
        to_networkx(riverside)
