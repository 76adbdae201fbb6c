"""A log of events as columns, for pickling a ceasefire: one list per field, not one object per event.

Pickling a long log event by event costs a Python call per event each way (its reduce
and its rebuild) and leaves a hundred thousand small tuples for the garbage collector.
As columns, the dates are ordinals in an array, kinds and precisions one byte each, a
column that is empty throughout a single ``None``, and every other column a plain
list, which pickle writes in C (ids are interned, so repeated names cost a reference).
Events are rebuilt with the trusted constructor (``truce.events._make``): they were
valid when pickled, so their validators are not run again.

``tests/test_pickle.py`` round-trips generated logs of every kind through these columns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from array import array
from collections.abc import Sequence
from typing import Any

from truce.events import _FIELDS, Event, EventKind, Precision, _date, _make

__all__ = ["from_columns", "to_columns"]

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
