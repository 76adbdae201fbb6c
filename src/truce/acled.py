"""ACLED incidents in: an ACLED export (CSV file or pandas frame) as dated, sourced incident events.

ACLED (Armed Conflict Location & Event Data) codes each political-violence event with its
date, how exact that date is, its actors, place, fatalities and the outlets it rests on.
:func:`read` turns the rows of one export that fall in an agreement's country and date
window into ``incident`` events:

* dated by ``event_date``, with ``time_precision`` 1/2/3 kept as day/week/month
  (:class:`~truce.Precision`): a date known only to the week says so;
* attributed through an actor table the user writes (ACLED actor name -> party id, or
  ``None`` for an actor known not to be a party). An actor missing from the table is
  listed in :attr:`AcledImport.unmatched` and never guessed; an incident names a
  ``party`` only when every actor in it is in the table and exactly one party is among
  them (ACLED's actor1/actor2 "do not imply directionality");
* sourced: the outlets ACLED cites (its ``source`` column) become the event's
  :class:`~truce.Source`, ACLED its publisher, the upload ``timestamp`` its date;
* ``fatalities``, ``sub_event_type`` and the other details kept in ``attributes``, and
  ``event_id_cnty`` kept as ``external_id`` (``acled:<event_id_cnty>``), so
  :func:`merge` puts a revised export's rows in place of the old ones instead of beside
  them.

An incident is a report, not a verdict: it never changes an obligation's status (truce
folds incidents into the record only); a user who wants one to count as a breach records
that claim explicitly.

Rows are read one at a time (the ``csv`` module, or a frame's rows), so memory grows with
the incidents kept, not with the export: a million-row regional export filtered to one
agreement's country holds only that country's rows. Every row is checked, kept or not; a
bad row is a :class:`~truce.LoadError` naming its row and column, and then nothing is
imported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from truce._files import _read_file
from truce._names import is_id
from truce._yaml import read_yaml
from truce.acled_rows import COLUMNS, AcledImport, ActorMap, _Reader, _rows
from truce.acled_rows import PREFIX as PREFIX
from truce.acled_rows import TIME_PRECISION as TIME_PRECISION
from truce.dates import to_date
from truce.errors import DateError, LoadError, Problem
from truce.events import Event
from truce.limits import DEFAULT_LIMITS
from truce.logs import JSONL_SUFFIXES, event_to_data, load_events

if TYPE_CHECKING:
    from truce.agreement import Agreement

__all__ = ["COLUMNS", "AcledImport", "ActorMap", "merge", "read", "read_actor_map", "update_log"]


def read_actor_map(path: str | os.PathLike[str]) -> ActorMap:
    """Read an actor table from YAML: ``countries:`` (a list) and ``actors:`` (name -> party or null).

    >>> read_actor_map("tests/data/acled/riverside-actors.yaml").countries
    ('Riverland',)
    """

    name = str(path)
    data = read_yaml(_read_file(path, DEFAULT_LIMITS.max_bytes), path=name)
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise LoadError([Problem("an actor map is a mapping with 'actors' and 'countries'", path=name)])
    for key in data:
        if key not in ("actors", "countries"):
            problems.append(Problem(f"unknown key {key!r}; allowed: actors, countries", path=name, field=str(key)))
    actors = data.get("actors") or {}
    countries = data.get("countries") or []
    if not isinstance(actors, Mapping):
        problems.append(Problem("expected a mapping of ACLED actor names to party ids", path=name, field="actors"))
        actors = {}
    if not isinstance(countries, list) or not all(isinstance(c, str | int) for c in countries):
        problems.append(Problem("expected a list of country names or iso codes", path=name, field="countries"))
        countries = []
    table: dict[str, str | None] = {}
    for actor, party in actors.items():
        if party is not None and (not isinstance(party, str) or not is_id(party)):
            problems.append(Problem(f"expected a party id or null, got {party!r}", path=name, field=f"actors.{actor}"))
            continue
        table[str(actor)] = party
    if problems:
        raise LoadError(problems, path=name)
    return ActorMap(table, countries)


def read(
    export: str | os.PathLike[str] | Any,
    agreement: Agreement,
    actors: ActorMap | Mapping[str, str | None],
    *,
    countries: Iterable[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> AcledImport:
    """Read an ACLED export (a CSV path or a pandas DataFrame) into incident events for ``agreement``.

    Only rows in ``countries`` (default: the actor map's) and between ``start`` and
    ``end`` (default: the agreement's life, from its agreement or entry into force to its
    end, if it has ended) are kept. The events come back in date order, then by ACLED id.

    >>> import truce
    >>> from truce import acled
    >>> riverside = truce.load("docs/riverside.yaml")
    >>> found = acled.read("tests/data/acled/riverside-export.csv", riverside.agreement,
    ...                    acled.read_actor_map("tests/data/acled/riverside-actors.yaml"))
    >>> len(found.events), found.events[0].external_id, found.events[0].precision
    (4, 'acled:XRV1', <Precision.DAY: 'day'>)
    """
    table = actors if isinstance(actors, ActorMap) else ActorMap(actors)
    label = _label(export)
    table.check(agreement)
    wanted = frozenset(str(c) for c in (countries if countries is not None else table.countries))
    first = _day(start, "start") if start is not None else agreement.agreed or agreement.in_force
    last = _day(end, "end") if end is not None else agreement.ended
    opening = agreement.agreed or agreement.in_force
    if first < opening:
        raise DateError(f"start: {first} is before {agreement.id} existed ({opening})")
    reader = _Reader(label, table, wanted, first, last)
    with contextlib.ExitStack() as stack:
        header, rows = _rows(export, label, stack)
        reader.run(header, rows)
    return reader.result()


def merge(existing: Iterable[Event], imported: Iterable[Event]) -> list[Event]:
    """``existing`` with ``imported`` folded in, in date order: a re-import updates, never duplicates.

    An existing event whose ``external_id`` an imported event carries is replaced by it
    (a revised export corrects a date, an actor or a fatality count); every other event
    is kept. Among events of one day the existing ones come first, in their order, so a
    log that replayed before still replays the same way.
    """
    incoming = sorted(imported, key=_event_date)
    replaced = {e.external_id for e in incoming if e.external_id is not None}
    kept = [e for e in existing if e.external_id is None or e.external_id not in replaced]
    return list(heapq.merge(kept, incoming, key=_event_date))


def update_log(path: str | os.PathLike[str], agreement: Agreement, imported: Iterable[Event]) -> int:
    """Fold ``imported`` into the JSON Lines event log at ``path`` (made if missing); return its length.

    The log is read (checked against ``agreement``), merged with :func:`merge` and written
    whole to a temporary file beside it that then replaces it, so a failure at any point
    leaves the old log as it was.
    """
    import json

    target = os.fspath(path)
    if not target.endswith(JSONL_SUFFIXES):
        raise LoadError([Problem("the log to write must be JSON Lines (.jsonl or .ndjson)", path=target)])
    existing = load_events(target, agreement) if os.path.exists(target) else []
    events = merge(existing, imported)
    folder = os.path.dirname(os.path.abspath(target))
    temporary = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as file:
            for event in events:
                file.write(json.dumps(event_to_data(event), ensure_ascii=False) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return len(events)


def _event_date(event: Event) -> dt.date:
    return event.date


def _day(value: dt.date | str, field: str) -> dt.date:

    try:
        return to_date(value, field=field)
    except ValueError as exc:
        raise DateError(str(exc)) from None


def _label(export: object) -> str:
    if isinstance(export, str | os.PathLike):
        return str(export)
    return "<frame>"
