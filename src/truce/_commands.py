"""The ``truce`` command's commands: each answers one question about an agreement, as text,
as rich tables on a terminal (when the ``rich`` extra is installed) or as ``--json``.

:mod:`truce.cli` parses the command line and calls these; its docstrings are their help.
rich is imported only when a terminal is drawn on. The modules only one command needs
(verification, ACLED, the report, the timeline) are imported when that command runs: the
one place truce imports its own modules inside functions, so that ``truce --help`` and
``truce blockers`` do not pay for the others (start-up is a measured figure).
"""

from __future__ import annotations

from typing import Any

from truce._reading import _SOURCE_KEYS
from truce._terminal import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    _console,
    _echo,
    _emit_json,
    _Exit,
    _fail,
    _tty,
    clean,
)
from truce.ceasefire import Ceasefire
from truce.dumping import agreement_to_data, dump_agreement
from truce.errors import DefinitionError, EventError, LoadError, Problem, TruceError
from truce.ledger import ObligationChange, PhaseChange
from truce.loading import agreements, load_agreement
from truce.opening import load

FORMATS = ("dot", "mermaid", "svg", "png")
BINARY_FORMATS = ("png",)


def _load(name: str, as_of: str | None = None) -> Ceasefire:
    """The ceasefire NAME as of a date; a date past the data gets a note on stderr (stdout stays clean)."""
    ceasefire = load(name, as_of=as_of)
    if as_of is not None and ceasefire.beyond_data:
        through = ceasefire.data_through
        known = f"data through {through}" if through is not None else "no dated data"
        _echo(f"truce: note: {ceasefire.date} is beyond the data ({ceasefire.agreement.id}: {known}); "
              "later events may be missing", err=True)  # fmt: skip
    return ceasefire


def _source_json(source: Any) -> dict[str, Any] | None:
    """A citation with every key present (null when unknown): ``Source.to_dict`` leaves unknown keys out."""
    if source is None:
        return None
    known = source.to_dict() if not isinstance(source, dict) else source
    return {key: known.get(key) for key in _SOURCE_KEYS}


def _conditions_json(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "sources": [_source_json(s) for s in c["sources"]]} for c in conditions]


def _phase_change_json(change: Any) -> dict[str, Any]:
    return {
        "date": change.date.isoformat(),
        "from_phase": change.from_phase,
        "to_phase": change.to_phase,
        "trigger": change.trigger,
        "irregular": change.irregular,
        "unmet": [v.guard.to_expr() for v in change.unmet],
        "source": _source_json(change.event.source if change.event is not None else None),
    }


def list_command(as_json: bool) -> None:
    """List the bundled agreements."""
    rows = []
    for name in agreements():
        ceasefire = load(name)
        agreement = ceasefire.agreement
        through = agreement.data_through or ceasefire.data_through  # the sources' horizon, else the last event
        rows.append(
            {
                "agreement": name,
                "title": agreement.title,
                "in_force": agreement.in_force.isoformat(),
                "phase": ceasefire.phase,
                "data_through": through.isoformat() if through else None,
                "supersedes": list(agreement.supersedes),
                "superseded_by": list(agreement.superseded_by),
            }
        )
    if as_json:
        _emit_json("list", {"agreements": rows})
        return
    if _tty():
        from rich.markup import escape
        from rich.table import Table

        table = Table("name", "title", "in force", "phase", "data through", "links")
        for row in rows:
            table.add_row(
                *(escape(clean(str(row[key] or ""))) for key in _LIST_COLUMNS),
                escape(clean(_links(row))),
            )
        _console().print(table)
        return
    for row in rows:
        links = _links(row)
        _echo(
            f"{row['agreement']}\t{row['phase']}\t{row['data_through']}\t{row['title']}"
            + (f"\t{links}" if links else "")
        )


_LIST_COLUMNS = ("agreement", "title", "in_force", "phase", "data_through")


def _links(row: dict[str, Any]) -> str:
    """``supersedes X; superseded by Y`` for an agreement's links, or nothing."""
    parts = []
    if row["supersedes"]:
        parts.append("supersedes " + ", ".join(row["supersedes"]))
    if row["superseded_by"]:
        parts.append("superseded by " + ", ".join(row["superseded_by"]))
    return "; ".join(parts)


def show(name: str, as_json: bool) -> None:
    """Show an agreement's definition: parties, phases, transitions and obligations."""
    agreement = _load(name).agreement
    if as_json:
        _emit_json("show", {"agreement": agreement.id, "definition": agreement_to_data(agreement)})
        return
    _echo(dump_agreement(agreement), nl=False)


