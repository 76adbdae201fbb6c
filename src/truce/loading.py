"""Reading and writing agreements and event logs: YAML definitions, YAML or JSON Lines logs.

This is the I/O edge. Files become plain data (:mod:`truce._yaml`), plain data becomes
frozen objects here, and every problem found on the way is collected with its file,
line and field into one :class:`~truce.LoadError` or :class:`~truce.DefinitionError`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from truce import _bundled as bundled
from truce._yaml import read_yaml
from truce.agreement import Agreement, FactDef, Phase, Transition
from truce.dates import EARLIEST, LATEST, to_date
from truce.errors import ArgumentError, DefinitionError, EventError, LoadError, Problem, TornLogWarning
from truce.events import Event, External
from truce.guards import After, Const, FactCompare, Guard, parse_guard
from truce.identifiers import IDENTIFIER_FIELDS, Identifiers
from truce.limits import DEFAULT_LIMITS, Limits, check_number
from truce.obligations import Due, Measure, Obligation
from truce.parties import Party
from truce.sources import Source, SourceKind

if TYPE_CHECKING:
    from pathlib import Path  # imported where a file is read: bundled data needs no pathlib

__all__ = [
    "agreements",
    "check_arguments",
    "dump_agreement",
    "event_to_data",
    "load_agreement",
    "load_events",
    "read_agreement",
    "read_bundled",
]

#: Suffixes of the event logs read (and written, by :class:`~truce.EventLog`) as JSON Lines.
JSONL_SUFFIXES = (".jsonl", ".ndjson")

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


def check_arguments(**given: object) -> None:
    """Refuse arguments of the wrong type with :class:`~truce.ArgumentError` (a ``TypeError``),
    before they fail somewhere deeper as an ``AttributeError``."""

    for name, value in given.items():
        if value is None and name in ("agreement", "events", "as_of"):
            continue
        if name in ("path", "events") and not isinstance(value, str | os.PathLike):
            raise ArgumentError(f"{name}: expected a file path, got {type(value).__name__}")
        if name == "agreement" and not isinstance(value, Agreement):
            raise ArgumentError(f"agreement: expected an Agreement, got {type(value).__name__}")
        if name == "limits" and not isinstance(value, Limits):
            raise ArgumentError(f"limits: expected truce.Limits, got {type(value).__name__}")
        if name == "text" and value is not None and not isinstance(value, str | bytes):
            raise ArgumentError(f"text: expected str or bytes, got {type(value).__name__}")


class _Problems:
    """Collects problems with their file and line while a structure is read."""

    def __init__(self, path: str, error: type[LoadError] | type[DefinitionError] = DefinitionError) -> None:
        self.path = path
        self.error = error
        self.items: list[Problem] = []

    def add(self, message: str, field: str, where: object = None) -> None:
        self.items.append(Problem(message, field=field, path=self.path, line=getattr(where, "line", None)))

    def check(self) -> None:
        if self.items:
            raise self.error(self.items, path=self.path)


def _keys(data: Mapping[str, Any], allowed: Iterable[str], field: str, problems: _Problems) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        problems.add(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}", field, data)


def _mapping(value: object, field: str, problems: _Problems, where: object = None) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    problems.add(f"expected a mapping, got {_kind(value)}", field, where)
    return None


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def _text(data: Mapping[str, Any], key: str, field: str, problems: _Problems, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add("is required", f"{field}.{key}", data)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(f"expected text, got {_kind(value)}", f"{field}.{key}", data)
        return None
    return str(value)


def _date(
    data: Mapping[str, Any], key: str, field: str, problems: _Problems, *, required: bool = False
) -> dt.date | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add("is required", f"{field}.{key}", data)
        return None
    try:
        return to_date(value, field=f"{field}.{key}")
    except ValueError as exc:
        message = str(exc).removeprefix(f"{field}.{key}: ")
        if "outside the dates" not in message:
            message = f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)"
        problems.add(message, f"{field}.{key}", data)
        return None


def _build(factory: Callable[..., Any], field: str, problems: _Problems, where: object, **kwargs: Any) -> Any:
    """Call an attrs constructor, turning its validation errors into problems."""
    try:
        return factory(**kwargs)
    except (DefinitionError, EventError) as exc:  # the constructor refused: a problem with this entry
        for problem in exc.problems:
            problems.add(problem.message, field, where)
        return None
    except (ValueError, TypeError) as exc:
        problems.add(str(exc), field, where)
        return None


# --- sources --------------------------------------------------------------------------

_SOURCE_KEYS = ("title", "publisher", "date", "url", "locator", "quote", "kind")


def _read_source(
    value: object, field: str, registry: Mapping[str, Source], problems: _Problems, where: object = None
) -> Source | None:
    """A citation: ``key``, ``key#locator``, a mapping with ``ref``, or an inline mapping."""
    if isinstance(value, str):
        key, _, locator = value.partition("#")
        base = registry.get(key.strip())
        if base is None:
            problems.add(f"unknown source {key.strip()!r}; define it under sources", field, where)
            return None
        return attrs.evolve(base, locator=locator or None) if locator else base
    data = _mapping(value, field, problems, where)
    if data is None:
        return None
    if "ref" in data:
        _keys(data, ("ref", "locator", "quote"), field, problems)
        base = _read_source(str(data["ref"]), field, registry, problems, data)
        if base is None:
            return None
        return attrs.evolve(
            base,
            locator=_text(data, "locator", field, problems) or base.locator,
            quote=_text(data, "quote", field, problems),
        )
    _keys(data, _SOURCE_KEYS, field, problems)
    source: Source | None = _build(
        Source,
        field,
        problems,
        data,
        title=_text(data, "title", field, problems, required=True) or "?",
        publisher=_text(data, "publisher", field, problems),
        date=_date(data, "date", field, problems),
        url=_text(data, "url", field, problems),
        locator=_text(data, "locator", field, problems),
        quote=_text(data, "quote", field, problems),
        kind=_source_kind(data, field, problems),
    )
    return source


