"""Opening a ceasefire: a bundled name or a file, its definition and its event log, replayed.

This sits above both the file formats (:mod:`truce.loading`) and the live object
(:mod:`truce.ceasefire`): reading never needs a ceasefire, and a ceasefire never needs
to know where its events came from.
"""

from __future__ import annotations

import heapq
import operator
import os
from pathlib import Path

import attrs

from truce.agreement import Agreement
from truce.ceasefire import Ceasefire
from truce.dates import DateLike
from truce.errors import LoadError, Problem, TruceError
from truce.events import Event
from truce.limits import DEFAULT_LIMITS, Limits
from truce.loading import check_arguments, load_agreement, load_events, read_bundled
from truce.logs import read_log
from truce.record import Names, problems

__all__ = ["load"]


def _looks_like_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml", ".json")) or "/" in name or "\\" in name


def load(
    name_or_path: str | Path,
    *,
    events: str | Path | None = None,
    as_of: DateLike | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Ceasefire:
    """A :class:`~truce.Ceasefire` for a bundled agreement name or a YAML file path.

    For a file ``x.yaml`` the events are read from ``events`` if given, else from a
    sibling ``x.events.yaml`` or ``x.events.jsonl`` if one exists. For a bundled name,
    ``events`` is a log of one's own (imported ACLED incidents, say), merged with the
    bundled events in date order. The result stands at the end of its data
    (``data_through``) unless ``as_of`` is given.
    """
    check_arguments(path=name_or_path, events=events, limits=limits)
    if isinstance(name_or_path, os.PathLike) or _looks_like_path(str(name_or_path)):
        path = Path(name_or_path)
        agreement = load_agreement(path, limits=limits)
        log = Path(events) if events is not None else _sibling_log(path)
        if log is None:
            return _replay(agreement, [], as_of)
        loaded, lines = read_log(log, agreement, limits=limits)
        return _replay(agreement, loaded, as_of, _Lines(str(log), lines))
    else:
        agreement, loaded = read_bundled(str(name_or_path))
        if events is not None:
            # in date order, the bundled events first on a shared day: a log of one's own
            # (imported incidents, say) may fall between the bundled events
            extra = load_events(events, agreement, limits=limits)
            loaded = list(heapq.merge(loaded, extra, key=operator.attrgetter("date")))
    return _replay(agreement, loaded, as_of)


def _sibling_log(path: Path) -> Path | None:
    stem = path.name.rsplit(".", 1)[0]
    for suffix in (".events.yaml", ".events.jsonl"):
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


@attrs.frozen
class _Lines:
    """Where a log's events are: its file and the line each starts on."""

    path: str
    lines: list[int | None]


def _replay(
    agreement: Agreement, events: list[Event], as_of: DateLike | None, where: _Lines | None = None
) -> Ceasefire:
    """Record ``events``; on refusal, one problem per line, and every event's name and order problems at once."""
    names, last, found = Names.of(agreement), None, []
    for n, event in enumerate(events if where is None else ()):  # a file's log: checked as it was read
        # the checks that need no replay: all of them, not only the first
        found += [_at(agreement, n, event, str(p), where) for p in problems(names, event, last)]
        last = event.date if last is None or event.date > last else last
    if found:
        raise LoadError(found)
    ceasefire = Ceasefire(agreement)
    try:
        ceasefire.extend(events)
    except TruceError as exc:
        n = getattr(exc, "index", 0)
        inner = getattr(exc, "problems", None) or (str(exc),)
        raise LoadError([_at(agreement, n, events[n], str(p), where) for p in inner]) from None
    return ceasefire.as_of(as_of) if as_of is not None else ceasefire


def _at(agreement: Agreement, n: int, event: Event, message: str, where: _Lines | None) -> Problem:
    if where is None:  # a bundled log merged with one's own: no single file to point into
        return Problem(f"event {n} ({event.date} {event.kind}): {message}", path=agreement.id)
    field = f"events[{n}].trigger" if event.trigger is not None else f"events[{n}]"
    return Problem(message, path=where.path, line=where.lines[n], field=field)
