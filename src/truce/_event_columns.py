"""A log of events as columns, for pickling a ceasefire: one list per field, not one object per event.

Pickling a long log event by event costs a Python call per event each way (its reduce
and its rebuild) and leaves a hundred thousand small tuples for the garbage collector.
As columns, the dates are ordinals in an array, kinds and precisions one byte each, a
column that is empty throughout a single ``None``, and every other column a plain
list, which pickle writes in C (ids are interned, so repeated names cost a reference).
Events are rebuilt with the trusted constructor (``truce.events._make``): they were
valid when pickled, so their validators are not run again.

What else refers to the events (the ledger's claims, incidents and evidence, and the
checkpoints') is pickled apart, each event written as its place in the columns
(:func:`dump_referring`, pickle's ``persistent_id``), so no event is pickled twice and
nothing is folded again on unpickling.

``tests/test_pickle.py`` round-trips generated ceasefires, views and what-ifs through these.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import operator
from array import array
from collections.abc import Sequence
from typing import Any

from truce.events import _FIELDS, Event, EventKind, Precision, _date, _make

__all__ = ["dump_referring", "from_columns", "load_referring", "to_columns"]

_FORMAT = 1
_KINDS = tuple(EventKind)
_KIND_CODES = {kind: code for code, kind in enumerate(_KINDS)}
_PRECISIONS = tuple(Precision)
_PRECISION_CODES = {precision: code for code, precision in enumerate(_PRECISIONS)}
_ORDINAL = dt.date.toordinal
_DATES = operator.attrgetter("date")
_KIND_OF = operator.attrgetter("kind")
_PRECISION_OF = operator.attrgetter("precision")
#: The fields kept as plain lists, in constructor order after ``date`` and ``kind``, ``precision`` apart.
_PLAIN = tuple(name for name in _FIELDS if name not in ("date", "kind", "precision"))
_GETTERS = tuple(operator.attrgetter(name) for name in _PLAIN)


def to_columns(events: Sequence[Event]) -> tuple[Any, ...]:
    """``events`` as columns (see the module docstring); :func:`from_columns` reads them back."""
    count = len(events)
    plain = []
    for get in _GETTERS:
        column = list(map(get, events))
        plain.append(None if column.count(None) == count else column)  # an empty column: one None
    return (
        _FORMAT,
        count,
        array("i", map(_ORDINAL, map(_DATES, events))),
        bytes(map(_KIND_CODES.__getitem__, map(_KIND_OF, events))),
        bytes(map(_PRECISION_CODES.__getitem__, map(_PRECISION_OF, events))),
        tuple(plain),
    )


def from_columns(columns: tuple[Any, ...]) -> list[Event]:
    """The events :func:`to_columns` stored, equal to the originals, each day one shared ``date``."""
    form, count, ordinals, kinds, precisions, plain = columns
    if form != _FORMAT:
        raise ValueError(f"events pickled in column format {form!r}; this truce reads format {_FORMAT}")
    days = {ordinal: _date(dt.date.fromordinal(ordinal)) for ordinal in set(ordinals)}
    obligation, fact, value, due, trigger, to, party, asserts, reported_by, text, source, time, external = (
        itertools.repeat(None, count) if column is None else column for column in plain
    )
    return list(
        map(
            _make,
            map(days.__getitem__, ordinals),
            map(_KINDS.__getitem__, kinds),
            obligation, fact, value, due, trigger, to, party, asserts, reported_by, text, source, time,
            map(_PRECISIONS.__getitem__, precisions),
            external,
        )
    )  # fmt: skip


_AGREEMENT = -1  # the place of the agreement (pickled once, with the ceasefire), not an event's


# pickle is imported where a ceasefire is pickled, not at the top: every ceasefire's module
# imports this one, and most runs (the command line's, say) never pickle.


def dump_referring(value: object, events: Sequence[Event], agreement: object) -> bytes:
    """``value`` pickled with each of ``events`` it holds written as its place, ``agreement`` as a mark."""
    import pickle

    places = {id(event): place for place, event in enumerate(events)}  # the events are alive: ids are stable

    def persistent_id(obj: object) -> int | None:
        if type(obj) is Event:
            return places.get(id(obj))  # an event of another log (a view's parent) is pickled whole
        return _AGREEMENT if obj is agreement else None

    file = io.BytesIO()
    pickler = pickle.Pickler(file, pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = persistent_id  # type: ignore[method-assign]
    pickler.dump(value)
    return file.getvalue()


def load_referring(data: bytes, events: Sequence[Event], agreement: object) -> Any:
    """What :func:`dump_referring` wrote, its events and agreement taken from those given."""
    import pickle

    def persistent_load(pid: Any) -> Any:
        return agreement if pid == _AGREEMENT else events[pid]

    # S301: these bytes come from inside a pickle the caller is already loading, never from elsewhere
    unpickler = pickle.Unpickler(io.BytesIO(data))  # noqa: S301
    unpickler.persistent_load = persistent_load  # type: ignore[method-assign]
    return unpickler.load()
