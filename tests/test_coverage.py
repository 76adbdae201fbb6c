"""Coverage as a test: the property runs must reach every phase and fire every transition.

A legality property that never leaves the first phase proves nothing about the later
ones. Under the active hypothesis profile, guided logs (:func:`truce.testing.guided_logs`)
must enter every phase of every bundled agreement (and the docs' example) and fire every
transition at least once *regularly* (its guard held), not only by a declared move.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, target

import truce
from truce.testing import ReferenceFold, check_step, guided_logs

DOCS = Path(__file__).resolve().parent.parent / "docs"
AGREEMENTS = {name: truce.load(name).agreement for name in truce.agreements()}
AGREEMENTS["riverside"] = truce.load_agreement(DOCS / "riverside.yaml")


def _coverage(agreement: truce.Agreement) -> tuple[Counter[str], Counter[int], int]:
    """Run the legality property with each transition in turn as the logs' goal; count what they reach.

    The profile's budget is shared out among the goals (at least six runs each), so the
    count says what the property tests, run at that budget, reach.
    """
    entered: Counter[str] = Counter()
    fired: Counter[int] = Counter()
    runs = 0
    share = max(6, settings.default.max_examples // max(len(agreement.transitions), 1))

    def property_run(log: list[truce.Event]) -> None:
        nonlocal runs
        runs += 1
        ceasefire, fold = truce.Ceasefire(agreement), ReferenceFold(agreement)
        for event in log:
            check_step(ceasefire, event, fold)
        moves = ceasefire.phase_history()
        entered.update({change.to_phase for change in moves})
        for change in moves[1:]:
            if not change.irregular:
                fired[_index(agreement, change)] += 1
        target(float(len({c.to_phase for c in moves})), label="phases entered")

    budget = settings(settings.default, max_examples=share, database=None)
    for goal in agreement.transitions:
        budget(given(guided_logs(agreement, goal=goal))(lambda log: property_run(log)))()
    return entered, fired, runs


def _index(agreement: truce.Agreement, change: truce.PhaseChange) -> int:
    return next(
        i
        for i, t in enumerate(agreement.transitions)
        if t.trigger == change.trigger and change.from_phase in t.from_phases and t.to_phase == change.to_phase
    )


@pytest.mark.parametrize("name", sorted(AGREEMENTS))
def test_property_runs_enter_every_phase_and_fire_every_transition(name):
    agreement = AGREEMENTS[name]
    entered, fired, runs = _coverage(agreement)
    table = "\n".join(
        f"  {t.trigger} ({'/'.join(t.from_phases)} -> {t.to_phase}): fired {fired[i]} times"
        for i, t in enumerate(agreement.transitions)
    )
    phases = ", ".join(f"{p}: {entered[p]}" for p in agreement.phase_ids)
    report = f"{runs} runs; runs entering each phase: {phases}\n{table}"
    assert all(entered[p] for p in agreement.phase_ids), f"phases never entered\n{report}"
    assert all(fired[i] for i in range(len(agreement.transitions))), f"transitions never fired regularly\n{report}"