def _source_kind(data: Mapping[str, Any], field: str, problems: _Problems) -> SourceKind | None:
    value = _text(data, "kind", field, problems)
    if value is None:
        return None
    try:
        return SourceKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in SourceKind)
        problems.add(f"unknown source kind {value!r}; one of {allowed}", f"{field}.kind", data)
        return None


def _read_registry(
    value: object, field: str, problems: _Problems, base: Mapping[str, Source] = {}
) -> dict[str, Source]:
    registry = dict(base)
    if value is None:
        return registry
    data = _mapping(value, field, problems)
    for key, entry in (data or {}).items():
        if not isinstance(entry, Mapping) or "ref" in entry:
            problems.add("a source definition is a mapping with title, publisher, date, url", f"{field}.{key}", data)
            continue
        source = _read_source(entry, f"{field}.{key}", registry, problems, data)
        if source is not None:
            registry[str(key)] = attrs.evolve(source, key=str(key))
    return registry


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


def _with_path(problem: Problem, path: str) -> Problem:
    """Give a problem raised by a constructor the file it came from."""
    if problem.path:
        return problem
    return Problem(problem.message, field=problem.field, path=path, line=problem.line)


def _entries(value: object, field: str, problems: _Problems) -> list[tuple[str, Any, Any]]:
    """``(id, entry, container)`` for a mapping of id -> entry; reports non-mappings."""
    if value is None:
        return []
    data = _mapping(value, field, problems)
    return [(str(k), v, data) for k, v in (data or {}).items()]


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
    _keys(data, ("unit", "target"), field, problems)
    target = data.get("target")
    if isinstance(target, bool) or not isinstance(target, int | float):
        problems.add("target must be a number", f"{field}.target", data)
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


# --- writing agreements ---------------------------------------------------------------


def _source_out(source: Source, registry: Mapping[str, Source]) -> object:
    if source.key and source.key in registry:
        base = registry[source.key]
        if attrs.evolve(base, locator=source.locator, quote=source.quote) == source:
            if source.quote:
                out: dict[str, Any] = {"ref": source.key, "quote": source.quote}
                if source.locator:
                    out["locator"] = source.locator
                return out
            return f"{source.key}#{source.locator}" if source.locator else source.key
    out = {k: v for k, v in attrs.asdict(source, recurse=False).items() if v is not None and k != "key"}
    if source.kind is not None:
        out["kind"] = str(source.kind)  # plain text: YAML cannot dump the enum
    return out


