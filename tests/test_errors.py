"""Every truce error survives a pickle round trip with its structured attributes (process pools need it)."""

from __future__ import annotations

import pickle

import pytest

import truce
from truce import errors


def _instances(riverside: truce.Ceasefire) -> list[Exception]:
    blocked = riverside.as_of("2025-04-02")
    with pytest.raises(truce.TransitionBlocked) as caught:
        blocked.advance("begin_phase_two")
    return [
        truce.DefinitionError([truce.Problem("bad", field="phases", path="x.yaml", line=3)]),
        truce.LoadError([truce.Problem("cannot read", path="y.yaml")]),
        truce.EventError(["bad event"], path="z.jsonl"),
        truce.DateError("2024-01-01 is before the agreement"),
        truce.UnknownName("phase", "phase_nine", ["phase_one", "phase_two"]),
        truce.MissingDependency("pandas", "pandas"),
        truce.MissingDependency("graphviz", install="apt install graphviz"),
        truce.IllegalTransition("cannot fire", trigger="go", phase="one"),
        truce.TransitionError("cannot", trigger="go", phase="one"),
        caught.value,
        truce.TornLogWarning("log.jsonl", 7, '{"date": "2025'),
        truce.TornLogWarning("log.jsonl", 9, "{}", what="an unfinished batch (2 bytes)"),
        truce.ArgumentError("limits: expected truce.Limits, got dict"),
        truce.LogWriteError(28, "cannot write the log (No space left on device); nothing was written", "x.jsonl"),
        truce.AssumptionError(
            [truce.Problem("a delay cannot be negative", field="obligations.x.delay", path="a.yaml")]
        ),
    ]


def test_every_error_class_is_covered():
    covered = {type(e).__name__ for e in _instances(truce.load("docs/riverside.yaml"))}
    public = {name for name in errors.__all__ if isinstance(getattr(errors, name), type)} - {"Problem", "TruceError"}
    assert public <= covered


@pytest.mark.parametrize("index", range(15))
def test_errors_pickle_with_their_attributes(riverside, index):
    error = _instances(riverside)[index]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    for name in ("problems", "path", "field", "line", "trigger", "phase", "kind", "name", "known", "module", "extra",
                 "what", "errno", "strerror", "filename"):  # fmt: skip
        assert getattr(again, name, None) == getattr(error, name, None), name
    if isinstance(error, truce.TransitionBlocked):
        assert again.blockers == error.blockers


@pytest.mark.parametrize(
    "call",
    [
        lambda: truce.Ceasefire("gaza-2025"),  # a name where an Agreement goes
        lambda: truce.Ceasefire(truce.load("gaza-2025").agreement, events=5),
        lambda: truce.load("gaza-2025").extend(5),
        lambda: truce.load("gaza-2025").extend(truce.Event("2026-07-02", "incident", text="one, not a list")),
        lambda: truce.load("gaza-2025").what_if(facts=["isf_troops_in_gaza"]),
    ],
)
def test_bad_arguments_raise_a_truce_error_that_is_also_a_type_error(call):
    with pytest.raises(truce.ArgumentError) as caught:
        call()
    assert isinstance(caught.value, TypeError)
