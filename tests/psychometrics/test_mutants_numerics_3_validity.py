"""Mutation tests (numerics, part 3) for validity: cfa passes each of its arguments to the engine (std_lv,
estimator, missing, group, group_equal, group_partial, meanstructure, information, ordered), each checked
against lavaan::cfa with the same option (tests/reference/mutants/numerics3_cfa.json, made by
numerics3_cfa.R from numerics3_cfa_data.csv); fit_indices under their names, aic and bic included; the
engine's warnings kept on the result; the refusals of cfa and composite_reliability word for word."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, HeywoodWarning, SmallSampleWarning
from tests.conftest import shared_scope

HERE = Path(__file__).resolve().parents[1] / "reference" / "mutants"
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
MISSING_MODEL = {"visual": ["m1", "m2", "m3"], "textual": ["m4", "m5", "m6"], "speed": ["m7", "m8", "m9"]}


@pytest.fixture(scope=shared_scope)
def data():
    return pd.read_csv(HERE / "numerics3_cfa_data.csv"), json.loads((HERE / "numerics3_cfa.json").read_text())


def _raises(exc, text):
    return pytest.raises(exc, match="^" + re.escape(text) + "$")


def _merged(res, pe, cols=("est", "se")):
    """Our parameter table beside lavaan's parameterEstimates, matched on lhs, op, rhs and group."""
    theirs = pd.DataFrame({k: pe[k] for k in ("lhs", "op", "rhs", "group", *cols)})
    ours = res.estimates[["lhs", "op", "rhs", "group", *cols]]
    m = theirs.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="left")
    assert not m[list(cols)].isna().all(axis=1).any(), m[m[list(cols)].isna().all(axis=1)]
    return m


def test_fit_indices_named_and_from_lavaans_names(data):
    """Every index under its name, in order, from fitMeasures: aic and bic, the RMSEA interval and p-close."""
    d, ref = data
    res = cma.cfa(d, MODEL)
    f = ref["default"]["fit"]
    assert list(res.fit_indices) == [
        "chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_p_close",
        "srmr", "aic", "bic",
    ]  # fmt: skip
    pairs = {
        "chi2": "chisq",
        "p_value": "pvalue",
        "cfi": "cfi",
        "tli": "tli",
        "rmsea": "rmsea",
        "rmsea_ci_lower": "rmsea.ci.lower",
        "rmsea_ci_upper": "rmsea.ci.upper",
        "rmsea_p_close": "rmsea.pvalue",
        "srmr": "srmr",
        "aic": "aic",
        "bic": "bic",
    }
    for ours, theirs in pairs.items():
        assert res.fit_indices[ours] == pytest.approx(f[theirs], rel=1e-7), ours
    assert res.fit_indices["df"] == f["df"] == 24
    assert res.warnings == ()
    m = _merged(res, ref["default"]["pe"])
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(m["se"], m["se_r"], rtol=0, atol=1e-6)
    # the factor correlations by hand from lavaan's factor (co)variances: psi_fg / sqrt(psi_ff psi_gg)
    pe = pd.DataFrame(ref["default"]["pe"])
    lv = ["visual", "textual", "speed"]
    cov = pe[pe["op"] == "~~"].set_index(["lhs", "rhs"])["est"]
    psi = np.array([[cov.get((f, g), cov.get((g, f))) for g in lv] for f in lv])
    want = psi / np.sqrt(np.outer(np.diag(psi), np.diag(psi)))
    assert list(res.factor_correlations.index) == lv and list(res.factor_correlations.columns) == lv
    np.testing.assert_allclose(res.factor_correlations.to_numpy(), want, rtol=0, atol=1e-6)


def test_std_lv_passed_through(data):
    """std_lv=True frees the first loadings and fixes the factor variances at 1 (lavaan's std.lv = TRUE)."""
    d, ref = data
    res = cma.cfa(d, MODEL, std_lv=True)
    m = _merged(res, ref["std_lv"]["pe"])
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(m["se"], m["se_r"], rtol=0, atol=1e-6)
    first = res.estimates.query("lhs == 'visual' and op == '=~' and rhs == 'x1'")["est"].iloc[0]
    assert first == pytest.approx(0.899620, abs=1e-5)  # lavaan's std.lv estimate, not the fixed 1


def test_estimator_passed_through(data):
    """estimator='ULS': lavaan's ULS chi-square and fit."""
    d, ref = data
    res = cma.cfa(d, MODEL, estimator="ULS")
    f = ref["uls"]["fit"]
    assert res.fit_indices["chi2"] == pytest.approx(f["chisq"], rel=2e-11)
    assert res.fit_indices["srmr"] == pytest.approx(f["srmr"], rel=2e-7)
    # lavaan's fitMeasures has no aic or bic for ULS: nan under both names
    assert "aic" not in f and "bic" not in f
    assert np.isnan(res.fit_indices["aic"]) and np.isnan(res.fit_indices["bic"])


