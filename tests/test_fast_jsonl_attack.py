"""Disagreements between the fast JSON Lines reader and the careful one, found by attacking it.

Each test failed on the reader as first written with msgspec (a hostile review, 2026-12-01).
"""

from __future__ import annotations

import shutil
from unittest import mock

import pytest

import truce
from truce import _fast_jsonl

from .conftest import DOCS
from .test_fast_jsonl import RIVERSIDE, agrees, carefully, outcome

# --- 1. date, due and names are not held to max_scalar --------------------------------
# The careful reader (logs.read_event) refuses ANY text value longer than
# limits.max_scalar, the date, the due date and the five names included. The fast
# schema typed "date" and "due" as a plain ``str`` and names as ``str`` (no agreement,
# or an empty name set) or a ``Literal`` of the agreement's ids: none of them capped (now all are).

SMALL = truce.Limits(max_scalar=50)


@pytest.mark.parametrize(
    ("line", "agreement", "limits"),
    [
        # to_date strips the text, so a padded date is a valid date of 51 characters
        ('{"date":"' + " " * 41 + '2025-04-02","kind":"incident","text":"x"}', None, SMALL),
        ('{"date":"' + " " * 41 + '2025-04-02","kind":"incident","text":"x"}', RIVERSIDE, SMALL),
        # the same with the default limits (a line of 100,051 characters, under 2 * 100,000)
        ('{"date":"' + " " * 100_000 + '2025-04-02","kind":"incident","text":"x"}', None, truce.Limits()),
        ('{"date":"2025-04-02","kind":"extended","obligation":"pull_back","due":"' + " " * 100_000 + '2025-05-02"}',
         RIVERSIDE, truce.Limits()),
        # a name (an id of 61 characters) with no agreement: typed str, checked by is_id only
        ('{"date":"2025-04-02","kind":"fulfilled","obligation":"' + "a" * 61 + '"}', None, truce.Limits(max_scalar=60)),
    ],
)  # fmt: skip
def test_a_text_over_max_scalar_in_an_uncapped_field_is_left_to_the_careful_reader(line, agreement, limits):
    data = (line + "\n").encode()
    careful = carefully(agreement, data, limits)
    assert careful[0] == "error"
    assert "the limit is" in careful[2]
    assert _fast_jsonl.read_jsonl(data, agreement, limits) is None
    assert agrees(agreement, data, limits)
    assert outcome(agreement, data, limits) == careful


def test_an_agreement_name_longer_than_max_scalar_is_left_to_the_careful_reader(tmp_path):
    """A name of the agreement's longer than the cap is not in the schema's ``Literal`` of its names."""
    long = "pull_back_" + "x" * 60  # a valid id of 70 characters
    (tmp_path / "a.yaml").write_text((DOCS / "riverside.yaml").read_text().replace("pull_back", long))
    agreement = truce.load_agreement(tmp_path / "a.yaml")
    limits = truce.Limits(max_scalar=64)
    data = (f'{{"date":"2025-04-02","kind":"fulfilled","obligation":"{long}"}}\n').encode()  # 126 characters <= 128
    careful = carefully(agreement, data, limits)
    assert careful[0] == "error"
    assert "70 characters; the limit is 64" in careful[2]
    assert agrees(agreement, data, limits)


def test_load_with_a_sibling_log_gives_the_careful_outcome_for_a_long_date(tmp_path):
    shutil.copy(DOCS / "riverside.yaml", tmp_path / "riverside.yaml")
    line = '{"date":"' + " " * 100_000 + '2025-04-02","kind":"incident","text":"x"}\n'
    (tmp_path / "riverside.events.jsonl").write_text(line)
    with mock.patch("truce.logs.read_jsonl", return_value=None), pytest.raises(truce.LoadError, match="the limit is"):
        truce.load(tmp_path / "riverside.yaml")
    with pytest.raises(truce.LoadError, match="the limit is"):
        truce.load(tmp_path / "riverside.yaml")


# --- 2. a RecursionError from msgspec escapes read_jsonl -------------------------------
# ``source`` is typed ``Union[str, dict[str, Any]]``: msgspec recurses into the Any and
# raises RecursionError (not ValidationError/DecodeError) on deep nesting. events() caught
# only self.schema.failed, read_jsonl only _Refused, so it reached the caller; the
# careful reader reports "malformed JSON: maximum recursion depth exceeded" as a LoadError.

DEEP = (
    '{{"date":"2025-04-02","kind":"incident","text":"a","source":{{"title":{}1{}}}}}\n'.format("[" * 3000, "]" * 3000)
).encode()


def test_deep_nesting_in_a_citation_is_no_exception_from_the_fast_reader():
    assert _fast_jsonl.read_jsonl(DEEP, None, truce.Limits()) is None  # raises RecursionError


def test_deep_nesting_in_a_citation_loads_as_the_careful_reader_reports_it():
    careful = carefully(None, DEEP, truce.Limits())
    assert careful[0] == "error"
    assert "malformed JSON" in careful[2]
    assert outcome(None, DEEP, truce.Limits()) == careful  # RecursionError escapes load_events


def test_load_with_a_deeply_nested_citation_reports_a_load_error(tmp_path):
    shutil.copy(DOCS / "riverside.yaml", tmp_path / "riverside.yaml")
    (tmp_path / "riverside.events.jsonl").write_bytes(DEEP)
    with pytest.raises(truce.LoadError, match="malformed JSON"):
        truce.load(tmp_path / "riverside.yaml")  # RecursionError instead
