"""The ``truce`` command: status, blockers, history, checks, diagrams and timelines from a terminal.

Exit codes:

* 0: success (a query answered, even when the answer is "blocked");
* 1: ``check`` found errors in the agreement;
* 2: usage error (unknown option, missing argument);
* 3: bad input (unknown agreement, malformed file, unknown name, bad date);
* 4: an optional dependency is missing (e.g. matplotlib for ``timeline``).

Errors are one line on stderr; ``--debug`` shows the traceback. On a terminal, output is
rendered with colour and tables (rich); piped, it is plain text; ``--json`` gives JSON.
truce itself is imported lazily, inside each command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["main"]

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 3
EXIT_MISSING_DEPENDENCY = 4

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"truce: error: {message}", err=True)
    sys.exit(code)


def _handled(command: F) -> F:
    """Turn truce's errors into one line on stderr and an exit code (traceback with --debug)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from truce.errors import MissingDependency, TruceError

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except MissingDependency as exc:
            if debug:
                raise
            _fail(str(exc), EXIT_MISSING_DEPENDENCY)
        except (TruceError, ValueError, OSError) as exc:
            if debug:
                raise
            text = str(exc).strip().replace("\n", "; ")
            _fail(text.strip("'\""), EXIT_BAD_INPUT)

    return run  # type: ignore[return-value]


def _load(name: str, as_of: str | None = None) -> Ceasefire:
    import truce

    return truce.load(name, as_of=as_of)


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _tty() -> bool:
    return sys.stdout.isatty()