def test_missing_passed_through(data):
    """missing='fiml' on data with missing cells: lavaan's missing = "ml" (all 301 rows, means estimated)."""
    d, ref = data
    res = cma.cfa(d, MISSING_MODEL, missing="fiml")
    f = ref["fiml"]["fit"]
    assert res.n_obs == 301
    assert res.fit_indices["chi2"] == pytest.approx(f["chisq"], rel=1e-11)
    assert res.fit_indices["aic"] == pytest.approx(f["aic"], rel=1e-12)
    m = _merged(res, ref["fiml"]["pe"], cols=("est",))
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=1e-5)


def test_group_equal_and_partial_passed_through(data):
    """Two groups, loadings and intercepts equal except visual =~ x2: lavaan's chi-square, df and estimates."""
    d, ref = data
    res = cma.cfa(d, MODEL, group="g", group_equal=["loadings", "intercepts"], group_partial=["visual=~x2"])
    f = ref["group"]["fit"]
    assert res.fit_indices["df"] == f["df"]
    assert res.fit_indices["chi2"] == pytest.approx(f["chisq"], rel=4e-10)
    m = _merged(res, ref["group"]["pe"], cols=("est",))
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=1e-5)


def test_meanstructure_passed_through(data):
    """meanstructure=True adds the nine intercepts: 30 parameters, and lavaan's aic and bic with them."""
    d, ref = data
    res = cma.cfa(d, MODEL, meanstructure=True)
    f = ref["meanstructure"]["fit"]
    assert res.fit_measures["npar"] == f["npar"] == 30
    assert res.fit_indices["aic"] == pytest.approx(f["aic"], rel=2e-13)
    assert res.fit_indices["bic"] == pytest.approx(f["bic"], rel=2e-13)
    # the nine intercepts and the three factor means (fixed at 0), as lavaan's table
    assert (res.estimates["op"] == "~1").sum() == ref["meanstructure"]["pe"]["op"].count("~1") == 12
    m = _merged(res, ref["meanstructure"]["pe"], cols=("est",))
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=1e-5)


def test_information_passed_through(data):
    """information='observed': standard errors from the observed information, as lavaan's."""
    d, ref = data
    res = cma.cfa(d, MODEL, information="observed")
    m = _merged(res, ref["observed"]["pe"])
    np.testing.assert_allclose(m["se"], m["se_r"], rtol=0, atol=1e-6)
    # and they are not the expected-information ones
    default = pd.DataFrame(ref["default"]["pe"])
    assert np.max(np.abs(np.asarray(ref["observed"]["pe"]["se"]) - default["se"])) > 1e-3


def test_ordered_passed_through(data):
    """ordered=True: WLSMV on four three-category items, lavaan's chi-square, thresholds and loadings."""
    d, ref = data
    res = cma.cfa(d, "f =~ o1 + o2 + o3 + o4", ordered=True)
    f = ref["ordered"]["fit"]
    assert res.fit_indices["chi2"] == pytest.approx(f["chisq"], rel=1e-6)
    assert res.fit_measures["chisq.scaled"] == pytest.approx(f["chisq.scaled"], rel=1e-6)
    m = _merged(res, ref["ordered"]["pe"], cols=("est",))
    m = m[m["op"].isin(["=~", "|"])]
    assert len(m) == 12
    np.testing.assert_allclose(m["est"], m["est_r"], rtol=0, atol=8e-8)


def test_engine_warnings_kept_on_the_result(data):
    """Forty cases: the engine's SmallSampleWarning and HeywoodWarning are raised and kept, word for word and
    in order, on result.warnings."""
    d, _ = data
    small = "only 40 cases: estimates and fit indices of a CFA are unstable below about 100 to 200 cases."
    heywood = (
        "negative residual variance(s) of x3 (a Heywood case): the model fits these items too well; check "
        "for a misspecified factor or too few cases."
    )
    with pytest.warns(SmallSampleWarning, match="^" + re.escape(small) + "$"):
        with pytest.warns(HeywoodWarning, match="^" + re.escape(heywood) + "$"):
            res = cma.cfa(d.iloc[:40], MODEL)
    assert res.warnings == (small, heywood)


def test_refusals_word_for_word(data):
    d, _ = data
    with _raises(DataError, "cfa() takes the data as a DataFrame whose columns the model names."):
        cma.cfa(d.to_numpy(), MODEL)
    with _raises(
        ArgumentError,
        "model must be lavaan syntax (a string) or a dict: factor name -> list of its items, "
        "e.g. {'visual': ['x1', 'x2', 'x3']}.",
    ):
        cma.cfa(d, ["x1", "x2", "x3"])
    with _raises(
        ArgumentError,
        "cov= is used by method='semtools' only; the Fornell-Larcker formulas take standardized loadings alone.",
    ):
        cma.composite_reliability([0.7, 0.8, 0.6], cov=np.eye(3))
    with _raises(ArgumentError, "method='x'; choose 'fornell-larcker' or 'semtools'."):
        cma.composite_reliability([0.7, 0.8, 0.6], method="x")
    with _raises(
        ArgumentError,
        "method='semtools' needs cov=, the observed covariance matrix of the factor's items (and "
        "unstandardized loadings, factor variance 1).",
    ):
        cma.composite_reliability([0.7, 0.8, 0.6], method="semtools")
    with _raises(ArgumentError, "cov must be 3 x 3, one row per loading; got (2, 2)."):
        cma.composite_reliability([0.7, 0.8, 0.6], method="semtools", cov=np.eye(2))
