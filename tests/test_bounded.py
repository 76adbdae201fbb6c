"""Bounded cost and no overflow for every accepted input (issue 17, H1-H5, O3).

The extremes truce accepts (the first and last dates it takes, the longest offsets, the
largest numbers) must go through every query and rendering without an exception; one step
beyond them must be refused at load with a TruceError.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

import truce
from truce.cli import main
from truce.dates import EARLIEST, LATEST, MAX_OFFSET_DAYS
from truce.limits import MAX_NUMBER

EXTREME = """\
id: extreme
title: "Extremes: $\\\\frac{1}{$ and {{ braces"
agreed: @AGREED@
in_force: @IN_FORCE@
sources:
  s: {title: S, url: "https://example.org"}
parties:
  a: {name: A}
facts:
  big: {text: a big number, source: s}
obligations:
  far:
    party: a
    text: far away
    due: {after: in_force, days: @DAYS@}
    measure: {unit: things, target: @TARGET@}
    source: s
  hours:
    party: a
    text: in hours
    due: {after: in_force, hours: @HOURS@}
    source: s
  on_time:
    party: a
    text: dated
    due: @IN_FORCE@
    source: s
phases:
  one: first
  two: second
  done: end
initial: one
terminal: [done]
transitions:
  - trigger: go
    from: one
    to: two
    guard: fact(big) >= @TARGET@ and elapsed(@DAYS@, since=in_force) and after('@IN_FORCE@')
    source: s
  - trigger: finish
    from: '*'
    to: done
    guard: fulfilled(far) or fact(big) <= -@TARGET@
"""


def _extreme(day: dt.date) -> str:
    values = {
        "AGREED": day,
        "IN_FORCE": day,
        "DAYS": MAX_OFFSET_DAYS,
        "HOURS": MAX_OFFSET_DAYS * 24,
        "TARGET": MAX_NUMBER,
    }
    text = EXTREME
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    return text


@pytest.mark.parametrize("day", [EARLIEST, LATEST], ids=str)
def test_the_extremes_truce_accepts_go_through_every_query_and_rendering(tmp_path, day):
    path = tmp_path / "extreme.yaml"
    path.write_text(_extreme(day), encoding="utf-8")
    log = tmp_path / "extreme.events.jsonl"
    live = truce.Ceasefire(truce.load_agreement(path)).log_to(log)
    live.extend(
        [
            truce.Event(day, "fact", fact="big", value=MAX_NUMBER),
            truce.Event(day, "progress", obligation="far", value=float(MAX_NUMBER)),
            truce.Event(day, "extended", obligation="hours", due=LATEST),
            truce.Event(day, "incident", text="\x1b]0;title\x07 and $x^2$"),
        ]
    )
    ceasefire = truce.load(path)
    assert len(ceasefire.events) == 4
    for query in (
        ceasefire.summary,
        lambda: [repr(s) + str(s) + s._repr_html_() for s in ceasefire.obligations],
        lambda: [repr(c) + str(c) for c in ceasefire.history()],
        lambda: [repr(e) + str(e) for e in ceasefire.events],
        ceasefire.deadlines,
        ceasefire.compliance,
        ceasefire._repr_html_,
        lambda: ceasefire.blockers("go"),
        lambda: ceasefire.blockers("finish"),
        lambda: ceasefire.unblock("go"),
        lambda: ceasefire.diagram().text("mermaid"),
        lambda: ceasefire.diagram().text("dot"),
        lambda: truce.verify(ceasefire.agreement),
        lambda: ceasefire.as_of(LATEST).summary(),
    ):
        query()
    for command in ("status", "history", "deadlines", "check"):
        assert main([command, str(path)]) in (0, 1), command
    assert main(["blockers", str(path), "go"]) == 0


def test_the_timeline_reads_titles_as_text_not_math(tmp_path):
    """O3: a title with `$` used to be parsed as matplotlib math text and raise."""
    pytest.importorskip("matplotlib")
    path = tmp_path / "extreme.yaml"
    path.write_text(_extreme(dt.date(2025, 1, 1)), encoding="utf-8")
    out = tmp_path / "t.svg"
    assert main(["timeline", str(path), "-o", str(out)]) == 0
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("in_force: {d}", "in_force: 3000-01-01"), "outside the dates"),
        (("agreed: {d}", "agreed: 0999-12-31"), "outside the dates"),
        ((f"days: {MAX_OFFSET_DAYS}", "days: 1000000000"), "100000"),
        ((f"hours: {MAX_OFFSET_DAYS * 24}", "hours: 10000000000"), "2400000"),
        ((f"target: {MAX_NUMBER}", f"target: {MAX_NUMBER + 1}"), "15 digits"),
        ((f"target: {MAX_NUMBER}", "target: 1.0e+400"), "not a finite number"),
        ((f"target: {MAX_NUMBER}", "target: " + "9" * 5000), "malformed|digits"),
        ((f"fact(big) >= {MAX_NUMBER}", "fact(big) >= 1e309"), "finite"),
        ((f"fact(big) >= {MAX_NUMBER}", "fact(big) >= 1e300"), "15 digits"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_one_step_beyond_is_refused_at_load(change, message):
    """H1/H2: out-of-range dates, offsets and numbers are DefinitionError/LoadError, never OverflowError."""
    day = dt.date(2025, 1, 1)
    old, new = change
    text = _extreme(day).replace(old.format(d=day), new.format(d=day), 1)
    assert text != _extreme(day)
    with pytest.raises(truce.TruceError, match=message):
        truce.load_agreement("x.yaml", text=text)


def test_events_beyond_the_bounds_are_refused_at_load():
    agreement = truce.load_agreement("x.yaml", text=_extreme(dt.date(2025, 1, 1)))
    for line, message in (
        ('{"date": "9999-12-31", "kind": "incident", "text": "x"}', "outside the dates"),
        ('{"date": "2025-01-02", "kind": "fact", "fact": "big", "value": 1' + "0" * 400 + "}", "15 digits"),
        ('{"date": "2025-01-02", "kind": "fact", "fact": "big", "value": 1e400}', "finite"),
        ('{"date": "2025-01-02", "kind": "extended", "obligation": "far", "due": "9999-01-01"}', "outside"),
    ):
        with pytest.raises(truce.LoadError, match=message):
            truce.load_events("x.events.jsonl", agreement, text=line + "\n")


def test_as_of_dates_beyond_the_bounds_are_date_errors():
    ceasefire = truce.load("gaza-2025")
    for day in ("9999-12-31", "0001-01-01"):
        with pytest.raises(truce.DateError):
            ceasefire.as_of(day)


# --- H3: what is read, and how much -------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_not_read(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(truce.LoadError, match="not a regular file"):
        truce.load(Path(device))
    with pytest.raises(truce.LoadError, match="not a regular file"):
        truce.load_events(device + ".events.jsonl" if False else device)
    assert main(["status", device]) == 3


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(truce.LoadError, match="not a regular file"):
        truce.load(fifo)
    log = tmp_path / "pipe.events.jsonl"
    os.mkfifo(log)
    with pytest.raises(truce.LoadError, match="not a regular file"):
        truce.load_events(log)


def test_a_file_that_grows_past_its_stat_size_is_still_capped(tmp_path, monkeypatch):
    """The read stops at the limit whatever stat says (proc files report size 0)."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 5000 + b"\n")
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode = st.st_mode
            self.st_size = 0

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(truce.LoadError, match="more than 1000 bytes"):
        truce.load_agreement(path, limits=truce.Limits(max_bytes=1000))


