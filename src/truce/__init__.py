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
    ArgumentError,
    AssumptionError,
    DateError,
    DefinitionError,
    EventError,
    IllegalTransition,
    LoadError,
    LogWriteError,
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
    from truce.assumptions import (
        Assumptions,
        Collapse,
        Delay,
        FactAssumption,
        ObligationAssumption,
        Policy,
        load_assumptions,
    )
    from truce.blockers import Blocker, Blockers
    from truce.ceasefire import Ceasefire
    from truce.compliance import Compliance, PartyCompliance
    from truce.deadlines import Deadline
    from truce.ensembles import Ensemble, PhaseOutlook, ensemble
    from truce.eventlog import EventLog
    from truce.events import Event, EventKind, External, Precision
    from truce.guards import Truth, Verdict, evaluate, parse_guard
    from truce.history import FactChange, Incident
    from truce.identifiers import Identifiers
    from truce.ledger import ObligationChange, PhaseChange
    from truce.limits import Limits
    from truce.links import predecessor, successor
    from truce.loading import agreements, dump_agreement, load_agreement, load_events, read_agreement
    from truce.obligations import Due, Measure, Obligation, ObligationKind
    from truce.opening import load
    from truce.parties import Party, PartyKind
    from truce.record import Snapshot
    from truce.sources import Source, SourceKind
    from truce.status import ClockStop, ObligationState, ObligationStatus
    from truce.unblock import Unblock, UnblockSet
    from truce.verification import Finding, Report, Severity, verify
    from truce.ways import Exits

__version__ = "0.1.0"

# Errors show as ``truce.TransitionBlocked`` in tracebacks, the name users catch them by.
for _name in _errors.__all__:
    _error = getattr(_errors, _name)
    if isinstance(_error, type) and issubclass(_error, TruceError):
        _error.__module__ = "truce"
del _name, _error

_LAZY: dict[str, str] = {
    "Agreement": "truce.agreement",
    "Assumptions": "truce.assumptions",
    "Blocker": "truce.blockers",
    "Blockers": "truce.blockers",
    "Ceasefire": "truce.ceasefire",
    "ClockStop": "truce.status",
    "Collapse": "truce.assumptions",
    "Compliance": "truce.compliance",
    "Deadline": "truce.deadlines",
    "Delay": "truce.assumptions",
    "Due": "truce.obligations",
    "Ensemble": "truce.ensembles",
    "Event": "truce.events",
    "EventKind": "truce.events",
    "EventLog": "truce.eventlog",
    "Exits": "truce.ways",
    "External": "truce.events",
    "FactAssumption": "truce.assumptions",
    "FactChange": "truce.history",
    "FactDef": "truce.agreement",
    "Finding": "truce.verification",
    "Identifiers": "truce.identifiers",
    "Incident": "truce.history",
    "Limits": "truce.limits",
    "Measure": "truce.obligations",
    "Obligation": "truce.obligations",
    "ObligationAssumption": "truce.assumptions",
    "ObligationChange": "truce.ledger",
    "ObligationKind": "truce.obligations",
    "ObligationState": "truce.status",
    "ObligationStatus": "truce.status",
    "Party": "truce.parties",
    "PartyCompliance": "truce.compliance",
    "PartyKind": "truce.parties",
    "Phase": "truce.agreement",
    "PhaseChange": "truce.ledger",
    "PhaseOutlook": "truce.ensembles",
    "Policy": "truce.assumptions",
    "Precision": "truce.events",
    "Report": "truce.verification",
    "Severity": "truce.verification",
    "Snapshot": "truce.record",
    "Source": "truce.sources",
    "SourceKind": "truce.sources",
    "Transition": "truce.agreement",
    "Truth": "truce.guards",
    "Unblock": "truce.unblock",
    "UnblockSet": "truce.unblock",
    "Verdict": "truce.guards",
    "agreements": "truce.loading",
    "dump_agreement": "truce.loading",
    "ensemble": "truce.ensembles",
    "evaluate": "truce.guards",
    "load": "truce.opening",
    "load_assumptions": "truce.assumptions",
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
    "ArgumentError",
    "AssumptionError",
    "Assumptions",
    "Blocker",
    "Blockers",
    "Ceasefire",
    "ClockStop",
    "Collapse",
    "Compliance",
    "DateError",
    "Deadline",
    "DefinitionError",
    "Delay",
    "Due",
    "Ensemble",
    "Event",
    "EventError",
    "EventKind",
    "EventLog",
    "Exits",
    "External",
    "FactAssumption",
    "FactChange",
    "FactDef",
    "Finding",
    "Identifiers",
    "IllegalTransition",
    "Incident",
    "Limits",
    "LoadError",
    "LogWriteError",
    "Measure",
    "MissingDependency",
    "Obligation",
    "ObligationAssumption",
    "ObligationChange",
    "ObligationKind",
    "ObligationState",
    "ObligationStatus",
    "Party",
    "PartyCompliance",
    "PartyKind",
    "Phase",
    "PhaseChange",
    "PhaseOutlook",
    "Policy",
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
    "ensemble",
    "evaluate",
    "load",
    "load_agreement",
    "load_assumptions",
    "load_events",
    "parse_guard",
    "predecessor",
    "read_agreement",
    "successor",
    "verify",
]
