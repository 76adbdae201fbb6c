"""The checks: one step against the reference fold, and a stateful machine for any agreement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from truce.agreement import Agreement
from truce.ceasefire import Ceasefire
from truce.errors import TruceError
from truce.events import Event, EventKind
from truce.guards import evaluate
from truce.testing.reference import ReferenceFold, refusal_name
from truce.testing.strategies import TEST_SOURCE, _plan, events_for, spoiled_events

__all__ = ["ceasefire_machine", "check_step", "format_events", "record_each", "replayed"]


def replayed(agreement: Agreement, events: Iterable[Event]) -> ReferenceFold:
    """The reference fold of ``events`` (which the ceasefire has already accepted)."""
    fold = ReferenceFold(agreement)
    for event in events:
        fold.record(event)
    return fold


def _expect(fold: ReferenceFold, event: object) -> tuple[ReferenceFold, str | None]:
    """The reference after ``event``, or the name of the refusal truce must raise."""
    after = fold.copy()
    try:
        after.record(event)  # type: ignore[arg-type]
    except TruceError as error:
        return fold, refusal_name(error)
    return after, None


def _same(ceasefire: Ceasefire, fold: ReferenceFold) -> bool:
    return ceasefire.snapshot() == fold.snapshot(ceasefire.date)


def check_step(ceasefire: Ceasefire, event: Event, reference: ReferenceFold | None = None) -> bool:
    """Record ``event`` and check it against the reference fold; return whether it was accepted.

    Raises ``AssertionError`` if truce and the reference disagree on taking the event or
    on the state after it, if the phase moved without a defined transition whose guard
    held (judged by the reference, not by the ceasefire's own ledger), if a declared move
    was not flagged exactly as irregular as its guard says, or if a rejected event
    changed anything. ``reference`` (kept in step when given) saves a replay per call.
    """
    fold = reference if reference is not None else replayed(ceasefire.agreement, ceasefire.events)
    before, before_events = ceasefire.snapshot(), list(ceasefire.events)
    expected, refusal = _expect(fold, event)
    routes = [
        t
        for t in ceasefire.agreement.transitions_from(fold.phase)
        if (event.trigger is None or t.trigger == event.trigger) and (event.to is None or t.to_phase == event.to)
    ]
    verdicts = [evaluate(t.guard, fold.context(event.date)) for t in routes]
    try:
        ceasefire.record(event)
    except TruceError as error:
        given = type(error).__name__
        assert ceasefire.snapshot() == before, "a rejected event changed the ceasefire"
        assert list(ceasefire.events) == before_events, "a rejected event was kept in the log"
        assert refusal is not None, f"truce refused an event the reference takes: {given}"
        assert given == refusal, f"truce refused with {given}, the reference with {refusal}"
        return False
    assert refusal is None, f"truce took an event the reference refuses with {refusal}: {event.describe()}"
    if reference is not None:
        reference.__dict__.update(expected.__dict__)
    if event.kind not in (EventKind.TRANSITION, EventKind.DECLARED):
        assert ceasefire.phase == before.phase, f"a {event.kind} event moved the phase"
        assert len(ceasefire.phase_history()) == len(before.history), f"a {event.kind} event changed the phase record"
    else:
        change = ceasefire.phase_history()[-1]
        assert len(ceasefire.phase_history()) == len(before.history) + 1, "a move was not recorded exactly once"
        assert change.event is event, "the phase change does not point at its event"
        assert change.from_phase == before.phase
        assert any(change.to_phase == t.to_phase for t in routes), "the phase moved along no defined transition"
        if event.kind is EventKind.TRANSITION:
            assert any(v.holds for v in verdicts), f"{event.trigger} fired although no guard held"
            assert not change.irregular, "a regular transition was flagged irregular"
        else:
            assert change.irregular == (not verdicts[0].holds), "a declared move was not flagged as its guard says"
            assert change.unmet == verdicts[0].unmet(), "a declared move did not keep its unmet conditions"
    assert _same(ceasefire, expected), "the ceasefire's state differs from the reference fold's"
    return True


def record_each(agreement: Agreement, events: Iterable[Event]) -> Ceasefire:
    """A ceasefire built by :meth:`~truce.Ceasefire.record` one event at a time."""
    ceasefire = Ceasefire(agreement)
    for event in events:
        ceasefire.record(event)
    return ceasefire


def format_events(events: Iterable[Event]) -> str:
    """Events as Python source, ready to paste into a regression test."""
    lines = []
    for event in events:
        args = [repr(event.date.isoformat()), repr(str(event.kind))]
        for field in attrs.fields(Event)[2:]:
            value = getattr(event, field.name)
            if value is not None and value != field.default:
                shown = repr(str(value)) if field.name == "precision" else repr(value)
                args.append(f"{field.name}={shown}")
        lines.append(f"    truce.Event({', '.join(args)}),")
    return "[\n" + "\n".join(lines) + "\n]"


def ceasefire_machine(agreement: Agreement) -> type[RuleBasedStateMachine]:
    """A hypothesis state machine that drives a :class:`~truce.Ceasefire` of ``agreement``.

    Every rule is judged by the reference fold (:mod:`truce.testing.reference`), kept in
    step beside the ceasefire: single events (random, spoiled, or planned to open a
    transition), batches, triggers, ``as_of`` and ``what_if``.
    """

    class CeasefireMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ceasefire = Ceasefire(agreement)
            self.reference = ReferenceFold(agreement)
            self.day = agreement.agreed or agreement.in_force

        def _step(self, event: Event) -> None:
            note(f"record {format_events([event])[2:-2].strip()}")
            check_step(self.ceasefire, event, self.reference)

        @rule(step=st.integers(0, 30), spoil=st.integers(0, 9), data=st.data())
        def record_event(self, step: int, spoil: int, data: st.DataObject) -> None:
            self.day += dt.timedelta(days=step)
            if spoil < 2:
                self._step(data.draw(spoiled_events(agreement, self.day, self.ceasefire.data_through)))
            else:
                self._step(data.draw(events_for(agreement, self.day)))

        @precondition(lambda self: bool(self.ceasefire.triggers))
        @rule(data=st.data())
        def open_a_transition(self, data: st.DataObject) -> None:
            """Plan the events that open a transition from here, record them, then fire it."""
            exits = agreement.transitions_from(self.ceasefire.phase)
            transition = data.draw(st.sampled_from(exits))
            planned, self.day = _plan(data.draw, agreement, self.reference, transition, self.day)
            for event in planned:
                self._step(event)
            self._step(Event(self.day, "transition", trigger=transition.trigger))

        @precondition(lambda self: bool(self.ceasefire.triggers))
        @rule(step=st.integers(0, 30), data=st.data())
        def declare_a_move(self, step: int, data: st.DataObject) -> None:
            """Reality moves whatever the guard says: a sourced declared move, irregular if the guard fails."""
            self.day += dt.timedelta(days=step)
            transition = data.draw(st.sampled_from(agreement.transitions_from(self.ceasefire.phase)))
            self._step(Event(self.day, "declared", trigger=transition.trigger, source=TEST_SOURCE))

        @rule(steps=st.lists(st.integers(0, 30), max_size=12), spoil=st.integers(-1, 11), data=st.data())
        def extend_batch(self, steps: list[int], spoil: int, data: st.DataObject) -> None:
            """A batch is recorded whole, exactly as the reference folds it, or not at all."""
            batch = []
            for step in steps:
                self.day += dt.timedelta(days=step)
                batch.append(data.draw(events_for(agreement, self.day)))
            if 0 <= spoil < len(batch):
                last = batch[spoil - 1].date if spoil else self.ceasefire.data_through
                batch[spoil] = data.draw(spoiled_events(agreement, batch[spoil].date, last))
            note(f"extend {format_events(batch)}")
            expected: ReferenceFold | None = self.reference.copy()
            try:
                for event in batch:
                    expected.record(event)  # type: ignore[union-attr]
            except TruceError:
                expected = None
            before, before_events = self.ceasefire.snapshot(), list(self.ceasefire.events)
            try:
                self.ceasefire.extend(batch)
            except TruceError:
                assert expected is None, "extend refused a batch that the reference takes"
                assert self.ceasefire.snapshot() == before, "a refused batch changed the ceasefire"
                assert list(self.ceasefire.events) == before_events, "a refused batch left events in the log"
            else:
                assert expected is not None, "extend took a batch that the reference refuses"
                assert _same(self.ceasefire, expected), "extend folded a batch differently from the reference"
                self.reference = expected

        @rule(trigger=st.sampled_from(agreement.triggers or ["-"]))
        def advance(self, trigger: str) -> None:
            before = self.ceasefire.snapshot()
            attempt = Event(self.ceasefire.date, "transition", trigger=trigger)
            _, refusal = _expect(self.reference, attempt)
            could = trigger in self.ceasefire.triggers and self.ceasefire.can(trigger)
            try:
                self.ceasefire.advance(trigger)
            except TruceError:
                assert refusal is not None, f"{trigger} was refused although the reference fires it"
                assert not could, f"{trigger} was refused although can() said yes"
                assert self.ceasefire.snapshot() == before, "a refused trigger changed the ceasefire"
            else:
                assert refusal is None, f"{trigger} fired although the reference refuses it ({refusal})"
                assert could, f"{trigger} fired although can() said no"
                assert not self.ceasefire.phase_history()[-1].irregular
                assert self.ceasefire.events[-1] == attempt, "advance recorded another event than the one it fired"
                self.reference.record(self.ceasefire.events[-1])

        @precondition(lambda self: bool(self.ceasefire.events))
        @rule(data=st.data())
        def as_of_is_a_replay(self, data: st.DataObject) -> None:
            dates = sorted({e.date for e in self.ceasefire.events})
            day = data.draw(st.sampled_from(dates))
            upto = [e for e in self.ceasefire.events if e.date <= day]
            assert self.ceasefire.as_of(day).snapshot() == replayed(agreement, upto).snapshot(day), "as_of differs"

        @rule(data=st.data())
        def what_if_is_the_record_plus_its_events(self, data: st.DataObject) -> None:
            names = [o.id for o in agreement.obligations]
            fulfil = data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
            scenario = self.ceasefire.what_if(fulfil=fulfil)
            expected = self.reference.copy()
            for event in scenario.events[len(self.ceasefire.events) :]:
                expected.record(event)
            assert [e.obligation for e in scenario.events[len(self.ceasefire.events) :]] == fulfil
            assert scenario.snapshot() == expected.snapshot(scenario.date), "what_if differs from the reference"

        @invariant()
        def same_as_the_reference(self) -> None:
            assert _same(self.ceasefire, self.reference), "the ceasefire's state differs from the reference fold's"

        @invariant()
        def replay_is_deterministic(self) -> None:
            try:
                again = Ceasefire(agreement, self.ceasefire.events, as_of=self.ceasefire.date)
            except TruceError as error:
                raise AssertionError(f"replaying the events gave another state: refused ({error})") from None
            assert again.snapshot() == self.ceasefire.snapshot(), "replaying the events gave another state"

    CeasefireMachine.__name__ = f"CeasefireMachine_{agreement.id.replace('-', '_')}"
    return CeasefireMachine
