"""truce on realistic work: the mix of events users record and the questions they ask.

    python benchmarks/realistic.py           # full sizes; writes benchmarks/realistic.md
    python benchmarks/realistic.py --quick   # tiny sizes, for the smoke test (writes nothing)

The event mix is the bundled logs' own: about 30 % incidents, 30 % claims, 10 % progress,
15 % settling reports, 10 % facts, 5 % deadline extensions. Every figure is a ratio against
a baseline measured in the same run, in turns (benchmarks/bench.py's ``interleaved``), and
the baseline is a hand-written fold that checks and keeps what truce does
(benchmarks/baseline.py). Nothing is asserted: performance is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baseline  # noqa: E402
from bench import interleaved  # noqa: E402

import truce  # noqa: E402
from truce import Event  # noqa: E402
from truce.guards import evaluate, truth  # noqa: E402
from truce.ledger import Moment  # noqa: E402
from truce.testing import synthetic_agreement  # noqa: E402

MIX = (("incident", 0.30), ("claim", 0.30), ("progress", 0.10), ("settling", 0.15), ("fact", 0.10), ("extended", 0.05))


def measured_agreement(obligations: int = 40) -> truce.Agreement:
    """The synthetic agreement, with every fourth obligation a measure (progress needs one)."""
    import attrs

    plain = synthetic_agreement(12, obligations)
    owed = [
        attrs.evolve(o, measure=truce.Measure("items", 100)) if n % 4 == 0 else o
        for n, o in enumerate(plain.obligations)
    ]
    return attrs.evolve(plain, obligations=owed)


def realistic(agreement: truce.Agreement, count: int, seed: int = 1, only: str | None = None) -> list[Event]:
    """``count`` events in the realistic mix (or of one kind), 300 a day."""
    rng = random.Random(seed)
    obligations = [o.id for o in agreement.obligations]
    measured = [o.id for o in agreement.obligations if o.measure is not None]
    parties = [p.id for p in agreement.parties]
    facts = [f.id for f in agreement.facts if f.id != "war"]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    events = []
    for n in range(count):
        day = agreement.in_force + dt.timedelta(days=n // 300)
        kind = only or rng.choices(kinds, weights)[0]
        oid = obligations[rng.randrange(len(obligations))]
        if kind == "incident":
            events.append(Event(day, "incident", text="reported strike", party=parties[n % 2]))
        elif kind == "claim":
            events.append(
                Event(day, "claim", party=parties[n % 2], obligation=oid, asserts=("fulfilled", "breached")[n % 2])
            )
        elif kind == "progress":
            events.append(Event(day, "progress", obligation=measured[n % len(measured)], value=n % 90))
        elif kind == "settling":
            events.append(Event(day, ("fulfilled", "breached", "waived")[n % 3], obligation=oid))
        elif kind == "fact":
            events.append(Event(day, "fact", fact=facts[n % len(facts)], value=n % 12))
        else:
            events.append(Event(day, "extended", obligation=oid, due=day + dt.timedelta(days=30)))
    return events


def row(figure: str, ours: float, base: float | None, unit: str, target: str, met: bool | None) -> dict[str, object]:
    ratio = None if base in (None, 0) else ours / base  # type: ignore[operator]
    return {
        "figure": figure,
        "truce": ours,
        "baseline": base,
        "ratio": ratio,
        "unit": unit,
        "target": target,
        "met": met,
    }


def bench_replay(sizes: list[int], repeat: int) -> list[dict[str, object]]:
    agreement = measured_agreement()
    rows, per_event = [], {}
    for size in sizes:
        events = realistic(agreement, size)
        ours, base = interleaved(
            [lambda: truce.Ceasefire(agreement, events), lambda: baseline.fold(agreement, events)], repeat
        )
        per_event[size] = ours / size
        rows.append(row(f"replay (extend), realistic mix, {size:,} events", ours / size * 1e6, base / size * 1e6,
                        "us/event", "<= 10x the hand-written fold", ours / base <= 10))  # fmt: skip
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        ratio = per_event[large] / per_event[small]
        rows.append(row(f"cost per event at {large:,} vs {small:,}", per_event[large] * 1e6, per_event[small] * 1e6,
                        "us/event", "<= 1.2x", ratio <= 1.2))  # fmt: skip
    for kind, _ in MIX:
        events = realistic(agreement, sizes[0], only=kind)
        ours, base = interleaved(
            [lambda: truce.Ceasefire(agreement, events), lambda: baseline.fold(agreement, events)], repeat
        )
        rows.append(row(f"replay, {kind} only, {sizes[0]:,}", ours / sizes[0] * 1e6, base / sizes[0] * 1e6,
                        "us/event", "(shown)", None))  # fmt: skip
    events = realistic(agreement, sizes[0])

    def one_by_one() -> None:
        ceasefire = truce.Ceasefire(agreement)
        for event in events:
            ceasefire.record(event)

    ours, base = interleaved([one_by_one, lambda: baseline.fold(agreement, events)], repeat)
    rows.append(row(f"record() one by one, realistic, {sizes[0]:,}", ours / sizes[0] * 1e6, base / sizes[0] * 1e6,
                    "us/event", "(shown)", None))  # fmt: skip
    return rows


def bench_memory(count: int) -> list[dict[str, object]]:
    agreement = measured_agreement()
    events = realistic(agreement, count)
    gc.collect()
    tracemalloc.start()
    truce.Ceasefire(agreement, events).snapshot()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(sys.getsizeof(e) for e in events[:1000]) / 1000 * count
    return [row(f"memory beyond the events, {count:,} events (peak, traced)", peak / 1e6, size / 1e6, "MB",
                "<= 0.2x the events", peak / size <= 0.2)]  # fmt: skip


def bench_questions(large: int, small: int, repeat: int) -> list[dict[str, object]]:
    agreement = measured_agreement()
    big, little = (
        truce.Ceasefire(agreement, realistic(agreement, large)),
        truce.Ceasefire(agreement, realistic(agreement, small)),
    )
    rows = []
    for name, ask, target in (
        ("blockers", lambda c: c.blockers("t0") if "t0" in c.triggers else c.blockers("collapse"), 1.5),
        ("compliance", lambda c: c.compliance(), 2.0),
    ):
        ours, base = interleaved(
            [lambda: [ask(big) for _ in range(50)], lambda: [ask(little) for _ in range(50)]], repeat
        )
        rows.append(row(f"{name} on {large:,} vs {small:,} realistic events", ours / 50 * 1e3, base / 50 * 1e3, "ms",
                        f"<= {target}x", ours / base <= target))  # fmt: skip
    day = big.events[len(big.events) // 2].date
    ours, base = interleaved([lambda: big.what_if(fulfil=["o1"], as_of=day), lambda: big.as_of(day)], repeat * 5)
    rows.append(
        row(f"what_if vs as_of at {large:,} events", ours * 1e3, base * 1e3, "ms", "<= 1.5x", ours / base <= 1.5)
    )
    medium = truce.Ceasefire(agreement, realistic(agreement, small * 10))
    ours, base = interleaved([medium.history, lambda: truce.Ceasefire(agreement, medium.events)], repeat)
    rows.append(row(f"history() vs replay, {small * 10:,} events", ours, base, "s", "<= 2x", ours / base <= 2))
    gaza = truce.load("gaza-2025")
    middle = gaza.events[len(gaza.events) // 2].date
    ours = interleaved([lambda: [gaza.as_of(middle) for _ in range(100)]], repeat)[0] / 100
    rows.append(row("as_of on gaza-2025 (its middle day)", ours * 1e3, None, "ms", "<= 0.2 ms", ours <= 0.0002))
    for obligations in (100, 5000):
        wide = measured_agreement(obligations)
        ceasefire = truce.Ceasefire(wide, realistic(wide, 2000))
        target_name = ceasefire.triggers[0]
        guard = next(t.guard for t in wide.transitions_from(ceasefire.phase) if t.trigger == target_name)
        moment = Moment(ceasefire._live.record.ledger, ceasefire.date)
        ours, base = interleaved([lambda: [ceasefire.blockers(target_name) for _ in range(200)],
                                  lambda: [evaluate(guard, moment) for _ in range(200)]], repeat)  # fmt: skip
        rows.append(row(f"blockers vs evaluating its guard, {obligations:,} obligations", ours / 200 * 1e6,
                        base / 200 * 1e6, "us", "<= 20x", ours / base <= 20))  # fmt: skip
        ours, base = interleaved([lambda: [ceasefire.can(target_name) for _ in range(200)],
                                  lambda: [truth(guard, moment) for _ in range(200)]], repeat)  # fmt: skip
        rows.append(row(f"can() vs the guard's truth, {obligations:,} obligations", ours / 200 * 1e6, base / 200 * 1e6,
                        "us", "<= 2x", ours / base <= 2))  # fmt: skip
    return rows


def bench_dates(count: int, repeat: int, days: int = 365) -> list[dict[str, object]]:
    """What blocks the next phase on each of 365 days of a 40-obligation, 100k-event record."""
    agreement = measured_agreement()
    events = realistic(agreement, count)
    ceasefire = truce.Ceasefire(agreement, events)
    last = events[-1].date
    dates = [last - dt.timedelta(days=n * (last - agreement.in_force).days // days) for n in range(days)][::-1]
    guard = agreement.transitions[0].guard

    def ours() -> None:
        for day in dates:
            ceasefire.blockers("t0", as_of=day)

    def hand_written() -> None:  # one pass over the log, the guard's blockers at each date boundary
        state, i = baseline.Fold(agreement), 0
        for day in dates:
            while i < len(events) and events[i].date <= day:
                state.add(events[i])
                i += 1
            state.unmet(guard)

    from transitions import Machine

    def raw_transitions() -> None:  # the same fold, with a transitions machine holding the phase
        state, i = baseline.Fold(agreement), 0
        machine = Machine(states=["p0", "p1"], initial="p0", auto_transitions=False)
        machine.add_transition("t0", "p0", "p1", conditions=[lambda: state.holds(guard)])
        for day in dates:
            while i < len(events) and events[i].date <= day:
                state.add(events[i])
                i += 1
            state.unmet(guard)

    a, b, c = interleaved([ours, hand_written, raw_transitions], repeat)
    return [
        row(f"blockers on {days} dates, {count:,} events, 40 obligations", a * 1e3, b * 1e3, "ms",
            "<= 5x the hand-written fold + guards", a / b <= 5),
        row("  the same against raw transitions + the same fold", a * 1e3, c * 1e3, "ms", "(shown)", None),
    ]  # fmt: skip


def bench_whole_process(count: int, repeat: int) -> list[dict[str, object]]:
    """Definition YAML + a JSON Lines log from disk to the answer, against the same by hand."""
    import yaml

    agreement = measured_agreement()
    events = realistic(agreement, count)
    folder = Path(tempfile.mkdtemp(prefix="truce-bench-"))
    definition = folder / "synthetic.yaml"
    definition.write_text(truce.dump_agreement(agreement), encoding="utf-8")
    log = folder / "synthetic.events.jsonl"
    from truce.loading import event_to_data

    log.write_text("".join(json.dumps(event_to_data(e), default=str) + "\n" for e in events), encoding="utf-8")

    def ours() -> None:
        truce.load(definition).blockers("t0")

    def hand_written() -> None:
        data = yaml.safe_load(definition.read_text(encoding="utf-8"))
        names = set(data["obligations"])
        status: dict[str, str] = {}
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                oid = item.get("obligation")
                if oid is not None and oid not in names:
                    raise KeyError(oid)
                dt.date.fromisoformat(item["date"])
                if item["kind"] in baseline.SETTLES:
                    status[oid] = item["kind"]

    ours_time, base_time = interleaved([ours, hand_written], repeat)
    return [row(f"whole process: YAML + JSON Lines ({count:,} events) to blockers", ours_time, base_time, "s",
                "<= 2x hand-written", ours_time / base_time <= 2)]  # fmt: skip


def bench_pickle(count: int, repeat: int) -> list[dict[str, object]]:
    """A ceasefire shipped to a process pool or a cluster, against its events as plain tuples (what a
    hand-written store of the same log would ship: no ledger, no checkpoints, nothing to rebuild)."""
    import operator
    import pickle

    agreement = measured_agreement()
    ceasefire = truce.Ceasefire(agreement, realistic(agreement, count))
    fields = operator.attrgetter(*(f.name for f in truce.Event.__attrs_attrs__))
    plain = [fields(e) for e in ceasefire.events]
    dumped, dumped_plain = pickle.dumps(ceasefire), pickle.dumps(plain)
    dumps, base_dumps = interleaved([lambda: pickle.dumps(ceasefire), lambda: pickle.dumps(plain)], repeat)
    loads, base_loads = interleaved([lambda: pickle.loads(dumped), lambda: pickle.loads(dumped_plain)], repeat)
    return [
        row(f"pickle.dumps a ceasefire of {count:,} realistic events", dumps, base_dumps, "s",
            "<= 0.5 s (vs its events as tuples)", dumps <= 0.5),
        row(f"pickle.loads a ceasefire of {count:,} realistic events", loads, base_loads, "s",
            "<= 0.5 s (vs its events as tuples)", loads <= 0.5),
        row(f"pickled size, {count:,} events", len(dumped) / 1e6, len(dumped_plain) / 1e6, "MB", "(shown)", None),
    ]  # fmt: skip


def bench_advance(repeat: int, conditions: int = 10) -> list[dict[str, object]]:
    from transitions import Machine

    names = [f"o{n}" for n in range(conditions)]
    guard = " and ".join(f"fulfilled({n})" for n in names)
    agreement = truce.Agreement(
        id="ping", title="ping", in_force="2025-01-01", parties=[truce.Party("a", "A")],
        obligations=[truce.Obligation(n, "a", n, truce.Source("b")) for n in names],
        phases=[truce.Phase("one"), truce.Phase("two")], initial="one", terminal=[],
        transitions=[truce.Transition("go", ["one"], "two", truce.parse_guard(guard)),
                     truce.Transition("back", ["two"], "one", truce.parse_guard(guard))],
    )  # fmt: skip
    steps = 2000

    def ours() -> None:
        ceasefire = truce.Ceasefire(agreement, [Event("2025-01-01", "fulfilled", obligation=n) for n in names])
        for _ in range(steps // 2):
            ceasefire.advance("go")
            ceasefire.advance("back")

    def raw() -> None:
        done = dict.fromkeys(names, True)
        checks = [lambda n=n: done[n] for n in names]
        machine = Machine(states=["one", "two"], initial="one", auto_transitions=False)
        machine.add_transition("go", "one", "two", conditions=checks)
        machine.add_transition("back", "two", "one", conditions=checks)
        for _ in range(steps // 2):
            machine.go()
            machine.back()

    a, b = interleaved([ours, raw], repeat)
    return [row(f"advance with {conditions} conditions vs transitions", a / steps * 1e6, b / steps * 1e6, "us",
                "<= 2x", a / b <= 2)]  # fmt: skip


def bench_exact(repeat: int) -> list[dict[str, object]]:
    """The exact analyses on large guards: bounded by Limits, never minutes."""
    rows = []
    pairs = [f"(fulfilled(o{2 * n}) or fulfilled(o{2 * n + 1}))" for n in range(30)]
    for label, guard in (
        ("unblock, AND of 17 OR-pairs", " and ".join(pairs[:17])),
        ("unblock, AND of 30 OR-pairs (60 leaves)", " and ".join(pairs)),
        ("unblock, AND of 20 (a or (b and c)) (60 leaves)", " and ".join(
            f"(fulfilled(o{3 * n}) or (fulfilled(o{3 * n + 1}) and fulfilled(o{3 * n + 2})))" for n in range(20))),
        ("unblock, AND of 29 OR-pairs and a status leaf on o0 (60 leaves)",
         " and ".join(pairs[:29]) + " and (status(o0) == active or fulfilled(o59))"),
        ("verify, AND of 20 leaves", " and ".join(f"fulfilled(o{n})" for n in range(20))),
    ):  # fmt: skip
        agreement = truce.Agreement(
            id="big", title="big", in_force="2025-01-01", parties=[truce.Party("a", "A")],
            obligations=[truce.Obligation(f"o{n}", "a", "x", truce.Source("b")) for n in range(60)],
            phases=[truce.Phase("one"), truce.Phase("two")], initial="one", terminal=["two"],
            transitions=[truce.Transition("go", ["one"], "two", truce.parse_guard(guard))],
        )  # fmt: skip
        ceasefire = truce.Ceasefire(agreement)
        work = (lambda: ceasefire.unblock("go")) if label.startswith("unblock") else (lambda: truce.verify(agreement))
        taken = []
        for _ in range(repeat):  # an absolute figure: the median of the runs, not the best
            gc.collect()
            start = time.perf_counter()
            work()
            taken.append(time.perf_counter() - start)
        seconds = sorted(taken)[len(taken) // 2]
        rows.append(row(label, seconds, None, "s", "<= 1 s", seconds <= 1))
        if label.startswith("unblock"):  # the memory it takes at its peak, in a run of its own (tracing is slow)
            tracemalloc.start()
            work()
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            rows.append(row("  its peak memory (traced)", peak, None, "MB", "<= 100 MB", peak <= 100))
    return rows


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| figure | truce | baseline | ratio | unit | target | met |", "|---|---|---|---|---|---|---|"]
    for r in rows:

        def cell(v: object) -> str:
            return "" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v)

        met = {True: "yes", False: "**no**", None: ""}[r["met"]]  # type: ignore[index]
        lines.append(f"| {r['figure']} | {cell(r['truce'])} | {cell(r['baseline'])} | {cell(r['ratio'])} | {r['unit']} "
                     f"| {r['target']} | {met} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes; write nothing")
    args = parser.parse_args()
    if args.quick:
        sizes, repeat, large, small, dates, process = [2000, 4000], 1, 4000, 500, 400, 1000
    else:
        sizes, repeat, large, small, dates, process = [100_000, 1_000_000], 3, 1_000_000, 1000, 100_000, 100_000
    rows = bench_replay(sizes, repeat)
    rows += bench_memory(sizes[-1])
    rows += bench_questions(large, small, repeat)
    rows += bench_dates(dates, repeat)
    rows += bench_whole_process(process, repeat)
    rows += bench_pickle(sizes[0], repeat)
    rows += bench_advance(repeat)
    rows += bench_exact(repeat)
    text = table(rows)
    print(text)
    if not args.quick:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())  # the machine is shared: say how busy it was
        when = f"python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}, load average {load}"
        head = f"# Realistic work ({when})\n\n"
        (HERE / "realistic.md").write_text(head + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
