"""Event log files: reading YAML or JSON Lines logs into events, and writing one event as
the JSON Lines line that reads back equal (the format :class:`~truce.EventLog` appends).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from truce._fast_jsonl import LineNumbers, read_jsonl
from truce._files import _read_file
from truce._reading import (
    _build,
    _keys,
    _kind,
    _mapping,
    _Problems,
    _read_registry,
    _read_source,
    check_arguments,
)
from truce._yaml import read_yaml
from truce.agreement import Agreement
from truce.dates import EARLIEST, LATEST
from truce.errors import LoadError, Problem, TornLogWarning
from truce.events import Event, External
from truce.events import field_problems as event_field_problems
from truce.limits import DEFAULT_LIMITS, Limits, check_number
from truce.record import Names, field_problems, recordable
from truce.sources import Source

if TYPE_CHECKING:
    from pathlib import Path  # imported where a file is read: bundled data needs no pathlib


#: Suffixes of the event logs read (and written, by :class:`~truce.EventLog`) as JSON Lines.
JSONL_SUFFIXES = (".jsonl", ".ndjson")

# --- events ---------------------------------------------------------------------------

#: An event's keys in a file: its fields, with its ``external`` record written flat.
_EVENT_KEYS = (*(f.name for f in attrs.fields(Event) if f.name != "external"), "external_id", "attributes")


def read_event(
    data: object,
    *,
    registry: Mapping[str, Source],
    field: str,
    problems: _Problems,
    limits: Limits = DEFAULT_LIMITS,
) -> Event | None:
    """One event from a mapping; problems are collected, None returned on failure."""
    mapping = _mapping(data, field, problems)
    if mapping is None:
        return None
    _keys(mapping, _EVENT_KEYS, field, problems)
    kwargs: dict[str, Any] = {k: v for k, v in mapping.items() if k in _EVENT_KEYS and k != "source"}
    before = len(problems.items)
    for key in (
        "obligation",
        "fact",
        "trigger",
        "to",
        "party",
        "asserts",
        "reported_by",
        "text",
        "time",
        "kind",
        "precision",
        "external_id",
    ):
        if key in kwargs and kwargs[key] is not None and not isinstance(kwargs[key], str):
            problems.add(f"expected text, got {_kind(kwargs[key])}", f"{field}.{key}", mapping)
    for key in ("date", "kind"):
        if kwargs.get(key) is None:
            problems.add(f"an event needs a date and a kind; this one has no {key}", f"{field}.{key}", mapping)
    for problem in event_field_problems(
        {k: v for k, v in kwargs.items() if f"{field}.{k}" not in _fields(problems, before)}
    ):
        problems.add(problem.message, f"{field}.{problem.field}", mapping)
    if len(problems.items) > before:
        return None
    for key, value in kwargs.items():
        if isinstance(value, str) and len(value) > limits.max_scalar:
            problems.add(f"{len(value)} characters; the limit is {limits.max_scalar}", f"{field}.{key}", mapping)
            return None
    try:
        check_number(kwargs.get("value"), "value")
    except ValueError as exc:
        problems.add(str(exc).removeprefix("value: "), f"{field}.value", mapping)
        return None
    attributes = kwargs.get("attributes")
    if isinstance(attributes, Mapping):
        for name, item in attributes.items():
            if isinstance(item, str) and len(item) > limits.max_scalar:
                problems.add(
                    f"{len(item)} characters; the limit is {limits.max_scalar}", f"{field}.attributes.{name}", mapping
                )
                return None
    external_id, attributes = kwargs.pop("external_id", None), kwargs.pop("attributes", None)
    if external_id is not None or attributes:
        external = _build(
            External, field, problems, mapping, id=external_id, attributes=() if attributes is None else attributes
        )
        if external is None:
            return None
        kwargs["external"] = external
    if "source" in mapping:
        source = _read_source(mapping["source"], f"{field}.source", registry, problems, mapping)
        if source is None:
            return None
        kwargs["source"] = source
    event: Event | None = _build(Event, field, problems, mapping, **kwargs)
    return event


def _fields(problems: _Problems, start: int) -> set[str]:
    return {p.field or "" for p in problems.items[start:]}


def event_to_data(event: Event) -> dict[str, Any]:
    """An event as plain JSON-ready data that :func:`read_event` reads back into an equal event."""
    out: dict[str, Any] = {}
    for field in attrs.fields(Event):
        name = field.name
        value = getattr(event, name)
        if value is None or (name == "precision" and value == "day"):
            continue
        if name == "external":
            if value.id is not None:
                out["external_id"] = value.id
            if value.attributes:
                out["attributes"] = dict(value.attributes)
        elif name == "source":
            out["source"] = value.to_dict()
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, enum.Enum):
            out[name] = value.value
        else:
            out[name] = value
    return out


_BOM = b"\xef\xbb\xbf"


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json ``object_pairs_hook``: refuse duplicate keys, as the YAML reader does."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)
#: One line with its line end (``\\n``, ``\\r\\n`` or ``\\r``), or the last line without one.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|[\r\n])|[^\r\n]+")


def _lone_surrogate(value: object) -> bool:
    """True if ``value`` holds text that cannot be written back as UTF-8 (a ``\\ud800`` escape)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


