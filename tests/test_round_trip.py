"""Dumped definitions load back identical, for any text and number truce accepts (issue 17, O8).

``fact(x) > 1e309`` used to dump as ``> inf`` and never reload. The generator of random
agreements is widened here with the awkward values: any Unicode text (YAML-significant
characters, line breaks, controls), floats and text in fact comparisons, numbers at the
bounds, offsets in hours.
"""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

import truce
from truce.guards import AllOf, FactCompare
from truce.limits import MAX_NUMBER
from truce.testing import agreements

texts = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(lambda t: t.strip())
numbers = (
    st.integers(-MAX_NUMBER, MAX_NUMBER)
    | st.floats(-MAX_NUMBER, MAX_NUMBER, allow_nan=False, allow_infinity=False)
    | st.sampled_from([MAX_NUMBER, -MAX_NUMBER, 5e-324, 0.1, 1e-7, float(MAX_NUMBER)])
)
literals = numbers | st.booleans() | st.text(st.characters(exclude_categories=["Cs"]), max_size=30)


def _reload(agreement: truce.Agreement) -> truce.Agreement:
    return truce.load_agreement("round-trip.yaml", text=truce.dump_agreement(agreement))


@given(agreements(), texts, texts, st.lists(st.tuples(st.sampled_from(["==", "!=", "<", ">="]), literals), max_size=4))
def test_load_dump_load_is_identical_for_awkward_text_and_numbers(agreement, title, summary, comparisons):
    facts = [*agreement.facts, truce.FactDef("awkward", summary)]
    extra = tuple(FactCompare("awkward", op, value) for op, value in comparisons)
    first = agreement.transitions[0]
    guard = AllOf((first.guard, *extra)) if extra else first.guard
    if isinstance(first.guard, AllOf) and extra:
        guard = AllOf((*first.guard.children, *extra))
    widened = attrs.evolve(
        agreement,
        title=title,
        summary=summary,
        facts=facts,
        transitions=(attrs.evolve(first, guard=guard, text=summary), *agreement.transitions[1:]),
    )
    loaded = _reload(widened)  # load (from a dump) ...
    assert _reload(loaded) == loaded  # ... dump, load: identical
    assert loaded == widened


@given(st.integers(1, 100_000), st.integers(0, 2_400_000), numbers.filter(lambda n: n > 0))
def test_offsets_and_targets_at_their_bounds_round_trip(days, hours, target):
    riverside = truce.load_agreement("docs/riverside.yaml")
    owed = riverside.obligation("detainees_released")
    assert owed.due is not None
    assert owed.measure is not None
    changed = attrs.evolve(
        owed,
        due=attrs.evolve(owed.due, days=days, hours=hours),
        measure=attrs.evolve(owed.measure, target=target),
    )
    agreement = attrs.evolve(riverside, obligations=[changed, *riverside.obligations[1:]])
    assert _reload(agreement) == agreement
