"""Reading agreement definitions: plain data (parsed YAML or JSON) into a checked
:class:`~truce.Agreement`, every problem collected with its file, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from truce._files import _read_file
from truce._reading import (
    _build,
    _date,
    _entries,
    _keys,
    _kind,
    _mapping,
    _Problems,
    _read_registry,
    _read_source,
    _text,
    _with_path,
    check_arguments,
)
from truce._yaml import read_yaml
from truce.agreement import Agreement, FactDef, Phase, Transition
from truce.dates import EARLIEST, LATEST
from truce.errors import DefinitionError
from truce.guards import After, Const, FactCompare, Guard, parse_guard
from truce.identifiers import IDENTIFIER_FIELDS, Identifiers
from truce.limits import DEFAULT_LIMITS, Limits, check_number, not_a_number
from truce.obligations import Due, Measure, Obligation
from truce.parties import Party
from truce.sources import Source

if TYPE_CHECKING:
    from pathlib import Path  # imported where a file is read: bundled data needs no pathlib


# --- agreements -----------------------------------------------------------------------

_TOP = (
    "id", "title", "summary", "agreed", "in_force", "ended", "written", "sources", "parties",
    "facts", "obligations", "phases", "initial", "terminal", "transitions",
    "supersedes", "superseded_by", "data_through",
    "facts", "obligations", "phases", "initial", "terminal", "transitions", "identifiers",
)  # fmt: skip


def read_agreement(data: object, *, path: str = "<data>", limits: Limits = DEFAULT_LIMITS) -> Agreement:
    """Build an :class:`~truce.Agreement` from parsed YAML/JSON data, reporting every problem."""
    check_arguments(path=path, limits=limits)
    problems = _Problems(path)
    top = _mapping(data, "agreement", problems)
    problems.check()
    assert top is not None
    _keys(top, _TOP, "agreement", problems)
    registry = _read_registry(top.get("sources"), "sources", problems)
    parties = _read_parties(top.get("parties"), registry, problems)
    facts = _read_facts(top.get("facts"), registry, problems)
    obligations = _read_obligations(top.get("obligations"), registry, problems)
    phases = _read_phases(top.get("phases"), registry, problems)
    terminal = _id_list(top.get("terminal", []), "terminal", problems)
    transitions = _read_transitions(top.get("transitions"), registry, phases, terminal, problems, limits)
    written = top.get("written", True)
    if not isinstance(written, bool):
        problems.add("expected true or false", "written", top)
    agreement_id = _text(top, "id", "agreement", problems, required=True)
    title = _text(top, "title", "agreement", problems, required=True)
    in_force = _date(top, "in_force", "agreement", problems, required=True)
    initial = _text(top, "initial", "agreement", problems, required=True)
    summary = _text(top, "summary", "agreement", problems)
    agreed = _date(top, "agreed", "agreement", problems)
    ended = _date(top, "ended", "agreement", problems)
    data_through = _date(top, "data_through", "agreement", problems)
    supersedes = _name_list(top.get("supersedes"), "supersedes", problems)
    superseded_by = _name_list(top.get("superseded_by"), "superseded_by", problems)
    identifiers = _read_identifiers(top.get("identifiers"), problems, top)
    problems.check()
    assert agreement_id is not None
    assert title is not None
    assert in_force is not None
    assert initial is not None
    try:
        return Agreement(
            id=agreement_id,
            title=title,
            in_force=in_force,
            initial=initial,
            summary=summary,
            agreed=agreed,
            ended=ended,
            written=bool(written),
            identifiers=identifiers or Identifiers(),
            parties=parties,
            obligations=obligations,
            phases=phases,
            terminal=terminal,
            transitions=transitions,
            facts=facts,
            sources=tuple(registry.values()),
            supersedes=supersedes,
            superseded_by=superseded_by,
            data_through=data_through,
        )
    except DefinitionError as exc:
        raise DefinitionError([_with_path(p, path) for p in exc.problems], path=path) from None


def _name_list(value: object, field: str, problems: _Problems) -> list[str]:
    """Agreement ids: one name or a list of names."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        else:
            problems.add(f"expected an agreement id, got {_kind(item)}", field, value)
    return names


def _read_identifiers(value: object, problems: _Problems, where: object) -> Identifiers | None:
    """The ``identifiers`` block: dataset ids, each optional (see :class:`~truce.Identifiers`)."""
    if value is None:
        return None
    data = _mapping(value, "identifiers", problems, where)
    if data is None:
        return None
    _keys(data, IDENTIFIER_FIELDS, "identifiers", problems)
    known = {k: v for k, v in data.items() if k in IDENTIFIER_FIELDS and v is not None}
    if isinstance(known.get("pam_id"), int) and not isinstance(known["pam_id"], bool):
        known["pam_id"] = str(known["pam_id"])  # a numeric-looking PAM id read by YAML as a number
    result: Identifiers | None = _build(Identifiers, "identifiers", problems, data, **known)
    return result


