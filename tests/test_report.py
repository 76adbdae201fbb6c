"""The static HTML report: complete, escaped, offline; and, in headless Chromium, it renders cleanly."""

from __future__ import annotations

import re

import pytest

import truce
from tests.browser import Page
from tests.test_rendering import hostile  # noqa: F401 - the fixture
from truce.cli import main
from truce.report import html_report, write_report


@pytest.fixture(scope="module")
def december_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "gaza.html"
    assert main(["report", "gaza-2025", "--as-of", "2025-12-29", "-o", str(path)]) == 0
    return path


def test_the_report_answers_the_questions(december_page):
    page = december_page.read_text(encoding="utf-8")
    assert '<span class="phase">phase_one</span>' in page
    assert "phase_one -&gt; phase_two (begin_phase_two) blocked as of 2025-12-29: 1 of 4 conditions unmet" in page
    assert "phase_one -&gt; collapsed (collapse)" in page  # every way out, not only the next phase
    assert "deceased_hostages_remains_returned" in page
    assert "overdue 77 days" in page
    assert "<h2>Compliance</h2>" in page
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', page)
    assert "<svg" in page or "Install Graphviz" in page


def test_deadlines_show_the_date_first_agreed():
    page = html_report(truce.load("lebanon-2024").as_of("2025-03-01"), timeline=False)
    deadlines = page[page.index("<h2>Deadlines</h2>") : page.index("<h2>Compliance</h2>")]
    row = next(r for r in deadlines.split("<tr>") if "israeli_withdrawal" in r)
    assert "<td>2025-02-18</td>" in row
    assert "2025-01-26 (moved 1 time)" in row


def test_the_report_needs_no_network(december_page):
    page = december_page.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r'\ssrc="(?!data:)', page)  # every image is inline
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page


def test_data_is_escaped_in_the_report(hostile):  # noqa: F811
    page = html_report(hostile.as_of("2025-01-03"))
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_without_matplotlib_the_report_says_how_to_get_the_timeline(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = write_report(truce.load("iran-israel-2025"), tmp_path / "r.html").read_text(encoding="utf-8")
    assert "pip install &#x27;truce-ceasefire[plot]&#x27;" in page
    assert "<h2>Deadlines</h2>" in page


@pytest.mark.browser
def test_the_report_renders_in_chromium_without_errors(december_page):
    with Page(december_page.as_uri()) as page:
        assert page.errors == []
        assert page.evaluate("document.querySelector('h1').textContent").startswith("Israel–Hamas Gaza ceasefire")
        images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
        assert images == [True]
        assert page.evaluate("document.querySelectorAll('table.truce').length") >= 4
        if "<svg" in december_page.read_text(encoding="utf-8"):
            assert page.evaluate("document.querySelector('figure.diagram svg').getBBox().width") > 100
        page.screenshot("report-gaza-2025.png")


@pytest.mark.browser
def test_the_browser_check_catches_planted_errors(tmp_path):
    """The harness is trusted only once it is seen to catch what it looks for."""
    planted = tmp_path / "planted.html"
    planted.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'\"></head><body>"
        "<script>console.error('planted console error')</script>"
        '<img src="missing.png"><img src="https://example.org/x.png"></body></html>',
        encoding="utf-8",
    )
    with Page(planted.as_uri()) as page:
        found = " | ".join(page.errors)
    assert "planted console error" in found
    assert "Content Security Policy" in found or "Content-Security-Policy" in found
