"""Whose account of the facts a guard is evaluated on.

The default view is *reported facts*: events other than claims (fulfilments, progress,
breaches, fact reports), whoever reported them; parties' claims are kept apart and only
mark an obligation disputed. ``view=PARTY`` evaluates as that party's latest claims have
it: where it claimed a status or a fact value, its claim replaces the report; where it
said nothing, the reported facts stand. Results can therefore differ from the default
only where that party's claims differ from the record.
"""

from __future__ import annotations

import datetime as dt

import attrs

from truce.blockers import DEFAULT_VIEW, describe_view
from truce.events import Event
from truce.guards import FactValue, GuardContext
from truce.status import ObligationState, ObligationStatus

__all__ = ["DEFAULT_VIEW", "PartyView", "describe_view"]


@attrs.frozen
class PartyView:
    """A guard context that overlays one party's latest claims on the reported record."""

    base: GuardContext
    party: str
    fact_claims: tuple[Event, ...]

    @property
    def as_of(self) -> dt.date:
        return self.base.as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        state = self.base.obligation_state(obligation)
        mine = [c for c in state.claims if c.party == self.party and c.date <= self.as_of]
        if not mine:
            return state
        claim = mine[-1]
        assert claim.asserts is not None
        return attrs.evolve(state, base=ObligationStatus(claim.asserts), since=claim.date, evidence=claim)

    def fact_value(self, name: str) -> FactValue | None:
        mine = [c for c in self.fact_claims if c.party == self.party and c.fact == name and c.date <= self.as_of]
        if not mine:
            return self.base.fact_value(name)
        claim = mine[-1]
        assert claim.value is not None
        return FactValue(name, claim.value, claim.date, claim)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.base.anchor_date(anchor)