def _read_named(
    value: object,
    section: str,
    allowed: tuple[str, ...],
    registry: Mapping[str, Source],
    problems: _Problems,
    make: Callable[[str, Mapping[str, Any], str, Source | None], Any],
) -> list[Any]:
    """Read a mapping of id -> entry (parties, facts): check each entry's keys, its source, build it."""
    built = []
    for key, entry, where in _entries(value, section, problems):
        field = f"{section}.{key}"
        data = _mapping(entry, field, problems, where)
        if data is None:
            continue
        _keys(data, allowed, field, problems)
        source = _read_source(data["source"], f"{field}.source", registry, problems, data) if "source" in data else None
        item = make(key, data, field, source)
        if item is not None:
            built.append(item)
    return built


def _read_parties(value: object, registry: Mapping[str, Source], problems: _Problems) -> list[Party]:
    def make(pid: str, data: Mapping[str, Any], field: str, source: Source | None) -> Party | None:
        name = _text(data, "name", field, problems) or pid
        party: Party | None = _build(
            Party, field, problems, data, id=pid, name=name, kind=data.get("kind", "other"), source=source,
            ucdp_actor_id=data.get("ucdp_actor_id"),
        )  # fmt: skip
        return party

    return _read_named(value, "parties", ("name", "kind", "source", "ucdp_actor_id"), registry, problems, make)


def _read_facts(value: object, registry: Mapping[str, Source], problems: _Problems) -> list[FactDef]:
    def make(fid: str, data: Mapping[str, Any], field: str, source: Source | None) -> FactDef | None:
        text = _text(data, "text", field, problems, required=True) or ""
        unit = _text(data, "unit", field, problems)
        fact: FactDef | None = _build(FactDef, field, problems, data, id=fid, text=text, unit=unit, source=source)
        return fact

    return _read_named(value, "facts", ("text", "unit", "source"), registry, problems, make)


_OBLIGATION_KEYS = ("party", "text", "kind", "phase", "due", "measure", "source", "note")


def _read_obligations(value: object, registry: Mapping[str, Source], problems: _Problems) -> list[Obligation]:
    obligations = []
    for oid, entry, where in _entries(value, "obligations", problems):
        field = f"obligations.{oid}"
        data = _mapping(entry, field, problems, where)
        if data is None:
            continue
        _keys(data, _OBLIGATION_KEYS, field, problems)
        if "source" not in data:
            problems.add("every obligation needs a source", f"{field}.source", data)
            continue
        source = _read_source(data["source"], f"{field}.source", registry, problems, data)
        obligation = _build(
            Obligation,
            field,
            problems,
            data,
            id=oid,
            party=_text(data, "party", field, problems),
            text=_text(data, "text", field, problems, required=True) or "?",
            kind=data.get("kind", "other"),
            phase=_text(data, "phase", field, problems),
            due=_read_due(data.get("due"), f"{field}.due", problems, data),
            measure=_read_measure(data.get("measure"), f"{field}.measure", problems, data),
            source=source,
            note=_text(data, "note", field, problems),
        )
        if obligation is not None and source is not None:
            obligations.append(obligation)
    return obligations


def _read_due(value: object, field: str, problems: _Problems, where: object) -> Due | None:
    if value is None:
        return None
    if isinstance(value, dt.date | str):
        value = {"date": value}
    data = _mapping(value, field, problems, where)
    if data is None:
        return None
    _keys(data, ("date", "after", "days", "hours"), field, problems)
    for key in ("days", "hours"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int)):
            problems.add(f"{key} must be a whole number", f"{field}.{key}", data)
            return None
    result: Due | None = _build(
        Due,
        field,
        problems,
        data,
        date=_date(data, "date", field, problems),
        after=_text(data, "after", field, problems),
        days=data.get("days", 0),
        hours=data.get("hours", 0),
    )
    return result


def _read_measure(value: object, field: str, problems: _Problems, where: object) -> Measure | None:
    if value is None:
        return None
    data = _mapping(value, field, problems, where)
    if data is None:
        return None
    target = data.get("target")
    cut = [str(k) for k in data if k not in ("unit", "target") and re.fullmatch(r"\d{3}", str(k))]
    if cut and isinstance(target, int) and not isinstance(target, bool):  # {target: 7,132} reads as {target: 7, 132: }
        whole = str(target) + "".join(cut)
        problems.add(
            f"in a {{...}} mapping a comma separates entries: write {whole} without thousands separators",
            f"{field}.target",
            data,
        )
        return None
    _keys(data, ("unit", "target"), field, problems)
    if isinstance(target, bool) or not isinstance(target, int | float):
        problems.add(not_a_number(target), f"{field}.target", data)
        return None
    result: Measure | None = _build(
        Measure, field, problems, data, unit=_text(data, "unit", field, problems) or "units", target=target
    )
    return result


