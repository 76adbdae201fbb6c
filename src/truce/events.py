"""Events: dated, sourced facts about a ceasefire, and the only way its state changes.

One class with a ``kind`` rather than a class per kind: logs are written by people in
YAML or JSON Lines, and one flat shape is easiest to write, validate and diff. The
validator checks that each kind carries the fields it needs.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import sys
from typing import Any

import attrs

from truce._names import is_id
from truce.dates import to_date
from truce.sources import Source

__all__ = ["Event", "EventKind", "Precision"]


class EventKind(enum.StrEnum):
    """What happened. Obligation kinds move a status; ``fact`` sets a value guards read."""

    FULFILLED = "fulfilled"
    PROGRESS = "progress"
    BREACHED = "breached"
    WAIVED = "waived"
    EXTENDED = "extended"
    FACT = "fact"
    INCIDENT = "incident"
    CLAIM = "claim"
    TRANSITION = "transition"
    DECLARED = "declared"


class Precision(enum.StrEnum):
    """How exact the date is (ACLED's time precision): reported day, week or month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


CLAIMABLE = frozenset({"fulfilled", "partial", "breached", "waived", "active"})
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d( ?(UTC|GMT|local|[A-Z]{2,5}|[+-]\d\d:?\d\d))?\Z")

_NEEDS: dict[EventKind, tuple[str, ...]] = {
    EventKind.FULFILLED: ("obligation",),
    EventKind.PROGRESS: ("obligation", "value"),
    EventKind.BREACHED: ("obligation",),
    EventKind.WAIVED: ("obligation",),
    EventKind.EXTENDED: ("obligation", "due"),
    EventKind.FACT: ("fact", "value"),
    EventKind.INCIDENT: ("text",),
    EventKind.CLAIM: ("party",),
    EventKind.TRANSITION: ("trigger",),
    EventKind.DECLARED: ("source",),
}

#: The payload fields each kind may carry; any other is an error, not silently kept. A
#: ``fulfilled`` event with a ``trigger`` is a mistake in the data, and since an obligation
#: kind can only name an obligation, recording it needs one name check, not six.
_ALLOWS: dict[EventKind, frozenset[str]] = {
    EventKind.FULFILLED: frozenset({"obligation"}),
    EventKind.PROGRESS: frozenset({"obligation", "value"}),
    EventKind.BREACHED: frozenset({"obligation"}),
    EventKind.WAIVED: frozenset({"obligation"}),
    EventKind.EXTENDED: frozenset({"obligation", "due"}),
    EventKind.FACT: frozenset({"fact", "value"}),
    EventKind.INCIDENT: frozenset({"party"}),
    EventKind.CLAIM: frozenset({"party", "obligation", "fact", "asserts", "value"}),
    EventKind.TRANSITION: frozenset({"trigger"}),
    EventKind.DECLARED: frozenset({"trigger", "to"}),
}
_PAYLOAD = ("obligation", "fact", "value", "due", "trigger", "to", "party", "asserts")
_WHY = {
    "party": " (an obligation names the party that owes it)",
    "to": " (a transition names its trigger; only a declared move may name its phase)",
}

Value = bool | int | float | str


def _optional_due(value: object) -> dt.date | None:
    return None if value is None else _date(value, "due")


def _date(value: object, field: str = "date") -> dt.date:
    day = value if type(value) is dt.date else to_date(value, field=field)
    # one object per distinct day: a million events over a thousand days share a thousand dates
    return _DAYS.setdefault(day, day)


_DAYS: dict[dt.date, dt.date] = {}


def _name(value: object) -> Any:
    """Intern ids: a long log repeats the same few names a million times."""
    return sys.intern(value) if type(value) is str else value


@attrs.frozen
class Event:
    """Something that happened on a date, said by someone, according to a source.

    ``reported_by`` is who says so (a party id, a mediator, a monitor, an outlet): a
    report is not a verdict. ``party`` is the party an incident is attributed to, or the
    party making a claim. ``value`` is a fact's value or a measure's cumulative count.

    >>> Event(date="2025-10-13", kind="fulfilled", obligation="living_hostages_released").date
    datetime.date(2025, 10, 13)
    """

    date: dt.date = attrs.field(converter=_date)
    kind: EventKind = attrs.field(converter=EventKind)
    obligation: str | None = attrs.field(default=None, converter=_name)
    fact: str | None = attrs.field(default=None, converter=_name)
    value: Value | None = None
    due: dt.date | None = attrs.field(default=None, converter=_optional_due)
    trigger: str | None = attrs.field(default=None, converter=_name)
    to: str | None = attrs.field(default=None, converter=_name)
    party: str | None = attrs.field(default=None, converter=_name)
    asserts: str | None = attrs.field(default=None, converter=_name)
    reported_by: str | None = None
    text: str | None = None
    source: Source | None = None
    time: str | None = None
    precision: Precision = attrs.field(default=Precision.DAY, converter=Precision)

    def __attrs_post_init__(self) -> None:
        kind = self.kind
        missing = [name for name in _NEEDS[kind] if getattr(self, name) is None]
        if kind is EventKind.DECLARED and self.trigger is None and self.to is None:
            missing.append("trigger or to")
        if kind is EventKind.CLAIM:
            if self.obligation is None and self.fact is None:
                missing.append("obligation or fact")
            if self.obligation is not None and self.asserts is None:
                missing.append("asserts")
        if missing:
            raise ValueError(f"a {kind} event needs {', '.join(missing)}")
        allowed = _ALLOWS[kind]
        extra = [name for name in _PAYLOAD if name not in allowed and getattr(self, name) is not None]
        if extra:
            why = "".join(_WHY.get(name, "") for name in extra[:1])
            raise ValueError(f"a {kind} event does not take {', '.join(extra)}{why}")
        for name, value in (
            ("obligation", self.obligation),
            ("fact", self.fact),
            ("trigger", self.trigger),
            ("to", self.to),
            ("party", self.party),
        ):
            if value is not None and not is_id(value):
                raise ValueError(f"{name}: {value!r} is not a valid id")
        if self.asserts is not None and self.asserts not in CLAIMABLE:
            raise ValueError(f"asserts: {self.asserts!r} is not one of {', '.join(sorted(CLAIMABLE))}")
        if self.kind is EventKind.PROGRESS and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float) or self.value < 0
        ):
            raise ValueError(f"value: progress is a cumulative count >= 0, got {self.value!r}")
        if self.value is not None and not isinstance(self.value, bool | int | float | str):
            raise ValueError(f"value: expected a number, text or true/false, got {type(self.value).__name__}")
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise ValueError(f"value: {self.value} is not a finite number")
        expected: tuple[tuple[str, object, type], ...] = (
            ("reported_by", self.reported_by, str),
            ("text", self.text, str),
            ("source", self.source, Source),
            ("time", self.time, str),
        )
        for name, given, wanted in expected:
            if given is not None and not isinstance(given, wanted):
                raise ValueError(f"{name}: expected {wanted.__name__}, got {type(given).__name__}")
        if self.time is not None and not _TIME.match(self.time):
            raise ValueError(f"time: {self.time!r} is not HH:MM with an optional zone")

    @property
    def subject(self) -> str | None:
        """The obligation or fact this event is about, if any."""
        return self.obligation or self.fact

    def describe(self) -> str:
        """A short line for timelines: date, kind, subject, text."""
        head = f"{self.date.isoformat()} {self.kind}"
        subject = self.subject or self.trigger or self.to
        if subject:
            head += f" {subject}"
        if self.value is not None:
            head += f" = {self.value}"
        if self.asserts:
            head += f" (claims {self.asserts})"
        if self.text:
            head += f": {self.text}"
        return head
