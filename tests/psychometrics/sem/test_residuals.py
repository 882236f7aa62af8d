"""Residuals with their standard errors (normalized, lavaan's "standardized", "standardized.mplus") against
lavaan's ``residuals(fit, type = ...)``: tests/reference/sem/residuals_*.json, made by
make_residuals_reference.R.

Agreement reached (lavaan 0.6-14): the standard errors of the standardized residuals to 4e-5 relative, of the
normalized ones to rounding, of the Mplus variant to 6e-4 (a difference of two nearly equal matrices, so the
estimates' last digits count); the raw residuals to lavaan's optimum, 1.1e-5 absolute at worst (the model
with predictors, where our chi-square is the lower).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import sem_fit
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, HSX, PD, SEM_REF

MIMIC = """visual =~ x1 + x2 + x3
           textual =~ x4 + x5 + x6
           speed =~ x7 + x8 + x9
           visual ~ age13 + sex
           speed ~ age13 + grade7"""
SCALAR = {"group": "school", "group_equal": ["loadings", "intercepts"]}
CASES = {
    "hs_cfa": ("hs_school.csv", HS3, {}),
    "hs_cfa_means": ("hs_school.csv", HS3, {"meanstructure": True}),
    "hs_cross": ("hs_school.csv", HSX, {}),
    "political_democracy": ("political_democracy.csv", PD, {}),
    "hs_scalar": ("hs_school.csv", HS3, SCALAR),
    "mimic": ("hs_covariates.csv", MIMIC, {}),  # observed predictors (centred), fixed.x
}
# kind -> relative tolerance of the standard error (raw residual / standardized residual)
SE_TOL = {"normalized": 1e-10, "standardized": 1e-4, "standardized.mplus": 2e-3}


def reference(name: str) -> dict:
    js = SEM_REF / f"residuals_{name}.json"
    if not js.exists():
        pytest.fail(f"lavaan reference {js} is missing: run Rscript tests/reference/sem/make_residuals_reference.R")
    return json.loads(js.read_text())


@pytest.fixture(scope=shared_scope, params=list(CASES))
def case(request):
    file, model, options = CASES[request.param]
    return sem_fit(pd.read_csv(SEM_REF / file), model, **options), reference(request.param)


def _values(block, part):
    return np.array(block[part], dtype=float)  # lavaan's NA arrives as None -> nan


@pytest.mark.parametrize("kind", list(SE_TOL))
def test_residual_standard_errors_match_lavaan(case, kind):
    fit, ref = case
    raw, z = fit.residuals("raw"), fit.residuals(kind)
    key = kind.replace(".", "_")
    for g, theirs in enumerate(ref["groups"]):
        assert list(z[g].index) == theirs[key]["rows"]
        parts = [("cov", raw[g].to_numpy(), z[g].to_numpy())]
        if "mean" in theirs[key]:
            parts.append(("mean", raw[g].attrs["mean"].to_numpy(), z[g].attrs["mean"].to_numpy()))
        for part, r_ours, z_ours in parts:
            r_ref, z_ref = _values(theirs["raw"], part), _values(theirs[key], part)
            # where lavaan's variance is not positive both give NaN
            np.testing.assert_array_equal(np.isnan(z_ours), np.isnan(z_ref), err_msg=f"{kind} {part} NaN")
            ok = ~np.isnan(z_ref)
            np.testing.assert_allclose(r_ours, r_ref, atol=3e-5, err_msg=f"raw {part}")
            np.testing.assert_allclose(z_ours[ok], z_ref[ok], rtol=2e-3, atol=2e-3, err_msg=f"{kind} {part}")
            # the standard error itself, where the residual is large enough to be divided
            big = ok & (np.abs(r_ref) > 1e-4)
            np.testing.assert_allclose(
                r_ours[big] / z_ours[big], r_ref[big] / z_ref[big], rtol=SE_TOL[kind], err_msg=f"{kind} {part} SE"
            )


def test_normalized_residual_by_hand():
    # one covariance, written out: (s12 - sigma12) / sqrt((s11 s22 + s12^2) / N)
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = sem_fit(data, HS3)
    x = data[["x1", "x2"]].to_numpy()
    s = np.cov(x.T, ddof=0)
    sigma12 = fit.implied()[0][0].loc["x1", "x2"]
    expected = (s[0, 1] - sigma12) / np.sqrt((s[0, 0] * s[1, 1] + s[0, 1] ** 2) / len(x))
    assert fit.residuals("normalized")[0].loc["x1", "x2"] == pytest.approx(expected, rel=1e-12)


def test_residual_standard_errors_are_refused_where_lavaan_computes_them_otherwise():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    with pytest.raises(cma.errors.ArgumentError, match="complete-data ML.*GLS"):
        sem_fit(data, HS3, estimator="GLS").residuals("standardized")
    with pytest.raises(cma.errors.ArgumentError, match="expected"):
        sem_fit(data, HS3, information="observed").residuals("standardized")
    missing = pd.read_csv(SEM_REF / "hs_missing.csv")
    with pytest.raises(cma.errors.ArgumentError, match="fiml"):
        sem_fit(missing, HS3, missing="fiml").residuals("standardized.mplus")
    with pytest.raises(cma.errors.ArgumentError, match="kind='bogus'"):
        sem_fit(data, HS3).residuals("bogus")


def test_residuals_leave_the_fit_unchanged():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = sem_fit(data, HS3)
    theta, vcov = fit.theta.copy(), fit.vcov.copy()
    fit.residuals("standardized")
    np.testing.assert_array_equal(fit.theta, theta)
    np.testing.assert_array_equal(fit.vcov, vcov)