def status(name: str, as_of: str | None, as_json: bool) -> None:
    """Where an agreement stands: phase, phase record, every obligation's status."""
    ceasefire = _load(name, as_of)
    if as_json:
        stopped = ceasefire.stopped
        day = stopped.date if stopped else ceasefire.date  # nothing becomes overdue after the clocks stop
        _emit_json(
            "status",
            {
                "agreement": ceasefire.agreement.id,
                "title": ceasefire.agreement.title,
                "phase": ceasefire.phase,
                "as_of": ceasefire.date.isoformat(),
                "data_through": ceasefire.data_through.isoformat() if ceasefire.data_through else None,
                "beyond_data": ceasefire.beyond_data,
                "clock_stopped": stopped.to_dict() if stopped else None,
                "phase_history": [_phase_change_json(c) for c in ceasefire.phase_history()],
                "obligations": [
                    {
                        "obligation": s.obligation.id,
                        "party": s.obligation.party,
                        "status": str(s.status_on(day)),
                        "since": s.since.isoformat() if s.since else None,
                        "due": s.due.isoformat() if s.due else None,
                        "original_due": s.original_due.isoformat() if s.original_due else None,
                        "days_overdue": s.days_overdue_on(day),
                        "late_by": s.late_by,
                        "late_by_original": s.late_by_original,
                        "disputed": s.disputed,
                        "dispute": s.dispute(),
                    }
                    for s in ceasefire.obligations
                ],
            },
        )
        return
    if _tty():
        _rich_status(ceasefire)
        return
    _echo(ceasefire.summary())


def _rich_status(ceasefire: Ceasefire) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = _console()
    console.print(Text(clean(ceasefire.agreement.title), style="bold"))
    console.print(clean(repr(ceasefire)), markup=False)
    for change in ceasefire.phase_history():
        style = "bold red" if change.irregular else ""
        console.print(clean(f"  {change.describe()}"), style=style, markup=False)
    colours = {"fulfilled": "green", "overdue": "red", "breached": "red", "partial": "yellow", "pending": "dim"}
    table = Table("obligation", "party", "status", "due", "disputed")
    stopped = ceasefire.stopped
    for state in ceasefire.obligations:
        label = str(state.status_on(stopped.date if stopped else ceasefire.date))
        table.add_row(
            escape(clean(state.obligation.id)),
            escape(clean(state.obligation.party or "-")),
            f"[{colours.get(label, 'white')}]{label}[/]",
            str(state.due or ""),
            escape(clean(f"DISPUTED ({state.dispute()})")) if state.disputed else "",
        )
    console.print(table)
    if stopped:
        console.print(clean(f"deadline {stopped.describe()}: overdue counted to that day"), markup=False)


def _blockers_json(data: dict[str, Any]) -> dict[str, Any]:
    """A report's conditions with their sources as JSON, and the same for each step of a route."""
    steps = [_blockers_json(step) for step in data["steps"]]
    return {**data, "unmet": _conditions_json(data["unmet"]), "met": _conditions_json(data["met"]), "steps": steps}


def blockers(name: str, target: str | None, as_of: str | None, view: str | None, as_json: bool) -> None:
    """What blocks TARGET (a trigger or a phase; with none, every way out) and who owes what, with sources."""
    ceasefire = _load(name, as_of)
    found = ceasefire.blockers(view=view) if target is None else ceasefire.blockers(target, view=view)
    if as_json:
        data = found.to_dict()
        if "ways" in data:  # every way out: each is one report
            data["ways"] = [_blockers_json(way) for way in data["ways"]]
        else:
            data = _blockers_json(data)
        _emit_json("blockers", data)
        return
    if _tty():
        from rich.text import Text

        console = _console()
        console.print(Text(clean(found.headline()), style="bold red" if found else "bold green"))
        console.print(Text(clean(f"view: {found.view}"), style="dim"))
        for line in str(found).split("\n")[1:]:  # only newlines: a \r in data is text, shown escaped
            if line.strip() == f"view: {found.view}":
                continue  # said above
            mark = line.lstrip()
            style = "red" if mark.startswith("x ") else "yellow" if mark.startswith("? ") else ""
            style = "bold" if mark.startswith(("step ", f"{found.phase} -> ")) else style
            console.print(Text(clean(line), style=style))
        return
    _echo(str(found))


def unblock(name: str, target: str, as_of: str | None, view: str | None, as_json: bool) -> None:
    """The smallest sets of conditions that would open TARGET."""
    ceasefire = _load(name, as_of)
    found = ceasefire.unblock(target, view=view)
    if as_json:
        data = found.to_dict()
        for found_set in data["sets"]:
            found_set["conditions"] = _conditions_json(found_set["conditions"])
        _emit_json("unblock", {"agreement": ceasefire.agreement.id, **data})
        return
    _echo(str(found))


