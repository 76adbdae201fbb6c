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
import operator
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from itertools import chain, repeat
from typing import Any, NoReturn, overload

from truce._collector import paused
from truce._names import is_id
from truce._reading import _Problems, _read_source
from truce.agreement import Agreement
from truce.errors import LoadError
from truce.events import _ALLOWS, _NEEDS, _TIME, CLAIMABLE, Event, EventKind, External, Precision, _date, _make_columns
from truce.limits import MAX_NUMBER, Limits
from truce.sources import Source

try:  # a parser about four times faster than json's (docs/performance.md); json where orjson has no wheel
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - CPython has orjson wheels for every platform truce is tested on
    _loads = json.JSONDecoder().decode  # type: ignore[assignment]

__all__ = ["LineNumbers", "read_jsonl"]

_BOM = b"\xef\xbb\xbf"
_BLANK = " \t\n\r\x0b\x0c"  # what ``bytes.isspace`` takes for blank (ASCII only), as the careful reader does

_KINDS: dict[object, EventKind] = {kind.value: kind for kind in EventKind}
_PRECISIONS: dict[object, Precision] = {p.value: p for p in Precision}
_ASSERTS: dict[str | None, str | None] = {None: None, **{name: sys.intern(name) for name in CLAIMABLE}}
_COMMON = frozenset({"date", "kind", "reported_by", "text", "source", "time", "precision", "external_id", "attributes"})
#: Each kind's keys: the common ones and its payload. Any other key (even ``null``) goes the careful way.
_KEYS = {kind: _COMMON | allowed for kind, allowed in _ALLOWS.items()}
_NAMES = ("obligation", "fact", "trigger", "to", "party")
_TEXTS = frozenset({str, type(None)})


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
    lines = [line for line in whole.split("\n") if line.strip(_BLANK)]
    # a key is a text then a colon: with no blank before any colon, each key shows as '":' (see _parsed)
    spaced = " :" in whole or "\t:" in whole
    try:
        with paused():
            return _Reader(agreement, limits).events(lines, spaced)
    except _Refused:
        return None


class LineNumbers(Sequence[int | None]):
    """The line each event of a log :func:`read_jsonl` took starts on (its non-blank lines),
    found when first asked: only a refusal, reported at its line, needs them."""

    def __init__(self, text: str | bytes) -> None:
        self._text: str | bytes | None = text
        self._numbers: list[int | None] = []

    def _found(self) -> list[int | None]:
        if self._text is not None:
            data = self._text.encode("utf-8") if isinstance(self._text, str) else self._text
            whole = data.removeprefix(_BOM).decode("utf-8")
            self._numbers = [number for number, line in enumerate(whole.split("\n"), 1) if line.strip(_BLANK)]
            self._text = None
        return self._numbers

    def __len__(self) -> int:
        return len(self._found())

    @overload
    def __getitem__(self, n: int) -> int | None: ...
    @overload
    def __getitem__(self, n: slice) -> Sequence[int | None]: ...
    def __getitem__(self, n: int | slice) -> int | Sequence[int | None] | None:
        return self._found()[n]


