"""Scenario assumptions: stated beliefs about when each party will deliver, as data.

An ensemble (see :mod:`truce.ensembles`) asks "under these assumptions, when does each
phase open?". The assumptions are the analyst's, not the record's: they say, per open
obligation, how many days until it is settled (and how likely a breach rather than
fulfilment), per fact when it takes a value, and the daily hazards of collapse and of a
declared (irregular) move. Nothing is assumed by default: an obligation without an
assumption stays as the record has it.

They are frozen data, loaded from YAML next to the agreement (``x.assumptions.yaml``
beside ``x.yaml``), checked against the agreement before a run (an unknown obligation, a
negative delay or a probability outside [0, 1] is an :class:`~truce.AssumptionError`
naming the entry), and echoed in every result, so a reader sees what the numbers rest on.
The delays themselves (:class:`Delay`, its kinds and draws) are in :mod:`truce.delays`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from truce._yaml import read_yaml
from truce.agreement import Agreement
from truce.delays import Delay, DelayKind, _number
from truce.errors import AssumptionError, LoadError, Problem
from truce.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "Assumptions",
    "Collapse",
    "Delay",
    "DelayKind",
    "FactAssumption",
    "ObligationAssumption",
    "Policy",
    "load_assumptions",
    "read_assumptions",
]


def _probability(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not _number(value) or not 0 <= value <= 1:  # type: ignore[operator]
            raise AssumptionError([Problem(f"probability {value!r} is outside [0, 1]", field=field)])

    return check


@attrs.frozen
class ObligationAssumption:
    """How long until an obligation is settled, and how likely the settlement is a breach.

    The delay counts from the later of the ensemble's start (the as-of date) and the day the
    obligation becomes owed (its phase is entered): an obligation of phase two has no clock
    until phase two begins.
    """

    delay: Delay
    breach: float = attrs.field(default=0.0, validator=_probability("breach"))
    note: str | None = None

    def describe(self) -> str:
        text = f"settled after {self.delay.describe()}"
        if self.breach:
            text += f", a breach with probability {self.breach:g}"
        return text


@attrs.frozen
class FactAssumption:
    """A fact taking ``value`` after ``delay`` days from the ensemble's start."""

    value: bool | int | float | str
    delay: Delay
    note: str | None = None

    def describe(self) -> str:
        return f"= {self.value!r} after {self.delay.describe()}"


@attrs.frozen
class Collapse:
    """A daily hazard of collapse: on the day it strikes, the ceasefire moves to ``to``.

    The move is a declared one (see :class:`~truce.Ceasefire`): it is made whatever the
    guard of the transition to ``to`` says, from any phase that has such a transition.
    """

    daily: float = attrs.field(validator=_probability("hazards.collapse.daily"))
    to: str = "collapsed"

    def describe(self) -> str:
        return f"collapse to {self.to} with daily probability {self.daily:g}"


class Policy(enum.StrEnum):
    """When a scenario moves to the next phase.

    ``guards`` (the default): as soon as a transition's guard holds, on that day. Declared
    moves (hazards) may still move it earlier, irregularly.
    ``declared``: only by declared moves (``hazards.declared`` and collapse), as when phases
    are announced by someone rather than opened by conditions; a move is regular when its
    guard holds on the day, irregular otherwise.
    """

    GUARDS = "guards"
    DECLARED = "declared"


def _obligation_entries(value: Mapping[str, ObligationAssumption | Delay]) -> dict[str, ObligationAssumption]:
    return {
        key: item if isinstance(item, ObligationAssumption) else ObligationAssumption(item)
        for key, item in value.items()
    }


def _fact_entries(value: Mapping[str, FactAssumption]) -> dict[str, FactAssumption]:
    return dict(value)


def _declared_entries(value: Mapping[str, Delay]) -> dict[str, Delay]:
    return dict(value)


