"""Static verification: prove an agreement well-formed before relying on it.

:func:`verify` is exhaustive over the *abstract* state that guards can see, not a
sample. Each guard only distinguishes a few classes of values: ``fulfilled(x)`` splits an
obligation's statuses into {fulfilled, waived} and the rest; ``fact(f) > 3`` splits a
fact's values into a handful of intervals plus *unknown*. truce enumerates those classes
(their product is small for real guards), so "this guard can never hold" is a proof, not
a guess. Time atoms (``after``, ``elapsed``) are free booleans, except that ``elapsed``
since a phase that cannot have been entered first can never hold.
"""

from __future__ import annotations

import enum
import itertools
from collections import deque
from collections.abc import Iterable
from typing import Any

import attrs

from truce.abstraction import MAX_STATES, satisfiable
from truce.agreement import Agreement, Transition
from truce.ceasefire import Ceasefire
from truce.definitions import read_agreement
from truce.errors import DefinitionError
from truce.guards import (
    AllOf,
    Elapsed,
    FactCompare,
    Fulfilled,
    Guard,
    StatusIs,
    walk,
)
from truce.html import lines_html
from truce.obligations import ANCHOR_IN_FORCE
from truce.provenance import copy_only
from truce.quality import concerns

__all__ = ["MAX_STATES", "Finding", "Report", "Severity", "satisfiable", "verify"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Finding:
    """One thing verification found: how bad, a stable code, the ids involved, a sentence."""

    severity: Severity
    code: str
    ids: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{self.severity}[{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"severity": str(self.severity), "code": self.code, "ids": list(self.ids), "message": self.message}


@attrs.frozen
class Report:
    """All findings for one agreement; ``ok`` when none is an error."""

    agreement: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"{self.agreement}: {_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
        return "\n".join([head, *(f"  {f}" for f in self.findings)])

    def _repr_html_(self) -> str:
        return lines_html(str(self).split("\n"))

    def to_dict(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


# --- the checks -----------------------------------------------------------------------


def verify(agreement: Agreement | Ceasefire | Any, *, strict: bool = False) -> Report:
    """Check an agreement statically and exhaustively; see the module docstring.

    Also takes parsed YAML data, so a definition that cannot even be constructed gets a
    report (its problems as ``definition`` errors) instead of an exception. Given a
    :class:`~truce.Ceasefire`, its event log is checked too, what ``truce check`` reports:
    a warning for each state change resting on a copy alone (``copy-only-source``), each
    event without a source (``unsourced-event``), progress above the target
    (``progress-above-target``), a fact value of a type the guards testing it cannot match
    (``fact-type-mismatch``, a quoted ``"true"`` against ``== true``) and an extension that
    moves a deadline earlier (``deadline-moved-earlier``). ``strict=True`` makes every
    warning an error.

    >>> import truce
    >>> verify(truce.load("gaza-2025").agreement).ok
    True
    >>> checked = verify(truce.load("thailand-cambodia-2025"))
    >>> checked.ok, [f.code for f in checked.warnings]
    (True, ['copy-only-source'])
    >>> verify(truce.load("thailand-cambodia-2025"), strict=True).ok
    False
    """
    report = _verify(agreement)
    if strict:
        report = Report(report.agreement, tuple(_strict(f) for f in report.findings))
    return report


def _strict(finding: Finding) -> Finding:
    return attrs.evolve(finding, severity=Severity.ERROR) if finding.severity is Severity.WARNING else finding


def _verify(agreement: Agreement | Ceasefire | Any) -> Report:
    if isinstance(agreement, Ceasefire):
        ceasefire = agreement
        found = [*_findings(ceasefire.agreement), *_log_findings(ceasefire)]
        return Report(ceasefire.agreement.id, tuple(found))
    if not isinstance(agreement, Agreement):
        try:
            agreement = read_agreement(agreement)
        except DefinitionError as exc:
            name = agreement.get("id", "?") if isinstance(agreement, dict) else "?"
            findings = [Finding(Severity.ERROR, "definition", (), str(p)) for p in exc.problems]
            return Report(str(name), tuple(findings))
    return Report(agreement.id, tuple(_findings(agreement)))


def _log_findings(ceasefire: Ceasefire) -> Iterable[Finding]:
    """Warnings about the events: weak sources (:mod:`truce.provenance`), then :mod:`truce.quality`."""
    for e in copy_only(ceasefire.events):
        yield Finding(
            Severity.WARNING,
            "copy-only-source",
            tuple(x for x in (e.subject, e.trigger, e.to) if x),
            f"{e.date} {e.kind} {e.subject or e.trigger or e.to} rests only on a copy: "
            + (e.source.cite() if e.source else ""),
        )
    for code, ids, message in concerns(ceasefire):
        yield Finding(Severity.WARNING, code, ids, message)


def _findings(agreement: Agreement) -> Iterable[Finding]:
    terminal = set(agreement.terminal)
    impossible = _impossible_time_atoms(agreement)
    holds: dict[int, bool | None] = {}
    for index, transition in enumerate(agreement.transitions):
        verdict = satisfiable(transition.guard, impossible.get(index, frozenset()))
        holds[index] = verdict
        if verdict is False:
            yield Finding(
                Severity.ERROR,
                "impossible-guard",
                (transition.trigger,),
                f"the guard of {transition.trigger} ({' / '.join(transition.from_phases)} -> {transition.to_phase}) "
                f"can never hold: {transition.guard.to_expr()}",
            )
        elif verdict is None:
            yield Finding(
                Severity.WARNING,
                "undecided-guard",
                (transition.trigger,),
                f"the guard of {transition.trigger} is too large to check exhaustively",
            )
    live = [t for i, t in enumerate(agreement.transitions) if holds[i] is not False]
    yield from _reachability(agreement, live)
    for phase in agreement.phases:
        if phase.id in terminal:
            continue
        exits = [i for i, t in enumerate(agreement.transitions) if phase.id in t.from_phases]
        if not exits:
            yield Finding(Severity.ERROR, "deadlock", (phase.id,), f"non-terminal phase {phase.id} has no way out")
        elif all(holds[i] is False for i in exits):
            yield Finding(
                Severity.ERROR, "deadlock", (phase.id,), f"every way out of {phase.id} has a guard that can never hold"
            )
        yield from _overlaps(agreement, phase.id, exits, holds)
    yield from _unused(agreement)


def _impossible_time_atoms(agreement: Agreement) -> dict[int, frozenset[Guard]]:
    """``elapsed(since=P)`` atoms that cannot hold because P cannot be entered before the move."""
    reverse: dict[str, set[str]] = {p: set() for p in agreement.phase_ids}
    for t in agreement.transitions:
        for source in t.from_phases:
            reverse[t.to_phase].add(source)
    reachable = _reachable(agreement, agreement.transitions)
    before = {p: _can_precede(reverse, p) & reachable for p in agreement.phase_ids}
    out: dict[int, frozenset[Guard]] = {}
    for index, transition in enumerate(agreement.transitions):
        bad = set()
        for node in walk(transition.guard):
            if (
                isinstance(node, Elapsed)
                and node.since != ANCHOR_IN_FORCE
                and not any(node.since in before[source] for source in transition.from_phases)
            ):
                bad.add(node)
        if bad:
            out[index] = frozenset(bad)
    return out


def _can_precede(reverse: dict[str, set[str]], phase: str) -> set[str]:
    """Phases with a path to ``phase`` (``reverse`` maps each phase to those that lead into it)."""
    seen = {phase}
    queue = deque([phase])
    while queue:
        here = queue.popleft()
        for earlier in reverse[here] - seen:
            seen.add(earlier)
            queue.append(earlier)
    return seen


def _reachable(agreement: Agreement, transitions: Iterable[Transition]) -> set[str]:
    transitions = list(transitions)
    seen = {agreement.initial}
    queue = deque([agreement.initial])
    while queue:
        here = queue.popleft()
        for t in transitions:
            if here in t.from_phases and t.to_phase not in seen:
                seen.add(t.to_phase)
                queue.append(t.to_phase)
    return seen


def _reachability(agreement: Agreement, live: list[Transition]) -> Iterable[Finding]:
    reachable = _reachable(agreement, live)
    for phase in agreement.phase_ids:
        if phase not in reachable:
            yield Finding(
                Severity.ERROR,
                "unreachable-phase",
                (phase,),
                f"phase {phase} cannot be reached from {agreement.initial} by transitions whose guards can hold",
            )
    for phase in agreement.terminal:
        if agreement.transitions_from(phase):
            yield Finding(Severity.ERROR, "terminal-exit", (phase,), f"terminal phase {phase} has a way out")


def _overlaps(agreement: Agreement, phase: str, exits: list[int], holds: dict[int, bool | None]) -> Iterable[Finding]:
    for a, b in itertools.combinations(exits, 2):
        if holds[a] is False or holds[b] is False:
            continue
        first, second = agreement.transitions[a], agreement.transitions[b]
        both = satisfiable(AllOf((first.guard, second.guard)))
        if both is None:  # too large to decide within the budget: say so, never skip silently
            yield Finding(
                Severity.WARNING,
                "undecided-overlap",
                (phase, first.trigger, second.trigger),
                f"from {phase}, whether {first.trigger} and {second.trigger} can both be possible at once "
                "is too large to decide exhaustively",
            )
            continue
        if not both:
            continue
        if first.trigger == second.trigger:
            yield Finding(
                Severity.WARNING,
                "nondeterministic",
                (phase, first.trigger),
                f"from {phase}, {first.trigger} can lead to {first.to_phase} or {second.to_phase}: "
                "both guards can hold at once (the first defined wins)",
            )
        else:
            yield Finding(
                Severity.INFO,
                "concurrent-exits",
                (phase, first.trigger, second.trigger),
                f"from {phase}, {first.trigger} and {second.trigger} can both be possible at once",
            )


def _unused(agreement: Agreement) -> Iterable[Finding]:
    mentioned_obligations: set[str] = set()
    mentioned_facts: set[str] = set()
    for transition in agreement.transitions:
        for node in walk(transition.guard):
            if isinstance(node, Fulfilled | StatusIs):
                mentioned_obligations.add(node.obligation)
            elif isinstance(node, FactCompare):
                mentioned_facts.add(node.fact)
    for o in agreement.obligations:
        if o.id not in mentioned_obligations:
            yield Finding(Severity.INFO, "unguarded-obligation", (o.id,), f"no guard depends on obligation {o.id}")
    owing = {o.party for o in agreement.obligations}
    for p in agreement.parties:
        if p.id not in owing:
            yield Finding(Severity.INFO, "party-owes-nothing", (p.id,), f"party {p.id} owes no obligation")
    for f in agreement.facts:
        if f.id not in mentioned_facts:
            yield Finding(Severity.INFO, "unguarded-fact", (f.id,), f"no guard depends on fact {f.id}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
