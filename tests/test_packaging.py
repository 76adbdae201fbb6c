"""The built wheel installs into a clean environment without extras and the command works.

This builds the wheel from this tree (no isolated build env: setuptools comes from the dev
extra), makes a fresh venv, installs the wheel there with its required dependencies only,
and runs the documented commands. It takes about half a minute (marker ``dist``).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import truce

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_distribution_name_is_not_the_unrelated_truce():
    assert PYPROJECT["project"]["name"] == truce.errors.DISTRIBUTION == "truce-ceasefire"


def test_version_is_written_once():
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "truce.__version__"}


def test_only_what_every_user_needs_is_required():
    names = {requirement.split(">")[0].split("=")[0] for requirement in PYPROJECT["project"]["dependencies"]}
    assert names == {"transitions", "attrs", "PyYAML", "msgspec"}  # msgspec: JSON Lines logs decoded and typed in C
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"rich", "graphviz", "testing", "pandas", "plot", "all"} <= set(extras)


def test_every_install_hint_names_the_distribution():
    paths = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "src" / "truce").rglob("*.py")]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "pip install truce " not in text, path
        assert "'truce[" not in text, path
        assert "`truce[" not in text, path


@pytest.mark.dist
def test_the_wheel_installs_and_answers_without_extras(tmp_path):
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", ROOT, cwd=ROOT)
    (wheel,) = (tmp_path / "dist").glob("truce_ceasefire-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv", cwd=tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel, cwd=tmp_path)
    bin_ = tmp_path / "venv" / "bin"

    absent = run(python, "-c", "import importlib.util as u; print([m for m in ('rich', 'graphviz', 'hypothesis', "
                 "'pandas', 'matplotlib') if u.find_spec(m)])", cwd=tmp_path)  # fmt: skip
    assert absent.stdout.strip() == "[]"

    listed = run(bin_ / "truce", "list", cwd=tmp_path).stdout
    assert listed.startswith("gaza-2025\t")
    blocked = run(bin_ / "truce", "blockers", "gaza-2025", "phase_two", "--as-of", "2025-12-29", cwd=tmp_path).stdout
    assert blocked.startswith("phase_one -> phase_two (begin_phase_two) blocked as of 2025-12-29: 1 of 4 conditions")
    version = run(bin_ / "truce", "--version", cwd=tmp_path).stdout
    assert version.strip() == f"truce, version {truce.__version__}"

    dot = run(bin_ / "truce", "diagram", "gaza-2025", "--format", "dot", cwd=tmp_path).stdout
    assert dot.startswith("digraph")  # DOT text needs no graphviz package
    run(bin_ / "truce", "report", "iran-israel-2025", "-o", tmp_path / "report.html", cwd=tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "truce-ceasefire[plot]" in page  # no matplotlib: the report says how to get the timeline
    assert 'class="truce-diagram"' in page  # no graphviz: the diagram as a table
    schemas = run(python, "-c", "from importlib import resources as r; print(sorted(p.name for p in "
                  "(r.files('truce') / 'schemas').iterdir()))", cwd=tmp_path).stdout  # fmt: skip
    assert "output.schema.json" in schemas

    missing = subprocess.run(
        [python, "-c", "import truce.testing"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert "truce.MissingDependency: this needs hypothesis, which is not installed: " in missing.stderr
    assert "pip install 'truce-ceasefire[testing]'" in missing.stderr
