"""Observed predictors (``y ~ x``, ``F ~ age``) as lavaan's ``sem()``: fixed.x = TRUE by default (the
predictors' moments fixed at their sample values, out of npar and df; the baseline keeps their covariances;
the log-likelihood is of the outcomes given the predictors), ``fixed_x=False`` as ``fixed.x = FALSE``.
References: tests/reference/sem/fixedx_*.json from make_fixedx_reference.R (lavaan 0.6-14).

Agreement reached (complete data and FIML): estimates to 5e-5 relative (lavaan's own optimum; the chi-square agrees to 1e-9), standard
errors to 3e-5, fit measures to 1e-6 (FIML: 2.5e-6).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import sem_fit
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import SEM_REF

MIMIC = """visual =~ x1 + x2 + x3
           textual =~ x4 + x5 + x6
           speed =~ x7 + x8 + x9
           visual ~ ageyr + sex
           speed ~ ageyr + grade"""
MIMIC_C = MIMIC.replace("grade", "grade7").replace("ageyr", "age13")
PATH = """y1 ~ x1 + x2
          y5 ~ y1 + x1"""
CASES = {
    "mimic": ("hs_covariates.csv", MIMIC, {}),
    "mimic_free_x": ("hs_covariates.csv", MIMIC, {"fixed_x": False}),
    "mimic_means": ("hs_covariates.csv", MIMIC, {"meanstructure": True}),
    "mimic_groups": ("hs_covariates.csv", MIMIC_C, {"group": "school", "group_equal": ["loadings"]}),
    "path": ("political_democracy.csv", PATH, {}),
    "path_free_x": ("political_democracy.csv", PATH, {"fixed_x": False}),
    # FIML, 15% of the items missing; under fixed.x the 4 cases missing a predictor are dropped
    "mimic_fiml": ("hs_covariates_missing.csv", MIMIC_C, {"missing": "fiml"}),
    "mimic_fiml_free_x": ("hs_covariates_missing.csv", MIMIC_C, {"missing": "fiml", "fixed_x": False}),
}
MEASURES = (
    "npar chisq df pvalue baseline.chisq baseline.df cfi tli rmsea rmsea.ci.lower rmsea.ci.upper srmr logl "
    "unrestricted.logl aic bic"
).split()


def reference(name: str) -> dict:
    js = SEM_REF / f"fixedx_{name}.json"
    if not js.exists():
        pytest.fail(f"lavaan reference {js} is missing: run Rscript tests/reference/sem/make_fixedx_reference.R")
    return json.loads(js.read_text())


@pytest.fixture(scope=shared_scope, params=list(CASES))
def case(request):
    file, model, options = CASES[request.param]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cma.errors.DataWarning)  # the dropped cases: tested below
        fit = sem_fit(pd.read_csv(SEM_REF / file), model, **options)
    ref = reference(request.param)
    assert sum(fit.n_obs) == np.sum(ref["nobs"])
    return fit, ref


def _merged(fit, ref) -> pd.DataFrame:
    ours = fit.estimates.copy()
    flipped = ours[ours["op"] == "~~"].rename(columns={"lhs": "rhs", "rhs": "lhs"})
    ours = pd.concat([ours, flipped]).drop_duplicates(["lhs", "op", "rhs", "group"])
    theirs = pd.DataFrame(ref["estimates"])
    both = theirs.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="left")
    assert both["est"].notna().all(), "parameters lavaan has and we do not"
    assert len(both) == len(fit.estimates), "parameters we have and lavaan does not"
    return both


def test_estimates_match_lavaan(case):
    fit, ref = case
    both = _merged(fit, ref)
    np.testing.assert_allclose(both["est"], both["est_r"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(both["se"], both["se_r"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(both["std.all"], both["std.all_r"], rtol=1e-4, atol=1e-5)


def test_fit_measures_match_lavaan(case):
    fit, ref = case
    # FIML: lavaan's EM for the saturated model stops earlier than ours (its SRMR 2.5e-6 off)
    tol = 1e-5 if fit.missing == "fiml" else 1e-6
    for k in MEASURES:
        assert fit.fit_measures[k] == pytest.approx(ref["fit"][k], rel=tol, abs=1e-7), k


def test_fixed_x_rows_hold_the_sample_moments():
    data = pd.read_csv(SEM_REF / "hs_covariates.csv").dropna()
    fit = sem_fit(data, MIMIC, meanstructure=True)
    est = fit.estimates.set_index(["lhs", "op", "rhs"])
    x = data[["ageyr", "sex", "grade"]]
    cov = x.cov(ddof=0)
    for a in x:
        assert est.loc[(a, "~1", ""), "est"] == pytest.approx(x[a].mean(), rel=1e-12)
        assert not est.loc[(a, "~1", ""), "free"]
        for b in x:
            key = (a, "~~", b) if (a, "~~", b) in est.index else (b, "~~", a)
            assert est.loc[key, "est"] == pytest.approx(cov.loc[a, b], rel=1e-12)
            assert not est.loc[key, "free"] and est.loc[key, "se"] == 0


def test_recursive_path_model_is_ordinary_least_squares():
    # y1 = b1 x1 + b2 x2 + e1, y5 = b3 y1 + b4 x1 + e5 with uncorrelated errors: the ML estimates are each
    # equation's least-squares coefficients and residual variances RSS / N, with fixed.x or without
    data = pd.read_csv(SEM_REF / "political_democracy.csv")
    n = len(data)
    for fixed_x in (True, False):
        est = sem_fit(data, PATH, fixed_x=fixed_x).estimates.set_index(["lhs", "op", "rhs"])["est"]
        for y, xs in (("y1", ["x1", "x2"]), ("y5", ["y1", "x1"])):
            design = np.column_stack([np.ones(n), data[xs]])
            coef, rss, *_ = np.linalg.lstsq(design, data[y], rcond=None)
            for c, v in zip(coef[1:], xs):
                assert est[(y, "~", v)] == pytest.approx(c, rel=1e-9)
            assert est[(y, "~~", y)] == pytest.approx(rss[0] / n, rel=1e-9)


def test_fixed_x_df_and_npar_by_hand():
    # MIMIC: 12 observed (9 items, 3 predictors); fixed.x leaves 78 - 6 = 72 moments; free: 6 loadings,
    # 4 paths, 9 residual variances, 3 factor (residual) variances, visual ~~ speed = 23 -> df 49.
    # Free x adds the 6 predictor (co)variances to both: npar 29, df 49.
    data = pd.read_csv(SEM_REF / "hs_covariates.csv")
    fixed, free = sem_fit(data, MIMIC), sem_fit(data, MIMIC, fixed_x=False)
    assert (fixed.fit_measures["npar"], fixed.df) == (23, 49)
    assert (free.fit_measures["npar"], free.df) == (29, 49)
    assert fixed.chi2 == pytest.approx(free.chi2, rel=1e-9)


def test_observed_predictors_refused_where_lavaan_would_differ():
    data = pd.read_csv(SEM_REF / "political_democracy.csv")
    with pytest.raises(cma.errors.ArgumentError, match="fixed_x='yes'"):
        sem_fit(data, PATH, fixed_x="yes")
    with pytest.raises(cma.errors.ArgumentError, match="x1, x2.*estimator='ML'"):
        sem_fit(data, PATH, estimator="GLS")
    with pytest.raises(cma.errors.ArgumentError, match="x1, x2.*estimator='ML'"):
        sem_fit(data, PATH, estimator="ULS", fixed_x=False)


def test_fiml_with_fixed_x_drops_cases_missing_a_predictor_and_says_so():
    data = pd.read_csv(SEM_REF / "hs_covariates_missing.csv")
    before = data.copy()
    # 3 cases miss age13 and one grade7 (lavaan: "4 cases were deleted due to missing values in exogenous
    # variable(s), while fixed.x = TRUE")
    with pytest.warns(cma.errors.DataWarning, match="4 case.*age13, sex, grade7"):
        fit = sem_fit(data, MIMIC_C, missing="fiml")
    assert fit.n_obs == (297,) and any("4 case" in w for w in fit.warnings)
    pd.testing.assert_frame_equal(data, before)
