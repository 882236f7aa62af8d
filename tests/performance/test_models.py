"""The contract-performance models against R (lm + sandwich HC3, lme4::lmer REML, glm binomial) on data
R read from tests/reference/models_data.csv (make_models_reference.R), and the mediation against the
path coefficients computed by hand with least squares."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cmanalytics.errors import DataError
from cmanalytics.performance import models as M

REF = Path(__file__).parents[1] / "reference"


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(REF / "models_data.csv")


@pytest.fixture(scope="module")
def r():
    ref = pd.read_csv(REF / "r_models.csv")
    ref["term"] = ref["term"].replace("(Intercept)", "Intercept")
    return {m: g.set_index("term") for m, g in ref.groupby("model")}


COLS = ["estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


def test_ols_hc3_matches_r_sandwich(data, r):
    before = data.copy()
    res = M.ols(data, "appraisal ~ development + team + pay + weekly_hours")
    pd.testing.assert_frame_equal(data, before)
    ref = r["ols_hc3"]
    got = res.coefficients.loc[ref.index, COLS]
    np.testing.assert_allclose(got.to_numpy(), ref[COLS].to_numpy(), rtol=1e-8, atol=1e-12)
    # R dropped the rows with no appraisal score (lm's na.omit); so do we, and say how many
    assert res.n_obs == data["appraisal"].notna().sum() and res.n_dropped == data["appraisal"].isna().sum() > 0


def test_mixed_model_matches_lme4(data, r):
    res = M.mixed(data, "appraisal ~ development + team", group="branch_id")
    ref = r["mixed"]
    fixed = ["Intercept", "development", "team"]
    np.testing.assert_allclose(res.coefficients.loc[fixed, "estimate"], ref.loc[fixed, "estimate"], rtol=1e-5)
    np.testing.assert_allclose(res.coefficients.loc[fixed, "std_error"], ref.loc[fixed, "std_error"], rtol=5e-4)
    # (the standard errors differ in the 4th digit: statsmodels takes them from the Hessian of the whole
    # REML likelihood, lme4 from the fixed effects' information given the variance parameters)
    assert res.stats["group variance"] == pytest.approx(ref.loc["group_var", "estimate"], rel=1e-4)
    assert res.stats["residual variance"] == pytest.approx(ref.loc["resid_var", "estimate"], rel=1e-5)
    icc = ref.loc["group_var", "estimate"] / (ref.loc["group_var", "estimate"] + ref.loc["resid_var", "estimate"])
    assert res.stats["ICC"] == pytest.approx(icc, rel=1e-4)


def test_logit_matches_glm(data, r):
    res = M.logit(data, "turnover_intention ~ pay + development + support + weekly_hours")
    ref = r["logit"]
    got = res.coefficients.loc[ref.index, COLS]
    np.testing.assert_allclose(got.to_numpy(), ref[COLS].to_numpy(), rtol=1e-5, atol=1e-9)
    # (glm stops its IRLS at a relative deviance change of 1e-8: p-values agree to 1e-6 relative)
    np.testing.assert_allclose(res.coefficients["odds_ratio"], np.exp(res.coefficients["estimate"]))


def test_mediation_paths_by_least_squares(data):
    d = data.dropna(subset=["development", "wellbeing_index", "appraisal"])
    x, m, y = (d[c].to_numpy(float) for c in ("development", "wellbeing_index", "appraisal"))
    one = np.ones_like(x)
    a = np.linalg.lstsq(np.column_stack([one, x]), m, rcond=None)[0][1]  # m = a0 + a x
    _, direct, b = np.linalg.lstsq(np.column_stack([one, x, m]), y, rcond=None)[0]  # y = c0 + c' x + b m
    total = np.linalg.lstsq(np.column_stack([one, x]), y, rcond=None)[0][1]
    res = M.mediation(data, "development", "wellbeing_index", "appraisal", n_boot=300, seed=1)
    t = res.coefficients["estimate"]
    assert t["a: wellbeing_index ~ development"] == pytest.approx(a)
    assert t["b: appraisal ~ wellbeing_index | development"] == pytest.approx(b)
    assert t["direct effect c'"] == pytest.approx(direct) and t["total effect c"] == pytest.approx(total)
    assert t["indirect effect a*b"] == pytest.approx(a * b) == pytest.approx(total - direct)
    lo, hi = res.coefficients.loc["indirect effect a*b", ["ci_low", "ci_high"]]
    assert lo < a * b < hi
    again = M.mediation(data, "development", "wellbeing_index", "appraisal", n_boot=300, seed=1)
    pd.testing.assert_frame_equal(res.coefficients, again.coefficients)  # seeded


def test_bad_model_input_names_the_column(data):
    with pytest.raises(DataError, match="no column 'engagement'"):
        M.ols(data, "appraisal ~ engagement + team")
    with pytest.raises(DataError, match="no column 'region'"):
        M.mixed(data, "appraisal ~ team", group="region")
    with pytest.raises(DataError, match="must be 0/1"):
        M.logit(data, "appraisal ~ team")
    with pytest.raises(DataError, match="no column 'mood'"):
        M.mediation(data, "development", "mood", "appraisal")
