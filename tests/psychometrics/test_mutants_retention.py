"""Tests written to kill mutants of cmanalytics/psychometrics/retention.py (make mutants): Velicer's MAP on a
3-item matrix by hand, and its argument bounds with their messages; parallel analysis' counting rule
(psych's), its default n_iter, the law of the random correlations (Student's t of a null Pearson r), the
raw-data simulation drawn from the seed, and missing="pairwise" on the polychoric route (psych's matrix)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.retention import _leading_count, random_correlations

REF = Path(__file__).resolve().parents[1] / "reference"
LIKERT = pd.read_csv(REF / "likert_missing.csv")  # 160 rows, 93 complete

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


# --- second session: the counting rule, the default number of data sets, the simulated reference's law and
# stream, and the missing-data policy of the polychoric route.


def test_leading_count_is_psychs_strict_rule():
    # psych::fa.parallel counts the leading observed eigenvalues that exceed their reference strictly
    # (which(!(fa.values > fa.simr))[1] - 1): a tie stops the count; all above count them all.
    assert _leading_count(np.array([2.0, 1.0, 0.5]), np.array([1.5, 1.0, 0.7])) == 1  # tie at position 2
    assert _leading_count(np.array([2.0, 1.0, 0.5]), np.array([2.0, 0.5, 0.1])) == 0  # tie at position 1
    assert _leading_count(np.array([2.0, 1.0, 0.5]), np.array([1.5, 0.9, 0.4])) == 3  # every one above
    assert _leading_count(np.array([2.0, 0.5, 0.9]), np.array([1.5, 0.9, 0.4])) == 1  # the first below stops


def test_parallel_analysis_draws_1000_data_sets_by_default():
    # The documented default n_iter = 1000 (psych's fa.parallel draws 20; Glorfeld's 95th percentile wants more).
    assert cma.parallel_analysis(corr=R3, n_obs=60, seed=1).n_iter == 1000


def _t_statistics(r: np.ndarray, n: int) -> np.ndarray:
    rr = r[:, 0, 1]
    return rr * np.sqrt(n - 2) / np.sqrt(1 - rr**2)


@pytest.mark.parametrize("method", ["wishart", "normal"])
def test_random_correlations_have_the_null_law_of_pearson_r(method):
    # For n independent normal pairs, t = r sqrt(n - 2) / sqrt(1 - r^2) has Student's t distribution with n - 2
    # degrees of freedom (Fisher 1915; every textbook's test of a correlation). With n = 5 and 100,000 random
    # matrices in one batch, the Kolmogorov-Smirnov distance to t(3) is 0.002 to 0.005 for both routes, while
    # a Wishart diagonal with the wrong degrees of freedom (n or n - 3 for the second item, t(5) or t(2) scaled)
    # is 0.06 to 0.07 away, one chi-square draw shared by the whole batch (t then normal) at least 0.045, and
    # raw data not centred on each variable's mean 0.04.
    n = 5
    r = random_correlations(n, 2, 100_000, np.random.default_rng(7), method)
    assert r.shape == (100_000, 2, 2)
    np.testing.assert_allclose(np.diagonal(r, axis1=1, axis2=2), 1.0, atol=1e-14)
    ks = stats.kstest(_t_statistics(r, n), stats.t(n - 2).cdf).statistic
    assert ks < 0.015


def test_normal_simulation_correlates_raw_normal_data_from_the_seed():
    # simulation="normal" is psych's route: n_iter data sets of n independent standard normal answers to p
    # items, drawn one after another from numpy's generator for the seed, each correlated (Pearson). 300 data
    # sets are more than one batch. The mean and 95th percentile of their eigenvalues, and of those of R with
    # SMCs 1 - 1/(R^-1)_jj on the diagonal, are computed here from the draws.
    n, p, n_iter = 8, 3, 300
    res = cma.parallel_analysis(corr=R3, n_obs=n, n_iter=n_iter, seed=5, simulation="normal")
    x = np.random.default_rng(5).standard_normal((n_iter, n, p))
    pc, fa = [], []
    for xi in x:
        r = np.corrcoef(xi, rowvar=False)
        pc.append(np.sort(np.linalg.eigvalsh(r))[::-1])
        reduced = r.copy()
        np.fill_diagonal(reduced, 1 - 1 / np.diag(np.linalg.inv(r)))
        fa.append(np.sort(np.linalg.eigvalsh(reduced))[::-1])
    t = res.table
    np.testing.assert_allclose(t["mean_pc"], np.mean(pc, axis=0), atol=1e-12)
    np.testing.assert_allclose(t["quantile_pc"], np.quantile(pc, 0.95, axis=0), atol=1e-12)
    np.testing.assert_allclose(t["mean_fa"], np.mean(fa, axis=0), atol=1e-12)
    np.testing.assert_allclose(t["quantile_fa"], np.quantile(fa, 0.95, axis=0), atol=1e-12)
    assert res.simulation == "normal"


def test_polychoric_parallel_analysis_honours_missing_pairwise():
    # psych::polychoric on likert_missing is pairwise (tests/reference/psych_polychoric_defaults.json,
    # likert_pairwise: n = 160, against 93 complete rows): cor="polychoric" with missing="pairwise" analyses
    # that matrix, whose eigenvalues are the observed components (the estimates agree with psych to 2e-5).
    ref = json.loads((REF / "psych_polychoric_defaults.json").read_text())["likert_pairwise"]
    want = np.linalg.eigvalsh(np.array(ref["rho"], dtype=float))[::-1]
    pa = cma.parallel_analysis(LIKERT, cor="polychoric", missing="pairwise", n_iter=5, seed=1)
    assert pa.n_obs == ref["n"] == 160
    np.testing.assert_allclose(pa.table["observed_pc"], want, atol=1e-4)
