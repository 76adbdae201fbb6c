"""YAML and JSON Lines logs follow the same rules (issue 17, O9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import truce

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = truce.load_agreement(DOCS / "riverside.yaml")
EVENT = {"date": "2025-04-02", "kind": "incident", "text": "x"}


def test_duplicate_keys_are_refused_in_both_formats():
    with pytest.raises(truce.LoadError, match="duplicate key 'text'") as caught:
        truce.load_events(
            "x.events.jsonl", RIVERSIDE, text='{"date": "2025-04-02", "kind": "incident", "text": "x", "text": "y"}\n'
        )
    assert caught.value.problems[0].line == 1
    with pytest.raises(truce.LoadError, match="duplicate key 'text'"):
        truce.load_events("x.events.yaml", RIVERSIDE, text="- {date: 2025-04-02, kind: incident, text: x, text: y}\n")


def test_a_bom_is_skipped_in_both_formats():
    line = json.dumps(EVENT) + "\n"
    for name, text in (("x.events.jsonl", line), ("x.events.yaml", "- " + line)):
        events = truce.load_events(name, RIVERSIDE, text=b"\xef\xbb\xbf" + text.encode())
        assert [e.text for e in events] == ["x"], name


def test_a_logs_agreement_key_must_name_the_agreement():
    text = "agreement: gaza-2025\nevents:\n  - {date: 2025-04-02, kind: incident, text: x}\n"
    with pytest.raises(truce.LoadError, match="this log is for agreement 'gaza-2025', not 'riverside'"):
        truce.load_events("x.events.yaml", RIVERSIDE, text=text)
    assert len(truce.load_events("x.events.yaml", RIVERSIDE, text=text.replace("gaza-2025", "riverside"))) == 1
    assert len(truce.load_events("x.events.yaml", text=text)) == 1  # no agreement given: nothing to compare


@pytest.mark.parametrize("name", ["x.events.jsonl", "x.events.yaml"])
def test_events_after_the_agreement_ended_are_refused_in_both_formats(name):
    ended = truce.load_agreement("x.yaml", text=(DOCS / "riverside.yaml").read_text() + "ended: 2025-05-01\n")
    late = {**EVENT, "date": "2025-05-02"}
    text = json.dumps(late) + "\n" if name.endswith(".jsonl") else "- " + json.dumps(late) + "\n"
    with pytest.raises(truce.LoadError, match=r"dated after the agreement ended \(2025-05-01\)"):
        truce.load_events(name, ended, text=text)


def test_lone_surrogates_are_refused_in_both_formats():
    with pytest.raises(truce.LoadError, match="lone surrogate"):
        truce.load_events(
            "x.events.jsonl", RIVERSIDE, text='{"date": "2025-04-02", "kind": "incident", "text": "\\ud800"}\n'
        )
    with pytest.raises(truce.LoadError, match=r"lone surrogate|invalid Unicode"):  # libyaml refuses it first
        truce.load_events("x.events.yaml", RIVERSIDE, text='- {date: 2025-04-02, kind: incident, text: "\\ud800"}\n')
    # a proper pair (an emoji written as two escapes) is text, not a surrogate
    events = truce.load_events(
        "x.events.jsonl", RIVERSIDE, text='{"date": "2025-04-02", "kind": "incident", "text": "\\ud83d\\ude00"}\n'
    )
    assert events[0].text == "\U0001f600"
