"""History: a ceasefire's timeline, replayed from its log when asked for.

Recording keeps no record of changes (most callers never read one); :func:`history`
replays the log into a ledger that keeps them, and adds what the ledger does not track as
a change: each new value of a fact and each incident. Every entry has a ``kind``
(``phase``, ``obligation``, ``fact``, ``incident``), a ``date``, a ``describe()`` line and
the ``event`` behind it, whose ``source`` is the citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar, TypeAlias

import attrs

from truce._text import cited, short
from truce.errors import ArgumentError
from truce.events import Event, EventKind, Value
from truce.ledger import ObligationChange, PhaseChange
from truce.record import Record
from truce.recording import Recorder

__all__ = ["KINDS", "Entry", "FactChange", "Incident", "history"]

#: The kinds of entry a history holds, in the order ``kinds=`` lists them.
KINDS = ("phase", "obligation", "fact", "incident")


def _shown(value: Value | None) -> str:
    """A fact's value as guards write it: ``true``, ``10``, ``open``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@attrs.frozen(repr=False)
class FactChange:
    """A fact reported with a new value; ``before`` is the value it replaces (None the first time)."""

    kind: ClassVar[str] = "fact"

    date: dt.date
    fact: str
    before: Value | None
    after: Value
    event: Event | None = None

    def describe(self) -> str:
        was = f"{_shown(self.before)} -> " if self.before is not None else ""
        return f"{self.date} {self.fact} fact: {was}{_shown(self.after)}"

    __str__ = cited
    __repr__ = short


@attrs.frozen(repr=False)
class Incident:
    """An incident reported on the timeline, with the party it is attributed to (if any)."""

    kind: ClassVar[str] = "incident"

    date: dt.date
    party: str | None
    text: str
    event: Event | None = None

    def describe(self) -> str:
        party = f" [{self.party}]" if self.party else ""
        return f"{self.date} incident{party}: {self.text}"

    __str__ = cited
    __repr__ = short


Entry: TypeAlias = PhaseChange | ObligationChange | FactChange | Incident


def _kinds(kinds: str | Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    wanted = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise ArgumentError(f"kinds: {', '.join(map(repr, unknown))} is not one of {', '.join(KINDS)}")
    return wanted


def history(live: Recorder, kinds: str | Iterable[str] | None = None) -> tuple[Entry, ...]:
    """Every change ``live``'s log made, in order, keeping only ``kinds`` (all by default).

    A fact enters the timeline when its value changes (a report repeating the value it
    already had is no change); every incident enters it.
    """
    wanted = _kinds(kinds)
    agreement = live.agreement
    tracked = Recorder(agreement, Record(agreement, live.record.names, track_changes=True))
    changes = tracked.record.ledger.changes
    assert changes is not None
    found: list[Entry] = []
    values: dict[str, Value] = {}
    seen = 0
    for event in live.record.events:
        tracked.fold(event)
        found += changes[seen:]
        seen = len(changes)
        if event.kind is EventKind.FACT:
            assert event.fact is not None
            assert event.value is not None
            before = values.get(event.fact)
            if before is None or before != event.value or type(before) is not type(event.value):
                found.append(FactChange(event.date, event.fact, before, event.value, event))
            values[event.fact] = event.value
        elif event.kind is EventKind.INCIDENT:
            assert event.text is not None
            found.append(Incident(event.date, event.party, event.text, event))
    found += changes[seen:]
    day = live.date  # before entry into force, not even that entry has happened
    return tuple(entry for entry in found if entry.kind in wanted and entry.date <= day)
