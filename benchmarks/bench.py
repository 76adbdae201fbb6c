"""truce benchmarks: each figure as a ratio against a baseline measured in the same run.

    python benchmarks/bench.py            # full sizes; prints a table, writes benchmarks/results.md
    python benchmarks/bench.py --quick    # tiny sizes, for the smoke test (writes nothing)

Timings are best-of-N wall-clock times on this machine; the ratios are what to compare.
Nothing here is asserted in the test suite (performance is not a pass/fail test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import truce
from truce import Agreement, Event, Obligation, Party, Phase, Source, Transition, parse_guard

HERE = Path(__file__).resolve().parent
SOURCE = Source("benchmark", "truce")


def best(run: Callable[[], object], repeat: int) -> float:
    return interleaved([run], repeat)[0]


def interleaved(runs: list[Callable[[], object]], repeat: int) -> list[float]:
    """The best time of each of ``runs``, taken in turns: a ratio between two of them is then
    not skewed by the machine being busier while one of them ran (on a shared 2-core box
    the same run can take twice as long a minute later)."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, times, strict=True):
            gc.collect()
            start = time.perf_counter()
            run()
            taken.append(time.perf_counter() - start)
    return [min(taken) for taken in times]


def ping_pong(obligations: int = 40) -> Agreement:
    """Two phases and a trigger each way, guarded by one obligation: the same shape as the baselines."""
    return Agreement(
        id="ping-pong",
        title="ping-pong",
        in_force="2025-01-01",
        parties=[Party("a", "A")],
        obligations=[Obligation(f"o{n}", "a", f"obligation {n}", SOURCE) for n in range(obligations)],
        phases=[Phase("one"), Phase("two")],
        initial="one",
        terminal=[],
        transitions=[
            Transition("go", ["one"], "two", parse_guard("fulfilled(o0)")),
            Transition("back", ["two"], "one", parse_guard("fulfilled(o0)")),
        ],
    )


