"""Views, what-if, minimal unblock sets, compliance and DataFrames."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import truce
from truce.guards import FactValue, Fulfilled, evaluate
from truce.obligations import Obligation
from truce.status import ObligationState, ObligationStatus
from truce.testing import event_logs
from truce.unblock import force, minimal_sets

from .test_guards import guards

RIVERSIDE = truce.load_agreement(Path(__file__).resolve().parent.parent / "docs" / "riverside.yaml")
SOURCE = truce.Source("Wire")


# --- views ---------------------------------------------------------------------------


def test_a_party_view_uses_its_claims_and_says_so(riverside):
    riverside.record(truce.Event("2025-04-07", "claim", party="north", fact="monitors_deployed", value=12))
    default = riverside.blockers("phase_two")
    north = riverside.blockers("phase_two", view="north")
    assert default
    assert not north
    assert default.view == "reported facts (claims kept apart)"
    assert north.view.startswith("as north claims it")
    south = riverside.blockers("phase_two", view="south")
    # south claimed prisoners_released was breached: in its view that condition fails too
    assert [b.condition for b in south] == ["fulfilled(prisoners_released)", "fact(monitors_deployed) >= 10"]


def test_views_need_a_known_party(riverside):
    with pytest.raises(truce.UnknownName, match="unknown party 'west'"):
        riverside.blockers("phase_two", view="west")


@given(log=event_logs(RIVERSIDE, max_size=25), party=st.sampled_from(["north", "south", "mediator"]))
def test_views_differ_from_the_record_only_where_that_party_claims(log, party):
    ceasefire = truce.Ceasefire(RIVERSIDE)
    for event in log:
        with contextlib.suppress(truce.TruceError):
            ceasefire.record(event)
    claimed = {e.obligation or e.fact for e in ceasefire.events if e.kind == "claim" and e.party == party}
    for trigger in ceasefire.triggers:
        default = ceasefire.blockers(trigger)
        viewed = ceasefire.blockers(trigger, view=party)
        before = {b.condition: b.met for b in (*default.unmet, *default.met)}
        after = {b.condition: b.met for b in (*viewed.unmet, *viewed.met)}
        for condition, met in after.items():
            if before.get(condition, met) != met:
                subject = condition.split("(")[1].split(")")[0]
                assert subject in claimed, f"{condition} changed in {party}'s view without a claim"


_SUBJECTS = ["pull_back", "monitors_deployed"]  # few, so that one party often claims one thing twice


@given(
    log=event_logs(RIVERSIDE, max_size=20),
    claims=st.lists(
        st.tuples(
            st.integers(0, 9), st.sampled_from(["north", "south"]), st.sampled_from(_SUBJECTS), st.integers(0, 12)
        ),
        max_size=12,
    ),
    party=st.sampled_from(["north", "south"]),
    back=st.integers(0, 60),
)
@example(log=[], claims=[(0, "north", "pull_back", 0), (1, "north", "pull_back", 1)], party="north", back=0)
@example(
    log=[], claims=[(0, "south", "monitors_deployed", 3), (2, "south", "monitors_deployed", 12)], party="south", back=1
)
def test_a_party_view_reads_what_a_scan_of_every_claim_finds(log, claims, party, back):
    """The view searches claims from the end; the plain reading scans them all and keeps the last."""
    whole = truce.Ceasefire(RIVERSIDE)
    for event in log:
        with contextlib.suppress(truce.TruceError):
            whole.record(event)
    for step, claimant, subject, number in claims:  # several claims by one party on one subject
        day = whole.date + dt.timedelta(days=step)
        if subject in {f.id for f in RIVERSIDE.facts}:
            whole.record(truce.Event(day, "claim", party=claimant, fact=subject, value=number))
        else:
            asserts = ("fulfilled", "breached", "partial")[number % 3]
            whole.record(truce.Event(day, "claim", party=claimant, obligation=subject, asserts=asserts))
    day = max(whole.date - dt.timedelta(days=back), RIVERSIDE.agreed)
    # a ceasefire asked about an earlier day keeps later claims in its ledger; a view (as_of) has none
    for ceasefire in (truce.Ceasefire(RIVERSIDE, whole.events, as_of=day), whole.as_of(day)):
        live = ceasefire._live
        view, ledger = live.context(day, party), live.record.ledger
        for obligation in RIVERSIDE.obligations:
            state = ledger.obligation_state(obligation.id)
            mine = [c for c in state.claims if c.party == party and c.date <= day]
            seen = view.obligation_state(obligation.id)
            if mine:
                assert seen.evidence is mine[-1]
                assert seen == attrs.evolve(state, base=mine[-1].asserts, since=mine[-1].date, evidence=mine[-1])
            else:
                assert seen is state
        for fact in RIVERSIDE.facts:
            said = [c for c in ledger.fact_claims.view() if c.party == party and c.fact == fact.id and c.date <= day]
            value = view.fact_value(fact.id)
            if said:
                assert value == FactValue(fact.id, said[-1].value, said[-1].date)
                assert value.event is said[-1]
            else:
                assert value is ledger.facts.get(fact.id)


# --- what-if ---------------------------------------------------------------------------


def test_what_if_returns_a_new_ceasefire_and_leaves_the_original(riverside):
    before = riverside.snapshot()
    scenario = riverside.what_if(facts={"monitors_deployed": 11})
    assert scenario.can("phase_two")
    assert not riverside.can("phase_two")
    assert riverside.snapshot() == before
    assert scenario.events[-1].reported_by == "what-if"
    assert "Hypothetical" in scenario.events[-1].source.title


def test_what_if_on_an_earlier_date(riverside):
    scenario = riverside.what_if(fulfil=["detainees_released"], as_of="2025-04-03")
    assert scenario.date == dt.date(2025, 4, 3)
    assert scenario.status("detainees_released").base == "fulfilled"
    assert scenario.status("prisoners_released").base == "active"  # the 6 April report is after the date
    breach = riverside.what_if(breach=["prisoners_released"], waive=["detainees_released"])
    assert (breach.status("prisoners_released").base, breach.status("detainees_released").base) == (
        "breached",
        "waived",
    )


def test_what_if_refuses_unknown_names_without_touching_anything(riverside):
    before = riverside.snapshot()
    with pytest.raises(truce.EventError, match="unknown obligation 'nothing'"):
        riverside.what_if(fulfil=["nothing"])
    assert riverside.snapshot() == before


@given(log=event_logs(RIVERSIDE, max_size=15), data=st.data())
def test_what_if_never_mutates_its_source(log, data):
    ceasefire = truce.Ceasefire(RIVERSIDE)
    for event in log:
        with contextlib.suppress(truce.TruceError):
            ceasefire.record(event)
    before, events = ceasefire.snapshot(), ceasefire.events
    obligations = [o.id for o in RIVERSIDE.obligations]
    with contextlib.suppress(truce.TruceError):
        ceasefire.what_if(
            fulfil=data.draw(st.lists(st.sampled_from(obligations), max_size=2)),
            breach=data.draw(st.lists(st.sampled_from(obligations), max_size=1)),
            facts={"monitors_deployed": data.draw(st.integers(0, 20))},
        )
    assert ceasefire.snapshot() == before
    assert ceasefire.events == events


# --- minimal unblock sets ---------------------------------------------------------------


def test_unblock_lists_the_smallest_sets_with_their_parties(fresh):
    ways = fresh.unblock("phase_two")
    assert not ways.open
    assert len(ways) == 1
    (only,) = ways
    assert {c.obligation or c.fact for c in only} == {"detainees_released", "prisoners_released", "monitors_deployed"}
    assert set(only.parties) == {"south", "north"}
    assert "1 minimal way to open it" in str(ways)
    json.dumps(ways.to_dict())


def test_unblock_of_an_open_transition(riverside):
    opened = riverside.what_if(facts={"monitors_deployed": 10})
    ways = opened.unblock("begin_phase_two")
    assert ways.open
    assert list(ways) == []
    assert str(ways).endswith("already open")


@attrs.frozen
class Context:
    as_of: dt.date
    statuses: dict
    facts: dict

    def obligation_state(self, obligation):
        status = self.statuses.get(obligation, ObligationStatus.ACTIVE)
        return ObligationState(Obligation(obligation, None, "t", SOURCE), base=status, since=self.as_of)

    def fact_value(self, name):
        value = self.facts.get(name)
        return None if value is None else FactValue(name, value, self.as_of)

    def anchor_date(self, anchor):
        return dt.date(2025, 1, 1) if anchor == "in_force" else None


contexts = st.builds(
    Context,
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 1, 1)),
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "hostages", "isf_troops"]), st.sampled_from(list(ObligationStatus))
    ),
    st.dictionaries(st.sampled_from(["a", "b", "c", "hostages", "isf_troops"]), st.integers(-5, 5) | st.booleans()),
)


@given(guard=guards, context=contexts)
def test_every_unblock_set_is_sufficient_and_minimal(guard, context):
    verdict = evaluate(guard, context)
    sets, complete = minimal_sets(verdict, context)
    assert complete
    if verdict.holds:
        assert sets == [frozenset()]
        return
    for term in sets:
        assert _opens(guard, term, context), f"{sorted(g.to_expr() for g in term)} is not sufficient"
        for leaf in term:
            assert not _opens(guard, term - {leaf}, context), "a smaller set would do"
    assert [len(t) for t in sets] == sorted(len(t) for t in sets)


def _opens(guard, term, context) -> bool:
    """Whether ``guard`` holds once ``term`` is made true: its obligations really fulfilled (so
    ``status(x) != active`` turns true with ``fulfilled(x)``), its other leaves forced."""
    fulfilled = {leaf.obligation for leaf in term if isinstance(leaf, Fulfilled)}
    statuses = {**context.statuses}
    for obligation in fulfilled:
        if not context.obligation_state(obligation).satisfied:
            statuses[obligation] = ObligationStatus.FULFILLED
    after = Context(context.as_of, statuses, context.facts)
    return evaluate(force(guard, frozenset(leaf for leaf in term if not isinstance(leaf, Fulfilled))), after).holds


def test_unblock_is_exact_below_its_limit_and_says_when_it_stops():
    """Twenty leaves (1,024 minimal sets): exact. Thirty (32,768): cut at MAX_TERMS, flagged incomplete."""
    from truce.unblock import MAX_TERMS

    context = Context(dt.date(2025, 1, 1), {}, {})
    for pairs, expected_complete in ((10, True), (15, False)):
        guard = truce.parse_guard(" and ".join(f"(fulfilled(a{n}) or fulfilled(b{n}))" for n in range(pairs)))
        sets, complete = minimal_sets(evaluate(guard, context), context)
        assert complete is expected_complete
        assert len(sets) == (2**pairs if complete else MAX_TERMS)
        assert all(len(s) == pairs for s in sets)  # every set returned is still a minimal one


def test_gaza_phase_two_unblocks_with_the_last_remains():
    december = truce.load("gaza-2025").as_of("2025-12-29")
    (only,) = december.unblock("phase_two")
    assert [c.obligation for c in only] == ["deceased_hostages_remains_returned"]
    assert only.parties == ("hamas",)


# --- compliance and frames -----------------------------------------------------------------


def test_compliance_counts_per_party_and_lists_irregular_moves(riverside):
    riverside.record(truce.Event("2025-04-07", "incident", text="shots fired", party="north"))
    riverside.record(truce.Event("2025-04-08", "declared", trigger="begin_phase_two", source=SOURCE))
    report = riverside.compliance()
    assert report["south"].fulfilled == 1
    assert report["north"].fulfilled == 1
    assert report["north"].disputed == 1
    assert report["north"].active == 1
    assert report["north"].incidents == 1
    assert len(report.irregular) == 1
    assert "irregular move" in str(report)
    json.dumps(report.to_dict())
    earlier = riverside.compliance(as_of="2025-04-03")
    assert earlier["south"].partial == 1
    assert earlier.irregular == ()


def test_frames_of_every_kind(riverside):
    pandas = pytest.importorskip("pandas", reason="pandas is in the dev extra; CI installs it")
    for what in ("events", "obligations", "compliance", "deadlines", "history"):
        frame = riverside.to_frame(what)
        assert isinstance(frame, pandas.DataFrame)
    events = riverside.to_frame("events")
    assert len(events) == 4
    assert str(events["date"].dtype).startswith("datetime64")
    assert list(riverside.to_frame("obligations")["obligation"]) == [o.id for o in riverside.agreement.obligations]
    with pytest.raises(ValueError, match="what must be one of"):
        riverside.to_frame("nothing")


def test_frames_without_pandas_say_how_to_get_it(riverside, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(truce.MissingDependency, match=r"pip install 'truce-ceasefire\[pandas\]'"):
        riverside.to_frame("events")


def test_unblock_drops_sets_that_contradict_themselves():
    context = Context(dt.date(2025, 1, 1), {}, {})
    guard = truce.parse_guard("(fulfilled(a) or fulfilled(b)) and not fulfilled(a)")
    sets, _ = minimal_sets(evaluate(guard, context), context)
    assert [sorted(g.to_expr() for g in s) for s in sets] == [["fulfilled(b)"]]
    impossible = truce.parse_guard("fulfilled(a) and not fulfilled(a)")
    assert minimal_sets(evaluate(impossible, context), context)[0] == []
