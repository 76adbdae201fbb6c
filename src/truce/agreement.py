"""The agreement: a frozen definition of parties, obligations, phases and guarded transitions.

An :class:`Agreement` that exists is valid. Construction checks every reference and
raises one :class:`~truce.DefinitionError` listing all problems found, each naming the
offending id, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Mapping
from typing import TypeVar

import attrs

from truce._names import check_id, to_tuple
from truce.dates import optional_date, to_date
from truce.errors import DefinitionError, Problem, UnknownName, refusing_with
from truce.guards import Const, Guard, references
from truce.identifiers import Identifiers
from truce.obligations import ANCHOR_IN_FORCE, Obligation
from truce.parties import Party
from truce.sources import Source

__all__ = ["Agreement", "FactDef", "Phase", "Transition"]


@refusing_with(DefinitionError)
@attrs.frozen
class Phase:
    """A state of the agreement ("phase_one", "collapsed"), with what it means in words."""

    id: str = attrs.field(validator=check_id)
    text: str | None = None
    source: Source | None = None


@refusing_with(DefinitionError)
@attrs.frozen
class FactDef:
    """A named quantity guards may test (``fact(isf_troops_in_gaza) > 0``), set by ``fact`` events."""

    id: str = attrs.field(validator=check_id)
    text: str
    unit: str | None = None
    source: Source | None = None


@refusing_with(DefinitionError)
@attrs.frozen
class Transition:
    """A move from one of ``from_phases`` to ``to_phase`` when ``trigger`` fires and ``guard`` holds."""

    trigger: str = attrs.field(validator=check_id)
    from_phases: tuple[str, ...] = attrs.field(converter=to_tuple)
    to_phase: str
    guard: Guard = attrs.field(factory=lambda: Const(True))
    text: str | None = None
    source: Source | None = None


_T = TypeVar("_T", Party, Obligation, Phase, FactDef)

#: An agreement id goes into file names, diagram headers and command lines: no spaces, no line breaks.
_AGREEMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")


def _index(items: Iterable[_T], what: str, problems: list[Problem]) -> dict[str, _T]:
    index: dict[str, _T] = {}
    for item in items:
        if item.id in index:
            problems.append(Problem(f"duplicate {what} id {item.id!r}", field=f"{what}s.{item.id}"))
        index[item.id] = item
    return index


@attrs.frozen
class Agreement:
    """A ceasefire agreement as written: what it binds, and how it moves from phase to phase.

    ``in_force`` is the day it took effect; ``agreed`` when it was agreed, if earlier;
    ``ended`` when it ended, if it has. ``written`` is False for an announced, unwritten
    ceasefire, whose terms come from statements rather than a text.

    ``supersedes`` and ``superseded_by`` name the agreements (by id, as ``truce.load``
    takes them) this one replaced and was replaced by: a collapsed ceasefire and the one
    that followed it stay two agreements, linked, rather than one record rewritten.
    ``data_through`` is the latest date the gathered sources cover for this agreement:
    what it says after that date is unknown, not "nothing happened". ``identifiers`` are
    its ids in PA-X, UCDP, ETH/PRIO and PAM, where known (see :class:`~truce.Identifiers`).
    """

    id: str
    title: str
    in_force: dt.date = attrs.field(converter=to_date)
    parties: tuple[Party, ...] = attrs.field(converter=to_tuple)
    obligations: tuple[Obligation, ...] = attrs.field(converter=to_tuple)
    phases: tuple[Phase, ...] = attrs.field(converter=to_tuple)
    initial: str
    terminal: tuple[str, ...] = attrs.field(converter=to_tuple)
    transitions: tuple[Transition, ...] = attrs.field(converter=to_tuple)
    facts: tuple[FactDef, ...] = attrs.field(default=(), converter=to_tuple)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=to_tuple)
    agreed: dt.date | None = attrs.field(default=None, converter=optional_date)
    ended: dt.date | None = attrs.field(default=None, converter=optional_date)
    summary: str | None = None
    written: bool = True
    supersedes: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    superseded_by: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    data_through: dt.date | None = attrs.field(default=None, converter=optional_date)
    identifiers: Identifiers = attrs.field(factory=Identifiers)
    _party_index: dict[str, Party] = attrs.field(init=False, eq=False, repr=False)
    _obligation_index: dict[str, Obligation] = attrs.field(init=False, eq=False, repr=False)
    _phase_index: dict[str, Phase] = attrs.field(init=False, eq=False, repr=False)
    _fact_index: dict[str, FactDef] = attrs.field(init=False, eq=False, repr=False)
    _triggers: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    _touched: dict[str, tuple[Obligation, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        parties = _index(self.parties, "party", problems)
        obligations = _index(self.obligations, "obligation", problems)
        phases = _index(self.phases, "phase", problems)
        facts = _index(self.facts, "fact", problems)
        object.__setattr__(self, "_party_index", parties)
        object.__setattr__(self, "_obligation_index", obligations)
        object.__setattr__(self, "_phase_index", phases)
        object.__setattr__(self, "_fact_index", facts)
        object.__setattr__(self, "_triggers", tuple(dict.fromkeys(t.trigger for t in self.transitions)))
        touched: dict[str, list[Obligation]] = {}
        for o in self.obligations:
            for anchor in {o.phase, o.due.after if o.due else None} - {None}:
                touched.setdefault(str(anchor), []).append(o)
        object.__setattr__(self, "_touched", {anchor: tuple(items) for anchor, items in touched.items()})
        if not isinstance(self.id, str) or not _AGREEMENT_ID.match(self.id):
            problems.append(
                Problem(f"{str(self.id)[:40]!r} is not an agreement id (letters, digits, '.', '_' and '-', "
                        "at most 100, starting with a letter or digit)", field="id")
            )  # fmt: skip
        problems += self._reference_problems()
        if self.agreed and self.agreed > self.in_force:
            problems.append(Problem(f"agreed {self.agreed} is after in_force {self.in_force}", field="agreed"))
        if self.ended and self.ended < self.in_force:
            problems.append(Problem(f"ended {self.ended} is before in_force {self.in_force}", field="ended"))
        problems += self._link_problems()
        if problems:
            raise DefinitionError(problems)

    def _link_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for field in ("supersedes", "superseded_by"):
            for name in getattr(self, field):
                if not isinstance(name, str) or not _AGREEMENT_ID.match(name):
                    problems.append(Problem(f"{name!r} is not an agreement id (lower case, digits, -)", field=field))
                elif name == self.id:
                    problems.append(Problem("an agreement cannot link to itself", field=field))
        if self.data_through is not None:
            if self.data_through < self.in_force:
                message = f"data_through {self.data_through} is before in_force {self.in_force}"
                problems.append(Problem(message, field="data_through"))
            if self.ended and self.ended > self.data_through:
                problems.append(Problem(f"ended {self.ended} is after data_through {self.data_through}", field="ended"))
        return problems

    def _reference_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        phases = self._phase_index
        anchors = set(phases) | {ANCHOR_IN_FORCE}
        for o in self.obligations:
            where = f"obligations.{o.id}"
            if o.party is not None and o.party not in self._party_index:
                problems.append(Problem(f"unknown party {o.party!r}", field=f"{where}.party"))
            if o.phase is not None and o.phase not in phases:
                problems.append(Problem(f"unknown phase {o.phase!r}", field=f"{where}.phase"))
            if o.due is not None and o.due.after is not None and o.due.after not in anchors:
                problems.append(Problem(f"unknown anchor {o.due.after!r} (a phase or in_force)", field=f"{where}.due"))
        if self.initial not in phases:
            problems.append(Problem(f"unknown phase {self.initial!r}", field="initial"))
        for phase in self.terminal:
            if phase not in phases:
                problems.append(Problem(f"unknown phase {phase!r}", field="terminal"))
        for n, t in enumerate(self.transitions):
            where = f"transitions[{n}] ({t.trigger})"
            for phase in (*t.from_phases, t.to_phase):
                if phase not in phases:
                    problems.append(Problem(f"unknown phase {phase!r}", field=where))
            if not t.from_phases:
                problems.append(Problem("no phase to leave from", field=where))
            for phase in t.from_phases:
                if phase in self.terminal:
                    problems.append(Problem(f"leaves terminal phase {phase!r}", field=where))
            refs = references(t.guard)
            for name in sorted(refs["obligations"] - set(self._obligation_index)):
                problems.append(Problem(f"guard names unknown obligation {name!r}", field=where))
            for name in sorted(refs["facts"] - set(self._fact_index)):
                problems.append(Problem(f"guard names unknown fact {name!r}", field=where))
            for name in sorted(refs["anchors"] - anchors):
                problems.append(Problem(f"guard names unknown phase {name!r}", field=where))
        if not problems:
            for phase in self.unreachable_phases():
                problems.append(Problem(f"phase {phase!r} cannot be reached from {self.initial!r}", field="phases"))
        return problems

    def unreachable_phases(self) -> list[str]:
        """Phases no sequence of transitions reaches from the initial phase."""
        seen = {self.initial}
        queue = deque([self.initial])
        while queue:
            here = queue.popleft()
            for t in self.transitions:
                if here in t.from_phases and t.to_phase not in seen:
                    seen.add(t.to_phase)
                    queue.append(t.to_phase)
        return [p.id for p in self.phases if p.id not in seen]

    # --- lookups that name what is missing ----------------------------------------

    def party(self, party_id: str) -> Party:
        return _lookup(self._party_index, "party", party_id)

    def obligation(self, obligation_id: str) -> Obligation:
        return _lookup(self._obligation_index, "obligation", obligation_id)

    def phase(self, phase_id: str) -> Phase:
        return _lookup(self._phase_index, "phase", phase_id)

    def fact(self, fact_id: str) -> FactDef:
        return _lookup(self._fact_index, "fact", fact_id)

    def has_party(self, party_id: str) -> bool:
        return party_id in self._party_index

    def has_obligation(self, obligation_id: str) -> bool:
        return obligation_id in self._obligation_index

    def has_phase(self, phase_id: str) -> bool:
        return phase_id in self._phase_index

    def has_fact(self, fact_id: str) -> bool:
        return fact_id in self._fact_index

    @property
    def phase_ids(self) -> list[str]:
        return [p.id for p in self.phases]

    @property
    def triggers(self) -> list[str]:
        """Every trigger name, in definition order, once."""
        return list(self._triggers)

    def touched_by(self, anchor: str) -> tuple[Obligation, ...]:
        """The obligations that entering ``anchor`` (a phase, or ``in_force``) can change.

        Precomputed, so entering a phase costs what that phase owes, not the whole agreement.
        """
        if anchor == ANCHOR_IN_FORCE:
            return self.obligations
        return self._touched.get(anchor, ())

    def transitions_from(self, phase: str) -> list[Transition]:
        return [t for t in self.transitions if phase in t.from_phases]


def _lookup(index: Mapping[str, _T], kind: str, key: str) -> _T:
    try:
        return index[key]
    except KeyError:
        raise UnknownName(kind, key, index) from None