def history(name: str, as_of: str | None, as_json: bool) -> None:
    """The timeline of phase and obligation changes, with sources."""
    ceasefire = _load(name, as_of)
    changes = ceasefire.history(kinds=("phase", "obligation"))  # JSON schema 1 has no fact or incident rows
    if as_json:
        rows = []
        for c in changes:
            if isinstance(c, PhaseChange):
                phase = _phase_change_json(c)
                row = {"change": "phase", "obligation": None, "before": c.from_phase, "after": c.to_phase, **phase}
                del row["from_phase"], row["to_phase"]
            elif isinstance(c, ObligationChange):
                row = {"change": c.what, "obligation": c.obligation, "before": c.before, "after": c.after}
                row |= {"trigger": None, "irregular": False, "unmet": []}
                row["source"] = _source_json(c.event.source if c.event is not None else None)
            else:  # not asked for above
                continue
            rows.append({"date": c.date.isoformat(), **row})
        _emit_json(
            "history", {"agreement": ceasefire.agreement.id, "as_of": ceasefire.date.isoformat(), "changes": rows}
        )
        return
    for change in changes:
        _echo(change.describe())
        if change.event is not None and change.event.source is not None:
            _echo(f"    [source: {change.event.source.cite()}]")


def deadlines(name: str, as_of: str | None, as_json: bool) -> None:
    """Open obligations with a deadline: days left or overdue."""
    ceasefire = _load(name, as_of)
    found = ceasefire.deadlines()
    if as_json:
        _emit_json(
            "deadlines",
            {
                "agreement": ceasefire.agreement.id,
                "as_of": ceasefire.date.isoformat(),
                "clock_stopped": ceasefire.stopped.to_dict() if ceasefire.stopped else None,
                "deadlines": [d.to_dict() for d in found],
            },
        )
        return
    for deadline in found:
        _echo(deadline.describe())


def check(name: str, as_json: bool, strict: bool = False) -> None:
    """Verify an agreement (a bundled name or a YAML file) and its event log; exit 1 if it has errors."""
    from truce.verification import Finding, Report, Severity, verify

    try:
        report = verify(_load(name), strict=strict)
    except DefinitionError as exc:
        problems: tuple[Problem, ...] = exc.problems
        report = Report(name, tuple(Finding(Severity.ERROR, "definition", (), str(p)) for p in problems))
    except (LoadError, EventError) as exc:  # a bad event log: every problem on its own line, exit 1
        if not _definition_loads(name):
            raise  # not the log: an unknown name or an unreadable definition is bad input (exit 3)
        report = Report(name, tuple(Finding(Severity.ERROR, "events", (), str(p)) for p in exc.problems))
    if as_json:
        _emit_json("check", report.to_dict())
    else:
        _echo(str(report))
    if not report.ok:
        raise _Exit(EXIT_CHECK_FAILED)


def _definition_loads(name: str) -> bool:
    """Whether ``name``'s definition reads cleanly, so that a load error is its event log's."""
    if name in agreements():
        return True
    try:
        load_agreement(name)
    except (TruceError, OSError):
        return False
    return True


def diagram(name: str, as_of: str | None, fmt: str, output: str | None) -> None:
    """Draw the phase diagram: current phase highlighted, blocked transitions marked."""
    if fmt in BINARY_FORMATS and output is None:
        _fail(f"{fmt} is binary: write it to a file with -o", EXIT_BAD_INPUT)
    content = _load(name, as_of).diagram().text(fmt)
    if output is None:  # text formats only (binary ones were refused above); SVG comes back as bytes
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        _echo(text.rstrip("\n"))
        return
    from pathlib import Path

    if isinstance(content, bytes):
        Path(output).write_bytes(content)
    else:
        Path(output).write_text(content, encoding="utf-8")
    _echo(f"wrote {output}")


def timeline(name: str, as_of: str | None, output: str) -> None:
    """Draw the timeline picture (phases, obligations, incidents); needs the plot extra."""
    from truce.timeline import timeline as draw

    draw(_load(name, as_of), output)
    _echo(f"wrote {output}")


def import_acled(name: str, export: str, actors: str, output: str, start: str | None, end: str | None) -> None:
    """Import ACLED incidents for NAME from an ACLED export (CSV) into a JSON Lines event log."""
    from truce import acled

    agreement = _load(name).agreement
    found = acled.read(export, agreement, acled.read_actor_map(actors), start=start, end=end)
    written = acled.update_log(output, agreement, found.events)
    _echo(found.summary())
    _echo(f"wrote {output} ({written} events)")


def report(name: str, as_of: str | None, output: str, no_timeline: bool) -> None:
    """Write a static HTML report (phase, blockers, deadlines, compliance, timeline, diagram) that works offline."""
    from truce.report import write_report

    write_report(_load(name, as_of), output, timeline=not no_timeline)
    _echo(f"wrote {output}")