class _Reader:
    """One log's reading state: its limits, and the dates, names and sources it has checked.

    A log is read a column at a time: its lines parsed, grouped by their keys and kind,
    and each group's values checked per distinct value (a log of 100,000 events names a
    few dozen obligations and a few hundred days), so the work per line is the parse and
    the event's making, and the checks cost what the log's vocabulary costs.
    """

    def __init__(self, agreement: Agreement | None, limits: Limits) -> None:
        self.max_scalar = limits.max_scalar
        self.longest = limits.max_scalar * 2  # a longer line is an error (the careful reader says so)
        self.ended = agreement.ended if agreement is not None else None
        self.registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
        self.sources: dict[object, Source] = {}
        self.days: dict[object, Any] = {}  # valid dates seen, by their text
        self.dues: dict[object, Any] = {None: None}  # the same for deadlines, which may be absent
        self.ids: dict[object, str | None] = {None: None}  # valid ids seen, interned; absent is None
        self.strict = json.JSONDecoder(object_pairs_hook=_no_duplicates).decode

    def events(self, lines: list[str], spaced: bool) -> list[Event]:
        if not lines:
            return []
        lengths = list(map(len, lines))
        if max(lengths) > self.longest:
            raise _Refused
        raws = self._parsed(lines, spaced)
        if max(lengths) > self.max_scalar:  # no string in a shorter line can be longer than the line
            for raw, length in zip(raws, lengths, strict=True):
                if length > self.max_scalar:
                    _check_lengths(raw, self.max_scalar)
        groups: dict[tuple[tuple[str, ...], object], list[int]] = {}
        try:
            for n, shape in enumerate(zip(map(tuple, raws), map(dict.get, raws, repeat("kind")), strict=True)):
                places = groups.get(shape)
                if places is None:
                    groups[shape] = [n]
                else:
                    places.append(n)
        except TypeError:  # a list or a mapping as the kind
            raise _Refused from None
        made: list[Event] = [None] * len(raws)  # type: ignore[list-item]
        for (keys, kind), places in groups.items():
            group = self._group(frozenset(keys), kind, [raws[n] for n in places])
            for n, event in zip(places, group, strict=True):
                made[n] = event
        return made

    def _parsed(self, lines: list[str], spaced: bool) -> list[dict[str, Any]]:
        """Each line's object; a key given twice (which ``json`` would silently drop) is refused.

        Each key of a line is followed by ``":`` (unless a blank comes before its colon,
        which ``spaced`` says, and then every line is parsed again with a hook that sees
        every key). So a line with as many ``":`` as its object has keys holds no other
        key: none repeated, none nested. Only a line with more (a nested mapping, or
        ``":`` in a text) is parsed again with the hook.
        """
        try:
            raws = list(map(_loads, lines))
            if set(map(type, raws)) != {dict}:
                raise _Refused
            if spaced:
                suspects: Iterable[int] = range(len(lines))
            else:
                counts, sizes = list(map(str.count, lines, repeat('":'))), list(map(len, raws))
                suspects = (
                    () if counts == sizes else [n for n, (c, k) in enumerate(zip(counts, sizes, strict=True)) if c != k]
                )
            for n in suspects:
                self.strict(lines[n])
        except (ValueError, RecursionError):
            raise _Refused from None
        return raws

    def _group(self, keys: frozenset[str], kind_text: object, rows: list[dict[str, Any]]) -> list[Event]:
        """The events of lines of one kind with the same keys, their values checked a column at a time."""
        try:
            kind = _KINDS[kind_text]
        except (KeyError, TypeError):
            raise _Refused from None
        if not keys <= _KEYS[kind] or not keys.issuperset(_NEEDS[kind]) or "date" not in keys:
            raise _Refused
        none: repeat[None] = repeat(None)
        columns: dict[str, Any] = {name: list(map(operator.itemgetter(name), rows)) for name in keys}
        for name in _NEEDS[kind]:
            if None in columns[name]:
                raise _Refused
        got = columns.get
        try:
            dates = _known(columns["date"], self.days, self.day)
            if self.ended is not None and max(dates) > self.ended:
                raise _Refused
            named = {name: _known(columns[name], self.ids, self.name) for name in _NAMES if name in keys}
            asserts = _known(columns["asserts"], _ASSERTS, _refused) if "asserts" in keys else none
            precision = (
                _known(columns["precision"], _PRECISIONS, _refused) if "precision" in keys else repeat(Precision.DAY)
            )
            due = _known(columns["due"], self.dues, self.day) if "due" in keys else none
            value = got("value", none)
            if "value" in keys:
                for of, item in set(zip(map(type, value), value, strict=True)):
                    if of is not type(None):
                        _value(item, kind)
        except TypeError:  # a list or a mapping where a text or a number belongs
            raise _Refused from None
        for name in ("reported_by", "text", "time"):
            if name in keys and not _TEXTS.issuperset(map(type, columns[name])):
                raise _Refused
        if "time" in keys and not all(map(_TIME.match, set(columns["time"]) - {None})):
            raise _Refused
        obligation, fact, trigger, to, party = (named.get(name, none) for name in _NAMES)
        if kind is EventKind.DECLARED and None in map(_either, trigger, to):
            raise _Refused
        if kind is EventKind.CLAIM and (
            None in map(_either, obligation, fact) or _CLAIMED in map(_claimed, obligation, asserts)
        ):
            raise _Refused
        source = list(map(self.source, columns["source"])) if "source" in keys else none
        external: Iterable[External | None] = none
        if "attributes" in keys and _wide(
            chain.from_iterable(map(dict.values, filter(dict.__instancecheck__, columns["attributes"])))
        ):
            raise _Refused
        if "external_id" in keys or "attributes" in keys:
            external = list(map(_external, got("external_id", none), got("attributes", none)))
        return _make_columns(
            len(rows),
            (dates, repeat(kind), obligation, fact, value, due, trigger, to, party, asserts, got("reported_by", none),
             got("text", none), source, got("time", none), precision, external),
        )  # fmt: skip

    def day(self, text: object) -> Any:
        """A date from its text, one object per distinct day (as the constructor keeps them)."""
        if type(text) is not str:
            raise _Refused
        try:
            return _date(text)
        except ValueError:
            raise _Refused from None

    def name(self, text: object) -> str:
        """An id, interned as the constructor interns it."""
        if type(text) is not str or not is_id(text):
            raise _Refused
        return sys.intern(text)

    def source(self, citation: object) -> Source:
        """A citation (``key``, ``key#locator`` or a mapping, as :class:`~truce.EventLog` writes it),
        resolved by the careful reader's own function once per distinct citation in the log."""
        if type(citation) is dict:
            # by type too: 1, 1.0 and true are equal keys but not equal citations; a float by its
            # text, as the citation writes it (0.0 and -0.0 are equal keys but not equal titles)
            key: object = tuple(
                (name, type(value), repr(value) if type(value) is float else value) for name, value in citation.items()
            )
        elif type(citation) is str:
            key = citation
        else:
            raise _Refused
        try:
            source = self.sources.get(key)
        except TypeError:  # a list or a mapping inside: not a citation this path reads
            raise _Refused from None
        if source is None:
            if type(citation) is dict and _wide(citation.values()):
                raise _Refused
            problems = _Problems("", LoadError)
            found = _read_source(citation, "source", self.registry, problems)
            if found is None or problems.items:
                raise _Refused
            source = self.sources[key] = found
        return source


