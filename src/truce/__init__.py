"""truce: ceasefire agreements as state machines whose transitions are guarded by obligations.

>>> import truce
>>> "gaza-2025" in truce.agreements()
True
"""

from truce.agreement import Agreement, FactDef, Phase, Transition
from truce.blockers import Blocker, Blockers
from truce.ceasefire import Ceasefire, Snapshot
from truce.compliance import Compliance, PartyCompliance
from truce.deadlines import Deadline
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
from truce.eventlog import EventLog
from truce.events import Event, EventKind, Precision
from truce.guards import Truth, Verdict, evaluate, parse_guard
from truce.ledger import ObligationChange, PhaseChange
from truce.limits import Limits
from truce.loading import agreements, dump_agreement, load, load_agreement, load_events, read_agreement
from truce.obligations import Due, Measure, Obligation, ObligationKind
from truce.parties import Party, PartyKind
from truce.sources import Source
from truce.status import ObligationState, ObligationStatus
from truce.unblock import Unblock, UnblockSet
from truce.verification import Finding, Report, Severity, verify

__version__ = "0.1.0"

# Errors show as ``truce.TransitionBlocked`` in tracebacks, the name users catch them by.
for _error in (
    DateError, DefinitionError, EventError, IllegalTransition, LoadError, MissingDependency, TransitionBlocked,
    TransitionError,
    TruceError, UnknownName,
):  # fmt: skip
    _error.__module__ = "truce"
del _error

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
    "read_agreement",
    "verify",
]
