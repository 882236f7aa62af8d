"""Mutation tests (issue 13) of cmanalytics/psychometrics/sem/inference.py: standard errors (expected and
observed information, GLS on N - 1, ULS's "standard"), z, p and intervals, std.lv and std.all, R-squared,
against lavaan (tests/reference/sem/*.json, make_sem_reference.R and make_fixedx_reference.R), and the Wald
quantities by hand.

Each test fits its model itself: mutmut runs, for a mutant, only the tests that called the mutated function,
and a fit cached at module level (as tests/psychometrics/sem/test_lavaan_agreement.py does) is credited only to
the first test that made it, so the R-squared and fit-measure checks there never run against a mutant.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from cmanalytics.psychometrics.sem import inference, sem_fit
from tests.psychometrics.sem.conftest import CASES, HS3, SEM_REF, load_case

MUT = SEM_REF.parents[0] / "mutants" / "sem_fit_power.json"

# lavaan cases that reach every branch: LAMBDA, BETA (second order, regressions among latent variables),
# THETA off the diagonal (hs_cross, political_democracy), PSI between latent variables, NU and ALPHA (means;
# two groups with std.lv; free latent means under scalar invariance), GLS, ULS, observed information, FIML
INFERENCE_CASES = [
    "hs_cfa",
    "hs_cfa_stdlv",
    "hs_cfa_observed",
    "hs_cfa_means",
    "hs_cross",
    "political_democracy",
    "hs_second_order",
    "hs_invariance_stdlv_all",
    "hs_invariance_scalar",
    "hs_cfa_gls",
    "hs_cfa_uls",
    "hs_fiml",
]


def fit_case(name: str):
    data, model, options, tol, ref = load_case(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sem_fit(data, model, **options), ref, tol


@pytest.mark.parametrize("name", INFERENCE_CASES)
def test_standard_errors_standardized_solution_and_r2_match_lavaan(name):
    """se, z, p, 95% interval, std.lv, std.all of every row, and R-squared of every indicator and dependent
    latent variable: lavaan's parameterEstimates(standardized = TRUE) and lavInspect(fit, "r2"), to the
    tolerance each case reaches (tests/psychometrics/sem/conftest.py)."""
    fit, ref, tol = fit_case(name)
    for col in ("est", "se", "z", "p_value", "ci.lower", "ci.upper", "std.lv", "std.all"):
        assert fit.estimates[col].dtype == np.float64, col
    theirs = pd.DataFrame(ref["estimates"])
    theirs["rhs"] = theirs["rhs"].fillna("")
    both = theirs.merge(fit.estimates, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="outer")
    assert len(both) == len(theirs) == len(fit.estimates)
    for ours, lav in (
        ("est", "est_r"),
        ("se", "se_r"),
        ("ci.lower", "ci.lower_r"),
        ("ci.upper", "ci.upper_r"),
        ("std.lv", "std.lv_r"),
        ("std.all", "std.all_r"),
    ):
        want = pd.to_numeric(both[lav], errors="coerce").to_numpy(float)
        np.testing.assert_allclose(both[ours].to_numpy(float), want, rtol=tol, atol=tol, err_msg=f"{name}: {ours}")
    free = both["free"].to_numpy(bool)
    np.testing.assert_allclose(both["z"][free], pd.to_numeric(both["z_r"][free]), rtol=tol, atol=tol)
    np.testing.assert_allclose(both["p_value"][free], pd.to_numeric(both["pvalue"][free]), rtol=tol, atol=tol)
    assert both.loc[~free, "z"].isna().all() and both.loc[~free, "p_value"].isna().all()
    r2 = ref["r2"] if isinstance(ref["r2"], list) else list(ref["r2"].values())
    assert len(fit.r2) == len(r2)
    for got, want in zip(fit.r2, r2):
        assert set(got) == set(want)
        for k, v in want.items():
            assert got[k] == pytest.approx(v, abs=tol), f"{name}: r2 of {k}"


def test_path_model_with_observed_variables_matches_lavaan():
    """A path model among observed variables (y1 ~ x1 + x2; y5 ~ y1 + x1, political democracy, fixed.x): the
    regressions of observed outcomes (phantom latent variables) standardized as lavaan (std.lv: unscaled)
    (tests/reference/sem/fixedx_path.json), and R-squared of y1 and y5 by hand from lavaan's estimates:
    1 - residual variance / model-implied variance."""
    data = pd.read_csv(SEM_REF / "political_democracy.csv")
    ref = json.loads((SEM_REF / "fixedx_path.json").read_text())
    fit = sem_fit(data, "y1 ~ x1 + x2\ny5 ~ y1 + x1")
    theirs = pd.DataFrame(ref["estimates"])
    both = theirs.merge(fit.estimates, on=["lhs", "op", "rhs"], suffixes=("_r", ""), how="inner")
    assert len(both) == len(fit.estimates)
    for col in ("est", "se", "std.lv", "std.all"):
        np.testing.assert_allclose(both[col], both[col + "_r"], rtol=1e-4, atol=1e-5, err_msg=col)
    est = theirs.set_index(["lhs", "op", "rhs"])["est"]
    s = data[["x1", "x2", "y1", "y5"]].cov(ddof=0)
    b1, b2 = est["y1", "~", "x1"], est["y1", "~", "x2"]
    var_y1 = b1**2 * s.loc["x1", "x1"] + b2**2 * s.loc["x2", "x2"] + 2 * b1 * b2 * s.loc["x1", "x2"]
    var_y1 += est["y1", "~~", "y1"]
    assert fit.r2[0]["y1"] == pytest.approx(1 - est["y1", "~~", "y1"] / var_y1, rel=1e-4)
    assert set(fit.r2[0]) == {"y1", "y5"}


def test_uls_standard_errors_with_two_groups_match_lavaan():
    """ULS with two groups (so with intercepts): lavaan's "standard" information, sum_g (N_g - 1) Delta_g'Delta_g
    over the non-duplicated moments and the means, inverted; est and se against parameterEstimates
    (tests/reference/mutants/sem_fit_power.json, make_sem_fit_power.R)."""
    ref = pd.DataFrame(json.loads(MUT.read_text())["uls_groups"])
    ref["rhs"] = ref["rhs"].fillna("")
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = sem_fit(data, HS3, group="school", estimator="ULS")
    both = ref.merge(fit.estimates, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="inner")
    assert len(both) == len(ref) == len(fit.estimates)
    np.testing.assert_allclose(both["est"], both["est_r"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(both["se"], both["se_r"], rtol=1e-4, atol=1e-5)
    assert (both.loc[(both["op"] == "~1") & both["free"], "se"] > 0).all()
    # the covariance matrix of the estimates is the inverse of a positive definite information matrix
    assert np.all(np.linalg.eigvalsh(fit.vcov) > 0)


def test_wald_by_hand():
    """z = est/se (NaN where se is 0), p = 2 Phi(-|z|) = erfc(|z|/sqrt 2), interval est -/+ 1.959963984540054 se."""
    est, se = np.array([1.0, -2.0, 0.5, 3.0]), np.array([0.5, 0.0, 1.0, 1.5])
    z, p, lo, hi = inference.wald(est, se)
    np.testing.assert_allclose(z[[0, 2, 3]], [2.0, 0.5, 2.0], rtol=1e-15)
    assert math.isnan(z[1]) and math.isnan(p[1])
    want = [math.erfc(2 / math.sqrt(2)), math.erfc(0.5 / math.sqrt(2)), math.erfc(2 / math.sqrt(2))]
    np.testing.assert_allclose(p[[0, 2, 3]], want, rtol=1e-13)
    np.testing.assert_allclose(lo, est - 1.959963984540054 * se, rtol=1e-15)
    np.testing.assert_allclose(hi, est + 1.959963984540054 * se, rtol=1e-15)
    assert inference.wald(np.array([-1.0]), np.array([0.5]))[1][0] == pytest.approx(math.erfc(2 / math.sqrt(2)))
    # a fixed parameter (se 0, estimate 0 or not): NaN without numpy's divide or invalid warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z, p, _, _ = inference.wald(np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    assert np.isnan(z).all() and np.isnan(p).all()


def test_case_list_is_known():
    assert set(INFERENCE_CASES) <= set(CASES)
