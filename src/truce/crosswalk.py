"""truce's obligation kinds in the vocabularies of PA-X and the Peace Accords Matrix.

Only the correspondences the project's domain notes state are recorded; a kind with no
stated counterpart maps to nothing rather than to a best guess. The notes name PA-X codes
and PAM provisions but no codebook version, so these are a reading aid and a join hint,
not a coding: a PA-X coder reads the agreement's text, and one truce obligation may touch
several PA-X categories (see docs/interop.md).

>>> PAX_CODES[ObligationKind.CESSATION], PAM_PROVISIONS[ObligationKind.WITHDRAWAL]
(('CeGen',), ('Withdrawal of Troops',))
"""

from __future__ import annotations

from truce.obligations import ObligationKind

__all__ = ["PAM_PROVISIONS", "PAX_CODES"]

#: PA-X provision codes for each obligation kind (empty: no stated counterpart).
PAX_CODES: dict[ObligationKind, tuple[str, ...]] = {kind: () for kind in ObligationKind} | {
    ObligationKind.CESSATION: ("CeGen",),
    ObligationKind.DISARMAMENT: ("SsrDdr", "DdrDemil"),
    ObligationKind.MONITORING: ("ImPK", "ImUN"),
}

#: Peace Accords Matrix provisions for each obligation kind (empty: no stated counterpart).
PAM_PROVISIONS: dict[ObligationKind, tuple[str, ...]] = {kind: () for kind in ObligationKind} | {
    ObligationKind.CESSATION: ("Cease Fire",),
    ObligationKind.WITHDRAWAL: ("Withdrawal of Troops",),
    ObligationKind.DISARMAMENT: ("Disarmament", "Demobilization", "Reintegration"),
    ObligationKind.RELEASE_EXCHANGE: ("Prisoner Release",),
}
