"""Hostile input: every bad file ends in a TruceError naming the file, never another exception or a hang."""

from __future__ import annotations

import signal
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
DOCS = Path(__file__).resolve().parent.parent / "docs"
DEFINITIONS = sorted(p for p in HOSTILE.glob("*.yaml") if not p.name.startswith("log-"))
LOGS = sorted(HOSTILE.glob("log-*"))
#: Logs in the corpus that are not errors: an empty log, and a torn last line (kept, with a warning).
LOADABLE_LOGS = {
    "log-empty.events.jsonl": 0,
    "log-torn.events.jsonl": 1,
    "log-bom.events.jsonl": 1,  # a BOM is skipped in JSON Lines as in YAML (O9)
    "log-crlf-no-final-newline.events.jsonl": 2,  # a complete last line is kept (L3)
    "log-cr-only.events.jsonl": 2,
}


@contextmanager
def bounded(seconds: int = 10) -> Iterator[None]:
    """Fail instead of hanging (a guard against hangs, not a performance assertion)."""

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_corpus_is_there():
    assert len(DEFINITIONS) >= 25
    assert len(LOGS) >= 15


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_hostile_definitions_fail_cleanly(path):
    with bounded(), pytest.raises(truce.TruceError) as caught:
        truce.load(path)
    message = str(caught.value)
    assert str(path) in message, message
    assert "Traceback" not in message
    assert len(message) < 5000, "the message should explain, not dump the file"


def test_hostile_definitions_name_the_line_where_known():
    for name in ("duplicate-keys.yaml", "huge-scalar.yaml", "deep-nesting.yaml", "unknown-keys.yaml"):
        with pytest.raises(truce.TruceError) as caught:
            truce.load(HOSTILE / name)
        assert caught.value.problems[0].line is not None, name


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_hostile_event_logs_fail_cleanly(path):
    definition = DOCS / "riverside.yaml"
    with bounded(), warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        if path.name in LOADABLE_LOGS:
            ceasefire = truce.load(definition, events=path)
            assert len(ceasefire.events) == LOADABLE_LOGS[path.name]
            return
        with pytest.raises(truce.TruceError) as caught:
            truce.load(definition, events=path)
    assert str(path) in str(caught.value) or "riverside" in str(caught.value)
    assert not [w for w in caught_warnings if not issubclass(w.category, truce.TornLogWarning)]


def test_a_torn_log_warns_and_keeps_what_came_before():
    with pytest.warns(truce.TornLogWarning, match="torn last line") as caught:
        ceasefire = truce.load(DOCS / "riverside.yaml", events=HOSTILE / "log-torn.events.jsonl")
    assert [e.text for e in ceasefire.events] == ["x"]
    assert caught[0].message.line == 2


def test_limits_can_be_lowered_and_raised():
    riverside = DOCS / "riverside.yaml"
    with pytest.raises(truce.LoadError, match="the limit is 100"):
        truce.load(riverside, limits=truce.Limits(max_bytes=100))
    with pytest.raises(truce.DefinitionError, match="the limit is 10"):
        truce.load(riverside, limits=truce.Limits(max_guard_length=10))
    with pytest.raises(truce.LoadError, match="4 events; the limit is 2"):
        truce.load(riverside, limits=truce.Limits(max_events=2))
    deep = truce.Limits(max_depth=5)
    with pytest.raises(truce.LoadError, match="nested deeper than 5"):
        truce.load_agreement("x.yaml", text="a: [[[[[[[[1]]]]]]]]", limits=deep)
    generous = truce.Limits(max_guard_length=100_000)
    assert truce.load(riverside, limits=generous).phase == "phase_one"
    with pytest.raises(ValueError, match="at least 1"):
        truce.Limits(max_events=0)


# --- fuzzing ---------------------------------------------------------------------------

VALID = (DOCS / "riverside.yaml").read_text(encoding="utf-8")


@given(st.binary(max_size=2000))
def test_random_bytes_never_escape_as_another_exception(data):
    with bounded(), suppress(truce.TruceError):
        truce.load_agreement("fuzz.yaml", text=data)


@given(st.data())
def test_mutated_definitions_never_escape_as_another_exception(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        chunk = data.draw(st.text(alphabet=":-[]{}&*!|>'\"#\n 0123456789abc_().", max_size=8))
        if action == "delete":
            text = text[:at] + text[at + len(chunk) + 1 :]
        elif action == "insert":
            text = text[:at] + chunk + text[at:]
        else:
            text = text[:at] + chunk + text[at + len(chunk) :]
    with bounded(), suppress(truce.TruceError):
        truce.load_agreement("fuzz.yaml", text=text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
event_keys = st.sampled_from(["date", "kind", "obligation", "fact", "value", "due", "trigger", "to", "party",
                              "asserts", "reported_by", "text", "source", "time", "precision"])  # fmt: skip


@given(st.lists(st.dictionaries(event_keys, json_values | st.sampled_from(["2025-04-02", "fulfilled", "claim"]))))
def test_random_event_records_never_escape_as_another_exception(records):
    import json

    agreement = truce.load_agreement(DOCS / "riverside.yaml")
    text = "".join(json.dumps(r) + "\n" for r in records)
    with bounded():
        try:
            events = truce.load_events("fuzz.events.jsonl", agreement, text=text)
            ceasefire = truce.Ceasefire(agreement)
            for event in events:
                with suppress(truce.TruceError):
                    ceasefire.record(event)
        except truce.TruceError:
            pass


@given(json_values)
def test_random_structures_as_definitions_never_escape(data):
    with bounded(), suppress(truce.TruceError):
        truce.read_agreement(data, path="fuzz")