#: orjson reads an integer beyond 64 bits (``18446744073709551617``) as a float, where json keeps
#: the int: a float this large may not be what the line says, so the careful reader reads it.
_WIDE = 2.0**63


def _wide(values: Iterable[object]) -> bool:
    """Whether any of ``values`` is a float of at least :data:`_WIDE` (C-level passes, no Python loop)."""
    return max(map(abs, filter(float.__instancecheck__, values)), default=0.0) >= _WIDE  # type: ignore[arg-type]


def _either(one: object, other: object) -> object:
    return one if one is not None else other


_CLAIMED = object()  # a claim about an obligation that does not say what it claims


def _claimed(obligation: object, asserts: object) -> object:
    return _CLAIMED if obligation is not None and asserts is None else None


def _known(values: list[Any], known: MutableMapping[Any, Any], check: Callable[[Any], Any]) -> Sequence[Any]:
    """``values`` as ``known`` has them, each distinct one not yet known checked (and kept) once;
    ``[known[v] for v in values]`` then in one C call (an item getter of them all)."""
    for value in set(values).difference(known):
        known[value] = check(value)
    if len(values) == 1:
        return [known[values[0]]]
    return operator.itemgetter(*values)(known)  # type: ignore[no-any-return]


def _refused(value: object) -> NoReturn:
    """The check for a fixed table of what is valid (kinds of claim, precisions): a miss is refused."""
    raise _Refused


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
