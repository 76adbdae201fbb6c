"""The ``truce`` command: status, blockers, history, checks, diagrams and timelines from a terminal.

Exit codes:

* 0: success (a query answered, even when the answer is "blocked");
* 1: ``check`` found errors in the agreement;
* 2: usage error (unknown option, missing argument);
* 3: bad input (unknown agreement, malformed file, unknown name, bad date);
* 4: an optional dependency is missing (e.g. matplotlib for ``timeline``);
* 70: an internal error (a bug in truce; ``--debug`` shows the traceback);
* 141: the output pipe was closed by its reader (``truce history x | head -1``), quietly.

``--json`` output is one JSON object per command, versioned: ``{"schema": 1, "command": ...}``,
with an ``agreement`` key wherever an agreement is meant, every key present (null when
unknown) and no prose where there is structure; ``truce/schemas/output.schema.json``
describes it (see docs/schemas.md).

Errors are one line on stderr; ``--debug`` shows the traceback. On a terminal, output is
rendered with colour and tables when rich is installed (the ``rich`` extra); piped, or
without rich, it is plain text; ``--json`` gives JSON.
truce itself is imported lazily, inside each command.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from truce.ceasefire import Ceasefire

__all__ = ["main"]

EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_MISSING_DEPENDENCY = 4
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a Unix tool killed by a closed pipe reports

FORMATS = ("dot", "mermaid", "svg", "png")
#: The version of the ``--json`` shapes; it changes when a key is renamed, removed or retyped.
JSON_SCHEMA = 1
_SOURCE_KEYS = ("title", "publisher", "date", "url", "locator", "quote", "kind")
BINARY_FORMATS = ("png",)


class _Exit(Exception):
    """Unwinds to :func:`main` with an exit code, so tests can call ``main`` in-process."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


#: Characters a terminal may act on rather than show: C0 controls but tab and newline, DEL,
#: C1 controls (``\\x9b`` is CSI on some terminals) and the bidirectional overrides that
#: reorder what is shown ("Trojan source"). Titles, texts and sources are data: they are
#: shown as escapes (``\\x1b``), never obeyed.
_CONTROLS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A))
}  # fmt: skip
#: The same characters as JSON escapes, which mean the same text to a JSON reader.
_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in _CONTROLS}


