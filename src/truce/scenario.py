"""One scenario: a future drawn from the assumptions and folded from the as-of snapshot.

An ensemble runs this many times, so it is built to be cheap and to travel:

- It never replays the log. It starts from the ceasefire's snapshot on the as-of date
  (obligation states, facts, the days phases were entered), taken once per ensemble in a
  :class:`Start`, which pickles (an :class:`~truce.Agreement` and frozen states), so a
  process pool or a Dask cluster can receive it, pickled once per ensemble as a
  :class:`Parcel`. A worker process builds one :class:`Simulator` per ensemble, on its
  first chunk, and runs every chunk it gets on it.
- It folds only the hypothetical events, in date order, on a light state: a dictionary of
  small slotted records per obligation (``scenario_guards._Owed``; the real
  :class:`~truce.ObligationState` is built from one only when a guard leaf needs it), read
  by guards through a small :class:`~truce.guards.GuardContext`. Guards are compiled to
  closures that give the answer :func:`truce.guards.truth` gives, and delays to closures
  that give the days :meth:`Delay.days <truce.Delay.days>` gives (property tests hold both).
  Entering a phase activates what it owes and resolves its relative deadlines as the
  ledger does; a test runs the same events through a real :class:`~truce.Ceasefire` and
  compares the phases entered and their dates.
- Scenario ``i`` draws from its own generator, seeded from ``(entropy, i)``, and every
  assumption takes one uniform number at a fixed position. So the draws do not depend on
  which worker runs the scenario or how the run is chunked, and making one delay later
  cannot change any other draw.

The policy (see :class:`~truce.assumptions.Policy`): with ``guards``, after every event
(and on the start date) the first transition from the current phase whose guard holds
fires, on that day, repeatedly; time also matters, so the days when an ``after``, an
``elapsed`` or an overdue status changes are visited too. The event after which a guard
first holds is that transition's *bottleneck*: the last condition met.
"""

from __future__ import annotations

import _random
import datetime as dt
import hashlib
import heapq
import math
import pickle
import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs

from truce.agreement import Agreement, Transition
from truce.assumptions import Assumptions, Delay, DelayKind, Policy
from truce.delays import _NORMAL, _TINY
from truce.events import Event, EventKind
from truce.guards import (
    After,
    Elapsed,
    FactValue,
    StatusIs,
    Truth,
    references,
    truth,
    walk,
)
from truce.obligations import ANCHOR_IN_FORCE
from truce.scenario_guards import _TRUE, _Context, _Owed, compile_guard
from truce.sources import Source
from truce.status import SETTLED, ObligationState, ObligationStatus

__all__ = [
    "START_CAUSE",
    "Parcel",
    "Simulator",
    "Start",
    "Tally",
    "collapse_phase",
    "compile_delay",
    "compile_guard",
    "run_chunk",
]

#: The bottleneck named when a guard already holds on the start date.
START_CAUSE = "(already met on the start date)"
_HYPOTHETICAL = Source("Hypothetical (scenario ensemble), not a real event", "truce")

_SETTLE, _FACT, _COLLAPSE, _MOVE, _TICK = range(5)
_TIME = "(time: a date-based condition)"
_STATUS = {EventKind.FULFILLED: ObligationStatus.FULFILLED, EventKind.BREACHED: ObligationStatus.BREACHED}


@attrs.frozen(eq=False)
class Start:
    """The snapshot every scenario starts from, and what it may draw: picklable.

    ``day`` and ``until`` are proleptic ordinals (``date.toordinal()``); ``entered`` holds
    the first day each phase (and ``in_force``) was entered before the start.
    """

    agreement: Agreement
    assumptions: Assumptions
    phase: str
    day: int
    until: int
    states: tuple[ObligationState, ...]
    facts: tuple[FactValue, ...]
    entered: tuple[tuple[str, int], ...]
    entropy: int

    @classmethod
    def of(cls, ceasefire: Any, assumptions: Assumptions, until: dt.date, entropy: int) -> Start:
        """The snapshot of ``ceasefire`` (a :class:`~truce.Ceasefire`) on its as-of date."""
        agreement = ceasefire.agreement
        entered: dict[str, int] = {ANCHOR_IN_FORCE: agreement.in_force.toordinal()}
        for change in ceasefire.phase_history():
            entered.setdefault(change.to_phase, change.date.toordinal())
        facts = ceasefire.facts
        return cls(
            agreement,
            assumptions,
            ceasefire.phase,
            ceasefire.date.toordinal(),
            until.toordinal(),
            tuple(ceasefire.obligations),
            tuple(facts[name] for name in sorted(facts)),
            tuple(entered.items()),
            entropy,
        )


