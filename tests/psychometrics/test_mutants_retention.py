"""Tests written to kill mutants of cmanalytics/psychometrics/retention.py (make mutants): Velicer's MAP on a
3-item matrix by hand, and its argument bounds with their messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError

# Three items with r12 = .5, r13 = .4, r23 = .3.
R3 = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])


def test_map_table_rows_default_to_p_minus_one_components_and_row_zero_by_hand():
    res = cma.velicer_map(corr=R3, n_obs=120)
    # m = 0 partials out nothing: the partial correlations are R's off-diagonal entries,
    # squared .25, .16, .09 (mean .5 / 3) and to the fourth .0625, .0256, .0081 (mean .0962 / 3).
    assert list(res.table.index) == [0, 1, 2]  # m = 0 .. p - 1 by default
    assert res.table.index.name == "components"
    assert list(res.table.columns) == ["squared", "fourth"]
    assert res.table["squared"].iloc[0] == pytest.approx(0.5 / 3, abs=1e-15)
    assert res.table["fourth"].iloc[0] == pytest.approx(0.0962 / 3, abs=1e-15)
    assert res.n_obs == 120


def test_map_max_factors_bounds_are_one_and_p_minus_one():
    one = cma.velicer_map(corr=R3, n_obs=120, max_factors=1)
    assert list(one.table.index) == [0, 1]
    two = cma.velicer_map(corr=R3, n_obs=120, max_factors=2)
    assert list(two.table.index) == [0, 1, 2]
    for bad in (0, 3):
        with pytest.raises(ArgumentError, match=rf"^max_factors must lie between 1 and 2; got {bad}\.$"):
            cma.velicer_map(corr=R3, n_obs=120, max_factors=bad)


def test_parallel_analysis_observed_columns_by_hand_and_random_traces():
    res = cma.parallel_analysis(corr=R3, n_obs=60, n_iter=300, seed=3)
    t = res.table
    assert list(t.index) == [1, 2, 3] and t.index.name == "position"
    # Components: the eigenvalues of R, descending, which sum to the trace p = 3.
    assert t["observed_pc"].sum() == pytest.approx(3.0, abs=1e-13)
    assert t["observed_pc"].is_monotonic_decreasing
    # Factors: R with the SMCs 1 - .62/c_jj (c = .91, .84, .75, the cofactors) on the diagonal; its
    # eigenvalues sum to the sum of the SMCs, and its determinant is the product of the eigenvalues.
    smc = np.array([1 - 0.62 / 0.91, 1 - 0.62 / 0.84, 1 - 0.62 / 0.75])
    reduced = R3.copy()
    np.fill_diagonal(reduced, smc)
    assert t["observed_fa"].sum() == pytest.approx(smc.sum(), abs=1e-13)
    assert np.prod(t["observed_fa"]) == pytest.approx(np.linalg.det(reduced), abs=1e-13)
    assert t["observed_fa"].is_monotonic_decreasing
    # Every random correlation matrix has trace p: the mean random eigenvalues sum to 3 as well, and each
    # random reduced matrix has its SMCs (between 0 and 1) on the diagonal.
    assert t["mean_pc"].sum() == pytest.approx(3.0, abs=1e-12)
    assert 0 < t["mean_fa"].sum() < 3
    # The 95th percentile lies above the mean for the largest eigenvalue and below it for the smallest.
    assert t["quantile_pc"].iloc[0] > t["mean_pc"].iloc[0]
    assert t["quantile_pc"].iloc[-1] > t["mean_pc"].iloc[-1] - 1e-12
    assert (res.n_iter, res.quantile, res.seed, res.n_obs, res.simulation) == (300, 0.95, 3, 60, "wishart")
    assert list(t.columns) == ["observed_pc", "mean_pc", "quantile_pc", "observed_fa", "mean_fa", "quantile_fa"]
    # Per position: the random eigenvalues fall from the first to the last, their means and quantiles too.
    for col in ("mean_pc", "quantile_pc", "mean_fa", "quantile_fa"):
        assert t[col].is_monotonic_decreasing and t[col].iloc[0] > t[col].iloc[-1] + 0.1, col


def test_parallel_analysis_bounds_and_their_messages():
    cma.parallel_analysis(corr=R3, n_obs=5, n_iter=1, seed=1)  # n = p + 2 and a single data set are enough
    with pytest.raises(
        cma.errors.DataError,
        match=r"^parallel analysis needs more respondents \(4\) than items plus one \(4\): with fewer, random "
        r"correlation matrices are singular\.$",
    ):
        cma.parallel_analysis(corr=R3, n_obs=4, n_iter=1, seed=1)
    for q in (0.0, 1.0):
        with pytest.raises(
            ArgumentError, match=rf"^quantile must be a level between 0 and 1 \(e.g. 0.95\); got {q}\.$"
        ):
            cma.parallel_analysis(corr=R3, n_obs=60, n_iter=5, quantile=q)
    with pytest.raises(ArgumentError, match=r"^n_iter must be a whole number of at least 1; got 0\.$"):
        cma.parallel_analysis(corr=R3, n_obs=60, n_iter=0)
    with pytest.raises(ArgumentError, match=r"^n_iter must be a whole number of at least 1; got True\.$"):
        cma.parallel_analysis(corr=R3, n_obs=60, n_iter=True)
    with pytest.raises(ArgumentError, match=r"^simulation='bootstrap'; choose 'wishart' or 'normal'\.$"):
        cma.parallel_analysis(corr=R3, n_obs=60, n_iter=5, simulation="bootstrap")
    with pytest.raises(
        ArgumentError,
        match=r"^cor='polychoric' needs the raw ordinal responses as data \(or pass "
        r"cma\.prepare\(data, method='polychoric'\) as data with cor='pearson'\)\.$",
    ):
        cma.parallel_analysis(corr=R3, n_obs=60, n_iter=5, cor="polychoric")


def test_parallel_analysis_simulations_agree_in_distribution():
    # Wishart draws and simulated raw data are two routes to the same distribution of random correlation
    # matrices: with 2000 data sets each, the mean eigenvalues agree to Monte Carlo error (about 0.005 here),
    # while a raw-data simulation that forgot to centre the columns would not.
    w = cma.parallel_analysis(corr=R3, n_obs=30, n_iter=2000, seed=11).table
    n = cma.parallel_analysis(corr=R3, n_obs=30, n_iter=2000, seed=12, simulation="normal").table
    np.testing.assert_allclose(w["mean_pc"], n["mean_pc"], atol=0.02)
    np.testing.assert_allclose(w["mean_fa"], n["mean_fa"], atol=0.02)


def test_missing_pairwise_is_honoured_by_map_and_parallel_analysis():
    # With holes, missing="pairwise" analyses pandas' pairwise Pearson matrix; listwise, the complete rows'.
    rng = np.random.default_rng(4)
    x = rng.standard_normal((40, 4)) + rng.standard_normal((40, 1))
    x[[1, 5, 9, 13, 17], [0, 1, 2, 3, 0]] = np.nan
    df = pd.DataFrame(x, columns=list("abcd"))
    pair, complete = df.corr().to_numpy(), df.dropna().corr().to_numpy()
    want = cma.velicer_map(corr=pair, n_obs=40).table
    pd.testing.assert_frame_equal(cma.velicer_map(df, missing="pairwise").table, want, atol=1e-12, rtol=0)
    listwise = cma.velicer_map(df).table
    assert np.abs(listwise.to_numpy() - want.to_numpy()).max() > 1e-3
    pd.testing.assert_frame_equal(listwise, cma.velicer_map(corr=complete, n_obs=35).table, atol=1e-12, rtol=0)
    pa = cma.parallel_analysis(df, missing="pairwise", n_iter=5, seed=1).table
    np.testing.assert_allclose(pa["observed_pc"], np.linalg.eigvalsh(pair)[::-1], atol=1e-12)
