"""Bad arguments to public entry points raise TruceError subclasses (issue 17, O7).

Each keeps the built-in base a caller would have caught before (``ValueError`` for a bad
value, ``TypeError`` for a bad type), so old ``except ValueError`` code still works.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import truce

DOCS = Path(__file__).resolve().parent.parent / "docs"
RIVERSIDE = truce.load_agreement(DOCS / "riverside.yaml")
E = truce.Event

BAD_CALLS: dict[str, tuple[Callable[[], object], type[Exception]]] = {
    "Event: unknown kind": (lambda: E("2025-04-02", "nonsense"), ValueError),
    "Event: not a date": (lambda: E("nope", "incident", text="x"), ValueError),
    "Event: no date": (lambda: E(None, "incident", text="x"), ValueError),
    "Event: missing field": (lambda: E("2025-04-02", "fulfilled"), ValueError),
    "Event: unknown precision": (lambda: E("2025-04-02", "incident", text="x", precision="year"), ValueError),
    "Event: list value": (lambda: E("2025-04-02", "fact", fact="f", value=[1]), ValueError),
    "Event: number text": (lambda: E("2025-04-02", "incident", text=5), ValueError),
    "Event: number id": (lambda: E("2025-04-02", "fulfilled", obligation=5), ValueError),
    "Event: text source": (lambda: E("2025-04-02", "incident", text="x", source="s"), ValueError),
    "Event: bad time": (lambda: E("2025-04-02", "incident", text="x", time="25:00"), ValueError),
    "Event: 400 digits": (lambda: E("2025-04-02", "fact", fact="f", value=10**400), ValueError),
    "Event: 1e300": (lambda: E("2025-04-02", "fact", fact="f", value=1e300), ValueError),
    "Event: infinite": (lambda: E("2025-04-02", "fact", fact="f", value=float("inf")), ValueError),
    "Event: year 9999": (lambda: E("9999-12-31", "incident", text="x"), ValueError),
    "load: a number": (lambda: truce.load(123), TypeError),  # type: ignore[arg-type]
    "load: a list": (lambda: truce.load(["a"]), TypeError),  # type: ignore[arg-type]
    "load: unknown name": (lambda: truce.load("nonexistent"), ValueError),
    "load: events a number": (lambda: truce.load(DOCS / "riverside.yaml", events=5), TypeError),  # type: ignore[arg-type]
    "load: limits a dict": (lambda: truce.load(DOCS / "riverside.yaml", limits={}), TypeError),  # type: ignore[arg-type]
    "load: bad as_of": (lambda: truce.load(DOCS / "riverside.yaml", as_of="x"), ValueError),
    "load: as_of a number": (lambda: truce.load(DOCS / "riverside.yaml", as_of=5), ValueError),  # type: ignore[arg-type]
    "load_agreement: None": (lambda: truce.load_agreement(None), TypeError),  # type: ignore[arg-type]
    "load_agreement: text a list": (lambda: truce.load_agreement("x.yaml", text=[1]), TypeError),  # type: ignore[arg-type]
    "load_events: agreement a name": (
        lambda: truce.load_events("x.events.jsonl", "riverside", text=""),  # type: ignore[arg-type]
        TypeError,
    ),
    "read_agreement: a list": (lambda: truce.read_agreement([1]), ValueError),
    "read_agreement: path a number": (lambda: truce.read_agreement({}, path=5), TypeError),  # type: ignore[arg-type]
    "dump_agreement: a name": (lambda: truce.dump_agreement("x"), TypeError),  # type: ignore[arg-type]
    "Limits: zero": (lambda: truce.Limits(max_events=0), ValueError),
    "Limits: text": (lambda: truce.Limits(max_events="5"), TypeError),  # type: ignore[arg-type]
    "EventLog: a number": (lambda: truce.EventLog(5), TypeError),  # type: ignore[arg-type]
    "EventLog: agreement a name": (lambda: truce.EventLog("x.events.jsonl", "riverside"), TypeError),  # type: ignore[arg-type]
    "EventLog.append: text": (lambda: truce.EventLog("x.events.jsonl", RIVERSIDE).append("x"), ValueError),  # type: ignore[arg-type]
    "EventLog.append_all: a number": (
        lambda: truce.EventLog("x.events.jsonl", RIVERSIDE).append_all(5),  # type: ignore[arg-type]
        TypeError,
    ),
    "Ceasefire.record: text": (lambda: truce.Ceasefire(RIVERSIDE).record("x"), ValueError),  # type: ignore[arg-type]
    "Ceasefire.as_of: not a date": (lambda: truce.Ceasefire(RIVERSIDE).as_of("x"), ValueError),
    "Ceasefire.as_of: year 1": (lambda: truce.Ceasefire(RIVERSIDE).as_of("0001-01-01"), ValueError),
    "Ceasefire.blockers: unknown": (lambda: truce.Ceasefire(RIVERSIDE).blockers("nope"), KeyError),
    "Ceasefire.advance: not a date": (
        lambda: truce.Ceasefire(RIVERSIDE).advance("begin_phase_two", on="x"),
        ValueError,
    ),
    "Ceasefire.blockers: a list": (lambda: truce.Ceasefire(RIVERSIDE).blockers(["phase_two"]), TypeError),  # type: ignore[call-overload]
    "Ceasefire.blockers: view a list": (lambda: truce.Ceasefire(RIVERSIDE).blockers(view=["south"]), TypeError),  # type: ignore[arg-type]
    "Ceasefire.unblock: a list": (lambda: truce.Ceasefire(RIVERSIDE).unblock(["phase_two"]), TypeError),  # type: ignore[arg-type]
    "Ceasefire.can: a list": (lambda: truce.Ceasefire(RIVERSIDE).can(["phase_two"]), TypeError),  # type: ignore[arg-type]
    "Ceasefire.status: a list": (lambda: truce.Ceasefire(RIVERSIDE).status(["pull_back"]), TypeError),  # type: ignore[arg-type]
    "Ceasefire.advance: a list": (lambda: truce.Ceasefire(RIVERSIDE).advance(["collapse"]), TypeError),  # type: ignore[arg-type]
    "Ceasefire.what_if: fulfil None": (lambda: truce.Ceasefire(RIVERSIDE).what_if(fulfil=None), TypeError),  # type: ignore[arg-type]
    "Ceasefire.what_if: breach a number": (lambda: truce.Ceasefire(RIVERSIDE).what_if(breach=5), TypeError),  # type: ignore[arg-type]
    "Ceasefire.what_if: one id as text": (lambda: truce.Ceasefire(RIVERSIDE).what_if(fulfil="pull_back"), TypeError),
    "parse_guard: a number": (lambda: truce.parse_guard(5), ValueError),  # type: ignore[arg-type]
    "parse_guard: not an expression": (lambda: truce.parse_guard("1 +"), ValueError),
    "Source: no title": (lambda: truce.Source(5), TypeError),  # type: ignore[arg-type]
    "Source: bad url": (lambda: truce.Source("t", url="ftp://x"), ValueError),
    "Party: unknown kind": (lambda: truce.Party("a", "A", kind="zzz"), ValueError),
    "Due: neither date nor anchor": (lambda: truce.Due(), ValueError),
    "Due: negative days": (lambda: truce.Due(after="in_force", days=-1), ValueError),
    "Due: a billion days": (lambda: truce.Due(after="in_force", days=10**9), ValueError),
    "Measure: negative target": (lambda: truce.Measure("u", -1), ValueError),
    "Measure: 400-digit target": (lambda: truce.Measure("u", 10**400), ValueError),
    "Obligation: missing source": (lambda: truce.Obligation("o", "p", "t"), TypeError),  # type: ignore[call-arg]
    "Phase: bad id": (lambda: truce.Phase("a b"), ValueError),
    "diagram: unknown format": (lambda: truce.Ceasefire(RIVERSIDE).diagram().text("gif"), ValueError),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_arguments_raise_truce_errors(name):
    call, builtin = BAD_CALLS[name]
    with pytest.raises(truce.TruceError) as caught:
        call()
    assert isinstance(caught.value, builtin), f"{type(caught.value).__name__} is not also a {builtin.__name__}"
    assert "Traceback" not in str(caught.value)


def test_bad_values_in_files_are_still_reported_with_their_field_and_line():
    """Constructors now raise DefinitionError; loading still gathers them as problems."""
    text = (
        (DOCS / "riverside.yaml").read_text().replace("kind: state", "kind: empire").replace("hours: 72", "hours: -1")
    )
    with pytest.raises(truce.DefinitionError) as caught:
        truce.load_agreement("x.yaml", text=text)
    fields = {p.field for p in caught.value.problems}
    assert {"parties.north.kind", "obligations.detainees_released.due"} <= fields
    assert all(p.line for p in caught.value.problems)


def test_the_log_refuses_a_write_the_disk_refuses_with_a_truce_error(tmp_path):
    """A read-only directory (or a full disk, see test_eventlog_faults) is a LogWriteError, also an OSError."""
    import os

    if os.geteuid() == 0:
        path = Path("/proc/version.events.jsonl")  # root ignores permissions; /proc refuses creation
    else:
        tmp_path.chmod(0o500)
        path = tmp_path / "r.events.jsonl"
    with pytest.raises(truce.LogWriteError) as caught:
        truce.EventLog(path, RIVERSIDE).append(E("2025-04-02", "incident", text="x"))
    assert isinstance(caught.value, OSError)


def test_an_agreement_id_with_a_line_break_or_a_control_character_is_refused():
    """O2: a newline in the id broke out of the Mermaid header."""
    for bad in ("riverside\n  A-->B", "\x1b]0;x\x07", "a b", "", "-leading", "x" * 101):
        with pytest.raises(truce.DefinitionError, match="not an agreement id"):
            attrs.evolve(RIVERSIDE, id=bad)
    for good in ("riverside", "gaza-2025", "UN_1701.rev-2"):
        assert attrs.evolve(RIVERSIDE, id=good).id == good
