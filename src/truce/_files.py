"""Reading a file safely (a regular file only, never more than a limit, a log under a
shared lock), and the batch sidecar an event log leaves while it writes.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import TYPE_CHECKING

from truce.errors import LoadError, Problem, TornLogWarning

if TYPE_CHECKING:
    from pathlib import Path  # imported where a file is read: bundled data needs no pathlib


# --- files -----------------------------------------------------------------------------


def _read_file(path: str | os.PathLike[str], max_bytes: int, *, log: bool = False) -> bytes:
    """The file's bytes: a regular file only (not a FIFO, a device or a directory), and never
    more than ``max_bytes`` read, whatever ``stat`` says (``/proc`` files report size 0).

    ``log``: a JSON Lines event log, read under a shared ``flock`` so that no batch that
    :class:`~truce.EventLog` is writing at that moment is seen in part, and cut where a batch
    whose writer was killed began (its sidecar, read under the same lock).
    """
    import stat

    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO must not wait for a writer
    except FileNotFoundError:
        raise LoadError([Problem("no such file", path=name)]) from None
    except IsADirectoryError:
        raise LoadError([Problem("is a directory, not a file", path=name)]) from None
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=name)]) from None
    except (TypeError, ValueError) as exc:
        raise LoadError([Problem(f"not a file path: {exc}", path=name[:200])]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise LoadError([Problem("is a directory, not a file", path=name)])
        if not stat.S_ISREG(mode):
            raise LoadError([Problem("not a regular file (a device, a pipe or a socket)", path=name)])
        if log:
            _lock_shared(fd)
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise LoadError([Problem(f"file is {size} bytes; the limit is {max_bytes}", path=name)])
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise LoadError([Problem(f"file is more than {max_bytes} bytes; the limit is {max_bytes}", path=name)])
        data = b"".join(chunks)
        return _before_unfinished_batch(data, path, name) if log else data
    except OSError as exc:
        raise LoadError([Problem(f"cannot read: {exc.strerror}", path=name)]) from None
    finally:
        os.close(fd)


def _lock_shared(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: readers go unlocked, and honour the batch sidecar only
        return
    import contextlib

    # released when the file is closed; on a file system without locks, the sidecar still
    # marks an unfinished batch
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_SH)


def _before_unfinished_batch(data: bytes, path: str | os.PathLike[str], name: str) -> bytes:
    from pathlib import Path

    cut = pending_size(Path(path))
    if cut is None or cut >= len(data):
        return data
    line = data.count(b"\n", 0, cut) + 1
    warnings.warn(
        TornLogWarning(name, line, data[cut : cut + 60].decode("utf-8", "replace"),
                       what=f"an unfinished batch ({len(data) - cut} bytes; its writer stopped before it returned)"),
        stacklevel=4,
    )  # fmt: skip
    return data[:cut]


# --- the batch sidecar an event log leaves while it writes (see truce.eventlog) ---------------


def pending_path(path: Path) -> Path:
    """The sidecar holding the size to cut back to while a batch is being written."""
    return path.with_name(path.name + ".pending")


def pending_size(path: Path) -> int | None:
    """The size ``path`` had before an unfinished batch, if one was cut short; else None.

    Readers stop there (the batch was never acknowledged); the next append cuts it off.
    A sidecar that cannot be read was itself cut short, before any of its batch was written.
    """
    try:
        raw = pending_path(path).read_bytes()
    except OSError:
        return None
    try:
        size = json.loads(raw)["size"]
    except (ValueError, KeyError, TypeError):
        return None
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None
