"""Diagrams of an agreement's phases: DOT and Mermaid text, SVG/PNG through Graphviz.

Phases are states, the start marker points at the initial phase, the current phase is
highlighted by style, every transition is labelled with its trigger and guard, and those
leaving the current phase are marked open or blocked with the count of unmet conditions
(by colour too: green, or red and dashed).

The text is written here rather than through ``transitions``' GraphMachine: its DOT needs
the ``graphviz`` Python package even for text, its Mermaid put the start marker on the
current phase and wrote ``Class`` statements Mermaid does not read. DOT and Mermaid text
need nothing installed; SVG and PNG need the ``graphviz`` extra and Graphviz's ``dot``
program. In Jupyter a diagram shows as SVG when both are there, and otherwise as a
self-contained HTML table (no script, no CDN), so exported notebooks are never blank.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from typing import TYPE_CHECKING, Any

import attrs

from truce.errors import ArgumentError, MissingDependency
from truce.html import escape

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["Diagram", "diagram"]

FORMATS = ("dot", "mermaid", "svg", "png")

#: How each kind of edge and phase is drawn, in DOT attributes and in Mermaid classDef CSS.
_DOT_EDGE = {
    "blocked": "color=firebrick, fontcolor=firebrick, style=dashed, penwidth=1.5",
    "open": "color=darkgreen, fontcolor=darkgreen, penwidth=2",
}
_DOT_NODE = {
    "current": 'fillcolor=darksalmon, color=red, penwidth=2.5, fontname="Helvetica-Bold"',
    "terminal": "fillcolor=lightgrey",
}
_MERMAID_CLASSES = {
    "current": "fill:darksalmon,color:black,stroke:red,stroke-width:3px",
    "terminal": "fill:lightgrey,color:black",
    "blocked": "fill:mistyrose,color:firebrick,stroke:firebrick,stroke-width:2px,stroke-dasharray:5 5",
    "open": "fill:honeydew,color:darkgreen,stroke:darkgreen,stroke-width:2px",
}
_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", ";": "#59;"}
_MERMAID_SPECIAL = re.compile('[#"<>;]')  # one pass: the entities themselves contain # and ;
_HTML_COLOURS = {"blocked": "firebrick", "open": "darkgreen", "": "inherit"}


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string; DOT is text, not HTML, so only quotes and backslashes need escaping."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _mermaid_text(text: str) -> str:
    """Mermaid renders labels as HTML: entity-escape what could open a tag, end the label or the statement."""
    return " ".join(_MERMAID_SPECIAL.sub(lambda m: _MERMAID_ENTITIES[m.group()], text).split())


def _dot_wrap(label: str) -> str:
    """Long guards broken over lines, so the picture stays readable."""
    return (
        label.replace(" and ", " and\n").replace(" or ", " or\n").replace(" [", "\n[").replace(" BLOCKED", "\nBLOCKED")
    )


def _graphviz_ready() -> bool:
    import shutil  # here, not at the top: shutil imports the compression modules, and only drawing needs it

    return shutil.which("dot") is not None and importlib.util.find_spec("graphviz") is not None


@attrs.frozen
class Diagram:
    """One ceasefire's phase diagram on one day, as DOT, Mermaid, SVG or PNG.

    >>> import truce
    >>> d = truce.load("gaza-2025").as_of("2025-12-29").diagram()
    >>> for line in d.mermaid().splitlines():
    ...     if "[*]" in line or "  class " in line:
    ...         print(line.strip())
    [*] --> phase_one
    class completed terminal
    class collapsed blocked
    class phase_two blocked
    class phase_one current
    """

    title: str
    phases: tuple[str, ...]
    initial: str
    current: str
    terminal: tuple[str, ...]
    edges: tuple[tuple[str, str, str, str], ...]  # (from, to, label, style: "", "open" or "blocked")

    def _phase_styles(self) -> dict[str, str]:
        """Each phase's style: current, else where an exit from the current phase leads (open wins), else terminal."""
        styles = {phase: "terminal" for phase in self.terminal}
        for _source, dest, _label, style in self.edges:
            if style == "blocked" and styles.get(dest) != "open":
                styles[dest] = "blocked"
            elif style == "open":
                styles[dest] = "open"
        styles[self.current] = "current"
        return styles

    def dot(self) -> str:
        """Graphviz DOT source; needs nothing installed (drawing it needs Graphviz)."""
        lines = [
            f"digraph {_dot_quote(self.title)} {{",
            f'  graph [label={_dot_quote(self.title)}, labelloc=t, rankdir=LR, fontname="Helvetica"];',
            '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
            '  edge [fontname="Helvetica", fontsize=10];',
            '  "__start__" [shape=point, width=0.15, label=""];',
        ]
        for phase in self.phases:  # edges carry open/blocked in DOT; phases only current and terminal
            style = "current" if phase == self.current else "terminal" if phase in self.terminal else ""
            extra = _DOT_NODE.get(style, "")
            lines.append(f"  {_dot_quote(phase)}" + (f" [{extra}]" if extra else "") + ";")
        lines.append(f'  "__start__" -> {_dot_quote(self.initial)};')
        for source, dest, label, style in self.edges:
            extra = f", {_DOT_EDGE[style]}" if style else ""
            lines.append(f"  {_dot_quote(source)} -> {_dot_quote(dest)} [label={_dot_quote(_dot_wrap(label))}{extra}];")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def mermaid(self) -> str:
        """Mermaid ``stateDiagram-v2`` text; renders in GitHub, GitLab and mermaid-enabled viewers.

        Mermaid state diagrams cannot colour an edge, so where an exit from the current
        phase leads is coloured instead: red and dashed when it is blocked, green when open.
        """
        lines = [
            "---",
            f"title: {json.dumps(self.title, ensure_ascii=False)}",
            "---",
            "stateDiagram-v2",
            "  direction LR",
        ]
        lines += [f"  classDef {name} {css}" for name, css in _MERMAID_CLASSES.items()]
        lines += [f'  state "{_mermaid_text(phase)}" as {phase}' for phase in self.phases]
        lines.append(f"  [*] --> {self.initial}")
        merged: dict[tuple[str, str], list[str]] = {}
        for source, dest, label, _style in self.edges:
            merged.setdefault((source, dest), []).append(_mermaid_text(label))
        lines += [f"  {source} --> {dest}: {' | '.join(labels)}" for (source, dest), labels in merged.items()]
        lines += [f"  class {phase} {style}" for phase, style in self._phase_styles().items()]
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> bytes:
        """SVG or PNG bytes, drawn by Graphviz (the ``graphviz`` extra and the ``dot`` program)."""
        if importlib.util.find_spec("graphviz") is None:
            raise MissingDependency("graphviz (the Python package)", "graphviz")
        import shutil  # here, not at the top: see _graphviz_ready

        if shutil.which("dot") is None:
            raise MissingDependency(
                "the Graphviz 'dot' program",
                install="install Graphviz (apt-get install graphviz, brew install graphviz)",
            )
        graphviz = importlib.import_module("graphviz")
        return bytes(graphviz.Source(self.dot()).pipe(format=fmt))

    def html(self) -> str:
        """A self-contained HTML view (no script, no network): phases, then every transition, coloured."""

        styles = self._phase_styles()
        phases = " → ".join(
            f'<span style="padding:1px 6px;border-radius:4px;{_phase_css(styles.get(p, ""))}">{escape(p)}</span>'
            for p in self.phases
        )
        rows = "".join(
            f'<tr style="color:{_HTML_COLOURS[style]}"><td><code>{escape(source)}</code></td>'
            f"<td><code>{escape(dest)}</code></td><td>{escape(label)}</td></tr>"
            for source, dest, label, style in self.edges
        )
        return (
            f'<div class="truce-diagram"><p><strong>{escape(self.title)}</strong>: start at '
            f"<code>{escape(self.initial)}</code>, now in <code>{escape(self.current)}</code></p>"
            f"<p>{phases}</p>"
            '<table class="truce"><thead><tr><th>from</th><th>to</th><th>trigger [guard]</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            "<p><small>Install Graphviz and the graphviz extra for a drawn diagram.</small></p></div>"
        )

    def text(self, fmt: str) -> str | bytes:
        if fmt == "dot":
            return self.dot()
        if fmt == "mermaid":
            return self.mermaid()
        if fmt in ("svg", "png"):
            return self.render(fmt)

        raise ArgumentError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """One rich view for Jupyter and its exporters: SVG with Graphviz, else self-contained HTML.

        Never both and never Markdown: exporters prefer HTML and Markdown over SVG, and a
        Mermaid block needs a script from a CDN to draw, so it shows blank offline.
        """
        plain = f"<Diagram {self.title}: {len(self.phases)} phases, current {self.current}>"
        if _graphviz_ready():
            return {"image/svg+xml": self.render("svg").decode("utf-8"), "text/plain": plain}
        return {"text/html": self.html(), "text/plain": plain}


