"""WLSMV for ordinal items against lavaan (cfa(..., ordered = TRUE)): the asymptotic covariance of the
thresholds and polychoric correlations, the scaled-shifted statistics and fit indices, and the robust
(catML, Savalei 2021) CFI, TLI and RMSEA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.categorical import ordinal_moments
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import ORD2, ORD3, SEM_REF, reference_json


@pytest.fixture(scope=shared_scope)
def items():
    return pd.read_csv(SEM_REF / "ordinal_5point.csv")


def test_thresholds_polychorics_and_their_asymptotic_covariance(items):
    ref = reference_json("ordinal_wlsmv")
    m = ordinal_moments(items.to_numpy(float), list(items.columns))
    np.testing.assert_allclose(np.concatenate(m.thresholds), ref["thresholds"], atol=1e-12)
    np.testing.assert_allclose(m.corr, np.asarray(ref["polychoric"], float), atol=2e-7)
    gamma = np.asarray(ref["gamma"], float)
    np.testing.assert_allclose(m.gamma, gamma, rtol=5e-7, atol=5e-7 * np.abs(gamma).max())
    np.testing.assert_allclose(1 / np.diag(m.gamma), ref["wls_v"], rtol=5e-7)


@pytest.mark.parametrize("name, model", [("ordinal_wlsmv", ORD3), ("ordinal_wlsmv_misfit", ORD2)])
def test_scaled_statistics_and_indices(items, name, model):
    ref = reference_json(name)["fit"]
    fit = sem_fit(items, model, ordered=True)
    for k in (
        "chisq.scaled",
        "pvalue.scaled",
        "chisq.scaling.factor",
        "baseline.chisq.scaled",
        "baseline.chisq.scaling.factor",
        "cfi.scaled",
        "tli.scaled",
        "rmsea.scaled",
        "rmsea.ci.lower.scaled",
        "rmsea.ci.upper.scaled",
        "rmsea.pvalue.scaled",
        "srmr",
        "cfi.robust",
        "tli.robust",
        "rmsea.robust",
        "rmsea.ci.lower.robust",
        "rmsea.ci.upper.robust",
        "rmsea.pvalue.robust",
    ):
        assert fit.fit_measures[k] == pytest.approx(ref[k], rel=2e-6, abs=1e-10), k
    assert fit.estimator == "WLSMV"


def test_cfa_with_ordered_items(items):
    ref = reference_json("ordinal_wlsmv_misfit")
    res = cma.cfa(items, {"f1": ["u1", "u2", "u3"], "f2": ["u4", "u5", "u6", "u7", "u8", "u9"]}, ordered=True)
    est = pd.DataFrame(ref["estimates"])
    want = est[est["op"] == "=~"]["std.all"].to_numpy(float)
    np.testing.assert_allclose(res.std_loadings["loading"], want, atol=1e-6)
    assert res.fit_indices["chi2"] == pytest.approx(ref["fit"]["chisq"], rel=1e-6)


def test_ordered_arguments_are_checked(items):
    with pytest.raises(cma.errors.ArgumentError, match="ordered= names u10, not observed"):
        sem_fit(items, ORD3, ordered=["u1", "u10"])
    with pytest.raises(cma.errors.ArgumentError, match="available for one group"):
        sem_fit(items.assign(g=np.arange(len(items)) % 2), ORD3, ordered=["u1", "u2"], group="g")
    with pytest.raises(cma.errors.ArgumentError, match="residual variances are not parameters"):
        sem_fit(items.assign(g=np.arange(len(items)) % 2), ORD3, ordered=True, group="g", group_equal=["residuals"])
    with pytest.raises(cma.errors.ArgumentError, match="listwise"):
        sem_fit(items, ORD3, ordered=True, missing="fiml")
    with pytest.raises(cma.errors.ArgumentError, match="fixed_x=False with ordered items"):
        sem_fit(items, ORD3, ordered=True, fixed_x=False)
    with pytest.raises(cma.errors.ArgumentError, match="WLSMV"):
        sem_fit(items, ORD3, ordered=True, estimator="GLS")
    with pytest.raises(cma.errors.ArgumentError, match="WLSMV"):
        sem_fit(items, ORD3, ordered=True, estimator="ML")
