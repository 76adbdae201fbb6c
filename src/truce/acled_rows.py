"""An ACLED export's rows, one at a time, into incident events: the columns, the checks on
each row, the actor table that attributes them, and the counts of what was left out.

:mod:`truce.acled` is the front: it reads the actor table, picks the date window and
folds imported events into a log.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from truce.errors import LoadError, Problem
from truce.events import Event, EventKind, External, Precision
from truce.sources import Source

if TYPE_CHECKING:
    from truce.agreement import Agreement

#: The columns of an ACLED export, as ACLED's codebook names them. All must be present;
#: any further column (exports made with extra options carry some) is ignored.
COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

#: ACLED's ``time_precision``: 1 the day is known, 2 only the week, 3 only the month.
TIME_PRECISION = {"1": Precision.DAY, "2": Precision.WEEK, "3": Precision.MONTH}
#: The prefix of an ACLED event's ``external_id``, so ids of other datasets cannot collide.
PREFIX = "acled:"
#: Columns kept on each event as ``attributes`` when not empty (besides the numbers below).
_KEPT = (
    "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
    "civilian_targeting", "country", "admin1", "admin2", "admin3", "location", "source_scale", "tags",
)  # fmt: skip
_MAX_LISTED = 20  # problems listed in one error; the rest are counted


def _table(actors: Mapping[str, str | None]) -> dict[str, str | None]:
    return dict(actors)


def _texts(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(value) for value in values)


@attrs.frozen
class ActorMap:
    """Which ACLED actor is which party: ``actors`` maps an ACLED actor name (exactly as
    the export spells it) to a party id, or to ``None`` for an actor known not to be a
    party (civilians, a third armed group). ``countries`` are the ACLED ``country`` names
    or numeric ``iso`` codes the agreement covers (an agreement does not record its
    country, so the map says it); empty keeps every country."""

    actors: Mapping[str, str | None] = attrs.field(factory=dict, converter=_table)
    countries: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    def check(self, agreement: Agreement, path: str | None = None) -> None:
        """Raise :class:`~truce.LoadError` listing every party id the agreement does not define."""
        problems = [
            Problem(f"unknown party {party!r} for ACLED actor {name!r}", field=f"actors.{name}", path=path)
            for name, party in self.actors.items()
            if party is not None and not agreement.has_party(party)
        ]
        if problems:
            raise LoadError(problems, path=path)


@attrs.frozen
class AcledImport:
    """What :func:`read` made of an export: the events, and what it left out and why.

    ``unmatched`` lists the actor names of kept rows that the actor table does not know,
    each with how many rows name it, most frequent first: add them to the table (as a
    party, or as ``null``) and import again.
    """

    events: tuple[Event, ...]
    rows: int
    outside_window: int
    other_country: int
    unmatched: tuple[tuple[str, int], ...]
    attributed: int

    def summary(self) -> str:
        """A few lines for a terminal: counts, then the unmatched actors."""
        lines = [
            f"{len(self.events)} incidents from {self.rows} rows "
            f"({self.other_country} in other countries, {self.outside_window} outside the date window); "
            f"{self.attributed} attributed to a party, {len(self.events) - self.attributed} not"
        ]
        if self.unmatched:
            lines.append(f"{len(self.unmatched)} actors not in the actor table (never guessed):")
            lines += [f"  {count:>6}  {name}" for name, count in self.unmatched]
        return "\n".join(lines)


# --- rows -------------------------------------------------------------------------------


def _rows(
    export: Any, label: str, stack: contextlib.ExitStack
) -> tuple[list[str], Iterator[tuple[int | None, list[str]]]]:
    """The header and ``(line, cells)`` for each row, read lazily from a CSV file (closed by
    ``stack``) or a frame."""
    if isinstance(export, str | os.PathLike):
        return _csv_rows(export, label, stack)
    if hasattr(export, "itertuples") and hasattr(export, "columns"):
        header = [str(c) for c in export.columns]
        return header, ((None, [_cell(v) for v in row]) for row in export.itertuples(index=False, name=None))
    raise TypeError(f"expected a path to an ACLED CSV export or a pandas DataFrame, got {type(export).__name__}")


def _csv_rows(
    path: str | os.PathLike[str], label: str, stack: contextlib.ExitStack
) -> tuple[list[str], Iterator[tuple[int | None, list[str]]]]:
    try:
        file = stack.enter_context(open(path, encoding="utf-8-sig", newline=""))  # noqa: SIM115 - the stack closes it
    except FileNotFoundError:
        raise LoadError([Problem("no such file", path=label)]) from None
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=label)]) from None
    reader = csv.reader(file)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError([Problem("empty file: an ACLED export starts with its header row", path=label)]) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise LoadError([Problem(f"not a CSV file: {exc}", path=label, line=1)]) from None

    def rows() -> Iterator[tuple[int | None, list[str]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LoadError([Problem(f"malformed CSV: {exc}", path=label, line=reader.line_num)]) from None

    return [h.strip() for h in header], rows()


def _cell(value: object) -> str:
    """A frame's cell as the text a CSV export would have: empty for missing, whole floats as integers."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "" if text in ("nan", "NaT", "<NA>", "None") else text