def compile_delay(delay: Delay) -> Callable[[float], float | None]:
    """:meth:`Delay.days <truce.Delay.days>` as a closure, its parameters unpacked once.

    The same arithmetic on the same numbers, so the same floats (a property test holds it
    to ``days``); it skips the dispatch on the kind that ``days`` does at every draw.
    """
    kind, params = delay.kind, delay.params
    if kind is DelayKind.UNIFORM:
        low, width = params[0], params[1] - params[0]
        return lambda u: low + u * width
    if kind is DelayKind.LOGNORMAL:
        median, sigma = params
        inverse, tiny, top = _NORMAL.inv_cdf, _TINY, 1 - _TINY
        return lambda u: median * math.exp(sigma * inverse(min(max(u, tiny), top)))
    if kind is DelayKind.TRIANGULAR and params[2] != params[0]:
        low, mode, high = params
        span, rise, fall = high - low, mode - low, high - mode
        split = rise / span
        sqrt = math.sqrt

        def triangular(u: float) -> float:
            if u < split:
                return low + sqrt(u * span * rise)
            return high - sqrt((1 - u) * span * fall)

        return triangular
    if kind is DelayKind.DAILY and 0 < params[0] < 1:
        per_day, log1p = math.log1p(-params[0]), math.log1p
        return lambda u: log1p(-u) / per_day + 1
    if kind is DelayKind.EMPIRICAL:
        values, last = [float(p) for p in params], len(params) - 1
        count = len(params)
        return lambda u: values[min(int(u * count), last)]
    # fixed, a degenerate triangle, a certain or impossible hazard, never: one answer for every u
    constant = delay.days(0.5)
    return lambda _u: constant


def collapse_phase(agreement: Agreement, assumptions: Assumptions) -> str | None:
    """The phase that counts as collapse: the collapse hazard's, else a phase named ``collapsed``."""
    if assumptions.collapse is not None:
        return assumptions.collapse.to
    return "collapsed" if agreement.has_phase("collapsed") else None


class Tally:
    """Counts over finished scenarios; merging two is adding counts (any order, same result).

    Days are ordinals; a phase never entered by ``until`` has no day counted. Memory grows
    with the horizon and the number of distinct causes, never with the number of scenarios.
    """

    __slots__ = ("bottlenecks", "collapse_first", "entries", "final", "irregular", "scenarios")

    def __init__(self) -> None:
        self.scenarios = 0
        self.entries: dict[str, Counter[int]] = {}
        self.irregular: Counter[str] = Counter()
        self.collapse_first: Counter[str] = Counter()
        self.bottlenecks: dict[str, Counter[str]] = {}
        self.final: Counter[str] = Counter()

    def merge(self, other: Tally) -> None:
        self.scenarios += other.scenarios
        for phase, days in other.entries.items():
            self.entries.setdefault(phase, Counter()).update(days)
        self.irregular.update(other.irregular)
        self.collapse_first.update(other.collapse_first)
        for trigger, causes in other.bottlenecks.items():
            self.bottlenecks.setdefault(trigger, Counter()).update(causes)
        self.final.update(other.final)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)


@attrs.frozen
class Outcome:
    """One scenario's result: first entries (day, irregular) of phases entered after the start,
    the bottleneck of each regular move, and the phase on ``until``."""

    entries: dict[str, tuple[int, bool]]
    bottlenecks: tuple[tuple[str, str], ...]
    final: str
    trace: tuple[tuple[int, str, str, object], ...] = ()


