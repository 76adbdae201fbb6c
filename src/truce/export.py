"""Agreements out, in the shape of the field's datasets: the ETH/PRIO Civil Conflict Ceasefire data.

The ETH/PRIO Civil Conflict Ceasefire (CF) dataset has one row per ceasefire and actor,
with its declaration, effect and end dates split into year, month and day. :func:`ethprio`
writes truce agreements in that shape, one row per agreement and belligerent party (a
``state`` or ``armed_group``; mediators, guarantors, monitors and bodies are not sides),
so a model can be laid beside the dataset's rows or appended to them.

What truce does not record is coded as unknown, never inferred from a title or a party
list. Two assumptions, stated because this project has no copy of the CF codebook to
check them against (see docs/interop.md):

* a coded variable truce cannot fill (``partial``, ``ceasefire_class``, ``ceasefire_type``,
  and ``side`` outside the civil-conflict shape) is ``-1``, the "unclear" code that a
  public reading of the codebook uses for the dataset's categorical variables (the code
  list in github.com/Peder2911/Cfviz_Ged, ``data/cfcodebook.R``);
* a value that does not apply or an id that is not known (``cf_id``, ``ucdp_acd_id``
  without a source; the end date of a ceasefire that has not ended) is ``None``, a
  missing value (NA in a DataFrame, an empty cell in CSV).

>>> import truce
>>> rows = ethprio([truce.load("docs/riverside.yaml")])
>>> [(r["actor_name"], r["side"], r["cf_effect_yr"], r["ended"], r["written"]) for r in rows]
[('Northern forces', 'A', 2025, 0, 1), ('Southern militia', 'B', 2025, 0, 1)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from truce.agreement import Agreement
from truce.obligations import ObligationKind
from truce.parties import PartyKind

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["ETHPRIO_COLUMNS", "UNCLEAR", "ethprio"]

#: The code written for a coded variable truce does not know (an assumption: see above).
UNCLEAR = -1

#: The columns :func:`ethprio` writes, the CF dataset's names first, then truce's own.
ETHPRIO_COLUMNS: tuple[str, ...] = (
    "cf_id", "ucdp_acd_id", "actor_name", "side",
    "cf_dec_yr", "cf_dec_month", "cf_dec_day",
    "cf_effect_yr", "cf_effect_month", "cf_effect_day",
    "end_yr", "end_month", "end_day", "ended",
    "written", "partial", "ceasefire_class", "ceasefire_type", "mediator_nego", "implement",
    "truce_agreement", "truce_party", "truce_phase",
)  # fmt: skip

_SIDES = (PartyKind.STATE, PartyKind.ARMED_GROUP)


def ethprio(agreements: Iterable[Agreement | Ceasefire]) -> list[dict[str, Any]]:
    """Rows in the ETH/PRIO Civil Conflict Ceasefire dataset's shape, one per agreement and side.

    Pass agreements, or ceasefires (their phase on their as-of date is then given in
    ``truce_phase``). The end is the agreement's recorded ``ended`` date only: a terminal
    phase is not read as an end, since some (``completed``, a war ended) mean the
    ceasefire held.

    * ``cf_dec_*``: the day agreed (the day in force when no earlier agreement is recorded);
      ``cf_effect_*``: the day in force; ``end_*`` and ``ended``: the end, if any.
    * ``written``: 1 for a written text, 0 for an announced, unwritten ceasefire.
    * ``side``: ``"A"`` for a state and ``"B"`` for an armed group when the agreement
      has both (UCDP's government and opposition sides); ``-1`` otherwise.
    * ``mediator_nego``: 1 when a party is a mediator; ``implement``: 1 when an
      obligation sets up monitoring; ``-1`` (unclear) when the model does not say, since
      a party or obligation left out of a model is not proof of absence.
    """
    rows: list[dict[str, Any]] = []
    for item in agreements:
        agreement = item if isinstance(item, Agreement) else item.agreement
        ended = agreement.ended
        declared = agreement.agreed or agreement.in_force
        kinds = {party.kind for party in agreement.parties}
        civil = PartyKind.STATE in kinds and PartyKind.ARMED_GROUP in kinds
        monitored = any(o.kind is ObligationKind.MONITORING for o in agreement.obligations)
        for party in agreement.parties:
            if party.kind not in _SIDES:
                continue
            row: dict[str, Any] = {
                "cf_id": agreement.identifiers.ethprio_cf_id,
                "ucdp_acd_id": agreement.identifiers.ucdp_conflict_id,
                "actor_name": party.name,
                "side": ("A" if party.kind is PartyKind.STATE else "B") if civil else UNCLEAR,
                **_parts("cf_dec", declared),
                **_parts("cf_effect", agreement.in_force),
                **_parts("end", ended, year="end_yr"),
                "ended": 1 if ended else 0,
                "written": 1 if agreement.written else 0,
                "partial": UNCLEAR,
                "ceasefire_class": UNCLEAR,
                "ceasefire_type": UNCLEAR,
                "mediator_nego": 1 if PartyKind.MEDIATOR in kinds else UNCLEAR,
                "implement": 1 if monitored else UNCLEAR,
                "truce_agreement": agreement.id,
                "truce_party": party.id,
                "truce_phase": None if isinstance(item, Agreement) else item.phase,
            }
            rows.append(row)
    return rows


def _parts(prefix: str, day: dt.date | None, *, year: str | None = None) -> dict[str, int | None]:
    return {
        year or f"{prefix}_yr": day.year if day else None,
        f"{prefix}_month": day.month if day else None,
        f"{prefix}_day": day.day if day else None,
    }
