"""The pre-parsed snapshot of the bundled YAML: fresh, equal to a real parse, never trusted when stale."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import truce
from truce import _bundled
from truce.loading import _bundled_data


def test_the_snapshot_is_fresh():
    shipped = json.loads(_bundled.read_bytes(_bundled.SNAPSHOT) or b"{}")
    # compared as text: key order is definition order (parties, phases), and it must survive
    assert json.dumps(shipped) == json.dumps(_bundled.snapshot()), (
        "src/truce/agreements/parsed.json is stale: run `make bundle` after editing bundled YAML"
    )


def test_every_bundled_file_is_in_the_snapshot():
    for name in truce.agreements():
        raw = _bundled.read_bytes(f"{name}.yaml")
        assert raw is not None
        assert _bundled.parsed(f"{name}.yaml", raw) is not NotImplemented


def test_an_edited_file_is_parsed_not_taken_from_the_snapshot(monkeypatch):
    raw = _bundled.read_bytes("iran-israel-2025.yaml")
    assert raw is not None
    edited = raw.replace(b"title: ", b"title: EDITED ", 1)
    assert _bundled.parsed("iran-israel-2025.yaml", edited) is NotImplemented
    monkeypatch.setattr(_bundled, "read_bytes", lambda filename: edited if filename.endswith("2025.yaml") else None)
    assert _bundled_data("iran-israel-2025.yaml")["title"].startswith("EDITED ")


def test_a_damaged_snapshot_is_ignored(monkeypatch):
    real = _bundled.read_bytes
    monkeypatch.setattr(_bundled, "_snapshot", None)
    monkeypatch.setattr(_bundled, "read_bytes", lambda f: b"{not json" if f == _bundled.SNAPSHOT else real(f))
    assert truce.load("iran-israel-2025").agreement.id == "iran-israel-2025"
    monkeypatch.setattr(_bundled, "_snapshot", None)


@pytest.mark.parametrize("name", truce.agreements())
def test_snapshot_and_yaml_give_the_same_ceasefire(name, monkeypatch):
    from_snapshot = truce.load(name)
    monkeypatch.setattr(_bundled, "parsed", lambda filename, raw: NotImplemented)
    from_yaml = truce.load(name)
    assert from_snapshot.agreement == from_yaml.agreement
    assert from_snapshot.events == from_yaml.events


def test_loading_bundled_data_does_not_need_yaml():
    code = (
        "import sys, truce; truce.load('gaza-2025').blockers('phase_two'); print(sorted({'yaml'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