def agreement_to_data(agreement: Agreement) -> dict[str, Any]:
    """The plain data that :func:`read_agreement` reads back into an equal agreement."""
    registry = {s.key: s for s in agreement.sources if s.key}
    out: dict[str, Any] = {"id": agreement.id, "title": agreement.title}
    if agreement.summary:
        out["summary"] = agreement.summary
    for key in ("agreed", "in_force", "ended"):
        if getattr(agreement, key) is not None:
            out[key] = getattr(agreement, key)
    if not agreement.written:
        out["written"] = False
    for key in ("supersedes", "superseded_by"):
        if getattr(agreement, key):
            out[key] = list(getattr(agreement, key))
    if agreement.data_through is not None:
        out["data_through"] = agreement.data_through
    if agreement.identifiers:
        out["identifiers"] = agreement.identifiers.to_dict()
    out["sources"] = {key: _source_out(s, {}) for key, s in registry.items()}
    out["parties"] = {
        p.id: {
            "name": p.name,
            "kind": str(p.kind),
            **({"source": _source_out(p.source, registry)} if p.source else {}),
            **({"ucdp_actor_id": p.ucdp_actor_id} if p.ucdp_actor_id is not None else {}),
        }
        for p in agreement.parties
    }
    if agreement.facts:
        out["facts"] = {
            f.id: {
                "text": f.text,
                **({"unit": f.unit} if f.unit else {}),
                **({"source": _source_out(f.source, registry)} if f.source else {}),
            }
            for f in agreement.facts
        }
    out["obligations"] = {o.id: _obligation_out(o, registry) for o in agreement.obligations}
    out["phases"] = {
        p.id: {k: v for k, v in (("text", p.text), ("source", p.source and _source_out(p.source, registry))) if v}
        for p in agreement.phases
    }
    out["initial"] = agreement.initial
    out["terminal"] = list(agreement.terminal)
    out["transitions"] = [_transition_out(t, registry) for t in agreement.transitions]
    return out


def _obligation_out(o: Obligation, registry: Mapping[str, Source]) -> dict[str, Any]:
    out: dict[str, Any] = {"party": o.party, "text": o.text, "kind": str(o.kind)}
    if o.phase:
        out["phase"] = o.phase
    if o.due:
        out["due"] = o.due.to_dict()
    if o.measure:
        out["measure"] = {"unit": o.measure.unit, "target": o.measure.target}
    out["source"] = _source_out(o.source, registry)
    if o.note:
        out["note"] = o.note
    return out


def _transition_out(t: Transition, registry: Mapping[str, Source]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "trigger": t.trigger,
        "from": list(t.from_phases),
        "to": t.to_phase,
        "guard": t.guard.to_expr(),
    }
    if t.text:
        out["text"] = t.text
    if t.source:
        out["source"] = _source_out(t.source, registry)
    return out


