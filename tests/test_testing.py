"""truce.testing bites: a deliberately broken ceasefire is caught by its checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import truce
from truce.ceasefire import Ceasefire
from truce.testing import ceasefire_machine, check_step, event_logs


def test_check_step_accepts_a_legal_move(riverside):
    monitors = truce.Event("2025-04-08", "fact", fact="monitors_deployed", value=10)
    assert check_step(riverside, monitors)
    assert check_step(riverside, truce.Event("2025-04-08", "transition", trigger="begin_phase_two"))
    assert not check_step(riverside, truce.Event("2025-04-09", "transition", trigger="begin_phase_two"))


def test_a_guard_wired_to_always_pass_is_caught(riverside, monkeypatch):
    monkeypatch.setattr(Ceasefire, "_guard_holds", lambda self, index: True)
    with pytest.raises(AssertionError, match=r"fired although no guard held|reference refuses"):
        check_step(riverside, truce.Event("2025-04-08", "transition", trigger="begin_phase_two"))


def test_state_mutated_on_rejection_is_caught(riverside, monkeypatch):
    original = Ceasefire.record

    def leaky(self, event):
        try:
            original(self, event)
        except truce.TruceError:
            self._events.append(event)  # the bug: refuse the event but keep it anyway
            raise

    monkeypatch.setattr(Ceasefire, "record", leaky)
    with pytest.raises(AssertionError, match="rejected event"):
        check_step(riverside, truce.Event("2025-04-01", "incident", text="out of order"))


def test_a_declared_move_not_flagged_irregular_is_caught(riverside, monkeypatch):
    import truce.ceasefire as module

    monkeypatch.setattr(module, "evaluate", lambda guard, context: truce.Verdict(guard, truce.Truth.TRUE, "forced"))
    with pytest.raises(AssertionError, match="declared move was not flagged"):
        check_step(
            riverside,
            truce.Event("2025-04-09", "declared", trigger="begin_phase_two", source=truce.Source("s")),
        )


def _hunt(machine, match):
    """Run a ceasefire state machine long enough to find a planted bug; it must."""
    machine.TestCase.settings = settings(
        max_examples=300,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=[Phase.generate],  # finding the bug is the point; a minimal example is not
    )
    with pytest.raises(AssertionError, match=match):
        machine.TestCase().runTest()


def test_the_state_machine_finds_an_always_passing_guard(riverside_agreement, monkeypatch):
    monkeypatch.setattr(Ceasefire, "_guard_holds", lambda self, index: True)
    _hunt(ceasefire_machine(riverside_agreement), "fired although")


@given(data=st.data())
@settings(max_examples=10)
def test_event_logs_are_in_date_order(data):
    agreement = truce.load_agreement(Path(__file__).resolve().parent.parent / "docs" / "riverside.yaml")
    log = data.draw(event_logs(agreement))
    assert [e.date for e in log] == sorted(e.date for e in log)


def test_the_state_machine_catches_a_batch_fold_that_differs_from_one_by_one(riverside_agreement, monkeypatch):
    from truce.ledger import Ledger

    real = Ledger.settle_run
    monkeypatch.setattr(Ledger, "settle_run", lambda self, run: real(self, run[:1]))  # forgets all but the first
    _hunt(
        ceasefire_machine(riverside_agreement),
        "differently from record|replaying the events gave another|extend took a batch that record refuses",
    )


def test_the_state_machine_catches_a_refused_batch_that_is_not_undone(riverside_agreement, monkeypatch):
    monkeypatch.setattr(Ceasefire, "_restore", lambda self, saved: None)
    _hunt(ceasefire_machine(riverside_agreement), "refused batch")