@attrs.frozen
class _Unreadable:
    """A JSON Lines line that is no event at all, kept in place so its problem is reported
    with every other line's rather than stopping the read."""

    problem: str


def _jsonl_records(data: bytes, path: str, limits: Limits) -> Iterator[tuple[int | None, Any]]:
    """``(line, raw event)`` pairs from JSON Lines, checked line by line as they are read.

    Lines end with ``\\n``, ``\\r\\n`` or a lone ``\\r`` (JSON text can hold none of them raw).
    The event count is checked before any line is parsed. A last line that is incomplete
    (a write cut short by a crash, never acknowledged) is reported with a
    :class:`~truce.TornLogWarning` and dropped, keeping every complete event before it.
    """
    data = data.removeprefix(_BOM)
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if ends >= limits.max_events:  # at most ends + 1 lines: count the events exactly only if it matters
        count = sum(1 for match in _LINE.finditer(data) if not match[0].isspace())
        if count > limits.max_events:
            raise LoadError([Problem(f"{count} events; the limit is {limits.max_events}", path=path)])
    longest = limits.max_scalar * 2
    decoder = _DECODER
    for number, match in enumerate(_LINE.finditer(data), start=1):  # one line at a time: no copy of the file
        line = match[0]
        if line.isspace():
            continue
        body = line.rstrip(b"\r\n")
        torn = len(body) == len(line)  # only the last line can lack its line end
        if len(body) > longest * 4:
            raise LoadError([Problem(f"a line of {len(body)} bytes is too long", path=path, line=number)])
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if torn:
                warnings.warn(TornLogWarning(path, number, repr(body[:60])), stacklevel=5)
                return
            yield number, _Unreadable(f"not UTF-8 text (byte {exc.start})")
            continue
        if len(text) > longest:
            raise LoadError([Problem(f"a line of {len(text)} characters is too long", path=path, line=number)])
        try:
            record = decoder.decode(text)
        except _DuplicateKey as exc:
            yield number, _Unreadable(f"duplicate key {exc.key!r}")
            continue
        except (ValueError, RecursionError) as exc:
            if torn:
                warnings.warn(TornLogWarning(path, number, text), stacklevel=5)
                return
            yield number, _Unreadable(f"malformed JSON: {exc}")  # reported with the other lines' problems
            continue
        if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(record):
            yield number, _Unreadable("text with a lone surrogate (\\ud800-\\udfff)")
            continue
        yield number, record


