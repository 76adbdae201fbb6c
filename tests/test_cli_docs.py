"""docs/cli.md shows real output: every console block is run and compared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from truce.cli import main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
BLOCKS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_page_has_examples():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(("command", "expected"), BLOCKS, ids=[c for c, _ in BLOCKS])
def test_documented_output_is_real(command, expected, monkeypatch, capsys):
    monkeypatch.chdir(PAGE.parent.parent)
    main(shlex.split(command)[1:])
    out, err = capsys.readouterr()
    assert (out + err).rstrip() == expected.rstrip()