def dump_agreement(agreement: Agreement) -> str:
    """The agreement as YAML text that :func:`load_agreement` reads back into an equal agreement."""
    import yaml

    check_arguments(agreement=agreement)

    class Dumper(yaml.SafeDumper):
        """Quotes a text holding a line break YAML would fold away when read back (NEL, LS, PS)."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(agreement_to_data(agreement), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


# --- events ---------------------------------------------------------------------------

#: An event's keys in a file: its fields, with its ``external`` record written flat.
_EVENT_KEYS = (*(f.name for f in attrs.fields(Event) if f.name != "external"), "external_id", "attributes")


def read_event(
    data: object,
    *,
    registry: Mapping[str, Source],
    field: str,
    problems: _Problems,
    limits: Limits = DEFAULT_LIMITS,
) -> Event | None:
    """One event from a mapping; problems are collected, None returned on failure."""
    mapping = _mapping(data, field, problems)
    if mapping is None:
        return None
    _keys(mapping, _EVENT_KEYS, field, problems)
    kwargs: dict[str, Any] = {k: v for k, v in mapping.items() if k in _EVENT_KEYS and k != "source"}
    for key in (
        "obligation",
        "fact",
        "trigger",
        "to",
        "party",
        "asserts",
        "reported_by",
        "text",
        "time",
        "kind",
        "precision",
        "external_id",
    ):
        if key in kwargs and kwargs[key] is not None and not isinstance(kwargs[key], str):
            problems.add(f"expected text, got {_kind(kwargs[key])}", f"{field}.{key}", mapping)
            return None
    if "date" not in kwargs or "kind" not in kwargs:
        problems.add("an event needs a date and a kind", field, mapping)
        return None
    for key, value in kwargs.items():
        if isinstance(value, str) and len(value) > limits.max_scalar:
            problems.add(f"{len(value)} characters; the limit is {limits.max_scalar}", f"{field}.{key}", mapping)
            return None
    try:
        check_number(kwargs.get("value"), "value")
    except ValueError as exc:
        problems.add(str(exc).removeprefix("value: "), f"{field}.value", mapping)
        return None
    attributes = kwargs.get("attributes")
    if isinstance(attributes, Mapping):
        for name, item in attributes.items():
            if isinstance(item, str) and len(item) > limits.max_scalar:
                problems.add(
                    f"{len(item)} characters; the limit is {limits.max_scalar}", f"{field}.attributes.{name}", mapping
                )
                return None
    external_id, attributes = kwargs.pop("external_id", None), kwargs.pop("attributes", None)
    if external_id is not None or attributes:
        external = _build(
            External, field, problems, mapping, id=external_id, attributes=() if attributes is None else attributes
        )
        if external is None:
            return None
        kwargs["external"] = external
    if "source" in mapping:
        source = _read_source(mapping["source"], f"{field}.source", registry, problems, mapping)
        if source is None:
            return None
        kwargs["source"] = source
    event: Event | None = _build(Event, field, problems, mapping, **kwargs)
    return event


def event_to_data(event: Event) -> dict[str, Any]:
    """An event as plain JSON-ready data that :func:`read_event` reads back into an equal event."""
    out: dict[str, Any] = {}
    for field in attrs.fields(Event):
        name = field.name
        value = getattr(event, name)
        if value is None or (name == "precision" and value == "day"):
            continue
        if name == "external":
            if value.id is not None:
                out["external_id"] = value.id
            if value.attributes:
                out["attributes"] = dict(value.attributes)
        elif name == "source":
            out["source"] = value.to_dict()
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, enum.Enum):
            out[name] = value.value
        else:
            out[name] = value
    return out


_BOM = b"\xef\xbb\xbf"


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json ``object_pairs_hook``: refuse duplicate keys, as the YAML reader does."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)
#: One line with its line end (``\\n``, ``\\r\\n`` or ``\\r``), or the last line without one.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|[\r\n])|[^\r\n]+")


def _lone_surrogate(value: object) -> bool:
    """True if ``value`` holds text that cannot be written back as UTF-8 (a ``\\ud800`` escape)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


def _jsonl_records(data: bytes, path: str, limits: Limits) -> Iterator[tuple[int | None, Any]]:
    """``(line, raw event)`` pairs from JSON Lines, checked line by line as they are read.

    Lines end with ``\\n``, ``\\r\\n`` or a lone ``\\r`` (JSON text can hold none of them raw).
    The event count is checked before any line is parsed. A last line that is incomplete
    (a write cut short by a crash, never acknowledged) is reported with a
    :class:`~truce.TornLogWarning` and dropped, keeping every complete event before it.
    """
    data = data.removeprefix(_BOM)
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if ends >= limits.max_events:  # at most ends + 1 lines: count the events exactly only if it matters
        count = sum(1 for match in _LINE.finditer(data) if not match[0].isspace())
        if count > limits.max_events:
            raise LoadError([Problem(f"{count} events; the limit is {limits.max_events}", path=path)])
    longest = limits.max_scalar * 2
    decoder = _DECODER
    for number, match in enumerate(_LINE.finditer(data), start=1):  # one line at a time: no copy of the file
        line = match[0]
        if line.isspace():
            continue
        body = line.rstrip(b"\r\n")
        torn = len(body) == len(line)  # only the last line can lack its line end
        if len(body) > longest * 4:
            raise LoadError([Problem(f"a line of {len(body)} bytes is too long", path=path, line=number)])
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if torn:
                warnings.warn(TornLogWarning(path, number, repr(body[:60])), stacklevel=5)
                return
            raise LoadError([Problem(f"not UTF-8 text (byte {exc.start})", path=path, line=number)]) from None
        if len(text) > longest:
            raise LoadError([Problem(f"a line of {len(text)} characters is too long", path=path, line=number)])
        try:
            record = decoder.decode(text)
        except _DuplicateKey as exc:
            raise LoadError([Problem(f"duplicate key {exc.key!r}", path=path, line=number)]) from None
        except (ValueError, RecursionError) as exc:
            if torn:
                warnings.warn(TornLogWarning(path, number, text), stacklevel=5)
                return
            raise LoadError([Problem(f"malformed JSON: {exc}", path=path, line=number)]) from None
        if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(record):
            raise LoadError([Problem("text with a lone surrogate (\\ud800-\\udfff)", path=path, line=number)])
        yield number, record


