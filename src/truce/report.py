"""A static HTML report of one ceasefire on one day: one file, readable offline, safe to share.

It answers the questions the library answers, in one page: where the agreement stands
(phase, and how it got there), what blocks each way out of the current phase, which
deadlines are open (with the date first agreed when an extension moved one), each party's
compliance, every obligation's status, the timeline picture and the phase diagram.

Everything is inside the file: the timeline is a PNG ``data:`` URI, the diagram inline SVG
(or, without Graphviz, the diagram's self-contained HTML table), the styles inline. There is
no script and nothing to fetch; a ``Content-Security-Policy`` says so to the browser, which
then refuses to fetch anything even if a source's text tried to make it. Every string that
comes from data is HTML-escaped (see :mod:`truce.html`); source URLs become links only when
they are http(s).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from truce.errors import MissingDependency
from truce.html import blockers_html, ceasefire_html, escape
from truce.timeline import timeline

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["html_report", "write_report"]

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 75em; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; margin-top: 2em; }
table.truce { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
table.truce th, table.truce td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
table.truce th { background: #f4f4f4; }
.phase { font-size: 1.3em; font-weight: bold; background: darksalmon; padding: 0.1em 0.5em; border-radius: 4px; }
.irregular { color: #c62828; font-weight: bold; }
.meta { color: #555; }
figure { margin: 1em 0; overflow-x: auto; } figure img, figure svg { max-width: 100%; height: auto; }
.blocked { border-left: 4px solid firebrick; padding-left: 0.8em; }
.open { border-left: 4px solid darkgreen; padding-left: 0.8em; }
"""


def html_report(ceasefire: Ceasefire, *, timeline: bool = True) -> str:
    """The report as one HTML document (a ``str``); ``timeline=False`` leaves the picture out.

    Without matplotlib (the ``plot`` extra) the timeline is replaced by a note saying how
    to get it; without Graphviz the diagram is a table. Nothing else is optional.

    >>> import truce
    >>> from truce.report import html_report
    >>> page = html_report(truce.load("gaza-2025").as_of("2025-12-29"), timeline=False)
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "overdue 77 days" in page
    (True, False, True)
    """
    agreement = ceasefire.agreement
    day = ceasefire.date
    sections = [
        _standing(ceasefire),
        _ways_out(ceasefire),
        _deadlines(ceasefire),
        f"<h2>Compliance</h2>{ceasefire.compliance()._repr_html_()}",
        _timeline(ceasefire) if timeline else "",
        _diagram(ceasefire),
        f"<h2>Obligations</h2>{ceasefire_html(ceasefire)}",
    ]
    through = ceasefire.data_through
    beyond = " (later than the data: answers may be stale)" if ceasefire.beyond_data and through else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(agreement.title)}: as of {escape(day)}</title><style>{_STYLE}</style></head>\n<body>"
        f"<h1>{escape(agreement.title)}</h1>"
        f'<p class="meta">as of {escape(day)}{escape(beyond)}; data through {escape(through or "no events")}; '
        f"in force {escape(agreement.in_force)}. Made by truce; every fact below cites its source.</p>"
        + "\n".join(s for s in sections if s)
        + "</body></html>\n"
    )


def write_report(ceasefire: Ceasefire, path: str | Path, *, timeline: bool = True) -> Path:
    """Write :func:`html_report` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(html_report(ceasefire, timeline=timeline), encoding="utf-8")
    return target


def _standing(ceasefire: Ceasefire) -> str:
    moves = []
    for change in ceasefire.phase_history():
        css = ' class="irregular"' if change.irregular else ""
        moves.append(f"<li{css}>{escape(change.describe())}</li>")
    text = ceasefire.agreement.phase(ceasefire.phase).text
    return (
        f'<h2>Where it stands</h2><p>Current phase: <span class="phase">{escape(ceasefire.phase)}</span>'
        + (f" {escape(text)}" if text else "")
        + f"</p><p>How it got there:</p><ol>{''.join(moves)}</ol>"
    )


def _ways_out(ceasefire: Ceasefire) -> str:
    triggers = ceasefire.triggers
    if not triggers:
        return "<h2>Ways out</h2><p>None: this phase is terminal.</p>"
    parts = []
    for trigger in triggers:
        found = ceasefire.blockers(trigger)
        css = "blocked" if found else "open"
        parts.append(f'<div class="{css}">{blockers_html(found)}</div>')
    return "<h2>Ways out of the current phase, and what blocks each</h2>" + "".join(parts)


def _deadlines(ceasefire: Ceasefire) -> str:
    found = ceasefire.deadlines()
    if not found:
        return "<h2>Deadlines</h2><p>No open obligation has a deadline.</p>"
    rows = []
    for d in found:
        original = d.original or d.due
        moved = (
            f"{escape(original)} (moved {d.extensions} time{'s' if d.extensions != 1 else ''})" if d.extensions else ""
        )
        when = f"overdue {d.days_overdue} days" if d.days_overdue else f"{d.days_left} days left"
        rows.append(
            f"<tr><td><code>{escape(d.obligation)}</code><br><small>{escape(d.text)}</small></td>"
            f"<td>{escape(d.party or '-')}</td><td>{escape(d.due)}</td><td>{moved or escape(original)}</td>"
            f"<td>{escape(d.status)}</td><td>{escape(when)}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("obligation", "owed by", "due", "originally due", "status", "when"))
    return (
        f'<h2>Deadlines</h2><table class="truce"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _timeline(ceasefire: Ceasefire) -> str:

    try:
        figure = timeline(ceasefire)
    except MissingDependency as exc:
        return f"<h2>Timeline</h2><p><em>{escape(exc)}</em></p>"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = f"Timeline of {ceasefire.agreement.id} up to {ceasefire.date}: phases, obligations, incidents"
    return (
        '<h2>Timeline</h2><figure class="timeline">'
        f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}"></figure>'
    )


def _diagram(ceasefire: Ceasefire) -> str:
    bundle = ceasefire.diagram()._repr_mimebundle_()
    svg = bundle.get("image/svg+xml")
    if svg is None:
        return f"<h2>Phase diagram</h2>{bundle['text/html']}"
    # inline SVG in HTML: no XML prolog or DOCTYPE; Graphviz has escaped every label
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", svg)
    return f'<h2>Phase diagram</h2><figure class="diagram">{svg}</figure>'
