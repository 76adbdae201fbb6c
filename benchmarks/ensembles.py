"""Scenario ensemble benchmarks: a scenario against what_if+can, and executors against one process.

    python benchmarks/ensembles.py            # full sizes; prints a table, writes benchmarks/ensembles.md
    python benchmarks/ensembles.py --quick    # tiny sizes, for the smoke test (writes nothing)

``make bench`` (benchmarks/bench.py) runs these too and puts the rows in results.md.
Ratios are taken in turns in one run (see bench.interleaved): the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench import interleaved, row  # the script's directory is on sys.path, as for bench.py

import truce
from truce import Assumptions, Collapse, Delay, FactAssumption
from truce.scenario import Simulator, Start

HERE = Path(__file__).resolve().parent

REMAINS = "deceased_hostages_remains_returned"
START = dt.date(2025, 12, 29)

#: Ten hypothetical events at most per scenario: eight obligations, one fact, collapse.
ASSUMPTIONS = Assumptions(
    obligations={
        REMAINS: Delay.lognormal(25, 0.8),
        "technocratic_committee_established": Delay.uniform(5, 40),
        "board_of_peace_established": Delay.uniform(5, 40),
        "disarmament_schedule_agreed": Delay.triangular(30, 90, 365),
        "withdrawal_milestones_agreed": Delay.uniform(10, 100),
        "heavy_weapons_decommissioned": Delay.lognormal(90, 0.7),
        "hamas_disarmed": Delay.lognormal(200, 0.7),
        "idf_withdrawal_to_security_perimeter": Delay.lognormal(200, 0.7),
    },
    facts={"isf_troops_in_gaza": FactAssumption(100, Delay.uniform(30, 150))},
    collapse=Collapse(0.001),
)


def busy(count: int) -> int:
    """The control for the executors: pure-Python work that parallelises perfectly if cores are free."""
    total = 0
    for value in range(count):
        total += value * value
    return total


def loops_for(seconds: float) -> int:
    """How many iterations of :func:`busy` take about ``seconds`` here, now."""
    count = 200_000
    taken = min(_timed_busy(count) for _ in range(3))
    return max(count, int(count * seconds / taken))


def _timed_busy(count: int) -> float:
    start = time.perf_counter()
    busy(count)
    return time.perf_counter() - start


def _in_worker(fn: Any, *args: Any) -> tuple[Any, int, float, float, float]:
    """Run a chunk and say where and when: (result, process id, start, end, CPU seconds)."""
    cpu, start = time.process_time(), time.perf_counter()
    result = fn(*args)
    return result, os.getpid(), start, time.perf_counter(), time.process_time() - cpu


class Timed:
    """An executor that records, per chunk, the time spent inside the worker that ran it.

    ``perf_counter`` is the system's monotonic clock, the same in every process of the
    machine, so the spans can be set against the parent's wall time.
    """

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.spans: list[tuple[int, float, float, float]] = []

    def submit(self, fn: Any, /, *args: Any) -> _TimedFuture:
        return _TimedFuture(self.executor.submit(_in_worker, fn, *args), self.spans)


class _TimedFuture:
    def __init__(self, future: Any, spans: list[tuple[int, float, float, float]]) -> None:
        self.future, self.spans = future, spans

    def result(self) -> Any:
        value, worker, start, end, cpu = self.future.result()
        self.spans.append((worker, start, end, cpu))
        return value

    def cancel(self) -> bool:
        return bool(self.future.cancel())


def breakdown(run: Any, pool: Any, workers: int) -> str:
    """Where a pooled run's wall time goes: inside the workers (computing, or waiting for a
    core), idle workers, and the parent's own CPU (submitting, pickling, merging)."""
    timed = Timed(pool)
    cpu, start = time.process_time(), time.perf_counter()
    run(timed)
    wall, parent = time.perf_counter() - start, time.process_time() - cpu
    inside = sum(end - begin for _, begin, end, _ in timed.spans)
    computing = sum(seconds for *_, seconds in timed.spans)
    idle = workers * wall - inside
    return (
        f"one run of {wall:.2f} s on the pool, worker-seconds: computing {computing:.2f}, waiting for a core "
        f"{inside - computing:.2f}, idle {idle:.2f} ({len(timed.spans)} chunks); parent CPU {parent:.3f} s"
    )


