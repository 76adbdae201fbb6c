"""pandas DataFrames of a ceasefire's events, obligations and compliance (optional extra).

Columns get the dtypes pandas has for them, so a frame is ready to group, sort and plot:
dates are ``datetime64``, day counts nullable ``Int64`` (a count that does not apply is
``<NA>``, not a float NaN), statuses an *ordered* categorical (pending < active < partial <
overdue < fulfilled < breached < waived, the order of :class:`truce.ObligationStatus`),
kinds and parties categoricals. Every frame starts with an ``agreement`` column, so frames
of several agreements concatenate into one (``pandas.concat``) and still say whose row is whose.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from truce.errors import ArgumentError, MissingDependency
from truce.events import EventKind
from truce.identifiers import IDENTIFIER_FIELDS
from truce.implementation import scores
from truce.ledger import ObligationChange, PhaseChange
from truce.status import ObligationStatus

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["to_frame"]

#: The columns of each frame, so an empty frame still has them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "events": (
        "agreement", "date", "kind", "obligation", "fact", "value", "trigger", "party", "asserts", "reported_by",
        "text", "source", "url", "external_id",
    ),
    "obligations": (
        "agreement", "obligation", "party", "kind", "phase", "status", "since", "due", "original_due",
        "days_overdue", "late_by", "late_by_original", "progress", "target", "disputed", "source",
    ),
    "compliance": (
        "agreement", "party", "name", "obligations", "fulfilled", "overdue", "breached", "partial", "active",
        "pending", "waived", "late", "disputed", "incidents",
    ),
    "deadlines": (
        "agreement", "obligation", "party", "due", "original_due", "status", "days_left", "days_overdue", "extensions",
    ),
    "history": (
        "agreement", "date", "change", "obligation", "fact", "party", "before", "after", "irregular", "describe",
        "source",
    ),
    "agreement": ("agreement", "title", "agreed", "in_force", "ended", "written", *IDENTIFIER_FIELDS),
    "parties": ("agreement", "party", "name", "kind", "ucdp_actor_id"),
    "implementation": (
        "agreement", "period_end", "obligation", "party", "kind", "pam_provision", "status", "progress", "target",
        "score", "breached", "disputed",
    ),
}  # fmt: skip
KINDS = tuple(COLUMNS)

#: What changed, in a history row: the phase, an obligation's status, progress or deadline, a fact, an incident.
CHANGES = ("phase", "status", "progress", "deadline", "fact", "incident")
_DATES = ("date", "due", "original_due", "since", "agreed", "in_force", "ended", "period_end")
#: whole numbers, unknown as ``<NA>``: day counts, dataset ids, PAM scores
_COUNTS = (
    "days_overdue",
    "late_by",
    "late_by_original",
    "days_left",
    "extensions",
    "score",
    "ucdp_actor_id",
    "pax_agt_id",
    "ucdp_conflict_id",
    "ucdp_paid",
    "ethprio_cf_id",
)


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise MissingDependency("pandas", "pandas") from None


def to_frame(ceasefire: Ceasefire, what: str = "events", *, freq: str = "YE") -> Any:
    """A ``pandas.DataFrame`` of ``what``: events, obligations, compliance, deadlines, history,
    agreement (one row: dates and dataset identifiers), parties (with UCDP actor ids) or
    implementation (each obligation's Peace Accords Matrix score per period; ``freq`` is
    ``"YE"`` for years, PAM's own period, or ``"ME"`` for months; see :mod:`truce.implementation`).

    >>> import truce
    >>> frame = truce.load("gaza-2025").as_of("2025-12-29").to_frame("deadlines")
    >>> frame.dtypes[["agreement", "due", "status", "days_overdue"]].astype(str).tolist()
    ['category', 'datetime64[s]', 'category', 'Int64']
    >>> frame["status"].cat.ordered
    True
    """
    if what not in KINDS:
        raise ArgumentError(f"what must be one of {', '.join(KINDS)}, not {what!r}")
    pandas = _pandas()
    rows = scores(ceasefire, freq) if what == "implementation" else _rows(ceasefire, what)
    frame = pandas.DataFrame(rows, columns=list(COLUMNS[what]))
    frame["agreement"] = pandas.Categorical([ceasefire.agreement.id] * len(frame))
    for column in _DATES:
        if column in frame:
            frame[column] = pandas.to_datetime(frame[column]).astype("datetime64[s]")
    for column in _COUNTS:
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    if "status" in frame:
        frame["status"] = pandas.Categorical(frame["status"], categories=list(ObligationStatus), ordered=True)
    if what == "events":
        frame["kind"] = pandas.Categorical(frame["kind"], categories=list(EventKind))
    if what == "history":
        frame["change"] = pandas.Categorical(frame["change"], categories=list(CHANGES))
        frame["irregular"] = frame["irregular"].astype(bool)
    if what in ("obligations", "deadlines", "compliance", "events", "implementation"):
        parties = [p.id for p in ceasefire.agreement.parties]  # the definition's order, then any other value
        parties += sorted({p for p in frame["party"] if isinstance(p, str)} - set(parties))
        frame["party"] = pandas.Categorical(frame["party"], categories=parties)
    if "disputed" in frame and what == "obligations":
        frame["disputed"] = frame["disputed"].astype(bool)
    for column in ("progress", "target"):
        if column in frame:
            frame[column] = frame[column].astype("Float64")
    return frame


def _rows(ceasefire: Ceasefire, what: str) -> list[dict[str, Any]]:
    day = ceasefire.date
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
                "days_overdue": s.days_overdue_on(day),
                "late_by": s.late_by,
                "late_by_original": s.late_by_original,
                "progress": s.progress,
                "target": s.obligation.measure.target if s.obligation.measure else None,
                "disputed": s.disputed,
                "source": s.obligation.source.cite(),
            }
            for s in ceasefire.obligations
        ]
    if what == "compliance":
        return [row.to_dict() for row in ceasefire.compliance()]
    if what == "deadlines":
        return [d.to_dict() for d in ceasefire.deadlines()]
    rows = []
    for c in ceasefire.history():
        row = {
            "date": c.date,
            "describe": c.describe(),
            "source": c.event.source.cite() if c.event is not None and c.event.source else None,
        }
        row.update(obligation=None, fact=None, party=None, irregular=False)
        if isinstance(c, PhaseChange):
            row.update(change="phase", before=c.from_phase, after=c.to_phase, irregular=c.irregular)
        elif isinstance(c, ObligationChange):
            row.update(change=c.what, obligation=c.obligation, before=c.before, after=c.after)
        else:  # a fact's new value (before, after) or an incident (its text as ``after``)
            before, after = getattr(c, "before", None), getattr(c, "after", getattr(c, "text", None))
            row.update(change=c.kind, fact=getattr(c, "fact", None), party=getattr(c, "party", None))
            row.update(before=None if before is None else str(before), after=str(after))
        rows.append(row)
    return rows
