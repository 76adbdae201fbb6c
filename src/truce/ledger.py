"""The ledger: a fold of events into obligation statuses, facts and the record of changes.

Applying one event touches only what that event is about, so recording is O(1) in the
length of the log. The ledger never decides whether a transition may fire: that is the
machine's job (see :mod:`truce.ceasefire`); it only records phase changes it is told about.

Its append-only parts (incidents, claims on facts, the change record) are never rewritten,
so a :class:`Checkpoint` is a copy of the small dictionaries plus the lengths of those
lists: cheap to take every few thousand events, and enough to restore the ledger as it
stood, which is what makes ``as_of`` a bisect plus a short replay.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from typing import Any, TypeAlias

import attrs

from truce.agreement import Agreement
from truce.events import Event, EventKind
from truce.guards import FactValue, Verdict
from truce.obligations import ANCHOR_IN_FORCE, Obligation
from truce.status import ObligationState, ObligationStatus

__all__ = ["SETTLING", "Change", "Checkpoint", "Ledger", "ObligationChange", "PhaseChange"]


@attrs.frozen
class PhaseChange:
    """One move between phases: when, by which trigger, and whether it was regular.

    An *irregular* change is one that reality made before the guard held (a sourced
    ``declared`` event); ``unmet`` keeps the conditions that were unmet at that moment.
    The first entry of a ledger's record is entry into force (``trigger`` None).
    """

    date: dt.date
    from_phase: str | None
    to_phase: str
    trigger: str | None
    irregular: bool = False
    unmet: tuple[Verdict, ...] = ()
    event: Event | None = None

    def describe(self) -> str:
        if self.trigger is None:
            return f"{self.date} in force in {self.to_phase}"
        text = f"{self.date} {self.from_phase} -> {self.to_phase} ({self.trigger})"
        if self.irregular:
            names = ", ".join(v.guard.to_expr() for v in self.unmet)
            count = f"{len(self.unmet)} condition{'s' if len(self.unmet) != 1 else ''}"
            text += f" IRREGULAR: declared with {count} unmet: {names}"
        return text


@attrs.frozen
class ObligationChange:
    """One change to an obligation: its status, its measured progress, or its deadline.

    ``before`` and ``after`` are statuses (``status``, ``progress``) or ISO dates
    (``deadline``); ``event`` is the report that caused it, and carries the source.
    """

    date: dt.date
    obligation: str
    what: str
    before: str | None
    after: str
    event: Event | None = None

    def describe(self) -> str:
        was = f"{self.before} -> " if self.before is not None else ""
        return f"{self.date} {self.obligation} {self.what}: {was}{self.after}"


Change: TypeAlias = PhaseChange | ObligationChange


#: The reports that settle an obligation's status outright, and the status each sets.
SETTLING = {
    EventKind.FULFILLED: ObligationStatus.FULFILLED,
    EventKind.BREACHED: ObligationStatus.BREACHED,
    EventKind.WAIVED: ObligationStatus.WAIVED,
}


class _Owed:
    """The ledger's working copy of one obligation's state: mutable, so recording is cheap.

    Readers never see it: :meth:`freeze` gives the frozen :class:`ObligationState`,
    cached until the next change. A settling report (fulfilled, breached, waived)
    decides status, date and evidence at once, so recording one stores just the report,
    in ``settled``; ``base``, ``since`` and ``evidence`` are read through it until
    something sets one of them directly.
    """

    __slots__ = (
        "_base", "_evidence", "_since", "active_since", "claims", "due", "extensions", "frozen", "obligation",
        "original_due", "progress", "settled",
    )  # fmt: skip

    def __init__(self, obligation: Obligation) -> None:
        self.obligation = obligation
        self.settled: Event | None = None
        self._base = ObligationStatus.PENDING
        self._since: dt.date | None = None
        self._evidence: Event | None = None
        self.active_since: dt.date | None = None
        self.progress: float | None = None
        self.due: dt.date | None = None
        self.original_due: dt.date | None = None
        self.extensions: tuple[Event, ...] = ()
        self.claims: tuple[Event, ...] = ()
        self.frozen: ObligationState | None = None

    def _unsettle(self) -> None:
        settled = self.settled
        if settled is not None:
            self._base, self._since, self._evidence = SETTLING[settled.kind], settled.date, settled
            self.settled = None

    @property
    def base(self) -> ObligationStatus:
        settled = self.settled
        return self._base if settled is None else SETTLING[settled.kind]

    @base.setter
    def base(self, value: ObligationStatus) -> None:
        self._unsettle()
        self._base = value

    @property
    def since(self) -> dt.date | None:
        settled = self.settled
        return self._since if settled is None else settled.date

    @since.setter
    def since(self, value: dt.date | None) -> None:
        self._unsettle()
        self._since = value

    @property
    def evidence(self) -> Event | None:
        settled = self.settled
        return self._evidence if settled is None else settled

    @evidence.setter
    def evidence(self, value: Event | None) -> None:
        self._unsettle()
        self._evidence = value

    @classmethod
    def thaw(cls, values: tuple[Any, ...]) -> _Owed:
        """An _Owed from the slot values :data:`_owed_state` read off another."""
        owed = cls.__new__(cls)
        for name, value in zip(cls.__slots__, values, strict=True):
            setattr(owed, name, value)
        return owed

    def freeze(self) -> ObligationState:
        frozen = self.frozen
        evidence = self.evidence
        # the recording fast path changes only ``settled``, which shows as new evidence
        if frozen is None or frozen.evidence is not evidence:
            frozen = self.frozen = ObligationState(
                self.obligation,
                self.base,
                self.since,
                self.active_since,
                self.progress,
                self.due,
                self.original_due,
                evidence,
                self.extensions,
                self.claims,
            )
        return frozen


#: An _Owed's slot values as one tuple (read in C). A checkpoint keeps them flat, one tuple
#: for all obligations: a tuple is one allocation where forty copies were forty, and the
#: copies, allocated a million events at a time, kept waking the garbage collector while
#: the list of events was young and every collection walked it.
_owed_state = operator.attrgetter(*_Owed.__slots__)
_OWED_WIDTH = len(_Owed.__slots__)


@attrs.frozen(repr=False, eq=False)  # internal: no generated methods nobody calls (start-up)
class Checkpoint:
    """The ledger after ``events`` events: its dictionaries, and how long its logs were."""

    events: int
    phase: str
    owed: tuple[Any, ...]  # every obligation's slot values, in definition order, end to end
    facts: dict[str, FactValue]
    entered: dict[str, dt.date]
    lengths: tuple[int, int, int, int]


@attrs.define(repr=False, eq=False)  # internal: no generated methods nobody calls (start-up)
class Ledger:
    """Mutable accumulator behind a :class:`~truce.Ceasefire`; copies go through checkpoints."""

    agreement: Agreement
    phase: str
    owed: dict[str, _Owed]
    facts: dict[str, FactValue] = attrs.field(factory=dict)
    fact_claims: list[Event] = attrs.field(factory=list)
    incidents: list[Event] = attrs.field(factory=list)
    phase_log: list[PhaseChange] = attrs.field(factory=list)
    changes: list[Change] | None = None
    entered: dict[str, dt.date] = attrs.field(factory=dict)

    @classmethod
    def start(cls, agreement: Agreement, *, track_changes: bool = False) -> Ledger:
        """The ledger on entry into force: initial phase entered, its obligations active.

        With ``track_changes`` it also keeps every obligation change (for ``history()``);
        a ledger that only answers questions does not pay for that record.
        """
        ledger = cls(agreement, agreement.initial, {o.id: _Owed(o) for o in agreement.obligations})
        ledger.changes = [] if track_changes else None
        ledger.entered[ANCHOR_IN_FORCE] = agreement.in_force
        start = PhaseChange(agreement.in_force, None, agreement.initial, None)
        ledger.phase_log.append(start)
        if ledger.changes is not None:
            ledger.changes.append(start)
        ledger._enter(agreement.initial, agreement.in_force, anchor=ANCHOR_IN_FORCE)
        return ledger

    def checkpoint(self, events: int) -> Checkpoint:
        return Checkpoint(
            events,
            self.phase,
            tuple(itertools.chain.from_iterable(map(_owed_state, self.owed.values()))),
            dict(self.facts),
            dict(self.entered),
            (len(self.fact_claims), len(self.incidents), len(self.phase_log), len(self.changes or ())),
        )

    def restore(self, checkpoint: Checkpoint) -> Ledger:
        """A new ledger as it stood at ``checkpoint`` (taken from this ledger or an ancestor)."""
        claims, incidents, phases, changes = checkpoint.lengths
        return Ledger(
            self.agreement,
            checkpoint.phase,
            {
                key: _Owed.thaw(checkpoint.owed[start : start + _OWED_WIDTH])
                for key, start in zip(self.owed, range(0, len(checkpoint.owed), _OWED_WIDTH), strict=True)
            },
            dict(checkpoint.facts),
            self.fact_claims[:claims],
            self.incidents[:incidents],
            self.phase_log[:phases],
            None if self.changes is None else self.changes[:changes],
            dict(checkpoint.entered),
        )

    # --- reading (the GuardContext protocol, minus as_of) ---------------------------

    def obligation_state(self, obligation: str) -> ObligationState:
        try:
            return self.owed[obligation].freeze()
        except KeyError:
            self.agreement.obligation(obligation)  # raises UnknownName, listing the known ids
            raise

    def states(self) -> dict[str, ObligationState]:
        """Every obligation's frozen state, by id, in definition order."""
        return {key: owed.freeze() for key, owed in self.owed.items()}

    def fact_value(self, name: str) -> FactValue | None:
        return self.facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.entered.get(anchor)

    # --- writing --------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one already-validated, non-transition event into the ledger."""
        kind = event.kind
        if kind is EventKind.FACT:
            assert event.fact is not None
            assert event.value is not None
            self.facts[event.fact] = FactValue(event.fact, event.value, event.date, event)
            return
        if kind is EventKind.INCIDENT:
            self.incidents.append(event)
            return
        if kind is EventKind.CLAIM and event.obligation is None:
            self.fact_claims.append(event)
            return
        assert event.obligation is not None
        owed = self.owed[event.obligation]
        base, progress, due = owed.base, owed.progress, owed.due
        _apply_to_obligation(owed, event)
        owed.frozen = None
        if self.changes is None:
            return
        oid = event.obligation
        if owed.base is not base:
            self.changes.append(ObligationChange(event.date, oid, "status", str(base), str(owed.base), event))
        elif owed.progress != progress and owed.progress is not None:
            was = None if progress is None else f"{progress:g}"
            self.changes.append(ObligationChange(event.date, oid, "progress", was, f"{owed.progress:g}", event))
        if owed.due != due and owed.due is not None:
            was_due = None if due is None else due.isoformat()
            self.changes.append(ObligationChange(event.date, oid, "deadline", was_due, owed.due.isoformat(), event))

    def settle_run(self, run: list[Event]) -> bool:
        """Fold settling reports as if one by one, but per obligation; False (and nothing
        changed) if one names an obligation the agreement does not define.

        Only the last report in the run sets an obligation's status, date and evidence;
        the first may start its clock (``active_since``); any ``fulfilled`` one fills a
        measure. Change tracking is off (callers with a change record fold step by step).
        """
        last = {event.obligation: event for event in run}
        if not last.keys() <= self.owed.keys():
            return False
        first: dict[str | None, Event] | None = None
        fulfilled: set[str | None] | None = None
        for oid, event in last.items():
            assert oid is not None
            owed = self.owed[oid]
            if owed.active_since is None:
                if first is None:
                    first = {e.obligation: e for e in reversed(run)}
                owed.active_since = first[oid].date
            owed.settled = event
            owed.frozen = None
            measure = owed.obligation.measure
            if measure is not None:
                if fulfilled is None:
                    fulfilled = {e.obligation for e in run if e.kind is EventKind.FULFILLED}
                if oid in fulfilled:
                    owed.progress = measure.target
        return True

    def enter_phase(self, change: PhaseChange) -> None:
        """Record a phase change the machine has made (regular or declared)."""
        self.phase = change.to_phase
        self.phase_log.append(change)
        if self.changes is not None:
            self.changes.append(change)
        self._enter(change.to_phase, change.date, anchor=change.to_phase)

    def _enter(self, phase: str, on: dt.date, *, anchor: str) -> None:
        if phase not in self.entered:
            self.entered[phase] = on
        first_entry = self.entered[phase] == on
        for o in self.agreement.touched_by(anchor):
            owed = self.owed[o.id]
            owed_here = o.phase == phase or (o.phase is None and anchor == ANCHOR_IN_FORCE)
            if owed_here and owed.base is ObligationStatus.PENDING:
                owed.base, owed.since, owed.active_since, owed.frozen = ObligationStatus.ACTIVE, on, on, None
                if anchor != ANCHOR_IN_FORCE and self.changes is not None:
                    self.changes.append(ObligationChange(on, o.id, "status", "pending", "active"))
            if owed.due is None and o.due is not None:
                if first_entry and o.due.after in (anchor, phase):
                    owed.due = owed.original_due = o.due.resolve(on)
                    owed.frozen = None
                elif o.due.date is not None:
                    owed.due = owed.original_due = o.due.date
                    owed.frozen = None