def _phase_css(style: str) -> str:
    if style == "current":
        return "background:darksalmon;border:2px solid red;font-weight:bold"
    if style == "terminal":
        return "background:lightgrey"
    if style == "blocked":
        return "border:2px dashed firebrick;color:firebrick"
    if style == "open":
        return "border:2px solid darkgreen;color:darkgreen"
    return "border:1px solid #999"


def diagram(ceasefire: Ceasefire) -> Diagram:
    """The diagram of ``ceasefire`` on its as-of date."""
    agreement = ceasefire.agreement
    here = ceasefire.phase
    blockers = {trigger: ceasefire.blockers(trigger) for trigger in ceasefire.triggers}
    edges = []
    for transition in agreement.transitions:
        label = f"{transition.trigger} [{transition.guard.to_expr()}]"
        for source in transition.from_phases:
            edge_style, edge_label = "", label
            if source == here and transition.trigger in blockers:
                unmet = len(blockers[transition.trigger])
                edge_style = "blocked" if unmet else "open"
                edge_label += f" BLOCKED: {unmet} unmet" if unmet else " OPEN"
            edges.append((source, transition.to_phase, edge_label, edge_style))
    return Diagram(
        title=f"{agreement.id} as of {ceasefire.date}",
        phases=tuple(agreement.phase_ids),
        initial=agreement.initial,
        current=here,
        terminal=tuple(agreement.terminal),
        edges=tuple(edges),
    )
