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

import datetime as dt
import enum
import itertools
import math
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from truce.agreement import Agreement, Transition
from truce.errors import DefinitionError
from truce.events import Event
from truce.guards import (
    After,
    AllOf,
    AnyOf,
    Const,
    Elapsed,
    FactCompare,
    FactValue,
    Fulfilled,
    Guard,
    Not,
    StatusIs,
    Truth,
    evaluate,
    walk,
)
from truce.loading import read_agreement
from truce.obligations import ANCHOR_IN_FORCE, Obligation
from truce.sources import Source
from truce.status import ObligationState, ObligationStatus

__all__ = ["Finding", "Report", "Severity", "verify"]

#: Above this many abstract states for one guard, verification reports it cannot decide.
MAX_STATES = 1 << 20


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
        head = f"{self.agreement}: {len(self.errors)} errors, {len(self.warnings)} warnings"
        return "\n".join([head, *(f"  {f}" for f in self.findings)])

    def to_dict(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


# --- the abstract domain --------------------------------------------------------------

_STATUSES = tuple(ObligationStatus)
_NO_SOURCE = Source("verification")
_DAY = dt.date(2000, 1, 1)


def _status_atoms(guard: Guard, obligation: str) -> list[Guard]:
    return [n for n in walk(guard) if isinstance(n, Fulfilled | StatusIs) and n.obligation == obligation]


def _status_classes(atoms: list[Guard]) -> list[tuple[ObligationStatus, bool]]:
    """One representative (status, disputed) per class the atoms can tell apart."""
    disputed_matters = any(isinstance(a, StatusIs) and "disputed" in a.statuses for a in atoms)
    seen: dict[tuple[bool, ...], tuple[ObligationStatus, bool]] = {}
    for status in _STATUSES:
        for disputed in (False, True) if disputed_matters else (False,):
            signature = tuple(_status_atom_holds(a, status, disputed) for a in atoms)
            seen.setdefault(signature, (status, disputed))
    return list(seen.values())


def _status_atom_holds(atom: Guard, status: ObligationStatus, disputed: bool) -> bool:
    if isinstance(atom, Fulfilled):
        return status in (ObligationStatus.FULFILLED, ObligationStatus.WAIVED)
    assert isinstance(atom, StatusIs)
    inside = bool(({str(status)} | ({"disputed"} if disputed else set())) & atom.statuses)
    return inside != atom.negated


def _fact_candidates(atoms: list[FactCompare]) -> list[object]:
    """Values that together take every truth combination the comparisons allow, plus unknown.

    The literals cut each type's line into intervals; one value from each interval (and
    each literal itself) is enough. Numbers: midpoints and neighbours. Texts: ``""``
    below the smallest, and ``t + "\\x00"``, the least text greater than ``t``, which lies
    in the interval just above ``t`` whenever that interval is not empty.
    """
    values: list[object] = [None, True, False, ""]
    # booleans compare as the numbers 0 and 1 (``-1 < false`` holds), so they cut the line too
    numbers = sorted({float(a.value) for a in atoms if isinstance(a.value, int | float)})
    for low, high in itertools.pairwise(numbers):
        values.append((low + high) / 2)
    for number in numbers:  # nextafter: ``n - 1 == n`` for a large float
        values += [number - 1, math.nextafter(number, -math.inf), number, math.nextafter(number, math.inf), number + 1]
    texts = sorted({a.value for a in atoms if isinstance(a.value, str)})
    values += [text + "\x00" for text in texts]
    values += [a.value for a in atoms]
    return list(dict.fromkeys(values))


def _fact_classes(atoms: list[FactCompare]) -> list[object]:
    seen: dict[tuple[Truth, ...], object] = {}
    for value in _fact_candidates(atoms):
        context = _Abstract({}, {} if value is None else {atoms[0].fact: value}, {})
        signature = tuple(evaluate(a, context).truth for a in atoms)
        seen.setdefault(signature, value)
    return list(seen.values())


@attrs.frozen
class _Abstract:
    """One abstract state, shaped like a ledger for :func:`truce.guards.evaluate`."""

    statuses: dict[str, tuple[ObligationStatus, bool]]
    facts: dict[str, object]
    times: dict[Guard, bool]

    @property
    def as_of(self) -> dt.date:
        return _DAY

    def obligation_state(self, obligation: str) -> ObligationState:
        status, disputed = self.statuses.get(obligation, (ObligationStatus.ACTIVE, False))
        o = Obligation(obligation, None, obligation, _NO_SOURCE)
        claims: tuple[Event, ...] = ()
        if disputed:
            claims = (
                Event(_DAY, "claim", party="a", obligation=obligation, asserts="fulfilled"),
                Event(_DAY, "claim", party="b", obligation=obligation, asserts="breached"),
            )
        base = ObligationStatus.ACTIVE if status is ObligationStatus.OVERDUE else status
        due = _DAY - dt.timedelta(days=1) if status is ObligationStatus.OVERDUE else None
        return ObligationState(o, base=base, since=_DAY, active_since=_DAY, due=due, claims=claims)

    def fact_value(self, name: str) -> FactValue | None:
        value = self.facts.get(name)
        return None if value is None else FactValue(name, value, _DAY)  # type: ignore[arg-type]

    def anchor_date(self, anchor: str) -> dt.date | None:
        return _DAY


def _time_free(guard: Guard, states: dict[Guard, bool]) -> Guard:
    """Replace each time atom by a constant from ``states`` (time is a free variable here)."""
    if isinstance(guard, After | Elapsed):
        return Const(states[guard])
    if isinstance(guard, AllOf | AnyOf):
        return type(guard)(tuple(_time_free(c, states) for c in guard.children))
    if isinstance(guard, Not):
        return Not(_time_free(guard.child, states))
    return guard


def abstract_states(guard: Guard, impossible_times: frozenset[Guard] = frozenset()) -> Iterator[_Abstract] | None:
    """Every abstract state ``guard`` can tell apart (None if there are more than MAX_STATES)."""
    nodes = list(walk(guard))
    obligations = sorted({n.obligation for n in nodes if isinstance(n, Fulfilled | StatusIs)})
    facts = sorted({n.fact for n in nodes if isinstance(n, FactCompare)})
    times = list(dict.fromkeys(n for n in nodes if isinstance(n, After | Elapsed)))
    status_domains: list[list[Any]] = [_status_classes(_status_atoms(guard, o)) for o in obligations]
    fact_domains: list[list[Any]] = [
        _fact_classes([n for n in nodes if isinstance(n, FactCompare) and n.fact == f]) for f in facts
    ]
    time_domains: list[list[Any]] = [[False] if t in impossible_times else [False, True] for t in times]
    size = 1
    for domain in (*status_domains, *fact_domains, *time_domains):
        size *= len(domain)
    if size > MAX_STATES:
        return None

    def generate() -> Iterator[_Abstract]:
        for statuses in itertools.product(*status_domains):
            for values in itertools.product(*fact_domains):
                for moments in itertools.product(*time_domains):
                    yield _Abstract(
                        dict(zip(obligations, statuses, strict=True)),
                        dict(zip(facts, values, strict=True)),
                        dict(zip(times, moments, strict=True)),
                    )

    return generate()


def satisfiable(
    guard: Guard, impossible_times: frozenset[Guard] = frozenset(), budget: int = MAX_STATES
) -> bool | None:
    """True if some abstract state makes ``guard`` hold; None if the search exceeds ``budget`` steps.

    A backtracking search over the same abstract domain :func:`abstract_states` lists:
    subjects (obligations, facts, time atoms) are given classes one at a time, and the
    guard is judged in Kleene's logic with the rest unknown. Kleene's logic is monotone,
    so a FALSE on a partial assignment is FALSE for every completion (prune) and a TRUE
    is TRUE for every one (done). An AND of twenty leaves then takes a few dozen steps
    where enumerating the product took a million.
    """
    nodes = list(walk(guard))
    obligations = sorted({n.obligation for n in nodes if isinstance(n, Fulfilled | StatusIs)})
    facts = sorted({n.fact for n in nodes if isinstance(n, FactCompare)})
    times = list(dict.fromkeys(n for n in nodes if isinstance(n, After | Elapsed)))
    subjects: list[tuple[str, Any, list[Any]]] = [
        ("obligation", o, _status_classes(_status_atoms(guard, o))) for o in obligations
    ]
    subjects += [
        ("fact", f, _fact_classes([n for n in nodes if isinstance(n, FactCompare) and n.fact == f])) for f in facts
    ]
    subjects += [("time", t, [False] if t in impossible_times else [True, False]) for t in times]
    chosen: dict[str, dict[Any, Any]] = {"obligation": {}, "fact": {}, "time": {}}
    steps = 0

    def judge(node: Guard) -> Truth:
        if isinstance(node, AllOf):
            result = Truth.TRUE
            for child in node.children:
                result = result & judge(child)
                if result is Truth.FALSE:
                    break
            return result
        if isinstance(node, AnyOf):
            result = Truth.FALSE
            for child in node.children:
                result = result | judge(child)
                if result is Truth.TRUE:
                    break
            return result
        if isinstance(node, Not):
            return ~judge(node.child)
        if isinstance(node, After | Elapsed):
            known = chosen["time"].get(node, _UNSET)
            return Truth.UNKNOWN if known is _UNSET else Truth.of(known)
        if isinstance(node, Fulfilled | StatusIs):
            if node.obligation not in chosen["obligation"]:
                return Truth.UNKNOWN
            context = _Abstract({node.obligation: chosen["obligation"][node.obligation]}, {}, {})
            return evaluate(node, context).truth
        if isinstance(node, FactCompare):
            value = chosen["fact"].get(node.fact, _UNSET)
            if value is _UNSET:
                return Truth.UNKNOWN
            return evaluate(node, _Abstract({}, {} if value is None else {node.fact: value}, {})).truth
        return evaluate(node, _Abstract({}, {}, {})).truth

    def search(index: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > budget:
            raise _Undecided
        truth_now = judge(guard)
        if truth_now is Truth.TRUE:
            return True
        if truth_now is Truth.FALSE or index == len(subjects):
            return False
        kind, key, domain = subjects[index]
        for value in domain:
            chosen[kind][key] = value
            if search(index + 1):
                return True
        del chosen[kind][key]
        return False

    try:
        return search(0)
    except _Undecided:
        return None


class _Undecided(Exception):
    """Internal: the search for a satisfying state ran out of its budget."""


_UNSET = object()


# --- the checks -----------------------------------------------------------------------


def verify(agreement: Agreement | Any) -> Report:
    """Check an agreement statically and exhaustively; see the module docstring.

    Also takes parsed YAML data, so a definition that cannot even be constructed gets a
    report (its problems as ``definition`` errors) instead of an exception.

    >>> import truce
    >>> verify(truce.load("gaza-2025").agreement).ok
    True
    """
    if not isinstance(agreement, Agreement):
        try:
            agreement = read_agreement(agreement)
        except DefinitionError as exc:
            name = agreement.get("id", "?") if isinstance(agreement, dict) else "?"
            findings = [Finding(Severity.ERROR, "definition", (), str(p)) for p in exc.problems]
            return Report(str(name), tuple(findings))
    return Report(agreement.id, tuple(_findings(agreement)))


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