def _apply_to_obligation(owed: _Owed, event: Event) -> None:
    kind = event.kind
    if kind in SETTLING:  # status, date and evidence come from the report (see _Owed)
        if owed.active_since is None:
            owed.active_since = event.date
        owed.settled = event
        measure = owed.obligation.measure
        if kind is EventKind.FULFILLED and measure is not None:
            owed.progress = measure.target
        return
    if kind is EventKind.CLAIM:
        owed.claims = (*owed.claims, event)
        return
    if kind is EventKind.EXTENDED:
        if owed.original_due is None:
            owed.original_due = owed.due
        owed.due = event.due
        owed.extensions = (*owed.extensions, event)
        return
    assert kind is EventKind.PROGRESS
    if owed.active_since is None:
        owed.active_since = event.date
    owed.evidence = event
    measure = owed.obligation.measure
    assert isinstance(event.value, int | float)
    progress = float(event.value)
    if measure is not None and progress >= measure.target:
        base = ObligationStatus.FULFILLED
    elif progress > 0:
        base = ObligationStatus.PARTIAL
    else:
        base = owed.base if owed.base is not ObligationStatus.PENDING else ObligationStatus.ACTIVE
    if base is not owed.base:
        owed.since = event.date
    owed.base = base
    owed.progress = progress
