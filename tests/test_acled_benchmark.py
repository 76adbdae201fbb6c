"""The ACLED import benchmark runs (at tiny size) so it cannot rot; its numbers are not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "acled_import.py"


def test_acled_benchmark_runs_at_tiny_size():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| figure |")
    text = " ".join(lines)
    for figure in ("rows/s", "peak memory", "all kept", "bytes per kept incident"):
        assert figure in text
