"""What the command prints, under hostile data and hostile terminals (issue 17, O1, O4, O5, O6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import truce
from truce import _commands
from truce import cli as cli_module
from truce.cli import clean, main

DOCS = Path(__file__).resolve().parent.parent / "docs"
HOSTILE_TEXT = "A\x1b[31mRED\x1b]0;pwned\x07\r\x9b2J\u202eevil\x08"


def _hostile_definition(tmp_path: Path) -> Path:
    text = (DOCS / "riverside.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Riverside truce (a made-up example)", f"title: {json.dumps(HOSTILE_TEXT)}")
    text = text.replace("text: Release all 12 detainees", f"text: {json.dumps(HOSTILE_TEXT)}")
    text = text.replace("title: Riverside truce text", f"title: {json.dumps(HOSTILE_TEXT)}")
    definition = tmp_path / "x.yaml"
    definition.write_text(text, encoding="utf-8")
    log = tmp_path / "x.events.jsonl"
    live = truce.Ceasefire(truce.load_agreement(definition)).log_to(log)
    live.record(truce.Event("2025-04-02", "incident", text=HOSTILE_TEXT, reported_by="x"))
    source = live.agreement.sources[0]
    live.record(truce.Event("2025-04-03", "fulfilled", obligation="detainees_released", source=source))
    return definition


def _assert_inert(out: str) -> None:
    for char in "\x1b\x07\r\x9b\u202e\x08":
        assert char not in out, repr(char)


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize(
    "command", [["status"], ["history"], ["blockers", "@", "begin_phase_two"], ["deadlines"], ["show"], ["check"]]
)
def test_control_characters_in_data_are_shown_not_obeyed(tmp_path, capsys, monkeypatch, tty, command):
    """O1: ANSI/OSC sequences, CR, C1 controls and bidi overrides from titles, texts and sources."""
    monkeypatch.setattr(_commands, "_tty", lambda: tty)
    definition = _hostile_definition(tmp_path)
    args = [command[0], str(definition), *command[2:]]
    main(args)
    out, err = capsys.readouterr()
    _assert_inert(out + err)
    if command[0] in ("status", "history", "show"):
        assert "\\x1b" in out or "\\e[31m" in out  # shown as an escape (YAML writes \\e)


def test_json_output_escapes_control_characters_as_json(tmp_path, capsys):
    definition = _hostile_definition(tmp_path)
    assert main(["history", str(definition), "--json"]) == 0
    out = capsys.readouterr().out
    _assert_inert(out)
    strings: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(json.loads(out))
    assert HOSTILE_TEXT in strings  # the same text to a JSON reader


def test_error_messages_are_cleaned_too(tmp_path, capsys):
    bad = tmp_path / "x.yaml"
    bad.write_text('id: "a\\x1b[2Jb"\n', encoding="utf-8")
    assert main(["status", str(bad)]) == 3
    _assert_inert(capsys.readouterr().err)


def test_clean_keeps_tabs_newlines_and_ordinary_text():
    assert clean("a\tb\nc – ü 中") == "a\tb\nc – ü 中"
    assert clean("\x1b[0m\r") == "\\x1b[0m\\x0d"


def _truce(*args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "truce", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )


def test_a_closed_pipe_ends_the_command_quietly():
    """O4: `truce history gaza-2025 | head -1` used to exit 3 with "Broken pipe"."""
    process = _truce("history", "gaza-2025")
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader goes away before the first line is written
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == cli_module.EXIT_BROKEN_PIPE
    assert err == b""


@pytest.mark.parametrize("command", [["list"], ["status", "gaza-2025"], ["history", "gaza-2025"]])
def test_an_ascii_terminal_gets_escapes_not_an_error(command):
    """O5: with PYTHONIOENCODING=ascii, list/status/history used to exit 3."""
    process = _truce(*command, PYTHONIOENCODING="ascii")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    out.decode("ascii")  # nothing but ASCII reached the stream
    assert err == b""


def test_a_file_with_thousands_of_problems_lists_some_and_counts_the_rest(tmp_path, capsys):
    """O6: 20,000 bad obligations gave a 4.4 MB error line."""
    text = (DOCS / "riverside.yaml").read_text(encoding="utf-8")
    bad = "".join(f"  bad{n}: {{party: nobody{n}, text: x, source: text}}\n" for n in range(20_000))
    definition = tmp_path / "many.yaml"
    definition.write_text(text.replace("obligations:\n", "obligations:\n" + bad, 1), encoding="utf-8")
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load_agreement(definition)
    assert len(caught.value.problems) == 20_000  # all kept for code
    assert "and 19,980 more" in str(caught.value)
    assert len(str(caught.value)) < 5000
    assert main(["status", str(definition)]) == 3
    assert len(capsys.readouterr().err) < 5000


def test_a_single_huge_problem_is_cut_in_the_message():
    problem = truce.Problem("x" * 100_000, field="f")
    assert len(str(problem)) < 1000
    assert "100,000 characters" in str(problem)
