"""Writing agreement definitions back: plain data and YAML text that
:mod:`truce.definitions` reads into an equal agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from truce._reading import check_arguments
from truce.agreement import Agreement, Transition
from truce.obligations import Obligation
from truce.sources import Source

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
