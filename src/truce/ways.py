"""Ways out and paths: what blocks leaving the current phase, and each step of a longer route.

"What blocks phase two?" names one transition. Two questions an analyst asks next need
more than one. *What could happen next?* is every way out of the current phase, each with
its blockers (:class:`Exits`). *What stands between here and completion?* is the shortest
route of regular transitions to a phase further on, with what blocks each step
(:func:`path`). Only the first step can be judged as things stand: the later ones are
shown as the record has them today, so an obligation already met counts, while a
condition that counts days in a phase not yet entered cannot hold until that phase is.
Each later step says so (its ``caveat``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from truce.agreement import Agreement, Transition
from truce.blockers import DEFAULT_VIEW, Blocker, Blockers, describe_view, explain, nested_lines
from truce.guards import GuardContext
from truce.html import blockers_html, escape

__all__ = ["Exits", "exits", "path", "shortest_route"]


@attrs.frozen
class Exits:
    """Every way out of the current phase on one day, each with what blocks it.

    One :class:`~truce.Blockers` per transition leaving the phase, in the definition's
    order (two triggers to one phase are two ways; one trigger to two phases, two ways).
    ``open`` lists the ways that would be taken if their trigger fired today. Truthy when
    there are ways out and none is open (as a :class:`Blockers` is truthy when something
    blocks its move); a phase no transition leaves has no ways out, is falsy (nothing
    blocks; there is nowhere to go) and has a ``note`` saying whether it is terminal.
    A trigger takes the first of its routes whose guard holds, so a later route whose
    guard holds too is not open: its ``note`` says where the trigger goes instead.
    """

    agreement: str
    phase: str
    as_of: dt.date
    ways: tuple[Blockers, ...]
    note: str | None = None
    view: str = DEFAULT_VIEW

    @property
    def open(self) -> tuple[Blockers, ...]:
        """The ways out that would be taken if their trigger fired today."""
        return tuple(way for way in self.ways if not way and way.note is None)

    @property
    def blocked(self) -> bool:
        """True when there are ways out and none of them is open."""
        return bool(self.ways) and not self.open

    def __bool__(self) -> bool:
        return self.blocked

    def __iter__(self) -> Iterator[Blockers]:
        return iter(self.ways)

    def __len__(self) -> int:
        return len(self.ways)

    def __getitem__(self, index: int) -> Blockers:
        return self.ways[index]

    def headline(self) -> str:
        if self.note:
            return f"{self.phase}: {self.note}"
        opened = ", ".join(f"{way.trigger} (-> {way.to_phase})" for way in self.open)
        state = f"open: {opened}" if opened else "none open"
        count = f"{len(self.ways)} way{'s' if len(self.ways) != 1 else ''} out"
        return f"{self.phase} as of {self.as_of}: {count}, {state}"

    def __str__(self) -> str:
        lines = [self.headline()]
        if self.view != DEFAULT_VIEW:
            lines.append(f"  view: {self.view}")
        for way in self.ways:
            lines += ["", *(f"  {line}" for line in nested_lines(way))]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = f"<p><strong>{escape(self.headline())}</strong><br><small>view: {escape(self.view)}</small></p>"
        return "<div>" + head + "".join(blockers_html(way) for way in self.ways) + "</div>"

    def to_dict(self) -> dict[str, Any]:
        """Plain data that ``json.dumps`` accepts: the ways out, each as :meth:`Blockers.to_dict`."""
        return {
            "agreement": self.agreement,
            "phase": self.phase,
            "as_of": self.as_of.isoformat(),
            "blocked": self.blocked,
            "open": [way.trigger for way in self.open],
            "note": self.note,
            "view": self.view,
            "ways": [way.to_dict() for way in self.ways],
        }


def _leaving(agreement: Agreement, phase: str) -> dict[str, list[Transition]]:
    """The transitions leaving ``phase``, grouped by destination in the definition's order."""
    ways: dict[str, list[Transition]] = {}
    for transition in agreement.transitions_from(phase):
        ways.setdefault(transition.to_phase, []).append(transition)
    return ways


def exits(agreement: Agreement, context: GuardContext, phase: str, view: str | None = None) -> Exits:
    """Every way out of ``phase`` as ``context`` has it: one :class:`Blockers` per transition."""
    ways: list[Blockers] = []
    taken: dict[str, str] = {}  # trigger -> the destination its first holding route goes to
    for transition in agreement.transitions_from(phase):
        way = explain(agreement, context, phase, [transition], view)
        if not way.unmet:
            if transition.trigger in taken:
                went = taken[transition.trigger]
                way = attrs.evolve(way, note=f"nothing blocks it, but {transition.trigger} goes to {went} first")
            else:
                taken[transition.trigger] = transition.to_phase
        ways.append(way)
    note = None
    if not ways:
        terminal = phase in agreement.terminal
        note = "terminal, no transition leaves it" if terminal else "a dead end: no transition leaves it (not terminal)"
    return Exits(agreement.id, phase, context.as_of, tuple(ways), note=note, view=describe_view(view))


def shortest_route(agreement: Agreement, phase: str, target: str) -> list[str] | None:
    """The phases from ``phase`` to ``target`` by the fewest regular transitions, or None.

    Breadth first over the definition's transitions, in their order, so ties go to the
    route the definition lists first. The route never passes through a terminal phase.
    """
    came_from: dict[str, str | None] = {phase: None}
    queue = deque([phase])
    while queue:
        here = queue.popleft()
        if here == target:
            route = [here]
            while (before := came_from[route[-1]]) is not None:
                route.append(before)
            return route[::-1]
        if here in agreement.terminal:
            continue
        for there in _leaving(agreement, here):
            if there not in came_from:
                came_from[there] = here
                queue.append(there)
    return None


def path(agreement: Agreement, context: GuardContext, route: list[str], view: str | None = None) -> Blockers:
    """What blocks each step of ``route`` (phases, the current one first), as one report.

    The report's conditions are every step's, each once (unmet if unmet at any step); its
    ``steps`` hold one :class:`Blockers` per step, the later ones with a ``caveat``.
    """
    steps = []
    for here, there in itertools.pairwise(route):
        routes = _leaving(agreement, here)[there]
        step = explain(agreement, context, here, routes, view)
        if here != route[0]:
            caveat = f"judged on the record as it stands; it can be decided only once {here} is entered"
            step = attrs.evolve(step, caveat=caveat)
        steps.append(step)
    unmet = _once(c for step in steps for c in step.unmet)
    conditions = {c.condition for c in unmet}
    met = _once(c for step in steps for c in step.met if c.condition not in conditions)
    return Blockers(
        agreement.id,
        steps[0].trigger,
        route[0],
        route[-1],
        context.as_of,
        unmet,
        met,
        guard=" ; then ".join(step.guard for step in steps),
        view=describe_view(view),
        steps=tuple(steps),
    )


def _once(blockers: Iterable[Blocker]) -> tuple[Blocker, ...]:
    seen: dict[str, Blocker] = {}
    for blocker in blockers:
        seen.setdefault(blocker.condition, blocker)
    return tuple(seen.values())
