"""docs/notebooks/tour.ipynb runs headless in a real kernel, exports to HTML, and reads right in Chromium.

This is the path a notebook user takes (execute, then nbconvert to share), and the one where
truce's pictures used to go wrong: a timeline that switched the kernel's backend, a diagram
that exported blank. The executed notebook and its HTML are kept in ``build/test-artifacts``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, Page
from truce import diagrams

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the dev extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the dev extra")
nbconvert = pytest.importorskip("nbconvert", reason="nbconvert is in the dev extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the dev extra")

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebooks" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed() -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, ARTIFACTS / "tour.ipynb")
    return notebook


@pytest.fixture(scope="module")
def exported(executed) -> Path:
    """The notebook as HTML, as ``jupyter nbconvert --to html`` makes it, minus the template's CDN scripts.

    The lab template loads require.js and MathJax from a CDN; this notebook needs neither, and
    the browser check runs offline, so their (empty) script tags are dropped.
    """
    exporter = nbconvert.HTMLExporter(require_js_url="", mathjax_url="", mermaid_js_url="")
    html, _ = exporter.from_notebook_node(executed)
    html = re.sub(r'<script src="">\s*</script>', "", html)
    path = ARTIFACTS / "tour.html"
    path.write_text(html, encoding="utf-8")
    return path


def outputs(notebook: Any, source_start: str) -> list[Any]:
    cell = next(c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(source_start))
    return list(cell.outputs)


def test_every_cell_runs_without_errors(executed):
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert all(o.output_type != "error" for o in cell.outputs), cell.source


def test_the_ceasefire_blockers_and_frames_show_as_tables(executed):
    assert "<table" in outputs(executed, "import truce")[0].data["text/html"]
    assert "1 of 4 conditions unmet" in outputs(executed, 'december.blockers("phase_two")')[0].data["text/html"]
    assert "<table" in outputs(executed, 'frame[["agreement"')[0].data["text/html"]


def test_the_diagram_is_svg_with_graphviz_and_never_markdown(executed):
    (output,) = outputs(executed, "december.diagram()")
    assert "text/markdown" not in output.data
    if diagrams._graphviz_ready():
        assert set(output.data) == {"image/svg+xml", "text/plain"}
    else:
        assert "text/html" in output.data


def test_the_timeline_is_an_image_and_later_plots_still_show(executed):
    (timeline,) = outputs(executed, "from truce.timeline import timeline")
    assert "image/png" in timeline.data
    assert "<Figure size" not in timeline.data.get("text/plain", "") or "image/png" in timeline.data
    later = outputs(executed, "import matplotlib.pyplot as plt")
    assert any("image/png" in o.get("data", {}) for o in later), "a plt plot after the timeline showed nothing"


@pytest.mark.browser
def test_the_exported_notebook_reads_right_in_chromium(exported):
    with Page(exported.as_uri(), width=1280, height=1000) as page:
        assert page.errors == []
        # nbconvert's lab template embeds SVG output as a data: URI image: inline, nothing fetched
        svg = "[...document.querySelectorAll('.jp-RenderedSVG img')]"
        if diagrams._graphviz_ready():
            found = page.evaluate(f"{svg}.map(i => [i.src.slice(0, 26), i.complete && i.naturalWidth > 100])")
            assert found == [["data:image/svg+xml;base64,", True]]
        else:
            assert page.evaluate("document.querySelectorAll('.truce-diagram table').length") == 1
        pngs = "[...document.querySelectorAll('.jp-RenderedImage img')]"
        images = page.evaluate(f"{pngs}.map(i => i.src.startsWith('data:image/png') && i.naturalWidth > 100)")
        assert images == [True, True]  # the timeline and the plot after it
        assert page.evaluate("document.querySelectorAll('table.truce').length") >= 3
        assert page.evaluate("document.querySelectorAll('table.dataframe').length") == 1
        page.screenshot("tour.png")
