"""Obligations: who owes what, from when, by when, on whose word."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from truce._names import check_id, choice
from truce.dates import MAX_OFFSET_DAYS, optional_date
from truce.errors import DefinitionError, refusing_with
from truce.limits import check_number
from truce.sources import Source

__all__ = ["Due", "Measure", "Obligation", "ObligationKind"]


class ObligationKind(enum.StrEnum):
    """What sort of commitment this is, in the vocabulary of PA-X and the Peace Accords Matrix.

    ``cessation`` ~ PA-X CeGen / PAM "Cease Fire"; ``withdrawal`` ~ PAM "Withdrawal of
    Troops"; ``disarmament`` ~ PA-X SsrDdr; ``release_exchange`` ~ PAM "Prisoner Release";
    ``monitoring`` ~ PA-X ImPK/ImUN. Analysts already sort provisions this way.
    """

    CESSATION = "cessation"
    FREEZE = "freeze"
    WITHDRAWAL = "withdrawal"
    DEPLOYMENT = "deployment"
    DISARMAMENT = "disarmament"
    RELEASE_EXCHANGE = "release_exchange"
    ACCESS_AID = "access_aid"
    MONITORING = "monitoring"
    COMMUNICATION = "communication"
    GOVERNANCE = "governance"
    NEGOTIATION = "negotiation"
    OTHER = "other"


@refusing_with(DefinitionError)
@attrs.frozen
class Measure:
    """A countable obligation ("return the remains of 28 deceased hostages").

    Progress is reported as a cumulative count; reaching ``target`` fulfils it.
    """

    unit: str
    target: float = attrs.field(validator=[attrs.validators.gt(0), lambda _i, _a, value: check_number(value, "target")])


ANCHOR_IN_FORCE = "in_force"


@refusing_with(DefinitionError)
@attrs.frozen
class Due:
    """A deadline: an absolute date, or an offset from entry into force or from entering a phase.

    Relative deadlines are resolved by the ledger once their anchor has happened; before
    that the deadline is unknown, and explanations say so rather than guess.

    >>> Due(after="in_force", hours=72).describe()
    '72 hours after entry into force'
    """

    date: dt.date | None = attrs.field(default=None, converter=optional_date)
    after: str | None = None
    days: int = attrs.field(default=0, validator=[attrs.validators.ge(0), attrs.validators.le(MAX_OFFSET_DAYS)])
    hours: int = attrs.field(default=0, validator=[attrs.validators.ge(0), attrs.validators.le(MAX_OFFSET_DAYS * 24)])

    def __attrs_post_init__(self) -> None:
        if (self.date is None) == (self.after is None):
            raise ValueError("a deadline needs exactly one of 'date' or 'after'")
        if self.date is not None and (self.days or self.hours):
            raise ValueError("an absolute deadline takes no 'days' or 'hours'")

    @property
    def offset(self) -> dt.timedelta:
        return dt.timedelta(days=self.days, hours=self.hours)

    def resolve(self, anchor: dt.date | None) -> dt.date | None:
        """The deadline as a date, given when its anchor happened (None if it has not)."""
        if self.date is not None:
            return self.date
        if anchor is None:
            return None
        return anchor + dt.timedelta(days=self.days + self.hours // 24)

    def describe(self) -> str:
        if self.date is not None:
            return self.date.isoformat()
        span = []
        if self.days:
            span.append(f"{self.days} days")
        if self.hours:
            span.append(f"{self.hours} hours")
        anchor = "entry into force" if self.after == ANCHOR_IN_FORCE else f"entering {self.after}"
        if not span:
            return f"on {anchor}"
        return f"{' '.join(span)} after {anchor}"

    def to_dict(self) -> dict[str, object]:
        if self.date is not None:
            return {"date": self.date}
        out: dict[str, object] = {"after": self.after}
        if self.days:
            out["days"] = self.days
        if self.hours:
            out["hours"] = self.hours
        return out


def _obligation_kind(value: object) -> ObligationKind:
    return choice(ObligationKind, "kind", value)


@refusing_with(DefinitionError)
@attrs.frozen
class Obligation:
    """One commitment a party made: an act, a refraining, or a measure with a target.

    ``phase`` is the phase whose entry makes it active (``None``: active from entry
    into force). ``due`` is ``None`` where the text sets no deadline.
    """

    id: str = attrs.field(validator=check_id)
    party: str | None
    text: str = attrs.field(validator=attrs.validators.min_len(1))
    source: Source
    kind: ObligationKind = attrs.field(default=ObligationKind.OTHER, converter=_obligation_kind)
    phase: str | None = None
    due: Due | None = None
    measure: Measure | None = None
    note: str | None = None
