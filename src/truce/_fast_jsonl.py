"""The fast path for JSON Lines event logs: one pass per line, each event built once.

The careful reader (:func:`truce.logs.load_events`) checks every key and value with a
message ready for each failure and then calls the :class:`~truce.Event` constructor,
whose converters and validators check most of it again: two thirds of the time of
``truce.load`` on a large log. This module reads a log whose every line is well formed
in one pass: the key set against the kind's, each value's type, and the rules the
constructor enforces, then builds the event through the trusted path pickling uses
(``truce.events._make``). It reports nothing: at the first thing it does not
recognise as plainly valid (a bad line, an unusual shape, a torn last line, a limit
reached) it returns ``None`` and the careful reader reads the whole file again, so
every error and warning comes from one place, worded as it always was.

The contract, held by ``tests/test_fast_jsonl.py`` on generated logs good and spoiled:
:func:`read_jsonl` returns either ``None`` or exactly the events the careful reader
returns, and it returns ``None`` whenever the careful reader would raise or warn.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from typing import Any

from truce._names import is_id
from truce._reading import _Problems, _read_source
from truce.agreement import Agreement
from truce.errors import LoadError
from truce.events import _ALLOWS, _NEEDS, _TIME, CLAIMABLE, Event, EventKind, External, Precision, _date, _make
from truce.limits import MAX_NUMBER, Limits
from truce.sources import Source

__all__ = ["read_jsonl"]

_BOM = b"\xef\xbb\xbf"
_BLANK = " \t\n\r\x0b\x0c"  # what ``bytes.isspace`` takes for blank (ASCII only), as the careful reader does
_JSON_SPACE = " \t"  # JSON whitespace a line can hold once its line end is gone

_KINDS: dict[object, EventKind] = {kind.value: kind for kind in EventKind}
_PRECISIONS: dict[object, Precision] = {p.value: p for p in Precision}
_ASSERTS: dict[str | None, str | None] = {None: None, **{name: sys.intern(name) for name in CLAIMABLE}}
_COMMON = frozenset({"date", "kind", "reported_by", "text", "source", "time", "precision", "external_id", "attributes"})
#: Each kind's keys: the common ones and its payload. Any other key (even ``null``) goes the careful way.
_KEYS = {kind: _COMMON | allowed for kind, allowed in _ALLOWS.items()}
_NAMES = ("obligation", "fact", "trigger", "to", "party")


class _Refused(Exception):
    """Raised inside the fast path for anything it does not take; the careful reader then reports."""


def read_jsonl(text: str | bytes, agreement: Agreement | None, limits: Limits) -> list[Event] | None:
    """Every event of a JSON Lines log, or ``None`` if any line needs the careful reader."""
    if len(text) > limits.max_log_bytes:
        return None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        whole = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeError:
        return None
    # Lone ``\r`` line ends, escaped surrogates and counts near the limit are rare: careful reader.
    if "\r" in whole or "\\ud" in whole or "\\uD" in whole or whole.count("\n") >= limits.max_events:
        return None
    reader = _Reader(agreement, limits)
    try:
        return [reader.event(line) for line in whole.split("\n") if line.strip(_BLANK)]
    except _Refused:
        return None


def line_numbers(text: str | bytes) -> list[int | None]:
    """The line each event of a log :func:`read_jsonl` took starts on (its non-blank lines)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    whole = data.removeprefix(_BOM).decode("utf-8")
    return [number for number, line in enumerate(whole.split("\n"), 1) if line.strip(_BLANK)]


