"""Shared fixtures: the R reference results in ../shared/reference, read as they are."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI must not meet an example nobody has seen).
settings.register_profile("cmanalytics", derandomize=True, database=None)
settings.load_profile("cmanalytics")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CMA_SHARED", REPO.parent / "shared"))
REFERENCE = SHARED / "reference"
DATASETS = ("holzinger_swineford_1939", "attitude")


def shared_scope(fixture_name: str, config) -> str:
    """The scope of a fixture that holds a fit shared by a module's tests: "module", or "function" while mutmut
    collects its statistics.

    mutmut maps each mutated function to the tests that called it while it collected its statistics (it sets
    MUTANT_UNDER_TEST=stats then); a fit made once per module is made during the first test's setup, so the
    module's other tests would never be run against the mutants of the functions that made it (and a mutant
    only they kill would count as surviving). While the statistics are collected every test therefore makes
    its own fit. With a mutant switched on the fixture is module-scoped again: it is made in that process,
    under that mutant, and mutmut's time limits (from the tests' durations) keep their meaning.
    """
    return "function" if collecting_mutmut_stats() else "module"


def collecting_mutmut_stats() -> bool:
    """True while mutmut collects its statistics (a module-level cache of fits must then not be reused: see
    shared_scope)."""
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


def reference(name: str) -> tuple[pd.DataFrame, dict]:
    csv, js = REFERENCE / f"{name}.csv", REFERENCE / f"{name}.json"
    if not js.exists():
        # a test that needs a reference fails without it: a green run that compared nothing proves nothing
        pytest.fail(f"R reference results not found at {REFERENCE} (set CMA_SHARED to the shared folder)")
    return pd.read_csv(csv), json.loads(js.read_text())


@pytest.fixture(params=DATASETS)
def ref_case(request):
    return reference(request.param)


def matrix(block: dict) -> np.ndarray:
    return np.asarray(block["values"], dtype=float)


def match_columns(ours: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, tuple[int, ...], np.ndarray]:
    """Our columns permuted and signed to best match theirs (factor order and sign are arbitrary).

    Returns (matched loadings, permutation, signs)."""
    best = None
    for perm in itertools.permutations(range(theirs.shape[1])):
        cand = ours[:, perm]
        signs = np.where((cand * theirs).sum(axis=0) < 0, -1.0, 1.0)
        err = np.abs(cand * signs - theirs).max()
        if best is None or err < best[0]:
            best = (err, perm, signs)
    _, perm, signs = best
    return ours[:, perm] * signs, perm, signs


def likert(n: int, p: int, seed: int, k: int = 2, missing: float = 0.0) -> pd.DataFrame:
    """Five-point answers from a k-factor model (item j loads on factor j mod k), with holes at random."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, k))
    load = np.zeros((p, k))
    load[np.arange(p), np.arange(p) % k] = rng.uniform(0.5, 0.8, p)
    z = f @ load.T + rng.standard_normal((n, p)) * np.sqrt(1 - (load**2).sum(axis=1))
    x = np.clip(np.round(z * 1.1 + 3), 1, 5)
    if missing:
        x[rng.random((n, p)) < missing] = np.nan
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(p)])
