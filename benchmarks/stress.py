"""Stress the event log's promises: a kill loop and threads (``make stress``; not part of ``make test``).

Kill loop: writer processes append to one log through ``Ceasefire.record``,
``Ceasefire.extend`` and ``EventLog.append_all`` in turn, each event tagged with a unique
text, and print what each call acknowledged (the call returned). Each writer is killed
with ``SIGKILL`` at a random moment, most often in the middle of a write. Afterwards:

* **acknowledged**: events whose call returned before the kill;
* **on disk**: events in the log as it loads;
* **lost**: acknowledged but not on disk (must be 0);
* **duplicated**: on disk more than once (must be 0);
* **partial batches**: batches of which some but not all events are on disk (must be 0);
* **loads**: the log loads and replays into a ceasefire (must be yes).

Threads: eight threads share one ``EventLog``, then eight share one ``Ceasefire`` logging to
a file (records and two-event extends, of settling, fact and incident events); each makes
250 calls, and the same figures are printed, with whether memory and disk agree.

    python benchmarks/stress.py [--kills 200] [--seed 17]
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import warnings
from pathlib import Path

import truce

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = ROOT / "docs" / "riverside.yaml"

WRITER = textwrap.dedent(
    """
    import random, sys
    import truce
    definition, log, run, mode, seed = sys.argv[1:6]
    rng = random.Random(int(seed))
    agreement = truce.load_agreement(definition)
    live = truce.Ceasefire(agreement).log_to(log)
    raw = truce.EventLog(log, agreement)

    def event(n):
        return truce.Event("2025-04-02", "incident", text=f"{run}.{n}")

    n = 0
    while True:
        if mode == "record":
            live.record(event(n))
            print(f"{run}.{n}", flush=True)
            n += 1
            continue
        size = rng.choice([2, 10, 100, 1000, 5000])
        batch = [event(n + i) for i in range(size)]
        print(f"?{run}.{n}+{size}", flush=True)  # about to write: the batch must end up whole or absent
        if mode == "extend":
            live.extend(batch)
        else:
            raw.append_all(batch)
        print(f"{run}.{n}+{size}", flush=True)
        n += size
    """
)

MODES = ("record", "extend", "append_all")


class Tally:
    """What the writers acknowledged, and which events belong to which batch."""

    def __init__(self) -> None:
        self.acknowledged: set[str] = set()
        self.batches: dict[str, str] = {}  # event text -> its batch, for every batch a writer began

    def read(self, run: int, lines: list[str]) -> None:
        for line in lines:
            line = line.strip()
            if not line:
                continue
            if "+" in line:
                intended = line.startswith("?")
                line = line.removeprefix("?")
                first, size = line.split("+")
                start = int(first.split(".")[1])
                for i in range(int(size)):
                    text = f"{run}.{start + i}"
                    self.batches[text] = line
                    if not intended:
                        self.acknowledged.add(text)
            else:
                self.acknowledged.add(line)


def _on_disk(log: Path, agreement: truce.Agreement) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", truce.TornLogWarning)  # an unacknowledged torn line may be there
        return [e.text or "" for e in truce.EventLog(log, agreement).read()]


def _loads(log: Path) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", truce.TornLogWarning)
            truce.load(DEFINITION, events=log, limits=truce.Limits(max_events=10_000_000, max_log_bytes=2**31))
    except truce.TruceError as exc:
        print(f"  does not load: {exc}")
        return False
    return True


def _report(title: str, acknowledged: set[str], on_disk: list[str], partial: int, loads: bool) -> bool:
    counts = collections.Counter(on_disk)
    lost = len(acknowledged - set(counts))
    duplicated = sum(1 for c in counts.values() if c > 1)
    print(f"{title}")
    print(f"  acknowledged:     {len(acknowledged):,}")
    print(f"  on disk:          {len(on_disk):,} ({len(set(counts) - acknowledged):,} written but not acknowledged)")
    print(f"  lost:             {lost:,}")
    print(f"  duplicated:       {duplicated:,}")
    print(f"  partial batches:  {partial:,}")
    print(f"  loads:            {'yes' if loads else 'NO'}")
    return lost == 0 and duplicated == 0 and partial == 0 and loads


def kill_loop(kills: int, seed: int, directory: Path) -> bool:
    rng = random.Random(seed)
    agreement = truce.load_agreement(DEFINITION)
    log = directory / "stress.events.jsonl"
    script = directory / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    tally = Tally()
    per_mode = collections.Counter[str]()
    started = time.monotonic()
    for run in range(kills):
        mode = MODES[run % len(MODES)]
        writer = subprocess.Popen(
            [sys.executable, str(script), str(DEFINITION), str(log), str(run), mode, str(rng.randrange(1 << 30))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        first = writer.stdout.readline()  # the writer is up and has written once
        time.sleep(rng.uniform(0, 0.3))
        os.kill(writer.pid, signal.SIGKILL)
        rest, err = writer.communicate(timeout=120)
        if writer.returncode != -signal.SIGKILL:
            print(f"writer {run} ({mode}) ended by itself ({writer.returncode}): {err[-500:]}")
            return False
        tally.read(run, [first, *rest.splitlines()])
        per_mode[mode] += 1
        if (run + 1) % 50 == 0:
            print(f"  {run + 1} kills, {time.monotonic() - started:.0f} s", flush=True)
    on_disk = _on_disk(log, agreement)
    present = collections.Counter(on_disk)
    # every batch a writer began, acknowledged or cut short by the kill, is on disk whole or not at all
    by_batch: dict[str, list[str]] = collections.defaultdict(list)
    for text, batch in tally.batches.items():
        by_batch[batch].append(text)
    partial = sum(1 for members in by_batch.values() if 0 < sum(1 for t in members if t in present) < len(members))
    print(f"kill loop: {kills} SIGKILLs ({', '.join(f'{m} {n}' for m, n in sorted(per_mode.items()))})")
    # written but not acknowledged: whole batches whose write had completed (the commit is the
    # sidecar's removal) when the kill came, before the call returned; extend folds the batch
    # into the ceasefire after writing it, so most are there
    unacknowledged = collections.Counter(
        MODES[int(text.split(".")[0]) % len(MODES)] for text in set(present) - tally.acknowledged
    )
    print(f"  written, not acknowledged, by mode: {dict(sorted(unacknowledged.items()))}")
    return _report("kill loop", tally.acknowledged, on_disk, partial, _loads(log))


def threads_on_event_log(directory: Path) -> bool:
    agreement = truce.load_agreement(DEFINITION)
    log_path = directory / "threads-log.events.jsonl"
    log = truce.EventLog(log_path, agreement)
    acknowledged: set[str] = set()
    errors: list[BaseException] = []
    guard = threading.Lock()

    def work(name: int) -> None:
        for n in range(250):
            text = f"t{name}.{n}"
            try:
                log.append(truce.Event("2025-04-02", "incident", text=text))
            except BaseException as exc:
                errors.append(exc)
                return
            with guard:
                acknowledged.add(text)

    pool = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    for exc in errors[:3]:
        print(f"  error: {type(exc).__name__}: {exc}")
    on_disk = _on_disk(log_path, agreement)
    return _report("8 threads, one EventLog", acknowledged, on_disk, 0, _loads(log_path)) and not errors


def threads_on_ceasefire(directory: Path) -> bool:
    agreement = truce.load_agreement(DEFINITION)
    log_path = directory / "threads-ceasefire.events.jsonl"
    live = truce.Ceasefire(agreement).log_to(log_path)
    acknowledged: set[str] = set()
    errors: list[BaseException] = []
    guard = threading.Lock()

    def event(text: str, n: int) -> truce.Event:
        if n % 3 == 0:
            return truce.Event("2025-04-02", "fulfilled", obligation="prisoners_released", text=text)
        if n % 3 == 1:
            return truce.Event("2025-04-02", "fact", fact="monitors_deployed", value=n, text=text)
        return truce.Event("2025-04-02", "incident", text=text)

    def work(name: int) -> None:
        for n in range(250):
            texts = [f"c{name}.{n}"] if n % 5 else [f"c{name}.{n}", f"c{name}.{n}b"]
            try:
                if len(texts) == 1:
                    live.record(event(texts[0], n))
                else:
                    live.extend([event(text, n) for text in texts])
            except BaseException as exc:
                errors.append(exc)
                return
            with guard:
                acknowledged.update(texts)

    pool = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    for exc in errors[:3]:
        print(f"  error: {type(exc).__name__}: {exc}")
    on_disk = _on_disk(log_path, agreement)
    in_memory = [e.text or "" for e in live.events]
    same = in_memory == on_disk
    ok = _report("8 threads, one Ceasefire", acknowledged, on_disk, 0, _loads(log_path))
    print(f"  memory = disk:    {'yes' if same else 'NO'} ({len(in_memory):,} events in memory)")
    return ok and same and not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=201, help="writers to kill (default 201: 67 per mode)")
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="truce-stress-") as name:
        directory = Path(name)
        results = [
            kill_loop(options.kills, options.seed, directory),
            threads_on_event_log(directory),
            threads_on_ceasefire(directory),
        ]
    print("stress: " + ("passed" if all(results) else "FAILED"))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.setswitchinterval(1e-5)  # threads switch often: races show sooner
    sys.exit(main())
