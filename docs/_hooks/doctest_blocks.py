"""A griffe extension for the API reference: REPL examples in docstrings become code blocks.

truce's docstrings carry doctests (``>>>`` lines and their output) that pytest runs. Read as
Markdown they would turn into nested quotes and ``[...]`` into links, so each run of
example lines is fenced as a ``pycon`` block before mkdocstrings renders the docstring.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence(text: str) -> str:
    """Wrap each block of ``>>>``/``...`` lines and the output after them in a fenced pycon block."""
    lines = text.splitlines()
    out: list[str] = []
    in_example = False
    fenced = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if not fenced and not in_example and stripped.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append("```")
            in_example = False
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the doctests of every object's docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence(obj.docstring.value)
