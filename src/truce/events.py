"""Events: dated, sourced facts about a ceasefire, and the only way its state changes.

One class with a ``kind`` rather than a class per kind: logs are written by people in
YAML or JSON Lines, and one flat shape is easiest to write, validate and diff. The
validator checks that each kind carries the fields it needs.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import operator
import re
import sys
from collections import deque
from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import Any

import attrs

from truce._names import is_id
from truce._text import tagged
from truce.dates import to_date
from truce.errors import DateError, EventError, Problem, what_is
from truce.limits import MAX_NUMBER, not_a_number
from truce.sources import Source

__all__ = ["Event", "EventKind", "External", "Precision"]


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


def _attributes(value: object) -> tuple[tuple[str, Value], ...]:
    """``attributes`` as a tuple of ``(name, value)`` pairs (a mapping is accepted): hashable,
    like the rest of a frozen event, and each value a number, text or true/false."""
    pairs = value.items() if isinstance(value, Mapping) else value
    if not isinstance(pairs, Iterable) or isinstance(pairs, str | bytes):
        raise ValueError(f"attributes: expected a mapping of names to values, got {what_is(value)}")
    out: list[tuple[str, Value]] = []
    names: set[str] = set()
    for pair in pairs:
        if type(pair) is not tuple:  # a caller's own tuples are kept: an importer shares repeated pairs
            if not isinstance(pair, tuple | list):
                raise ValueError(f"attributes: expected (name, value) pairs, got {pair!r}")
            pair = tuple(pair)
        if len(pair) != 2:
            raise ValueError(f"attributes: expected (name, value) pairs, got {pair!r}")
        name, item = pair
        if type(name) is not str or not name:
            raise ValueError(f"attributes: a name must be non-empty text, got {name!r}")
        if type(item) not in _EXACT and (
            not isinstance(item, bool | int | float | str) or (isinstance(item, float) and not math.isfinite(item))
        ):
            raise ValueError(f"attributes.{name}: expected a finite number, text or true/false, got {item!r}")
        if name in names:
            raise ValueError(f"attributes: {name!r} is given twice")
        names.add(name)
        out.append(pair)
    return tuple(out)


_EXACT = frozenset({str, int, bool})
_WANTED: dict[type, str] = {str: "text", Source: "a source"}  # checked by type alone; a float must also be finite


def _optional_due(value: object) -> dt.date | None:
    return None if value is None else _date(value, "due")


def _date(value: object, field: str = "date") -> dt.date:
    # one object per distinct day: a million events over a thousand days share a thousand dates,
    # and a day seen before is known to lie within the dates truce takes
    known = _DAYS.get(value) if type(value) is dt.date else None
    if known is not None:
        return known
    day = to_date(value, field=field)  # checks the range too, for a date object as for text
    return _DAYS.setdefault(day, day)


_DAYS: dict[dt.date, dt.date] = {}


def _invalid(message: str, field: str | None = None) -> EventError:
    """The error for an event that cannot be: a TruceError, and still a ValueError. ``field`` is
    the event's field at fault, so a reader reports ``events[3].due``, not only ``events[3]``."""
    return EventError([Problem(message, field=field)])


def _kind(value: object) -> EventKind:
    if type(value) is EventKind:
        return value
    try:
        return EventKind(value)  # type: ignore[arg-type]  # anything: a bad one is refused here
    except ValueError:
        raise _invalid(f"{str(value)[:40]!r} is not one of {', '.join(EventKind)}", "kind") from None


def _precision(value: object) -> Precision:
    if type(value) is Precision:
        return value
    try:
        return Precision(value)  # type: ignore[arg-type]
    except ValueError:
        raise _invalid(f"{str(value)[:40]!r} is not one of {', '.join(Precision)}", "precision") from None


#: The fields checked on their own when an event is made, each by its converter.
_CONVERTERS = {"date": _date, "kind": _kind, "due": _optional_due, "precision": _precision}


def field_problems(fields: Mapping[str, object]) -> list[Problem]:
    """The problems of an event's fields that can be judged one by one (its date, kind, due
    date and precision), every one of them: a reader reports a bad date and a bad kind in
    one pass, where the constructor stops at the first."""
    found: list[Problem] = []
    for name, convert in _CONVERTERS.items():
        if name in fields:
            try:
                convert(fields[name])  # type: ignore[operator]
            except EventError as exc:
                found.extend(exc.problems)
            except DateError as exc:
                found.append(Problem(str(exc).removeprefix(f"{name}: "), field=name))
    return found


