"""HTML views for Jupyter: ``_repr_html_`` of ceasefires, blockers and compliance reports.

Every string that comes from data (titles, texts, names, sources, urls) is escaped, and
urls become links only when they are http(s) (a ``Source`` refuses anything else).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from truce.sources import Source

if TYPE_CHECKING:
    from truce.blockers import Blocker, Blockers
    from truce.ceasefire import Ceasefire
    from truce.compliance import Compliance

__all__ = ["blockers_html", "ceasefire_html", "compliance_html", "escape", "lines_html"]


def escape(value: object) -> str:
    import html  # here, not at the top: html.entities is a large table, and only a rendered view needs it

    return html.escape("" if value is None else str(value), quote=True)


def _source(source: Source) -> str:
    text = escape(source.cite() if not source.url else ", ".join(source.cite().split(", ")[:-1]))
    if source.url:
        return f'{text}, <a href="{escape(source.url)}" rel="noopener noreferrer">{escape(source.url)}</a>'
    return text


def _sources(sources: Iterable[Source]) -> str:
    return "<br>".join(f"<small>[{_source(s)}]</small>" for s in sources)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="truce"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _blocker_row(blocker: Blocker) -> list[str]:
    mark = "✓" if blocker.met else ("?" if blocker.truth == "unknown" else "✗")
    subject = blocker.obligation or blocker.fact or blocker.condition
    status = blocker.status or blocker.reason
    if blocker.progress is not None and blocker.target is not None and not blocker.met:
        status += f", {blocker.progress:g} of {blocker.target:g} {blocker.unit or ''}"
    if blocker.disputed:
        status += f" (disputed: {blocker.dispute})" if blocker.dispute else " (disputed)"
    due = ""
    if blocker.due and not blocker.met:
        due = escape(blocker.due)
        if blocker.original_due and blocker.original_due != blocker.due:
            due += f" (originally {escape(blocker.original_due)})"
        if blocker.days_overdue:
            due += f", overdue {blocker.days_overdue} days"
    return [
        escape(mark),
        f"<code>{escape(subject)}</code><br><small>{escape(blocker.text)}</small>",
        escape(blocker.party_name or blocker.party or ""),
        escape(status),
        due,
        _sources(blocker.sources),
    ]


def lines_html(lines: Sequence[str]) -> str:
    """A small report as HTML: its first line as the heading, the others as a list."""
    head, *rest = lines or [""]
    items = "".join(f"<li>{escape(line.strip())}</li>" for line in rest if line.strip())
    return f"<div><p><strong>{escape(head)}</strong></p>" + (f"<ul>{items}</ul>" if items else "") + "</div>"


def blockers_html(blockers: Blockers) -> str:
    """One table of conditions; for a route of several steps, one table per step."""
    head = f"<strong>{escape(blockers.headline())}</strong><br><small>view: {escape(blockers.view)}</small>"
    if blockers.caveat:
        head += f"<br><small>{escape(blockers.caveat)}</small>"
    if blockers.steps:
        return f"<div><p>{head}</p>" + "".join(blockers_html(step) for step in blockers.steps) + "</div>"
    rows = [_blocker_row(b) for b in (*blockers.unmet, *blockers.met)]
    table = _table(["", "condition", "owed by", "status", "deadline", "sources"], rows) if rows else ""
    return f"<div><p>{head}</p>{table}</div>"


def ceasefire_html(ceasefire: Ceasefire) -> str:
    agreement = ceasefire.agreement
    rows = []
    for state in ceasefire.obligations:
        o = state.obligation
        rows.append(
            [
                f"<code>{escape(o.id)}</code>",
                escape(o.party or "-"),
                escape(state.status_on(ceasefire.date))
                + (f" (disputed: {escape(state.dispute())})" if state.disputed else ""),
                escape(state.due or ""),
                escape(o.text),
            ]
        )
    moves = "".join(f"<li>{escape(c.describe())}</li>" for c in ceasefire.phase_history())
    through = ceasefire.data_through
    return (
        f"<div><h4>{escape(agreement.title)}</h4>"
        f"<p>phase <strong>{escape(ceasefire.phase)}</strong> as of {escape(ceasefire.date)}"
        f" (data through {escape(through or 'no events')})</p><ul>{moves}</ul>"
        + _table(["obligation", "party", "status", "due", "text"], rows)
        + "</div>"
    )


def compliance_html(report: Compliance, columns: Sequence[str]) -> str:
    rows = [[escape(r.name), str(len(r.obligations)), *[str(getattr(r, c)) for c in columns]] for r in report.parties]
    irregular = "".join(f"<li>{escape(c.describe())}</li>" for c in report.irregular)
    return (
        f"<div><p><strong>{escape(report.agreement)}</strong>: compliance as of {escape(report.as_of)}</p>"
        + _table(["party", "owes", *columns], rows)
        + (f"<p>irregular moves:</p><ul>{irregular}</ul>" if irregular else "")
        + "</div>"
    )
