"""Ordinal and continuous indicators together (``ordered=`` naming some items) against lavaan's
``cfa(model, data, ordered = c("x4", "x5", "x6"))``: tests/reference/sem/mixed_wlsmv.json from
make_mixed_reference.R (HolzingerSwineford1939 with x4-x6 cut into 4, 4 and 3 categories; and with x9 binary,
std_lv and a residual covariance between a continuous and an ordinal item).

Agreement reached (lavaan 0.6-14): sample statistics (thresholds, means, variances, polyserial, polychoric and
Pearson covariances) to 6e-8, Gamma to 2e-6 relative; estimates to 4e-6, standard errors to 1e-6, fit
measures (chi-square, scaled-shifted chi-square, CFI, TLI, RMSEA and their scaled versions, SRMR) to 1e-6.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.polyserial import mixed_moments, polyserial
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, SEM_REF, reference_json

ORDERED = ["x4", "x5", "x6"]
# case -> (data, model, ordered items, options)
CASES = {
    "mixed_wlsmv": ("hs_mixed.csv", HS3, ORDERED, {}),
    # factor variances 1, a continuous item's residual covarying with an ordinal one's, a binary item
    "mixed_wlsmv_stdlv": ("hs_mixed_binary.csv", HS3 + "\nx3 ~~ x5", [*ORDERED, "x9"], {"std_lv": True}),
}
MEASURES = (
    "npar chisq df pvalue chisq.scaled df.scaled pvalue.scaled chisq.scaling.factor baseline.chisq baseline.df "
    "baseline.chisq.scaled baseline.chisq.scaling.factor cfi tli cfi.scaled tli.scaled rmsea rmsea.ci.lower "
    "rmsea.ci.upper rmsea.scaled rmsea.ci.lower.scaled rmsea.ci.upper.scaled rmsea.pvalue.scaled srmr"
).split()


@pytest.fixture(scope=shared_scope)
def data():
    return pd.read_csv(SEM_REF / "hs_mixed.csv")


@pytest.fixture(scope=shared_scope)
def ref():
    return reference_json("mixed_wlsmv")


@pytest.fixture(scope=shared_scope, params=list(CASES))
def case(request):
    file, model, ordered, options = CASES[request.param]
    data = pd.read_csv(SEM_REF / file)
    return data, sem_fit(data, model, ordered=ordered, **options), ordered, reference_json(request.param)


def test_sample_statistics_and_gamma_match_lavaan(case):
    data, _, ordered, ref = case
    ordinal = np.array([c in ordered for c in data.columns])
    before = data.copy()
    mm = mixed_moments(data.to_numpy(float), ordinal)
    pd.testing.assert_frame_equal(data, before)
    np.testing.assert_allclose(mm.obs, ref["wls_obs"], rtol=1e-6, atol=5e-7)
    gamma = np.asarray(ref["gamma"], float)
    np.testing.assert_allclose(mm.gamma, gamma, rtol=2e-5, atol=2e-5 * np.abs(gamma).max() * 1e-3)
    np.testing.assert_allclose(mm.cov, ref["cov"], rtol=1e-6, atol=5e-7)


def test_polyserial_by_direct_maximization(data):
    # the two-step estimate written out: thresholds from the margins, mean and variance (divisor N) of y,
    # then the correlation maximizing sum log[Phi(u_c) - Phi(u_{c-1})], u = (tau - rho z)/sqrt(1 - rho^2),
    # solved here by a different route (scipy's brentq on a finite-difference derivative)
    y, cat = data["x1"].to_numpy(float), data["x4"].to_numpy()
    values, codes = np.unique(cat, return_inverse=True)
    tau = special.ndtri(np.cumsum(np.bincount(codes))[:-1] / len(cat))
    z = (y - y.mean()) / y.std()
    cuts = np.concatenate([[-np.inf], tau, [np.inf]])

    def loglik(r):
        s = np.sqrt(1 - r * r)
        return np.sum(np.log(special.ndtr((cuts[codes + 1] - r * z) / s) - special.ndtr((cuts[codes] - r * z) / s)))

    want = optimize.brentq(lambda r: (loglik(r + 1e-7) - loglik(r - 1e-7)) / 2e-7, 0.0, 0.9)
    assert polyserial(y, codes, tau, y.mean(), y.var()) == pytest.approx(want, abs=1e-6)


def test_estimates_match_lavaan(case):
    _, fit, _, ref = case
    both = pd.DataFrame(ref["estimates"]).merge(fit.estimates, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    assert len(both) == len(fit.estimates) == len(ref["estimates"]["lhs"])
    np.testing.assert_allclose(both["est"], both["est_r"], rtol=3e-5, atol=1e-6)
    np.testing.assert_allclose(both["se"], both["se_r"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(both["std.all"], both["std.all_r"], rtol=3e-5, atol=1e-6)


def test_fit_measures_match_lavaan(case):
    _, fit, _, ref = case
    assert fit.estimator == "WLSMV"
    for k in MEASURES:
        assert fit.fit_measures[k] == pytest.approx(ref["fit"][k], rel=1e-5, abs=1e-8), k


def test_mixed_through_cfa_and_its_checks(data, ref):
    res = cma.cfa(
        data, {"visual": ["x1", "x2", "x3"], "textual": ORDERED, "speed": ["x7", "x8", "x9"]}, ordered=ORDERED
    )
    assert res.fit_indices["chi2"] == pytest.approx(ref["fit"]["chisq"], rel=1e-6)
    with pytest.raises(cma.errors.ArgumentError, match="available for one group"):
        sem_fit(data.assign(g=np.arange(len(data)) % 2), HS3, ordered=ORDERED, group="g")


def test_residuals_of_a_mixed_fit_are_refused_in_the_packages_words():
    """Residuals of mixed ordinal/continuous fits are not written: refused with an ArgumentError naming why
    (it was an AttributeError from the engine's internals)."""
    data = pd.read_csv(SEM_REF / "hs_mixed.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = cma.cfa(data, HS3, ordered=ORDERED)
    for kind in ("raw", "cor"):
        with pytest.raises(ArgumentError) as e:
            fit.residuals(kind)
        assert str(e.value) == (
            "residuals are not available for a fit with both ordinal and continuous items (ordered= names "
            "3 of the 9 items); they are for all-continuous or all-ordinal fits."
        )
