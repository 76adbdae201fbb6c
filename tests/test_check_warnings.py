"""`truce check` as a data-quality gate: warnings about an event log that loads but looks wrong.

Each warning leaves the exit code at 0 and is listed; ``--strict`` (``verify(..., strict=True)``)
makes them errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import truce
from truce.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"

SOURCED = "source: text"


def _agreement(tmp_path: Path, log: str) -> Path:
    (tmp_path / "r.yaml").write_text((DOCS / "riverside.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "r.events.yaml").write_text("events:\n" + log, encoding="utf-8")
    return tmp_path / "r.yaml"


WARNED = {
    "unsourced-event": "  - {date: 2025-04-02, kind: fulfilled, obligation: detainees_released}\n",
    "progress-above-target": (
        f"  - {{date: 2025-04-02, kind: progress, obligation: detainees_released, value: 15, {SOURCED}}}\n"
    ),
    "fact-type-mismatch": (
        f'  - {{date: 2025-04-02, kind: fact, fact: hostilities_resumed, value: "true", {SOURCED}}}\n'
    ),
    "deadline-moved-earlier": (
        f"  - {{date: 2025-04-02, kind: extended, obligation: detainees_released, due: 2025-04-03, {SOURCED}}}\n"
    ),
}


@pytest.mark.parametrize("code", sorted(WARNED))
def test_each_warning_is_listed_and_exits_0(tmp_path, capsys, code):
    path = _agreement(tmp_path, WARNED[code])
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"warning[{code}]" in out
    assert main(["check", str(path), "--strict"]) == 1
    assert f"error[{code}]" in capsys.readouterr().out


def test_a_clean_log_has_none_of_these_warnings(tmp_path):
    log = (
        f"  - {{date: 2025-04-02, kind: progress, obligation: detainees_released, value: 12, {SOURCED}}}\n"
        f"  - {{date: 2025-04-03, kind: fact, fact: hostilities_resumed, value: false, {SOURCED}}}\n"
        f"  - {{date: 2025-04-03, kind: fact, fact: monitors_deployed, value: 8, {SOURCED}}}\n"
    )
    report = truce.verify(truce.load(_agreement(tmp_path, log)))
    assert not report.codes() & set(WARNED)


def test_the_warnings_say_what_is_wrong_in_the_python_api(tmp_path):
    ceasefire = truce.load(_agreement(tmp_path, "".join(WARNED.values())))
    report = truce.verify(ceasefire)
    assert report.ok
    found = {f.code: f for f in report.warnings}
    assert set(WARNED) <= set(found)
    assert found["unsourced-event"].ids == ("detainees_released",)
    assert "2025-04-02 fulfilled detainees_released has no source" in found["unsourced-event"].message
    assert "15 is above the target of 12 detainees" in found["progress-above-target"].message
    mismatch = found["fact-type-mismatch"].message
    assert "'true' (text)" in mismatch
    assert "fact(hostilities_resumed) == true" in mismatch
    assert "which is always false on it" in mismatch
    assert "2025-04-03, earlier than 2025-04-04" in found["deadline-moved-earlier"].message
    strict = truce.verify(ceasefire, strict=True)
    assert not strict.ok
    assert {f.code for f in strict.errors} >= set(WARNED)


def test_a_mismatch_under_not_equal_says_the_comparison_always_holds(tmp_path):
    definition = (
        (DOCS / "riverside.yaml")
        .read_text(encoding="utf-8")
        .replace("guard: fact(hostilities_resumed) == true", "guard: not fact(hostilities_resumed) != true")
    )
    log = f'  - {{date: 2025-04-02, kind: fact, fact: hostilities_resumed, value: "true", {SOURCED}}}\n'
    path = _agreement(tmp_path, log)
    path.write_text(definition, encoding="utf-8")
    (found,) = [f for f in truce.verify(truce.load(path)).warnings if f.code == "fact-type-mismatch"]
    assert "fact(hostilities_resumed) != true (true/false) in collapse, which is always true" in found.message


def test_a_number_written_as_text_against_a_numeric_guard_is_a_mismatch(tmp_path):
    log = f'  - {{date: 2025-04-02, kind: fact, fact: monitors_deployed, value: "12", {SOURCED}}}\n'
    report = truce.verify(truce.load(_agreement(tmp_path, log)))
    assert "fact-type-mismatch" in report.codes()


def test_a_claimed_fact_value_is_checked_too(tmp_path):
    log = f"  - {{date: 2025-04-02, kind: claim, party: south, fact: hostilities_resumed, value: 'yes', {SOURCED}}}\n"
    report = truce.verify(truce.load(_agreement(tmp_path, log)))
    assert "fact-type-mismatch" in report.codes()


def test_a_later_extension_is_not_warned_about(tmp_path):
    log = (
        f"  - {{date: 2025-04-02, kind: extended, obligation: detainees_released, due: 2025-04-09, {SOURCED}}}\n"
        f"  - {{date: 2025-04-03, kind: extended, obligation: detainees_released, due: 2025-04-07, {SOURCED}}}\n"
    )
    report = truce.verify(truce.load(_agreement(tmp_path, log)))
    moved = [f for f in report.warnings if f.code == "deadline-moved-earlier"]
    assert len(moved) == 1
    assert "2025-04-07, earlier than 2025-04-09" in moved[0].message


def test_strict_json_lists_the_warnings_as_errors(tmp_path, capsys):
    path = _agreement(tmp_path, WARNED["unsourced-event"])
    assert main(["check", str(path), "--json", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert [f["severity"] for f in data["findings"] if f["code"] == "unsourced-event"] == ["error"]


def test_bundled_agreements_pass_check_without_strict(capsys):
    for name in truce.agreements():
        assert main(["check", name]) == 0, name
    capsys.readouterr()
