"""Dataset identifiers: the ids an agreement or a party has in the field's datasets.

Analysts join ceasefire models with PA-X, UCDP, the ETH/PRIO Civil Conflict Ceasefire
dataset and the Peace Accords Matrix; an id recorded here is the join key. Every id is
optional, and a bundled agreement carries one only where a source gives it: an id guessed
from a title would join the model to the wrong row, silently.

>>> Identifiers(pax_agt_id=1234).to_dict()
{'pax_agt_id': 1234}
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["IDENTIFIER_FIELDS", "Identifiers"]


def _positive_id(_instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name}: expected a whole number >= 0, got {value!r}")


def _text_id(_instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{attribute.name}: expected non-empty text, got {value!r}")


@attrs.frozen
class Identifiers:
    """An agreement's ids in the datasets of the field, each ``None`` where unknown.

    ``pax_agt_id``: PA-X Peace Agreements Database ``AgtId``. ``ucdp_conflict_id``: the
    UCDP conflict id (``conflict_id``, also ``ucdp_acd_id`` elsewhere). ``ucdp_paid``: the
    UCDP Peace Agreement dataset's ``paid``. ``ethprio_cf_id``: the ETH/PRIO Civil Conflict
    Ceasefire dataset's ``cf_id``. ``pam_id``: the Peace Accords Matrix accord id, as text
    (written as PAM writes it).
    """

    pax_agt_id: int | None = attrs.field(default=None, validator=_positive_id)
    ucdp_conflict_id: int | None = attrs.field(default=None, validator=_positive_id)
    ucdp_paid: int | None = attrs.field(default=None, validator=_positive_id)
    ethprio_cf_id: int | None = attrs.field(default=None, validator=_positive_id)
    pam_id: str | None = attrs.field(default=None, validator=_text_id)

    def __bool__(self) -> bool:
        return any(getattr(self, name) is not None for name in IDENTIFIER_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """The known ids only, in field order (what ``truce show`` prints)."""
        return {name: getattr(self, name) for name in IDENTIFIER_FIELDS if getattr(self, name) is not None}


IDENTIFIER_FIELDS: tuple[str, ...] = tuple(f.name for f in attrs.fields(Identifiers))
