"""The fast JSON Lines reader against the careful one: the same events, or the careful reader's error.

``truce._fast_jsonl`` builds events without the constructor's validators, so its whole
safety rests on this: for any log, good or spoiled, it returns exactly the events the
careful reader returns, or ``None`` (and the careful reader then reads and reports). The
logs are generated events written as JSON, then spoiled line by line and byte by byte.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import warnings
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import truce
from truce import _fast_jsonl
from truce import logs as log_formats
from truce.loading import event_to_data
from truce.logs import _EVENT_KEYS
from truce.testing import event_logs, spoiled_events
from truce.testing.generated import agreements

from .conftest import DOCS

RIVERSIDE = truce.load_agreement(DOCS / "riverside.yaml")

#: Values a spoiled line may put under any key: wrong types, edge numbers, bad and good text.
ODD_VALUES = (
    None, 0, -1, 1.5, 10**16, True, float("nan"), "", "x" * 70, "not an id", "2025-04-02", "fulfilled",
    [], ["a", 1], {}, {"k": "v"}, "text",
)  # fmt: skip
_NAMES = ("not an id", "for", "None", "x" * 101, "o0", "side_a", "north", "detainees_released", "f0", "t0", "p1")
_DATES = ("2025-13-01", " 2025-04-02 ", "2025-04-02T10:00:00", "0999-01-01", "2025-01-01", "2030-01-01", 20250402)
#: Values that are nearly right for each key: where a fast path is most likely to cut a corner.
NEAR = {
    **dict.fromkeys(("obligation", "fact", "trigger", "to", "party"), _NAMES),
    "date": _DATES,
    "due": _DATES,
    "kind": ("fulfilled", "claim", "progress", "declared", "Fulfilled", "nosuch"),
    "time": ("12:00", "25:00", "04:00 GMT", "4:00", "12:00 nowhere", 1200),
    "precision": ("day", "week", "fortnight", "Day"),
    "asserts": ("fulfilled", "active", "maybe", "overdue"),
    "value": (0, -1, -0.5, 1.5, 10**15, 10**15 + 1, float("inf"), False, "text", "x" * 70),
    "text": ("", "x" * 70, 1),
    "reported_by": ("", "x" * 70, 1),
    "source": ("text", "text#4", "nosuch", "nosuch#1", {"title": "Inline"}, {"title": 1}, {"title": True},
               {"title": 1.0}, {"title": ["T"]}, {"title": "T", "kind": "wire"}, {"title": "T", "kind": "blog"},
               {"ref": "text", "locator": "3"}, {"ref": "nosuch"}, {"title": "T", "bogus": 1}),
    "external_id": ("acled:1", "", " ", 7),
    "attributes": ({}, {"fatalities": 2}, {"k": [1]}, {"k": None}, {"k": float("nan")}, {"": 1}, [["k", 1]],
                   {"k": "x" * 70}),
    "bogus": ("x",),
}  # fmt: skip
KEYS = (*_EVENT_KEYS, "bogus")


def spoil_record(draw: Any, record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` with a key (most often one it has) set to an odd or nearly right value, or removed."""
    record = dict(record)
    for _ in range(draw(st.integers(1, 2))):
        # (a record spoiled more than once may have lost every key)
        key = draw(st.sampled_from(sorted(record)) | st.sampled_from(KEYS) if record else st.sampled_from(KEYS))
        if key in record and draw(st.integers(0, 4)) == 0:
            del record[key]
        else:
            record[key] = draw(st.sampled_from(NEAR[key]) | st.sampled_from(ODD_VALUES))
    return record


