"""Event-log errors: each names its file, line and field, all of them are reported at once,
enum errors list the allowed values, and no message shows an internal type name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import truce
from truce.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = (DOCS / "riverside.yaml").read_text(encoding="utf-8")


def _check(tmp_path: Path, capsys, log: str, *, suffix: str = ".events.yaml", definition: str = RIVERSIDE) -> list[str]:
    (tmp_path / "r.yaml").write_text(definition, encoding="utf-8")
    (tmp_path / f"r{suffix}").write_text(log, encoding="utf-8")
    assert main(["check", str(tmp_path / "r.yaml")]) == 1
    out = capsys.readouterr().out
    return [line.strip() for line in out.splitlines()[1:]]


def _where(line: str) -> tuple[str, str]:
    """``(file:line, field)`` from an ``error[events]`` line."""
    match = re.match(r"error\[events\] \S*?([^/\s]+:\d+): (events\[\d+\][.\w]*): ", line)
    assert match, line
    return match[1], match[2]


YAML_LOG = """events:
  - {date: 2025-04-02, kind: progres, obligation: detainees_released, value: 5}
  - {date: 2025-04-02, kind: progress, obligation: detainees_released, value: "7,132"}
  - {date: 2025-04-03, kind: extended, obligation: detainees_released, due: {date: 2025-04-09}}
  - {date: 2025-04-03, kind: fulfilled, obligation: detainees_released, precision: days}
  - {date: 2025-04-03, kind: claim, party: south, obligation: prisoners_released, asserts: broken}
  - {date: 2025-04-32, kind: fulfilled, obligation: detainees_released}
  - {date: 2025-04-05, kind: fact, fact: monitors_deployed, value: [1, 2]}
  - {date: 2025-04-05, kind: fulfilled, obligation: nope}
  - {date: 2025-04-05, kind: claim, party: west, obligation: prisoners_released, asserts: breached}
  - {date: 2025-03-01, kind: fulfilled, obligation: prisoners_released}
