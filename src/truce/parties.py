"""Parties: who owes obligations, who mediates, who monitors."""

from __future__ import annotations

import enum

import attrs

from truce.errors import DefinitionError, refusing_with
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


@refusing_with(DefinitionError)
@attrs.frozen
class Party:
    """A party to, or an actor in, an agreement.

    >>> Party("hamas", "Hamas", PartyKind.ARMED_GROUP).name
    'Hamas'
    """

    id: str
    name: str
    kind: PartyKind = attrs.field(default=PartyKind.OTHER, converter=PartyKind)
    source: Source | None = None
