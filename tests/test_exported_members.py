"""The public surface is what ``truce.__all__`` lists, and every name in it exists."""

import truce

EXPECTED = {
    "Agreement", "Blocker", "Blockers", "Ceasefire", "ClockStop", "DateError", "DefinitionError", "Due", "Event",
    "EventError", "EventKind", "FactDef", "IllegalTransition", "LoadError", "Measure", "Obligation",
    "ObligationKind", "ObligationState", "ObligationStatus", "Party", "PartyKind", "Phase", "PhaseChange",
    "Precision", "Problem", "Snapshot", "Source", "Transition", "TransitionBlocked", "TransitionError",
    "TruceError", "Truth", "UnknownName", "Verdict", "__version__", "agreements", "dump_agreement",
    "evaluate", "load", "load_agreement", "load_events", "parse_guard", "read_agreement", "verify", "Finding",
    "Report", "Severity", "Compliance", "PartyCompliance", "Deadline", "MissingDependency", "ObligationChange",
    "Unblock", "UnblockSet", "EventLog", "Exits",
    "Limits", "TornLogWarning", "SourceKind", "successor", "predecessor",
    "Identifiers", "External", "ArgumentError", "LogWriteError",
    "AssumptionError", "Assumptions", "Collapse", "Delay", "Ensemble", "FactAssumption", "ObligationAssumption",
    "PhaseOutlook", "Policy", "ensemble", "load_assumptions", "FactChange", "Incident",
}  # fmt: skip


def test_all_is_exactly_the_public_surface():
    assert set(truce.__all__) == EXPECTED


def test_every_exported_name_exists():
    for name in truce.__all__:
        assert getattr(truce, name) is not None, name


def test_public_objects_report_the_public_module():
    private = [
        n for n in truce.__all__ if n != "__version__" and getattr(truce, n).__module__.split(".")[-1].startswith("_")
    ]
    assert private == []


def test_errors_share_one_root():
    for name in ("DefinitionError", "LoadError", "EventError", "DateError", "UnknownName", "IllegalTransition",
                 "TransitionBlocked"):  # fmt: skip
        assert issubclass(getattr(truce, name), truce.TruceError)
    assert issubclass(truce.IllegalTransition, truce.TransitionError)
    assert issubclass(truce.TransitionBlocked, truce.TransitionError)
    assert issubclass(truce.UnknownName, KeyError)
    assert issubclass(truce.LoadError, ValueError)


def test_agreements_stays_a_function_after_loading_bundled_data():
    names = truce.agreements()
    for name in names:
        truce.load(name)
    assert callable(truce.agreements)
    assert truce.agreements() == names
