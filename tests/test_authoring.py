"""What docs/authoring.md promises an analyst about edge cases, held as behaviour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import truce

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = (DOCS / "riverside.yaml").read_text(encoding="utf-8")


def _load(tmp_path: Path, log: str, definition: str = RIVERSIDE) -> truce.Ceasefire:
    (tmp_path / "r.yaml").write_text(definition, encoding="utf-8")
    (tmp_path / "r.events.yaml").write_text(log, encoding="utf-8")
    return truce.load(tmp_path / "r.yaml")


def test_extensions_of_an_obligation_without_a_deadline_never_invent_an_original_one(tmp_path):
    ceasefire = _load(
        tmp_path,
        "- {date: 2025-04-02, kind: extended, obligation: prisoners_released, due: 2025-04-10, source: text}\n"
        "- {date: 2025-04-03, kind: extended, obligation: prisoners_released, due: 2025-04-12, source: text}\n",
    )
    state = ceasefire.status("prisoners_released")
    assert state.due == dt.date(2025, 4, 12)
    assert state.original_due is None  # the text set none; the first extension is not the original
    assert len(state.extensions) == 2


def test_an_extension_keeps_the_deadline_the_text_set_as_the_original(tmp_path):
    ceasefire = _load(
        tmp_path,
        "- {date: 2025-04-02, kind: extended, obligation: detainees_released, due: 2025-04-10, source: text}\n"
        "- {date: 2025-04-03, kind: extended, obligation: detainees_released, due: 2025-04-12, source: text}\n",
    )
    state = ceasefire.status("detainees_released")
    assert (state.due, state.original_due) == (dt.date(2025, 4, 12), dt.date(2025, 4, 4))


def test_events_may_come_between_agreed_and_in_force_but_not_before_agreed(tmp_path):
    early = _load(
        tmp_path, "- {date: 2025-03-31, kind: progress, obligation: detainees_released, value: 3, source: text}\n"
    )
    assert early.status("detainees_released").progress == 3
    with pytest.raises(truce.LoadError, match=r"events\[0\]\.date: dated before the agreement \(2025-03-30\)"):
        _load(tmp_path, "- {date: 2025-03-29, kind: fulfilled, obligation: detainees_released, source: text}\n")


def test_a_guard_becoming_true_moves_no_phase(tmp_path):
    ceasefire = _load(
        tmp_path,
        "- {date: 2025-04-04, kind: fulfilled, obligation: detainees_released, source: text}\n"
        "- {date: 2025-04-05, kind: fulfilled, obligation: prisoners_released, source: text}\n"
        "- {date: 2025-04-05, kind: fact, fact: monitors_deployed, value: 10, source: text}\n",
    )
    assert not ceasefire.blockers("phase_two")  # open
    assert ceasefire.phase == "phase_one"  # until a dated transition event says it moved


def test_an_obligation_without_a_party_is_owed_jointly(tmp_path):
    definition = RIVERSIDE.replace("  prisoners_released:\n    party: north\n", "  prisoners_released:\n")
    ceasefire = _load(tmp_path, "[]\n", definition)
    assert ceasefire.agreement.obligation("prisoners_released").party is None
    assert "(no party)" in str(ceasefire.blockers("phase_two"))


def test_a_deadline_anchor_must_be_in_force_or_a_phase(tmp_path):
    definition = RIVERSIDE.replace("due: {after: in_force, hours: 72}", "due: {after: agreed, days: 3}")
    with pytest.raises(truce.DefinitionError, match=r"unknown anchor 'agreed' \(a phase or in_force\)"):
        truce.load_agreement("r.yaml", text=definition)
