"""A timeline picture: phases as bands, obligations as bars, incidents as ticks (matplotlib extra).

Each obligation is a bar from the day it became owed to the day it was settled (or to the
as-of date): grey while within its deadline, red once overdue, with a marker where it was
fulfilled, breached or waived and a diamond where it is disputed. Incidents are ticks on
the bottom row. Irregular phase moves are drawn as dashed lines.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from truce.errors import MissingDependency
from truce.implementation import scores
from truce.status import ObligationStatus

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["implementation_plot", "timeline"]

_PHASE_COLOURS = ("#dbe9f6", "#fde9d9", "#e2f0d9", "#fff2cc", "#e4dfec", "#ddebf7", "#fce4d6", "#ededed")
_MARKERS = {
    ObligationStatus.FULFILLED: ("o", "#2e7d32", "fulfilled"),
    ObligationStatus.BREACHED: ("X", "#c62828", "breached"),
    ObligationStatus.WAIVED: ("s", "#757575", "waived"),
}


def _figure_class() -> Any:
    """matplotlib's ``Figure``, without pyplot: no backend is chosen, no global figure state is touched."""
    try:
        importlib.import_module("matplotlib")
        figure_module = importlib.import_module("matplotlib.figure")
    except ImportError:
        raise MissingDependency("matplotlib", "plot") from None
    return _shown_as_png(figure_module.Figure)


