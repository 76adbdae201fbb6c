"""Every HTML and Markdown rendering escapes strings that come from data."""

from __future__ import annotations

import datetime as dt

import pytest

import truce
from truce import Agreement, Event, FactDef, Obligation, Party, Phase, Source, Transition, parse_guard

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def hostile() -> truce.Ceasefire:
    source = Source(EVIL, f"{EVIL} & 'co'", url='https://example.org/?q="><script>alert(1)</script>')
    agreement = Agreement(
        id="hostile",
        title=EVIL,
        in_force=dt.date(2025, 1, 1),
        parties=[Party("a", EVIL, "state"), Party("b", "B'\"", "armed_group")],
        obligations=[Obligation("o", "a", EVIL, source, due=truce.Due(date="2025-01-02"))],
        facts=[FactDef("f", EVIL, source=source)],
        phases=[Phase("one", EVIL), Phase("two")],
        initial="one",
        terminal=["two"],
        transitions=[Transition("go", ["one"], "two", parse_guard(f"fulfilled(o) and fact(f) == {EVIL!r}"), EVIL)],
    )
    ceasefire = truce.Ceasefire(agreement)
    ceasefire.record(Event("2025-01-03", "incident", text=EVIL, party="a", reported_by=EVIL, source=source))
    ceasefire.record(Event("2025-01-03", "claim", party="b", obligation="o", asserts="breached", text=EVIL))
    ceasefire.record(Event("2025-01-04", "declared", trigger="go", source=source, text=EVIL))
    return ceasefire


def renderings(ceasefire: truce.Ceasefire) -> dict[str, str]:
    before = ceasefire.as_of("2025-01-03")
    return {
        "ceasefire": ceasefire._repr_html_(),
        "blockers": before.blockers("two")._repr_html_(),
        "compliance": ceasefire.compliance()._repr_html_(),
        "mermaid": before.diagram().mermaid(),
        "diagram html": before.diagram().html(),
    }


def test_no_raw_markup_from_data_survives(hostile):
    for name, text in renderings(hostile).items():
        assert "<script" not in text, name
        assert "alert(1)</" not in text, name


def test_escaped_text_is_still_there(hostile):
    html = renderings(hostile)["blockers"]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="https://example.org/?q=&quot;&gt;&lt;script&gt;' in html


def test_mermaid_labels_stay_on_their_edge(hostile):
    mermaid = renderings(hostile)["mermaid"]
    edge = next(line for line in mermaid.splitlines() if line.strip().startswith("one --> two"))
    assert edge.strip().startswith("one --> two: go [")
    assert "#lt;script#gt;" in edge


def test_dot_quotes_labels(hostile):
    dot = hostile.as_of("2025-01-03").diagram().dot()
    assert '<script>alert(\\"x\\")' in dot  # graphviz quotes and escapes; DOT is text, not HTML


def test_mermaid_statements_cannot_be_ended_by_data(hostile):
    mermaid = renderings(hostile)["mermaid"]
    assert ";" not in mermaid.replace("#59;", "").replace("#35;", "").replace("#quot;", "").replace("#lt;", "").replace(
        "#gt;", ""
    )
