"""The default policy's illustrative readings warn on every call (PolicyWarning); the warnings have tests of
their own, so the modules that test the rules import this fixture to keep their output readable."""

from __future__ import annotations

import warnings

import pytest

from cmanalytics.errors import PolicyWarning


@pytest.fixture(autouse=True)
def _quiet_policy_notes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        yield
