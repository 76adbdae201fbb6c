"""The fast path for JSON Lines event logs: the lines decoded against a schema, each event built once.

The careful reader (:func:`truce.logs.load_events`) checks every key and value with a
message ready for each failure and then calls the :class:`~truce.Event` constructor,
whose converters and validators check most of it again: two thirds of the time of
``truce.load`` on a large log. This module decodes every line with msgspec against a
schema made from the agreement: one structure per kind of event with exactly the keys
that kind takes, each value typed (an obligation is one of the agreement's obligations,
a text at most ``max_scalar`` long), so most of what the careful reader checks is
checked in C while the line is decoded. What a type cannot say (a date, a number's
range, a citation, what a claim needs) is checked a column at a time, each distinct
value once; then the events are built through the trusted path pickling uses
(``truce.events._make_columns``). It reports nothing: at the first thing it does not
recognise as plainly valid (a bad line, an unusual shape, a torn last line, a limit
reached) it returns ``None`` and the careful reader reads the whole file again, so
every error and warning comes from one place, worded as it always was.

The contract, held by ``tests/test_fast_jsonl.py`` on generated logs good and spoiled:
:func:`read_jsonl` returns either ``None`` or exactly the events the careful reader
returns, and it returns ``None`` whenever the careful reader would raise or warn.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import sys
import typing
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from itertools import compress, repeat
from typing import Annotated, Any, Literal, NoReturn, Union, overload

from truce._collector import paused
from truce._names import is_id
from truce._reading import _Problems, _read_source
from truce.agreement import Agreement
from truce.errors import LoadError
from truce.events import _ALLOWS, _NEEDS, _TIME, CLAIMABLE, Event, EventKind, External, Precision, _date, _make_columns
from truce.limits import MAX_NUMBER, Limits
from truce.record import Names
from truce.sources import Source


@functools.cache
def _msgspec() -> Any:
    """msgspec, which decodes and type-checks a line in one C pass (docs/performance.md), or
    ``None`` where it has no wheel (every log then goes the careful way). Imported when a JSON
    Lines log is first read: the command line, reading the bundled YAML logs, starts without it.
    """
    try:
        import msgspec.json
        import msgspec.structs
    except ImportError:  # pragma: no cover - CPython has msgspec wheels for every platform truce is tested on
        return None
    return msgspec


__all__ = ["LineNumbers", "read_jsonl"]

_BOM = b"\xef\xbb\xbf"
_BLANK = " \t\n\r\x0b\x0c"  # what ``bytes.isspace`` takes for blank (ASCII only), as the careful reader does

_PRECISIONS: dict[object, Precision] = {None: Precision.DAY, **{p.value: p for p in Precision}}
_NAMES = ("obligation", "fact", "trigger", "to", "party")
#: Which of an agreement's sets of names each named field takes its values from.
_NAME_SETS = {"obligation": "obligations", "fact": "facts", "party": "parties", "to": "phases", "trigger": "triggers"}
_COMMON = ("reported_by", "text", "source", "time", "precision", "external_id", "attributes")


class _Refused(Exception):
    """Raised inside the fast path for anything it does not take; the careful reader then reports."""


def read_jsonl(text: str | bytes, agreement: Agreement | None, limits: Limits) -> list[Event] | None:
    """Every event of a JSON Lines log, or ``None`` if any line needs the careful reader."""
    if len(text) > limits.max_log_bytes or _msgspec() is None:
        return None
    try:
        whole = _decoded(text)
    except UnicodeError:
        return None
    # Lone ``\r`` line ends, escaped surrogates and counts near the limit are rare: careful reader.
    # (A one-character search is a memchr; a backslash is rarer still than a two-character text.)
    if "\r" in whole or ("\\" in whole and ("\\ud" in whole or "\\uD" in whole)):
        return None
    lines = [line for line in whole.split("\n") if line.strip(_BLANK)]
    if len(lines) >= limits.max_events:
        return None
    try:
        with paused():
            return _Reader(agreement, limits).events(lines, whole)
    except _Refused:
        return None


def _decoded(text: str | bytes) -> str:
    """The log as text, as the careful reader takes it: UTF-8 (a text is checked to be), no byte order mark."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data.removeprefix(_BOM).decode("utf-8")