"""


def test_every_yaml_log_error_names_file_line_and_field_all_at_once(tmp_path, capsys):
    lines = _check(tmp_path, capsys, YAML_LOG)
    assert [_where(line) for line in lines] == [
        ("r.events.yaml:2", "events[0].kind"),
        ("r.events.yaml:3", "events[1].value"),
        ("r.events.yaml:4", "events[2].due"),
        ("r.events.yaml:5", "events[3].precision"),
        ("r.events.yaml:6", "events[4].asserts"),
        ("r.events.yaml:7", "events[5].date"),
        ("r.events.yaml:8", "events[6].value"),
        ("r.events.yaml:9", "events[7].obligation"),
        ("r.events.yaml:10", "events[8].party"),
        ("r.events.yaml:11", "events[9].date"),
    ]


def test_messages_name_no_internal_types_and_list_allowed_values(tmp_path, capsys):
    text = "\n".join(_check(tmp_path, capsys, YAML_LOG))
    for internal in ("LineDict", "LineList", "dict", "str", "NoneType", "bool", "EventKind", "Precision"):
        assert not re.search(rf"\b{internal}\b", text), internal
    assert "due: expected a date (YYYY-MM-DD), got a mapping" in text
    assert "value: expected a number, text or true/false, got a list" in text
    assert "kind: 'progres' is not one of fulfilled, progress, breached" in text
    assert "precision: 'days' is not one of day, week, month" in text
    assert "unknown party 'west'" in text


def test_a_count_with_thousands_separators_says_they_are_not_numbers(tmp_path, capsys):
    text = "\n".join(_check(tmp_path, capsys, YAML_LOG))
    assert "'7,132' is not a number: write it without thousands separators (7132)" in text


def test_json_lines_errors_name_the_line_and_field_all_at_once(tmp_path, capsys):
    log = (
        '{"date": "2025-04-02", "kind": "progres", "obligation": "detainees_released", "value": 5}\n'
        '{"date": "2025-04-03", "kind": "extended", "obligation": "detainees_released", "due": {"date": "x"}}\n'
        '{"date": 20250403, "kind": "fulfilled", "obligation": "detainees_released"}\n'
        '{"date": "2025-04-03", "kind": "fulfilled", "obligation": "nope"}\n'
    )
    lines = _check(tmp_path, capsys, log, suffix=".events.jsonl")
    assert [_where(line) for line in lines] == [
        ("r.events.jsonl:1", "events[0].kind"),
        ("r.events.jsonl:2", "events[1].due"),
        ("r.events.jsonl:3", "events[2].date"),
        ("r.events.jsonl:4", "events[3].obligation"),
    ]
    assert "got a number" in lines[2]


def test_one_event_with_several_problems_reports_each(tmp_path, capsys):
    lines = _check(tmp_path, capsys, "- {date: 2025-04-31, kind: fulfiled, obligation: detainees_released}\n")
    assert sorted(_where(line)[1] for line in lines) == ["events[0].date", "events[0].kind"]


def test_a_refused_transition_names_its_line_and_trigger(tmp_path, capsys):
    log = (
        "- {date: 2025-04-02, kind: fulfilled, obligation: detainees_released, source: text}\n"
        "- {date: 2025-04-03, kind: transition, trigger: begin_phase_two, source: text}\n"
    )
    first, *_details = _check(tmp_path, capsys, log)
    assert _where(first) == ("r.events.yaml:2", "events[1].trigger")
    assert "begin_phase_two is blocked" in first


def test_load_raises_one_error_listing_every_problem(tmp_path):
    (tmp_path / "r.yaml").write_text(RIVERSIDE, encoding="utf-8")
    (tmp_path / "r.events.yaml").write_text(YAML_LOG, encoding="utf-8")
    with pytest.raises(truce.LoadError) as caught:
        truce.load(tmp_path / "r.yaml")
    assert len(caught.value.problems) == 10
    assert {p.path for p in caught.value.problems} == {str(tmp_path / "r.events.yaml")}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("kind: armed_group}", "kind: militia}", "parties.south.kind: 'militia' is not one of state, armed_group,"),
        ("kind: withdrawal", "kind: pullback", "obligations.pull_back.kind: 'pullback' is not one of cessation,"),
        (
            "measure: {unit: detainees, target: 12}",
            "measure:\n      unit: detainees\n      target: 7,132",
            "target: '7,132' is not a number: write it without thousands separators (7132)",
        ),
        (
            "measure: {unit: detainees, target: 12}",
            "measure: {unit: detainees, target: 7,132}",
            "target: in a {...} mapping a comma separates entries: write 7132 without thousands separators",
        ),
    ],
)
def test_definition_errors_list_allowed_values_and_explain_thousands_separators(tmp_path, old, new, expected):
    assert old in RIVERSIDE
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load_agreement("r.yaml", text=RIVERSIDE.replace(old, new))
    assert expected in str(caught.value)
    assert "PartyKind" not in str(caught.value)
    assert "ObligationKind" not in str(caught.value)


def test_malformed_json_lines_are_reported_with_the_other_problems(tmp_path, capsys):
    log = (
        '{"date": "2025-04-02", "kind": "fulfilled", "obligation": "detainees_released"\n'
        '{"date": "2025-04-03", "kind": "fulfilled", "obligation": "nope"}\n'
        '{"date": "2025-04-03", "date": "2025-04-04", "kind": "incident", "text": "x"}\n'
        '{"date": "2025-04-05", "kind": "incident", "text": "last"}\n'
    )
    lines = _check(tmp_path, capsys, log, suffix=".events.jsonl")
    assert [_where(line) for line in lines] == [
        ("r.events.jsonl:1", "events[0]"),
        ("r.events.jsonl:2", "events[1].obligation"),
        ("r.events.jsonl:3", "events[2]"),
    ]
    assert "malformed JSON" in lines[0]
    assert "duplicate key 'date'" in lines[2]


def test_a_refused_event_of_ones_own_log_merged_with_bundled_events_names_its_file_line_and_index(tmp_path):
    extra = tmp_path / "mine.events.yaml"
    extra.write_text(
        "- {date: 2025-12-30, kind: incident, text: a report, source: {title: Mine}}\n"
        "- {date: 2025-12-31, kind: transition, trigger: hold_72_hours, source: {title: Mine}}\n",
        encoding="utf-8",
    )
    with pytest.raises(truce.LoadError) as caught:
        truce.load("thailand-cambodia-2025", events=extra)
    assert str(caught.value.problems[0]).startswith(f"{extra}:2: events[1].trigger: hold_72_hours cannot fire")


def test_a_well_formed_json_lines_log_with_wrong_names_and_order_reports_each_at_its_line(tmp_path):
    """The fast reader takes every line (each is plainly valid JSON); names and order are checked by the
    replay, and a refusal there has the careful reader name every problem, not the first alone."""
    good = '{"date": "2025-04-02", "kind": "incident", "text": "quiet"}\n' * 300
    log = (
        good
        + '{"date": "2025-04-03", "kind": "fulfilled", "obligation": "nope"}\n'
        + '{"date": "2025-04-01", "kind": "incident", "text": "late"}\n'
        + '{"date": "2025-04-04", "kind": "fact", "fact": "nothing", "value": 1}\n'
    )
    (tmp_path / "r.yaml").write_text(RIVERSIDE, encoding="utf-8")
    (tmp_path / "r.events.jsonl").write_text(log, encoding="utf-8")
    with pytest.raises(truce.LoadError) as caught:
        truce.load(tmp_path / "r.yaml")
    found = [(p.line, p.field) for p in caught.value.problems]
    assert found == [(301, "events[300].obligation"), (302, "events[301].date"), (303, "events[302].fact")]