@attrs.frozen
class Assumptions:
    """Everything a scenario ensemble assumes, as one value that results carry along.

    ``obligations`` maps obligation ids to :class:`ObligationAssumption` (or just a
    :class:`Delay`); ``facts`` maps fact ids to :class:`FactAssumption`; ``declared`` maps
    triggers to the delay of a declared move once their source phase is entered (a daily
    hazard is ``Delay.daily(p)``); ``collapse`` is the daily collapse hazard.

    >>> a = Assumptions(obligations={"deceased_hostages_remains_returned": Delay.uniform(0, 60)})
    >>> print(a.describe())
    obligation deceased_hostages_remains_returned: settled after uniform(0, 60) days
    policy: phases advance as soon as their guards hold
    """

    obligations: dict[str, ObligationAssumption] = attrs.field(factory=dict, converter=_obligation_entries)
    facts: dict[str, FactAssumption] = attrs.field(factory=dict, converter=_fact_entries)
    declared: dict[str, Delay] = attrs.field(factory=dict, converter=_declared_entries)
    collapse: Collapse | None = None
    policy: Policy = attrs.field(default=Policy.GUARDS, converter=Policy)
    agreement: str | None = None
    note: str | None = None

    def check(self, agreement: Agreement) -> None:
        """Raise :class:`~truce.AssumptionError` listing every entry ``agreement`` does not define."""
        problems: list[Problem] = []
        if self.agreement is not None and self.agreement != agreement.id:
            problems.append(Problem(f"written for {self.agreement!r}, not {agreement.id!r}", field="agreement"))
        for name in self.obligations:
            if not agreement.has_obligation(name):
                problems.append(Problem(f"unknown obligation {name!r}", field=f"obligations.{name}"))
        for name in self.facts:
            if not agreement.has_fact(name):
                problems.append(Problem(f"unknown fact {name!r}", field=f"facts.{name}"))
        for trigger in self.declared:
            if trigger not in agreement.triggers:
                problems.append(Problem(f"unknown trigger {trigger!r}", field=f"hazards.declared.{trigger}"))
        if self.collapse is not None:
            if not agreement.has_phase(self.collapse.to):
                problems.append(Problem(f"unknown phase {self.collapse.to!r}", field="hazards.collapse.to"))
            elif not any(t.to_phase == self.collapse.to for t in agreement.transitions):
                problems.append(Problem(f"no transition leads to {self.collapse.to!r}", field="hazards.collapse.to"))
        if problems:
            raise AssumptionError(problems)

    def describe(self) -> str:
        """The assumptions in words, one per line: what every result echoes."""
        lines = [f"obligation {name}: {item.describe()}" for name, item in self.obligations.items()]
        lines += [f"fact {name} {item.describe()}" for name, item in self.facts.items()]
        lines += [f"declared move {trigger}: after {delay.describe()}" for trigger, delay in self.declared.items()]
        if self.collapse is not None:
            lines.append(self.collapse.describe())
        lines.append(
            "policy: phases advance as soon as their guards hold"
            if self.policy is Policy.GUARDS
            else "policy: phases advance only by declared moves"
        )
        return "\n".join(lines)

    def to_data(self) -> dict[str, Any]:
        """The assumptions as plain data, in the YAML layout :func:`read_assumptions` reads."""
        data: dict[str, Any] = {}
        if self.agreement is not None:
            data["agreement"] = self.agreement
        if self.note is not None:
            data["note"] = self.note
        data["policy"] = str(self.policy)
        if self.obligations:
            data["obligations"] = {
                name: {"delay": item.delay.to_data()}
                | ({"breach": item.breach} if item.breach else {})
                | ({"note": item.note} if item.note else {})
                for name, item in self.obligations.items()
            }
        if self.facts:
            data["facts"] = {
                name: {"value": item.value, "delay": item.delay.to_data()} | ({"note": item.note} if item.note else {})
                for name, item in self.facts.items()
            }
        hazards: dict[str, Any] = {}
        if self.collapse is not None:
            hazards["collapse"] = {"daily": self.collapse.daily, "to": self.collapse.to}
        if self.declared:
            hazards["declared"] = {trigger: delay.to_data() for trigger, delay in self.declared.items()}
        if hazards:
            data["hazards"] = hazards
        return data


# --- reading --------------------------------------------------------------------------

_TOP = frozenset({"agreement", "note", "policy", "obligations", "facts", "hazards"})


def _delay(value: object, field: str, problems: list[Problem]) -> Delay | None:
    """A delay from its YAML forms: ``5``, ``never``, ``{uniform: [1, 9]}``, ``{lognormal: {median, sigma}}``…"""
    try:
        if value == "never":
            return Delay.never()
        if _number(value):
            return Delay.fixed(value)  # type: ignore[arg-type]
        if isinstance(value, Mapping) and len(value) == 1:
            ((kind, params),) = value.items()
            if kind == "lognormal" and isinstance(params, Mapping):
                extra = set(params) - {"median", "sigma"}
                if extra or len(params) != 2:
                    problems.append(Problem("lognormal takes median and sigma", field=field))
                    return None
                return Delay.lognormal(params["median"], params["sigma"])
            if kind in ("fixed", "daily"):
                return Delay(kind, (params,))
            if kind == "empirical" and isinstance(params, list):
                return Delay.empirical(params)
            if kind in ("uniform", "triangular") and isinstance(params, list):
                return Delay(kind, tuple(params))
            if kind in DelayKind.__members__.values():
                problems.append(Problem(f"{kind} takes a list of numbers", field=field))
                return None
    except AssumptionError as error:
        problems.extend(Problem(p.message, field=field) for p in error.problems)
        return None
    problems.append(
        Problem(
            f"{value!r} is not a delay (a number of days, never, or one of "
            "fixed, uniform, triangular, lognormal, empirical, daily)",
            field=field,
        )
    )
    return None


def _probability_value(value: object, field: str, problems: list[Problem]) -> float:
    if not _number(value) or not 0 <= value <= 1:  # type: ignore[operator]
        problems.append(Problem(f"probability {value!r} is outside [0, 1]", field=field))
        return 0.0
    return float(value)  # type: ignore[arg-type]


def _entries(value: object, field: str, problems: list[Problem]) -> list[tuple[str, Mapping[str, Any]]]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        problems.append(Problem("expected a mapping of ids to entries", field=field))
        return []
    found = []
    for name, entry in value.items():
        if not isinstance(entry, Mapping):
            problems.append(Problem("expected a mapping (delay: ...)", field=f"{field}.{name}"))
            continue
        found.append((str(name), entry))
    return found