# --- H4, H5: limits cut in before the work --------------------------------------------------


def test_a_long_yaml_list_is_refused_while_it_is_read(tmp_path):
    """H4: the node count is checked as nodes are composed, not after the document is built."""
    text = "events:\n" + "- 1\n" * 300_000
    with pytest.raises(truce.LoadError, match="more than 1000 YAML nodes"):
        truce.load_events("x.events.yaml", text=text, limits=truce.Limits(max_nodes=1000))


def test_too_many_json_lines_are_refused_before_they_are_parsed(monkeypatch):
    """H4: lines are counted before any is parsed (30 MB of `{}` used to take 2.4 GB)."""
    import truce.logs

    parsed = []

    class Spy:
        def decode(self, text: str) -> object:
            parsed.append(text)
            return {}

    monkeypatch.setattr(truce.logs, "_DECODER", Spy())
    with pytest.raises(truce.LoadError, match="100001 events; the limit is 100000"):
        truce.load_events("x.events.jsonl", text="{}\n" * 100_001, limits=truce.Limits(max_events=100_000))
    assert parsed == []
    # blank lines are not events: the exact count is made when the quick one is not enough
    assert truce.load_events("x.events.jsonl", text="\n" * 100_001, limits=truce.Limits(max_events=100_000)) == []


def test_star_transitions_are_bounded_before_they_are_expanded():
    """H5: 2,000 phases x 2,000 `from: '*'` transitions took 66 s and 5.6 GB."""
    phases = "".join(f"  p{k}: x\n" for k in range(2000))
    transitions = "".join(f"  - {{trigger: t{k}, from: '*', to: p{k}}}\n" for k in range(2000))
    text = f"id: s\ntitle: t\nin_force: 2025-01-01\nphases:\n{phases}initial: p0\nterminal: []\n"
    text += f"transitions:\n{transitions}"
    with pytest.raises(truce.DefinitionError, match="more than 20000 transition routes"):
        truce.load_agreement("x.yaml", text=text)