def encode_event(
    event: Event,
    agreement: Agreement | None,
    *,
    field: str = "event",
    limits: Limits = DEFAULT_LIMITS,
    registry: Mapping[str, Source] | None = None,
) -> tuple[bytes | None, list[Problem]]:
    """``event`` as one JSON Lines line, and the problems loading that line back would report.

    The line is read back through :func:`read_event`, with the agreement's sources and
    ``limits``, so what :class:`~truce.EventLog` writes is exactly what loads.
    """
    problems = _Problems("", LoadError)
    try:
        data = event_to_data(event)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        line = (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return None, [Problem("text with a lone surrogate cannot be written as UTF-8", field=field)]
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, [Problem(f"cannot be written as JSON: {exc}", field=field)]
    if len(text) > limits.max_scalar * 2:
        return None, [Problem(f"its line of {len(text)} characters is too long to load back", field=field)]
    if registry is None:
        registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
    try:
        back = read_event(json.loads(text), registry=registry, field=field, problems=problems, limits=limits)
    except (ValueError, RecursionError) as exc:
        return None, [Problem(f"does not read back: {exc}", field=field)]
    if problems.items:
        return None, [Problem(p.message, field=p.field) for p in problems.items]
    if back is None or (back != event and event_to_data(back) != data):  # (a source's key is not written)
        return None, [Problem("does not read back equal", field=field)]
    return line, []


def _event_records(
    text: str | bytes, path: str, limits: Limits = DEFAULT_LIMITS, *, trusted: bool = False
) -> tuple[Iterable[tuple[int | None, Any]], object, object]:
    """``(line, raw event)`` pairs, the sources block and the ``agreement:`` key, from YAML or JSON Lines."""
    if path.endswith(JSONL_SUFFIXES):
        if len(text) > limits.max_log_bytes:
            raise LoadError([Problem(f"file is {len(text)} bytes; the limit is {limits.max_log_bytes}", path=path)])
        if isinstance(text, str):
            try:
                text = text.encode("utf-8")
            except UnicodeEncodeError:
                raise LoadError([Problem("text with a lone surrogate (\\ud800-\\udfff)", path=path)]) from None
        return _jsonl_records(text, path, limits), None, None
    data = read_yaml(text, path=path, limits=limits, max_bytes=limits.max_log_bytes, trusted=trusted)
    return _log_records(data, path)


def _log_records(data: Any, path: str) -> tuple[list[tuple[int | None, Any]], object, object]:
    """``(line, raw event)`` pairs, the sources block and the ``agreement:`` key, from a parsed YAML log."""
    if data is None:
        return [], None, None
    agreement_id = None
    if isinstance(data, Mapping):
        problems = _Problems(path, LoadError)
        _keys(data, ("agreement", "sources", "events"), "log", problems)
        problems.check()
        sources = data.get("sources")
        agreement_id = data.get("agreement")
        data = data.get("events") or []
    else:
        sources = None
    if not isinstance(data, list):
        raise LoadError([Problem(f"expected a list of events, got {_kind(data)}", path=path)])
    return [(getattr(item, "line", None), item) for item in data], sources, agreement_id


def load_events(
    path: str | Path,
    agreement: Agreement | None = None,
    *,
    text: str | bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
    _trusted: bool = False,
) -> list[Event]:
    """Read an event log (YAML list, YAML mapping with ``sources``/``events``, or JSON Lines).

    Source references (``key`` or ``key#locator``) resolve against the log's own
    ``sources`` and then the agreement's. Every problem is reported with its line. A JSON
    Lines log that :class:`~truce.EventLog` was writing a batch to when its writer was
    killed is read up to where the batch began (the batch was never acknowledged).
    """
    check_arguments(path=path, agreement=agreement, limits=limits, text=text)
    name = str(path)
    if text is None:
        text = _read_file(path, limits.max_log_bytes, log=name.endswith(JSONL_SUFFIXES))
    records, sources_block, agreement_id = _event_records(text, name, limits, trusted=_trusted)
    if agreement is not None and agreement_id is not None and str(agreement_id) != agreement.id:
        raise LoadError(
            [Problem(f"this log is for agreement {str(agreement_id)[:100]!r}, not {agreement.id!r}",
                     path=name, field="agreement")]
        )  # fmt: skip
    return _read_events(records, sources_block, name, agreement, limits)


def _before_unfinished_batch(data: bytes, path: str | os.PathLike[str], name: str) -> bytes:
    from pathlib import Path

    cut = pending_size(Path(path))
    if cut is None or cut >= len(data):
        return data
    line = data.count(b"\n", 0, cut) + 1
    warnings.warn(
        TornLogWarning(name, line, data[cut : cut + 60].decode("utf-8", "replace"),
                       what=f"an unfinished batch ({len(data) - cut} bytes; its writer stopped before it returned)"),
        stacklevel=4,
    )  # fmt: skip
    return data[:cut]


def check_event_dates(event: Event, agreement: Agreement | None, where: str, previous: dt.date | None) -> list[Problem]:
    """The date problems loading ``event`` would report: outside the agreement's life, before ``previous``."""
    problems = []
    day = event.date
    if not EARLIEST <= day <= LATEST:
        problems.append(
            Problem(f"{day} is outside the dates truce takes ({EARLIEST} to {LATEST})", field=f"{where}.date")
        )
    if agreement is not None:
        start = agreement.agreed or agreement.in_force
        if day < start:
            problems.append(Problem(f"dated before the agreement ({start})", field=f"{where}.date"))
        if agreement.ended is not None and day > agreement.ended:
            problems.append(Problem(f"dated after the agreement ended ({agreement.ended})", field=f"{where}.date"))
    if previous is not None and day < previous:
        problems.append(Problem(f"out of order: earlier than the event before it ({previous})", field=f"{where}.date"))
    return problems


def _read_events(
    records: Iterable[tuple[int | None, Any]],
    sources_block: object,
    name: str,
    agreement: Agreement | None,
    limits: Limits,
) -> list[Event]:
    if isinstance(records, list) and len(records) > limits.max_events:
        raise LoadError([Problem(f"{len(records)} events; the limit is {limits.max_events}", path=name)])
    problems = _Problems(name, LoadError)
    base = {s.key: s for s in agreement.sources if s.key} if agreement else {}
    registry = _read_registry(sources_block, "sources", problems, base)
    ended = agreement.ended if agreement else None
    events = []
    for n, (line, raw) in enumerate(records):
        before = len(problems.items)
        event = read_event(raw, registry=registry, field=f"events[{n}]", problems=problems, limits=limits)
        if event is not None and ended is not None and event.date > ended:
            problems.add(f"dated after the agreement ended ({ended})", f"events[{n}].date")
        for p in problems.items[before:]:
            p.line = p.line or line
        if event is not None:
            events.append(event)
        if len(problems.items) > 1000:
            break
    problems.check()
    return events


# --- files and bundled names ----------------------------------------------------------


def _read_file(path: str | os.PathLike[str], max_bytes: int, *, log: bool = False) -> bytes:
    """The file's bytes: a regular file only (not a FIFO, a device or a directory), and never
    more than ``max_bytes`` read, whatever ``stat`` says (``/proc`` files report size 0).

    ``log``: a JSON Lines event log, read under a shared ``flock`` so that no batch that
    :class:`~truce.EventLog` is writing at that moment is seen in part, and cut where a batch
    whose writer was killed began (its sidecar, read under the same lock).
    """
    import stat

    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO must not wait for a writer
    except FileNotFoundError:
        raise LoadError([Problem("no such file", path=name)]) from None
    except IsADirectoryError:
        raise LoadError([Problem("is a directory, not a file", path=name)]) from None
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=name)]) from None
    except (TypeError, ValueError) as exc:
        raise LoadError([Problem(f"not a file path: {exc}", path=name[:200])]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise LoadError([Problem("is a directory, not a file", path=name)])
        if not stat.S_ISREG(mode):
            raise LoadError([Problem("not a regular file (a device, a pipe or a socket)", path=name)])
        if log:
            _lock_shared(fd)
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise LoadError([Problem(f"file is {size} bytes; the limit is {max_bytes}", path=name)])
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise LoadError([Problem(f"file is more than {max_bytes} bytes; the limit is {max_bytes}", path=name)])
        data = b"".join(chunks)
        return _before_unfinished_batch(data, path, name) if log else data
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=name)]) from None
    finally:
        os.close(fd)


