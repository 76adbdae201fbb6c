"""The benchmarks run (at tiny size) so they cannot rot; their numbers are not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def test_benchmarks_run_at_tiny_size():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| figure |")
    figures = " ".join(lines)
    for figure in ("advance vs raw transitions", "record(event)", "blockers on", "as_of(date)", "verify", "memory"):
        assert figure in figures
    for figure in ("one scenario", "2-process pool vs in-process", "scenarios per second per core"):
        assert figure in figures


def test_the_realistic_benchmark_runs_at_tiny_size():
    script = BENCH.with_name("realistic.py")
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    figures = done.stdout
    for figure in (
        "realistic mix",
        "claim only",
        "what_if vs as_of",
        "365 dates",
        "whole process",
        "pickle.loads a ceasefire",
        "unblock",
        "verify",
    ):
        assert figure in figures
