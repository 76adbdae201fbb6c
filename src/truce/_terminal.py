"""What the ``truce`` command writes: exit codes, text made safe for a terminal, versioned JSON.

Titles, texts and sources are data: a character a terminal would act on is shown as an
escape, never obeyed. ``--json`` output is one object per command, ``{"schema": 1,
"command": ...}`` first (see docs/schemas.md).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_MISSING_DEPENDENCY = 4
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a Unix tool killed by a closed pipe reports

#: The version of the ``--json`` shapes; it changes when a key is renamed, removed or retyped.
JSON_SCHEMA = 1


class _Exit(Exception):
    """Unwinds to :func:`main` with an exit code, so tests can call ``main`` in-process."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


#: Characters a terminal may act on rather than show: C0 controls but tab and newline, DEL,
#: C1 controls (``\\x9b`` is CSI on some terminals), the Unicode line and paragraph
#: separators (line breaks to some terminals and editors), and the bidirectional overrides that
#: reorder what is shown ("Trojan source"). Titles, texts and sources are data: they are
#: shown as escapes (``\\x1b``), never obeyed.
_CONTROLS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                 0x2028, 0x2029, *range(0x2066, 0x206A))
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


def _report(message: str, code: int) -> int:
    _echo(f"truce: error: {message}", err=True)
    return code


def _emit_json(command: str, data: dict[str, Any]) -> None:
    """Print one versioned JSON object: ``schema`` and ``command`` first, then the command's own keys."""
    text = json.dumps({"schema": JSON_SCHEMA, "command": command, **data}, indent=2, ensure_ascii=False, default=str)
    _echo(text.translate(_JSON_CONTROLS), raw=True)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _tty() -> bool:
    """Whether to draw with rich: only on a terminal, and only when the ``rich`` extra is installed."""
    if not sys.stdout.isatty():
        return False
    import importlib.util

    return importlib.util.find_spec("rich") is not None
