"""The shared helpers of the readers: problems collected with their file and line, typed
fields, and citations resolved against a sources registry.

Every reader (:mod:`truce.definitions`, :mod:`truce.logs`) turns plain data into frozen
objects through these, so a problem is reported the same way whatever file it is in.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from truce.agreement import Agreement
from truce.dates import to_date
from truce.errors import ArgumentError, DefinitionError, EventError, LoadError, Problem, what_is
from truce.limits import Limits
from truce.sources import Source, SourceKind


def check_arguments(**given: object) -> None:
    """Refuse arguments of the wrong type with :class:`~truce.ArgumentError` (a ``TypeError``),
    before they fail somewhere deeper as an ``AttributeError``."""

    for name, value in given.items():
        if value is None and name in ("agreement", "events", "as_of"):
            continue
        if name in ("path", "events") and not isinstance(value, str | os.PathLike):
            raise ArgumentError(f"{name}: expected a file path, got {type(value).__name__}")
        if name == "agreement" and not isinstance(value, Agreement):
            raise ArgumentError(f"agreement: expected an Agreement, got {type(value).__name__}")
        if name == "limits" and not isinstance(value, Limits):
            raise ArgumentError(f"limits: expected truce.Limits, got {type(value).__name__}")
        if name == "text" and value is not None and not isinstance(value, str | bytes):
            raise ArgumentError(f"text: expected str or bytes, got {type(value).__name__}")


class _Problems:
    """Collects problems with their file and line while a structure is read."""

    def __init__(self, path: str, error: type[LoadError] | type[DefinitionError] = DefinitionError) -> None:
        self.path = path
        self.error = error
        self.items: list[Problem] = []

    def add(self, message: str, field: str, where: object = None) -> None:
        self.items.append(Problem(message, field=field, path=self.path, line=getattr(where, "line", None)))

    def check(self) -> None:
        if self.items:
            raise self.error(self.items, path=self.path)


def _keys(data: Mapping[str, Any], allowed: Iterable[str], field: str, problems: _Problems) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        problems.add(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}", field, data)


def _mapping(value: object, field: str, problems: _Problems, where: object = None) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    problems.add(f"expected a mapping, got {_kind(value)}", field, where)
    return None


def _kind(value: object) -> str:
    return what_is(value)


def _text(data: Mapping[str, Any], key: str, field: str, problems: _Problems, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add("is required", f"{field}.{key}", data)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(f"expected text, got {_kind(value)}", f"{field}.{key}", data)
        return None
    return str(value)


def _date(
    data: Mapping[str, Any], key: str, field: str, problems: _Problems, *, required: bool = False
) -> dt.date | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add("is required", f"{field}.{key}", data)
        return None
    try:
        return to_date(value, field=f"{field}.{key}")
    except ValueError as exc:
        message = str(exc).removeprefix(f"{field}.{key}: ")
        if "outside the dates" not in message:
            message = f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)"
        problems.add(message, f"{field}.{key}", data)
        return None


def _build(factory: Callable[..., Any], field: str, problems: _Problems, where: object, **kwargs: Any) -> Any:
    """Call an attrs constructor, turning its validation errors into problems."""
    try:
        return factory(**kwargs)
    except EventError as exc:  # an event refused: a problem with one of its fields names it (events[3].due)
        for problem in exc.problems:
            problems.add(problem.message, f"{field}.{problem.field}" if problem.field else field, where)
        return None
    except DefinitionError as exc:  # the constructor refused: a problem with this entry
        for problem in exc.problems:
            problems.add(*_placed(problem.message, field), where)
        return None
    except (ValueError, TypeError) as exc:
        problems.add(*_placed(str(exc), field), where)
        return None


_FIELD_FIRST = re.compile(r"([a-z_]+): ")


def _placed(message: str, field: str) -> tuple[str, str]:
    """A constructor's ``kind: 'x' is not one of ...`` as the message and the field it is about
    (``parties.south.kind``), so it reads like every other problem with a field."""
    match = _FIELD_FIRST.match(message)
    if match is None:
        return message, field
    return message[match.end() :], f"{field}.{match[1]}"


def _with_path(problem: Problem, path: str) -> Problem:
    """Give a problem raised by a constructor the file it came from."""
    if problem.path:
        return problem
    return Problem(problem.message, field=problem.field, path=path, line=problem.line)


def _entries(value: object, field: str, problems: _Problems) -> list[tuple[str, Any, Any]]:
    """``(id, entry, container)`` for a mapping of id -> entry; reports non-mappings."""
    if value is None:
        return []
    data = _mapping(value, field, problems)
    return [(str(k), v, data) for k, v in (data or {}).items()]


# --- sources --------------------------------------------------------------------------

_SOURCE_KEYS = ("title", "publisher", "date", "url", "locator", "quote", "kind")


def _read_source(
    value: object, field: str, registry: Mapping[str, Source], problems: _Problems, where: object = None
) -> Source | None:
    """A citation: ``key``, ``key#locator``, a mapping with ``ref``, or an inline mapping."""
    if isinstance(value, str):
        key, _, locator = value.partition("#")
        base = registry.get(key.strip())
        if base is None:
            problems.add(f"unknown source {key.strip()!r}; define it under sources", field, where)
            return None
        return attrs.evolve(base, locator=locator or None) if locator else base
    data = _mapping(value, field, problems, where)
    if data is None:
        return None
    if "ref" in data:
        _keys(data, ("ref", "locator", "quote"), field, problems)
        base = _read_source(str(data["ref"]), field, registry, problems, data)
        if base is None:
            return None
        return attrs.evolve(
            base,
            locator=_text(data, "locator", field, problems) or base.locator,
            quote=_text(data, "quote", field, problems),
        )
    _keys(data, _SOURCE_KEYS, field, problems)
    source: Source | None = _build(
        Source,
        field,
        problems,
        data,
        title=_text(data, "title", field, problems, required=True) or "?",
        publisher=_text(data, "publisher", field, problems),
        date=_date(data, "date", field, problems),
        url=_text(data, "url", field, problems),
        locator=_text(data, "locator", field, problems),
        quote=_text(data, "quote", field, problems),
        kind=_source_kind(data, field, problems),
    )
    return source


def _source_kind(data: Mapping[str, Any], field: str, problems: _Problems) -> SourceKind | None:
    value = _text(data, "kind", field, problems)
    if value is None:
        return None
    try:
        return SourceKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in SourceKind)
        problems.add(f"unknown source kind {value!r}; one of {allowed}", f"{field}.kind", data)
        return None


def _read_registry(
    value: object, field: str, problems: _Problems, base: Mapping[str, Source] = {}
) -> dict[str, Source]:
    registry = dict(base)
    if value is None:
        return registry
    data = _mapping(value, field, problems)
    for key, entry in (data or {}).items():
        if not isinstance(entry, Mapping) or "ref" in entry:
            problems.add("a source definition is a mapping with title, publisher, date, url", f"{field}.{key}", data)
            continue
        source = _read_source(entry, f"{field}.{key}", registry, problems, data)
        if source is None:  # reported once here; its citations are not "unknown" too
            source = Source(f"(the source {key}, not valid)")
        registry[str(key)] = attrs.evolve(source, key=str(key))
    return registry