def _read_phases(value: object, registry: Mapping[str, Source], problems: _Problems) -> list[Phase]:
    if isinstance(value, list):
        value = {str(p): None for p in value}
    phases = []
    for pid, entry, where in _entries(value, "phases", problems):
        field = f"phases.{pid}"
        text, source = None, None
        if isinstance(entry, str):
            text = entry
        elif entry is not None:
            data = _mapping(entry, field, problems, where)
            if data is None:
                continue
            _keys(data, ("text", "source"), field, problems)
            text = _text(data, "text", field, problems)
            if "source" in data:
                source = _read_source(data["source"], f"{field}.source", registry, problems, data)
        phase = _build(Phase, field, problems, where, id=pid, text=text, source=source)
        if phase is not None:
            phases.append(phase)
    return phases


def _id_list(value: object, field: str, problems: _Problems) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add("expected a list of phase ids", field)
        return []
    return list(value)


def _read_transitions(
    value: object,
    registry: Mapping[str, Source],
    phases: list[Phase],
    terminal: list[str],
    problems: _Problems,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Transition]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"expected a list, got {_kind(value)}", "transitions")
        return []
    transitions = []
    routes = 0
    for n, entry in enumerate(value):
        field = f"transitions[{n}]"
        data = _mapping(entry, field, problems, value)
        if data is None:
            continue
        _keys(data, ("trigger", "from", "to", "guard", "text", "source"), field, problems)
        trigger = _text(data, "trigger", field, problems, required=True) or "?"
        field = f"transitions[{n}] ({trigger})"
        to_phase = _text(data, "to", field, problems, required=True) or "?"
        origin = data.get("from")
        if origin == "*":
            from_phases = [p.id for p in phases if p.id not in terminal and p.id != to_phase]
        else:
            from_phases = _id_list(origin, f"{field}.from", problems)
        routes += len(from_phases)
        if routes > limits.max_routes:
            problems.add(
                f"more than {limits.max_routes} transition routes (phases left from, with '*' expanded); "
                "the limit is max_routes",
                "transitions",
            )
            break
        guard: Guard = Const(True)
        raw_guard = data.get("guard")
        if raw_guard is not None:
            text = str(raw_guard).lower() if isinstance(raw_guard, bool) else str(raw_guard)
            try:
                guard = parse_guard(
                    text,
                    field=f"{field}.guard",
                    max_length=limits.max_guard_length,
                    max_depth=limits.max_guard_depth,
                )
            except DefinitionError as exc:
                for p in exc.problems:
                    problems.add(p.message, p.field or field, data)
            for message in _guard_problems(guard):
                problems.add(message, f"{field}.guard", data)
        source = _read_source(data["source"], f"{field}.source", registry, problems, data) if "source" in data else None
        transition = _build(
            Transition, field, problems, data, trigger=trigger, from_phases=from_phases, to_phase=to_phase,
            guard=guard, text=_text(data, "text", field, problems), source=source,
        )  # fmt: skip
        if transition is not None:
            transitions.append(transition)
    return transitions


def _guard_problems(guard: Guard) -> list[str]:
    """Numbers and dates in a parsed guard that truce could not compute with or write back
    (``1e309`` parses as infinity; ``after('9999-12-31')`` leaves no room for a deadline)."""

    found = []
    stack: list[object] = [guard]
    while stack:
        node = stack.pop()
        if isinstance(node, FactCompare):
            try:
                check_number(node.value, f"fact({node.fact})")
            except ValueError as exc:
                found.append(str(exc))
        elif isinstance(node, After) and not EARLIEST <= node.date <= LATEST:
            found.append(f"after(): {node.date} is outside the dates truce takes ({EARLIEST} to {LATEST})")
        stack.extend(getattr(node, "children", ()))
        if hasattr(node, "child"):
            stack.append(node.child)
    return found


def load_agreement(
    path: str | Path, *, text: str | bytes | None = None, limits: Limits = DEFAULT_LIMITS, _trusted: bool = False
) -> Agreement:
    """Read an agreement definition from a YAML (or JSON) file, within ``limits``."""
    check_arguments(path=path, limits=limits, text=text)
    name = str(path)
    raw = _read_file(path, limits.max_bytes) if text is None else text
    data = read_yaml(raw, path=name, limits=limits, trusted=_trusted)
    return read_agreement(data, path=name, limits=limits)
