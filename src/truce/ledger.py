"""The ledger: the one fold of events into obligation statuses, facts and the record of changes.

Applying an event touches only what the event is about, so recording costs the same on
the millionth event as on the first. The ledger never decides whether a transition may
fire (that is :mod:`truce.engine`'s job); it is the model the engine moves, and its
``phase`` is the one place the current phase is kept.

What grows with the log (claims, extensions, incidents, the phase record) lives in
append-only lists. A :class:`Checkpoint` keeps the small dictionaries and the *lengths*
of those lists, and a ledger restored from it shares the lists and copies one only when
it appends to it. So checkpoints are cheap to take, a view of any past day costs a
restore and a short replay, and nothing is ever copied per query.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, ClassVar, TypeAlias

import attrs

from truce._text import cited, short
from truce.agreement import Agreement
from truce.events import Event, EventKind
from truce.guards import Verdict
from truce.obligations import ANCHOR_IN_FORCE, Obligation
from truce.status import EventSlice, FactValue, ObligationState, ObligationStatus

__all__ = ["SETTLING", "Change", "Checkpoint", "Ledger", "Moment", "ObligationChange", "PhaseChange"]


@attrs.frozen(repr=False)
class PhaseChange:
    """One move between phases: when, by which trigger, and whether it was regular.

    An *irregular* change is one that reality made before the guard held (a sourced
    ``declared`` event); ``unmet`` keeps the conditions that were unmet at that moment.
    The first entry of a ledger's record is entry into force (``trigger`` None).
    """

    kind: ClassVar[str] = "phase"

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

    __str__ = cited
    __repr__ = short


@attrs.frozen(repr=False)
class ObligationChange:
    """One change to an obligation: its status, its measured progress, or its deadline.

    ``before`` and ``after`` are statuses (``status``, ``progress``) or ISO dates
    (``deadline``); ``event`` is the report that caused it, and carries the source.
    """

    kind: ClassVar[str] = "obligation"

    date: dt.date
    obligation: str
    what: str
    before: str | None
    after: str
    event: Event | None = None

    def describe(self) -> str:
        was = f"{self.before} -> " if self.before is not None else ""
        return f"{self.date} {self.obligation} {self.what}: {was}{self.after}"

    __str__ = cited
    __repr__ = short


Change: TypeAlias = PhaseChange | ObligationChange

#: The reports that settle an obligation's status outright, and the status each sets.
SETTLING = {
    EventKind.FULFILLED: ObligationStatus.FULFILLED,
    EventKind.BREACHED: ObligationStatus.BREACHED,
    EventKind.WAIVED: ObligationStatus.WAIVED,
}


_KIND = operator.attrgetter("kind")
_OBLIGATION = operator.attrgetter("obligation")
_SETTLING_KINDS = frozenset(SETTLING)
# Enum members bound once: ``EventKind.FULFILLED`` is a class look-up costing more than the test it feeds.
_FULFILLED, _EXTENDED, _PROGRESS = EventKind.FULFILLED, EventKind.EXTENDED, EventKind.PROGRESS
_INCIDENT, _FACT, _CLAIM = EventKind.INCIDENT, EventKind.FACT, EventKind.CLAIM
_DONE, _PARTIAL, _PENDING, _ACTIVE = (
    ObligationStatus.FULFILLED, ObligationStatus.PARTIAL, ObligationStatus.PENDING, ObligationStatus.ACTIVE
)  # fmt: skip


class _Shared:
    """An append-only list that a restored ledger shares with its original.

    A ledger that owns its list appends to it. A view shares its original's list (reading
    the first ``size`` items) and keeps what it appends in a ``tail`` of its own: no view
    ever copies the shared part, however long it is.
    """

    __slots__ = ("items", "owned", "size", "tail")

    def __init__(self, items: list[Any], size: int, owned: bool, tail: list[Any] | None = None) -> None:
        self.items, self.size, self.owned, self.tail = items, size, owned, tail

    def append(self, item: Any) -> None:
        if self.owned:
            self.items.append(item)
            self.size += 1
        elif self.tail is None:
            self.tail = [item]
        else:
            self.tail.append(item)

    def extend(self, items: list[Any]) -> None:
        if not items:
            return
        if self.owned:
            self.items.extend(items)
            self.size += len(items)
        elif self.tail is None:
            self.tail = items
        else:
            self.tail.extend(items)

    def __len__(self) -> int:
        return self.size + (len(self.tail) if self.tail else 0)

    def view(self) -> EventSlice:
        return EventSlice(self.items, self.size, tuple(self.tail) if self.tail else ())

    def saved(self) -> tuple[list[Any], int]:
        """What a checkpoint keeps: the list and a length (a view's tail is joined on, a rare copy)."""
        if self.tail:
            return [*self.items[: self.size], *self.tail], self.size + len(self.tail)
        return self.items, self.size

    def cut(self, size: int) -> None:
        """Undo appends back to ``size`` (a refused batch)."""
        if self.owned:
            del self.items[size:]
            self.size = size
        elif size <= self.size:
            self.size, self.tail = size, None
        else:
            assert self.tail is not None
            del self.tail[size - self.size :]


class _Owed:
    """The ledger's working state of one obligation; readers get a frozen :class:`ObligationState`."""

    __slots__ = (
        "active_since", "base", "claims", "due", "evidence", "extensions", "frozen", "latest", "obligation",
        "original_due", "progress", "since",
    )  # fmt: skip

    def __init__(self, obligation: Obligation) -> None:
        self.obligation = obligation
        self.base = ObligationStatus.PENDING
        self.since: dt.date | None = None
        self.active_since: dt.date | None = None
        self.progress: float | None = None
        self.due: dt.date | None = None
        self.original_due: dt.date | None = None
        self.evidence: Event | None = None
        self.extensions = _Shared([], 0, True)
        self.claims = _Shared([], 0, True)
        self.latest: dict[str, str] = {}  # each party's latest claim (what "disputed" needs); replaced on change
        self.frozen: ObligationState | None = None

    def __getstate__(self) -> tuple[Any, ...]:
        """Pickled without its cached frozen state (made again when asked for)."""
        return tuple(getattr(self, name) for name in _OWED_STATE)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(_OWED_STATE, state, strict=True):
            setattr(self, name, value)
        self.frozen = None

    def freeze(self) -> ObligationState:
        frozen = self.frozen
        if frozen is None:
            frozen = self.frozen = ObligationState(
                self.obligation,
                self.base,
                self.since,
                self.active_since,
                self.progress,
                self.due,
                self.original_due,
                self.evidence,
                self.extensions.view(),
                self.claims.view(),
                latest=tuple(self.latest.items()),
            )
        return frozen

    def saved(self, *, lengths_only: bool = False) -> tuple[Any, ...]:
        """The state to restore a view from, or (``lengths_only``) to undo a batch in place."""
        extensions, claims = self.extensions, self.claims
        if lengths_only:  # an undo cuts lists back: it needs their lengths, never their items
            kept: tuple[Any, ...] = (None, len(extensions), None, len(claims))
        elif extensions.tail or claims.tail:
            kept = (*extensions.saved(), *claims.saved())
        else:  # _Shared.saved() without the calls: a checkpoint takes this for every obligation
            kept = (extensions.items, extensions.size, claims.items, claims.size)
        return (
            self.base, self.since, self.active_since, self.progress, self.due, self.original_due, self.evidence,
            *kept, self.latest,
        )  # fmt: skip

    def load(self, saved: tuple[Any, ...], *, owned: bool) -> None:
        (self.base, self.since, self.active_since, self.progress, self.due, self.original_due, self.evidence,
         extensions, n_extensions, claims, n_claims, latest) = saved  # fmt: skip
        if owned:  # undo in place: this ledger's own lists are cut back
            self.extensions.cut(n_extensions)
            self.claims.cut(n_claims)
        else:
            self.extensions, self.claims = _Shared(extensions, n_extensions, False), _Shared(claims, n_claims, False)
        self.latest = latest
        self.frozen = None


_OWED_STATE = tuple(name for name in _Owed.__slots__ if name != "frozen")


@attrs.frozen(repr=False, eq=False)
class Checkpoint:
    """The ledger after ``events`` events: small state copied, growing lists by length."""

    events: int
    phase: str
    owed: tuple[tuple[Any, ...], ...]
    facts: dict[str, FactValue]
    entered: dict[str, dt.date]
    attributed: dict[str | None, int]
    lists: tuple[tuple[list[Any] | None, int], ...]  # fact claims, incidents, phase record (None: lengths only)


class Ledger:
    """Mutable accumulator behind a :class:`~truce.Ceasefire`; views go through checkpoints.

    It is also the model the ``transitions`` machine moves: the machine writes the new
    phase straight into :attr:`phase` (see :mod:`truce.engine`).
    """

    __slots__ = ("agreement", "attributed", "changes", "entered", "fact_claims", "facts", "incidents", "owed",
                 "phase", "phase_log")  # fmt: skip

    def __init__(self, agreement: Agreement, *, track_changes: bool = False) -> None:
        """The ledger on entry into force: initial phase entered, its obligations active.

        With ``track_changes`` it also keeps every obligation change (for ``history()``);
        a ledger that only answers questions does not pay for that record.
        """
        self.agreement = agreement
        self.phase = agreement.initial
        self.owed = {o.id: _Owed(o) for o in agreement.obligations}
        self.facts: dict[str, FactValue] = {}
        self.fact_claims = _Shared([], 0, True)
        self.incidents = _Shared([], 0, True)
        self.attributed: dict[str | None, int] = {}  # incidents per attributed party
        self.phase_log = _Shared([], 0, True)
        self.changes: list[Change] | None = [] if track_changes else None
        self.entered: dict[str, dt.date] = {ANCHOR_IN_FORCE: agreement.in_force}
        start = PhaseChange(agreement.in_force, None, agreement.initial, None)
        self.phase_log.append(start)
        if self.changes is not None:
            self.changes.append(start)
        self._enter(agreement.initial, agreement.in_force, anchor=ANCHOR_IN_FORCE)

    # --- checkpoints ------------------------------------------------------------------

    def checkpoint(self, events: int, *, lengths_only: bool = False) -> Checkpoint:
        """The ledger after ``events`` events; ``lengths_only`` for a savepoint that :meth:`undo` takes
        (cheap even for a view whose own events would otherwise be joined to its shared lists)."""
        lists = (self.fact_claims, self.incidents, self.phase_log)
        return Checkpoint(
            events,
            self.phase,
            tuple([owed.saved(lengths_only=lengths_only) for owed in self.owed.values()]),
            dict(self.facts),
            dict(self.entered),
            dict(self.attributed),
            tuple((None, len(s)) if lengths_only else s.saved() for s in lists),
        )

    def restored(self, checkpoint: Checkpoint) -> Ledger:
        """A new ledger as it stood at ``checkpoint``, sharing this one's lists (a view)."""
        ledger = Ledger.__new__(Ledger)
        ledger.agreement = self.agreement
        ledger.owed = {}
        for obligation, saved in zip(self.agreement.obligations, checkpoint.owed, strict=True):
            owed = ledger.owed[obligation.id] = _Owed.__new__(_Owed)
            owed.obligation = obligation
            owed.load(saved, owned=False)
        shared = [
            _Shared(items or [], size, False) for items, size in checkpoint.lists
        ]  # a savepoint is never restored
        ledger.fact_claims, ledger.incidents, ledger.phase_log = shared
        ledger.changes = None
        ledger._reset(checkpoint)
        return ledger

    def undo(self, checkpoint: Checkpoint) -> None:
        """Put this ledger back as it stood at ``checkpoint`` (taken from it), in place."""
        for owed, saved in zip(self.owed.values(), checkpoint.owed, strict=True):
            owed.load(saved, owned=True)
        for mine, (_, size) in zip((self.fact_claims, self.incidents, self.phase_log), checkpoint.lists, strict=True):
            mine.cut(size)
        self._reset(checkpoint)

    def _reset(self, checkpoint: Checkpoint) -> None:
        self.phase = checkpoint.phase
        self.facts = dict(checkpoint.facts)
        self.entered = dict(checkpoint.entered)
        self.attributed = dict(checkpoint.attributed)

    # --- reading ----------------------------------------------------------------------

    def obligation_state(self, obligation: str) -> ObligationState:
        try:
            return self.owed[obligation].freeze()
        except KeyError:
            self.agreement.obligation(obligation)  # raises UnknownName, listing the known ids
            raise

    def moves(self) -> tuple[PhaseChange, ...]:
        """The phase record, from entry into force."""
        return tuple(self.phase_log.view())  # type: ignore[arg-type]

    def states(self) -> dict[str, ObligationState]:
        """Every obligation's frozen state, by id, in definition order."""
        return {key: owed.freeze() for key, owed in self.owed.items()}

    def fact_value(self, name: str) -> FactValue | None:
        return self.facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.entered.get(anchor)

    # --- writing ----------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event that names only what the agreement defines (not a phase move)."""
        kind = event.kind
        if kind is _INCIDENT:
            self.incidents.append(event)
            self.attributed[event.party] = self.attributed.get(event.party, 0) + 1
            return
        if kind is _FACT:
            assert event.fact is not None
            assert event.value is not None
            self.facts[event.fact] = FactValue(event.fact, event.value, event.date, event)
            return
        oid = event.obligation
        if oid is None:  # a claim about a fact
            self.fact_claims.append(event)
            return
        owed = self.owed[oid]
        owed.frozen = None
        if kind is _CLAIM:
            owed.claims.append(event)
            assert event.party is not None
            assert event.asserts is not None
            owed.latest = {**owed.latest, event.party: event.asserts}  # replaced, never changed: checkpoints share it
            return
        if self.changes is None:
            _fold(owed, event)
            return
        base, progress, due = owed.base, owed.progress, owed.due
        _fold(owed, event)
        # a progress report shows its count even when it also moves the status (a jump to the target)
        counted = owed.base is base or kind is _PROGRESS
        if counted and owed.progress != progress and owed.progress is not None:
            was = None if progress is None else f"{progress:g}"
            self.changes.append(ObligationChange(event.date, oid, "progress", was, f"{owed.progress:g}", event))
        if owed.base is not base:
            self.changes.append(ObligationChange(event.date, oid, "status", str(base), str(owed.base), event))
        if owed.due != due and owed.due is not None:
            was_due = None if due is None else due.isoformat()
            self.changes.append(ObligationChange(event.date, oid, "deadline", was_due, owed.due.isoformat(), event))

    def apply_all(self, events: list[Event], *, settling: bool = False) -> None:
        """:meth:`apply` for each of ``events`` in turn (none of them a phase move), in one loop.

        A batch (loading a log, ``extend``) costs what this loop costs, so what the events
        of one batch overwrite is written once: a fact's value, the lists' lengths, and in a
        run of settling reports each obligation's status. Its result is :meth:`apply`'s,
        event by event (held to it, and to the reference fold, by tests/test_batch_fold.py).
        """
        if self.changes is not None:  # the change record wants every step
            for event in events:
                self.apply(event)
            return
        if settling or set(map(_KIND, events)) <= _SETTLING_KINDS:  # ``settling``: the caller knows they all are
            self._settle_all(events)
            return
        owed_of, attributed = self.owed, self.attributed
        incidents: list[Event] = []
        fact_claims: list[Event] = []
        facts: dict[str, Event] = {}
        for event in events:
            kind = event.kind
            if kind is _INCIDENT:
                incidents.append(event)
                attributed[event.party] = attributed.get(event.party, 0) + 1
                continue
            if kind is _FACT:
                facts[event.fact] = event  # type: ignore[index]
                continue
            oid = event.obligation
            if oid is None:  # a claim about a fact
                fact_claims.append(event)
                continue
            owed = owed_of[oid]
            owed.frozen = None
            if kind is _CLAIM:
                owed.claims.append(event)
                owed.latest = {**owed.latest, event.party: event.asserts}  # type: ignore[dict-item]
                continue
            _fold(owed, event)
        self.incidents.extend(incidents)
        self.fact_claims.extend(fact_claims)
        for fact, event in facts.items():
            self.facts[fact] = FactValue(fact, event.value, event.date, event)  # type: ignore[arg-type]

    def _settle_all(self, events: list[Event]) -> None:
        """A run of settling reports: each obligation ends as its last report says.

        An obligation not yet active (its first report dates it) or measured (a fulfilment
        sets its count) takes its reports one by one.
        """
        owed_of, last = self.owed, dict(zip(map(_OBLIGATION, events), events))  # noqa: B905 - equal lengths
        careful = {
            oid for oid in last if owed_of[oid].active_since is None or owed_of[oid].obligation.measure is not None
        }
        if careful:
            for event in events:
                if event.obligation in careful:
                    owed = owed_of[event.obligation]  # type: ignore[index]
                    owed.frozen = None
                    _fold(owed, event)
        for oid, event in last.items():
            if oid not in careful:
                owed = owed_of[oid]
                owed.base, owed.since, owed.evidence, owed.frozen = SETTLING[event.kind], event.date, event, None

    def entered_phase(self, change: PhaseChange) -> None:
        """Record a phase change the engine has made (regular or declared): the phase is already set."""
        self.phase_log.append(change)
        if self.changes is not None:
            self.changes.append(change)
        self._enter(change.to_phase, change.date, anchor=change.to_phase)

    def _enter(self, phase: str, on: dt.date, *, anchor: str) -> None:
        first_entry = phase not in self.entered
        if first_entry:
            self.entered[phase] = on
        for o in self.agreement.touched_by(anchor):
            owed = self.owed[o.id]
            owed_here = o.phase == phase or (o.phase is None and anchor == ANCHOR_IN_FORCE)
            if owed_here and owed.base is ObligationStatus.PENDING:
                owed.base, owed.since, owed.active_since, owed.frozen = ObligationStatus.ACTIVE, on, on, None
                if anchor != ANCHOR_IN_FORCE and self.changes is not None:
                    self.changes.append(ObligationChange(on, o.id, "status", "pending", "active"))
            if owed.due is None and o.due is not None:
                if o.due.date is not None:
                    owed.due = owed.original_due = o.due.date
                    owed.frozen = None
                elif first_entry and o.due.after in (anchor, phase):
                    owed.due = owed.original_due = o.due.resolve(on)
                    owed.frozen = None


def _fold(owed: _Owed, event: Event) -> None:
    """One obligation report: settling, extension or progress (claims are kept apart)."""
    kind = event.kind
    settles = SETTLING.get(kind)
    if settles is not None:
        if owed.active_since is None:
            owed.active_since = event.date
        owed.base, owed.since, owed.evidence = settles, event.date, event
        measure = owed.obligation.measure
        if kind is _FULFILLED and measure is not None:
            owed.progress = measure.target
        return
    if kind is _EXTENDED:
        if not owed.extensions:  # the deadline before the first extension, None if the text set none
            owed.original_due = owed.due
        owed.due = event.due
        owed.extensions.append(event)
        return
    assert kind is _PROGRESS
    if owed.active_since is None:
        owed.active_since = event.date
    owed.evidence = event
    measure = owed.obligation.measure
    assert isinstance(event.value, int | float)
    progress = float(event.value)
    if measure is not None and progress >= measure.target:
        base = _DONE
    elif progress > 0:
        base = _PARTIAL
    else:
        base = owed.base if owed.base is not _PENDING else _ACTIVE
    if base is not owed.base:
        owed.since = event.date
    owed.base = base
    owed.progress = progress


class Moment:
    """A ledger seen on one day: what guards read (a :class:`~truce.guards.GuardContext`)."""

    __slots__ = ("as_of", "ledger")

    def __init__(self, ledger: Ledger, as_of: dt.date) -> None:
        self.ledger = ledger
        self.as_of = as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        return self.ledger.obligation_state(obligation)

    def fact_value(self, name: str) -> FactValue | None:
        return self.ledger.facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.ledger.entered.get(anchor)