def bench_scenario(count: int, repeat: int) -> tuple[list[dict[str, object]], float]:
    """One scenario against one what_if(...)+can(...); returns the rows and the scenario time."""
    december = truce.load("gaza-2025", as_of=START)
    simulator = Simulator(Start.of(december, ASSUMPTIONS, START + dt.timedelta(days=730), 1))
    events = sum(len([s for s in simulator.run(i, trace=True).trace if s[1] != "enter"]) for i in range(200)) / 200

    def scenarios() -> None:
        for index in range(count):
            simulator.run(index)

    def what_if() -> None:
        for _ in range(count // 10):
            december.what_if(fulfil=[REMAINS]).can("phase_two")

    ours, baseline = interleaved([scenarios, what_if], repeat)
    ours, baseline = ours / count, baseline / (count // 10)
    rows = [
        row(
            "one scenario (gaza-2025, <= 10 hypothetical events) vs what_if(...)+can(...)",
            ours,
            baseline,
            "<= 1/3",
            ours / baseline <= 1 / 3,
            unit="us",
            detail=f"{events:.1f} hypothetical events per scenario on average",
        )
    ]
    return rows, ours


def bench_executors(n: int, repeat: int, dask: bool) -> tuple[list[dict[str, object]], float]:
    """``n`` scenarios in one process, on a 2-process pool, on a 2-worker Dask LocalCluster."""
    december = truce.load("gaza-2025", as_of=START)

    def run(executor: object | None) -> truce.Ensemble:
        return truce.ensemble(december, ASSUMPTIONS, n, seed=1, executor=executor, progress=False)

    rows = []
    with ProcessPoolExecutor(2) as pool:
        run(pool)  # start the workers (and import truce in them) before timing
        # the control: a pure-Python loop as long as the in-process ensemble, in two halves on
        # the same pool, taken in turns with it: what two workers can get from the machine now
        (alone_once,) = interleaved([lambda: run(None)], 1)
        half = loops_for(alone_once) // 2
        list(pool.map(busy, [1000] * 2))
        alone, pooled, serial_loop, pooled_loop = interleaved(
            [
                lambda: run(None),
                lambda: run(pool),
                lambda: [busy(half) for _ in range(2)],
                lambda: list(pool.map(busy, [half] * 2)),
            ],
            repeat,
        )
        where = breakdown(run, pool, 2)
    control = serial_loop / pooled_loop
    speed_up = alone / pooled
    rows.append(
        row(
            f"{n:,} scenarios: 2-process pool vs in-process (speed-up)",
            speed_up,
            None,
            ">= 1.7x",
            speed_up >= 1.7,
            unit="ratio",
            detail=f"{alone:.2f} s in-process, {pooled:.2f} s on the pool; {os.cpu_count()} cores on this machine",
        )
    )
    rows.append(
        row(
            "control: a pure-Python loop as long as the in-process run, two halves on the same pool (speed-up)",
            control,
            None,
            "-",
            None,
            unit="ratio",
            detail=f"{serial_loop:.2f} s in-process, {pooled_loop:.2f} s on the pool, in turns with the ensemble; "
            f"the ensemble got {speed_up / control:.0%} of it",
        )
    )
    rows.append({"figure": "where the pool's time goes (one more run, timed inside the workers)", "detail": where})
    if dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            rows.append(row("Dask LocalCluster vs in-process", 0, None, ">= 1.5x", None, detail="dask not installed"))
        else:
            with (
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
                Client(cluster) as client,
            ):
                run(client)
                alone_again, clustered = interleaved([lambda: run(None), lambda: run(client)], repeat)
            rows.append(
                row(
                    f"{n:,} scenarios: Dask LocalCluster, 2 workers vs in-process (speed-up)",
                    alone_again / clustered,
                    None,
                    ">= 1.5x",
                    alone_again / clustered >= 1.5,
                    unit="ratio",
                    detail=f"{alone_again:.2f} s in-process, {clustered:.2f} s on the cluster",
                )
            )
            alone = min(alone, alone_again)
    rate = n / alone
    rows.append(
        row(
            "scenarios per second per core (in-process ensemble)",
            rate,
            None,
            "-",
            None,
            unit="/s",
            detail=f"1M scenarios x 10 agreements: {10_000_000 / rate / 3600:.1f} core-hours",
        )
    )
    return rows, rate


def bench_ensembles(quick: bool) -> list[dict[str, object]]:
    if quick:
        scenario_rows, _ = bench_scenario(200, 1)
        executor_rows, _ = bench_executors(2_000, 1, dask=False)
    else:
        scenario_rows, _ = bench_scenario(5_000, 5)
        executor_rows, _ = bench_executors(100_000, 3, dask=True)
    return scenario_rows + executor_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test); writes no results file")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = bench_ensembles(args.quick)
    load = (
        f"load average (1, 5, 15 min) {', '.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} at the end"
    )
    columns = ["figure", "ours", "baseline", "ratio", "target", "met", "detail"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in columns) + " |" for r in rows]
    table = "\n".join(lines)
    print(table)
    print(load)
    if not args.quick:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = f"{platform.machine()}, Python {platform.python_version()}, {platform.system()}"
        (HERE / "ensembles.md").write_text(
            f"# Scenario ensemble benchmark results\n\nMeasured {stamp} on {machine} by "
            "`python benchmarks/ensembles.py` (best of several runs, taken in turns; ratios in one run); "
            f"{load} (the machine has {os.cpu_count()} cores; other jobs' load shows in the control).\n\n"
            f"{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
