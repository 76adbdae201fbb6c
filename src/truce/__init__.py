"""truce: ceasefire agreements as state machines whose transitions are guarded by obligations.

The public API is what ``__all__`` lists. Everything but the errors is imported on first
use (PEP 562), so ``import truce`` and the ``truce`` command start quickly; type checkers
and IDEs see the names through the ``TYPE_CHECKING`` imports below.

>>> import truce
>>> "gaza-2025" in truce.agreements()
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from truce import errors as _errors
from truce.errors import (
    DateError,
    DefinitionError,
    EventError,
    IllegalTransition,
    LoadError,
    MissingDependency,
    Problem,
    TornLogWarning,
    TransitionBlocked,
    TransitionError,
    TruceError,
    UnknownName,
)

if TYPE_CHECKING:
    from truce.agreement import Agreement, FactDef, Phase, Transition
    from truce.blockers import Blocker, Blockers
    from truce.ceasefire import Ceasefire, Snapshot
    from truce.compliance import Compliance, PartyCompliance
    from truce.deadlines import Deadline
    from truce.eventlog import EventLog
    from truce.events import Event, EventKind, Precision
    from truce.guards import Truth, Verdict, evaluate, parse_guard
    from truce.ledger import ObligationChange, PhaseChange
    from truce.limits import Limits
    from truce.links import predecessor, successor
    from truce.loading import agreements, dump_agreement, load_agreement, load_events, read_agreement
    from truce.obligations import Due, Measure, Obligation, ObligationKind
    from truce.opening import load
    from truce.parties import Party, PartyKind
    from truce.sources import Source, SourceKind
    from truce.status import ObligationState, ObligationStatus
    from truce.unblock import Unblock, UnblockSet
    from truce.verification import Finding, Report, Severity, verify

__version__ = "0.1.0"

# Errors show as ``truce.TransitionBlocked`` in tracebacks, the name users catch them by.
for _name in _errors.__all__:
    _error = getattr(_errors, _name)
    if isinstance(_error, type) and issubclass(_error, TruceError):
        _error.__module__ = "truce"
del _name, _error

_LAZY: dict[str, str] = {
    "Agreement": "truce.agreement",
    "Blocker": "truce.blockers",
    "Blockers": "truce.blockers",
    "Ceasefire": "truce.ceasefire",
    "Compliance": "truce.compliance",
    "Deadline": "truce.deadlines",
    "Due": "truce.obligations",
    "Event": "truce.events",
    "EventKind": "truce.events",
    "EventLog": "truce.eventlog",
    "FactDef": "truce.agreement",
    "Finding": "truce.verification",
    "Limits": "truce.limits",
    "Measure": "truce.obligations",
    "Obligation": "truce.obligations",
    "ObligationChange": "truce.ledger",
    "ObligationKind": "truce.obligations",
    "ObligationState": "truce.status",
    "ObligationStatus": "truce.status",
    "Party": "truce.parties",
    "PartyCompliance": "truce.compliance",
    "PartyKind": "truce.parties",
    "Phase": "truce.agreement",
    "PhaseChange": "truce.ledger",
    "Precision": "truce.events",
    "Report": "truce.verification",
    "Severity": "truce.verification",
    "Snapshot": "truce.ceasefire",
    "Source": "truce.sources",
    "SourceKind": "truce.sources",
    "Transition": "truce.agreement",
    "Truth": "truce.guards",
    "Unblock": "truce.unblock",
    "UnblockSet": "truce.unblock",
    "Verdict": "truce.guards",
    "agreements": "truce.loading",
    "dump_agreement": "truce.loading",
    "evaluate": "truce.guards",
    "load": "truce.opening",
    "load_agreement": "truce.loading",
    "load_events": "truce.loading",
    "parse_guard": "truce.guards",
    "predecessor": "truce.links",
    "read_agreement": "truce.loading",
    "successor": "truce.links",
    "verify": "truce.verification",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'truce' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Agreement",
    "Blocker",
    "Blockers",
    "Ceasefire",
    "Compliance",
    "DateError",
    "Deadline",
    "DefinitionError",
    "Due",
    "Event",
    "EventError",
    "EventKind",
    "EventLog",
    "FactDef",
    "Finding",
    "IllegalTransition",
    "Limits",
    "LoadError",
    "Measure",
    "MissingDependency",
    "Obligation",
    "ObligationChange",
    "ObligationKind",
    "ObligationState",
    "ObligationStatus",
    "Party",
    "PartyCompliance",
    "PartyKind",
    "Phase",
    "PhaseChange",
    "Precision",
    "Problem",
    "Report",
    "Severity",
    "Snapshot",
    "Source",
    "SourceKind",
    "TornLogWarning",
    "Transition",
    "TransitionBlocked",
    "TransitionError",
    "TruceError",
    "Truth",
    "Unblock",
    "UnblockSet",
    "UnknownName",
    "Verdict",
    "__version__",
    "agreements",
    "dump_agreement",
    "evaluate",
    "load",
    "load_agreement",
    "load_events",
    "parse_guard",
    "predecessor",
    "read_agreement",
    "successor",
    "verify",
]
