"""What an ensemble found: :class:`PhaseOutlook` per phase (entry dates, probabilities,
quantiles) and the :class:`Ensemble` that holds them, with its text, HTML, frames and plot.

:func:`truce.ensemble` (in :mod:`truce.ensembles`) runs the scenarios and builds these.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from pathlib import Path
from typing import Any

import attrs

from truce.assumptions import Assumptions
from truce.dates import DateLike, to_date
from truce.errors import MissingDependency, UnknownName
from truce.frames import _pandas

__all__ = ["Ensemble", "PhaseOutlook"]


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
        lines += ["", "assumptions:"] + [f"  {line}" for line in self.assumptions.describe().split("\n")]
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
        assumptions = "".join(f"<li>{escape(line)}</li>" for line in self.assumptions.describe().split("\n"))
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
