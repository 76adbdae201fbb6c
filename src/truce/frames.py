"""pandas DataFrames of a ceasefire's events, obligations and compliance (optional extra)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from truce.errors import MissingDependency
from truce.identifiers import IDENTIFIER_FIELDS

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["to_frame"]

#: The columns of each frame, so an empty frame still has them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "events": (
        "date", "kind", "obligation", "fact", "value", "trigger", "party", "asserts", "reported_by", "text",
        "source", "url", "external_id",
    ),
    "obligations": (
        "obligation", "party", "kind", "phase", "status", "since", "due", "original_due", "days_overdue",
        "progress", "target", "disputed", "source",
    ),
    "compliance": (
        "party", "name", "obligations", "fulfilled", "overdue", "breached", "disputed", "partial", "active",
        "pending", "waived", "incidents",
    ),
    "deadlines": ("obligation", "party", "due", "original", "status", "days_left", "days_overdue", "extensions"),
    "history": ("date", "change", "describe", "source"),
    "agreement": (
        "agreement", "title", "agreed", "in_force", "ended", "written", *IDENTIFIER_FIELDS,
    ),
    "parties": ("party", "name", "kind", "ucdp_actor_id"),
    "implementation": (
        "period_end", "obligation", "party", "kind", "pam_provision", "status", "progress", "target", "score",
        "breached", "disputed",
    ),
}  # fmt: skip
KINDS = tuple(COLUMNS)


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise MissingDependency("pandas", "pandas") from None


def to_frame(ceasefire: Ceasefire, what: str = "events", *, freq: str = "YE") -> Any:
    """A ``pandas.DataFrame`` of ``what``: events, obligations, compliance, deadlines, history,
    agreement (one row: dates and dataset identifiers), parties (with UCDP actor ids) or
    implementation (each obligation's Peace Accords Matrix score per period; ``freq`` is
    ``"YE"`` for years, PAM's own period, or ``"ME"`` for months; see :mod:`truce.implementation`)."""
    if what not in KINDS:
        from truce.errors import ArgumentError

        raise ArgumentError(f"what must be one of {', '.join(KINDS)}, not {what!r}")
    pandas = _pandas()
    if what == "implementation":
        from truce.implementation import scores

        rows = scores(ceasefire, freq)
    else:
        rows = _rows(ceasefire, what)
    frame = pandas.DataFrame(rows, columns=list(COLUMNS[what]))
    for column in ("date", "due", "original_due", "original", "since", "agreed", "in_force", "ended", "period_end"):
        if column in frame:
            frame[column] = pandas.to_datetime(frame[column])
    for column in ("pax_agt_id", "ucdp_conflict_id", "ucdp_paid", "ethprio_cf_id", "ucdp_actor_id", "score"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")  # ids stay whole numbers, unknown as <NA>
    return frame


def _rows(ceasefire: Ceasefire, what: str) -> list[dict[str, Any]]:
    day = ceasefire.date
    if what == "events":
        return [
            {
                "date": e.date,
                "kind": str(e.kind),
                "obligation": e.obligation,
                "fact": e.fact,
                "value": e.value,
                "trigger": e.trigger or e.to,
                "party": e.party,
                "asserts": e.asserts,
                "reported_by": e.reported_by,
                "text": e.text,
                "source": e.source.cite() if e.source else None,
                "url": e.source.url if e.source else None,
                "external_id": e.external_id,
            }
            for e in ceasefire.events
        ]
    if what == "obligations":
        return [
            {
                "obligation": s.obligation.id,
                "party": s.obligation.party,
                "kind": str(s.obligation.kind),
                "phase": s.obligation.phase,
                "status": str(s.status_on(day)),
                "since": s.since,
                "due": s.due,
                "original_due": s.original_due,
                "days_overdue": s.days_overdue(day),
                "progress": s.progress,
                "target": s.obligation.measure.target if s.obligation.measure else None,
                "disputed": s.disputed,
                "source": s.obligation.source.cite(),
            }
            for s in ceasefire.obligations()
        ]
    if what == "compliance":
        return [row.to_dict() for row in ceasefire.compliance()]
    if what == "deadlines":
        return [d.to_dict() for d in ceasefire.deadlines()]
    agreement = ceasefire.agreement
    if what == "agreement":
        row: dict[str, Any] = {
            "agreement": agreement.id,
            "title": agreement.title,
            "agreed": agreement.agreed,
            "in_force": agreement.in_force,
            "ended": agreement.ended,
            "written": agreement.written,
        }
        return [row | {name: getattr(agreement.identifiers, name) for name in IDENTIFIER_FIELDS}]
    if what == "parties":
        return [
            {"party": p.id, "name": p.name, "kind": str(p.kind), "ucdp_actor_id": p.ucdp_actor_id}
            for p in agreement.parties
        ]
    return [
        {
            "date": c.date,
            "change": type(c).__name__,
            "describe": c.describe(),
            "source": c.event.source.cite() if c.event is not None and c.event.source else None,
        }
        for c in ceasefire.history()
    ]
