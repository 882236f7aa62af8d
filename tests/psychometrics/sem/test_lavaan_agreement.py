"""The engine against lavaan 0.6 (tests/reference/sem/*.json, made by make_sem_reference.R): every parameter's
estimate, standard error, z, interval and standardized values, the fit measures and R-squared."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cmanalytics.psychometrics.sem import sem_fit
from tests.conftest import collecting_mutmut_stats
from tests.psychometrics.sem.conftest import CASES, load_case

_FITS: dict = {}


def fitted(name: str):
    if name not in _FITS or collecting_mutmut_stats():  # see tests.conftest.shared_scope
        data, model, options, tol, ref = load_case(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # HS with marker identification warns of nothing; FIML neither
            _FITS[name] = (sem_fit(data, model, **options), ref, tol)
    return _FITS[name]


def merged(name: str) -> tuple[pd.DataFrame, float]:
    fit, ref, tol = fitted(name)
    theirs = pd.DataFrame(ref["estimates"])
    theirs["rhs"] = theirs["rhs"].fillna("")
    ours = fit.estimates
    both = theirs.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", ["lhs", "op", "rhs", "group"]]
    return both, tol


@pytest.mark.parametrize("name", list(CASES))
def test_parameter_table_and_estimates(name):
    both, tol = merged(name)
    for ours, theirs in (
        ("est", "est_r"),
        ("se", "se_r"),
        ("std.lv", "std.lv_r"),
        ("std.all", "std.all_r"),
        ("ci.lower", "ci.lower_r"),
        ("ci.upper", "ci.upper_r"),
    ):
        want = pd.to_numeric(both[theirs], errors="coerce").to_numpy(float)
        np.testing.assert_allclose(both[ours].to_numpy(float), want, rtol=tol, atol=tol, err_msg=f"{name}: {ours}")
    free = both["free"].to_numpy(bool)
    np.testing.assert_allclose(both["z"][free], pd.to_numeric(both["z_r"][free]), rtol=tol, atol=tol)
    np.testing.assert_allclose(both["p_value"][free], pd.to_numeric(both["pvalue"][free]), rtol=tol, atol=tol)
    assert (both["se_r"][~free] == 0).all()  # what lavaan fixes, we fix


@pytest.mark.parametrize("name", list(CASES))
def test_fit_measures(name):
    fit, ref, tol = fitted(name)
    theirs = ref["fit"]
    keys = [
        "npar",
        "chisq",
        "df",
        "pvalue",
        "baseline.chisq",
        "baseline.df",
        "cfi",
        "tli",
        "nfi",
        "rfi",
        "ifi",
        "rni",
        "rmsea",
        "rmsea.ci.lower",
        "rmsea.ci.upper",
        "rmsea.pvalue",
        "srmr",
        "fmin",
    ]
    if fit.estimator == "ML":
        keys += ["logl", "unrestricted.logl", "aic", "bic", "bic2"]
    if fit.estimator == "ULS":
        keys.remove("pvalue")
        assert np.isnan(fit.p_value)
    for k in keys:
        if k in ("nfi", "rfi") and k not in theirs:
            continue  # lavaan leaves these out of some multi-group models
        assert fit.fit_measures[k] == pytest.approx(theirs[k], rel=max(tol / 5, 2e-6), abs=1e-9), f"{name}: {k}"


@pytest.mark.parametrize("name", list(CASES))
def test_r_squared(name):
    fit, ref, tol = fitted(name)
    r2 = ref["r2"] if isinstance(ref["r2"], list) else list(ref["r2"].values())
    assert len(r2) == len(fit.r2)
    for ours, theirs in zip(fit.r2, r2):
        assert set(ours) == set(theirs)
        for k, v in theirs.items():
            assert ours[k] == pytest.approx(v, abs=tol)


def test_published_holzinger_swineford_solution():
    # Rosseel (2012), JSS 48(2), p. 8-9: the three-factor model's chi-square 85.306 on 24 df, and the loadings
    # of x2 and x3 on visual 0.554 and 0.729, printed to three decimals.
    fit, _, _ = fitted("hs_cfa")
    assert fit.chi2 == pytest.approx(85.306, abs=5e-4) and fit.df == 24
    est = fit.estimates.set_index(["lhs", "op", "rhs"])["est"]
    assert est["visual", "=~", "x2"] == pytest.approx(0.554, abs=5e-4)
    assert est["visual", "=~", "x3"] == pytest.approx(0.729, abs=5e-4)