def _lock_shared(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: readers go unlocked, and honour the batch sidecar only
        return
    import contextlib

    # released when the file is closed; on a file system without locks, the sidecar still
    # marks an unfinished batch
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_SH)


def load_agreement(
    path: str | Path, *, text: str | bytes | None = None, limits: Limits = DEFAULT_LIMITS, _trusted: bool = False
) -> Agreement:
    """Read an agreement definition from a YAML (or JSON) file, within ``limits``."""
    check_arguments(path=path, limits=limits, text=text)
    name = str(path)
    raw = _read_file(path, limits.max_bytes) if text is None else text
    data = read_yaml(raw, path=name, limits=limits, trusted=_trusted)
    return read_agreement(data, path=name, limits=limits)


def agreements() -> list[str]:
    """Names of the bundled agreements, sorted.

    >>> "gaza-2025" in agreements()
    True
    """
    return bundled.names()


def _bundled_data(filename: str) -> Any:
    """A bundled YAML file's data (from the pre-parsed snapshot when it matches the file),
    or NotImplemented when there is no such file."""
    raw = bundled.read_bytes(filename)
    if raw is None:
        return NotImplemented
    data = bundled.parsed(filename, raw)
    if data is NotImplemented:
        data = read_yaml(raw, path=f"truce/agreements/{filename}", trusted=True)
    return data


