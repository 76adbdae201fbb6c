"""Compliance: per party, how many obligations are fulfilled, overdue, breached, pending; late; disputed.

Counts come from the reported record (claims never settle an obligation; conflicting
claims make it *disputed*). Incidents are counted against the party they are attributed
to: an attribution, not a verdict. Irregular phase moves are listed alongside, since a
move made before its conditions held is part of how an agreement is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from truce.agreement import Agreement
from truce.events import Event
from truce.html import compliance_html
from truce.ledger import PhaseChange
from truce.status import ClockStop, ObligationState, clock

__all__ = ["Compliance", "PartyCompliance"]

#: One status per obligation: these columns add up to what the party owes.
STATUSES = ("fulfilled", "overdue", "breached", "partial", "active", "pending", "waived")
#: Flags on top of a status (fulfilled late; claims in conflict), then incidents: not part of that sum.
FLAGS = ("late", "disputed")
COLUMNS = (*STATUSES, *FLAGS, "incidents")
NO_PARTY = "(joint or no party)"


@attrs.frozen
class PartyCompliance:
    """One party's record on one day.

    Each obligation has one status, so ``fulfilled`` … ``waived`` add up to the number of
    ``obligations``; ``late`` (fulfilled after the deadline) and ``disputed`` (claims in
    conflict) are flags counted on top, and ``incidents`` are attributions.
    """

    party: str
    name: str
    obligations: tuple[str, ...]
    fulfilled: int = 0
    overdue: int = 0
    #: fulfilled, but after the deadline in force (a flag on ``fulfilled``, not a status of its own)
    late: int = 0
    breached: int = 0
    disputed: int = 0
    partial: int = 0
    active: int = 0
    pending: int = 0
    waived: int = 0
    incidents: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"party": self.party, "name": self.name, "obligations": len(self.obligations)}
        out.update({column: getattr(self, column) for column in COLUMNS})
        return out


@attrs.frozen
class Compliance:
    """Every party's record on one day, plus the irregular phase moves so far."""

    agreement: str
    as_of: dt.date
    parties: tuple[PartyCompliance, ...]
    irregular: tuple[PhaseChange, ...] = ()
    #: when deadline clocks stopped (counts are as of that day's deadlines), if they have
    stopped: ClockStop | None = None

    def __iter__(self) -> Iterator[PartyCompliance]:
        return iter(self.parties)

    def __getitem__(self, party: str) -> PartyCompliance:
        for row in self.parties:
            if row.party == party:
                return row
        raise KeyError(party)

    def __str__(self) -> str:
        width = max([len(r.party) for r in self.parties] + [5])

        def cells(row: Callable[[str], object], names: Sequence[str]) -> str:
            return " ".join(f"{row(c)!s:>9}" for c in names)

        head = f"{'party':<{width}} {'owes':>4} {cells(str, STATUSES)} | {cells(str, FLAGS)} {'incidents':>9}"
        lines = [f"{self.agreement}: compliance as of {self.as_of}", head]
        for row in self.parties:
            get = functools.partial(getattr, row)
            counts = f"{cells(get, STATUSES)} | {cells(get, FLAGS)} {row.incidents:>9}"
            lines.append(f"{row.party:<{width}} {len(row.obligations):>4} {counts}")
        for change in self.irregular:
            lines.append(f"irregular move: {change.describe()}")
        if self.stopped is not None:
            lines.append(f"deadline {self.stopped.describe()}: overdue counted to that day")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return compliance_html(self, COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "as_of": self.as_of.isoformat(),
            "parties": [row.to_dict() for row in self.parties],
            "irregular": [c.describe() for c in self.irregular],
            "clock_stopped": self.stopped.to_dict() if self.stopped else None,
        }


def compliance(
    agreement: Agreement,
    states: list[ObligationState],
    incidents: Sequence[Event],
    attributed: Mapping[str | None, int],
    phase_log: Sequence[PhaseChange],
    as_of: dt.date,
    stop: ClockStop | None = None,
) -> Compliance:
    """Count each party's obligations by status on ``as_of``, and the incidents attributed to it.

    ``attributed`` counts incidents per party as recorded; they are counted again from
    ``incidents`` only when some were recorded after ``as_of`` (a ceasefire asked about
    an earlier day than its last event). Statuses are read on the day the clocks
    stopped (``stop``) when that is earlier: nothing becomes overdue after an agreement ends.
    """
    day = clock(as_of, stop)
    if incidents and incidents[-1].date > as_of:
        attributed = Counter(e.party for e in incidents if e.date <= as_of)
    rows = []
    owing = [(p.id, p.name) for p in agreement.parties]
    if any(s.obligation.party is None for s in states):
        owing.append((NO_PARTY, NO_PARTY))
    for party, name in owing:
        mine = [s for s in states if (s.obligation.party or NO_PARTY) == party]
        counted = attributed.get(party, 0)
        if not mine and not counted:
            continue
        counts = dict.fromkeys(COLUMNS, 0)
        for state in mine:
            counts[str(state.status_on(day))] += 1
            counts["disputed"] += state.disputed
            counts["late"] += state.late_by is not None and state.since is not None and state.since <= as_of
        counts["incidents"] = counted
        rows.append(PartyCompliance(party, name, tuple(s.obligation.id for s in mine), **counts))
    irregular = tuple(c for c in phase_log if c.irregular and c.date <= as_of)
    stopped = stop if stop is not None and stop.date <= as_of else None
    return Compliance(agreement.id, as_of, tuple(rows), irregular, stopped)
