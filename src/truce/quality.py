"""Data-quality warnings on an event log that loads: what is legal but probably a mistake.

A log can be well-formed and still say something its author did not mean: a fact reported
as the text ``"true"`` where a guard tests ``== true`` (the comparison is then false
whatever was meant), a count above the obligation's target, an "extension" that moves a
deadline earlier, an event nobody can check because it cites no source. Refusing these
would refuse true data written loosely, so :func:`concerns` only names them;
:func:`truce.verify` turns them into warnings, and ``truce check --strict`` into errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from truce.agreement import Agreement
from truce.events import Event, EventKind
from truce.guard_tree import _OPS
from truce.guards import FactCompare, walk

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["Concern", "concerns"]

#: ``(code, ids, message)``: what :func:`truce.verify` makes a warning of.
Concern = tuple[str, tuple[str, ...], str]


def concerns(ceasefire: Ceasefire) -> Iterator[Concern]:
    """Every data-quality concern about ``ceasefire``'s events, in log order within each kind.

    >>> import truce
    >>> riverside = truce.load_agreement("docs/riverside.yaml")
    >>> unsourced = truce.Event("2025-04-02", "fulfilled", obligation="detainees_released")
    >>> [code for code, _ids, _message in concerns(truce.Ceasefire(riverside, [unsourced]))]
    ['unsourced-event']
    """
    agreement, events = ceasefire.agreement, ceasefire.events
    yield from _unsourced(events)
    yield from _above_target(agreement, events)
    yield from _fact_types(agreement, events)
    yield from _earlier_deadlines(ceasefire)


def _unsourced(events: Iterable[Event]) -> Iterator[Concern]:
    for event in events:
        if event.source is None:
            subject = event.subject or event.trigger or event.to or event.party
            yield (
                "unsourced-event",
                (subject,) if subject else (),
                f"{_what(event)} has no source: nobody can check it",
            )


def _above_target(agreement: Agreement, events: Iterable[Event]) -> Iterator[Concern]:
    targets = {o.id: o.measure for o in agreement.obligations if o.measure is not None}
    for event in events:
        measure = targets.get(event.obligation or "") if event.kind is EventKind.PROGRESS else None
        if measure is not None and isinstance(event.value, int | float) and event.value > measure.target:
            yield (
                "progress-above-target",
                (event.obligation or "",),
                f"{_what(event)}: {_number(event.value)} is above the target of {_number(measure.target)} "
                f"{measure.unit} (progress is the count so far, and reaching the target fulfils it)",
            )


def _fact_types(agreement: Agreement, events: Iterable[Event]) -> Iterator[Concern]:
    tests: dict[str, list[tuple[str, FactCompare]]] = {}
    for transition in agreement.transitions:
        for node in walk(transition.guard):
            if isinstance(node, FactCompare):
                tests.setdefault(node.fact, []).append((transition.trigger, node))
    for event in events:
        if event.fact is None or event.value is None or event.kind not in (EventKind.FACT, EventKind.CLAIM):
            continue
        for trigger, compare in tests.get(event.fact, ()):
            given, wanted = _type_of(event.value), _type_of(compare.value)
            if given != wanted:
                yield (
                    "fact-type-mismatch",
                    (event.fact, trigger),
                    f"{_what(event)}: {event.value!r} ({given}) is tested by {compare.to_expr()} ({wanted}) "
                    f"in {trigger}, which is {_outcome(event.value, compare)} on it whatever was meant",
                )


def _earlier_deadlines(ceasefire: Ceasefire) -> Iterator[Concern]:
    for state in ceasefire.obligations:
        before = state.original_due
        for extension in state.extensions:
            if before is not None and extension.due is not None and extension.due < before:
                yield (
                    "deadline-moved-earlier",
                    (state.obligation.id,),
                    f"{_what(extension)} moves the deadline to {extension.due}, earlier than {before}: "
                    "an extension gives more time (record an earlier deadline in the definition)",
                )
            before = extension.due or before


def _outcome(value: object, compare: FactCompare) -> str:
    """What the comparison gives on ``value``, as the guard evaluates it (a type error is false)."""
    try:
        holds = _OPS[compare.op](value, compare.value)
    except TypeError:
        holds = False
    return "always true" if holds else "always false"


def _what(event: Event) -> str:
    subject = event.subject or event.trigger or event.to
    return f"{event.date} {event.kind}" + (f" {subject}" if subject else "")


def _type_of(value: object) -> str:
    """The kind of value a guard can compare: ``true/false``, ``number`` or ``text``."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    return "text"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
