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
import html
import importlib
import random
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from truce.assumptions import Assumptions, load_assumptions
from truce.dates import DateLike, to_date
from truce.errors import DateError, MissingDependency, UnknownName
from truce.frames import _pandas
from truce.scenario import Simulator, Start, Tally, collapse_phase, run_chunk

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


@attrs.frozen
class PhaseOutlook:
    """When one phase was first entered across the scenarios, with the chances that go with it.

    ``entries`` pairs each entry date with how many scenarios entered the phase on it (a
    phase entered before the start has every scenario on its real date). Dates are only
    counted up to ``until``: a scenario that had not entered the phase by then counts as
    not entered, and quantiles beyond the horizon are None.
    """

    phase: str
    scenarios: int
    start: dt.date
    until: dt.date
    entries: tuple[tuple[dt.date, int], ...]
    irregular: int = 0
    collapse_first: int = 0
    before_start: bool = False

    @property
    def entered(self) -> int:
        """How many scenarios entered the phase by ``until``."""
        return sum(count for _, count in self.entries)

    def probability(self, by: DateLike | None = None) -> float:
        """P(entered by the end of ``by``), ``until`` if not given."""
        if not self.scenarios:
            return 0.0
        day = self.until if by is None else to_date(by, field="by")
        return sum(count for date, count in self.entries if date <= day) / self.scenarios

    def quantile(self, q: float) -> dt.date | None:
        """The first date by which a share ``q`` of the scenarios had entered (None: not by ``until``)."""
        if not 0 < q <= 1:
            raise ValueError(f"q must be in (0, 1], got {q!r}")
        needed = q * self.scenarios
        seen = 0
        for date, count in self.entries:
            seen += count
            if seen >= needed - 1e-9 * self.scenarios:
                return date
        return None

    def curve(self) -> tuple[tuple[dt.date, float], ...]:
        """P(entered by date) at each date some scenario entered: the steps of the curve."""
        seen = 0
        points = []
        for date, count in self.entries:
            seen += count
            points.append((date, seen / self.scenarios))
        return tuple(points)

    @property
    def p_irregular(self) -> float:
        """Share of scenarios that entered this phase by a declared move whose guard did not hold."""
        return self.irregular / self.scenarios if self.scenarios else 0.0

    @property
    def p_collapse_first(self) -> float:
        """Share of scenarios in which the ceasefire collapsed before this phase was entered."""
        return self.collapse_first / self.scenarios if self.scenarios else 0.0


