"""Small cases computed by hand, the arithmetic written out in each test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma

# Three items with r12 = .5, r13 = .4, r23 = .3.
R3 = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])


def test_bartlett_by_hand():
    # det R = 1 + 2(.5)(.4)(.3) - .5^2 - .4^2 - .3^2 = 1 + .12 - .25 - .16 - .09 = 0.62
    det = 0.62
    n, p = 100, 3
    chi2 = -(n - 1 - (2 * p + 5) / 6) * math.log(det)  # (99 - 11/6) * 0.4780358 = 46.44915...
    res = cma.bartlett(corr=R3, n_obs=n)
    assert res.determinant == pytest.approx(det, abs=1e-12)
    assert res.chi2 == pytest.approx(chi2, abs=1e-10)
    assert res.chi2 == pytest.approx(46.44915, abs=1e-4)
    assert res.df == 3


def test_kmo_by_hand():
    # R^-1 = adj(R) / det R, with det R = 0.62:
    #   cofactors: c11 = 1 - .09 = .91, c22 = 1 - .16 = .84, c33 = 1 - .25 = .75,
    #              c12 = -(.5 - .12) = -.38, c13 = .15 - .4 = -.25, c23 = -(.3 - .2) = -.10
    # partial correlations q_ij = -c_ij / sqrt(c_ii c_jj):
    q12 = 0.38 / math.sqrt(0.91 * 0.84)
    q13 = 0.25 / math.sqrt(0.91 * 0.75)
    q23 = 0.10 / math.sqrt(0.84 * 0.75)
    r2 = 0.5**2 + 0.4**2 + 0.3**2
    q2 = q12**2 + q13**2 + q23**2
    res = cma.kmo(corr=R3, n_obs=50)
    assert res.overall == pytest.approx(r2 / (r2 + q2), abs=1e-12)
    msa1 = (0.25 + 0.16) / (0.25 + 0.16 + q12**2 + q13**2)
    assert res.per_item.iloc[0] == pytest.approx(msa1, abs=1e-12)
    # SPSS's anti-image correlation: MSA on the diagonal, -partial correlation off it
    assert res.anti_image.iloc[0, 1] == pytest.approx(-q12, abs=1e-12)


def test_smc_by_hand():
    # SMC_1 = 1 - 1/(R^-1)_11 = 1 - det/c11 = 1 - .62/.91
    s = cma.smc(corr=R3, n_obs=10)
    assert s.iloc[0] == pytest.approx(1 - 0.62 / 0.91, abs=1e-12)


def test_alpha_by_hand():
    # Four respondents, three items.
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5], "c": [1, 3, 3, 4]})
    # item variances (n - 1): a: 5/3, b: 6/3, c: 4.75/3; totals 4, 7, 9, 13 (mean 8.25, SS 42.75) -> 14.25
    var_items = 5 / 3 + 2.0 + 19 / 12
    var_total = 42.75 / 3
    alpha = 3 / 2 * (1 - var_items / var_total)
    res = cma.cronbach_alpha(df)
    assert res.alpha == pytest.approx(alpha, abs=1e-12)
    assert res.alpha == pytest.approx(1.5 * (1 - 5.25 / 14.25), abs=1e-12)  # 0.947368...
    # alpha without c: 2 * (1 - (5/3 + 2) / var(a + b)), a + b = 3, 4, 6, 9 -> variance 7.0
    assert res.item_stats.loc["c", "alpha_if_deleted"] == pytest.approx(2 * (1 - (5 / 3 + 2) / 7.0), abs=1e-12)
    # corrected item-total of a: corr(a, b + c) with b + c = 3, 5, 6, 9
    assert res.item_stats.loc["a", "r_drop"] == pytest.approx(np.corrcoef([1, 2, 3, 4], [3, 5, 6, 9])[0, 1], abs=1e-12)
    assert res.item_stats.loc["a", "scale_mean_if_deleted"] == pytest.approx((2 + 2 + 3 + 5 + 1 + 3 + 3 + 4) / 4)


def test_reverse_keying_by_hand():
    # On a 1-5 scale, reversing b turns (2, 2, 3, 5) into (4, 4, 3, 1).
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5], "c": [1, 3, 3, 4]})
    flipped = df.assign(b=6 - df["b"])
    res = cma.cronbach_alpha(df, reverse=["b"], scale=(1, 5))
    assert res.alpha == pytest.approx(cma.cronbach_alpha(flipped).alpha, abs=1e-12)
    assert res.item_stats.loc["b", "mean"] == pytest.approx(3.0)
    assert df["b"].tolist() == [2, 2, 3, 5]  # the caller's data are untouched


def test_feldt_interval_by_hand():
    # Feldt: lower = 1 - (1 - alpha) F_{.975}(n - 1, (n - 1)(p - 1)); here from scipy's F quantiles.
    from scipy import stats

    rng = np.random.default_rng(3)
    f = rng.standard_normal((40, 1))
    df = pd.DataFrame(f + rng.standard_normal((40, 4)), columns=list("abcd"))
    res = cma.cronbach_alpha(df, ci=0.90)
    a = res.alpha
    assert res.ci[0] == pytest.approx(1 - (1 - a) * stats.f.ppf(0.95, 39, 117), abs=1e-12)
    assert res.ci[1] == pytest.approx(1 - (1 - a) * stats.f.ppf(0.05, 39, 117), abs=1e-12)


def test_pca_one_component_of_equicorrelated_items():
    # With all correlations rho, the first eigenvalue is 1 + (p - 1) rho and every loading sqrt of it / sqrt(p).
    p, rho = 5, 0.4
    r = np.full((p, p), rho) + (1 - rho) * np.eye(p)
    res = cma.efa(corr=r, n_obs=100, n_factors=1, method="pca", rotation=None)
    lam1 = 1 + (p - 1) * rho
    assert res.eigenvalues.iloc[0] == pytest.approx(lam1, abs=1e-12)
    np.testing.assert_allclose(res.loadings.iloc[:, 0], math.sqrt(lam1 / p), atol=1e-12)
    # one common factor fits exactly: loadings sqrt(rho)
    fa = cma.efa(corr=r, n_obs=100, n_factors=1, method="paf", rotation=None)
    np.testing.assert_allclose(fa.loadings.iloc[:, 0], math.sqrt(rho), atol=1e-6)
    ml = cma.efa(corr=r, n_obs=100, n_factors=1, method="ml", rotation=None)
    np.testing.assert_allclose(ml.loadings.iloc[:, 0], math.sqrt(rho), atol=1e-5)
    assert ml.fit["chi2"] == pytest.approx(0.0, abs=1e-6)


def test_kaiser_criterion_and_variance_table():
    # Two blocks of three items, r = .6 within and 0 between: eigenvalues 2.2, 2.2, .4 x 4 -> 2 retained.
    block = np.full((3, 3), 0.6) + 0.4 * np.eye(3)
    r = np.block([[block, np.zeros((3, 3))], [np.zeros((3, 3)), block]])
    res = cma.efa(corr=r, n_obs=200, method="pca")
    assert res.n_factors == 2
    assert "Kaiser" in res.n_factors_rule
    ve = res.variance_explained
    assert ve[("Initial Eigenvalues", "Total")].iloc[0] == pytest.approx(2.2, abs=1e-12)
    assert ve[("Initial Eigenvalues", "% of Variance")].iloc[0] == pytest.approx(100 * 2.2 / 6, abs=1e-10)
    assert ve[("Extraction Sums of Squared Loadings", "Cumulative %")].iloc[1] == pytest.approx(
        100 * 4.4 / 6, abs=1e-10
    )
    assert ve[("Rotation Sums of Squared Loadings", "Total")].iloc[:2].sum() == pytest.approx(4.4, abs=1e-10)
    assert np.isnan(ve[("Extraction Sums of Squared Loadings", "Total")].iloc[2])
