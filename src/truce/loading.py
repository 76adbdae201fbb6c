"""Loading agreements and event logs: the entry points, and the agreements bundled with truce.

The work is done in the modules below: files become plain data (:mod:`truce._yaml`,
:mod:`truce._files`), plain data becomes frozen objects (:mod:`truce.definitions`,
:mod:`truce.logs`), and every problem found on the way is collected with its file, line and
field into one :class:`~truce.LoadError` or :class:`~truce.DefinitionError`. The public names
of those modules are re-exported here, where they have always been importable.
"""

from __future__ import annotations

import re
from typing import Any

from truce import _bundled as bundled
from truce._files import pending_path as pending_path
from truce._files import pending_size as pending_size
from truce._reading import check_arguments
from truce._yaml import read_yaml
from truce.agreement import Agreement
from truce.definitions import load_agreement, read_agreement
from truce.dumping import agreement_to_data as agreement_to_data
from truce.dumping import dump_agreement
from truce.errors import LoadError, Problem
from truce.events import Event
from truce.limits import DEFAULT_LIMITS
from truce.logs import JSONL_SUFFIXES as JSONL_SUFFIXES
from truce.logs import _log_records, _read_events, event_to_data, load_events
from truce.logs import check_event_dates as check_event_dates
from truce.logs import encode_event as encode_event
from truce.logs import read_event as read_event

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

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


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
