"""A durable event log: append-only JSON Lines on disk that never loses an acknowledged event.

Each :meth:`EventLog.append` takes an exclusive lock on the file (``fcntl.flock``), so two
processes appending at once interleave whole lines; writes the event as one line; and
flushes and ``fsync``\\ s it before returning. A write cut short by a crash can only leave
an incomplete *last* line, which was never acknowledged: loading reports it with a
:class:`~truce.TornLogWarning` and keeps every complete event before it, and the next
append moves the torn bytes aside to ``LOG.torn`` before writing.

Under the lock the log also refuses an event dated before its last one, so a log
written by several processes stays in date order and always loads.

>>> import truce, tempfile, pathlib
>>> riverside = truce.load("docs/riverside.yaml")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "riverside.events.jsonl"
>>> live = truce.Ceasefire(riverside.agreement).log_to(path)
>>> live.record(truce.Event("2025-04-02", "incident", text="shots fired", reported_by="mediator"))
>>> [e.text for e in truce.EventLog(path, riverside.agreement).read()]
['shots fired']
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from typing import IO

from truce.agreement import Agreement
from truce.errors import EventError, LoadError, Problem
from truce.events import Event
from truce.limits import DEFAULT_LIMITS, Limits
from truce.loading import event_to_data, load_events

__all__ = ["EventLog"]

_TAIL = 64 * 1024


class EventLog:
    """An append-only JSON Lines log of one agreement's events, safe across processes and crashes."""

    def __init__(
        self, path: str | os.PathLike[str], agreement: Agreement | None = None, *, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.path = Path(path)
        self.agreement = agreement
        self.limits = limits

    def __repr__(self) -> str:
        return f"EventLog({str(self.path)!r})"

    def read(self) -> list[Event]:
        """Every complete event in the log (a missing file is an empty log)."""
        if not self.path.exists():
            return []
        return load_events(self.path, self.agreement, limits=self.limits)

    def append(self, event: Event) -> None:
        """Write ``event`` durably: locked, one whole line, flushed and fsynced before returning."""
        self.append_all([event])

    def append_all(self, events: list[Event]) -> None:
        """Write ``events`` durably, all or none: every line is made before any is written,
        then they go in one locked write, flushed and fsynced once.

        A crash during the write leaves at most a torn last line, which the next append
        moves aside; nothing was acknowledged until the fsync returned.
        """
        if not events:
            return
        lines = b"".join(
            (json.dumps(event_to_data(event), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
            for event in events
        )
        try:
            handle = self.path.open("a+b")
        except OSError as exc:
            raise LoadError([Problem(f"cannot open for appending: {exc.strerror}", path=str(self.path))]) from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                last = self._repair_and_last_date(handle)
                if last is not None and events[0].date < last:
                    raise EventError(
                        [Problem(f"out of order: earlier than the log's last event ({last})", path=str(self.path))]
                    )
                handle.seek(0, os.SEEK_END)
                handle.write(lines)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _repair_and_last_date(self, handle: IO[bytes]) -> dt.date | None:
        """Move a torn tail aside (it was never acknowledged) and return the last event's date."""
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return None
        start = max(0, size - _TAIL)
        handle.seek(start)
        tail = handle.read()
        if not tail.endswith(b"\n"):
            cut = tail.rfind(b"\n") + 1  # 0 when the whole tail is one torn line
            torn = tail[cut:]
            with self.path.with_name(self.path.name + ".torn").open("ab") as aside:
                aside.write(torn + b"\n")
                aside.flush()
                os.fsync(aside.fileno())
            handle.truncate(start + cut)
            handle.flush()
            os.fsync(handle.fileno())
            tail = tail[:cut]
        lines = [line for line in tail.split(b"\n") if line.strip()]
        if not lines:
            return None
        try:
            return dt.date.fromisoformat(json.loads(lines[-1])["date"][:10])
        except (ValueError, KeyError, TypeError):
            raise LoadError(
                [Problem("the last line is not an event; repair the log first", path=str(self.path))]
            ) from None
