"""Mutation tests for validity: the model checks' refusals word for word, omega's tables under psych's names
(tests/reference/psych_parity.json, made by psych::omega), omega by factor by hand from its formulas
(psych's omega.group, with a group factor no item belongs to), omega's refusals, and the bootstrap intervals
recomputed by hand (percentiles of standardized alpha over the same resamples)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError
from tests.conftest import shared_scope

REF_DIR = Path(__file__).resolve().parents[1] / "reference"


def _raises(exc, text):
    return pytest.raises(exc, match="^" + re.escape(text) + "$")


@pytest.fixture(scope=shared_scope)
def parity():
    return json.loads((REF_DIR / "psych_parity.json").read_text())


def _corr(d):
    c = d["corr"]
    return pd.DataFrame(np.array(c["values"], float), index=c["rows"], columns=c["cols"])


# ---------------------------------------------------------------- the model's checks (htmt, cfa)
FRAME = pd.DataFrame(np.random.default_rng(1).standard_normal((50, 5)), columns=["a", "b", "c", "d", "e"])


def test_model_refusals_word_for_word():
    """Each refusal of a dict model, its whole text (the factor and item names joined by ', ')."""
    with _raises(
        ArgumentError, "model must be a dict: factor name -> list of its items, e.g. {'visual': ['x1', 'x2', 'x3']}."
    ):
        cma.htmt(FRAME, {})
    with _raises(DataError, "the model names column(s) not in the data: x9, y9."):
        cma.htmt(FRAME, {"f": ["a", "x9"], "g": ["y9", "b"]})
    with _raises(ArgumentError, "item(s) a, b are in more than one factor; give each item one factor."):
        cma.htmt(FRAME, {"f": ["a", "b"], "g": ["b", "a", "c"]})
    with _raises(ArgumentError, "factor(s) f, h have fewer than 2 items."):
        cma.htmt(FRAME, {"f": ["a"], "g": ["b", "c"], "h": ["d"]})
    with _raises(ArgumentError, "factor(s) g have fewer than 2 items."):
        cma.cfa(FRAME, {"f": ["a", "b", "c"], "g": ["d"]})


# ---------------------------------------------------------------- omega
def test_omega_tables_named_as_psych(parity):
    """psych::omega names its Schmid-Leiman columns g, F1*, F2*, h2, u2, p2, its rows by item with '-' after a
    reversed item, and omega.group's rows g, F1*, F2* and columns total, general, group (psych_parity.json)."""
    for k in (2, 3):
        d = parity["bfi"]
        o = d[f"omega_{k}"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = cma.omega(corr=_corr(d), n_obs=d["n"], n_factors=k)
        assert list(res.schmid.columns) == o["sl"]["cols"]
        assert list(res.schmid.index) == o["sl"]["rows"]
        assert list(res.groups.index) == o["group"]["rows"]
        assert list(res.groups.columns) == o["group"]["cols"]
        # u2 = 1 - h2 and p2 = g^2 / h2 (psych's definitions)
        np.testing.assert_allclose(res.schmid["u2"], 1 - res.schmid["h2"], atol=1e-15)
        np.testing.assert_allclose(res.schmid["p2"], res.schmid["g"] ** 2 / res.schmid["h2"], rtol=1e-14)
        assert res.to_frame() is res.schmid


def _two_factor_r():
    lam = np.array([[0.8, 0], [0.7, 0], [0.6, 0], [0, 0.8], [0, 0.7], [0, 0.6]])
    r = lam @ np.array([[1, 0.4], [0.4, 1]]) @ lam.T
    np.fill_diagonal(r, 1)
    return r


def test_omega_by_factor_by_hand_with_an_empty_group_factor():
    """Three group factors for two-factor data: no item's largest group loading is on one of them, so its row of
    omega by factor is NaN; the other rows by hand from psych's omega.group formulas with the Schmid-Leiman
    loadings: total (sum G_j^2 + sum g^2)/V_j, general (sum g)^2/V_j, group (sum G_j)^2/V_j over the items of
    factor j (V_j: their correlations summed); row g: omega_total, omega_h and sum_j (sum G_j)^2 / V."""
    r = _two_factor_r()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.omega(corr=r, n_obs=200, n_factors=3)
    sl = res.schmid.to_numpy()
    g, grp, h2 = sl[:, 0], sl[:, 1:4], sl[:, 4]
    assert res.flipped == ()
    v = r.sum()
    dom = np.abs(grp).argmax(axis=1)
    assert set(dom) == {0, 1}  # F3* has no items
    want = [[(v - (1 - h2).sum()) / v, g.sum() ** 2 / v, 0.0]]
    for j in range(3):
        idx = np.where(dom == j)[0]
        if not idx.size:
            want.append([np.nan] * 3)
            continue
        vj = r[np.ix_(idx, idx)].sum()
        want.append(
            [(grp[idx, j].sum() ** 2 + g[idx].sum() ** 2) / vj, g[idx].sum() ** 2 / vj, grp[idx, j].sum() ** 2 / vj]
        )
        want[0][2] += grp[idx, j].sum() ** 2 / v
    np.testing.assert_allclose(res.groups.to_numpy(), np.array(want), rtol=1e-12)
    assert res.groups.loc["F3*"].isna().all()
    assert res.omega_total == pytest.approx(want[0][0], rel=1e-12)
    assert res.omega_h == pytest.approx(want[0][1], rel=1e-12)
    assert res.omega_limit == pytest.approx(want[0][1] / want[0][0], rel=1e-12)
    # standardized alpha and ECV by hand: p/(p-1) (V - p)/V; sum g^2 / (sum g^2 + sum G^2)
    assert res.alpha == pytest.approx(6 / 5 * (v - 6) / v, rel=1e-13)
    assert res.ecv == pytest.approx((g**2).sum() / ((g**2).sum() + (grp**2).sum()), rel=1e-12)
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    assert res.g6 == pytest.approx((v + smc.sum() - 6) / v, rel=1e-13)
    assert res.n_obs == 200 and res.ci is None and res.warnings == ()


def test_omega_refusals_word_for_word():
    """Each refusal of omega's arguments, its whole text."""
    r = _two_factor_r()
    cases = [
        (dict(n_factors=1), "n_factors must be a whole number of at least 2; got 1."),
        (dict(n_factors=2.0), "n_factors must be a whole number of at least 2; got 2.0."),
        (
            dict(n_factors=2, option="both"),
            "option must be 'equal', 'first' or 'second' (psych's, for two factors); got 'both'.",
        ),
        (dict(n_factors=2, n_boot=-1), "n_boot must be a whole number of at least 0; got -1."),
        (dict(n_factors=2, ci=1.5), "ci must be a level between 0 and 1 (e.g. 0.95); got 1.5."),
        (
            dict(n_factors=3, option="first"),
            "option='first' applies to two group factors (psych's option); with n_factors=3 the general "
            "loadings come from a factor of the group factors' correlations. Leave option out.",
        ),
        (dict(n_factors=2, seed=1), "seed is for the bootstrap intervals; give n_boot > 0, or leave seed out."),
        (dict(n_factors=2, ci=0.9), "ci is the level of the bootstrap intervals; give n_boot > 0, or leave ci out."),
        (
            dict(n_factors=2, n_boot=5),
            "bootstrap intervals for omega need the raw responses (data=), not a correlation matrix.",
        ),
    ]
    for kw, text in cases:
        with _raises(ArgumentError, text):
            cma.omega(corr=r, n_obs=200, **kw)
    # option 'first' and 'second' are taken with two factors; ci and seed with n_boot
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = cma.omega(corr=r, n_obs=200, n_factors=2, option="first")
    phi12 = 0.4
    np.testing.assert_allclose(first.g_loadings, [1.0, phi12], atol=1e-4)  # psych: first fixed at 1, second r
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second = cma.omega(corr=r, n_obs=200, n_factors=2, option="second")
        default = cma.omega(corr=r, n_obs=200)
    np.testing.assert_allclose(second.g_loadings, [phi12, 1.0], atol=1e-4)  # psych: second fixed at 1
    # psych::omega's default is nfactors = 3
    assert list(default.groups.index) == ["g", "F1*", "F2*", "F3*"]


def test_omega_bootstrap_intervals_by_hand():
    """Percentile intervals of standardized alpha and of Guttman's lambda 6 by hand over the same resamples
    of the complete rows (listwise: the 10 rows with a missing answer are left out before resampling; rows
    drawn with numpy's default_rng(seed).integers(0, n, n), in turn): alpha = p/(p-1) (V - p)/V and
    lambda 6 = (V + sum SMC - p)/V of the resample's correlations (no item is reversed here); every
    resample counted; the frame's rows and columns by name."""
    rng = np.random.default_rng(11)
    f = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 150)
    lam = [0.8, 0.7, 0.6]
    x = np.column_stack(
        [f[:, j // 3] * lam[j % 3] + rng.standard_normal(150) * np.sqrt(1 - lam[j % 3] ** 2) for j in range(6)]
    )
    data = pd.DataFrame(x, columns=[f"v{j}" for j in range(6)])
    data.iloc[:10, 2] = np.nan
    n_boot, ci = 20, 0.8
    res = cma.omega(data, n_factors=2, n_boot=n_boot, ci=ci, seed=7)
    assert res.flipped == () and res.n_obs == 140
    complete = x[10:]
    draw = np.random.default_rng(7)
    alphas, g6s = [], []
    for _ in range(n_boot):
        rb = np.corrcoef(complete[draw.integers(0, 140, 140)], rowvar=False)
        v = rb.sum()
        alphas.append(6 / 5 * (v - 6) / v)
        g6s.append((v + (1 - 1 / np.diag(np.linalg.inv(rb))).sum() - 6) / v)
    t = res.ci
    assert list(t.columns) == ["lower", "upper", "n_boot"]
    assert list(t.index) == ["omega_h", "omega_total", "omega_limit", "alpha", "g6"]
    assert t.loc["alpha", "lower"] == pytest.approx(np.quantile(alphas, 0.1), rel=1e-12)
    assert t.loc["alpha", "upper"] == pytest.approx(np.quantile(alphas, 0.9), rel=1e-12)
    assert t.loc["g6", "lower"] == pytest.approx(np.quantile(g6s, 0.1), rel=1e-12)
    assert t.loc["g6", "upper"] == pytest.approx(np.quantile(g6s, 0.9), rel=1e-12)
    assert (t["n_boot"] == n_boot).all()
    assert (t["lower"] < t["upper"]).all()
    # each coefficient's interval around its own estimate
    for name in ("omega_h", "omega_total", "omega_limit", "alpha", "g6"):
        assert t.loc[name, "lower"] < getattr(res, name) < t.loc[name, "upper"]