def bench_advance(steps: int, repeat: int) -> list[dict[str, object]]:
    from transitions import Machine

    agreement = ping_pong()

    def ours() -> None:
        ceasefire = truce.Ceasefire(agreement, [Event("2025-01-01", "fulfilled", obligation="o0")])
        for _ in range(steps // 2):
            ceasefire.advance("go")
            ceasefire.advance("back")

    class Model:
        pass

    def raw() -> None:
        model, done = Model(), {"o0": True}
        Machine(
            model=model,
            states=["one", "two"],
            initial="one",
            auto_transitions=False,
            transitions=[
                {"trigger": "go", "source": "one", "dest": "two", "conditions": [lambda: done["o0"]]},
                {"trigger": "back", "source": "two", "dest": "one", "conditions": [lambda: done["o0"]]},
            ],
        )
        for _ in range(steps // 2):
            model.trigger("go")  # type: ignore[attr-defined]
            model.trigger("back")  # type: ignore[attr-defined]

    t_ours, t_raw = (t / steps for t in interleaved([ours, raw], repeat))
    rows: list[dict[str, object]] = [
        row("advance vs raw transitions trigger", t_ours, t_raw, "<= 2x", t_ours / t_raw <= 2, unit="us/step")
    ]
    try:
        from statemachine import State, StateMachine
    except ImportError:
        rows.append({"figure": "python-statemachine", "note": "not installed (pip install 'truce-ceasefire[bench]')"})
        return rows

    class PingPong(StateMachine):  # type: ignore[misc]
        one = State(initial=True)
        two = State()
        go = one.to(two, cond="ready")
        back = two.to(one, cond="ready")

        def ready(self) -> bool:
            return True

    def other() -> None:
        machine = PingPong()
        for _ in range(steps // 2):
            machine.send("go")
            machine.send("back")

    t_other = best(other, repeat) / steps
    rows.append(
        row("advance vs python-statemachine 3.x send", t_ours, t_other, "faster", t_ours < t_other, unit="us/step")
    )
    return rows


def many_events(count: int, obligations: int = 40) -> list[Event]:
    start = dt.date(2025, 1, 1)
    kinds = ("fulfilled", "breached", "waived")
    return [
        Event(start + dt.timedelta(days=n // 1000), kinds[n % 3], obligation=f"o{n % obligations}", source=SOURCE)
        for n in range(count)
    ]


class _Floor:
    """The least a per-event ``record`` can do: the same checks (an Event, in date order, a
    known obligation, a settling kind) and one status update, as one method call. It
    shows where the per-event figure's ceiling is on this machine, in the same run."""

    def __init__(self, obligations: set[str], start: dt.date) -> None:
        self.status: dict[str, str] = {}
        self.events: list[Event] = []
        self.known = obligations
        self.last = start
        self.settling = {"fulfilled", "breached", "waived"}

    def record(self, event: Event) -> None:
        if type(event) is not Event or event.date < self.last:
            raise ValueError(event)
        if event.kind not in self.settling or event.obligation not in self.known:
            raise ValueError(event)
        self.last = event.date
        self.status[event.obligation] = event.kind
        self.events.append(event)


def bench_record(count: int, repeat: int) -> list[dict[str, object]]:
    agreement = ping_pong()
    events = many_events(count)

    def per_event() -> None:
        ceasefire = truce.Ceasefire(agreement)
        record = ceasefire.record
        for event in events:
            record(event)

    def batch() -> None:
        truce.Ceasefire(agreement).extend(events)

    def floor() -> None:
        record = _Floor({o.id for o in agreement.obligations}, agreement.in_force).record
        for event in events:
            record(event)

    def fold() -> None:
        status: dict[str, str] = {}
        for e in events:
            status[e.obligation] = e.kind  # type: ignore[index]

    t_fold, t_batch, t_each, t_floor = interleaved([fold, batch, per_event, floor], repeat)
    replay = best(lambda: truce.Ceasefire(agreement, events), repeat)

    def us(seconds: float) -> str:
        return f"{seconds / count * 1e6:.3f} us/event"

    return [
        row(
            "record(event) throughput vs plain-dict fold",
            t_fold / t_each,
            1.0,
            ">= 0.1",
            t_fold / t_each >= 0.1,
            unit="ratio",
            detail=f"{us(t_each)} vs {us(t_fold)}, validation included; the least any per-event method call with "
            f"the same checks takes here: {us(t_floor)} ({t_fold / t_floor:.3f} of the fold)",
        ),
        row(
            "extend(events) throughput (one batch) vs plain-dict fold",
            t_fold / t_batch,
            1.0,
            ">= 0.1",
            t_fold / t_batch >= 0.1,
            unit="ratio",
            detail=f"{us(t_batch)}, validation included",
        ),
        row(
            f"replay {count:,} events (Ceasefire(agreement, events))",
            replay,
            None,
            "< 3 s for 1M",
            replay * 1e6 / count < 3,
        ),
    ]


def bench_blockers_and_as_of(large: int, small: int, repeat: int) -> list[dict[str, object]]:
    agreement = ping_pong()
    log = many_events(large)
    big = truce.Ceasefire(agreement, log)
    little = truce.Ceasefire(agreement, many_events(small))
    t_big, t_little = (
        t / 100
        for t in interleaved(
            [lambda: [big.blockers("go") for _ in range(100)], lambda: [little.blockers("go") for _ in range(100)]],
            repeat,
        )
    )
    middle = big.events[len(big.events) // 2].date
    t_as_of, t_replay = interleaved([lambda: big.as_of(middle), lambda: truce.Ceasefire(agreement, log)], repeat)
    return [
        row(
            f"blockers on {large:,} vs {small:,} events", t_big, t_little, "<= 1.5x", t_big / t_little <= 1.5, unit="us"
        ),
        row(f"as_of(date) vs full replay of {large:,}", t_as_of, t_replay, "<= 1/50", t_as_of / t_replay <= 1 / 50),
    ]


def bench_blockers_shapes(large: int, small: int, repeat: int) -> list[dict[str, object]]:
    """Blockers that read a growing list: the current phase (its last move) and a party's view (its claims)."""
    agreement = ping_pong()
    start = dt.date(2025, 1, 1)
    opened = Event(start, "fulfilled", obligation="o0", source=SOURCE)

    def moves(count: int) -> list[Event]:
        triggers = ("go", "back")
        return [
            Event(start + dt.timedelta(days=n // 1000), "transition", trigger=triggers[n % 2]) for n in range(count)
        ]

    def claims(count: int) -> list[Event]:
        days = (start + dt.timedelta(days=n // 1000) for n in range(count))
        return [Event(day, "claim", obligation="o0", party="a", asserts="fulfilled") for day in days]

    rows = []
    for label, unit, make, ask in (
        ("blockers of the current phase", "moves", moves, lambda ceasefire: ceasefire.blockers("one")),
        ("blockers in a party's view", "claims", claims, lambda ceasefire: ceasefire.blockers("go", view="a")),
    ):
        big, little = (truce.Ceasefire(agreement, [opened, *make(count)]) for count in (large, small))
        runs = [lambda: [ask(big) for _ in range(100)], lambda: [ask(little) for _ in range(100)]]
        t_big, t_little = (t / 100 for t in interleaved(runs, repeat))
        figure = f"{label}, {large:,} vs {small:,} {unit}"
        rows.append(row(figure, t_big, t_little, "<= 1.5x", t_big / t_little <= 1.5, unit="us"))
    return rows


def bench_verify(repeat: int, sizes: list[tuple[int, int]]) -> list[dict[str, object]]:
    # imported here: truce.testing brings hypothesis, which the memory figure must not count
    from truce.testing import synthetic_agreement

    rows = []
    for phases, obligations in sizes:
        agreement = synthetic_agreement(phases, obligations)
        seconds = best(lambda agreement=agreement: truce.verify(agreement), repeat)
        rows.append(row(f"verify {phases} phases x {obligations} obligations", seconds, None, "seconds", seconds < 10))
    return rows


def bench_cli(repeat: int) -> list[dict[str, object]]:
    truce_cmd = shutil.which("truce", path=str(Path(sys.executable).parent)) or shutil.which("truce")
    if truce_cmd is None:
        return [{"figure": "CLI", "note": "the truce command is not installed"}]

    # Measured as installed: pip byte-compiles a package when it installs it, but an editable
    # checkout run with PYTHONDONTWRITEBYTECODE would recompile truce from source every time.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(truce.__file__).parent)], check=True)

    def run(args: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    t_cli, t_base = interleaved(
        [
            run([truce_cmd, "blockers", "gaza-2025", "phase_two"]),
            run([sys.executable, "-c", "import transitions, attrs"]),
        ],
        repeat,
    )
    return [
        row(
            "CLI blockers gaza-2025 vs python -c 'import transitions, attrs'",
            t_cli,
            t_base,
            "<= 2x",
            t_cli / t_base <= 2,
        )
    ]


def bench_memory(count: int) -> list[dict[str, object]]:
    code = f"""
import os, sys
sys.path.insert(0, {str(HERE)!r})
from bench import many_events, ping_pong
import truce
def rss():  # resident set size now, in MB
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
agreement = ping_pong()
before = rss()
events = many_events({count})
built = rss()
ceasefire = truce.Ceasefire(agreement, events)
after = rss()
print(after, built - before, after - built)
"""
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    total, events, ledger = (float(x) for x in done.stdout.split())
    return [
        row(
            f"resident memory, {count:,}-event ceasefire",
            total,
            None,
            "<= 200 MB",
            total <= 200,
            unit="MB",
            detail=f"the {count:,} Event objects {events:.0f} MB, the ceasefire on top {ledger:.0f} MB",
        )
    ]


def row(
    figure: str,
    ours: float,
    baseline: float | None,
    target: str,
    met: bool | None,
    *,
    unit: str = "s",
    detail: str = "",
) -> dict[str, object]:
    scale = 1e6 if unit in ("us", "us/step") else 1
    ratio = ours / baseline if baseline and unit != "ratio" else ours if unit == "ratio" else None
    return {
        "figure": figure,
        "ours": f"{ours * scale:.3g} {unit}" if unit != "ratio" else "",
        "baseline": f"{baseline * scale:.3g} {unit}" if baseline and unit != "ratio" else "",
        "ratio": f"{ratio:.3g}" if ratio is not None else "",
        "target": target,
        "met": "-" if met is None else "yes" if met else "NO",
        "detail": detail,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test); writes no results file")
    args = parser.parse_args()
    if args.quick:
        rows = [
            *bench_advance(200, 1),
            *bench_record(2_000, 1),
            *bench_blockers_and_as_of(5_000, 1_000, 1),
            *bench_blockers_shapes(5_000, 1_000, 1),
            *bench_verify(1, [(12, 40)]),
            *bench_memory(2_000),
        ]
    else:
        rows = [
            *bench_advance(20_000, 5),
            *bench_record(1_000_000, 5),
            *bench_blockers_and_as_of(1_000_000, 1_000, 3),
            *bench_blockers_shapes(200_000, 1_000, 3),
            *bench_verify(3, [(12, 40), (50, 200)]),
            *bench_cli(21),
            *bench_memory(1_000_000),
        ]
    from ensembles import bench_ensembles  # benchmarks/ensembles.py: scenario ensembles (issue 21)

    rows += bench_ensembles(args.quick)
    columns = ["figure", "ours", "baseline", "ratio", "target", "met", "detail"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in columns) + " |" for r in rows]
    table = "\n".join(lines)
    print(table)
    if not args.quick:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = f"{platform.machine()}, Python {platform.python_version()}, {platform.system()}"
        (HERE / "results.md").write_text(
            f"# Benchmark results\n\nMeasured {stamp} on {machine} by `make bench`"
            " (best of several runs; ratios against baselines measured in the same run).\n\n"
            f"{table}\n",
            encoding="utf-8",
        )
        (HERE / "results.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