class Simulator:
    """Runs scenarios from one :class:`Start`; built once per process and ensemble, it only reads itself."""

    def __init__(self, start: Start) -> None:
        self.start = start
        agreement = self.agreement = start.agreement
        assumptions = start.assumptions
        self.guards_policy = assumptions.policy is Policy.GUARDS
        order = {o.id: n for n, o in enumerate(agreement.obligations)}
        self.obligations = sorted(assumptions.obligations.items(), key=lambda item: order[item[0]])
        facts = sorted(assumptions.facts.items())
        declared = sorted(assumptions.declared.items())
        # one uniform number per draw, at a fixed position: two per obligation (delay,
        # outcome), one per fact, one for collapse, one per declared trigger
        self.slot = {name: 2 * n for n, (name, _) in enumerate(self.obligations)}
        self.owed = {
            name: (2 * n, compile_delay(assumption.delay), assumption.breach)
            for n, (name, assumption) in enumerate(self.obligations)
        }
        at = 2 * len(self.obligations)
        self.facts = [(name, item, at + n) for n, (name, item) in enumerate(facts)]
        self.fact_clocks = [(name, compile_delay(item.delay), item.value, slot) for name, item, slot in self.facts]
        at += len(facts)
        self.collapse_slot = at
        at += 1
        self.declared = {trigger: (compile_delay(delay), at + n) for n, (trigger, delay) in enumerate(declared)}
        self.width = at + len(declared)
        collapse = assumptions.collapse
        self.collapse = compile_delay(Delay.daily(collapse.daily)) if collapse is not None else None
        self.collapse_phase = collapse_phase(agreement, assumptions)
        self.routes: dict[str, list[Transition]] = {p: agreement.transitions_from(p) for p in agreement.phase_ids}
        self.triggers_from = {p: list(dict.fromkeys(t.trigger for t in r)) for p, r in self.routes.items()}
        # checked as Ceasefire.advance would try them: trigger by trigger, in the order of
        # Ceasefire.triggers (a trigger's first transition *from this phase*, not its first
        # definition anywhere), each trigger's transitions from here in definition order
        self.checks = {
            p: [
                (t, compile_guard(t.guard)) for trigger in self.triggers_from[p] for t in routes if t.trigger == trigger
            ]
            for p, routes in self.routes.items()
        }
        # what the guards leaving a phase read: an event about anything else cannot open them
        self.relevant: dict[str, frozenset[str]] = {}
        for p, routes in self.routes.items():
            names: set[str] = {_TIME}
            for t in routes:
                found = references(t.guard)
                names |= found["obligations"] | found["facts"]
            self.relevant[p] = frozenset(names)
        self.terminal = frozenset(agreement.terminal)
        self.base_states = {s.obligation.id: _Owed.of(s) for s in start.states}
        self.base_facts = {f.name: f for f in start.facts}
        self.base_entered = {name: dt.date.fromordinal(day) for name, day in start.entered}
        self.evidence = {
            (oid, kind): Event(dt.date.fromordinal(start.day), kind, obligation=oid, source=_HYPOTHETICAL)
            for oid, _ in self.obligations
            for kind in (EventKind.FULFILLED, EventKind.BREACHED)
        }
        self.time_leaves = {
            p: [leaf for t in routes for leaf in walk(t.guard) if isinstance(leaf, After | Elapsed | StatusIs)]
            for p, routes in self.routes.items()
        }
        # what entering a phase does, unpacked once: per obligation it touches, whether it
        # comes to be owed there, and its deadline rule
        self.entering = {p: [(o.id, o.phase == p, o.due) for o in agreement.touched_by(p)] for p in agreement.phase_ids}
        self.declared_from = {
            p: [t for t in triggers if t in self.declared] for p, triggers in self.triggers_from.items()
        }
        self.met_on_entering = {p: f"(already met on entering {p})" for p in agreement.phase_ids}

    def tally(self, begin: int, end: int) -> Tally:
        """Run scenarios ``begin`` to ``end - 1`` and count what happened."""
        tally = Tally()
        count = end - begin
        tally.scenarios = count
        entries: dict[str, Counter[int]] = {}
        for phase, day in self.start.entered:
            if phase != ANCHOR_IN_FORCE:
                entries.setdefault(phase, Counter())[day] += count
        before = set(self.base_entered)
        others = [p for p in self.agreement.phase_ids if p != self.collapse_phase and p not in before]
        for index in range(begin, end):
            first, moved, final, _ = self._fold(index, False)
            for phase, (day, irregular) in first.items():
                days = entries.get(phase)
                if days is None:
                    days = entries[phase] = Counter()
                days[day] += 1
                if irregular:
                    tally.irregular[phase] += 1
            for trigger, cause in moved:
                causes = tally.bottlenecks.get(trigger)
                if causes is None:
                    causes = tally.bottlenecks[trigger] = Counter()
                causes[cause] += 1
            tally.final[final] += 1
            if self.collapse_phase in first:
                fell = first[self.collapse_phase][0]
                for phase in others:
                    entry = first.get(phase)
                    if entry is None or entry[0] > fell:
                        tally.collapse_first[phase] += 1
        tally.entries = entries
        return tally

    def generator(self, index: int) -> random.Random:
        """Scenario ``index``'s own stream: the same wherever and in whatever chunk it runs."""
        return random.Random((index << 64) | self.start.entropy)  # noqa: S311 - a simulation's draws, not a secret

    def draws(self, index: int) -> list[float]:
        """The uniform numbers at the fixed positions of scenario ``index`` (one per assumption)."""
        rng = self.generator(index)
        return [rng.random() for _ in range(self.width)]

    def run(self, index: int, *, trace: bool = False) -> Outcome:
        """Scenario ``index``: draw, fold in date order, advance phases; the same answer every time."""
        return Outcome(*self._fold(index, trace))

    def _fold(
        self, index: int, trace: bool
    ) -> tuple[dict[str, tuple[int, bool]], tuple[tuple[str, str], ...], str, tuple[tuple[int, str, str, object], ...]]:
        """:meth:`run`'s answer as a plain tuple, for :meth:`tally` to count without building an Outcome."""
        start = self.start
        # the C generator behind random.Random, seeded the same way (the same stream), made
        # without random.Random's Python-level seed(): a microsecond of every scenario
        rng = _random.Random((index << 64) | start.entropy)
        draw = rng.random
        u = [draw() for _ in range(self.width)]
        day0, until = start.day, start.until
        states = dict(self.base_states)
        facts = dict(self.base_facts)
        entered = dict(self.base_entered)
        context = _Context(states, facts, entered, dt.date.fromordinal(day0))
        queue: list[tuple[float, int, int, int, Any]] = []
        first: dict[str, tuple[int, bool]] = {}
        bottlenecks: list[tuple[str, str]] = []
        steps: list[tuple[int, str, str, object]] = []
        phase = start.phase
        moves = 0  # phase moves so far: a declared move drawn in an earlier phase is void
        move_day, moves_that_day = day0, 0  # declared moves due the day they are drawn form no endless cycle
        clocks: set[str] = set()  # triggers whose declared move has been drawn
        seq = 0

        def push(time: float, action: int, payload: Any) -> None:
            # a day's ticks come before its events: the guards that time opens are
            # checked on the morning of the day, before anything happens on it
            nonlocal seq
            if time < until + 1:
                seq += 1
                heappush(queue, (time, action != _TICK, seq, action, payload))

        owed, declared, declared_from, time_leaves = self.owed, self.declared, self.declared_from, self.time_leaves
        entering, base_entered, met_on_entering = self.entering, self.base_entered, self.met_on_entering
        checks, terminal, hops = self.checks, self.terminal, len(self.routes) + 1
        heappush, fromordinal, pending, active = (
            heapq.heappush,
            dt.date.fromordinal,
            ObligationStatus.PENDING,
            ObligationStatus.ACTIVE,
        )

        def owe(oid: str, day: int) -> None:
            """Start the clock of an obligation that is owed from ``day``."""
            assumed = owed.get(oid)
            if assumed is None:
                return
            slot, drawn, breach = assumed
            delay = drawn(u[slot])
            if delay is not None:
                kind = EventKind.BREACHED if u[slot + 1] < breach else EventKind.FULFILLED
                push(day + delay, _SETTLE, (oid, kind))

        def plan(day: int) -> None:
            """On entering ``phase`` on ``day``: its declared moves and the days its guards may turn."""
            for trigger in declared_from[phase]:
                drawn, slot = declared[trigger]
                # a trigger's first clock takes its fixed slot; a later one (another phase
                # it leaves, a phase entered again) draws afresh from the scenario's stream
                fresh = trigger not in clocks
                clocks.add(trigger)
                delay = drawn(u[slot] if fresh else draw())
                # a move due on the day it is drawn (a delay under a day) could lead back here
                # the same day for ever; as with guards that all hold, a cycle stops after as
                # many moves in one day as there are phases
                if delay is not None and (delay >= 1 or moves_that_day < hops):
                    push(day + delay, _MOVE, (trigger, moves))
            for leaf in time_leaves[phase]:
                when: int | None = None
                if isinstance(leaf, After):
                    when = leaf.date.toordinal()
                elif isinstance(leaf, Elapsed):
                    anchor = entered.get(leaf.since)
                    when = None if anchor is None else anchor.toordinal() + leaf.days
                else:
                    due = states[leaf.obligation].due
                    when = None if due is None else due.toordinal() + 1
                if when is not None and when > day:
                    push(float(when), _TICK, None)

        def enter(transition: Transition, day: int, irregular: bool, declared: str | None) -> None:
            nonlocal phase, moves, move_day, moves_that_day
            phase = transition.to_phase
            moves += 1
            if day == move_day:
                moves_that_day += 1
            else:
                move_day, moves_that_day = day, 1
            date = fromordinal(day)
            if phase not in entered:
                entered[phase] = date
            if phase not in first and phase not in base_entered:
                first[phase] = (day, irregular)
            if trace:
                # a declared move is traced by what declared it: a trigger, or collapse to a phase
                name = transition.trigger if declared != "collapse" else phase
                steps.append((day, declared or "enter", name, (phase, irregular)))
            first_entry = entered[phase] == date
            for oid, owed_here, rule in entering[phase]:
                state = states[oid]
                base, since, active_since, due = state.base, state.since, state.active_since, state.due
                original = state.original_due
                newly = owed_here and base is pending
                if newly:
                    base, since, active_since = active, date, date
                if due is None and rule is not None:
                    if first_entry and rule.after == phase:
                        due = original = rule.resolve(date)
                    elif rule.date is not None:
                        due = original = rule.date
                if newly or due is not state.due:
                    states[oid] = _Owed(
                        state.snapshot, base, since, active_since, state.progress, due, original, state.evidence
                    )
                if newly:
                    owe(oid, day)
            plan(day)

        def advance(day: int, cause: str) -> None:
            context.as_of = fromordinal(day)
            for _ in range(hops):  # a cycle of guards that all hold stops here
                if phase in terminal:
                    return
                for transition, check in checks[phase]:
                    if check(context) is _TRUE:
                        bottlenecks.append((transition.trigger, cause))
                        cause = met_on_entering[transition.to_phase]
                        enter(transition, day, False, None)
                        break
                else:
                    return

        def declare(transition: Transition, day: int, how: str) -> None:
            context.as_of = dt.date.fromordinal(day)
            enter(transition, day, truth(transition.guard, context) is not Truth.TRUE, how)

        # the clocks running on the start date
        for oid, _ in self.obligations:
            if states[oid].base not in SETTLED and states[oid].base is not ObligationStatus.PENDING:
                owe(oid, day0)
        for name, fact_delay, value, slot in self.fact_clocks:
            delay = fact_delay(u[slot])
            if delay is not None:
                push(day0 + delay, _FACT, (name, value))
        if self.collapse is not None:
            delay = self.collapse(u[self.collapse_slot])
            if delay is not None:
                push(day0 + delay, _COLLAPSE, None)
        plan(day0)
        if self.guards_policy:
            advance(day0, START_CAUSE)

        heappop, relevant, guards_policy, evidence = heapq.heappop, self.relevant, self.guards_policy, self.evidence
        while queue and phase not in terminal:
            time, _, _, action, payload = heappop(queue)
            day = int(time)
            if action == _SETTLE:
                oid, kind = payload
                state = states[oid]
                if state.base in SETTLED:
                    continue
                date = fromordinal(day)
                measure = state.snapshot.obligation.measure
                progress = measure.target if measure is not None and kind is EventKind.FULFILLED else state.progress
                states[oid] = _Owed(
                    state.snapshot, _STATUS[kind], date, state.active_since or date, progress,
                    state.due, state.original_due, evidence[oid, kind],
                )  # fmt: skip
                cause = oid
                if trace:
                    steps.append((day, str(kind), oid, None))
            elif action == _FACT:
                name, value = payload
                facts[name] = FactValue(name, value, dt.date.fromordinal(day))
                cause = name
                if trace:
                    steps.append((day, "fact", name, value))
            elif action == _COLLAPSE:
                route = next((t for t in self.routes[phase] if t.to_phase == self.collapse_phase), None)
                if route is None:
                    continue
                declare(route, day, "collapse")
                cause = "(after collapse)"
            elif action == _MOVE:
                trigger, when = payload
                if when != moves:  # drawn in a phase since left
                    continue
                # as a declared event naming a trigger: its first transition from here
                declare(next(t for t in self.routes[phase] if t.trigger == trigger), day, "declared")
                cause = f"(after declared {trigger})"
            else:
                cause = _TIME
            if guards_policy and (cause in relevant[phase] or cause[0] == "("):
                advance(day, cause)
        return first, tuple(bottlenecks), phase, tuple(steps)


