"""Parties: who owes obligations, who mediates, who monitors."""

from __future__ import annotations

import enum

import attrs

from truce._names import choice
from truce.errors import DefinitionError, refusing_with
from truce.identifiers import _positive_id
from truce.sources import Source

__all__ = ["Party", "PartyKind"]


class PartyKind(enum.StrEnum):
    """What a party is; decides nothing by itself but is shown and filtered on."""

    STATE = "state"
    ARMED_GROUP = "armed_group"
    MEDIATOR = "mediator"
    GUARANTOR = "guarantor"
    FORCE = "force"
    MONITOR = "monitor"
    BODY = "body"
    OTHER = "other"


def _party_kind(value: object) -> PartyKind:
    return choice(PartyKind, "kind", value)


@refusing_with(DefinitionError)
@attrs.frozen
class Party:
    """A party to, or an actor in, an agreement.

    ``ucdp_actor_id`` is the party's UCDP actor id, where a source gives it (the join key
    to UCDP's actor and dyad data); ``None`` otherwise.

    >>> Party("hamas", "Hamas", PartyKind.ARMED_GROUP).name
    'Hamas'
    """

    id: str
    name: str
    kind: PartyKind = attrs.field(default=PartyKind.OTHER, converter=_party_kind)
    source: Source | None = None
    ucdp_actor_id: int | None = attrs.field(default=None, validator=_positive_id)
