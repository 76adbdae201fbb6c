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
from truce.errors import EventError
from truce.limits import MAX_NUMBER
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


def _invalid(message: str) -> EventError:
    """The error for an event that cannot be: a TruceError, and still a ValueError."""
    return EventError([message])


def _kind(value: object) -> EventKind:
    if type(value) is EventKind:
        return value
    try:
        return EventKind(value)  # type: ignore[arg-type]  # anything: a bad one is refused here
    except ValueError:
        raise _invalid(f"kind: {str(value)[:40]!r} is not one of {', '.join(EventKind)}") from None


def _precision(value: object) -> Precision:
    if type(value) is Precision:
        return value
    try:
        return Precision(value)  # type: ignore[arg-type]
    except ValueError:
        raise _invalid(f"precision: {str(value)[:40]!r} is not one of {', '.join(Precision)}") from None


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
    kind: EventKind = attrs.field(converter=_kind)
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
    precision: Precision = attrs.field(default=Precision.DAY, converter=_precision)

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
            raise _invalid(f"a {kind} event needs {', '.join(missing)}")
        allowed = _ALLOWS[kind]
        extra = [name for name in _PAYLOAD if name not in allowed and getattr(self, name) is not None]
        if extra:
            why = "".join(_WHY.get(name, "") for name in extra[:1])
            raise _invalid(f"a {kind} event does not take {', '.join(extra)}{why}")
        for name, value in (
            ("obligation", self.obligation),
            ("fact", self.fact),
            ("trigger", self.trigger),
            ("to", self.to),
            ("party", self.party),
        ):
            if value is not None and not is_id(value):
                raise _invalid(f"{name}: {value!r} is not a valid id")
        if self.asserts is not None and self.asserts not in CLAIMABLE:
            raise _invalid(f"asserts: {self.asserts!r} is not one of {', '.join(sorted(CLAIMABLE))}")
        if self.kind is EventKind.PROGRESS and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float) or self.value < 0
        ):
            raise _invalid(f"value: progress is a cumulative count >= 0, got {self.value!r}")
        if self.value is not None and not isinstance(self.value, bool | int | float | str):
            raise _invalid(f"value: expected a number, text or true/false, got {type(self.value).__name__}")
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise _invalid(f"value: {self.value} is not a finite number")
        if isinstance(self.value, int | float) and not isinstance(self.value, bool) and abs(self.value) > MAX_NUMBER:
            raise _invalid("value: a number is limited to 15 digits (at most 10**15)")
        expected: tuple[tuple[str, object, type], ...] = (
            ("reported_by", self.reported_by, str),
            ("text", self.text, str),
            ("source", self.source, Source),
            ("time", self.time, str),
        )
        for name, given, wanted in expected:
            if given is not None and not isinstance(given, wanted):
                raise _invalid(f"{name}: expected {wanted.__name__}, got {type(given).__name__}")
        if self.time is not None and not _TIME.match(self.time):
            raise _invalid(f"time: {self.time!r} is not HH:MM with an optional zone")

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


# Each field's slot, with its default: writing through the slot descriptors skips the
# frozen class's __setattr__ guard at a third of object.__setattr__'s cost.
_SLOTS: tuple[tuple[Any, Any], ...] = tuple(
    (Event.__dict__[f.name], f.default) for f in attrs.fields(Event) if f.default is not attrs.NOTHING
)
_DATE: Any = Event.__dict__["date"]
_KIND: Any = Event.__dict__["kind"]
_TRIGGER: Any = Event.__dict__["trigger"]


def transition_event(day: dt.date, trigger: str) -> Event:
    """A bare ``transition`` event for a trigger the caller has already checked.

    ``Ceasefire.advance`` validates the trigger against the agreement and the date against
    the log before it calls this, so re-running the constructor's validators would only
    cost time on the hottest path. Equal to ``Event(day, "transition", trigger=trigger)``.
    """
    event = object.__new__(Event)
    for slot, default in _SLOTS:
        slot.__set__(event, default)
    _DATE.__set__(event, day)
    _KIND.__set__(event, EventKind.TRANSITION)
    _TRIGGER.__set__(event, trigger)
    return event