def encode_event(
    event: Event,
    agreement: Agreement | None,
    *,
    field: str = "event",
    limits: Limits = DEFAULT_LIMITS,
    registry: Mapping[str, Source] | None = None,
) -> tuple[bytes | None, list[Problem]]:
    """``event`` as one JSON Lines line, and the problems loading that line back would report.

    The line is read back through :func:`read_event`, with the agreement's sources and
    ``limits``, so what :class:`~truce.EventLog` writes is exactly what loads.
    """
    problems = _Problems("", LoadError)
    try:
        data = event_to_data(event)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        line = (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return None, [Problem("text with a lone surrogate cannot be written as UTF-8", field=field)]
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, [Problem(f"cannot be written as JSON: {exc}", field=field)]
    if len(text) > limits.max_scalar * 2:
        return None, [Problem(f"its line of {len(text)} characters is too long to load back", field=field)]
    if registry is None:
        registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
    try:
        back = read_event(json.loads(text), registry=registry, field=field, problems=problems, limits=limits)
    except (ValueError, RecursionError) as exc:
        return None, [Problem(f"does not read back: {exc}", field=field)]
    if problems.items:
        return None, [Problem(p.message, field=p.field) for p in problems.items]
    if back is None or (back != event and event_to_data(back) != data):  # (a source's key is not written)
        return None, [Problem("does not read back equal", field=field)]
    return line, []


def _event_records(
    text: str | bytes, path: str, limits: Limits = DEFAULT_LIMITS, *, trusted: bool = False
) -> tuple[Iterable[tuple[int | None, Any]], object, object]:
    """``(line, raw event)`` pairs, the sources block and the ``agreement:`` key, from YAML or JSON Lines."""
    if path.endswith(JSONL_SUFFIXES):
        if len(text) > limits.max_log_bytes:
            raise LoadError([Problem(f"file is {len(text)} bytes; the limit is {limits.max_log_bytes}", path=path)])
        if isinstance(text, str):
            try:
                text = text.encode("utf-8")
            except UnicodeEncodeError:
                raise LoadError([Problem("text with a lone surrogate (\\ud800-\\udfff)", path=path)]) from None
        return _jsonl_records(text, path, limits), None, None
    data = read_yaml(text, path=path, limits=limits, max_bytes=limits.max_log_bytes, trusted=trusted)
    return _log_records(data, path)


def _log_records(data: Any, path: str) -> tuple[list[tuple[int | None, Any]], object, object]:
    """``(line, raw event)`` pairs, the sources block and the ``agreement:`` key, from a parsed YAML log."""
    if data is None:
        return [], None, None
    agreement_id = None
    if isinstance(data, Mapping):
        problems = _Problems(path, LoadError)
        _keys(data, ("agreement", "sources", "events"), "log", problems)
        problems.check()
        sources = data.get("sources")
        agreement_id = data.get("agreement")
        data = data.get("events") or []
    else:
        sources = None
    if not isinstance(data, list):
        raise LoadError([Problem(f"expected a list of events, got {_kind(data)}", path=path)])
    return [(getattr(item, "line", None), item) for item in data], sources, agreement_id


def load_events(
    path: str | Path,
    agreement: Agreement | None = None,
    *,
    text: str | bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
    _trusted: bool = False,
) -> list[Event]:
    """Read an event log (YAML list, YAML mapping with ``sources``/``events``, or JSON Lines).

    Source references (``key`` or ``key#locator``) resolve against the log's own
    ``sources`` and then the agreement's. Every problem is reported with its line. A JSON
    Lines log that :class:`~truce.EventLog` was writing a batch to when its writer was
    killed is read up to where the batch began (the batch was never acknowledged).
    """
    return read_log(path, agreement, text=text, limits=limits, _trusted=_trusted)[0]


def _recordable(events: list[Event], agreement: Agreement) -> bool:
    """Whether nothing in ``events`` is what the careful reader reports against ``agreement``."""
    if not recordable(Names.of(agreement), events, None):
        return False
    return not events or agreement.ended is None or events[-1].date <= agreement.ended  # in date order


def read_log(
    path: str | Path,
    agreement: Agreement | None = None,
    *,
    text: str | bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
    _trusted: bool = False,
    _replayed: bool = False,
) -> tuple[list[Event], Sequence[int | None]]:
    """:func:`load_events`, with the line each event starts on (None where unknown), so a
    problem found later, when the events are replayed, can still name its line."""
    check_arguments(path=path, agreement=agreement, limits=limits, text=text)
    name = str(path)
    if text is None:
        text = _read_file(path, limits.max_log_bytes, log=name.endswith(JSONL_SUFFIXES))
    if name.endswith(JSONL_SUFFIXES):
        fast = read_jsonl(text, agreement, limits)  # None: something to report, read carefully below
        # ``_replayed``: the caller records the events in one batch, whose check refuses what
        # _recordable would, and on a refusal reads again without it to report every problem
        if fast is not None and (agreement is None or _replayed or _recordable(fast, agreement)):
            return fast, LineNumbers(text)
    records, sources_block, agreement_id = _event_records(text, name, limits, trusted=_trusted)
    if agreement is not None and agreement_id is not None and str(agreement_id) != agreement.id:
        raise LoadError(
            [Problem(f"this log is for agreement {str(agreement_id)[:100]!r}, not {agreement.id!r}",
                     path=name, field="agreement")]
        )  # fmt: skip
    lines: list[int | None] = []
    return _read_events(records, sources_block, name, agreement, limits, lines), lines


def check_event_dates(event: Event, agreement: Agreement | None, where: str, previous: dt.date | None) -> list[Problem]:
    """The date problems loading ``event`` would report: outside the agreement's life, before ``previous``."""
    problems = []
    day = event.date
    if not EARLIEST <= day <= LATEST:
        problems.append(
            Problem(f"{day} is outside the dates truce takes ({EARLIEST} to {LATEST})", field=f"{where}.date")
        )
    if agreement is not None:
        start = agreement.agreed or agreement.in_force
        if day < start:
            problems.append(Problem(f"dated before the agreement ({start})", field=f"{where}.date"))
        if agreement.ended is not None and day > agreement.ended:
            problems.append(Problem(f"dated after the agreement ended ({agreement.ended})", field=f"{where}.date"))
    if previous is not None and day < previous:
        problems.append(Problem(f"out of order: earlier than the event before it ({previous})", field=f"{where}.date"))
    return problems


def _read_events(
    records: Iterable[tuple[int | None, Any]],
    sources_block: object,
    name: str,
    agreement: Agreement | None,
    limits: Limits,
    lines: list[int | None] | None = None,
) -> list[Event]:
    if isinstance(records, list) and len(records) > limits.max_events:
        raise LoadError([Problem(f"{len(records)} events; the limit is {limits.max_events}", path=name)])
    problems = _Problems(name, LoadError)
    base = {s.key: s for s in agreement.sources if s.key} if agreement else {}
    registry = _read_registry(sources_block, "sources", problems, base)
    ended = agreement.ended if agreement else None
    names = Names.of(agreement) if agreement else None
    events, last = [], None
    for n, (line, raw) in enumerate(records):
        before = len(problems.items)
        if isinstance(raw, _Unreadable):
            problems.add(raw.problem, f"events[{n}]")
            event = None
        else:
            event = read_event(raw, registry=registry, field=f"events[{n}]", problems=problems, limits=limits)
        if event is not None and names is not None:  # what recording would refuse, found with the rest
            for name, message in field_problems(names, event, last):
                problems.add(message, f"events[{n}].{name}")
            last = event.date if last is None or event.date > last else last
        if event is not None and ended is not None and event.date > ended:
            problems.add(f"dated after the agreement ended ({ended})", f"events[{n}].date")
        for p in problems.items[before:]:
            p.line = p.line or line
        if event is not None:
            events.append(event)
            if lines is not None:
                lines.append(line)
        if len(problems.items) > 1000:
            break
    problems.check()
    return events