def clean(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape instead."""
    return text.translate(_CONTROLS)


def _echo(text: str = "", *, err: bool = False, nl: bool = True, raw: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write((text if raw else clean(text)) + ("\n" if nl else ""))


def _fail(message: str, code: int) -> NoReturn:
    raise _Exit(_report(message, code))


def _load(name: str, as_of: str | None = None) -> Ceasefire:
    import truce

    return truce.load(name, as_of=as_of)


def _emit_json(command: str, data: dict[str, Any]) -> None:
    """Print one versioned JSON object: ``schema`` and ``command`` first, then the command's own keys."""
    import json

    text = json.dumps({"schema": JSON_SCHEMA, "command": command, **data}, indent=2, ensure_ascii=False, default=str)
    _echo(text.translate(_JSON_CONTROLS), raw=True)


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


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _tty() -> bool:
    """Whether to draw with rich: only on a terminal, and only when the ``rich`` extra is installed."""
    if not sys.stdout.isatty():
        return False
    import importlib.util

    return importlib.util.find_spec("rich") is not None


def list_command(as_json: bool) -> None:
    """List the bundled agreements."""
    import truce

    rows = []
    for name in truce.agreements():
        ceasefire = truce.load(name)
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
                *(
                    escape(clean(str(row[key] or "")))
                    for key in ("agreement", "title", "in_force", "phase", "data_through")
                ),
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
    from truce.dumping import agreement_to_data, dump_agreement

    agreement = _load(name).agreement
    if as_json:
        _emit_json("show", {"agreement": agreement.id, "definition": agreement_to_data(agreement)})
        return
    _echo(dump_agreement(agreement), nl=False)


def status(name: str, as_of: str | None, as_json: bool) -> None:
    """Where an agreement stands: phase, phase record, every obligation's status."""
    ceasefire = _load(name, as_of)
    if as_json:
        day = ceasefire.date
        _emit_json(
            "status",
            {
                "agreement": ceasefire.agreement.id,
                "title": ceasefire.agreement.title,
                "phase": ceasefire.phase,
                "as_of": day.isoformat(),
                "data_through": ceasefire.data_through.isoformat() if ceasefire.data_through else None,
                "beyond_data": ceasefire.beyond_data,
                "phase_history": [_phase_change_json(c) for c in ceasefire.phase_history()],
                "obligations": [
                    {
                        "obligation": s.obligation.id,
                        "party": s.obligation.party,
                        "status": str(s.status_on(day)),
                        "since": s.since.isoformat() if s.since else None,
                        "due": s.due.isoformat() if s.due else None,
                        "original_due": s.original_due.isoformat() if s.original_due else None,
                        "days_overdue": s.days_overdue(day),
                        "disputed": s.disputed,
                    }
                    for s in ceasefire.obligations()
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
    for state in ceasefire.obligations():
        label = str(state.status_on(ceasefire.date))
        table.add_row(
            escape(clean(state.obligation.id)),
            escape(clean(state.obligation.party or "-")),
            f"[{colours.get(label, 'white')}]{label}[/]",
            str(state.due or ""),
            "DISPUTED" if state.disputed else "",
        )
    console.print(table)


def blockers(name: str, target: str, as_of: str | None, view: str | None, as_json: bool) -> None:
    """What blocks TARGET (a trigger or a phase) and who owes what, with sources."""
    found = _load(name, as_of).blockers(target, view=view)
    if as_json:
        data = found.to_dict()
        data["unmet"], data["met"] = _conditions_json(data["unmet"]), _conditions_json(data["met"])
        _emit_json("blockers", data)
        return
    if _tty():
        from rich.text import Text

        console = _console()
        console.print(Text(clean(found.headline()), style="bold red" if found else "bold green"))
        console.print(Text(clean(f"view: {found.view}"), style="dim"))
        for line in str(found).splitlines()[1:]:
            style = "red" if line.lstrip().startswith("x ") else "yellow" if line.lstrip().startswith("? ") else ""
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
    from truce.ledger import PhaseChange

    ceasefire = _load(name, as_of)
    changes = ceasefire.history()
    if as_json:
        rows = []
        for c in changes:
            if isinstance(c, PhaseChange):
                phase = _phase_change_json(c)
                row = {"change": "phase", "obligation": None, "before": c.from_phase, "after": c.to_phase, **phase}
                del row["from_phase"], row["to_phase"]
            else:
                row = {"change": c.what, "obligation": c.obligation, "before": c.before, "after": c.after}
                row |= {"trigger": None, "irregular": False, "unmet": []}
                row["source"] = _source_json(c.event.source if c.event is not None else None)
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
                "deadlines": [d.to_dict() for d in found],
            },
        )
        return
    for deadline in found:
        _echo(deadline.describe())


def check(name: str, as_json: bool) -> None:
    """Verify an agreement (a bundled name or a YAML file); exit 1 if it has errors."""
    import truce
    from truce.errors import DefinitionError, Problem
    from truce.provenance import copy_only
    from truce.verification import Finding, Report, Severity

    try:
        ceasefire = _load(name)
        report = truce.verify(ceasefire.agreement)
        weak = tuple(
            Finding(
                Severity.WARNING,
                "copy-only-source",
                tuple(x for x in (e.subject, e.trigger, e.to) if x),
                f"{e.date} {e.kind} {e.subject or e.trigger or e.to} rests only on a copy: "
                + (e.source.cite() if e.source else ""),
            )
            for e in copy_only(ceasefire.events)
        )
        report = Report(report.agreement, report.findings + weak)
    except DefinitionError as exc:
        problems: tuple[Problem, ...] = exc.problems
        report = Report(name, tuple(Finding(Severity.ERROR, "definition", (), str(p)) for p in problems))
    if as_json:
        _emit_json("check", report.to_dict())
    else:
        _echo(str(report))
    if not report.ok:
        raise _Exit(EXIT_CHECK_FAILED)


def diagram(name: str, as_of: str | None, fmt: str, output: str | None) -> None:
    """Draw the phase diagram: current phase highlighted, blocked transitions marked."""
    if fmt in BINARY_FORMATS and output is None:
        _fail(f"{fmt} is binary: write it to a file with -o", EXIT_BAD_INPUT)
    content = _load(name, as_of).diagram().text(fmt)
    if output is None:
        assert isinstance(content, str)
        _echo(content.rstrip("\n"))
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


_ARGUMENTS = {
    "name": "a bundled agreement (see `truce list`) or a YAML file",
    "target": "a trigger or a phase",
}


def _width() -> int:
    """The help text's width, found without ``shutil`` (a few ms of imports at start-up)."""
    try:
        width = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
        except (OSError, ValueError):
            width = 80
    return max(width, 40) - 2


def _parser() -> argparse.ArgumentParser:
    width = _width()  # once: argparse builds a formatter for every option added

    def _formatter(prog: str) -> argparse.HelpFormatter:
        return argparse.HelpFormatter(prog, width=width)

    parser = argparse.ArgumentParser(
        prog="truce",
        formatter_class=_formatter,
        description="Ceasefire agreements as state machines: what blocks the next phase, and why. "
        "NAME is a bundled agreement (see `truce list`) or a path to a YAML definition.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, prog="truce")

    def command(run: Callable[..., None], *arguments: str, name: str | None = None) -> argparse.ArgumentParser:
        doc = (run.__doc__ or "").strip()
        sub = commands.add_parser(name or run.__name__, help=doc, description=doc, formatter_class=_formatter)
        sub.set_defaults(run=run)
        for argument in arguments:
            sub.add_argument(argument, metavar=argument.upper(), help=_ARGUMENTS[argument])
        return sub

    def as_of(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--as-of", dest="as_of", metavar="DATE", help="answer for this date (YYYY-MM-DD)")

    def view(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--view", metavar="PARTY", help="evaluate as this party's claims have it")

    def as_json(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--json", dest="as_json", action="store_true", help="print JSON instead of text")

    as_json(command(list_command, name="list"))
    as_json(command(show, "name"))
    for run, arguments, options in (
        (status, ("name",), (as_of, as_json)),
        (blockers, ("name", "target"), (as_of, view, as_json)),
        (unblock, ("name", "target"), (as_of, view, as_json)),
        (history, ("name",), (as_of, as_json)),
        (deadlines, ("name",), (as_of, as_json)),
    ):
        sub = command(run, *arguments)
        for option in options:
            option(sub)
    as_json(command(check, "name"))
    sub = command(diagram, "name")
    as_of(sub)
    sub.add_argument("--format", dest="fmt", choices=FORMATS, default="mermaid", help="default: mermaid")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to this file")
    sub = command(timeline, "name")
    as_of(sub)
    sub.add_argument("-o", "--output", metavar="FILE", required=True, help="PNG or SVG file")
    sub = command(import_acled, "name", name="import-acled")
    sub.add_argument("export", metavar="EXPORT", help="an ACLED export (CSV)")
    sub.add_argument("--actors", metavar="MAP", required=True, help="YAML actor table: countries, actors -> party")
    sub.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="JSON Lines log to write (a re-import updates it)"
    )
    sub.add_argument("--from", dest="start", metavar="DATE", help="keep rows from this date (default: the agreement's)")
    sub.add_argument("--to", dest="end", metavar="DATE", help="keep rows up to this date (default: its end, if any)")
    sub = command(report, "name")
    as_of(sub)
    sub.add_argument("-o", "--output", metavar="FILE", required=True, help="the HTML file to write")
    sub.add_argument("--no-timeline", action="store_true", help="leave the timeline picture out")
    return parser


class _Version(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import truce

        _echo(f"truce, version {truce.__version__}")
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    argparse rather than click: the whole command, start-up included, should cost little
    more than importing its engine (see docs/performance.md), and click alone took a
    third of that budget to import.
    """
    try:
        options = vars(_parser().parse_args(argv))
    except SystemExit as exc:  # --help, --version, or a usage error (argparse printed it)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from truce.errors import MissingDependency, TruceError

    debug = options.pop("debug")
    run = options.pop("run")
    del options["command"]
    _degrade_encoding()
    try:
        run(**options)
        sys.stdout.flush()  # here, so that a closed pipe is met inside this try
    except BrokenPipeError:
        return _closed_pipe()
    except _Exit as exc:
        return exc.code
    except MissingDependency as exc:
        if debug:
            raise
        return _report(str(exc), EXIT_MISSING_DEPENDENCY)
    except (TruceError, ValueError, OSError) as exc:
        if debug:
            raise
        text = str(exc).strip().replace("\n", "; ")
        return _report(text.strip("'\""), EXIT_BAD_INPUT)
    except Exception as exc:  # a bug in truce: still one line, never a bare traceback
        if debug:
            raise
        return _report(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", EXIT_INTERNAL)
    return 0


def _degrade_encoding() -> None:
    """Print what the terminal's encoding cannot show as escapes (``\\u2013``), not fail on it
    (``PYTHONIOENCODING=ascii``, an old Windows console)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
            if encoding != "utf8":
                stream.reconfigure(errors="backslashreplace")


def _closed_pipe() -> int:
    """The reader went away (``truce history x | head -1``): stop quietly, as Unix tools do.

    stdout is pointed at /dev/null so that Python's own flush at exit does not complain.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


def _report(message: str, code: int) -> int:
    _echo(f"truce: error: {message}", err=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