@attrs.frozen(repr=False)
class Parcel:
    """A :class:`Start` pickled once, under a key: what an executor is sent with every chunk.

    Sending the ``Start`` itself cost every chunk a pickling in the parent (half a
    millisecond, on the parent's core), a reading in the worker and a new
    :class:`Simulator` (compiled guards, delays, tables). A parcel pickles as a copy of its
    bytes; a worker process reads it and builds its simulator once, on the first chunk it
    gets, and keeps it under the key for the next chunks of the same ensemble.
    """

    key: bytes
    payload: bytes

    @classmethod
    def of(cls, start: Start) -> Parcel:
        payload = pickle.dumps(start, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(hashlib.blake2b(payload, digest_size=16).digest(), payload)

    def simulator(self) -> Simulator:
        """This process's simulator for the parcel's start, built on first use."""
        simulator = _SIMULATORS.get(self.key)
        if simulator is None:
            simulator = Simulator(pickle.loads(self.payload))  # noqa: S301 - our own pickle, from the parent
            with _SIMULATORS_LOCK:
                _SIMULATORS[self.key] = simulator
                while len(_SIMULATORS) > _SIMULATORS_KEPT:
                    del _SIMULATORS[next(iter(_SIMULATORS))]
        return simulator

    def __repr__(self) -> str:
        return f"Parcel({self.key.hex()}, {len(self.payload):,} bytes)"


#: Simulators a worker keeps, by parcel key (a Simulator only reads itself, so threads share
#: one); a few, for the ensembles that may share one worker in turns.
_SIMULATORS: dict[bytes, Simulator] = {}
_SIMULATORS_KEPT = 4
_SIMULATORS_LOCK = threading.Lock()


def run_chunk(start: Start | Parcel, begin: int, end: int) -> Tally:
    """The work an executor runs: scenarios ``begin`` to ``end - 1`` of the ensemble ``start``."""
    simulator = start.simulator() if isinstance(start, Parcel) else Simulator(start)
    return simulator.tally(begin, end)
