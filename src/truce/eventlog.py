"""A durable event log: append-only JSON Lines on disk that never loses an acknowledged event.

The promises, and how each is kept:

* **Nothing is written that would not load back.** Every event of a batch is checked
  before a byte is written, with the checks loading applies: its line is made and read
  back through the loader (types, numbers, lengths, sources), its names are looked up in
  the agreement, its date lies in the agreement's life and in order (inside the batch and
  after the log's last event), and the log stays within ``max_events`` and
  ``max_log_bytes``. A refused batch raises :class:`~truce.EventError` and the file is
  untouched.
* **Whole lines from several writers.** Each append takes an exclusive lock on the file
  (``flock``; a :class:`threading.Lock` too, for threads sharing one ``EventLog``).
* **All or none per batch, through any fault.** The batch goes in one write, then one
  ``fsync``; only then does the call return, and only then is the batch acknowledged. If
  the write or the ``fsync`` fails (a full disk), the file is cut back to its size before
  the batch, under the lock. If the process is killed between write and cut, a small
  sidecar ``LOG.pending``, written and synced before a batch of several events, holds the
  size to cut back to: the next append repairs the log from it, and readers stop there.
* **Crashes.** A single event is one line, so a write cut short leaves at most a torn last
  line, never acknowledged: loading keeps the events before it with a
  :class:`~truce.TornLogWarning`, and the next append cuts back to the last line end
  (however far back) and moves the torn bytes to ``LOG.torn``. A last line that is complete
  but has lost its line end (a hand edit) parses, so it is kept and given its line end.

>>> import truce, tempfile, pathlib
>>> riverside = truce.load("docs/riverside.yaml")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "riverside.events.jsonl"
>>> live = truce.Ceasefire(riverside.agreement).log_to(path)
>>> live.record(truce.Event("2025-04-02", "incident", text="shots fired", reported_by="mediator"))
>>> [e.text for e in truce.EventLog(path, riverside.agreement).read()]
['shots fired']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import stat
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from truce._files import pending_path, pending_size
from truce.agreement import Agreement
from truce.errors import ArgumentError, EventError, LoadError, LogWriteError, Problem
from truce.events import Event, EventKind
from truce.limits import DEFAULT_LIMITS, Limits
from truce.logs import JSONL_SUFFIXES, check_event_dates, encode_event, load_events

if TYPE_CHECKING:
    from pathlib import Path  # imported where a log is opened: a ceasefire that never logs needs no pathlib

__all__ = ["EventLog"]

#: How much of the file is read at a time when looking back for a line end or counting lines.
_CHUNK = 1 << 20

# The system calls that touch the log, as module attributes so that tests can inject
# faults (a full disk, an fsync that fails) without a small file system.
_write = os.write
_fsync = os.fsync


class EventLog:
    """An append-only JSON Lines log of one agreement's events, safe across processes, threads and crashes.

    ``agreement`` is needed to check names and dates before writing; without it only the
    event's own shape, the date order and the limits are checked.
    """

    def __init__(
        self, path: str | os.PathLike[str], agreement: Agreement | None = None, *, limits: Limits = DEFAULT_LIMITS
    ) -> None:

        if not isinstance(path, str | os.PathLike):
            raise ArgumentError(f"path: expected a file path, got {type(path).__name__}")
        if agreement is not None and not isinstance(agreement, Agreement):
            raise ArgumentError(f"agreement: expected an Agreement, got {type(agreement).__name__}")
        if not isinstance(limits, Limits):
            raise ArgumentError(f"limits: expected Limits, got {type(limits).__name__}")
        from pathlib import Path

        self.path = Path(path)
        self.agreement = agreement
        self.limits = limits
        self._lock = threading.Lock()
        # (device, inode, size, lines) as last seen under the file lock: the log only grows
        # while nobody repairs it, so the next count starts there instead of at byte 0.
        self._seen: tuple[int, int, int, int] | None = None

    def __repr__(self) -> str:
        return f"EventLog({str(self.path)!r})"

    def read(self) -> list[Event]:
        """Every complete event in the log (a missing file is an empty log)."""

        if not self.path.exists():
            return []
        return load_events(self.path, self.agreement, limits=self.limits)

    def append(self, event: Event) -> None:
        """Write ``event`` durably: checked, locked, one whole line, flushed and fsynced before returning."""
        self.append_all([event])

    def append_all(self, events: Iterable[Event]) -> None:
        """Write ``events`` durably, all or none: every event is checked and every line made
        before any is written, then they go in one locked write and one fsync.

        Raises :class:`~truce.EventError` (nothing written) for an event that would not load
        back, and :class:`~truce.LogWriteError` (nothing left written) when the disk refuses.
        """
        if isinstance(events, Event):
            events = [events]
        try:
            batch = list(events)
        except TypeError:
            raise ArgumentError(f"events: expected a list of events, got {type(events).__name__}") from None
        if not batch:
            return
        data = self.check(batch)
        import fcntl

        with self._lock:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    self._append(fd, batch, data)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    # --- checking ------------------------------------------------------------------------

    def check(self, events: list[Event]) -> bytes:
        """The lines ``events`` would add, after every check that does not need the file.

        Raises :class:`~truce.EventError` naming each refused event by its position. The
        checks that need the file (the last event's date, the event count, the size) are
        made again under the lock by :meth:`append_all`.
        """

        if not self.path.name.endswith(JSONL_SUFFIXES):
            raise EventError(
                [Problem("an event log is written as JSON Lines: name it NAME.events.jsonl", path=str(self.path))]
            )
        lines = []
        problems: list[Problem] = []
        previous: dt.date | None = None
        agreement = self.agreement
        registry = {s.key: s for s in agreement.sources if s.key} if agreement else {}
        triggers = frozenset(agreement.triggers) if agreement else frozenset()
        for n, event in enumerate(events):
            where = f"events[{n}]"
            if not isinstance(event, Event):
                problems.append(Problem(f"expected an Event, got {type(event).__name__}", field=where))
                continue
            line, found = encode_event(event, agreement, field=where, limits=self.limits, registry=registry)
            problems += found
            problems += check_event_dates(event, agreement, where, previous)
            previous = event.date if previous is None or event.date > previous else previous
            if agreement is not None:
                problems += _name_problems(agreement, triggers, event, where)
            if line is not None:
                lines.append(line)
            if len(problems) > 100:
                break
        if problems:
            raise EventError([_at(p, self.path) for p in problems])
        return b"".join(lines)

    # --- the file --------------------------------------------------------------------------

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise LogWriteError(exc.errno, f"cannot open for appending: {exc.strerror}", str(self.path)) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise LogWriteError(errno.EINVAL, "not a regular file", str(self.path))
        return fd

    def _append(self, fd: int, batch: list[Event], data: bytes) -> None:
        size = self._repair(fd)
        last = self._last_date(fd, size)
        if last is not None and batch[0].date < last:
            raise EventError(
                [Problem(f"out of order: earlier than the log's last event ({last})", path=str(self.path))]
            )
        lines = self._lines(fd, size)
        if lines + len(batch) > self.limits.max_events:
            raise EventError(
                [Problem(f"the log would hold {lines + len(batch)} events; the limit is {self.limits.max_events}",
                         path=str(self.path))]
            )  # fmt: skip
        if size + len(data) > self.limits.max_log_bytes:
            raise EventError(
                [Problem(f"the log would be {size + len(data)} bytes; the limit is {self.limits.max_log_bytes}",
                         path=str(self.path))]
            )  # fmt: skip
        self._write(fd, size, data, framed=len(batch) > 1)
        st = os.fstat(fd)
        self._seen = (st.st_dev, st.st_ino, size + len(data), lines + len(batch))

    def _write(self, fd: int, size: int, data: bytes, *, framed: bool) -> None:
        """Write ``data`` at the end and fsync; on any failure cut the file back to ``size``."""
        if framed:
            self._begin(size)
        try:
            view = memoryview(data)
            while view:
                written = _write(fd, view)
                view = view[written:]
            _fsync(fd)
        except BaseException as exc:
            self._undo(fd, size, framed=framed)
            if isinstance(exc, OSError):
                raise LogWriteError(
                    exc.errno, f"cannot write the log ({exc.strerror}); nothing was written", str(self.path)
                ) from None
            raise
        if framed:
            self._end()

    def _begin(self, size: int) -> None:
        """Write and sync the sidecar before a batch: after a kill, it says where to cut back to."""
        sidecar = pending_path(self.path)
        try:
            fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                _write(fd, json.dumps({"size": size}).encode() + b"\n")
                _fsync(fd)
            finally:
                os.close(fd)
            _sync_directory(self.path)
        except OSError as exc:
            sidecar.unlink(missing_ok=True)
            raise LogWriteError(
                exc.errno, f"cannot write the batch sidecar ({exc.strerror}); nothing was written", str(sidecar)
            ) from None

    def _end(self) -> None:
        """The batch is on disk: remove the sidecar, durably, so no later open cuts the batch."""
        pending_path(self.path).unlink(missing_ok=True)
        _sync_directory(self.path)

    def _undo(self, fd: int, size: int, *, framed: bool) -> None:
        try:
            os.ftruncate(fd, size)
            _fsync(fd)
        except OSError:
            return  # the sidecar (if any) stays: the next open cuts back from it
        if framed:
            with contextlib.suppress(OSError):
                self._end()

    def _repair(self, fd: int) -> int:
        """Cut off an unfinished batch and a torn last line; return the size after repair."""
        size = os.fstat(fd).st_size
        cut = pending_size(self.path)
        if cut is not None or pending_path(self.path).exists():
            if cut is not None and cut < size:
                os.ftruncate(fd, cut)
                _fsync(fd)
                size = cut
            self._end()
        if size == 0:
            return 0
        if os.pread(fd, 1, size - 1) in (b"\n", b"\r"):
            return size
        start = _line_start(fd, size)
        tail = os.pread(fd, size - start, start) if size - start <= self.limits.max_scalar * 8 else b""
        if _parses(tail):
            # a complete line that lost its line end (a hand edit): keep it, end it
            view = memoryview(b"\n")
            while view:
                view = view[_write(fd, view) :]
            _fsync(fd)
            return size + 1
        self._move_aside(fd, start, size)
        os.ftruncate(fd, start)
        _fsync(fd)
        return start

    def _move_aside(self, fd: int, start: int, end: int) -> None:
        """Copy the torn bytes to ``LOG.torn`` (synced) before they are cut from the log."""
        torn = self.path.with_name(self.path.name + ".torn")
        with torn.open("ab") as aside:
            at = start
            while at < end:
                chunk = os.pread(fd, min(_CHUNK, end - at), at)
                if not chunk:
                    break
                aside.write(chunk)
                at += len(chunk)
            aside.write(b"\n")
            aside.flush()
            os.fsync(aside.fileno())

    def _last_date(self, fd: int, size: int) -> dt.date | None:
        """The date of the last event in the file (whose last line is complete), or None."""
        end = size
        while end > 0:
            start = _line_start(fd, end - 1)
            line = os.pread(fd, end - start, start).strip()
            if line:
                try:
                    return dt.date.fromisoformat(json.loads(line.removeprefix(b"\xef\xbb\xbf"))["date"][:10])
                except (ValueError, KeyError, TypeError, IndexError, RecursionError):
                    raise LoadError(
                        [Problem("the last line is not an event; repair the log first", path=str(self.path))]
                    ) from None
            end = start
        return None

    def _lines(self, fd: int, size: int) -> int:
        """How many lines the file holds (an upper bound on its events), counted once and then
        only over what other writers added since."""
        st = os.fstat(fd)
        seen = self._seen
        if seen is not None and seen[:2] == (st.st_dev, st.st_ino) and seen[2] <= size:
            return seen[3] + _count_lines(fd, seen[2], size)
        return _count_lines(fd, 0, size)


def _line_start(fd: int, end: int) -> int:
    """The offset just after the last line end before ``end`` (0 if there is none): however far back."""
    at = end
    while at > 0:
        start = max(0, at - _CHUNK)
        chunk = os.pread(fd, at - start, start)
        cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        if cut >= 0:
            return start + cut + 1
        at = start
    return 0


def _count_lines(fd: int, start: int, end: int) -> int:
    """Line ends (``\\n``, ``\\r\\n`` or a lone ``\\r``) between ``start`` and ``end``."""
    count = 0
    previous = b""
    at = start
    while at < end:
        chunk = os.pread(fd, min(_CHUNK, end - at), at)
        if not chunk:
            break
        count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if previous == b"\r" and chunk[:1] == b"\n":
            count -= 1
        previous = chunk[-1:]
        at += len(chunk)
    return count


def _parses(line: bytes) -> bool:
    text = line.removeprefix(b"\xef\xbb\xbf").strip()
    if not text:
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _sync_directory(path: Path) -> None:
    """fsync the directory, so a created or removed sidecar survives a power cut."""
    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        _fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _at(problem: Problem, path: Path) -> Problem:
    return problem if problem.path else Problem(problem.message, field=problem.field, path=str(path), line=problem.line)


def _name_problems(agreement: Agreement, triggers: frozenset[str], event: Event, where: str) -> list[Problem]:
    """The names ``event`` uses that ``agreement`` does not define (loading it back would refuse them)."""
    problems = []
    for name, known in (
        ("obligation", agreement.has_obligation),
        ("fact", agreement.has_fact),
        ("party", agreement.has_party),
        ("to", agreement.has_phase),
    ):
        value = getattr(event, name)
        if value is not None and not known(value):
            problems.append(Problem(f"unknown {'phase' if name == 'to' else name} {value!r}", field=f"{where}.{name}"))
    if event.trigger is not None and event.trigger not in triggers:
        problems.append(Problem(f"unknown trigger {event.trigger!r}", field=f"{where}.trigger"))
    if (
        event.kind is EventKind.PROGRESS
        and event.obligation is not None
        and agreement.has_obligation(event.obligation)
        and agreement.obligation(event.obligation).measure is None
    ):
        problems.append(Problem("progress on an obligation that has no measure", field=f"{where}.obligation"))
    return problems
