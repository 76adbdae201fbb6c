"""Assumptions are data: checked when built or read, every problem named by its entry."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce.assumptions import DelayKind, read_assumptions

GAZA = "gaza-2025"


@pytest.fixture(scope="module")
def gaza():
    return truce.load(GAZA, as_of="2025-12-29")


def test_every_delay_kind_reads_from_yaml_forms():
    data = {
        "obligations": {
            "a": {"delay": 5},
            "b": {"delay": "never"},
            "c": {"delay": {"uniform": [1, 9]}},
            "d": {"delay": {"triangular": [1, 2, 9]}},
            "e": {"delay": {"lognormal": {"median": 30, "sigma": 0.5}}},
            "f": {"delay": {"empirical": [9, 1, 4]}, "breach": 0.25},
            "g": {"delay": {"daily": 0.1}},
            "h": {"delay": {"fixed": 0}},
        }
    }
    read = read_assumptions(data).obligations
    assert [read[k].delay.kind for k in "abcdefgh"] == [
        DelayKind.FIXED, DelayKind.NEVER, DelayKind.UNIFORM, DelayKind.TRIANGULAR, DelayKind.LOGNORMAL,
        DelayKind.EMPIRICAL, DelayKind.DAILY, DelayKind.FIXED,
    ]  # fmt: skip
    assert read["f"].delay.params == (1, 4, 9)
    assert read["f"].breach == 0.25


def test_round_trip_through_data(gaza):
    assumptions = truce.Assumptions(
        obligations={"deceased_hostages_remains_returned": truce.ObligationAssumption(truce.Delay.uniform(1, 9), 0.1)},
        facts={"isf_troops_in_gaza": truce.FactAssumption(100, truce.Delay.lognormal(60, 0.5))},
        declared={"begin_phase_two": truce.Delay.daily(0.01)},
        collapse=truce.Collapse(0.001),
        policy="declared",
        note="illustrative",
    )
    assert read_assumptions(assumptions.to_data(), agreement=gaza.agreement) == assumptions
    assert pickle.loads(pickle.dumps(assumptions)) == assumptions


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"obligations": {"x": {"delay": -1}}}, "obligations.x.delay", "negative"),
        ({"obligations": {"x": {"delay": {"uniform": [-3, 2]}}}}, "obligations.x.delay", "negative"),
        ({"obligations": {"x": {"delay": {"uniform": [5, 2]}}}}, "obligations.x.delay", "low end"),
        ({"obligations": {"x": {"delay": {"triangular": [1, 9, 2]}}}}, "obligations.x.delay", "mode"),
        ({"obligations": {"x": {"delay": {"lognormal": {"median": 0, "sigma": 1}}}}}, "obligations.x.delay", "median"),
        ({"obligations": {"x": {"delay": {"empirical": []}}}}, "obligations.x.delay", "at least one"),
        ({"obligations": {"x": {"delay": {"empirical": [3, -1]}}}}, "obligations.x.delay", "negative"),
        ({"obligations": {"x": {"delay": {"daily": 1.5}}}}, "obligations.x.delay", "outside [0, 1]"),
        ({"obligations": {"x": {"delay": 3, "breach": -0.1}}}, "obligations.x.breach", "outside [0, 1]"),
        ({"obligations": {"x": {"delay": "soon"}}}, "obligations.x.delay", "not a delay"),
        ({"obligations": {"x": {"breach": 0.1}}}, "obligations.x", "needs a delay"),
        ({"obligations": {"x": {"delay": 1, "brech": 0.1}}}, "obligations.x", "unknown key"),
        ({"facts": {"f": {"delay": 3}}}, "facts.f.value", "needs a value"),
        ({"hazards": {"collapse": {"daily": -0.5}}}, "hazards.collapse.daily", "outside [0, 1]"),
        ({"hazards": {"declared": {"t": {"daily": 2}}}}, "hazards.declared.t", "outside [0, 1]"),
        ({"policy": "whenever"}, "policy", "guards, declared"),
    ],
)
def test_bad_assumptions_name_the_entry(data, field, words):
    with pytest.raises(truce.AssumptionError) as caught:
        read_assumptions(data, path="x.assumptions.yaml")
    assert caught.value.field == field
    assert words in str(caught.value)
    assert "x.assumptions.yaml" in str(caught.value)
    assert isinstance(caught.value, truce.TruceError)


def test_every_problem_is_listed_at_once():
    data = {"obligations": {"x": {"delay": -1}, "y": {"delay": 2, "breach": 3}}, "hazards": {"collapse": {"daily": 9}}}
    with pytest.raises(truce.AssumptionError) as caught:
        read_assumptions(data)
    assert [p.field for p in caught.value.problems] == [
        "obligations.x.delay",
        "obligations.y.breach",
        "hazards.collapse.daily",
    ]


def test_names_the_agreement_does_not_define_are_refused(gaza):
    data = {
        "agreement": GAZA,
        "obligations": {"hostages_released": {"delay": 3}},
        "facts": {"isf_troops": {"value": 1, "delay": 3}},
        "hazards": {"collapse": {"daily": 0.01, "to": "war"}, "declared": {"start_phase_two": {"daily": 0.1}}},
    }
    with pytest.raises(truce.AssumptionError) as caught:
        read_assumptions(data, agreement=gaza.agreement)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["obligations.hostages_released", "facts.isf_troops", "hazards.declared.start_phase_two",
                      "hazards.collapse.to"]  # fmt: skip
    assert "unknown obligation 'hostages_released'" in str(caught.value)


def test_assumptions_for_another_agreement_are_refused(gaza):
    with pytest.raises(truce.AssumptionError, match="written for 'lebanon-2024'"):
        truce.Assumptions(agreement="lebanon-2024").check(gaza.agreement)


def test_python_constructors_check_too():
    with pytest.raises(truce.AssumptionError, match="negative"):
        truce.Delay.fixed(-2)
    with pytest.raises(truce.AssumptionError, match="outside"):
        truce.ObligationAssumption(truce.Delay.fixed(2), breach=1.2)
    with pytest.raises(truce.AssumptionError, match="outside"):
        truce.Collapse(-0.1)
    with pytest.raises(truce.AssumptionError, match="finite"):
        truce.Delay.uniform(0, float("inf"))


def test_load_from_a_file_beside_the_agreement(tmp_path, gaza):
    path = tmp_path / "gaza.assumptions.yaml"
    path.write_text("obligations:\n  deceased_hostages_remains_returned:\n    delay: {uniform: [0, 30]}\n")
    loaded = truce.load_assumptions(path, agreement=gaza.agreement)
    assert loaded.obligations["deceased_hostages_remains_returned"].delay == truce.Delay.uniform(0, 30)
    path.write_text("obligations:\n  nope:\n    delay: 3\n")
    with pytest.raises(truce.AssumptionError, match=r"gaza.assumptions.yaml: obligations.nope: unknown obligation"):
        truce.load_assumptions(path, agreement=gaza.agreement)
    with pytest.raises(truce.LoadError, match="no such file"):
        truce.load_assumptions(tmp_path / "missing.yaml")


DELAYS = st.one_of(
    st.floats(0, 1000).map(truce.Delay.fixed),
    st.tuples(st.floats(0, 100), st.floats(0, 100)).map(lambda p: truce.Delay.uniform(min(p), max(p))),
    st.lists(st.floats(0, 100), min_size=3, max_size=3).map(sorted).map(lambda p: truce.Delay.triangular(*p)),
    st.tuples(st.floats(0.1, 500), st.floats(0, 2)).map(lambda p: truce.Delay.lognormal(*p)),
    st.lists(st.floats(0, 100), min_size=1, max_size=8).map(truce.Delay.empirical),
    st.floats(0, 1).map(truce.Delay.daily),
)


@given(DELAYS, st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True))
def test_a_delay_is_monotone_in_its_quantile_and_never_negative(delay, u, v):
    low, high = sorted((u, v))
    a, b = delay.days(low), delay.days(high)
    if a is None or b is None:
        assert (a, b) == (None, None)  # only "never" (or a zero hazard) never happens
        return
    assert 0 <= a <= b + 1e-9