@attrs.frozen
class Ensemble:
    """What ``n`` scenarios under stated assumptions say; ``str()`` gives the report.

    ``scenarios`` is how many finished (fewer than ``requested`` if the run was stopped);
    ``seed`` reproduces the run bit for bit. ``bottlenecks`` maps each trigger to the
    conditions that were the last met before it fired (counts, most frequent first).
    """

    agreement: str
    title: str
    assumptions: Assumptions
    start: dt.date
    until: dt.date
    seed: int
    requested: int
    scenarios: int
    phases: tuple[PhaseOutlook, ...]
    bottlenecks: dict[str, tuple[tuple[str, int], ...]]
    destinations: dict[str, str]
    final: tuple[tuple[str, int], ...]
    collapse_phase: str | None = None

    @property
    def complete(self) -> bool:
        return self.scenarios == self.requested

    def outlook(self, phase: str) -> PhaseOutlook:
        for outlook in self.phases:
            if outlook.phase == phase:
                return outlook
        raise UnknownName("phase", phase, [o.phase for o in self.phases])

    def probability(self, phase: str, by: DateLike | None = None) -> float:
        """P(``phase`` entered by ``by``), the horizon if not given."""
        return self.outlook(phase).probability(by)

    @property
    def p_collapse(self) -> float:
        """Share of scenarios that collapsed (entered the collapse phase) after the start, by ``until``."""
        if self.collapse_phase is None or not self.scenarios:
            return 0.0
        outlook = self.outlook(self.collapse_phase)
        return 0.0 if outlook.before_start else outlook.probability()

    def bottleneck_ranking(self, target: str) -> list[tuple[str, float]]:
        """For a trigger (or the phase it leads to): each last-met condition and its share of the moves."""
        triggers = [target] if target in self.destinations else [t for t, p in self.destinations.items() if p == target]
        if not triggers:
            raise UnknownName("trigger or phase", target, [*self.destinations, *set(self.destinations.values())])
        counts: dict[str, int] = {}
        for trigger in triggers:
            for cause, count in self.bottlenecks.get(trigger, ()):
                counts[cause] = counts.get(cause, 0) + count
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(cause, count / total) for cause, count in ranked]

    # --- views ---------------------------------------------------------------------

    def _header(self) -> str:
        stopped = "" if self.complete else f" (stopped: {self.scenarios:,} of {self.requested:,} finished)"
        return (
            f"{self.agreement}: {self.scenarios:,} scenarios from {self.start} to {self.until} "
            f"(seed {self.seed}){stopped}"
        )

    def describe(self) -> str:
        """The report as text: per phase, bottlenecks, collapse, and the assumptions it rests on."""
        lines = [self._header(), "Under the assumptions below; a what-if distribution, not a forecast.", ""]
        lines.append(f"{'phase':<18} {'P(by ' + str(self.until) + ')':>17}  {'10%':<10}  {'median':<10}  {'90%':<10}")
        for outlook in self.phases:
            if outlook.before_start:
                when = outlook.entries[0][0] if outlook.entries else None
                lines.append(f"{outlook.phase:<18} {'entered ' + str(when):>17}")
                continue
            marks = [_day(outlook.quantile(q)) for q in (0.1, 0.5, 0.9)]
            extra = []
            if outlook.collapse_first and outlook.phase != self.collapse_phase:
                extra.append(f"collapse first {outlook.p_collapse_first:.1%}")
            if outlook.irregular:
                extra.append(f"irregular {outlook.p_irregular:.1%}")
            lines.append(
                f"{outlook.phase:<18} {outlook.probability():>17.1%}  {marks[0]:<10}  {marks[1]:<10}  {marks[2]:<10}"
                + (f"  {', '.join(extra)}" if extra else "")
            )
        if self.bottlenecks:
            lines += ["", "bottlenecks (the last condition met before each move):"]
            for trigger in self.destinations:
                if trigger not in self.bottlenecks:
                    continue
                ranked = ", ".join(f"{cause} {share:.0%}" for cause, share in self.bottleneck_ranking(trigger)[:4])
                lines.append(f"  {trigger} -> {self.destinations[trigger]}: {ranked}")
        if self.collapse_phase is not None:
            lines += ["", f"collapse ({self.collapse_phase}) by {self.until}: {self.p_collapse:.1%}"]
        lines += ["", "assumptions:"] + [f"  {line}" for line in self.assumptions.describe().splitlines()]
        if self.assumptions.note:
            lines.append(f"  note: {self.assumptions.note}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        escape = html.escape
        rows = []
        for outlook in self.phases:
            if outlook.before_start:
                when = outlook.entries[0][0] if outlook.entries else None
                cells = [escape(outlook.phase), f"entered {when}", "", "", "", ""]
            else:
                cells = [
                    escape(outlook.phase),
                    f"{outlook.probability():.1%}",
                    *(_day(outlook.quantile(q)) for q in (0.1, 0.5, 0.9)),
                    f"{outlook.p_collapse_first:.1%}" if outlook.phase != self.collapse_phase else "",
                ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        head = "".join(
            f"<th>{escape(h)}</th>" for h in ("phase", f"P(by {self.until})", "10%", "median", "90%", "collapse first")
        )
        bottlenecks = "".join(
            f"<li>{escape(trigger)} → {escape(self.destinations[trigger])}: "
            + escape(", ".join(f"{c} {s:.0%}" for c, s in self.bottleneck_ranking(trigger)[:4]))
            + "</li>"
            for trigger in self.destinations
            if trigger in self.bottlenecks
        )
        assumptions = "".join(f"<li>{escape(line)}</li>" for line in self.assumptions.describe().splitlines())
        return (
            f"<div><strong>{escape(self._header())}</strong>"
            "<p><em>Under the assumptions below; a what-if distribution, not a forecast.</em></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p>Bottlenecks (the last condition met before each move):</p><ul>{bottlenecks}</ul>"
            f"<p>Assumptions:</p><ul>{assumptions}</ul></div>"
        )

    def to_frame(self, what: str = "phases") -> Any:
        """A pandas DataFrame (needs ``truce-ceasefire[pandas]``): ``phases``, ``curves`` or ``bottlenecks``.

        The assumptions travel with it, in words, as ``frame.attrs["assumptions"]``.
        """
        frame = self._frame(what)
        frame.attrs["assumptions"] = self.assumptions.describe()
        frame.attrs["seed"] = self.seed
        return frame

    def _frame(self, what: str) -> Any:

        pandas = _pandas()
        if what == "phases":
            rows = [
                {
                    "phase": o.phase,
                    "entered_before_start": o.before_start,
                    "p_entered": o.probability(),
                    "q10": o.quantile(0.1),
                    "median": o.quantile(0.5),
                    "q90": o.quantile(0.9),
                    "p_irregular": o.p_irregular,
                    "p_collapse_first": o.p_collapse_first,
                }
                for o in self.phases
            ]
            frame = pandas.DataFrame(rows, columns=list(_PHASE_COLUMNS))
            for column in ("q10", "median", "q90"):
                frame[column] = pandas.to_datetime(frame[column])
            return frame
        if what == "curves":
            rows = [{"phase": o.phase, "date": d, "p_entered": p} for o in self.phases for d, p in o.curve()]
            frame = pandas.DataFrame(rows, columns=["phase", "date", "p_entered"])
            frame["date"] = pandas.to_datetime(frame["date"])
            return frame
        if what == "bottlenecks":
            rows = [
                {"trigger": trigger, "to": self.destinations[trigger], "cause": cause, "share": share}
                for trigger in self.destinations
                if trigger in self.bottlenecks
                for cause, share in self.bottleneck_ranking(trigger)
            ]
            return pandas.DataFrame(rows, columns=["trigger", "to", "cause", "share"])
        raise ValueError(f"what must be one of phases, curves, bottlenecks, not {what!r}")

    def plot(self, phases: list[str] | None = None, path: str | Path | None = None) -> Any:
        """P(phase entered by date) curves as a matplotlib ``Figure`` (needs ``truce-ceasefire[plot]``).

        The figure is built directly, without pyplot's global state, so it is safe in
        servers and threads; in Jupyter it shows itself. Saved to ``path`` if given.
        """
        try:
            figure_module = importlib.import_module("matplotlib.figure")
        except ImportError:
            raise MissingDependency("matplotlib", "plot") from None
        figure = figure_module.Figure(figsize=(9, 4.5), layout="constrained")
        axes = figure.add_subplot()
        chosen = phases if phases is not None else [o.phase for o in self.phases if not o.before_start]
        for phase in chosen:
            outlook = self.outlook(phase)
            points = [(self.start, 0.0), *outlook.curve(), (self.until, outlook.probability())]
            axes.step([d for d, _ in points], [p for _, p in points], where="post", label=phase)
        axes.set_ylim(0, 1.02)
        axes.set_xlim(self.start, self.until)
        axes.set_ylabel("P(entered by date)")
        axes.set_title(
            f"{self.agreement}: {self.scenarios:,} scenarios from {self.start} (under stated assumptions)",
            fontsize=10,
            loc="left",
        )
        axes.grid(color="#dddddd", linewidth=0.6)
        axes.legend(loc="upper left", fontsize=8, frameon=False)
        figure.autofmt_xdate()
        if path is not None:
            figure.savefig(path, dpi=110)
        return figure


_PHASE_COLUMNS = (
    "phase", "entered_before_start", "p_entered", "q10", "median", "q90", "p_irregular", "p_collapse_first",
)  # fmt: skip


def _day(date: dt.date | None) -> str:
    return "beyond" if date is None else date.isoformat()


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
    try:
        for begin, stop in chunks:
            pending.append(executor.submit(run_chunk, start, begin, stop))
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
