"""The phase graph as a ``networkx`` graph (optional ``networkx`` extra), for graph analysis.

Phases are nodes; each transition is an edge (one per phase it leaves from), keyed by its
trigger, with its guard, and the guard's truth on the ceasefire's as-of date. Truth is
Kleene's three values (``"true"``, ``"false"``, ``"unknown"`` while a fact is unreported),
evaluated through the ceasefire's public answers (statuses, facts, phase entries), so the
graph says the same as :meth:`~truce.Ceasefire.blockers`.

>>> import truce
>>> graph = to_networkx(truce.load("docs/riverside.yaml"))
>>> graph.graph["phase"], graph.nodes["phase_one"]["current"], graph.nodes["phase_two"]["entered"]
('phase_one', True, None)
>>> edge = graph.edges["phase_one", "phase_two", "begin_phase_two"]
>>> edge["truth"], edge["leaves_current"]  # no report on the monitors yet
('unknown', True)
>>> graph.edges["phase_two", "completed", "complete"]["truth"]
'false'
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Any

from truce.errors import MissingDependency
from truce.guards import FactValue, evaluate
from truce.obligations import ANCHOR_IN_FORCE

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire
    from truce.status import ObligationState

__all__ = ["to_networkx"]


class _Answers:
    """A guard context read from a ceasefire's public answers on its as-of date."""

    def __init__(self, ceasefire: Ceasefire) -> None:
        self._ceasefire = ceasefire
        self._facts = ceasefire.facts
        self._entered: dict[str, dt.date] = {ANCHOR_IN_FORCE: ceasefire.agreement.in_force}
        for change in ceasefire.phase_history():
            self._entered.setdefault(change.to_phase, change.date)
        self.as_of = ceasefire.date

    def obligation_state(self, obligation: str) -> ObligationState:
        return self._ceasefire.status(obligation)

    def fact_value(self, name: str) -> FactValue | None:
        return self._facts.get(name)

    def anchor_date(self, anchor: str) -> dt.date | None:
        return self._entered.get(anchor)


def to_networkx(ceasefire: Ceasefire) -> Any:
    """A ``networkx.MultiDiGraph`` of the agreement's phases and transitions on the as-of date.

    Node attributes: ``text``, ``initial``, ``terminal``, ``current``, ``entered`` (the
    first day the phase was entered, or None). Edge attributes (the key is the trigger):
    ``trigger``, ``guard`` (its expression), ``truth`` and ``holds``, ``leaves_current``
    (whether the edge leaves the current phase, the only ones that can fire now),
    ``text`` and ``source``. Graph attributes: ``agreement``, ``as_of``, ``phase``.
    Needs ``truce-ceasefire[networkx]``.
    """
    try:
        networkx = importlib.import_module("networkx")
    except ImportError:
        raise MissingDependency("networkx", "networkx") from None
    agreement = ceasefire.agreement
    answers = _Answers(ceasefire)
    graph = networkx.MultiDiGraph(agreement=agreement.id, as_of=ceasefire.date, phase=ceasefire.phase)
    for phase in agreement.phases:
        graph.add_node(
            phase.id,
            text=phase.text,
            initial=phase.id == agreement.initial,
            terminal=phase.id in agreement.terminal,
            current=phase.id == ceasefire.phase,
            entered=answers.anchor_date(phase.id),
        )
    for transition in agreement.transitions:
        verdict = evaluate(transition.guard, answers)
        for source in transition.from_phases:
            graph.add_edge(
                source,
                transition.to_phase,
                key=transition.trigger,
                trigger=transition.trigger,
                guard=transition.guard.to_expr(),
                truth=verdict.truth.value,
                holds=verdict.holds,
                leaves_current=source == ceasefire.phase,
                text=transition.text,
                source=transition.source.cite() if transition.source else None,
            )
    return graph
