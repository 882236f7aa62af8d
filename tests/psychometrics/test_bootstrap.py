"""Bootstrap intervals: the batched path equals the engine run resample by resample; reproducible."""

from __future__ import annotations

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.psychometrics.resampling import align
from tests.conftest import likert


def test_batched_resamples_equal_the_engine_one_by_one():
    df = likert(112, 9, seed=3, k=3)
    res = cma.bootstrap(df, 3, n_boot=40, seed=11)
    # replay the same resamples through the ordinary functions
    rng = np.random.default_rng(11)
    counts = rng.multinomial(112, np.full(112, 1 / 112), size=40)
    x = df.to_numpy(dtype=float)
    full = cma.efa(df, n_factors=3).loadings.to_numpy()
    loads = []
    for b in range(40):
        sample = x[np.repeat(np.arange(112), counts[b])]
        assert res.draws["alpha"][b] == pytest.approx(cma.cronbach_alpha(sample).alpha, abs=1e-10)
        assert res.draws["kmo"][b] == pytest.approx(cma.kmo(sample).overall, abs=1e-10)
        loads.append(cma.efa(sample, n_factors=3).loadings.to_numpy())
    np.testing.assert_allclose(res.draws["loadings"], align(np.array(loads), full), atol=1e-9)


def test_intervals_cover_the_estimate_and_are_reproducible():
    df = likert(150, 8, seed=4, k=2)
    a = cma.bootstrap(df, 2, n_boot=300, seed=1)
    b = cma.bootstrap(df, 2, n_boot=300, seed=1)
    np.testing.assert_array_equal(a.draws["loadings"], b.draws["loadings"])
    assert a.alpha["lower"] < a.alpha["estimate"] < a.alpha["upper"]
    est = a.loadings.to_numpy()
    big = np.abs(est) > 0.4
    assert ((a.lower[big] <= est[big]) & (est[big] <= a.upper[big])).all()
    lo, hi = np.quantile(a.draws["alpha"], [0.025, 0.975])
    assert (a.alpha["lower"], a.alpha["upper"]) == (lo, hi)


def test_other_methods_and_missing_data_run_resample_by_resample():
    df = likert(120, 8, seed=6, k=2, missing=0.03)
    res = cma.bootstrap(df, 2, n_boot=20, method="paf", rotation="oblimin", seed=2, missing="pairwise")
    assert res.draws["loadings"].shape == (20, 8, 2)
    assert np.isfinite(res.lower).all()


def test_bad_arguments():
    df = likert(50, 6, seed=1)
    with pytest.raises(cma.errors.ArgumentError, match="n_boot"):
        cma.bootstrap(df, 2, n_boot=0)
    with pytest.raises(cma.errors.ArgumentError, match="rotation"):
        cma.bootstrap(df, 2, rotation="spin")


def test_resample_diagnostics_are_counted_once():
    """Each resample's Heywood cases and disagreeing ML starts are counted and said once, not per resample."""
    import warnings

    from cmanalytics.errors import CmanalyticsWarning, HeywoodWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.bootstrap(holzinger_swineford(), n_factors=3, n_boot=50, seed=1, method="ml")
    ours = [w for w in caught if issubclass(w.category, CmanalyticsWarning)]
    assert len(ours) == len(res.warnings) == len({w.category for w in ours})
    heywood = [str(w.message) for w in ours if w.category is HeywoodWarning]
    assert heywood and heywood[0].startswith("in ") and "of 50 resamples: a communality reached 1" in heywood[0]
