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
from collections.abc import Sequence

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
    #: every claim about a fact, in the order recorded (the ledger's list, shared, not copied)
    fact_claims: Sequence[Event]

    @property
    def as_of(self) -> dt.date:
        return self.base.as_of

    def obligation_state(self, obligation: str) -> ObligationState:
        state = self.base.obligation_state(obligation)
        if not any(party == self.party for party, _ in state.claimed):  # the ledger keeps who claimed what
            return state
        claim = self._latest(state.claims, None)
        if claim is None:
            return state
        assert claim.asserts is not None
        return attrs.evolve(state, base=ObligationStatus(claim.asserts), since=claim.date, evidence=claim)

    def fact_value(self, name: str) -> FactValue | None:
        claim = self._latest(self.fact_claims, name)
        if claim is None:
            return self.base.fact_value(name)
        assert claim.value is not None
        return FactValue(name, claim.value, claim.date, claim)

    def _latest(self, claims: Sequence[Event], fact: str | None) -> Event | None:
        """The party's last claim (about ``fact``, if given) dated by the as-of day, searched from the end."""
        party, as_of = self.party, self.as_of
        for claim in reversed(claims):
            if claim.party == party and claim.date <= as_of and (fact is None or claim.fact == fact):
                return claim
        return None

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self.base.anchor_date(anchor)
