"""Provenance: which recorded facts rest on weak sources, and what each agreement cites.

A fact read on a copy of someone else's report (a mirror, a repost, an aggregator) may be
right, but nobody can check it at its publisher. :func:`copy_only` finds the events that
change recorded state (an obligation's status or count, a deadline, a fact's value, the
phase) on a copy alone; ``truce check`` warns about each. Claims and incidents are not in
that list: they record that someone said or reported something, not that it is so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from truce.agreement import Agreement
from truce.events import Event, EventKind
from truce.sources import Source, SourceKind

__all__ = ["STATE_CHANGING", "copy_only", "source_counts"]

#: The event kinds whose report changes recorded state, so whose source must bear weight.
STATE_CHANGING = frozenset(
    {
        EventKind.FULFILLED,
        EventKind.PROGRESS,
        EventKind.BREACHED,
        EventKind.WAIVED,
        EventKind.EXTENDED,
        EventKind.FACT,
        EventKind.TRANSITION,
        EventKind.DECLARED,
    }
)


def copy_only(events: Iterable[Event]) -> list[Event]:
    """The state-changing events whose only source is a ``copy``.

    An event carries one source; the same report made again (same day, kind, subject and
    value) by a stronger source corroborates it, so such an event is not listed.
    """
    events = list(events)
    strong = {
        _claim(e) for e in events if e.kind in STATE_CHANGING and e.source is not None and e.source.kind != "copy"
    }
    return [
        e
        for e in events
        if e.kind in STATE_CHANGING
        and e.source is not None
        and e.source.kind is SourceKind.COPY
        and _claim(e) not in strong
    ]


def _claim(event: Event) -> tuple[object, ...]:
    return (event.date, event.kind, event.subject, event.trigger or event.to, event.value, event.due)


def source_counts(agreement: Agreement, events: Iterable[Event] = ()) -> dict[str, int]:
    """How many distinct sources of each kind the definition and the log cite (defined but uncited ones do not count).

    Keys are the kinds in order of strength, then ``unclassified``; a source cited with
    different locators counts once.
    """
    seen: dict[tuple[object, ...], Source] = {}
    cited: list[Source | None] = [p.source for p in agreement.parties] + [o.source for o in agreement.obligations]
    cited += [f.source for f in agreement.facts] + [p.source for p in agreement.phases]
    cited += [t.source for t in agreement.transitions] + [e.source for e in events]
    for source in cited:
        if source is not None:
            seen.setdefault((source.title, source.publisher, source.date, source.url), source)
    counts = Counter(str(s.kind) if s.kind else "unclassified" for s in seen.values())
    order = [k.value for k in SourceKind] + ["unclassified"]
    return {kind: counts[kind] for kind in order if counts[kind]}