def read_bundled(name: str) -> tuple[Agreement, list[Event]]:
    """A bundled agreement's definition and its sourced event log."""
    known = agreements()
    if not _NAME.match(name) or name not in known:
        raise LoadError([Problem(f"no bundled agreement named {name!r}; bundled: {', '.join(known)}")])
    label = f"truce/agreements/{name}"
    agreement = read_agreement(_bundled_data(f"{name}.yaml"), path=f"{label}.yaml")
    log = _bundled_data(f"{name}.events.yaml")
    if log is NotImplemented:
        return agreement, []
    records, sources, _ = _log_records(log, f"{label}.events.yaml")
    return agreement, _read_events(records, sources, f"{label}.events.yaml", agreement, DEFAULT_LIMITS)


# --- the batch sidecar an event log leaves while it writes (see truce.eventlog) ---------------


def pending_path(path: Path) -> Path:
    """The sidecar holding the size to cut back to while a batch is being written."""
    return path.with_name(path.name + ".pending")


def pending_size(path: Path) -> int | None:
    """The size ``path`` had before an unfinished batch, if one was cut short; else None.

    Readers stop there (the batch was never acknowledged); the next append cuts it off.
    A sidecar that cannot be read was itself cut short, before any of its batch was written.
    """
    try:
        raw = pending_path(path).read_bytes()
    except OSError:
        return None
    try:
        size = json.loads(raw)["size"]
    except (ValueError, KeyError, TypeError):
        return None
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None
