"""Blockers: the answer to "what blocks phase two?", with who owes what, since when, on whose word.

A :class:`Blockers` is built from a guard's verdict and the ledger on one day. It is
falsy when nothing blocks, iterates over the unmet conditions, prints as a readable
report, and turns into plain JSON-ready data with :meth:`Blockers.to_dict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from truce.agreement import Agreement, Transition
from truce.dates import days
from truce.guards import AnyOf, FactCompare, Fulfilled, Guard, GuardContext, StatusIs, Verdict, evaluate
from truce.html import blockers_html
from truce.sources import Source

__all__ = [
    "DEFAULT_VIEW",
    "Blocker",
    "Blockers",
    "describe_leaf",
    "describe_view",
    "explain",
    "name_move",
    "nested_lines",
    "routes_guard",
]

#: Whose account a report is evaluated on when no party's view is asked for (see truce.views).
DEFAULT_VIEW = "reported facts (claims kept apart)"


def describe_view(party: str | None) -> str:
    """The ``view`` line of a report: reported facts, or one party's claims over them."""
    return DEFAULT_VIEW if party is None else f"as {party} claims it (reported facts where it made no claim)"


@attrs.frozen
class Blocker:
    """One condition of a guard on one day: met or not, and everything known about it.

    For an obligation: the owing party, its status, since when it is owed, its deadline
    (and the original one if extended), days overdue, how late a fulfilment came (against
    the deadline in force and the original one), measure progress. For a fact: its
    last reported value (``value``, None while unreported) and the day it was reported
    (``since``). ``sources`` cite the obligation's or fact's text and the latest report.
    """

    condition: str
    met: bool
    truth: str
    reason: str
    obligation: str | None = None
    text: str | None = None
    party: str | None = None
    party_name: str | None = None
    status: str | None = None
    since: dt.date | None = None
    due: dt.date | None = None
    original_due: dt.date | None = None
    days_overdue: int | None = None
    late_by: int | None = None
    late_by_original: int | None = None
    progress: float | None = None
    target: float | None = None
    unit: str | None = None
    disputed: bool = False
    #: who claims what, when disputed: each party's latest claim (party, asserted status)
    claims: tuple[tuple[str, str], ...] = ()
    dispute: str | None = None
    fact: str | None = None
    value: object = None
    sources: tuple[Source, ...] = ()

    def line(self) -> str:
        """The report line: mark, subject, party, status, deadline."""
        mark = "ok" if self.met else ("?" if self.truth == "unknown" else "x")
        subject = self.obligation or self.fact or self.condition
        bits = [f"  {mark} {subject}"]
        if self.obligation:
            bits.append(self.party or "(no party)")
        if self.obligation and self.status:
            status = self.status
            if self.progress is not None and self.target is not None and not self.met:
                status += f", {_number(self.progress)} of {_number(self.target)} {self.unit or ''}".rstrip()
            if self.met and self.since:
                status += f" {self.since}"
                late = _lateness(self.late_by, self.late_by_original, self.due, self.original_due)
                status += f", {late}" if late else ""
            elif self.since:
                status += f", owed since {self.since}"
            bits.append(status)
            if self.due and not self.met:
                due = f"due {self.due}"
                if self.original_due and self.original_due != self.due:
                    due += f" (originally {self.original_due})"
                if self.days_overdue:
                    due += f", overdue {days(self.days_overdue)}"
                bits.append(due)
            elif not self.met and self.due is None:
                bits.append("no deadline stated")
            if self.disputed:
                bits.append(f"DISPUTED ({self.dispute})" if self.dispute else "DISPUTED")
        else:
            bits.append(self.reason)
        return "  ".join(bits)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in attrs.fields(Blocker):
            value = getattr(self, field.name)
            if field.name == "sources":
                out["sources"] = [s.to_dict() for s in value]
            elif field.name == "claims":
                out["claims"] = dict(value)
            elif isinstance(value, dt.date):
                out[field.name] = value.isoformat()
            elif isinstance(value, dt.date | str | int | float | bool) or value is None:
                out[field.name] = value
            else:
                out[field.name] = str(value)
        return out