class LineNumbers(Sequence[int | None]):
    """The line each event of a log :func:`read_jsonl` took starts on (its non-blank lines),
    found when first asked: only a refusal, reported at its line, needs them."""

    def __init__(self, text: str | bytes) -> None:
        self._text: str | bytes | None = text
        self._numbers: list[int | None] = []

    def _found(self) -> list[int | None]:
        if self._text is not None:
            lines = _decoded(self._text).split("\n")
            self._numbers = [number for number, line in enumerate(lines, 1) if line.strip(_BLANK)]
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


#: The fields of every kind's structure, in this one order: a line's values come as a row of them.
_ORDER = ("date", "obligation", "fact", "value", "due", "trigger", "to", "party", "asserts", *_COMMON)


class _Schema:
    """The structures one agreement's log lines decode into, a kind of event each.

    Each kind's structure has every field, in one order (so the lines of all kinds read
    as one table); a key its kind does not take is typed ``UnsetType``, so giving it,
    even as ``null``, fails the decoding, as any unknown key does. A kind's needed keys
    are required and never ``null``; the rest are ``None`` when absent (or ``null``, but
    for a source or a precision, where the careful reader calls ``null`` an error).
    Names are the agreement's own (a ``Literal`` of them, so an obligation read is the
    agreement's interned text itself); texts are capped at ``max_scalar`` characters, as
    the careful reader caps them.
    """

    def __init__(self, names: tuple[frozenset[str], ...] | None, longest: int) -> None:
        msgspec = _msgspec()
        types = _types(names, longest)
        #: the named fields whose values the type itself checks (a Literal); the others are checked by is_id
        self.checked = frozenset(field for field in _NAMES if typing.get_origin(types[field]) is Literal)
        self.kinds: dict[type, EventKind] = {}
        for kind, allowed in _ALLOWS.items():
            needed = {*_NEEDS[kind], "date"}
            typed = {**types, "value": _NUMBER} if kind is EventKind.PROGRESS else types
            spec = [
                (f, typed[f]) if f in needed else (f, _optional(f, typed[f]) if f in allowed or f in _COMMON
                                                   else msgspec.UnsetType, None)
                for f in _ORDER
            ]  # fmt: skip
            struct = msgspec.defstruct(
                kind.name.title(),
                spec,
                tag_field="kind",
                tag=kind.value,
                forbid_unknown_fields=True,
                gc=False,
                kw_only=True,
            )
            self.kinds[struct] = kind
        self.decode = msgspec.json.Decoder(Union[tuple(self.kinds)]).decode  # noqa: UP007 - a runtime type
        self.failed = (msgspec.ValidationError, msgspec.DecodeError)
        self.astuple = msgspec.structs.astuple


_NUMBER: Any = Union[int, float]  # noqa: UP007 - a runtime type for msgspec: progress is a count


def _types(names: tuple[frozenset[str], ...] | None, longest: int) -> dict[str, Any]:
    """Each key's type: an agreement's names as a ``Literal`` of them (interned), texts capped at ``longest``."""
    text = Annotated[str, _msgspec().Meta(max_length=longest)]
    scalar = Union[text, int, float, bool]  # noqa: UP007 - a runtime type for msgspec
    sets = dict(zip(_NAME_SETS.values(), names, strict=True)) if names is not None else {}
    # every text the careful reader caps, a name or a date too (it strips a padded date); a name of the
    # agreement's longer than the cap is left out of its Literal, so a line giving it goes the careful way
    capped = {of: sorted(sys.intern(name) for name in sets.get(of, ()) if len(name) <= longest) for of in sets}
    return {
        **{field: Literal[tuple(capped[of])] if capped.get(of) else text for field, of in _NAME_SETS.items()},
        "date": text, "value": scalar, "due": text, "asserts": Literal[tuple(sorted(map(sys.intern, CLAIMABLE)))],
        "reported_by": text, "text": text, "source": Union[str, dict[str, Any]], "time": text,  # noqa: UP007
        "precision": Literal[tuple(p.value for p in Precision)], "external_id": text,
        "attributes": dict[str, scalar],
    }  # fmt: skip


def _optional(field: str, of: Any) -> Any:
    """The type of a key that may be left out: ``null`` is nothing, but for a source or a precision,
    where the careful reader calls it an error."""
    return of if field in ("source", "precision") else Union[of, None]  # noqa: UP007 - a runtime type


@functools.lru_cache(maxsize=32)
def _schema(names: tuple[frozenset[str], ...] | None, longest: int) -> _Schema:
    return _Schema(names, longest)


