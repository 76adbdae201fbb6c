"""Numbers where JSON parsers part ways: the fast reader agrees with the careful one, type and all."""

from __future__ import annotations

from unittest import mock

import truce
from truce import _fast_jsonl


def _careful(data: bytes) -> list[truce.Event]:
    with mock.patch("truce.logs.read_jsonl", return_value=None):
        return truce.load_events("log.jsonl", None, text=data)


def _agrees(data: bytes) -> bool:
    fast = _fast_jsonl.read_jsonl(data, None, truce.Limits())
    if fast is None:
        return True
    careful = _careful(data)
    # equal events, and equal in what they hold (1e20 == 10**20, yet they are not the same data)
    return fast == careful and [repr(e.external) + repr(e.source) for e in fast] == [
        repr(e.external) + repr(e.source) for e in careful
    ]


def test_fast_jsonl_minus_zero_citation_title_is_not_the_cached_zero_one():
    # the source cache keys {"title": 0.0} and {"title": -0.0} equal (0.0 == -0.0),
    # yet their titles are "0.0" and "-0.0"
    data = (
        b'{"date":"2025-04-02","kind":"incident","text":"a","source":{"title":0.0}}\n'
        b'{"date":"2025-04-02","kind":"incident","text":"a","source":{"title":-0.0}}\n'
    )
    assert _careful(data)[1].source.title == "-0.0"
    assert _agrees(data)


def test_fast_jsonl_int_beyond_64_bits_in_attributes_stays_an_int():
    # a parser may read an integer beyond 64 bits as a float (orjson does); json, the careful reader, keeps it exact
    data = b'{"date":"2025-04-02","kind":"incident","text":"a","attributes":{"k":18446744073709551617}}\n'
    assert _careful(data)[0].attributes == (("k", 18446744073709551617),)
    assert _agrees(data)


def test_fast_jsonl_int_beyond_64_bits_as_citation_title():
    data = b'{"date":"2025-04-02","kind":"incident","text":"a","source":{"title":18446744073709551617}}\n'
    assert _careful(data)[0].source.title == "18446744073709551617"
    assert _agrees(data)


def test_fast_jsonl_int_beyond_64_bits_equal_as_float_keeps_its_type():
    # 10**20 == 1e20, so the events even compare equal, but the fast one holds a float
    data = (
        b'{"date":"2025-04-02","kind":"incident","text":"a","external_id":"x",'
        b'"attributes":{"k":100000000000000000000}}\n'
    )
    assert type(_careful(data)[0].attributes[0][1]) is int
    assert _agrees(data)
