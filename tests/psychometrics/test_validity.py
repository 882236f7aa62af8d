"""Validity evidence against lavaan, semTools and psych (../shared/reference), and by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.validity import average_variance_extracted, composite_reliability
from tests.conftest import REFERENCE, shared_scope

MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope=shared_scope)
def hs():
    path = REFERENCE / "holzinger_swineford_1939_validity.json"
    if not path.exists():
        pytest.fail(f"validity reference {path} not found (set CMA_SHARED to the shared folder)")
    return pd.read_csv(REFERENCE / "holzinger_swineford_1939.csv"), json.loads(path.read_text())


@pytest.fixture(scope=shared_scope)
def fitted(hs):
    return cma.cfa(hs[0], MODEL)


def test_cfa_fit_matches_lavaan(hs, fitted):
    ref = hs[1]["cfa"]["fit"]
    f = fitted.fit_indices
    # the engine reaches lavaan's optimum: chi-square within 3e-9, the indices within 1e-11, SRMR 4e-8
    assert f["chi2"] == pytest.approx(ref["chisq"], rel=1e-9)
    assert f["df"] == ref["df"]
    for ours, theirs in (("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea")):
        assert f[ours] == pytest.approx(ref[theirs], abs=1e-10)
    assert f["srmr"] == pytest.approx(ref["srmr"], abs=5e-7)
    assert f["p_value"] == pytest.approx(ref["pvalue"], rel=1e-7)


def test_standardized_loadings_cr_ave(hs, fitted):
    ref = hs[1]["cfa"]
    std = fitted.std_loadings
    assert std["item"].tolist() == ref["std_loadings"]["item"]
    assert std["factor"].tolist() == ref["std_loadings"]["factor"]
    np.testing.assert_allclose(std["loading"], ref["std_loadings"]["value"], atol=1e-5)
    for f, want in ref["cr_ave"].items():
        assert fitted.cr[f] == pytest.approx(want["cr"], abs=1e-5)
        assert fitted.ave[f] == pytest.approx(want["ave"], abs=1e-5)
    fl = fitted.fornell_larcker()
    assert fl.loc["visual", "visual"] == pytest.approx(np.sqrt(fitted.ave["visual"]))
    assert np.isnan(fl.loc["visual", "speed"])  # lower triangle only


def test_htmt_matches_semtools(hs):
    ours = cma.htmt(hs[0], MODEL)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(hs[1]["cfa"]["htmt"]["values"]), atol=1e-6)


def test_omega_matches_psych(hs):
    res = cma.omega(hs[0], n_factors=3)
    assert res.omega_h == pytest.approx(hs[1]["omega"]["omega_h"], abs=1e-4)
    assert res.omega_total == pytest.approx(hs[1]["omega"]["omega_total"], abs=1e-4)
    assert res.alpha == pytest.approx(hs[1]["omega"]["alpha"], abs=1e-8)


def test_cr_ave_and_htmt_by_hand():
    # loadings .7, .8, .9: sum 2.4, sum of 1 - l^2 = .51 + .36 + .19 = 1.06
    assert composite_reliability([0.7, 0.8, 0.9]) == pytest.approx(2.4**2 / (2.4**2 + 1.06))
    assert average_variance_extracted([0.7, 0.8, 0.9]) == pytest.approx((0.49 + 0.64 + 0.81) / 3)
    # HTMT2 of two 2-item factors: within .6 and .5, between .3 .2 .4 .1 -> GM .2213 / sqrt(.6 * .5)
    r = np.array([[1, 0.6, 0.3, 0.2], [0.6, 1, 0.4, 0.1], [0.3, 0.4, 1, 0.5], [0.2, 0.1, 0.5, 1.0]])
    data = pd.DataFrame(np.random.default_rng(0).multivariate_normal(np.zeros(4), r, 20000), columns=list("abcd"))
    emp = data.corr().abs().to_numpy()
    gm = np.exp(np.mean(np.log([emp[0, 2], emp[0, 3], emp[1, 2], emp[1, 3]])))
    want = gm / np.sqrt(emp[0, 1] * emp[2, 3])
    assert cma.htmt(data, {"f": ["a", "b"], "g": ["c", "d"]}).loc["f", "g"] == pytest.approx(want, abs=1e-12)


def test_cfa_recovers_known_loadings_on_unseen_data():
    rng = np.random.default_rng(5)
    lam = np.array([0.8, 0.7, 0.6, 0.75, 0.65, 0.55])
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], 4000)
    x = np.column_stack(
        [f[:, j // 3] * lam[j] + rng.standard_normal(4000) * np.sqrt(1 - lam[j] ** 2) for j in range(6)]
    )
    df = pd.DataFrame(x, columns=[f"v{j}" for j in range(6)])
    res = cma.cfa(df, {"f1": ["v0", "v1", "v2"], "f2": ["v3", "v4", "v5"]})
    np.testing.assert_allclose(res.std_loadings["loading"], lam, atol=0.04)
    assert res.factor_correlations.loc["f1", "f2"] == pytest.approx(0.4, abs=0.05)
    assert res.fit_indices["rmsea"] < 0.03 and res.fit_indices["cfi"] > 0.99


def test_harman_by_hand(hs):
    res = cma.harman(hs[0])
    ev = np.linalg.eigvalsh(hs[0].corr().to_numpy())[-1]
    assert res.first_factor_pct == pytest.approx(100 * ev / 9)
    assert not res.flagged


def test_cfa_takes_lavaan_syntax_and_the_dict_alike(hs, fitted):
    syntax = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    res = cma.cfa(hs[0], syntax, std_lv=True)
    assert res.fit_indices["chi2"] == pytest.approx(fitted.fit_indices["chi2"], rel=1e-9)
    np.testing.assert_allclose(res.std_loadings["loading"], fitted.std_loadings["loading"], atol=1e-6)
    with pytest.raises(cma.errors.ArgumentError, match="missing"):
        cma.cfa(hs[0], MODEL, missing="pairwise")  # was silently run listwise under semopy


def test_cfa_model_errors(hs):
    with pytest.raises(cma.errors.DataError, match="x99"):
        cma.cfa(hs[0], {"visual": ["x1", "x2", "x99"]})
    with pytest.raises(cma.errors.ArgumentError, match="more than one factor"):
        cma.cfa(hs[0], {"a": ["x1", "x2"], "b": ["x2", "x3"]})
    with pytest.raises(cma.errors.ArgumentError, match="dict"):
        cma.htmt(hs[0], ["x1", "x2"])


def test_htmt_table_blank_diagonal_and_thresholds_marked():
    from cmanalytics.psychometrics.validity import htmt_table

    ratios = pd.DataFrame(
        [[1.0, 0.80, 0.87], [0.80, 1.0, 0.95], [0.87, 0.95, 1.0]], index=list("abc"), columns=list("abc")
    )
    t = htmt_table(ratios)
    # by hand: 0.80 unmarked, 0.87 above the strict 0.85 (*), 0.95 above the lenient 0.90 (**)
    assert t.loc["b", "a"] == "0.800" and t.loc["c", "a"] == "0.870*" and t.loc["c", "b"] == "0.950**"
    assert (t.to_numpy()[np.triu_indices(3)] == "").all()
    assert "0.85" in t.attrs["note"] and "0.90" in t.attrs["note"]
