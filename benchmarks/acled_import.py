"""ACLED import benchmark: rows per second and peak memory for a million-row synthetic export.

    python benchmarks/acled_import.py            # 1,000,000 rows; prints a table, writes benchmarks/acled-results.md
    python benchmarks/acled_import.py --quick    # 2,000 rows, for the smoke test (writes nothing)

The export is synthetic (made-up rows in ACLED's column layout, fifty made-up countries),
written to a temporary file. Each figure runs in a fresh process, so its peak resident
memory (``ru_maxrss``) is its own; the baseline is a bare ``csv.reader`` pass over the
same file in a process that has imported truce and read the agreement just the same,
measured in the same run, so the ratios are what to compare:

* a regional export (1 row in 50 in the agreement's country): what streaming buys; the
  import should need little more memory than the baseline, whatever the export's size;
* an export wholly in the agreement's country (a tenth of the rows): every row kept, to
  show what each kept incident costs.

Nothing here is asserted in the test suite (performance is not a pass/fail test).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AGREEMENT = ROOT / "docs" / "riverside.yaml"
ACTORS = {"Military Forces of Riverland (2020-)": "north", "Southern Militia": "south", "Civilians (Riverland)": None}
COUNTRIES = ["Riverland", *(f"Made-up Country {n}" for n in range(1, 50))]

CHILD = """
import csv, json, resource, sys, time
import truce
from truce import acled
mode, path, actors = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
agreement = truce.load_agreement(sys.argv[4])  # both processes pay the same start-up
start = time.perf_counter()
if mode == "baseline":
    with open(path, encoding="utf-8", newline="") as file:
        rows = sum(1 for _ in csv.reader(file)) - 1
    kept = 0
else:
    found = acled.read(path, agreement, acled.ActorMap(actors, ["Riverland"]))
    rows, kept = found.rows, len(found.events)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
print(json.dumps({"rows": rows, "kept": kept, "seconds": seconds, "peak": peak}))
"""


def synthetic_export(path: Path, rows: int, share_in_country: float, seed: int = 20) -> None:
    """Write ``rows`` made-up rows in ACLED's layout; about ``share_in_country`` of them in Riverland."""
    sys.path.insert(0, str(ROOT / "src"))
    from truce.acled import COLUMNS

    chance = random.Random(seed)
    first = dt.date(2025, 4, 1)
    actors = [*ACTORS, "Unidentified Armed Group (Riverland)"]
    kinds = [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
             ("Explosions/Remote violence", "Shelling/artillery/missile attack")]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(rows):
            day = first + dt.timedelta(days=chance.randrange(365))
            country = "Riverland" if chance.random() < share_in_country else chance.choice(COUNTRIES[1:])
            event_type, sub_event_type = chance.choice(kinds)
            actor1, actor2 = chance.choice(actors), chance.choice(["", *actors])
            writer.writerow([
                f"XBM{n}", day.isoformat(), day.year, chance.choice("1112"), "Political violence", event_type,
                sub_event_type, actor1, "", "State forces", actor2, "", "Rebel group" if actor2 else "", "", "",
                999, "Made-up Region", country, f"Province {n % 20}", "", "", f"Place {n % 500}",
                f"{10 + (n % 500) / 100:.4f}", f"{20 + (n % 500) / 100:.4f}", 1, "Example Wire", "National",
                f"MADE-UP ROW {n}: a synthetic benchmark event.", chance.randrange(5), "", 1744156800,
            ])  # fmt: skip


def measure(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), json.dumps(ACTORS), str(AGREEMENT)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes; write nothing")
    parser.add_argument("--rows", type=int, default=None, help="rows in the regional export (default 1,000,000)")
    options = parser.parse_args()
    rows = options.rows or (2_000 if options.quick else 1_000_000)
    lines = ["| figure | value | baseline | ratio |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        regional, national = Path(folder) / "regional.csv", Path(folder) / "national.csv"
        synthetic_export(regional, rows, 1 / 50)
        synthetic_export(national, rows // 10, 1.0, seed=21)
        base = measure("baseline", regional)
        run = measure("import", regional)
        whole = measure("import", national)
        base_national = measure("baseline", national)
    mib = 2**20
    rate, base_rate = run["rows"] / run["seconds"], base["rows"] / base["seconds"]
    lines += [
        f"| ACLED import, {rows:,} rows (1 in 50 kept): rows/s | {rate:,.0f} | {base_rate:,.0f} (csv.reader) "
        f"| {base_rate / rate:.1f}x slower |",
        f"| ACLED import, {rows:,} rows: peak memory | {run['peak'] / mib:,.0f} MiB | {base['peak'] / mib:,.0f} MiB "
        f"(csv.reader) | {run['peak'] / base['peak']:.2f}x |",
        f"| ACLED import, {whole['rows']:,.0f} rows all kept: rows/s | {whole['rows'] / whole['seconds']:,.0f} "
        f"| {base_national['rows'] / base_national['seconds']:,.0f} (csv.reader) "
        f"| {(base_national['rows'] / base_national['seconds']) / (whole['rows'] / whole['seconds']):.1f}x slower |",
        f"| ACLED import, {whole['rows']:,.0f} rows all kept: peak memory | {whole['peak'] / mib:,.0f} MiB "
        f"| {base_national['peak'] / mib:,.0f} MiB (csv.reader) "
        f"| {(whole['peak'] - base_national['peak']) / max(whole['kept'], 1):,.0f} bytes per kept incident |",
    ]
    print("\n".join(lines))
    if not options.quick:
        machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
        text = "# ACLED import benchmark\n\n" + f"`python benchmarks/acled_import.py` on {machine}\n\n"
        (HERE / "acled-results.md").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