LINE_SPOILERS = (
    lambda line: line[: len(line) // 2],  # torn or malformed
    lambda line: line.replace("{", '{"text": "a", ', 1),  # perhaps a duplicate key
    lambda line: line + " ",
    lambda line: " \t" + line,
    lambda line: "\x0b" + line,
    lambda line: line + ", {}",
    lambda line: line.replace('"', '"\\ud800', 1),
    lambda line: line.replace("}", ', "attributes": {"a": 1, "a": 2}}', 1),
    lambda line: "[" + line + "]",
    lambda line: "7",
    lambda line: "\xa0",
    lambda line: "",
    lambda line: " \x0c ",
)


@st.composite
def logs(draw: Any, spoils: tuple[str, ...] = ()) -> tuple[truce.Agreement, bytes, truce.Limits]:
    """An agreement, a JSON Lines log for it (perhaps spoiled) and the limits to read it with."""
    agreement = draw(st.just(RIVERSIDE) | agreements(max_phases=3, max_obligations=4))
    if agreement is not RIVERSIDE:  # a citable source, as riverside has
        agreement = attrs.evolve(agreement, sources=[truce.Source("Text", "Mediators", key="text")])
    if draw(st.booleans()):
        agreement = attrs.evolve(agreement, ended=agreement.in_force + dt.timedelta(days=40), data_through=None)
    events = draw(event_logs(agreement, max_size=6))
    if events and draw(st.booleans()):
        events.insert(draw(st.integers(0, len(events))), draw(spoiled_events(agreement, events[-1].date)))
    records: list[Any] = [event_to_data(e) for e in events]
    spoil = draw(st.sampled_from(spoils or ("nothing", "a record", "records", "a line", "a citation")))
    for n in range(len(records)):
        if spoil == "records" or (spoil == "a record" and n == 0):
            records[n] = spoil_record(draw, records[n])
        elif spoil == "a citation" and draw(st.booleans()):
            records[n] = {**records[n], "source": draw(st.sampled_from(NEAR["source"]))}
    if spoil == "a record" and records:  # the spoiled one anywhere in the log
        records.insert(draw(st.integers(0, len(records) - 1)), records.pop(0))
    lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records]
    if spoil == "a line" and lines:
        n = draw(st.integers(0, len(lines) - 1))
        lines[n] = draw(st.sampled_from(LINE_SPOILERS))(lines[n])
    end = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = end.join(lines) + (end if draw(st.integers(0, 4)) else "")
    data = text.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 8)) == 0:
        data = data[: len(data) // 2] + b"\xff" + data[len(data) // 2 :]
    limits = draw(
        st.just(truce.Limits())
        | st.builds(truce.Limits, max_scalar=st.integers(20, 200), max_events=st.integers(1, 12))
    )
    return agreement, data, limits


def outcome(agreement: truce.Agreement | None, data: bytes, limits: truce.Limits) -> tuple[Any, ...]:
    """What loading gives: the events, or the error's class and message, with any warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: tuple[Any, ...] = ("events", truce.load_events("log.jsonl", agreement, text=data, limits=limits))
        except truce.TruceError as exc:
            result = ("error", type(exc), str(exc))
    return (*result, [(w.category, str(w.message)) for w in caught])


def carefully(agreement: truce.Agreement | None, data: bytes, limits: truce.Limits) -> tuple[Any, ...]:
    with mock.patch("truce.logs.read_jsonl", return_value=None):
        return outcome(agreement, data, limits)


def agrees(agreement: truce.Agreement | None, data: bytes, limits: truce.Limits) -> bool:
    """The fast reader's contract: no answer, or the careful reader's events when it has nothing to report."""
    fast = _fast_jsonl.read_jsonl(data, agreement, limits)
    careful = carefully(agreement, data, limits)
    if fast is None or (agreement is not None and not log_formats._recordable(fast, agreement)):
        return True  # names and order are checked after the fast reader, by load_events
    return careful[0] == "events" and not careful[-1] and careful[1] == fast and _typed(careful[1]) == _typed(fast)


def _typed(events: list[truce.Event]) -> list[str]:
    """What ``==`` does not see: 1 and 1.0 and true, 10**20 and 1e20 are equal values of other types."""
    return [repr((type(e.value), e.value, e.external, e.source)) for e in events]


@settings(settings.default, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(logs())
def test_the_fast_reader_gives_the_careful_readers_events_or_none(log: tuple[truce.Agreement, bytes, truce.Limits]):
    assert agrees(*log)


@settings(settings.default, max_examples=150)
@given(logs())
def test_loading_a_log_gives_what_the_careful_reader_gives(log: tuple[truce.Agreement, bytes, truce.Limits]):
    assert outcome(*log) == carefully(*log)


def test_the_fast_path_takes_a_plain_log():
    events = truce.load(DOCS / "riverside.yaml").events
    text = "".join(json.dumps(event_to_data(e)) + "\n" for e in events)
    assert _fast_jsonl.read_jsonl(text, RIVERSIDE, truce.Limits()) == list(events)


@pytest.fixture
def fresh_schemas():
    """The schemas are cached per agreement: a planted bug in what they are made from needs new ones."""
    _fast_jsonl._schema.cache_clear()
    yield
    _fast_jsonl._schema.cache_clear()


@pytest.mark.parametrize(
    ("target", "replacement", "line"),
    [
        ("is_id", lambda name: True, {"kind": "fulfilled", "obligation": "not an id"}),
        ("_TIME", mock.Mock(match=lambda text: True), {"kind": "incident", "text": "x", "time": "25:00"}),
        ("CLAIMABLE", frozenset({"maybe", "fulfilled"}),
         {"kind": "claim", "party": "north", "obligation": "pull_back", "asserts": "maybe"}),
        ("_ALLOWS", {**_fast_jsonl._ALLOWS, truce.EventKind.INCIDENT: frozenset({"party", "obligation"})},
         {"kind": "incident", "text": "x", "obligation": "pull_back"}),
        ("_schema", lambda names, longest: _fast_jsonl._Schema(names, 10**9),
         {"kind": "incident", "text": "x" * 150_000}),
        ("_value", lambda value, kind: value, {"kind": "progress", "obligation": "detainees_released", "value": -1}),
        ("_suspects", lambda lines, rows: [], '{"date": "2025-04-02", "kind": "incident", "text": "x", "text": "y"}'),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("fresh_schemas")
def test_the_oracle_catches_a_planted_bug(target: str, replacement: Any, line: dict[str, Any] | str):
    """Each bug planted in the fast reader makes it disagree with the careful one on a line that shows it.

    (A search of the generated logs finds the first of these too, but takes minutes: the
    property tests above run the generator; this shows the comparison they make bites.)
    """
    text = line if isinstance(line, str) else json.dumps({"date": "2025-04-02", **line})  # a text: a key twice
    data = (text + "\n").encode()
    agreement = None if target == "is_id" else RIVERSIDE  # with an agreement, its names catch a bad id too
    assert agrees(agreement, data, truce.Limits())
    _fast_jsonl._schema.cache_clear()
    with mock.patch(f"truce._fast_jsonl.{target}", replacement):
        assert not agrees(agreement, data, truce.Limits())


@st.composite
def long_logs(draw: Any) -> tuple[truce.Agreement, bytes, truce.Limits]:
    """A longer log (lines of every kind, many of one shape) with a few lines spoiled anywhere."""
    events = draw(event_logs(RIVERSIDE, max_size=80))
    records: list[Any] = [event_to_data(e) for e in events]
    for _ in range(draw(st.integers(0, 3))):
        n = draw(st.integers(0, len(records) - 1)) if records else None
        if n is not None:
            records[n] = spoil_record(draw, records[n])
    lines = [json.dumps(r, separators=draw(st.sampled_from([(", ", ": "), (",", ":"), (",", " : ")]))) for r in records]
    if lines and draw(st.booleans()):
        n = draw(st.integers(0, len(lines) - 1))
        lines[n] = draw(st.sampled_from(LINE_SPOILERS))(lines[n])
    return RIVERSIDE, ("\n".join(lines) + "\n").encode(), truce.Limits()


@settings(settings.default, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(long_logs())
def test_a_long_log_read_a_column_at_a_time_gives_the_careful_readers_events_or_none(log):
    assert agrees(*log)


@settings(settings.default, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(long_logs(), st.integers(1, 9))
def test_a_log_read_a_part_at_a_time_gives_the_careful_readers_events_or_none(log, part):
    """Lines are decoded and made into events a few thousand at a time: here a few, so every
    log of the test is read in parts, and a part may hold one line or end at a bad one."""
    with mock.patch("truce._fast_jsonl._CHUNK", part):
        assert agrees(*log)


@settings(settings.default, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(logs(), long_logs()))
def test_without_msgspec_the_careful_reader_reads_every_log(log):
    """Where msgspec has no wheel, every log goes the careful way, with the same outcome."""
    with mock.patch("truce._fast_jsonl._msgspec", return_value=None):
        assert _fast_jsonl.read_jsonl(log[1], log[0], log[2]) is None
        assert outcome(*log) == carefully(*log)


@pytest.mark.parametrize(
    "line",
    [
        # a key given twice: json keeps the last without a word
        '{"date": "2025-04-02", "kind": "incident", "text": "a", "text": "b"}',
        '{"date": "2025-04-02", "kind" : "incident", "text": "a", "text" : "b"}',
        '{"date": "2025-04-02", "kind": "incident", "text": "a\\":", "text": "b"}',
        '{"date": "2025-04-02", "kind": "incident", "text": "at 12:00", "text": "b"}',
        '{"date": "2025-04-02", "kind": "incident", "text": "a", "text": "b", "time": "12:00"}',
        '{"date": "2025-04-02", "kind": "incident", "text": "a", "attributes": {"k": 1, "k": 2}}',
        # what a kind needs, missing or null
        '{"date": "2025-04-02", "kind": "fulfilled", "obligation": null}',
        '{"date": "2025-04-02", "kind": "incident", "text": null}',
        '{"kind": "incident", "text": "x"}',
        '{"date": null, "kind": "incident", "text": "x"}',
        '{"date": "2025-04-02", "kind": "declared", "source": "text"}',
        '{"date": "2025-04-02", "kind": "declared", "source": "text", "trigger": null, "to": null}',
        '{"date": "2025-04-02", "kind": "claim", "party": "north"}',
        '{"date": "2025-04-02", "kind": "claim", "party": "north", "obligation": "pull_back"}',
        '{"date": "2025-04-02", "kind": "extended", "obligation": "pull_back", "due": null}',
    ],
)
def test_a_line_the_careful_reader_reports_is_left_to_it(line):
    """Each of these needs a word from the careful reader, even among many good lines of its shape."""
    good = '{"date": "2025-04-01", "kind": "incident", "text": "quiet"}\n' * 50
    assert _fast_jsonl.read_jsonl(line + "\n", RIVERSIDE, truce.Limits()) is None
    assert (
        _fast_jsonl.read_jsonl(good + line + "\n" + good.replace("04-01", "04-03"), RIVERSIDE, truce.Limits()) is None
    )
    with pytest.raises(truce.LoadError):
        truce.load_events("log.jsonl", RIVERSIDE, text=line + "\n")


def test_msgspec_is_imported_only_when_a_json_lines_log_is_read(tmp_path):
    """The command line's start-up (a bundled agreement, its YAML log) does without it."""
    code = "import sys, truce; truce.load('gaza-2025').blockers('phase_two'); print('msgspec' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
    log = tmp_path / "x.jsonl"
    log.write_text('{"date": "2025-04-02", "kind": "incident", "text": "x"}\n', encoding="utf-8")
    code = f"import sys, truce; truce.load_events({str(log)!r}); print('msgspec' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "True\n"