def _lateness(late_by: int | None, original: int | None, due: dt.date | None, first: dt.date | None) -> str:
    """``3 days late (due …)``, against the deadline in force and the original one."""
    if not late_by and not original:
        return ""
    text = f"{days(late_by)} late (due {due})" if late_by else f"on time (due {due})"
    if original and first and first != due:
        text += f", {days(original)} after the original deadline {first}"
    return text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def describe_leaf(verdict: Verdict, agreement: Agreement, context: GuardContext) -> Blocker:
    """Turn one leaf verdict into a :class:`Blocker` with everything the ledger knows.

    Only the leaf's own obligation is read, so a report costs what its guard names, not
    what the agreement holds.
    """
    guard = verdict.guard
    as_of = context.as_of
    common: dict[str, Any] = {
        "condition": guard.to_expr(),
        "met": verdict.holds,
        "truth": verdict.truth.value,
        "reason": verdict.reason,
    }
    if isinstance(guard, Fulfilled | StatusIs):
        state = context.obligation_state(guard.obligation)
        obligation = state.obligation
        party = agreement.party(obligation.party) if obligation.party else None
        measure = obligation.measure
        sources = [obligation.source]
        if state.evidence is not None and state.evidence.source is not None:
            sources.append(state.evidence.source)
        return Blocker(
            **common,
            obligation=obligation.id,
            text=obligation.text,
            party=party.id if party else None,
            party_name=party.name if party else None,
            status=str(state.status_on(as_of)),
            since=state.since if verdict.holds else state.active_since,
            due=state.due,
            original_due=state.original_due,
            days_overdue=state.days_overdue_on(as_of),
            late_by=state.late_by,
            late_by_original=state.late_by_original,
            progress=state.progress,
            target=measure.target if measure else None,
            unit=measure.unit if measure else None,
            disputed=state.disputed,
            claims=state.claimed if state.disputed else (),
            dispute=state.dispute(),
            sources=tuple(dict.fromkeys(sources)),
        )
    if isinstance(guard, FactCompare):
        fact = agreement.fact(guard.fact)
        reported = context.fact_value(guard.fact)
        report = reported.event if reported is not None else None
        cited = (fact.source, getattr(report, "source", None))
        return Blocker(
            **common,
            fact=fact.id,
            text=fact.text,
            value=reported.value if reported is not None else None,
            since=reported.date if reported is not None else None,
            sources=tuple(dict.fromkeys(s for s in cited if isinstance(s, Source))),
        )
    return Blocker(**common)