class _Reader:
    """One log's reading state: its limits, sources resolved so far, days and ids seen."""

    def __init__(self, agreement: Agreement | None, limits: Limits) -> None:
        self.max_scalar = limits.max_scalar
        self.longest = limits.max_scalar * 2  # a longer line is an error (the careful reader says so)
        self.ended = agreement.ended if agreement is not None else None
        self.registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
        self.sources: dict[object, Source] = {}
        self.days: dict[object, Any] = {}
        self.ids: dict[str | None, str | None] = {None: None}  # valid ids seen, interned; absent is None
        # the decoder's scanner itself: ``decode`` only adds two whitespace matches per line
        self.scan = json.JSONDecoder(object_pairs_hook=_no_duplicates).scan_once  # type: ignore[attr-defined]

    def event(self, line: str) -> Event:
        if len(line) > self.longest:
            raise _Refused
        body = line.strip(_JSON_SPACE)
        try:
            raw, end = self.scan(body, 0)
        except (StopIteration, ValueError, RecursionError):
            raise _Refused from None
        if end != len(body) or type(raw) is not dict:
            raise _Refused
        if len(line) > self.max_scalar:  # no string in a shorter line can be longer than the line
            _check_lengths(raw, self.max_scalar)
        get = raw.get
        # Look-ups in tables of what is known good; a miss (KeyError) is checked once and
        # remembered, and a list or a mapping where text belongs (TypeError) is refused.
        try:
            kind = _KINDS[get("kind")]
            if not raw.keys() <= _KEYS[kind] or None in map(get, _NEEDS[kind]):
                raise _Refused
            try:
                date = self.days[get("date")]
            except KeyError:
                date = self.day(get("date"))
            try:
                obligation, fact, trigger, to, party = map(self.ids.__getitem__, map(get, _NAMES))
            except KeyError:
                obligation, fact, trigger, to, party = map(self.name, map(get, _NAMES))
            asserts = _ASSERTS[get("asserts")]
            precision = _PRECISIONS[get("precision", "day")]
        except (KeyError, TypeError):
            raise _Refused from None
        if self.ended is not None and date > self.ended:
            raise _Refused
        value = get("value")
        if value is not None:
            value = _value(value, kind)
        due = get("due")
        if due is not None:
            due = self.day(due)
        reported_by, words, time = get("reported_by"), get("text"), get("time")
        if (
            (reported_by is not None and type(reported_by) is not str)
            or (words is not None and type(words) is not str)
            or (time is not None and (type(time) is not str or not _TIME.match(time)))
            or (kind is EventKind.DECLARED and trigger is None and to is None)
            or (kind is EventKind.CLAIM and (obligation is None and fact is None))
            or (kind is EventKind.CLAIM and obligation is not None and asserts is None)
        ):
            raise _Refused
        source = self.source(raw["source"]) if "source" in raw else None
        external = None
        if "external_id" in raw or "attributes" in raw:
            external = _external(get("external_id"), get("attributes"))
        return _make(
            date, kind, obligation, fact, value, due, trigger, to, party, asserts, reported_by, words, source, time,
            precision, external,
        )  # fmt: skip

    def day(self, text: object) -> Any:
        """A date from its text, one object per distinct day (as the constructor keeps them)."""
        if type(text) is not str:
            raise _Refused
        day = self.days.get(text)
        if day is None:
            try:
                day = self.days[text] = _date(text)
            except ValueError:
                raise _Refused from None
        return day

    def name(self, text: Any) -> str | None:
        """An id, interned as the constructor interns it."""
        if text is None:
            return None
        if type(text) is not str:
            raise _Refused
        known = self.ids.get(text)
        if known is not None:
            return known
        if not is_id(text):
            raise _Refused
        self.ids[text] = interned = sys.intern(text)
        return interned

    def source(self, citation: object) -> Source:
        """A citation (``key``, ``key#locator`` or a mapping, as :class:`~truce.EventLog` writes it),
        resolved by the careful reader's own function once per distinct citation in the log."""
        if type(citation) is dict:
            # by type too: 1, 1.0 and true are equal keys but not equal citations
            key: object = tuple((name, type(value), value) for name, value in citation.items())
        elif type(citation) is str:
            key = citation
        else:
            raise _Refused
        try:
            source = self.sources.get(key)
        except TypeError:  # a list or a mapping inside: not a citation this path reads
            raise _Refused from None
        if source is None:
            problems = _Problems("", LoadError)
            found = _read_source(citation, "source", self.registry, problems)
            if found is None or problems.items:
                raise _Refused
            source = self.sources[key] = found
        return source


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _Refused
    return data


def _check_lengths(raw: dict[str, Any], longest: int) -> None:
    """The careful reader's length rule: no text value (nor an attribute's) over ``max_scalar``."""
    for key, value in raw.items():
        if key != "source" and isinstance(value, str) and len(value) > longest:
            raise _Refused
    attributes = raw.get("attributes")
    if isinstance(attributes, Mapping):
        for item in attributes.values():
            if isinstance(item, str) and len(item) > longest:
                raise _Refused


def _value(value: object, kind: EventKind) -> Any:
    """A value the careful reader would take unchanged: a finite number of at most 15 digits, text or true/false."""
    if value is None:
        return None
    of = type(value)
    if of is int or of is float:
        if abs(value) > MAX_NUMBER or (of is float and not math.isfinite(value)):  # type: ignore[arg-type]
            raise _Refused
        if kind is EventKind.PROGRESS and value < 0:  # type: ignore[operator]
            raise _Refused
        return value
    if (of is bool or of is str) and kind is not EventKind.PROGRESS:
        return value
    raise _Refused


def _external(external_id: object, attributes: object) -> External | None:
    """The record of another dataset, built (and checked) by its own constructor."""
    if external_id is None and attributes is None:
        return None
    if (external_id is not None and type(external_id) is not str) or (
        attributes is not None and type(attributes) is not dict
    ):
        raise _Refused
    if external_id is None and not attributes:
        return None  # ``attributes: {}`` alone is no record, as in the careful reader
    try:
        return External(external_id, () if attributes is None else attributes)
    except (ValueError, TypeError):
        raise _Refused from None