def _names(agreement: Agreement | None) -> tuple[frozenset[str], ...] | None:
    if agreement is None:
        return None
    found = Names.of(agreement)
    return tuple(getattr(found, of) for of in _NAME_SETS.values())


class _Reader:
    """One log's reading state: its limits, and the dates, names and sources it has checked.

    A log is decoded a line at a time against its agreement's schema, into rows of one
    layout, then read a column at a time, each column's distinct values checked once (a
    log of 100,000 events names a few dozen obligations and a few hundred days): the work
    per line is the decoding and the event's making, and the checks cost what the log's
    vocabulary costs.
    """

    def __init__(self, agreement: Agreement | None, limits: Limits) -> None:
        self.schema = _schema(_names(agreement), limits.max_scalar)
        self.longest = limits.max_scalar * 2  # a longer line is an error (the careful reader says so)
        self.ended = agreement.ended if agreement is not None else None
        self.registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
        self.sources: dict[object, Source] = {}
        self.days: dict[object, Any] = {}  # valid dates seen, by their text
        self.dues: dict[object, Any] = {None: None}  # the same for deadlines, which may be absent
        self.ids: dict[object, str | None] = {None: None}  # valid ids seen, interned; absent is None
        self.strict = json.JSONDecoder(object_pairs_hook=_no_duplicates).decode
        self.keys = 0  # the keys decoded so far, a ``null`` one not counted (see _no_key_twice)

    def events(self, lines: list[str], whole: str) -> list[Event]:
        """The events of ``lines``, the non-blank lines of ``whole``.

        The lines are read a few thousand at a time, each part decoded, turned into
        columns and made into events while what its decoding made is still in the cache.
        """
        if not lines:
            return []
        if max(map(len, lines)) > self.longest:
            raise _Refused
        made: list[Event] = []
        for start in range(0, len(lines), _CHUNK):
            try:
                part = list(map(self.schema.decode, lines[start : start + _CHUNK]))
            except (*self.schema.failed, RecursionError):  # deep nesting inside a citation or attributes
                raise _Refused from None
            made += self._made(part)
        self._no_key_twice(lines, whole)
        return made

    def _made(self, rows: list[Any]) -> list[Event]:
        """The events of some decoded lines, their values checked a column at a time."""
        count = len(rows)
        columns: dict[str, Sequence[Any]] = dict(
            zip(_ORDER, zip(*map(self.schema.astuple, rows), strict=True), strict=True)
        )
        absent = {name: column.count(None) for name, column in columns.items()}
        given = {name for name, n in absent.items() if n < count}
        self.keys += count * (1 + len(columns)) - sum(absent.values())  # each line's kind, and the fields it gives
        for nested in ("source", "attributes"):
            if nested in given:
                self.keys += sum(map(len, filter(dict.__instancecheck__, columns[nested])))
        kinds: Sequence[EventKind] = (
            operator.itemgetter(*map(type, rows))(self.schema.kinds)
            if count > 1
            else [self.schema.kinds[type(rows[0])]]
        )
        dates = _known(columns["date"], self.days, self.day)
        if self.ended is not None and max(dates) > self.ended:
            raise _Refused
        for name in _NAMES:
            if name in given and name not in self.schema.checked:
                columns[name] = _known(columns[name], self.ids, self.name)
        obligation, fact, trigger, to, party, value, asserts = (columns[name] for name in (*_NAMES, "value", "asserts"))
        if "value" in given:
            for kind, of, item in set(zip(kinds, map(type, value), value, strict=True)):
                if of is not type(None):
                    _value(item, kind)
        if "time" in given and not all(map(_TIME.match, set(columns["time"]) - {None})):
            raise _Refused
        present = set(kinds)
        if EventKind.DECLARED in present and _neither(kinds, EventKind.DECLARED, trigger, to):
            raise _Refused
        if EventKind.CLAIM in present and (
            _neither(kinds, EventKind.CLAIM, obligation, fact)
            or _neither(kinds, EventKind.CLAIM, obligation, asserts, given=True)
        ):
            raise _Refused  # a claim names an obligation or a fact, and says what it claims of an obligation
        none: repeat[None] = repeat(None)
        precision = _known(columns["precision"], _PRECISIONS, _refused) if "precision" in given else None
        due = _known(columns["due"], self.dues, self.day) if "due" in given else none
        source = [None if c is None else self.source(c) for c in columns["source"]] if "source" in given else none
        external: Iterable[External | None] = none
        if "external_id" in given or "attributes" in given:
            external = list(map(_external, columns["external_id"], columns["attributes"]))
        return _make_columns(
            count,
            (dates, kinds, obligation, fact, value, due, trigger, to, party, asserts, columns["reported_by"],
             columns["text"], source, columns["time"], precision or repeat(Precision.DAY), external),
        )  # fmt: skip

    def _no_key_twice(self, lines: list[str], whole: str) -> None:
        """Refuse a key given twice (msgspec, as json, keeps the last without a word).

        Every key, nested or repeated, is followed by a colon, so a log with no more colons
        than the keys decoded from it (counting those with a value; a ``null`` one is not
        seen) repeats none. Where there are more (a colon in a text, a nested mapping, a
        ``null``), each key not preceded by a blank shows as ``":``: the lines with more of
        those than keys decoded, or every line if a blank comes before a colon, are parsed
        again with a hook that sees every key.
        """
        keys, count = self.keys, len(lines)
        if whole.count(":") == keys:
            return
        if " :" in whole or "\t:" in whole:
            suspects: Iterable[int] = range(count)
        else:
            # the lines decoded again (they all decoded once): a log keeps no row of each line meanwhile
            suspects = () if whole.count('":') == keys else _suspects(lines, map(self.schema.decode, lines))
        try:
            for n in suspects:
                self.strict(lines[n])
        except (ValueError, RecursionError):
            raise _Refused from None

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
            if all(map(str.__instancecheck__, citation.values())):  # the usual citation: texts, compared exactly
                key: object = tuple(citation.items())
            else:
                # by type too: 1, 1.0 and true are equal keys but not equal citations; a float by its
                # text, as the citation writes it (0.0 and -0.0 are equal keys but not equal titles);
                # triples, never equal to the pairs above
                key = tuple(
                    (name, type(value), repr(value) if type(value) is float else value)
                    for name, value in citation.items()
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
            problems = _Problems("", LoadError)
            found = _read_source(citation, "source", self.registry, problems)
            if found is None or problems.items:
                raise _Refused
            source = self.sources[key] = found
        return source


#: Lines read at a time: enough that a part costs a few calls, few enough that its rows stay in the cache.
_CHUNK = 4096


def _suspects(lines: list[str], rows: Iterable[Any]) -> list[int]:
    """The lines whose ``":`` outnumber the keys decoded from them (a key given twice, a nested
    mapping, ``":`` in a text): only these need the hook that sees every key."""
    return [n for n, (line, row) in enumerate(zip(lines, rows, strict=True)) if line.count('":') != _keys(row)]


def _keys(row: Any) -> int:
    """The keys a decoded line held with a value: its kind, each field given, and a citation's or
    attributes' keys."""
    fields = _msgspec().structs.astuple(row)
    return 1 + sum(1 + (len(value) if type(value) is dict else 0) for value in fields if value is not None)


def _neither(
    kinds: Sequence[EventKind], kind: EventKind, one: Sequence[object], other: Sequence[object], *, given: bool = False
) -> bool:
    """Whether a line of ``kind`` gives neither key (with ``given``: gives ``one`` but not ``other``), in C passes."""
    ones = map(operator.is_not if given else operator.is_, one, repeat(None))
    return None in compress(other, map(operator.and_, map(operator.is_, kinds, repeat(kind)), ones))


def _known(values: Sequence[Any], known: MutableMapping[Any, Any], check: Callable[[Any], Any]) -> Sequence[Any]:
    """``values`` as ``known`` has them, each distinct one not yet known checked (and kept) once;
    ``[known[v] for v in values]`` then in one C call (an item getter of them all)."""
    for value in set(values).difference(known):
        known[value] = check(value)
    if len(values) == 1:
        return [known[values[0]]]
    return operator.itemgetter(*values)(known)  # type: ignore[no-any-return]


def _refused(value: object) -> NoReturn:
    """The check for a fixed table of what is valid (precisions): a miss is refused."""
    raise _Refused


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _Refused
    return data


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
    if external_id is None and not attributes:
        return None  # ``attributes: {}`` alone is no record, as in the careful reader
    try:
        return External(external_id, () if attributes is None else attributes)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise _Refused from None