@attrs.frozen
class Blockers:
    """What stands between the current phase and a target, on a given day.

    Falsy when nothing blocks. Iterating gives the unmet conditions; ``met`` holds the
    ones already satisfied, for context. ``note`` explains the no-transition cases
    (already there). ``view`` says whose account of the facts was used.

    For a phase further than one step away, ``steps`` holds what blocks each step of
    the shortest route (see :mod:`truce.ways`) and the conditions are all the steps'; a
    step after the first carries a ``caveat``: it is judged on today's record but can
    be decided only once the step before it has happened.
    """

    agreement: str
    trigger: str
    phase: str
    to_phase: str
    as_of: dt.date
    unmet: tuple[Blocker, ...]
    met: tuple[Blocker, ...] = ()
    guard: str = "true"
    note: str | None = None
    view: str = "reported facts (claims kept apart)"
    steps: tuple[Blockers, ...] = ()
    caveat: str | None = None

    def __bool__(self) -> bool:
        return bool(self.unmet)

    @property
    def blocked(self) -> bool:
        """True when some condition is unmet: what ``bool()`` and ``to_dict()["blocked"]`` say."""
        return bool(self.unmet)

    def __iter__(self) -> Iterator[Blocker]:
        return iter(self.unmet)

    def __len__(self) -> int:
        return len(self.unmet)

    def __getitem__(self, index: int) -> Blocker:
        return self.unmet[index]

    @property
    def obligations(self) -> list[str]:
        """Ids of the unmet obligations, in guard order."""
        return [b.obligation for b in self.unmet if b.obligation]

    def headline(self) -> str:
        if self.steps:
            route = ", ".join(step.trigger for step in self.steps)
            move = f"{self.phase} -> {self.to_phase} ({len(self.steps)} steps: {route})"
        else:
            move = f"{self.phase} -> {self.to_phase} ({self.trigger})"
        if self.note:
            return f"{move}: {self.note}"
        total = len(self.unmet) + len(self.met)
        if not self.unmet:
            return f"{move} open as of {self.as_of}: all {total} conditions met"
        return f"{move} blocked as of {self.as_of}: {len(self.unmet)} of {total} conditions unmet"

    def __str__(self) -> str:
        lines = [self.headline()]
        if self.view != DEFAULT_VIEW:  # a party's view: say whose, every time
            lines.append(f"  view: {self.view}")
        if self.caveat:
            lines.append(f"  ({self.caveat})")
        if self.steps:
            for number, step in enumerate(self.steps, 1):
                head, *body = nested_lines(step)
                lines += ["", f"  step {number}: {head}", *(f"  {line}" for line in body)]
            return "\n".join(lines)
        for blocker in (*self.unmet, *self.met):
            lines.append(blocker.line())
            if blocker.text and not blocker.met:
                lines.append(f"      {blocker.text}")
            for source in blocker.sources:
                lines.append(f"      [source: {source.cite()}]")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return blockers_html(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (str, int, float, bool, None, lists, dicts) that ``json.dumps`` accepts."""
        return {
            "agreement": self.agreement,
            "trigger": self.trigger,
            "phase": self.phase,
            "to_phase": self.to_phase,
            "as_of": self.as_of.isoformat(),
            "blocked": bool(self),
            "guard": self.guard,
            "note": self.note,
            "view": self.view,
            "unmet": [b.to_dict() for b in self.unmet],
            "met": [b.to_dict() for b in self.met],
            "caveat": self.caveat,
            "steps": [step.to_dict() for step in self.steps],
        }


def nested_lines(report: Blockers) -> list[str]:
    """A report's text lines to nest in a larger one, which says whose view once for all.

    Split on newlines only: a ``\r`` or line separator in data stays text (shown escaped).
    """
    return [line for line in str(report).split("\n") if not line.startswith("  view: ")]


def routes_guard(routes: list[Transition]) -> Guard:
    """The guard of reaching a target by any of ``routes``: the one guard, or their ``or``."""
    return routes[0].guard if len(routes) == 1 else AnyOf(tuple(t.guard for t in routes))


def name_move(routes: list[Transition], verdict: Verdict) -> tuple[str, str]:
    """The trigger and destination a report about ``routes`` names, given their guard's verdict.

    One trigger and one destination are named as they are. When the routes differ (two
    triggers lead to the phase asked about, or one trigger leads to two phases), the
    report names what would happen now: the first route whose guard holds, which is the
    one the machine takes; when none holds, every candidate, joined by ``or``.
    """
    triggers = list(dict.fromkeys(t.trigger for t in routes))
    destinations = list(dict.fromkeys(t.to_phase for t in routes))
    if len(triggers) == 1 and len(destinations) == 1:
        return triggers[0], destinations[0]
    holds = [verdict.holds] if len(routes) == 1 else [child.holds for child in verdict.children]
    taken = next((route for route, held in zip(routes, holds, strict=True) if held), None)
    if taken is not None:
        return taken.trigger, taken.to_phase
    return " or ".join(triggers), " or ".join(destinations)


def explain(
    agreement: Agreement,
    context: GuardContext,
    phase: str,
    routes: list[Transition],
    view: str | None = None,
) -> Blockers:
    """What blocks leaving ``phase`` by any of ``routes`` as ``context`` has it.

    Each condition is listed once, unmet ones first, with what the record says of it.
    """
    guard = routes_guard(routes)
    verdict = evaluate(guard, context)
    trigger, to_phase = name_move(routes, verdict)

    def unique(leaves: tuple[Verdict, ...]) -> tuple[Blocker, ...]:
        seen: dict[str, Blocker] = {}
        for leaf in leaves:
            expr = leaf.guard.to_expr()
            if expr not in seen:
                seen[expr] = describe_leaf(leaf, agreement, context)
        return tuple(seen.values())

    return Blockers(
        agreement.id,
        trigger,
        phase,
        to_phase,
        context.as_of,
        unique(verdict.unmet()),
        unique(verdict.met()),
        guard=guard.to_expr(),
        view=describe_view(view),
    )
