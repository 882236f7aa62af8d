"""Modification indices, residuals, score tests of equality constraints, the invariance sequence, FIML's
saturated model, against lavaan (tests/reference/sem) and the figures printed in the issue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.fit import em_saturated
from cmanalytics.psychometrics.sem.scores import release_tests
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, SEM_REF, load_case, reference_json


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.mark.parametrize("name, tol", [("hs_cfa", 5e-5), ("hs_cfa_stdlv", 5e-5), ("hs_cross", 5e-5)])
def test_modification_indices_match_lavaan(name, tol):
    data, model, options, _, ref = load_case(name)
    mi = sem_fit(data, model, **options).modindices()
    theirs = pd.DataFrame(ref["modindices"])
    both = theirs.merge(mi, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="outer", indicator=True)
    assert (both["_merge"] == "both").all()
    for col in ("mi", "epc", "sepc.all"):
        np.testing.assert_allclose(both[col], both[col + "_r"], rtol=tol, atol=tol, err_msg=col)


def test_residuals_match_lavaan(hs):
    ref = reference_json("hs_cfa")["residuals"]
    fit = sem_fit(hs, HS3)
    for ours, theirs, tol in (("raw", "raw", 5e-6), ("cor", "cor_bollen", 5e-6), ("normalized", "normalized", 5e-5)):
        res = fit.residuals(ours)[0]
        assert list(res.index) == ref[theirs]["rows"]
        np.testing.assert_allclose(res.to_numpy(), np.asarray(ref[theirs]["values"], float), atol=tol)
    with pytest.raises(cma.errors.ArgumentError, match="kind"):
        fit.residuals("studentized")


def test_invariance_sequence_as_lavaan_and_the_issue(hs):
    res = cma.invariance(hs, HS3, group="school")
    t = res.table
    # the figures printed in the issue (lavaan, HolzingerSwineford1939 by school)
    np.testing.assert_allclose(t["chi2"], [115.851, 124.044, 164.103, 181.511], atol=5e-4)
    assert t["df"].tolist() == [48, 54, 60, 69]
    # the issue prints CFI .923, .921, .883, .873; lavaan 0.6-14 gives 0.88247 for the scalar model (.882)
    cfi = [reference_json(f"hs_invariance_{s}")["fit"]["cfi"] for s in ("configural", "metric", "scalar", "strict")]
    np.testing.assert_allclose(t["cfi"], cfi, rtol=1e-6)
    np.testing.assert_allclose(t["cfi"].to_numpy()[[0, 1, 3]], [0.923, 0.921, 0.873], atol=5e-4)
    lrt = reference_json("hs_invariance_tests")["lrt"]
    np.testing.assert_allclose(t["delta_chi2"].to_numpy()[1:], lrt["chisq_diff"][1:], rtol=1e-6)
    np.testing.assert_allclose(t["delta_p_value"].to_numpy()[1:], lrt["pvalue"][1:], rtol=1e-5)
    # metric holds (CFI .923 -> .921), scalar fails (CFI -.038), so the score tests are of the scalar model
    assert t["verdict"].tolist() == ["", "holds", "fails", "not assessed (scalar fails)"]
    assert res.failed_step == "scalar"
    assert res.score_tests["parameter"].iloc[0] == "x3 ~1"
    assert "scalar" in res.summary() and "Chen 2007" in res.summary()


def test_score_tests_match_lavtestscore(hs):
    ref = reference_json("hs_invariance_tests")["score_scalar"]
    fit = sem_fit(hs, HS3, group="school", group_equal=["loadings", "intercepts"])
    out = release_tests(fit)
    np.testing.assert_allclose(out["x2"], ref["x2"], rtol=2e-5, atol=1e-6)
    assert [p.replace(" ", "") for p in out["parameter"]] == [p.replace(" ", "") for p in ref["lhs"]]
    assert out.attrs["total"]["x2"] == pytest.approx(ref["total_x2"], rel=2e-6)
    assert out.attrs["total"]["df"] == ref["total_df"]


def test_fiml_saturated_moments_by_em_match_lavaan():
    ref = reference_json("hs_fiml")
    x = pd.read_csv(SEM_REF / "hs_missing.csv").to_numpy(float)
    assert 0.10 <= np.isnan(x).mean() <= 0.20
    mu, sigma = em_saturated(x)
    np.testing.assert_allclose(mu, ref["h1_mean"], atol=1e-5)
    np.testing.assert_allclose(sigma, np.asarray(ref["h1_cov"], float), atol=1e-5)


def test_cfa_fiml_and_bad_missing_policy():
    data = pd.read_csv(SEM_REF / "hs_missing.csv")
    before = data.copy()
    ref = reference_json("hs_fiml")["fit"]
    res = cma.cfa(
        data, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}, missing="fiml"
    )
    assert res.fit_indices["chi2"] == pytest.approx(ref["chisq"], rel=1e-6)
    assert res.n_obs == 301
    pd.testing.assert_frame_equal(data, before)  # the caller's data untouched
    for bad in ("pairwise", "ml", "mean"):
        with pytest.raises(cma.errors.ArgumentError, match="missing"):
            cma.cfa(data, HS3, missing=bad)