@functools.cache
def _shown_as_png(base: type) -> type:
    class TimelineFigure(base):  # type: ignore[misc]
        """A ``Figure`` that shows itself in Jupyter as PNG, whichever backend the kernel has (or none)."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=96)
            return buffer.getvalue()

    return TimelineFigure


def timeline(ceasefire: Ceasefire, path: str | Path | None = None, *, ax: Any = None) -> Any:
    """Draw the timeline of ``ceasefire`` up to its as-of date; save it to ``path`` if given.

    Returns the matplotlib ``Figure`` (needs the ``plot`` extra). The figure is built
    directly, never through pyplot, so drawing a timeline in a notebook leaves the kernel's
    backend and its other plots alone; in Jupyter the returned figure shows as a PNG. Pass
    ``ax=`` to draw into an ``Axes`` of your own figure (which is then returned).

    >>> import truce
    >>> from truce.timeline import timeline
    >>> figure = timeline(truce.load("gaza-2025").as_of("2025-12-29"))
    >>> import matplotlib.figure
    >>> isinstance(figure, matplotlib.figure.Figure), figure.axes[0].get_title(loc="left")
    (True, 'Israel–Hamas Gaza ceasefire, October 2025 (Trump 20-point plan): as of 2025-12-29')
    """
    if ax is None:
        figure_class = _figure_class()
    agreement = ceasefire.agreement
    end = ceasefire.date
    start = agreement.agreed or agreement.in_force
    states = [s for s in ceasefire.obligations if s.active_since is not None]
    rows = len(states) + 1
    if ax is None:
        figure = figure_class(figsize=(14, 1.6 + 0.42 * rows), layout="constrained")
        axes = figure.add_subplot()
    else:
        axes, figure = ax, ax.figure

    changes = list(ceasefire.phase_history())
    for n, change in enumerate(changes):
        until = changes[n + 1].date if n + 1 < len(changes) else end + dt.timedelta(days=1)
        axes.axvspan(change.date, until, color=_PHASE_COLOURS[n % len(_PHASE_COLOURS)], zorder=0)
        axes.text(change.date, rows - 0.35, f" {change.to_phase}", fontsize=9, va="bottom", ha="left", color="#333")
        if change.irregular:
            axes.axvline(change.date, color="#c62828", linestyle="--", linewidth=1.2, zorder=1)
            axes.text(change.date, -0.9, " declared, conditions unmet", color="#c62828", fontsize=8, va="top")

    legend: dict[str, Any] = {}
    for row, state in enumerate(reversed(states), start=1):
        owed = state.active_since
        assert owed is not None
        settled = state.since if state.base in _MARKERS else None
        stop = settled or end
        due = state.due
        on_time_end = min(stop, due) if due else stop
        bar = axes.barh(row, (on_time_end - owed).days or 0.6, left=owed, height=0.5, color="#9e9e9e", zorder=2)
        legend.setdefault("owed, not overdue", bar)
        if due and stop > due:
            late = axes.barh(row, (stop - due).days, left=due, height=0.5, color="#e57373", zorder=2)
            legend.setdefault("overdue", late)
        if due:
            axes.plot([due, due], [row - 0.32, row + 0.32], color="black", linewidth=1.5, zorder=3)
        if settled is not None:
            marker, colour, label = _MARKERS[state.base]
            point = axes.scatter([settled], [row], marker=marker, color=colour, s=60, zorder=4)
            legend.setdefault(label, point)
        if state.disputed:
            point = axes.scatter([stop], [row + 0.3], marker="D", color="#ef6c00", s=30, zorder=4)
            legend.setdefault("disputed", point)

    incidents = [e.date for e in ceasefire.incidents if e.date <= end]
    if incidents:
        ticks = axes.vlines(incidents, -0.3, 0.3, color="#6d4c41", linewidth=1, zorder=3)
        legend.setdefault("incident", ticks)

    labels = ["incidents"] + [s.obligation.id for s in reversed(states)]
    axes.set_yticks(range(rows), labels, fontsize=8)
    axes.set_ylim(-1.2, rows + 0.4)
    axes.set_xlim(start - dt.timedelta(days=2), end + dt.timedelta(days=3))
    # parse_math=False: a title is data, not matplotlib math text (`$\\frac{1}{$` would raise)
    axes.set_title(f"{agreement.title}: as of {end}", fontsize=11, loc="left", parse_math=False)
    axes.grid(axis="x", color="white", linewidth=0.8)
    for label in axes.get_xticklabels():  # autofmt_xdate would also restyle a caller's other axes
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    axes.legend(legend.values(), legend.keys(), loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if path is not None:
        figure.savefig(path, dpi=110)
    return figure


_PAM_LEVELS = ("0 not initiated", "1 minimal", "2 intermediate", "3 full")


def implementation_plot(ceasefire: Ceasefire, freq: str = "ME", path: str | Path | None = None) -> Any:
    """The agreement's implementation score over time: the mean Peace Accords Matrix score
    (0-3) of its scored obligations at the end of each period, with the breached ones counted.

    Built on a ``matplotlib.figure.Figure`` of its own (no pyplot, so no global state and
    no GUI backend); saved to ``path`` if given. Needs ``truce-ceasefire[plot]``.
    """
    try:
        figure_module = importlib.import_module("matplotlib.figure")
    except ImportError:
        raise MissingDependency("matplotlib", "plot") from None

    rows = scores(ceasefire, freq)
    periods = sorted({row["period_end"] for row in rows})
    means, breaches = [], []
    for close in periods:
        scored = [row["score"] for row in rows if row["period_end"] == close and row["score"] is not None]
        means.append(sum(scored) / len(scored) if scored else float("nan"))
        breaches.append(sum(1 for row in rows if row["period_end"] == close and row["breached"]))
    figure = figure_module.Figure(figsize=(10, 4), layout="constrained")
    axes = figure.subplots()
    axes.plot(periods, means, marker="o", color="#1565c0", label="mean score of scored obligations")
    broken = [(close, count) for close, count in zip(periods, breaches, strict=True) if count]
    if broken:
        axes.scatter([c for c, _ in broken], [0.1] * len(broken), marker="X", color="#c62828", label="breached")
        for close, count in broken:
            axes.annotate(str(count), (close, 0.1), textcoords="offset points", xytext=(6, 4), color="#c62828")
    axes.set_ylim(-0.1, 3.2)
    axes.set_yticks(range(4), _PAM_LEVELS, fontsize=8)
    axes.set_title(
        f"{ceasefire.agreement.title}: implementation (PAM scale, {'yearly' if freq == 'YE' else 'monthly'})",
        fontsize=10,
        loc="left",
    )
    axes.grid(axis="y", color="#e0e0e0")
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    figure.autofmt_xdate()
    if path is not None:
        figure.savefig(path, dpi=110)
    return figure
