"""Invariants of a confirmatory factor analysis that hold for any data: the identification (marker or unit
variance) changes neither the fit nor the standardized solution; rescaling an item rescales only its own
raw parameters; the caller's data are never modified."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cmanalytics.psychometrics.sem import sem_fit

MODEL = "f =~ a + b + c + d\ng =~ e + f2 + h"


def sample(seed: int, n: int = 250) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.4, 0.9, 7)
    r = rng.uniform(0.1, 0.6)
    f = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], n)
    x = f[:, [0, 0, 0, 0, 1, 1, 1]] * lam + rng.standard_normal((n, 7)) * np.sqrt(1 - lam**2)
    return pd.DataFrame(x * rng.uniform(0.5, 3, 7) + rng.uniform(-2, 5, 7), columns=list("abcde") + ["f2", "h"])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_identification_changes_neither_fit_nor_standardized_solution(seed):
    data = sample(seed)
    marker, unit = sem_fit(data, MODEL), sem_fit(data, MODEL, std_lv=True)
    assert abs(marker.chi2 - unit.chi2) < 1e-7 * max(1.0, marker.chi2)
    np.testing.assert_allclose(marker.estimates["std.all"], unit.estimates["std.all"], atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.1, 20))
def test_rescaling_an_item(seed, c):
    data = sample(seed)
    before = data.copy()
    scaled = data.assign(c=data["c"] * c)
    a, b = sem_fit(data, MODEL), sem_fit(scaled, MODEL)
    pd.testing.assert_frame_equal(data, before)
    assert abs(a.chi2 - b.chi2) < 1e-7 * max(1.0, a.chi2)
    np.testing.assert_allclose(a.estimates["std.all"], b.estimates["std.all"], atol=1e-7)
    ea, eb = (x.estimates.set_index(["lhs", "op", "rhs"])["est"] for x in (a, b))
    assert abs(eb["f", "=~", "c"] - c * ea["f", "=~", "c"]) < 1e-6 * abs(c * ea["f", "=~", "c"])
    assert abs(eb["c", "~~", "c"] - c**2 * ea["c", "~~", "c"]) < 1e-6 * c**2 * abs(ea["c", "~~", "c"])
