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
The commands are in :mod:`truce._commands`, what they write in :mod:`truce._terminal`; optional
libraries (rich, matplotlib) are imported only when a command needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import truce
from truce._commands import (
    FORMATS,
    blockers,
    check,
    deadlines,
    diagram,
    history,
    import_acled,
    list_command,
    report,
    show,
    status,
    timeline,
    unblock,
)
from truce._terminal import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from truce._terminal import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_MISSING_DEPENDENCY, EXIT_USAGE, _echo, _Exit, _report
from truce._terminal import EXIT_CHECK_FAILED as EXIT_CHECK_FAILED
from truce._terminal import JSON_SCHEMA as JSON_SCHEMA
from truce._terminal import clean as clean
from truce.errors import MissingDependency, TruceError

__all__ = ["main"]


_ARGUMENTS = {
    "name": "a bundled agreement (see `truce list`) or a YAML file",
    "target": "a trigger or a phase",
    "target?": "a trigger or a phase (a phase further on: each step of the way); with none, every way out",
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


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, a command's name, that command's parser alone.

    Building all twelve commands' parsers is a few ms of start-up, and a command line that
    names its command (see :func:`_named`) needs only its own: what it parses, prints or
    refuses does not depend on the others.
    """
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
    for run, name, arguments, options in _COMMANDS:
        if only is not None and name != only:
            continue
        doc = (run.__doc__ or "").strip()
        sub = commands.add_parser(name, help=doc, description=doc, formatter_class=_formatter)
        sub.set_defaults(run=run)
        for argument in arguments:  # "target?": may be left out
            dest, nargs = argument.rstrip("?"), "?" if argument.endswith("?") else None
            sub.add_argument(dest, metavar=dest.upper(), nargs=nargs, help=_ARGUMENTS[argument])
        for option in options:
            option(sub)
    return parser


def _named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when nothing but ``--debug`` comes before it.

    Anything else before it (``--help``, which lists every command, an abbreviated option)
    or no command known by that name gets the whole parser, and so the same answer as ever.
    """
    for argument in argv:
        if argument != "--debug":
            return argument if argument in _NAMES else None
    return None


def _as_of(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", dest="as_of", metavar="DATE", help="answer for this date (YYYY-MM-DD)")


def _view(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--view", metavar="PARTY", help="evaluate as this party's claims have it")


def _as_json(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", dest="as_json", action="store_true", help="print JSON instead of text")


def _strict(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1 on any)")


def _diagram_file(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--format", dest="fmt", choices=FORMATS, default="mermaid", help="default: mermaid")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to this file")


def _timeline_file(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-o", "--output", metavar="FILE", required=True, help="PNG or SVG file")


def _acled_files(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("export", metavar="EXPORT", help="an ACLED export (CSV)")
    sub.add_argument("--actors", metavar="MAP", required=True, help="YAML actor table: countries, actors -> party")
    sub.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="JSON Lines log to write (a re-import updates it)"
    )
    sub.add_argument("--from", dest="start", metavar="DATE", help="keep rows from this date (default: the agreement's)")
    sub.add_argument("--to", dest="end", metavar="DATE", help="keep rows up to this date (default: its end, if any)")


def _report_file(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-o", "--output", metavar="FILE", required=True, help="the HTML file to write")
    sub.add_argument("--no-timeline", action="store_true", help="leave the timeline picture out")


_Option = Callable[[argparse.ArgumentParser], None]

#: Every command, in the order ``--help`` lists them: its function (whose docstring is its
#: help), its name, its arguments (keys of ``_ARGUMENTS``) and what adds its options.
_COMMANDS: tuple[tuple[Callable[..., None], str, tuple[str, ...], tuple[_Option, ...]], ...] = (
    (list_command, "list", (), (_as_json,)),
    (show, "show", ("name",), (_as_json,)),
    (status, "status", ("name",), (_as_of, _as_json)),
    (blockers, "blockers", ("name", "target?"), (_as_of, _view, _as_json)),
    (unblock, "unblock", ("name", "target"), (_as_of, _view, _as_json)),
    (history, "history", ("name",), (_as_of, _as_json)),
    (deadlines, "deadlines", ("name",), (_as_of, _as_json)),
    (check, "check", ("name",), (_as_json, _strict)),
    (diagram, "diagram", ("name",), (_as_of, _diagram_file)),
    (timeline, "timeline", ("name",), (_as_of, _timeline_file)),
    (import_acled, "import-acled", ("name",), (_acled_files,)),
    (report, "report", ("name",), (_as_of, _report_file)),
)
_NAMES = frozenset(name for _, name, _, _ in _COMMANDS)


class _Version(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        _echo(f"truce, version {truce.__version__}")
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    argparse rather than click: the whole command, start-up included, should cost little
    more than importing its engine (see docs/performance.md), and click alone took a
    third of that budget to import.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        options = vars(_parser(_named(arguments)).parse_args(arguments))
    except SystemExit as exc:  # --help, --version, or a usage error (argparse printed it)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
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


if __name__ == "__main__":
    sys.exit(main())