def _name(value: object) -> Any:
    """Intern ids: a long log repeats the same few names a million times."""
    return sys.intern(value) if type(value) is str else value


@attrs.frozen
class External:
    """The record of another dataset an event was made from: its id there and its details.

    One object in one slot of :class:`Event` (rather than two fields), so the millions of
    events that come from no dataset pay one pointer for it.

    >>> External("acled:XRV1", {"fatalities": 2}).attributes
    (('fatalities', 2),)
    """

    id: str | None = attrs.field(default=None)
    attributes: tuple[tuple[str, Value], ...] = attrs.field(default=(), converter=_attributes)

    @id.validator
    def _check_id(self, _attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"external_id: expected non-empty text, got {value!r}")

    def __attrs_post_init__(self) -> None:
        if self.id is None and not self.attributes:
            raise ValueError("an external record needs an id or attributes (an event from no dataset has none)")


# No ``__weakref__`` slot: nothing holds an event weakly, and with the slot for ``external``
# that pointer would lift an event into the next 16-byte size class (160 -> 176 bytes, 16 MB
# on a million-event log; see docs/performance.md).
@attrs.frozen(weakref_slot=False)
class Event:
    """Something that happened on a date, said by someone, according to a source.

    ``reported_by`` is who says so (a party id, a mediator, a monitor, an outlet): a
    report is not a verdict. ``party`` is the party an incident is attributed to, or the
    party making a claim. ``value`` is a fact's value or a measure's cumulative count.
    ``external`` is the record of another dataset the event was made from (see
    :class:`External`): its id there, so a revised import replaces the event rather than
    adding a copy, and that dataset's own details (fatalities, sub-event type). It never
    changes what the event does to a ceasefire.

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
    external: External | None = None

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
            raise _invalid(f"a {kind} event needs {', '.join(missing)}", missing[0] if len(missing) == 1 else None)
        allowed = _ALLOWS[kind]
        extra = [name for name in _PAYLOAD if name not in allowed and getattr(self, name) is not None]
        if extra:
            why = "".join(_WHY.get(name, "") for name in extra[:1])
            raise _invalid(f"a {kind} event does not take {', '.join(extra)}{why}", extra[0])
        for name, value in (
            ("obligation", self.obligation),
            ("fact", self.fact),
            ("trigger", self.trigger),
            ("to", self.to),
            ("party", self.party),
        ):
            if value is not None and not is_id(value):
                raise _invalid(f"{value!r} is not a valid id", name)
        if self.asserts is not None and self.asserts not in CLAIMABLE:
            raise _invalid(f"{self.asserts!r} is not one of {', '.join(sorted(CLAIMABLE))}", "asserts")
        if self.kind is EventKind.PROGRESS and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float) or self.value < 0
        ):
            why = not_a_number(self.value) if isinstance(self.value, str) else f"got {self.value!r}"
            raise _invalid(f"progress is a cumulative count >= 0; {why}", "value")
        if self.value is not None and not isinstance(self.value, bool | int | float | str):
            raise _invalid(f"expected a number, text or true/false, got {what_is(self.value)}", "value")
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise _invalid(f"{self.value} is not a finite number", "value")
        if isinstance(self.value, int | float) and not isinstance(self.value, bool) and abs(self.value) > MAX_NUMBER:
            raise _invalid("a number is limited to 15 digits (at most 10**15)", "value")
        expected: tuple[tuple[str, object, type], ...] = (
            ("reported_by", self.reported_by, str),
            ("text", self.text, str),
            ("source", self.source, Source),
            ("time", self.time, str),
            ("external", self.external, External),
        )
        for name, given, wanted in expected:
            if given is not None and not isinstance(given, wanted):
                raise _invalid(f"expected {_WANTED.get(wanted, wanted.__name__)}, got {what_is(given)}", name)
        if self.time is not None and not _TIME.match(self.time):
            raise _invalid(f"{self.time!r} is not HH:MM with an optional zone", "time")

    @property
    def external_id(self) -> str | None:
        """The event's id in the dataset it came from (``acled:LBN1234``), if any."""
        return self.external.id if self.external is not None else None

    @property
    def attributes(self) -> tuple[tuple[str, Value], ...]:
        """That dataset's details about the event, as ``(name, value)`` pairs (empty if none)."""
        return self.external.attributes if self.external is not None else ()

    def attribute(self, name: str) -> Value | None:
        """The value of one of the event's ``attributes`` (None when it has no such attribute)."""
        return next((value for key, value in self.attributes if key == name), None)

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

    def details(self) -> str:
        """Everything the event says: the :meth:`describe` line, then who reports it, when, and its source."""
        lines = [self.describe()]
        if self.reported_by:
            lines.append(f"  reported by {self.reported_by}")
        if self.party and self.kind is EventKind.INCIDENT:
            lines.append(f"  attributed to {self.party}")
        elif self.party:
            lines.append(f"  claimed by {self.party}")
        if self.due is not None:
            lines.append(f"  due {self.due}")
        if self.time or self.precision is not Precision.DAY:
            lines.append(f"  time {self.time or '-'}, date precise to the {self.precision}")
        if self.external is not None:
            lines.append(f"  external {self.external.id or '-'} {dict(self.attributes) or ''}".rstrip())
        if self.source is not None:
            lines.append(f"  [source: {self.source.cite()}]")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.details()

    def __repr__(self) -> str:
        return tagged("Event", self.describe())


