"""The truce command: every command, its --json, and its error paths."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import truce
from truce import TruceError, _commands, cli
from truce.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def run(capsys):
    def invoke(*args: str, code: int = 0):
        got = main(list(args))
        result = capsys.readouterr()
        assert got == code, (result.out, result.err)
        return SimpleNamespace(stdout=result.out, stderr=result.err)

    return invoke


def test_list(run):
    out = run("list").stdout
    assert out.splitlines()[0].startswith("gaza-2025\tphase_two\t2026-07-01\t")
    rows = json.loads(run("list", "--json").stdout)["agreements"]
    assert [r["agreement"] for r in rows] == truce.agreements()
    lebanon = next(r for r in rows if r["agreement"] == "lebanon-2024")
    assert (lebanon["superseded_by"], lebanon["data_through"]) == (["israel-lebanon-2026"], "2026-03-02")
    assert "lebanon-2024\tcollapsed\t2026-03-02\t" in out
    assert out.splitlines()[-1].endswith("\tsupersedes iran-israel-2025")


def test_show(run):
    assert "begin_phase_two" in run("show", "gaza-2025").stdout
    assert "superseded_by:\n- israel-lebanon-2026\ndata_through: 2026-03-02" in run("show", "lebanon-2024").stdout
    assert json.loads(run("show", "us-iran-2026", "--json").stdout)["definition"]["supersedes"] == ["iran-israel-2025"]
    data = json.loads(run("show", str(DOCS / "riverside.yaml"), "--json").stdout)
    assert data["agreement"] == data["definition"]["id"] == "riverside"


def test_status(run):
    out = run("status", "gaza-2025", "--as-of", "2025-12-29").stdout
    assert "<Ceasefire gaza-2025: phase_one as of 2025-12-29" in out
    data = json.loads(run("status", "gaza-2025", "--json").stdout)
    assert data["phase"] == "phase_two"
    assert data["beyond_data"] is False
    remains = next(o for o in data["obligations"] if o["obligation"] == "deceased_hostages_remains_returned")
    assert remains["status"] == "fulfilled"


def test_blockers(run):
    out = run("blockers", "gaza-2025", "phase_two", "--as-of", "2025-12-29").stdout
    assert out.startswith("phase_one -> phase_two (begin_phase_two) blocked as of 2025-12-29: 1 of 4 conditions unmet")
    assert "[source: " in out
    data = json.loads(run("blockers", "gaza-2025", "begin_phase_two", "--as-of", "2025-12-29", "--json").stdout)
    assert data["unmet"][0]["days_overdue"] == 77
    args = ("blockers", "lebanon-2024", "implemented", "--as-of", "2026-01-08", "--view", "israel", "--json")
    viewed = json.loads(run(*args).stdout)
    assert viewed["view"].startswith("as israel claims it")


def test_unblock_history_deadlines(run):
    assert (
        "deceased_hostages_remains_returned [hamas]"
        in run("unblock", "gaza-2025", "phase_two", "--as-of", "2025-12-29").stdout
    )
    sets = json.loads(run("unblock", "gaza-2025", "phase_two", "--as-of", "2025-12-29", "--json").stdout)["sets"]
    assert sets[0]["parties"] == ["hamas"]
    history = run("history", "gaza-2025").stdout
    assert "IRREGULAR" in history
    assert "[source: " in history
    entries = json.loads(run("history", "gaza-2025", "--json").stdout)["changes"]
    assert any(e["irregular"] for e in entries)
    assert {e["change"] for e in entries} <= {"phase", "status", "progress", "deadline"}
    assert "overdue 77 days" in run("deadlines", "gaza-2025", "--as-of", "2025-12-29").stdout
    deadlines = json.loads(run("deadlines", "gaza-2025", "--as-of", "2025-12-29", "--json").stdout)["deadlines"]
    assert deadlines[0]["days_overdue"] == 77


def test_check_passes_and_fails_with_exit_codes(run, tmp_path):
    assert "0 errors" in run("check", "gaza-2025").stdout
    assert "no bundled agreement named 'riverside'" in run("check", "riverside", "--json", code=3).stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text((DOCS / "riverside.yaml").read_text().replace("guard: fulfilled(pull_back)", "guard: false"))
    out = run("check", str(broken), code=1).stdout
    assert "impossible-guard" in out
    typo = tmp_path / "typo.yaml"
    typo.write_text((DOCS / "riverside.yaml").read_text().replace("party: south", "party: sooth"))
    data = json.loads(run("check", str(typo), "--json", code=1).stdout)
    assert data["ok"] is False
    assert "unknown party 'sooth'" in data["findings"][0]["message"]


def test_diagrams(run, tmp_path):
    mermaid = run("diagram", "gaza-2025", "--as-of", "2025-12-29").stdout
    assert "stateDiagram-v2" in mermaid
    assert "BLOCKED: 1 unmet" in mermaid
    dot = run("diagram", "gaza-2025", "--format", "dot").stdout
    assert dot.startswith("digraph")
    target = tmp_path / "gaza.svg"
    if shutil.which("dot"):
        run("diagram", "gaza-2025", "--format", "svg", "-o", str(target))
        assert target.read_text().lstrip().startswith(("<?xml", "<svg"))
        printed = run("diagram", "gaza-2025", "--format", "svg").stdout  # SVG is text: it may be printed (exited 70)
        assert printed.lstrip().startswith(("<?xml", "<svg"))
    else:
        err = run("diagram", "gaza-2025", "--format", "svg", "-o", str(target), code=4).stderr
        assert "Graphviz 'dot' program, which is not installed: install Graphviz (apt-get install graphviz" in err
        assert "truce[" not in err
    assert "binary" in run("diagram", "gaza-2025", "--format", "png", code=3).stderr


def test_timeline(run, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is in the dev extra; CI installs it")
    target = tmp_path / "gaza.png"
    run("timeline", "gaza-2025", "-o", str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "nowhere"], "no bundled agreement named 'nowhere'"),
        (["status", "gaza-2025", "--as-of", "soon"], "not an ISO date"),
        (["status", "gaza-2025", "--as-of", "2020-01-01"], "before gaza-2025 existed"),
        (["blockers", "gaza-2025", "phase_nine"], "unknown trigger or phase 'phase_nine'"),
        (["blockers", "gaza-2025", "phase_one"], "no transition leads from 'phase_two' to 'phase_one'"),
        (["blockers", "gaza-2025", "phase_two", "--view", "nobody"], "unknown party 'nobody'"),
        (["status", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_errors_are_one_line_with_exit_code_3(run, args, message):
    result = run(*args, code=3)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("truce: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_file_is_one_line(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n")
    err = run("status", str(bad), code=3).stderr
    assert "bad.yaml:2: malformed YAML" in err
    assert len(err.strip().splitlines()) == 1


def test_debug_shows_the_traceback():
    with pytest.raises(TruceError, match="no bundled agreement named 'nowhere'"):
        main(["--debug", "status", "nowhere"])


def test_a_bug_is_one_line_with_exit_code_70(run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(_commands, "_load", broken)
    err = run("status", "gaza-2025", code=70).stderr
    assert err == "truce: error: internal error: RuntimeError: boom (rerun with --debug and report it)\n"
    with pytest.raises(RuntimeError):
        main(["--debug", "status", "gaza-2025"])


def test_help_and_version_exit_0(run):
    assert "blockers" in run("--help").stdout
    assert "a trigger or a phase" in run("blockers", "--help").stdout
    assert run("--version").stdout.startswith("truce, version ")


COMMAND_LINES = [
    *([name, "--help"] for name in sorted(cli._NAMES)),
    ["blockers", "gaza-2025"], ["--debug", "blockers", "gaza-2025", "phase_two", "--json", "--view", "israel"],
    ["blockers"], ["blockers", "gaza-2025", "a", "b"], ["blockers", "x", "--bogus"], ["blockers", "x", "--debug"],
    ["diagram", "x", "--format", "gif"], ["timeline", "x"], ["import-acled", "x", "y"], ["check", "x", "--strict"],
    ["status", "x", "--as", "2025-01-01"], ["list", "extra"], ["--help", "blockers"], ["--deb", "list"], ["--", "list"],
    [], ["--debug"], ["nonsense"], ["--version"],
]  # fmt: skip


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv) or "(nothing)")
def test_a_named_command_parses_as_the_whole_parser_does(argv, capsys):
    """Start-up builds only the named command's parser: what it parses, prints and refuses is the same."""

    def parse(parser):
        try:
            return vars(parser.parse_args(argv)), capsys.readouterr()
        except SystemExit as exc:
            return exc.code, capsys.readouterr()

    assert parse(cli._parser(cli._named(argv))) == parse(cli._parser())


