"""Opening a ceasefire: a bundled name or a file, its definition and its event log, replayed.

This sits above both the file formats (:mod:`truce.loading`) and the live object
(:mod:`truce.ceasefire`): reading never needs a ceasefire, and a ceasefire never needs
to know where its events came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, overload

from truce.agreement import Agreement
from truce.ceasefire import Ceasefire
from truce.dates import DateLike
from truce.errors import LoadError, Problem, TruceError
from truce.events import Event
from truce.limits import DEFAULT_LIMITS, Limits
from truce.loading import check_arguments, load_agreement, read_bundled
from truce.logs import read_log

if TYPE_CHECKING:
    from pathlib import Path  # imported where a file is read: bundled data needs no pathlib

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
        from pathlib import Path

        path = Path(name_or_path)
        agreement = load_agreement(path, limits=limits)
        log = Path(events) if events is not None else _sibling_log(path)
        if log is None:
            return _replay(agreement, [], as_of, [])
        loaded, lines = read_log(log, agreement, limits=limits, _replayed=True)
        return _replay(
            agreement, loaded, as_of, _Places(str(log), lines), lambda: read_log(log, agreement, limits=limits)
        )
    agreement, loaded = read_bundled(str(name_or_path))
    bundled = _Places(f"truce/agreements/{agreement.id}.events.yaml", [None] * len(loaded))
    if events is None:
        return _replay(agreement, loaded, as_of, bundled)
    import heapq  # here: only a merge of two logs needs it

    # in date order, the bundled events first on a shared day: a log of one's own
    # (imported incidents, say) may fall between the bundled events
    extra, lines = read_log(events, agreement, limits=limits)
    merged = list(
        heapq.merge(zip(loaded, bundled, strict=True), zip(extra, _Places(str(events), lines), strict=True),
                    key=lambda pair: pair[0].date)
    )  # fmt: skip
    return _replay(agreement, [event for event, _ in merged], as_of, [place for _, place in merged])


def _sibling_log(path: Path) -> Path | None:
    stem = path.name.rsplit(".", 1)[0]
    for suffix in (".events.yaml", ".events.jsonl"):
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


#: Where an event is: its log file, the line it starts on (None where unknown), its index there.
_Place = tuple[str, int | None, int]


class _Places(Sequence[_Place]):
    """Each event's place in one log, made when a refusal names it (most loads never ask)."""

    def __init__(self, path: str, lines: Sequence[int | None]) -> None:
        self.path, self.lines = path, lines

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, n: int) -> _Place: ...
    @overload
    def __getitem__(self, n: slice) -> Sequence[_Place]: ...
    def __getitem__(self, n: int | slice) -> _Place | Sequence[_Place]:
        if isinstance(n, slice):
            return [self[k] for k in range(len(self))[n]]
        return (self.path, self.lines[n], range(len(self))[n])


def _replay(
    agreement: Agreement,
    events: list[Event],
    as_of: DateLike | None,
    places: Sequence[_Place],
    careful: Callable[[], object] | None = None,
) -> Ceasefire:
    """Record ``events``, read from the files ``places`` names (which checked their names and
    order as they read them, or ``careful`` does it on a refusal); a refused event is reported
    at its file, line and field."""
    ceasefire = Ceasefire(agreement)
    try:
        ceasefire.extend(events)
    except TruceError as exc:
        if careful is not None:  # a log read without its name and order check: read it again with it,
            careful()  # which reports every such problem at its line (a blocked move is reported below)
        n = getattr(exc, "index", 0)
        inner = getattr(exc, "problems", None) or (str(exc),)
        raise LoadError([_at(events[n], str(p), places[n]) for p in inner]) from None
    return ceasefire.as_of(as_of) if as_of is not None else ceasefire


def _at(event: Event, message: str, place: _Place) -> Problem:
    path, line, index = place
    field = f"events[{index}].trigger" if event.trigger is not None else f"events[{index}]"
    return Problem(message, path=path, line=line, field=field)
