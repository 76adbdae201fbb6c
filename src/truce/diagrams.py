"""Diagrams of an agreement's phases through ``transitions``' own diagram support.

A presentation-only ``GraphMachine`` is built beside the live engine (never driving it):
phases as states, the current phase highlighted (transitions' "active" style), every
transition labelled with its trigger and guard, and those leaving the current phase
marked open or blocked with the count of unmet conditions. DOT text needs only the
``graphviz`` Python package; Mermaid text needs nothing; SVG and PNG need the Graphviz
``dot`` program.
"""

from __future__ import annotations

import copy
import importlib.util
import shutil
from typing import TYPE_CHECKING, Any, Literal

import attrs

from truce.errors import MissingDependency

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["Diagram", "diagram"]

FORMATS = ("dot", "mermaid", "svg", "png")


class _Presentation:
    """The model the presentation machine draws; it never fires a trigger."""


def _styles() -> dict[str, Any]:
    from transitions.extensions import GraphMachine

    styles: dict[str, Any] = copy.deepcopy(GraphMachine.style_attributes)
    styles["edge"]["blocked"] = {"color": "firebrick", "style": "dashed", "fontcolor": "firebrick"}
    styles["edge"]["open"] = {"color": "darkgreen", "penwidth": "2", "fontcolor": "darkgreen"}
    styles["node"]["terminal"] = {"fillcolor": "lightgrey", "color": "black", "peripheries": "1"}
    return styles


@attrs.frozen
class Diagram:
    """One ceasefire's phase diagram on one day, as DOT, Mermaid, SVG or PNG."""

    title: str
    phases: tuple[str, ...]
    current: str
    terminal: tuple[str, ...]
    edges: tuple[tuple[str, str, str, str], ...]  # (from, to, label, style)

    def _machine(self, engine: Literal["graphviz", "mermaid"]) -> Any:
        # imported here: transitions' diagram extension pulls in asyncio, which ``import truce`` need not pay for
        from transitions.extensions import GraphMachine

        model = _Presentation()
        machine = GraphMachine(
            model=model,
            states=list(self.phases),
            initial=self.current,
            transitions=[{"trigger": f"t{n}", "source": s, "dest": d} for n, (s, d, _, _) in enumerate(self.edges)],
            auto_transitions=False,
            show_conditions=False,
            graph_engine=engine,
            title=self.title,
        )
        machine.style_attributes = _styles()
        graph: Any = machine.model_graphs[id(model)]
        for phase in self.terminal:
            if phase != self.current:
                graph.custom_styles["node"][phase] = "terminal"
        for source, dest, _label, style in self.edges:
            if style:
                graph.custom_styles["edge"][source][dest] = style

        # DOT labels break long guards over lines; Mermaid labels must stay on one line.
        def wrap(text: str) -> str:
            if engine != "graphviz":
                # Mermaid labels are rendered as HTML: entity-escape what could open a tag or end the label
                for raw, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
                    text = text.replace(raw, entity)
                return text
            return text.replace(" and ", " and\n").replace(" [", "\n[").replace(" BLOCKED", "\nBLOCKED")

        labels = {f"t{n}": wrap(label) for n, (_, _, label, _) in enumerate(self.edges)}
        graph._transition_label = lambda tran: labels.get(tran["trigger"], tran["trigger"])
        return model.get_graph()  # type: ignore[attr-defined]

    def dot(self) -> str:
        """Graphviz DOT source (needs the ``graphviz`` Python package, not the ``dot`` program)."""
        if importlib.util.find_spec("graphviz") is None:
            raise MissingDependency("graphviz (the Python package)", install="pip install graphviz")
        return str(self._machine("graphviz").source)

    def mermaid(self) -> str:
        """Mermaid ``stateDiagram-v2`` text; renders in GitHub, GitLab and Jupyter with mermaid."""
        return str(self._machine("mermaid").draw(None))

    def render(self, fmt: str) -> bytes:
        """SVG or PNG bytes, drawn by the Graphviz ``dot`` program."""
        if shutil.which("dot") is None:
            raise MissingDependency(
                "the Graphviz 'dot' program",
                install="install Graphviz (apt-get install graphviz, brew install graphviz)",
            )
        graph = self._machine("graphviz")
        return bytes(graph.pipe(format=fmt))

    def text(self, fmt: str) -> str | bytes:
        if fmt == "dot":
            return self.dot()
        if fmt == "mermaid":
            return self.mermaid()
        if fmt in ("svg", "png"):
            return self.render(fmt)
        from truce.errors import ArgumentError

        raise ArgumentError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")

    def _repr_svg_(self) -> str | None:
        if shutil.which("dot") is None:
            return None
        return self.render("svg").decode("utf-8")

    def _repr_markdown_(self) -> str:
        return f"```mermaid\n{self.mermaid()}\n```"


def diagram(ceasefire: Ceasefire) -> Diagram:
    """The diagram of ``ceasefire`` on its as-of date."""
    agreement = ceasefire.agreement
    here = ceasefire.phase
    blockers = {trigger: ceasefire.blockers(trigger) for trigger in ceasefire.triggers()}
    edges = []
    for transition in agreement.transitions:
        label = f"{transition.trigger} [{transition.guard.to_expr()}]"
        style = ""
        for source in transition.from_phases:
            edge_style, edge_label = style, label
            if source == here and transition.trigger in blockers:
                unmet = len(blockers[transition.trigger])
                edge_style = "blocked" if unmet else "open"
                edge_label += f" BLOCKED: {unmet} unmet" if unmet else " OPEN"
            edges.append((source, transition.to_phase, edge_label, edge_style))
    return Diagram(
        title=f"{agreement.id} as of {ceasefire.date}",
        phases=tuple(agreement.phase_ids),
        current=here,
        terminal=tuple(agreement.terminal),
        edges=tuple(edges),
    )