#: What ``truce blockers`` must not import: modules only other commands use, and standard
#: modules only other paths need. Start-up is a measured figure (benchmarks/bench.py, bench_cli).
NOT_FOR_BLOCKERS = {
    "truce.verification", "truce.report", "truce.timeline", "truce.acled", "truce.scenario",
    "truce.ensembles", "yaml", "pathlib", "pickle", "shutil", "html",
}  # fmt: skip


def test_blockers_imports_only_what_it_needs():
    code = (
        "import sys; from truce.cli import main; main(['blockers', 'gaza-2025', 'phase_two']); "
        f"print(sorted(set(sys.modules) & {NOT_FOR_BLOCKERS!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_the_program_entry_point_answers_as_main_does_and_leaves_the_collector_on():
    code = (
        "import gc, sys; from truce.__main__ import run; sys.argv = ['truce', 'status', 'nowhere']; "
        "code = run(); print(code, gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["3", "True", "True"]
    assert done.stderr.startswith("truce: error: no bundled agreement named 'nowhere'")


def test_missing_optional_dependency_exit_code(run, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    err = run("timeline", "gaza-2025", "-o", str(tmp_path / "x.png"), code=4).stderr
    assert "pip install 'truce-ceasefire[plot]'" in err


def test_rich_output_on_a_terminal(run, monkeypatch):
    monkeypatch.setattr(_commands, "_tty", lambda: True)
    assert "gaza-2025" in run("list").stdout
    assert "deceased_hostages_remains_returned" in run("status", "gaza-2025").stdout
    assert "blocked as of 2025-12-29" in run("blockers", "gaza-2025", "phase_two", "--as-of", "2025-12-29").stdout


def test_a_terminal_without_rich_gets_plain_text(run, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setitem(sys.modules, "rich", None)
    assert not _commands._tty()
    assert run("list").stdout.startswith("gaza-2025\t")


def test_usage_errors_exit_2(run):
    assert "required: TARGET" in run("unblock", "gaza-2025", code=2).stderr
    assert "invalid choice: 'nonsense'" in run("nonsense", code=2).stderr
    run(code=2)
    run("diagram", "gaza-2025", "--format", "gif", code=2)


def test_terminal_output_does_not_interpret_markup_from_data(run, tmp_path, monkeypatch):
    monkeypatch.setattr(_commands, "_tty", lambda: True)
    definition = tmp_path / "x.yaml"
    definition.write_text((DOCS / "riverside.yaml").read_text().replace(
        "title: Riverside truce (a made-up example)", "title: '[red]Riverside[/red] [link=https://evil]x[/link]'"
    ))  # fmt: skip
    out = run("status", str(definition)).stdout
    assert "[red]Riverside[/red]" in out
