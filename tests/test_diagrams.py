"""Diagrams: the start marker, the current phase, open and blocked exits, and what each format needs."""

from __future__ import annotations

import shutil
import sys

import pytest

import truce
from truce import diagrams


@pytest.fixture
def iran() -> truce.Ceasefire:
    return truce.load("iran-israel-2025").as_of("2025-06-25")  # war_ended; initial phase iran_ceasefire


@pytest.fixture
def december() -> truce.Ceasefire:
    return truce.load("gaza-2025").as_of("2025-12-29")  # phase_one, phase two blocked


def test_mermaid_start_marker_points_at_the_initial_phase_not_the_current_one(iran):
    lines = [line.strip() for line in iran.diagram().mermaid().splitlines()]
    assert "[*] --> iran_ceasefire" in lines
    assert "[*] --> war_ended" not in lines
    assert "class war_ended current" in lines


def test_mermaid_class_statements_are_ones_mermaid_reads(iran):
    mermaid = iran.diagram().mermaid()
    assert "\n  Class " not in mermaid  # transitions' GraphMachine wrote this; Mermaid ignores it
    defined = {line.split()[1] for line in mermaid.splitlines() if line.strip().startswith("classDef ")}
    used = {line.split()[2] for line in mermaid.splitlines() if line.strip().startswith("class ")}
    assert used <= defined


def test_mermaid_colours_where_a_blocked_exit_leads(december):
    lines = [line.strip() for line in december.diagram().mermaid().splitlines()]
    assert "class phase_two blocked" in lines
    assert "class phase_one current" in lines
    assert any(line.startswith("classDef blocked ") and "firebrick" in line for line in lines)


def test_mermaid_colours_where_an_open_exit_leads(riverside):
    riverside.record(truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10))
    assert not riverside.blockers("begin_phase_two")
    lines = [line.strip() for line in riverside.diagram().mermaid().splitlines()]
    assert "class phase_two open" in lines
    assert any(
        line.startswith("phase_one --> phase_two: begin_phase_two [") and line.endswith(" OPEN") for line in lines
    )


def test_dot_has_the_start_marker_and_coloured_edges(december):
    dot = december.diagram().dot()
    assert '"__start__" -> "phase_one";' in dot
    blocked = next(line for line in dot.splitlines() if line.strip().startswith('"phase_one" -> "phase_two"'))
    assert "color=firebrick" in blocked
    assert "style=dashed" in blocked


def test_dot_and_mermaid_text_need_no_graphviz(december, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert december.diagram().dot().startswith("digraph")
    assert "stateDiagram-v2" in december.diagram().mermaid()
    with pytest.raises(truce.MissingDependency, match=r"pip install 'truce-ceasefire\[graphviz\]'"):
        december.diagram().render("svg")


def test_jupyter_gets_a_self_contained_view_without_graphviz(december, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    bundle = december.diagram()._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    html = bundle["text/html"]
    assert "<script" not in html
    assert "http" not in html  # nothing fetched from a CDN
    assert "BLOCKED: 1 unmet" in html
    assert "firebrick" in html


def test_the_diagram_offers_no_markdown_for_exporters_to_prefer(december):
    diagram = december.diagram()
    assert not hasattr(diagram, "_repr_markdown_")
    assert not hasattr(diagram, "_repr_svg_")


@pytest.mark.skipif(not diagrams._graphviz_ready(), reason="Graphviz (dot and the graphviz package) not installed")
def test_jupyter_gets_svg_only_with_graphviz(december):
    bundle = december.diagram()._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}  # no HTML: exporters would prefer it to the SVG
    assert "<svg" in bundle["image/svg+xml"]
    assert "phase_one" in bundle["image/svg+xml"]
