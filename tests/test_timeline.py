"""The timeline is a plain matplotlib Figure: no pyplot, no backend switch, draws into a given Axes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import truce

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure

from truce.timeline import timeline


def test_drawing_a_timeline_leaves_pyplot_and_the_backend_alone():
    script = textwrap.dedent("""
        import sys
        import matplotlib
        import truce
        from truce.timeline import timeline
        matplotlib.rcParams["backend"] = "svg"  # a notebook's own choice
        figure = timeline(truce.load("gaza-2025"))
        assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
        assert matplotlib.rcParams["backend"] == "svg", matplotlib.rcParams["backend"]
        assert type(figure).__name__ == "TimelineFigure"
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


def test_the_figure_is_returned_and_shows_as_png_in_jupyter():
    figure = timeline(truce.load("iran-israel-2025"))
    assert isinstance(figure, Figure)
    assert figure._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")


def test_it_draws_into_the_axes_it_is_given():
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert timeline(truce.load("iran-israel-2025").as_of("2025-06-25"), ax=right) is figure
    assert not left.has_data()
    assert right.has_data()
    assert right.get_title(loc="left").endswith("as of 2025-06-25")


def test_saves_when_given_a_path(tmp_path):
    timeline(truce.load("iran-israel-2025"), tmp_path / "iran.svg")
    assert (tmp_path / "iran.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
