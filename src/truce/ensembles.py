"""Scenario ensembles: when could each phase open, how likely by a date, and what holds it back.

:func:`ensemble` draws ``n`` futures from stated :class:`~truce.Assumptions`, each starting
from the ceasefire's snapshot on its as-of date (see :mod:`truce.scenario`), and counts
what happened: per phase the distribution of entry dates, the probability of collapse
first, and per transition its *bottlenecks* (how often each condition was the last one met
before it fired). The result, an :class:`Ensemble`, echoes the assumptions it rests on.

It runs on any ``concurrent.futures.Executor``-like object (anything with
``submit(fn, *args)`` returning a future with ``result()`` and ``cancel()``): in process by
default, a ``ProcessPoolExecutor``, or a Dask ``distributed.Client`` for a cluster. The
scenarios are cut into chunks; each chunk's counts are merged as it finishes (so memory
is bounded by the horizon, not by ``n``), at most ``max_pending`` chunks are in flight,
and Ctrl-C returns what finished. A seed makes the run identical bit for bit whatever the
executor and the chunking: every scenario draws from its own generator.

>>> import truce
>>> december = truce.load("gaza-2025", as_of="2025-12-29")
>>> assumptions = truce.Assumptions(obligations={"deceased_hostages_remains_returned": truce.Delay.fixed(10)})
>>> result = truce.ensemble(december, assumptions, 20, seed=1)
>>> result.outlook("phase_two").quantile(0.5)
datetime.date(2026, 1, 8)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from truce.assumptions import Assumptions, load_assumptions
from truce.dates import DateLike, to_date
from truce.ensemble_results import Ensemble, PhaseOutlook
from truce.errors import DateError
from truce.scenario import Parcel, Simulator, Start, Tally, collapse_phase, run_chunk

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["Ensemble", "PhaseOutlook", "ensemble"]

#: The horizon when none is given: two years from the start.
DEFAULT_HORIZON = dt.timedelta(days=730)
#: Runs this long show a progress bar (in a terminal or Jupyter) unless told otherwise.
PROGRESS_FROM = 50_000


class Executor(Protocol):
    """What :func:`ensemble` needs of an executor: ``submit``, as concurrent.futures and Dask have it."""

    def submit(self, fn: Any, /, *args: Any) -> Any: ...


def _entropy(seed: int) -> int:
    """64 bits from any integer seed: the stream every scenario's generator is seeded from."""
    return int.from_bytes(hashlib.blake2b(str(seed).encode(), digest_size=8).digest(), "big")


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for begin in range(0, n, size):
        yield begin, min(begin + size, n)


class _Bar:
    """A rich progress bar, or nothing."""

    def __init__(self, total: int, show: bool | None) -> None:
        self._progress: Any = None
        if show is None:
            show = total >= PROGRESS_FROM and _interactive()
        if show:
            from rich.progress import Progress

            self._progress = Progress(transient=True)
            self._task = self._progress.add_task("scenarios", total=total)

    def __enter__(self) -> _Bar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, count: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, count)


def _interactive() -> bool:
    from rich.console import Console

    console = Console(stderr=True)
    return console.is_terminal or console.is_jupyter


def ensemble(
    ceasefire: Ceasefire,
    assumptions: Assumptions | str | Path,
    n: int,
    *,
    until: DateLike | None = None,
    executor: Executor | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    max_pending: int = 8,
    progress: bool | None = None,
) -> Ensemble:
    """Run ``n`` scenarios of ``ceasefire`` from its as-of date to ``until`` under ``assumptions``.

    ``assumptions`` is an :class:`~truce.Assumptions` or the path of a YAML file (see
    :func:`~truce.load_assumptions`); it is checked against the agreement first. ``until``
    defaults to two years after the as-of date. ``executor`` runs the chunks (in this
    process when None); ``seed`` (any integer) makes the run reproducible whatever the
    executor and ``chunk_size``; without one a seed is drawn and reported in the result.
    ``progress`` shows a bar (default: on runs of 50,000 or more, in a terminal or Jupyter).
    Interrupting (Ctrl-C) returns the scenarios finished so far (``result.complete`` is False).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive number of scenarios, got {n!r}")
    agreement = ceasefire.agreement
    if not isinstance(assumptions, Assumptions):
        assumptions = load_assumptions(assumptions, agreement=agreement)
    assumptions.check(agreement)
    start_day = ceasefire.date
    try:
        end = start_day + DEFAULT_HORIZON if until is None else to_date(until, field="until")
    except ValueError as exc:
        raise DateError(str(exc)) from None
    if end < start_day:
        raise DateError(f"until: {end} is before the start date {start_day}")
    if seed is None:
        seed = random.SystemRandom().getrandbits(63)
    start = Start.of(ceasefire, assumptions, end, _entropy(seed))
    size = chunk_size if chunk_size is not None else max(200, min(20_000, -(-n // 32)))
    if size < 1:
        raise ValueError(f"chunk_size must be positive, got {size!r}")
    tally = Tally()
    with _Bar(n, progress) as bar:
        try:
            if executor is None:
                simulator = Simulator(start)
                for begin, stop in _chunks(n, size):
                    tally.merge(simulator.tally(begin, stop))
                    bar.advance(stop - begin)
            else:
                _run_on(executor, start, _chunks(n, size), max(1, max_pending), tally, bar)
        except KeyboardInterrupt:
            pass  # what finished is in the tally; the result says it is incomplete
    return _result(start, ceasefire, assumptions, seed, n, tally)


def _run_on(
    executor: Executor, start: Start, chunks: Iterator[tuple[int, int]], window: int, tally: Tally, bar: _Bar
) -> None:
    """Submit chunks, at most ``window`` in flight, merging results in submission order."""
    pending: deque[Any] = deque()
    parcel = Parcel.of(start)
    try:
        for begin, stop in chunks:
            pending.append(executor.submit(run_chunk, parcel, begin, stop))
            if len(pending) >= window:
                done = pending.popleft().result()
                tally.merge(done)
                bar.advance(done.scenarios)
        while pending:
            done = pending.popleft().result()
            tally.merge(done)
            bar.advance(done.scenarios)
    finally:
        for future in pending:
            future.cancel()


def _result(start: Start, ceasefire: Ceasefire, assumptions: Assumptions, seed: int, n: int, tally: Tally) -> Ensemble:
    agreement = ceasefire.agreement
    before = {phase for phase, _ in start.entered}
    phases = []
    for phase in agreement.phase_ids:
        days: dict[int, int] = tally.entries.get(phase, {})
        phases.append(
            PhaseOutlook(
                phase,
                tally.scenarios,
                ceasefire.date,
                dt.date.fromordinal(start.until),
                tuple((dt.date.fromordinal(day), days[day]) for day in sorted(days)),
                tally.irregular.get(phase, 0),
                tally.collapse_first.get(phase, 0),
                phase in before,
            )
        )
    bottlenecks = {
        trigger: tuple(sorted(causes.items(), key=lambda item: (-item[1], item[0])))
        for trigger, causes in sorted(tally.bottlenecks.items())
    }
    destinations = {t.trigger: t.to_phase for t in agreement.transitions}
    return Ensemble(
        agreement.id,
        agreement.title,
        assumptions,
        ceasefire.date,
        dt.date.fromordinal(start.until),
        seed,
        n,
        tally.scenarios,
        tuple(phases),
        bottlenecks,
        destinations,
        tuple(sorted(tally.final.items())),
        collapse_phase(agreement, assumptions),
    )