as_of_option = click.option("--as-of", "as_of", metavar="DATE", help="Answer for this date (YYYY-MM-DD).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
view_option = click.option("--view", metavar="PARTY", help="Evaluate as this party's claims have it.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="truce")
def cli(debug: bool) -> None:
    """Ceasefire agreements as state machines: what blocks the next phase, and why.

    NAME is a bundled agreement (see `truce list`) or a path to a YAML definition.
    """


@cli.command("list")
@json_option
@_handled
def list_command(as_json: bool) -> None:
    """List the bundled agreements."""
    import truce

    rows = []
    for name in truce.agreements():
        ceasefire = truce.load(name)
        rows.append(
            {
                "name": name,
                "title": ceasefire.agreement.title,
                "in_force": ceasefire.agreement.in_force.isoformat(),
                "phase": ceasefire.phase,
                "data_through": ceasefire.data_through.isoformat() if ceasefire.data_through else None,
            }
        )
    if as_json:
        _emit_json(rows)
        return
    if _tty():
        from rich.markup import escape
        from rich.table import Table

        table = Table("name", "title", "in force", "phase", "data through")
        for row in rows:
            table.add_row(
                *(escape(str(row[key] or "")) for key in ("name", "title", "in_force", "phase", "data_through"))
            )
        _console().print(table)
        return
    for row in rows:
        click.echo(f"{row['name']}\t{row['phase']}\t{row['data_through']}\t{row['title']}")


@cli.command()
@click.argument("name")
@json_option
@_handled
def show(name: str, as_json: bool) -> None:
    """Show an agreement's definition: parties, phases, transitions and obligations."""
    from truce.loading import agreement_to_data, dump_agreement

    agreement = _load(name).agreement
    if as_json:
        _emit_json(agreement_to_data(agreement))
        return
    click.echo(dump_agreement(agreement), nl=False)


@cli.command()
@click.argument("name")
@as_of_option
@json_option
@_handled
def status(name: str, as_of: str | None, as_json: bool) -> None:
    """Where an agreement stands: phase, phase record, every obligation's status."""
    ceasefire = _load(name, as_of)
    if as_json:
        _emit_json(
            {
                "agreement": ceasefire.agreement.id,
                "phase": ceasefire.phase,
                "as_of": ceasefire.date.isoformat(),
                "data_through": ceasefire.data_through.isoformat() if ceasefire.data_through else None,
                "beyond_data": ceasefire.beyond_data,
                "phase_history": [c.describe() for c in ceasefire.phase_history()],
                "obligations": [
                    {
                        "obligation": s.obligation.id,
                        "party": s.obligation.party,
                        "status": str(s.status_on(ceasefire.date)),
                        "due": s.due.isoformat() if s.due else None,
                        "days_overdue": s.days_overdue(ceasefire.date),
                        "disputed": s.disputed,
                    }
                    for s in ceasefire.obligations()
                ],
            }
        )
        return
    if _tty():
        _rich_status(ceasefire)
        return
    click.echo(ceasefire.summary())


def _rich_status(ceasefire: Ceasefire) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = _console()
    console.print(Text(ceasefire.agreement.title, style="bold"))
    console.print(repr(ceasefire), markup=False)
    for change in ceasefire.phase_history():
        style = "bold red" if change.irregular else ""
        console.print(f"  {change.describe()}", style=style, markup=False)
    colours = {"fulfilled": "green", "overdue": "red", "breached": "red", "partial": "yellow", "pending": "dim"}
    table = Table("obligation", "party", "status", "due", "disputed")
    for state in ceasefire.obligations():
        label = str(state.status_on(ceasefire.date))
        table.add_row(
            escape(state.obligation.id),
            escape(state.obligation.party or "-"),
            f"[{colours.get(label, 'white')}]{label}[/]",
            str(state.due or ""),
            "DISPUTED" if state.disputed else "",
        )
    console.print(table)


@cli.command()
@click.argument("name")
@click.argument("target")
@as_of_option
@view_option
@json_option
@_handled
def blockers(name: str, target: str, as_of: str | None, view: str | None, as_json: bool) -> None:
    """What blocks TARGET (a trigger or a phase) and who owes what, with sources."""
    found = _load(name, as_of).blockers(target, view=view)
    if as_json:
        _emit_json(found.to_dict())
        return
    if _tty():
        from rich.text import Text

        console = _console()
        console.print(Text(found.headline(), style="bold red" if found else "bold green"))
        console.print(Text(f"view: {found.view}", style="dim"))
        for line in str(found).splitlines()[1:]:
            style = "red" if line.lstrip().startswith("x ") else "yellow" if line.lstrip().startswith("? ") else ""
            console.print(Text(line, style=style))
        return
    click.echo(str(found))


@cli.command()
@click.argument("name")
@click.argument("target")
@as_of_option
@view_option
@json_option
@_handled
def unblock(name: str, target: str, as_of: str | None, view: str | None, as_json: bool) -> None:
    """The smallest sets of conditions that would open TARGET."""
    found = _load(name, as_of).unblock(target, view=view)
    if as_json:
        _emit_json(found.to_dict())
        return
    click.echo(str(found))


@cli.command()
@click.argument("name")
@as_of_option
@json_option
@_handled
def history(name: str, as_of: str | None, as_json: bool) -> None:
    """The timeline of phase and obligation changes, with sources."""
    ceasefire = _load(name, as_of)
    changes = ceasefire.history()
    if as_json:
        _emit_json(
            [
                {
                    "date": c.date.isoformat(),
                    "change": c.describe(),
                    "irregular": getattr(c, "irregular", False),
                    "source": c.event.source.to_dict() if c.event is not None and c.event.source else None,
                }
                for c in changes
            ]
        )
        return
    for change in changes:
        click.echo(change.describe())
        if change.event is not None and change.event.source is not None:
            click.echo(f"    [source: {change.event.source.cite()}]")


@cli.command()
@click.argument("name")
@as_of_option
@json_option
@_handled
def deadlines(name: str, as_of: str | None, as_json: bool) -> None:
    """Open obligations with a deadline: days left or overdue."""
    found = _load(name, as_of).deadlines()
    if as_json:
        _emit_json([d.to_dict() for d in found])
        return
    for deadline in found:
        click.echo(deadline.describe())


@cli.command()
@click.argument("name")
@json_option
@_handled
def check(name: str, as_json: bool) -> None:
    """Verify an agreement (a bundled name or a YAML file); exit 1 if it has errors."""
    import truce
    from truce.errors import DefinitionError, Problem
    from truce.verification import Finding, Report, Severity

    try:
        ceasefire = _load(name)
        report = truce.verify(ceasefire.agreement)
    except DefinitionError as exc:
        problems: tuple[Problem, ...] = exc.problems
        report = Report(name, tuple(Finding(Severity.ERROR, "definition", (), str(p)) for p in problems))
    if as_json:
        _emit_json(report.to_dict())
    else:
        click.echo(str(report))
    if not report.ok:
        sys.exit(EXIT_CHECK_FAILED)


@cli.command()
@click.argument("name")
@as_of_option
@click.option(
    "--format", "fmt", type=click.Choice(["dot", "mermaid", "svg", "png"]), default="mermaid", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@_handled
def diagram(name: str, as_of: str | None, fmt: str, output: Path | None) -> None:
    """Draw the phase diagram: current phase highlighted, blocked transitions marked."""
    content = _load(name, as_of).diagram().text(fmt)
    if output is not None:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
        click.echo(f"wrote {output}")
    elif isinstance(content, bytes):
        _fail(f"{fmt} is binary: write it to a file with -o", EXIT_BAD_INPUT)
    else:
        click.echo(content)


@cli.command()
@click.argument("name")
@as_of_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PNG or SVG file.")
@_handled
def timeline(name: str, as_of: str | None, output: Path) -> None:
    """Draw the timeline picture (phases, obligations, incidents); needs truce[plot]."""
    from truce.timeline import timeline as draw

    draw(_load(name, as_of), output)
    click.echo(f"wrote {output}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="truce")


if __name__ == "__main__":
    main()
