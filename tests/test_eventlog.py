"""The durable event log: atomic appends, two writers at once, a writer killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce._reading import _Problems
from truce.logs import event_to_data, read_event
from truce.testing import events_for

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = truce.load_agreement(DOCS / "riverside.yaml")
SOURCE = truce.Source("Wire", "Example Wire", "2025-04-02", url="https://example.org/a")


@given(st.dates(RIVERSIDE.in_force, RIVERSIDE.in_force.replace(year=2027)).flatmap(lambda d: events_for(RIVERSIDE, d)))
def test_events_round_trip_through_json(event):
    data = json.loads(json.dumps(event_to_data(event)))
    problems = _Problems("x", truce.LoadError)
    assert read_event(data, registry={}, field="e", problems=problems) == event
    assert problems.items == []


def test_recorded_events_are_on_disk_and_reload_equal(tmp_path):
    path = tmp_path / "r.events.jsonl"
    live = truce.Ceasefire(RIVERSIDE).log_to(path)
    live.record(truce.Event("2025-04-02", "progress", obligation="detainees_released", value=5, source=SOURCE))
    live.record(truce.Event("2025-04-03", "fact", fact="monitors_deployed", value=12, time="10:00 UTC"))
    assert truce.EventLog(path, RIVERSIDE).read() == list(live.events)
    assert truce.Ceasefire(RIVERSIDE, truce.EventLog(path, RIVERSIDE).read()).snapshot() == live.snapshot()


def test_refused_events_are_never_written(tmp_path):
    path = tmp_path / "r.events.jsonl"
    live = truce.Ceasefire(RIVERSIDE).log_to(path)
    with pytest.raises(truce.TransitionBlocked):
        live.advance("begin_phase_two", on="2025-04-02")
    with pytest.raises(truce.IllegalTransition):
        live.record(truce.Event("2025-04-02", "transition", trigger="complete"))
    with pytest.raises(truce.EventError):
        live.record(truce.Event("2025-04-02", "declared", to="completed", source=SOURCE))
    with pytest.raises(truce.EventError):
        live.record(truce.Event("2025-04-02", "fulfilled", obligation="nothing"))
    assert not path.exists() or path.read_text() == ""
    assert live.events == ()


def test_the_log_refuses_an_event_older_than_its_last(tmp_path):
    path = tmp_path / "r.events.jsonl"
    truce.EventLog(path, RIVERSIDE).append(truce.Event("2025-04-05", "incident", text="later"))
    other = truce.Ceasefire(RIVERSIDE).log_to(path)  # another writer that has not seen the file
    with pytest.raises(truce.EventError, match="earlier than the log's last event"):
        other.record(truce.Event("2025-04-02", "incident", text="earlier"))
    assert other.events == ()
    batch = [truce.Event("2025-04-03", "incident", text="x"), truce.Event("2025-04-06", "incident", text="y")]
    with pytest.raises(truce.EventError, match="earlier than the log's last event") as caught:
        other.extend(batch)
    assert "refused: event 0 of 2" in caught.value.__notes__[0]
    assert other.events == ()
    assert [e.text for e in truce.EventLog(path, RIVERSIDE).read()] == ["later"]


def test_a_torn_tail_is_moved_aside_before_appending(tmp_path):
    path = tmp_path / "r.events.jsonl"
    log = truce.EventLog(path, RIVERSIDE)
    log.append(truce.Event("2025-04-02", "incident", text="first"))
    with path.open("ab") as handle:
        handle.write(b'{"date": "2025-04-03", "kind": "inci')
    with pytest.warns(truce.TornLogWarning):
        assert [e.text for e in log.read()] == ["first"]
    log.append(truce.Event("2025-04-04", "incident", text="second"))
    assert [e.text for e in log.read()] == ["first", "second"]
    assert (tmp_path / "r.events.jsonl.torn").read_bytes() == b'{"date": "2025-04-03", "kind": "inci\n'


WRITER = textwrap.dedent(
    """
    import sys
    import truce
    definition, log, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    live = truce.Ceasefire(truce.load_agreement(definition)).log_to(log)
    for n in range(count):
        live.record(truce.Event("2025-04-02", "incident", text=f"{name}-{n}", reported_by=name))
        print(n, flush=True)
    """
)


def _writer(tmp_path: Path, log: Path, name: str, count: int) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen(
        [sys.executable, str(script), str(DOCS / "riverside.yaml"), str(log), name, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    log = tmp_path / "shared.events.jsonl"
    writers = [_writer(tmp_path, log, name, 1000) for name in ("a", "b")]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    texts = [e.text for e in truce.EventLog(log, RIVERSIDE).read()]
    assert len(texts) == 2000
    for name in ("a", "b"):
        assert [t for t in texts if t.startswith(f"{name}-")] == [f"{name}-{n}" for n in range(1000)]


def test_a_writer_killed_mid_run_leaves_every_acknowledged_event(tmp_path):
    log = tmp_path / "killed.events.jsonl"
    writer = _writer(tmp_path, log, "k", 100_000)
    acknowledged = -1
    deadline = time.monotonic() + 60
    assert writer.stdout is not None
    while acknowledged < 300 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    os.kill(writer.pid, signal.SIGKILL)
    _rest, err = writer.communicate(timeout=30)  # drains and closes the pipes
    assert writer.returncode == -signal.SIGKILL
    assert acknowledged >= 300, err

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", truce.TornLogWarning)  # a torn, unacknowledged last line is allowed
        texts = [e.text for e in truce.EventLog(log, RIVERSIDE).read()]
    assert len(texts) >= acknowledged + 1
    assert texts[: acknowledged + 1] == [f"k-{n}" for n in range(acknowledged + 1)]