class _Reader:
    """One pass over the rows: check each, keep the wanted ones as events, count the rest."""

    def __init__(self, label: str, table: ActorMap, countries: frozenset[str], first: dt.date, last: dt.date | None):
        self.label = label
        self.table = table.actors
        self.countries = countries
        self.first = first
        self.last = last
        self.kept: list[Event] = []
        self.seen: dict[str, int] = {}  # kept event id -> its row, for duplicates
        self.problems: list[Problem] = []
        self.more = 0
        self.rows = 0
        self.outside = 0
        self.elsewhere = 0
        self.unmatched: Counter[str] = Counter()
        self.attributed = 0
        self.dates: dict[str, dt.date | None] = {}
        self.uploads: dict[int, dt.date] = {}
        self.pairs: dict[tuple[str, Any], tuple[str, Any]] = {}

    def run(self, header: list[str], rows: Iterator[tuple[int | None, list[str]]]) -> None:
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise LoadError(
                [Problem(f"missing column(s) {', '.join(missing)}: not an ACLED export?", path=self.label, line=1)]
            )
        if len(set(header)) != len(header):
            twice = sorted({h for h in header if header.count(h) > 1})
            raise LoadError([Problem(f"column(s) {', '.join(twice)} given twice", path=self.label, line=1)])
        at = {name: header.index(name) for name in COLUMNS}
        width = len(header)
        for number, (line, cells) in enumerate(rows, start=1):
            self.rows = number
            if len(cells) != width:
                self._problem(number, line, None, None, f"has {len(cells)} fields; the header has {width}")
                continue
            row = {name: cells[i].strip() for name, i in at.items()}
            self._row(number, line, row)
        if self.problems or self.more:
            listed = list(self.problems)
            if self.more:
                listed.append(Problem(f"... and {self.more} more problems", path=self.label))
            raise LoadError(listed, path=self.label)

    def _problem(self, number: int, line: int | None, event_id: str | None, column: str | None, message: str) -> None:
        if len(self.problems) >= _MAX_LISTED:
            self.more += 1
            return
        where = f"row {number}" + (f" ({event_id})" if event_id else "") + (f", column {column}" if column else "")
        self.problems.append(Problem(message, field=where, path=self.label, line=line))

    def _row(self, number: int, line: int | None, row: dict[str, str]) -> None:
        event_id = row["event_id_cnty"]
        bad = len(self.problems) + self.more

        def problem(column: str, message: str) -> None:
            self._problem(number, line, event_id or None, column, message)

        if not event_id:
            problem("event_id_cnty", "is empty: every ACLED event has an id")
        day = self._date(row["event_date"])
        if day is None:
            problem("event_date", f"{row['event_date']!r} is not a date (YYYY-MM-DD or '15 January 2025')")
        year = _whole(row["year"])
        if year is None:
            problem("year", f"{row['year']!r} is not a year")
        elif day is not None and year != day.year:
            problem("year", f"{year} is not the year of event_date {day}")
        precision = TIME_PRECISION.get(row["time_precision"])
        if precision is None:
            problem("time_precision", f"{row['time_precision']!r} is not 1 (day), 2 (week) or 3 (month)")
        for column in ("event_type", "sub_event_type", "actor1", "country"):
            if not row[column]:
                problem(column, "is empty")
        fatalities = _whole(row["fatalities"])
        if fatalities is None:
            problem("fatalities", f"{row['fatalities']!r} is not a whole number >= 0")
        iso = _whole(row["iso"])
        if iso is None:
            problem("iso", f"{row['iso']!r} is not a numeric ISO 3166 country code")
        latitude = _number(row["latitude"], 90)
        if latitude is None:
            problem("latitude", f"{row['latitude']!r} is not a latitude (-90 to 90)")
        longitude = _number(row["longitude"], 180)
        if longitude is None:
            problem("longitude", f"{row['longitude']!r} is not a longitude (-180 to 180)")
        geo = row["geo_precision"]
        if geo not in ("1", "2", "3"):
            problem("geo_precision", f"{geo!r} is not 1, 2 or 3")
        stamp = _whole(row["timestamp"])
        if stamp is None:
            problem("timestamp", f"{row['timestamp']!r} is not a Unix time in seconds")
        if len(self.problems) + self.more > bad:
            return
        assert day is not None
        assert precision is not None
        assert fatalities is not None
        assert stamp is not None
        if self.countries and row["country"] not in self.countries and str(iso) not in self.countries:
            self.elsewhere += 1
            return
        if day < self.first or (self.last is not None and day > self.last):
            self.outside += 1
            return
        if event_id in self.seen:
            problem("event_id_cnty", f"{event_id!r} is also row {self.seen[event_id]}'s id")
            return
        self.seen[event_id] = number
        if self.problems or self.more:
            return  # the import fails anyway: keep checking, stop building
        self.kept.append(self._event(row, day, precision, fatalities, stamp, latitude, longitude))

    def _date(self, text: str) -> dt.date | None:
        if text not in self.dates:
            self.dates[text] = _parse_date(text)
        return self.dates[text]

    def _event(
        self,
        row: dict[str, str],
        day: dt.date,
        precision: Precision,
        fatalities: int,
        stamp: int,
        latitude: float | None,
        longitude: float | None,
    ) -> Event:
        involved: list[str] = []
        complete = True
        for column in ("actor1", "actor2"):
            actor = row[column]
            if not actor:
                continue
            if actor not in self.table:
                self.unmatched[actor] += 1
                complete = False
                continue
            party = self.table[actor]
            if party is not None and party not in involved:
                involved.append(party)
        party = involved[0] if complete and len(involved) == 1 else None
        if party is not None:
            self.attributed += 1
        pairs = [self._pair(name, row[name]) for name in _KEPT if row[name]]
        pairs += [
            self._pair("fatalities", fatalities),
            self._pair("geo_precision", int(row["geo_precision"])),
            self._pair("latitude", latitude),
            self._pair("longitude", longitude),
        ]
        if involved:
            pairs.append(self._pair("parties", ";".join(involved)))
        uploaded = self.uploads.get(stamp)
        if uploaded is None:
            uploaded = self.uploads[stamp] = dt.datetime.fromtimestamp(stamp, dt.UTC).date()
        # the outlets ACLED cites, ACLED as publisher, its upload day, and the row it is
        source = Source(row["source"] or "ACLED", "ACLED", date=uploaded, locator=f"event {row['event_id_cnty']}")
        text = row["notes"] or _describe(row)
        return Event(
            day,
            EventKind.INCIDENT,
            party=party,
            reported_by="ACLED",
            text=sys.intern(text) if len(text) < 80 else text,
            source=source,
            precision=precision,
            external=External(PREFIX + row["event_id_cnty"], tuple(pairs)),
        )

    def _pair(self, name: str, value: Any) -> tuple[str, Any]:
        """One shared tuple per distinct (name, value): an export repeats its types, places and actors."""
        pair = (name, value)
        return self.pairs.setdefault(pair, pair)

    def result(self) -> AcledImport:
        self.kept.sort(key=lambda e: (e.date, e.external_id or ""))
        return AcledImport(
            events=tuple(self.kept),
            rows=self.rows,
            outside_window=self.outside,
            other_country=self.elsewhere,
            unmatched=tuple(sorted(self.unmatched.items(), key=lambda item: (-item[1], item[0]))),
            attributed=self.attributed,
        )


def _describe(row: Mapping[str, str]) -> str:
    actors = row["actor1"] + (f" and {row['actor2']}" if row["actor2"] else "")
    return f"{row['sub_event_type']}: {actors}, {row['location'] or row['admin1'] or row['country']}"


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d %B %Y").date()  # older exports: "15 January 2025"
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    return int(text) if text.isdigit() and text.isascii() else None


def _number(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None