# Pickling: a long log ships to process pools and clusters. attrs' generic state functions
# cost a Python call per field; an event is rebuilt from its field values in one call,
# without re-running validators that already passed when it was made (tests/test_pickle.py
# round-trips events of every kind). The same trusted constructor serves the fast JSON Lines
# reader (truce._fast_jsonl) after it has checked everything the validators check, and the
# columnar pickling of a ceasefire's log (truce._event_columns).
_FIELDS = tuple(field.name for field in attrs.fields(Event))
_NEW = object.__new__
_SETTERS = tuple(Event.__dict__[name].__set__ for name in _FIELDS)  # the slots' own descriptors, one per field
(_DATE, _KIND, _OBLIGATION, _FACT, _VALUE, _DUE, _TRIGGER, _TO, _PARTY, _ASSERTS, _REPORTED_BY, _TEXT, _SOURCE,
 _TIME_OF_DAY, _PRECISION, _EXTERNAL) = _SETTERS  # fmt: skip


def _make(
    date: Any, kind: Any, obligation: Any, fact: Any, value: Any, due: Any, trigger: Any, to: Any, party: Any,
    asserts: Any, reported_by: Any, text: Any, source: Any, time: Any, precision: Any, external: Any,
) -> Event:  # fmt: skip
    """An event from field values already converted and checked (written out: one call, no loop)."""
    event: Event = _NEW(Event)
    _DATE(event, date)
    _KIND(event, kind)
    _OBLIGATION(event, obligation)
    _FACT(event, fact)
    _VALUE(event, value)
    _DUE(event, due)
    _TRIGGER(event, trigger)
    _TO(event, to)
    _PARTY(event, party)
    _ASSERTS(event, asserts)
    _REPORTED_BY(event, reported_by)
    _TEXT(event, text)
    _SOURCE(event, source)
    _TIME_OF_DAY(event, time)
    _PRECISION(event, precision)
    _EXTERNAL(event, external)
    return event


def _make_columns(count: int, columns: tuple[Iterable[Any], ...]) -> list[Event]:
    """``count`` events from a column of values per field (in field order), converted and checked:
    :func:`_make` a slot at a time, each slot set down its column by C loops (a fifth faster)."""
    events: list[Event] = list(map(_NEW, repeat(Event, count)))
    for setter, column in zip(_SETTERS, columns, strict=True):
        deque(map(setter, events, column), 0)
    return events


def _rebuild(values: tuple[Any, ...]) -> Event:
    return _make(*values)


_VALUES = operator.attrgetter(*_FIELDS)


def _reduce(event: Event) -> tuple[Any, ...]:
    return (_rebuild, (_VALUES(event),))


Event.__reduce__ = _reduce  # type: ignore[method-assign,assignment]


def _transition(day: dt.date, trigger: str) -> Event:
    """A ``transition`` event with only its day and trigger, both checked by the caller.

    What ``Ceasefire.advance`` records: the trigger is one the agreement defines, the day
    one truce takes. The constructor would check both again, and every empty field, at
    about three times the cost (a fifth of an ``advance``); the day and the trigger go
    through the converters it uses, so the event is the one it would make.
    """
    return _make(
        _date(day), EventKind.TRANSITION, None, None, None, None, _name(trigger), None, None, None, None, None, None,
        None, Precision.DAY, None,
    )  # fmt: skip
