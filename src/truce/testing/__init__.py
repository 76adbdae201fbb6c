"""Hypothesis strategies, a reference fold and a stateful test for any agreement, yours or a bundled one.

Property-test your own agreement in three lines::

    from truce.testing import ceasefire_machine
    from my_project import my_agreement
    TestMyAgreement = ceasefire_machine(my_agreement).TestCase

The machine records random events, plans events that open transitions, fires
triggers, records batches, and asks ``as_of`` and ``what_if``; after every step it
holds the ceasefire against :class:`ReferenceFold`, a deliberately plain
re-implementation of what an event log means. So: the phase moved only along a
defined transition whose guard held that day, or by a sourced ``declared`` event
flagged irregular with exactly the unmet conditions; a rejected event or trigger
changed nothing; replaying the log gives the same state; ``as_of`` any recorded date
equals a fresh replay up to that date.

Requires ``hypothesis``: ``pip install 'truce-ceasefire[testing]'``; without it, importing
this package raises :class:`truce.MissingDependency` saying so.
"""

from __future__ import annotations

from truce.errors import MissingDependency

try:
    import hypothesis  # noqa: F401 - only to say what is missing before the submodules fail on it
except ImportError:  # pragma: no cover - exercised in a fresh venv by tests/test_packaging.py
    raise MissingDependency("hypothesis", "testing") from None

from truce.testing.generated import agreements, guards, synthetic_agreement
from truce.testing.machine import ceasefire_machine, check_step, format_events, record_each, replayed
from truce.testing.reference import ReferenceFold, reference_snapshot
from truce.testing.strategies import TEST_SOURCE, event_logs, events_for, guided_logs, spoiled_events

__all__ = [
    "TEST_SOURCE",
    "ReferenceFold",
    "agreements",
    "ceasefire_machine",
    "check_step",
    "event_logs",
    "events_for",
    "format_events",
    "guards",
    "guided_logs",
    "record_each",
    "reference_snapshot",
    "replayed",
    "spoiled_events",
    "synthetic_agreement",
]
