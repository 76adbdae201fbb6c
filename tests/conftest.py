"""Shared fixtures and hypothesis profiles: a fast default, a thorough ``ci`` profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import truce

# Tests build on the active profile (``settings(settings.default, ...)``), never replace it, so
# ``ci`` and ``thorough`` reach every property test. ``ci`` is randomized: each CI run tries
# new inputs within a fixed budget, and a failure prints the blob that reproduces it.
settings.register_profile("default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "thorough", max_examples=600, deadline=None, suppress_health_check=list(HealthCheck)
)  # HYPOTHESIS_PROFILE=thorough: a long hunt for rare failures, not for every run
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.fixture
def riverside_path() -> Path:
    return DOCS / "riverside.yaml"


@pytest.fixture
def riverside_agreement(riverside_path: Path) -> truce.Agreement:
    return truce.load_agreement(riverside_path)


@pytest.fixture
def riverside(riverside_path: Path) -> truce.Ceasefire:
    return truce.load(riverside_path)


@pytest.fixture
def fresh(riverside_agreement: truce.Agreement) -> truce.Ceasefire:
    """Riverside with no events: in force, phase one, nothing reported."""
    return truce.Ceasefire(riverside_agreement)