def _unknown_keys(entry: Mapping[str, Any], allowed: set[str], field: str, problems: list[Problem]) -> None:
    for key in sorted(set(map(str, entry)) - allowed):
        problems.append(Problem(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})", field=field))


def _read_hazards(value: object, problems: list[Problem]) -> tuple[Collapse | None, dict[str, Delay]]:
    if value is None:
        return None, {}
    if not isinstance(value, Mapping):
        problems.append(Problem("expected a mapping (collapse, declared)", field="hazards"))
        return None, {}
    _unknown_keys(value, {"collapse", "declared"}, "hazards", problems)
    collapse = None
    raw = value.get("collapse")
    if raw is not None:
        if not isinstance(raw, Mapping) or "daily" not in raw:
            problems.append(Problem("expected {daily: P, to: PHASE}", field="hazards.collapse"))
        else:
            _unknown_keys(raw, {"daily", "to"}, "hazards.collapse", problems)
            daily = _probability_value(raw["daily"], "hazards.collapse.daily", problems)
            collapse = Collapse(daily, str(raw.get("to", "collapsed")))
    declared: dict[str, Delay] = {}
    raw = value.get("declared")
    if raw is not None:
        if not isinstance(raw, Mapping):
            problems.append(Problem("expected a mapping of triggers to delays", field="hazards.declared"))
        else:
            for trigger, spec in raw.items():
                delay = _delay(spec, f"hazards.declared.{trigger}", problems)
                if delay is not None:
                    declared[str(trigger)] = delay
    return collapse, declared


def read_assumptions(data: object, *, agreement: Agreement | None = None, path: str = "<data>") -> Assumptions:
    """Assumptions from parsed YAML/JSON data; every problem found is listed in one error.

    With ``agreement``, also checks that every entry names something it defines.

    >>> a = read_assumptions({"obligations": {"x": {"delay": {"uniform": [1, -2]}}}})
    Traceback (most recent call last):
    truce.AssumptionError: <data>: obligations.x.delay: uniform(1, -2) days: a delay cannot be negative
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise AssumptionError([Problem("expected a mapping (obligations, facts, hazards, policy)", path=path)])
    _unknown_keys(data, set(_TOP), "assumptions", problems)
    obligations: dict[str, ObligationAssumption] = {}
    for name, entry in _entries(data.get("obligations"), "obligations", problems):
        where = f"obligations.{name}"
        _unknown_keys(entry, {"delay", "breach", "note"}, where, problems)
        if "delay" not in entry:
            problems.append(Problem("needs a delay", field=where))
            continue
        delay = _delay(entry["delay"], f"{where}.delay", problems)
        breach = _probability_value(entry.get("breach", 0.0), f"{where}.breach", problems)
        if delay is not None:
            note = entry.get("note")
            obligations[name] = ObligationAssumption(delay, breach, None if note is None else str(note))
    facts: dict[str, FactAssumption] = {}
    for name, entry in _entries(data.get("facts"), "facts", problems):
        where = f"facts.{name}"
        _unknown_keys(entry, {"delay", "value", "note"}, where, problems)
        value = entry.get("value")
        if not isinstance(value, bool | int | float | str):
            problems.append(Problem("needs a value (a number, a text, true or false)", field=f"{where}.value"))
            continue
        if "delay" not in entry:
            problems.append(Problem("needs a delay", field=where))
            continue
        delay = _delay(entry["delay"], f"{where}.delay", problems)
        if delay is not None:
            note = entry.get("note")
            facts[name] = FactAssumption(value, delay, None if note is None else str(note))
    collapse, declared = _read_hazards(data.get("hazards"), problems)
    policy = data.get("policy", "guards")
    if policy not in Policy.__members__.values():
        problems.append(Problem(f"policy {policy!r} is not one of guards, declared", field="policy"))
        policy = "guards"
    if problems:
        raise AssumptionError([Problem(p.message, field=p.field, path=path) for p in problems])
    written_for, remark = data.get("agreement"), data.get("note")
    assumptions = Assumptions(
        obligations,
        facts,
        declared,
        collapse,
        Policy(policy),
        None if written_for is None else str(written_for),
        None if remark is None else str(remark),
    )
    if agreement is not None:
        try:
            assumptions.check(agreement)
        except AssumptionError as error:
            raise AssumptionError([Problem(p.message, field=p.field, path=path) for p in error.problems]) from None
    return assumptions


def load_assumptions(
    path: str | os.PathLike[str], *, agreement: Agreement | None = None, limits: Limits = DEFAULT_LIMITS
) -> Assumptions:
    """Read assumptions from a YAML (or JSON) file, safely and within ``limits``.

    Keep them next to the agreement (``x.assumptions.yaml`` beside ``x.yaml``). With
    ``agreement``, every entry is checked against it.
    """

    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError([Problem("no such file", path=name)]) from None
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=name)]) from None
    return read_assumptions(read_yaml(raw, path=name, limits=limits), agreement=agreement, path=name)
