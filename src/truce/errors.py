"""Every error truce raises, in one hierarchy, so callers can catch ``TruceError``.

Definition-time problems (a bad agreement file) are kept apart from run-time ones
(a trigger whose guard does not hold), as python-statemachine does::

    TruceError
    ├── DefinitionError        an agreement that cannot exist (also ValueError)
    │   └── AssumptionError    scenario assumptions that cannot hold (see truce.assumptions)
    ├── LoadError              a file or bundled name that cannot be read (also ValueError)
    ├── EventError             an event that cannot be recorded (also ValueError)
    ├── DateError              a date outside the agreement's life (also ValueError)
    ├── UnknownName            a name that is not defined (also KeyError)
    ├── MissingDependency      an optional extra that is not installed (also ImportError)
    ├── ArgumentError          an argument of the wrong type (also TypeError)
    ├── LogWriteError          the disk refused an event log write; nothing was left written (also OSError)
    └── TransitionError        a trigger that cannot fire now
        ├── IllegalTransition  no such trigger from the current phase
        └── TransitionBlocked  the trigger exists but its guard does not hold

Errors keep structured attributes (``.problems``, ``.path``, ``.field``, ``.trigger``,
``.phase``, ``.blockers``) and build their message from them, so code can inspect
what a person reads.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from truce.blockers import Blockers

__all__ = [
    "ArgumentError",
    "AssumptionError",
    "DateError",
    "DefinitionError",
    "EventError",
    "IllegalTransition",
    "LoadError",
    "LogWriteError",
    "MissingDependency",
    "Problem",
    "TornLogWarning",
    "TransitionBlocked",
    "TransitionError",
    "TruceError",
    "UnknownName",
]


#: A problem's message is cut here in what people read (a refused value can be 100,000 characters).
_LONGEST = 500


class TruceError(Exception):
    """Root of every error truce raises on purpose."""


class Problem:
    """One thing wrong with an input: where (file, line, field) and what.

    Several problems are gathered into one error so that a file with five bad
    references is fixed in one pass, not five.
    """

    __slots__ = ("field", "line", "message", "path")

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path + (f":{self.line}" if self.line else ""))
        elif self.line:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        prefix = ": ".join(where)
        message = self.message
        if len(message) > _LONGEST:
            message = f"{message[:_LONGEST]}... ({len(message):,} characters)"
        return f"{prefix}: {message}" if prefix else message

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def what_is(value: object) -> str:
    """What a refused value is, in the words of the file it came from: ``a mapping``, ``a list``,
    ``a number``, ``text``, ``true/false``, ``nothing``, never a Python type name such as ``dict``
    (or a reader's internal ``LineDict``).

    >>> what_is({"date": "2025-04-09"}), what_is(7), what_is(None)
    ('a mapping', 'a number', 'nothing')
    """
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    return f"a {type(value).__name__}"  # an object from Python code: its class is what its author knows


class _ProblemsError(TruceError, ValueError):
    """An input error that lists every problem found, not only the first."""

    what = "invalid input"
    #: Problems listed in the message; the rest are counted ("and 19,950 more") but kept in ``.problems``.
    shown = 20

    def __init__(self, problems: Iterable[Problem | str], *, path: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem(p, path=path) for p in problems
        )
        self.path = path or next((p.path for p in self.problems if p.path), None)
        first = self.problems[0] if self.problems else None
        self.field = first.field if first else None
        self.line = first.line if first else None
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems ({self.what}):"]
        lines += [f"  - {p}" for p in self.problems[: self.shown]]
        if len(self.problems) > self.shown:
            lines.append(f"  - and {len(self.problems) - self.shown:,} more")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,), {"path": self.path})


class DefinitionError(_ProblemsError):
    """The agreement definition is invalid: duplicate ids, unknown references, bad guards."""

    what = "invalid agreement definition"


class AssumptionError(DefinitionError):
    """Scenario assumptions that cannot hold: an unknown obligation, a negative delay, a probability outside [0, 1].

    Each problem names its entry (``obligations.x.delay``), as definition errors do.
    """

    what = "invalid assumptions"


class LoadError(_ProblemsError):
    """A file or bundled name cannot be read: malformed YAML/JSON, unknown name, unsafe path."""

    what = "cannot load"


class EventError(_ProblemsError):
    """An event cannot be recorded: unknown names, wrong order, missing fields."""

    what = "invalid event"


class DateError(TruceError, ValueError):
    """A date truce cannot answer for: before the agreement existed, or not a date at all."""


class UnknownName(TruceError, KeyError):
    """A phase, trigger, party, obligation or fact that the agreement does not define."""

    def __init__(self, kind: str, name: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(sorted(known))
        super().__init__(name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.name, self.known))

    def __str__(self) -> str:
        msg = f"unknown {self.kind} {self.name!r}"
        if self.known:
            msg += f"; known: {', '.join(self.known)}"
        return msg


#: The name truce is published under on PyPI ("truce" there is an unrelated package); the import name is truce.
DISTRIBUTION = "truce-ceasefire"


class MissingDependency(TruceError, ImportError):
    """A feature needs an optional extra that is not installed; the message says how to get it."""

    def __init__(self, module: str, extra: str | None = None, *, install: str | None = None) -> None:
        self.module = module
        self.extra = extra
        self.install = install
        how = install or f"pip install '{DISTRIBUTION}[{extra}]'"
        super().__init__(f"this needs {module}, which is not installed: {how}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), (self.module, self.extra), {"install": self.install}))


class ArgumentError(TruceError, TypeError, ValueError):
    """A bad argument to a public function: the wrong type (a list where a mapping goes) or a
    value outside the choices (``format="gif"``). Also a ``TypeError`` and a ``ValueError``."""


_Class = TypeVar("_Class", bound=type)


def refusing_with(error: type[_ProblemsError]) -> Callable[[_Class], _Class]:
    """Class decorator: a constructor that refuses its arguments raises ``error`` (a TruceError and a
    ``ValueError``) for a bad value and :class:`ArgumentError` for a bad type or a missing argument,
    instead of attrs' bare ``ValueError``/``TypeError``. The message is kept as it was."""

    def decorate(cls: _Class) -> _Class:
        init: Callable[..., None] = cls.__init__  # type: ignore[misc]

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            try:
                init(self, *args, **kwargs)
            except TruceError:
                raise
            except ValueError as exc:
                raise error([str(exc)]) from None
            except TypeError as exc:
                raise ArgumentError(str(exc)) from None

        cls.__init__ = __init__  # type: ignore[misc]
        return cls

    return decorate


class LogWriteError(TruceError, OSError):
    """The disk refused an event log write (full, read-only, not a regular file).

    The log is left as it was before the call: whatever part of the batch reached the file
    was cut off again, or will be on the next append if even that failed (see
    :class:`truce.EventLog`). Nothing was acknowledged.
    """


class TornLogWarning(UserWarning):
    """An event log ends in something never acknowledged: an incomplete last line (a write cut
    short), or a batch whose writer was killed before it returned (``what`` says which). The
    events before it are kept.

    Appending through :class:`truce.EventLog` moves torn bytes aside to ``LOG.torn`` and cuts
    an unfinished batch off before writing, so the log is whole again.
    """

    def __init__(self, path: str, line: int, text: str, *, what: str = "torn last line (an incomplete write?)") -> None:
        self.path = path
        self.line = line
        self.text = text
        self.what = what
        super().__init__(f"{path}:{line}: {what} ignored: {text[:60]!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), (self.path, self.line, self.text), {"what": self.what}))


class TransitionError(TruceError):
    """A trigger cannot fire in the current phase; the ceasefire is left exactly as it was."""

    def __init__(self, message: str, *, trigger: str, phase: str) -> None:
        self.trigger = trigger
        self.phase = phase
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        # keyword-only attributes: the default reduce would call cls(message) and fail
        return (_rebuild, (type(self), (str(self),), {"trigger": self.trigger, "phase": self.phase}))


class IllegalTransition(TransitionError):
    """No transition with this trigger (or to this phase) leaves the current phase."""


class TransitionBlocked(TransitionError):
    """The transition exists but its guard does not hold; ``.blockers`` says why."""

    def __init__(self, blockers: Blockers) -> None:
        self.blockers = blockers
        super().__init__(
            f"{blockers.trigger} is blocked: {blockers}",
            trigger=blockers.trigger,
            phase=blockers.phase,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.blockers,))


def _rebuild(cls: type[Exception], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Exception:
    """Unpickle an error whose constructor takes keyword arguments (process pools need this)."""
    return cls(*args, **kwargs)
