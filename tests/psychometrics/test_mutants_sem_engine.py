"""Mutation tests for the SEM engine (sem.model, sem.fitting, sem.scores, sem.invariance, sem.method_variance):
result fields and column names exactly, each refusal's whole message, and values against lavaan's references
in tests/reference/sem (made by make_sem_reference.R, make_residuals_reference.R: lavaan 0.6-14 on
HolzingerSwineford1939, which ships with lavaan)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.method_variance import method_variance
from cmanalytics.psychometrics.sem.results import IdentificationError
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, ORD3, SEM_REF, reference_json

ITEMS = [f"x{i}" for i in range(1, 10)]
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.fixture(scope=shared_scope)
def hs_fit(hs):
    return sem_fit(hs, HS3)


def _raises(exc, text, fn, *args, **kw):
    with pytest.raises(exc, match="^" + re.escape(text) + "$"):
        fn(*args, **kw)


# ---------------------------------------------------------------- sem.model: build_table and its rules


def test_model_refusals_whole_messages(hs):
    """The refusals of the table builder, word for word: unknown columns (in the model's order), a
    covariance written twice in either order (lavaan: 'duplicate model element'), the count of free
    parameters against the moments (3 variances + 3 covariances = 6 moments for three items)."""
    _raises(DataError, "the model names column(s) not in the data: zz, qq.", sem_fit, hs, "f =~ x1 + zz + qq")
    _raises(ArgumentError, "the parameter 'x2 ~~ x1' is given twice.", sem_fit, hs, HS3 + "\nx1 ~~ x2\nx2 ~~ x1")
    _raises(
        IdentificationError,
        "the model has 7 free parameters but only 6 moments in the data (df = -1): it is not identified.",
        sem_fit,
        hs,
        "f =~ x1 + x2 + x3\nx1 ~~ x2",
    )


def test_an_intercept_written_by_the_user_is_not_added_again(hs):
    """``x1 ~ 1`` turns the mean structure on; lavaan adds the other intercepts, not x1's a second time. With
    all intercepts free the means are saturated: chi-square, df and loadings as lavaan's hs_cfa_means."""
    ref = reference_json("hs_cfa_means")["fit"]
    fit = sem_fit(hs, HS3 + "\nx1 ~ 1")
    assert fit.fit_measures["chisq"] == pytest.approx(ref["chisq"], rel=1e-6)
    assert fit.fit_measures["df"] == ref["df"]
    assert fit.fit_measures["npar"] == ref["npar"] == 30
    ints = fit.estimates[fit.estimates["op"] == "~1"]
    assert ints["lhs"].tolist() == ITEMS + ["visual", "textual", "speed"]


def test_group_partial_spellings_and_refusals(hs):
    """group_partial names parameters with or without spaces ('x3 ~ 1', 'x3~1', 'x7 ~1'): freeing the
    intercepts of x3 and x7 in the scalar model gives lavaan's hs_invariance_partial (group.partial =
    c("x3~1", "x7~1")); a malformed name and names the model lacks are refused word for word."""
    ref = reference_json("hs_invariance_partial")["fit"]
    eq = ["loadings", "intercepts"]
    for partial in (["x3 ~ 1", "x7 ~1"], ["x3~1", "x7 ~ 1"]):
        fit = sem_fit(hs, HS3, group="school", group_equal=eq, group_partial=partial)
        assert fit.fit_measures["chisq"] == pytest.approx(ref["chisq"], rel=1e-5)
        assert fit.fit_measures["df"] == ref["df"] == 58
    _raises(
        ArgumentError,
        "group_partial: 'x3 1' is not a parameter such as 'visual =~ x2' or 'x3 ~ 1'.",
        sem_fit,
        hs,
        HS3,
        group="school",
        group_equal=eq,
        group_partial=["x3 1"],
    )
    _raises(
        ArgumentError,
        "group_partial names parameter(s) the model does not have: visual =~ x9, zz ~1.",
        sem_fit,
        hs,
        HS3,
        group="school",
        group_equal=eq,
        group_partial=["zz ~ 1", "visual =~ x9"],
    )


def test_group_partial_names_a_regression_and_a_residual_variance(hs):
    """group_partial = 'speed ~ visual' (a regression) and 'x1 ~~ x1' (a residual variance) free those
    parameters: lavaan's chi-square and df (semengine_partial.json, make_semengine_partial.R); a name with
    its operator twice, or '~~ 1', is not a parameter of the model."""
    import json

    ref = json.loads((SEM_REF.parent / "mutants" / "semengine_partial.json").read_text())
    model = HS3 + "\nspeed ~ visual"
    cases = (
        ("regressions", ["loadings", "regressions"], []),
        ("regressions_partial", ["loadings", "regressions"], ["speed ~ visual"]),
        ("strict", ["loadings", "intercepts", "residuals"], []),
        ("strict_partial", ["loadings", "intercepts", "residuals"], ["x1 ~~ x1"]),
    )
    for name, eq, partial in cases:
        f = sem_fit(hs, model, group="school", group_equal=eq, group_partial=partial).fit_measures
        assert f["chisq"] == pytest.approx(ref[name]["chisq"], rel=1e-5), name
        assert f["df"] == ref[name]["df"], name
    _raises(
        ArgumentError,
        "group_partial names parameter(s) the model does not have: visual =~ x2=~x3, x1 ~~ 1.",
        sem_fit,
        hs,
        model,
        group="school",
        group_equal=["loadings"],
        group_partial=["visual =~ x2 =~ x3", "x1 ~~ 1"],
    )


# ---------------------------------------------------------------- sem.fitting: options and ordinal refusals


def test_fit_options_kept_on_the_result(hs):
    """The options a fit was made with, as given (information, group_equal as a tuple)."""
    assert sem_fit(hs, HS3, information="observed").options == {
        "group": None,
        "std_lv": False,
        "meanstructure": False,
        "estimator": "ML",
        "missing": "listwise",
        "information": "observed",
        "group_equal": (),
        "group_partial": (),
        "fixed_x": False,
    }
    opts = sem_fit(hs, HS3, group="school", group_equal="loadings").options
    assert opts["group_equal"] == ("loadings",) and opts["meanstructure"] is True and opts["group"] == "school"


@pytest.fixture(scope=shared_scope)
def ordinal():
    return pd.read_csv(SEM_REF / "ordinal_5point.csv")


def test_ordinal_fit_takes_wlsmv_in_any_case_and_expected_information(ordinal):
    """estimator='wlsmv' (any case) and information='expected' are lavaan's WLSMV: chi-square as lavaan's
    ordinal_wlsmv reference."""
    ref = reference_json("ordinal_wlsmv")["fit"]
    fit = sem_fit(ordinal, ORD3, ordered=True, estimator="wlsmv", information="expected")
    assert fit.fit_measures["chisq"] == pytest.approx(ref["chisq"], rel=1e-5)
    assert fit.fit_measures["chisq.scaled"] == pytest.approx(ref["chisq.scaled"], rel=1e-5)


def test_ordinal_fit_refusals_whole_messages(ordinal):
    text = "meanstructure and information do not apply to ordered items (WLSMV)."
    _raises(ArgumentError, text, sem_fit, ordinal, ORD3, ordered=True, information="observed")
    _raises(ArgumentError, text, sem_fit, ordinal, ORD3, ordered=True, meanstructure=True)
    _raises(
        ArgumentError,
        "estimator='ML' with ordered items: WLSMV is the estimator for them.",
        sem_fit,
        ordinal,
        ORD3,
        ordered=True,
        estimator="ML",
    )
    _raises(
        ArgumentError,
        "missing='fiml' with ordered items: only 'listwise' is available.",
        sem_fit,
        ordinal,
        ORD3,
        ordered=True,
        missing="fiml",
    )
    _raises(
        ArgumentError,
        "group_equal and group_partial need group= (a column naming each case's group).",
        sem_fit,
        ordinal,
        ORD3,
        ordered=True,
        group_equal=["thresholds"],
    )


# ---------------------------------------------------------------- sem.scores: modindices and residuals


def test_scores_refusals_whole_messages(hs):
    gls = sem_fit(hs, HS3, estimator="GLS")
    _raises(ArgumentError, "modification indices are computed for ML fits (as lavaan's default).", gls.modindices)
    _raises(
        ArgumentError,
        "kind='normalized' residuals are available for complete-data ML fits (missing='listwise'); "
        "this fit uses estimator='GLS'.",
        gls.residuals,
        "normalized",
    )
    fiml = sem_fit(pd.read_csv(SEM_REF / "hs_missing.csv"), HS3, missing="fiml")
    _raises(
        ArgumentError,
        "kind='standardized' residuals are available for complete-data ML fits (missing='listwise'); "
        "this fit uses missing='fiml'.",
        fiml.residuals,
        "standardized",
    )
    observed = sem_fit(hs, HS3, information="observed")
    _raises(
        ArgumentError,
        "kind='standardized' residuals rest on the expected information; refit with information='expected'.",
        observed.residuals,
        "standardized",
    )
    observed.residuals("normalized")  # the observed information is refused for 'standardized' only


def test_residual_means_only_with_a_mean_structure(hs, hs_fit):
    """Without a mean structure the residual frames carry no means; with one, ``attrs['mean']`` is a Series
    indexed by the items (lavaan residuals(fit)$mean: all 0 with free intercepts, residuals_hs_cfa_means)."""
    ref = reference_json("residuals_hs_cfa_means")["groups"][0]["raw"]
    assert hs_fit.residuals("raw")[0].attrs == {}
    raw = sem_fit(hs, HS3, meanstructure=True).residuals("raw")[0]
    mean = raw.attrs["mean"]
    assert list(mean.index) == ref["rows"] == ITEMS
    np.testing.assert_allclose(mean.to_numpy(), ref["mean"], atol=1e-6)
    np.testing.assert_allclose(raw.to_numpy(), np.asarray(ref["cov"], float), atol=5e-6)


def test_standardized_residuals_with_expected_information(hs):
    """A complete-data ML fit with the expected information (the default) has standardized residuals:
    lavaan's residuals(fit, type = "standardized") of hs_cfa_means (residuals_hs_cfa_means)."""
    ref = reference_json("residuals_hs_cfa_means")["groups"][0]["standardized"]
    z = sem_fit(hs, HS3, meanstructure=True).residuals("standardized")[0]
    assert list(z.index) == ref["rows"]
    off = ~np.eye(9, dtype=bool)  # the diagonal is zero but for rounding, left undivided
    np.testing.assert_allclose(z.to_numpy()[off], np.asarray(ref["cov"], float)[off], atol=5e-5)


# ---------------------------------------------------------------- sem.invariance


@pytest.fixture(scope=shared_scope)
def inv(hs):
    return cma.invariance(hs, HS3, group="school")


INV_COLUMNS = [
    "chi2",
    "df",
    "p_value",
    "cfi",
    "tli",
    "rmsea",
    "rmsea.ci.lower",
    "rmsea.ci.upper",
    "srmr",
    "aic",
    "bic",
    "delta_chi2",
    "delta_df",
    "delta_p_value",
    "delta_cfi",
    "delta_rmsea",
    "verdict",
]


def test_invariance_table_every_column_as_lavaan(inv):
    """Every column of the table for HolzingerSwineford1939 by school against lavaan's fitMeasures of each
    step (hs_invariance_<step>) and lavTestLRT (hs_invariance_tests); the differences are those of lavaan's
    figures, step minus the step before."""
    t = inv.table
    assert list(t.columns) == INV_COLUMNS
    assert t.index.name == "step" and list(t.index) == ["configural", "metric", "scalar", "strict"]
    fits = [reference_json(f"hs_invariance_{s}")["fit"] for s in t.index]
    pairs = {
        "chi2": "chisq",
        "p_value": "pvalue",
        "cfi": "cfi",
        "tli": "tli",
        "rmsea": "rmsea",
        "rmsea.ci.lower": "rmsea.ci.lower",
        "rmsea.ci.upper": "rmsea.ci.upper",
        "srmr": "srmr",
        "aic": "aic",
        "bic": "bic",
    }
    for ours, theirs in pairs.items():
        want = np.array([f[theirs] for f in fits])
        np.testing.assert_allclose(t[ours].to_numpy(float), want, rtol=5e-5, err_msg=ours)
    assert t["df"].tolist() == [f["df"] for f in fits]
    lrt = reference_json("hs_invariance_tests")["lrt"]
    assert np.isnan(t["delta_chi2"].iloc[0]) and np.isnan(t["delta_df"].iloc[0])
    assert np.isnan(t["delta_p_value"].iloc[0]) and np.isnan(t["delta_cfi"].iloc[0])
    assert np.isnan(t["delta_rmsea"].iloc[0])
    assert t["delta_df"].iloc[1:].tolist() == lrt["df_diff"][1:]
    np.testing.assert_allclose(t["delta_chi2"].iloc[1:], lrt["chisq_diff"][1:], rtol=1e-5)
    np.testing.assert_allclose(t["delta_p_value"].iloc[1:], lrt["pvalue"][1:], rtol=1e-4)
    for k in range(1, 4):
        assert t["delta_cfi"].iloc[k] == pytest.approx(fits[k]["cfi"] - fits[k - 1]["cfi"], abs=1e-6)
        assert t["delta_rmsea"].iloc[k] == pytest.approx(fits[k]["rmsea"] - fits[k - 1]["rmsea"], abs=1e-6)


def test_invariance_result_fields(inv):
    """failed_step, cutoffs, the warnings (none: every step converges cleanly), repr, to_frame."""
    assert inv.failed_step == "scalar"
    assert inv.cutoffs == {"delta_cfi": -0.010, "delta_rmsea": 0.015}
    assert inv.warnings == ()
    assert repr(inv) == "<InvarianceResult: 4 steps up to strict; fails at scalar>"
    pd.testing.assert_frame_equal(inv.to_frame(), inv.table)
    assert list(inv.fits) == ["configural", "metric", "scalar", "strict"]
    assert inv.fits["metric"].options["group_equal"] == ("loadings",)


def test_invariance_cutoffs_decide_the_verdict(hs):
    """lavaan's figures: metric -> scalar CFI 0.92092 -> 0.88247 (-0.0385), RMSEA 0.09284 -> 0.10737 (+0.0145);
    scalar -> strict CFI -0.0095, RMSEA -0.0033. With delta_cfi=-0.05 the scalar step holds; with
    delta_rmsea=0.014 as well its RMSEA rise (above 0.014) makes it fail."""
    fits = [reference_json(f"hs_invariance_{s}")["fit"] for s in ("metric", "scalar", "strict")]
    assert fits[1]["rmsea"] - fits[0]["rmsea"] == pytest.approx(0.01453, abs=1e-5)
    steps = ["metric", "scalar", "strict"]
    res = cma.invariance(hs, HS3, group="school", steps=steps, delta_cfi=-0.05)
    assert res.table["verdict"].tolist() == ["", "holds", "holds"]
    assert res.failed_step is None and res.score_tests is None
    assert repr(res) == "<InvarianceResult: 3 steps up to strict; all steps hold>"
    assert res.cutoffs == {"delta_cfi": -0.05, "delta_rmsea": 0.015}
    res = cma.invariance(hs, HS3, group="school", steps=steps, delta_cfi=-0.05, delta_rmsea=0.014)
    assert res.table["verdict"].tolist() == ["", "fails", "not assessed (scalar fails)"]


def test_invariance_steps_refusals_whole_messages(hs):
    _raises(
        ArgumentError,
        "steps: weak; choose among configural, metric, scalar, strict (in that order).",
        cma.invariance,
        hs,
        HS3,
        group="school",
        steps=["configural", "weak"],
    )
    _raises(
        ArgumentError,
        "steps: weak, strong; choose among configural, metric, scalar, strict (in that order).",
        cma.invariance,
        hs,
        HS3,
        group="school",
        steps=["weak", "configural", "strong"],
    )
    _raises(
        ArgumentError,
        "steps: none given; choose among configural, metric, scalar, strict (in that order).",
        cma.invariance,
        hs,
        HS3,
        group="school",
        steps=[],
    )
    _raises(
        ArgumentError,
        "steps must be in the order configural, metric, scalar, strict.",
        cma.invariance,
        hs,
        HS3,
        group="school",
        steps=["scalar", "metric"],
    )


# ---------------------------------------------------------------- sem.method_variance


@pytest.fixture(scope=shared_scope)
def mv(hs):
    data = hs.copy()
    # a marker correlating negatively with every item: no positive correlation, so r_M = 0
    data["marker"] = -data[ITEMS].sum(axis=1) + np.random.default_rng(5).standard_normal(len(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ULMC's Heywood case, as in lavaan
        return data, method_variance(data, MODEL, marker="marker")


def test_method_variance_table_every_column_as_lavaan(mv):
    """The table's columns and rows against lavaan's fitMeasures of the three models (hs_cfa,
    hs_single_factor, hs_ulmc); the differences are each model minus the trait model, the p-value of the
    difference is the chi-square tail of |delta chi2| on |delta df|."""
    from scipy import stats

    _, res = mv
    t = res.table
    assert list(t.columns) == [
        "chi2",
        "df",
        "p_value",
        "cfi",
        "rmsea",
        "srmr",
        "delta_chi2",
        "delta_df",
        "delta_p_value",
        "delta_cfi",
    ]
    assert t.index.name == "model" and list(t.index) == ["model", "single factor", "ULMC"]
    fits = [reference_json(n)["fit"] for n in ("hs_cfa", "hs_single_factor", "hs_ulmc")]
    for ours, theirs in {"chi2": "chisq", "p_value": "pvalue", "cfi": "cfi", "rmsea": "rmsea", "srmr": "srmr"}.items():
        want = [f[theirs] for f in fits]  # lavaan's JSON writes p < 1e-15 as 0
        np.testing.assert_allclose(t[ours].to_numpy(float), want, rtol=2e-4, atol=1e-15, err_msg=ours)
    assert t["df"].tolist() == [24, 27, 23] == [f["df"] for f in fits]
    assert t.loc["model", ["delta_chi2", "delta_df", "delta_p_value", "delta_cfi"]].isna().all()
    for k, row in ((1, "single factor"), (2, "ULMC")):
        dchi, ddf = fits[k]["chisq"] - fits[0]["chisq"], fits[k]["df"] - fits[0]["df"]
        assert t.loc[row, "delta_chi2"] == pytest.approx(dchi, rel=1e-5)
        assert t.loc[row, "delta_df"] == ddf
        assert t.loc[row, "delta_p_value"] == pytest.approx(stats.chi2.sf(abs(dchi), abs(ddf)), rel=1e-4)
        assert t.loc[row, "delta_cfi"] == pytest.approx(fits[k]["cfi"] - fits[0]["cfi"], abs=1e-6)
    pd.testing.assert_frame_equal(res.to_frame(), t)


def test_method_variance_interpretation_word_for_word(mv):
    """The sentences, with lavaan's figures: single factor chi2 312.264 - 85.306 = 226.959 on 3 df, CFI 0.677
    against 0.931; ULMC 85.306 - 54.897 = 30.409 on 1 df less, its loadings' mean square 32.3%."""
    _, res = mv
    f = [reference_json(n)["fit"] for n in ("hs_cfa", "hs_single_factor", "hs_ulmc")]
    assert f"{f[1]['chisq'] - f[0]['chisq']:.3f}" == "226.959"
    assert f"{f[0]['chisq'] - f[2]['chisq']:.3f}" == "30.409"
    assert res.interpretation[:2] == (
        "The single-factor model fits far worse than the model (delta chi-square 226.959 on 3 df, CFI 0.677 "
        "against 0.931).",
        "The method factor (ULMC) takes 32.3% of the items' variance, more than the median 25% of published "
        "studies (Williams et al. 1989); adding it improves the fit (delta chi-square 30.409 on 1 df).",
    )
    assert res.interpretation[2] == (
        "The marker 'marker' correlates at least 0.000 with the items; the correlations adjusted for it "
        "(Lindell & Whitney 2001) are what remains without that shared part."
    )
    assert len(res.interpretation) == 3
    assert res.warnings == (
        "ULMC: the latent covariance matrix is not positive definite (a Heywood case: a negative variance or a "
        "correlation beyond 1 among the factors).",
    )
    assert repr(res) == "<MethodVarianceResult: method factor takes 32.3% of item variance>"


def test_marker_without_positive_correlation_leaves_r_unchanged(mv):
    """Lindell & Whitney: r_M is the smallest positive correlation with the marker; with none, r_M = 0 and
    (r - 0) / (1 - 0) = r: the adjusted matrix is the items' correlation matrix (numpy), 1 on the diagonal."""
    data, res = mv
    m = res.marker
    assert set(m) == {"name", "r_m", "n_obs", "adjusted"}
    assert m["name"] == "marker" and m["r_m"] == 0.0 and m["n_obs"] == 301
    r = np.corrcoef(data[ITEMS].to_numpy(float), rowvar=False)
    adj = m["adjusted"]
    assert list(adj.index) == ITEMS and list(adj.columns) == ITEMS
    np.testing.assert_allclose(adj.to_numpy(), r, atol=1e-12)
    assert (np.diag(adj.to_numpy()) == 1.0).all()


def test_marker_listwise_and_adjusted_diagonal(hs):
    """Listwise: rows with a missing item or marker are dropped before the correlations (n_obs 301 - 2); the
    diagonal of the adjusted matrix is 1 although (1 - r_M)/(1 - r_M) is 1 only to rounding; off-diagonal
    (r - r_M)/(1 - r_M) by hand with numpy."""
    data = hs.copy()
    data["marker"] = np.random.default_rng(3).standard_normal(len(data)) + 0.1 * data["x1"]
    data.loc[0, "marker"] = np.nan
    data.loc[5, "x4"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = method_variance(data, MODEL, marker="marker")
    m = res.marker
    keep = data[ITEMS + ["marker"]].dropna().to_numpy(float)
    assert m["n_obs"] == len(keep) == 299
    r = np.corrcoef(keep, rowvar=False)
    pos = r[-1, :-1][r[-1, :-1] > 0]
    r_m = pos.min()
    assert m["r_m"] == pytest.approx(r_m, abs=1e-12)
    want = (r[:-1, :-1] - r_m) / (1 - r_m)
    np.fill_diagonal(want, 1.0)
    np.testing.assert_allclose(m["adjusted"].to_numpy(), want, atol=1e-12)
    assert (np.diag(m["adjusted"].to_numpy()) == 1.0).all()
    assert list(m["adjusted"].index) == ITEMS


def test_method_variance_refusals_whole_messages(hs):
    _raises(
        DataError,
        "method_variance() takes the data as a DataFrame whose columns the model names.",
        method_variance,
        hs.to_numpy(),
        MODEL,
    )
    _raises(
        ArgumentError,
        "give a measurement model (factors and their items), without regressions.",
        method_variance,
        hs,
        HS3 + "\nspeed ~ visual",
    )
    _raises(
        ArgumentError,
        "give the measurement model without fixed values or labels.",
        method_variance,
        hs,
        "visual =~ x1 + a*x2 + x3\ntextual =~ x4 + x5 + x6",
    )
    _raises(
        ArgumentError,
        "the names 'method' and 'common' are taken by the method factors; rename the factor.",
        method_variance,
        hs,
        {"common": ["x1", "x2", "x3"], "b": ["x4", "x5", "x6"]},
    )
    _raises(
        ArgumentError,
        "the marker 'x1' is one of the model's items; a marker must be unrelated to them.",
        method_variance,
        hs,
        MODEL,
        marker="x1",
    )
    _raises(DataError, "marker='nope' is not a column of the data.", method_variance, hs, MODEL, marker="nope")


# ---------------------------------------------------------------- sem.invariance with ordinal items


@pytest.fixture(scope=shared_scope)
def ord_groups():
    return pd.read_csv(SEM_REF / "ordinal_groups.csv")


def test_ordinal_invariance_table_as_lavaan(ord_groups):
    """Ordinal items by group (ordinal_groups.csv; lavaan's ordinal_groups_<step> and ordinal_groups_lrt): the
    table's columns are the scaled-shifted figures, AIC and BIC missing (DWLS has no likelihood), the
    differences lavTestLRT's (satorra.2000) and the change in the scaled CFI and RMSEA; thresholds fail
    (CFI 0.99211 -> 0.95813) and loadings are then not assessed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.invariance(ord_groups, ORD3, group="g", ordered=True)
    t = res.table
    assert list(t.columns) == INV_COLUMNS
    assert t.index.name == "step" and list(t.index) == ["configural", "thresholds", "loadings"]
    fits = [reference_json(f"ordinal_groups_{s}")["fit"] for s in t.index]
    pairs = {
        "chi2": "chisq.scaled",
        "p_value": "pvalue.scaled",
        "cfi": "cfi.scaled",
        "tli": "tli.scaled",
        "rmsea": "rmsea.scaled",
        "rmsea.ci.lower": "rmsea.ci.lower.scaled",
        "rmsea.ci.upper": "rmsea.ci.upper.scaled",
        "srmr": "srmr",
    }
    for ours, theirs in pairs.items():
        np.testing.assert_allclose(t[ours].to_numpy(float), [f[theirs] for f in fits], rtol=2e-3, err_msg=ours)
    assert t["df"].tolist() == [48, 72, 78]
    assert t["aic"].isna().all() and t["bic"].isna().all()
    lrt = reference_json("ordinal_groups_lrt")["lrt"]
    assert t.loc["configural", ["delta_chi2", "delta_df", "delta_p_value", "delta_cfi", "delta_rmsea"]].isna().all()
    np.testing.assert_allclose(t["delta_chi2"].iloc[1:], lrt["chisq_diff"][1:], rtol=1e-5)
    assert t["delta_df"].iloc[1:].tolist() == lrt["df_diff"][1:]
    np.testing.assert_allclose(t["delta_p_value"].iloc[1:], lrt["p_value"][1:], rtol=1e-4)
    for k in (1, 2):
        assert t["delta_cfi"].iloc[k] == pytest.approx(fits[k]["cfi.scaled"] - fits[k - 1]["cfi.scaled"], abs=1e-5)
        want = fits[k]["rmsea.scaled"] - fits[k - 1]["rmsea.scaled"]
        assert t["delta_rmsea"].iloc[k] == pytest.approx(want, abs=1e-5)
    assert t["verdict"].tolist() == ["", "fails", "not assessed (thresholds fails)"]
    assert res.failed_step == "thresholds" and res.warnings == ()
    assert res.score_tests["x2"].is_monotonic_decreasing and len(res.score_tests) > 0


def test_ordinal_invariance_step_that_holds(ord_groups):
    """thresholds -> loadings: scaled CFI 0.95813 -> 0.96318 (+0.0051), RMSEA 0.06427 -> 0.05790 (lavaan):
    the loadings step holds, nothing fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.invariance(ord_groups, ORD3, group="g", ordered=True, steps=["thresholds", "loadings"])
    assert res.table["verdict"].tolist() == ["", "holds"]
    assert res.failed_step is None and res.score_tests is None
    _raises(
        ArgumentError,
        "steps: scalar; choose among configural, thresholds, loadings (in that order) for ordered items.",
        cma.invariance,
        ord_groups,
        ORD3,
        group="g",
        ordered=True,
        steps=["configural", "scalar"],
    )


def test_satorra_2000_fields(ord_groups):
    """satorra_2000 returns chi2, df, p_value, a (scale) and b (shift) with T_d = a (T_0 - T_1) + b, where
    T_0, T_1 are lavaan's unscaled statistics of the two fits (131.8129 and 42.9572) and T_d lavaan's
    chisq_diff (129.7131); p_value is the chi-square tail of T_d on m = 24 df."""
    from scipy import stats

    from cmanalytics.psychometrics.sem.categorical import satorra_2000

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        less = sem_fit(ord_groups, ORD3, ordered=True, group="g")
        more = sem_fit(ord_groups, ORD3, ordered=True, group="g", group_equal=["thresholds"])
    d = satorra_2000(less, more)
    assert set(d) == {"chi2", "df", "p_value", "a", "b"}
    lrt = reference_json("ordinal_groups_lrt")["lrt"]
    t1, t0 = lrt["chisq"][0], lrt["chisq"][1]
    assert d["df"] == 24
    assert d["chi2"] == pytest.approx(lrt["chisq_diff"][1], rel=1e-5)
    assert d["a"] * (t0 - t1) + d["b"] == pytest.approx(lrt["chisq_diff"][1], rel=1e-5)
    assert d["p_value"] == pytest.approx(stats.chi2.sf(lrt["chisq_diff"][1], 24), rel=1e-4)
    _raises(
        ArgumentError,
        "the second model must be nested in the first, with more degrees of freedom.",
        satorra_2000,
        more,
        less,
    )


# ---------------------------------------------------------------- sem.mixed: ordinal and continuous items


@pytest.fixture(scope=shared_scope)
def mixed_fit():
    return sem_fit(pd.read_csv(SEM_REF / "hs_mixed.csv"), HS3, ordered=["x4", "x5", "x6"])


def test_mixed_estimates_every_row_and_column_as_lavaan(mixed_fit):
    """parameterEstimates() of lavaan's mixed_wlsmv (x4-x6 ordinal): every row, in our order (the table's
    rows, thresholds, intercepts, scale factors), with z and p missing for what is not free; ci by hand
    (est -+ 1.959964 se)."""
    from scipy import stats

    est = mixed_fit.estimates
    assert list(est.columns) == [
        "lhs",
        "op",
        "rhs",
        "group",
        "label",
        "free",
        "est",
        "se",
        "z",
        "p_value",
        "ci.lower",
        "ci.upper",
        "std.lv",
        "std.all",
    ]
    ops = est["op"].tolist()
    assert ops == ["=~"] * 9 + ["~~"] * 15 + ["|"] * 8 + ["~1"] * 12 + ["~*~"] * 3
    assert (est.loc[est["op"] == "~1", "rhs"] == "").all()
    assert (
        est.loc[est["op"] == "~*~", "lhs"].tolist() == est.loc[est["op"] == "~*~", "rhs"].tolist() == ["x4", "x5", "x6"]
    )
    assert (est["group"] == 1).all() and (est["label"] == "").all()
    ref = pd.DataFrame(reference_json("mixed_wlsmv")["estimates"])
    both = est.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_r"), how="outer", indicator=True)
    assert (both["_merge"] == "both").all() and len(both) == len(ref) == 47
    for ours, theirs, tol in (
        ("est", "est", 3e-5),
        ("se", "se", 1e-5),
        ("std.lv", "std.lv", 3e-5),
        ("std.all", "std.all", 3e-5),
    ):
        np.testing.assert_allclose(both[ours], both[theirs + "_r"], rtol=tol, atol=1e-6, err_msg=ours)
    assert (both["z"].isna() == both["z_r"].isna()).all()
    assert (both["p_value"].isna() == both["pvalue"].isna()).all()
    assert (both["free"] == ~both["z_r"].isna()).all()
    np.testing.assert_allclose(both["z"], both["z_r"], rtol=1e-5)
    np.testing.assert_allclose(both["p_value"], both["pvalue"], rtol=1e-3, atol=1e-15)
    q = stats.norm.ppf(0.975)
    np.testing.assert_allclose(est["ci.lower"], est["est"] - q * est["se"], atol=1e-12)
    np.testing.assert_allclose(est["ci.upper"], est["est"] + q * est["se"], atol=1e-12)


def test_mixed_fit_options(mixed_fit):
    """One group, listwise, WLSMV with the expected information and no mean structure (lavaan's
    lavInspect(fit, "options") for ordered = c("x4","x5","x6"))."""
    assert mixed_fit.options == {
        "group": None,
        "std_lv": False,
        "meanstructure": False,
        "estimator": "WLSMV",
        "missing": "listwise",
        "information": "expected",
        "group_equal": (),
        "group_partial": (),
        "ordered": ("x4", "x5", "x6"),
    }
    assert mixed_fit.estimator == "WLSMV"


# ---------------------------------------------------------------- sem.fitting: the log-likelihoods of _measures

LOGL = ("logl", "unrestricted.logl", "aic", "bic", "bic2", "chisq", "baseline.chisq")


def test_loglikelihoods_with_structured_means_as_lavaan(hs):
    """Scalar invariance (means not saturated: the mean residuals enter the log-likelihood, -N/2 d' S^-1 d)
    against lavaan's fitMeasures of hs_invariance_scalar."""
    ref = reference_json("hs_invariance_scalar")["fit"]
    f = sem_fit(hs, HS3, group="school", group_equal=["loadings", "intercepts"]).fit_measures
    for k in LOGL:
        assert f[k] == pytest.approx(ref[k], rel=1e-6), k


def test_fiml_with_fixed_x_loglikelihoods_as_lavaan():
    """FIML with observed predictors (fixed.x): both log-likelihoods are of the outcomes given the predictors,
    lavaan's fixedx_mimic_fiml (unrestricted.logl -3049.793, logl -3166.372)."""
    mimic = """visual =~ x1 + x2 + x3
               textual =~ x4 + x5 + x6
               speed =~ x7 + x8 + x9
               visual ~ age13 + sex
               speed ~ age13 + grade7"""
    ref = reference_json("fixedx_mimic_fiml")["fit"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 4 cases missing a predictor are dropped, with a DataWarning
        f = sem_fit(pd.read_csv(SEM_REF / "hs_covariates_missing.csv"), mimic, missing="fiml").fit_measures
    for k in LOGL:
        assert f[k] == pytest.approx(ref[k], rel=2e-6), k


def test_uls_has_no_likelihood_and_no_p_value(hs):
    """lavaan's ULS (hs_cfa_uls): no p-value for the statistic nor the baseline (not chi-square distributed)
    and no log-likelihood, AIC or BIC; the statistics themselves as lavaan's."""
    ref = reference_json("hs_cfa_uls")["fit"]
    f = sem_fit(hs, HS3, estimator="ULS").fit_measures
    assert np.isnan(f["pvalue"]) and np.isnan(f["baseline.pvalue"])
    assert not {"logl", "unrestricted.logl", "aic", "bic", "bic2"} & set(f)
    assert f["chisq"] == pytest.approx(ref["chisq"], rel=1e-5)
    assert f["baseline.chisq"] == pytest.approx(ref["baseline.chisq"], rel=1e-5)
    g = sem_fit(hs, HS3, estimator="GLS").fit_measures
    assert 0 < g["pvalue"] < 1 and not {"logl", "aic"} & set(g)


# ---------------------------------------------------------------- sem.results: start values

START_REF = SEM_REF.parent / "mutants" / "semengine_start.json"


def _starts(hs, std_lv, meanstructure, missing="listwise"):
    from cmanalytics.psychometrics.sem.fitting import _group_data, statements_of
    from cmanalytics.psychometrics.sem.model import _structure, build_table
    from cmanalytics.psychometrics.sem.results import start_values

    st = statements_of(HS3)
    groups, _ = _group_data(hs, _structure(st, hs.columns).ov, None, missing, [])
    table = build_table(
        st,
        hs.columns,
        std_lv=std_lv,
        meanstructure=meanstructure,
        n_groups=1,
        group_equal=(),
        group_partial=(),
        fixed_x=False,
    )
    theta = start_values(table, groups)
    return {(r.lhs, r.op, r.rhs): float(theta[r.index]) for r in table.rows if r.free}


def _first_component(hs, items):
    """Loadings of the first principal component of the items' covariance matrix (divisor N), sign positive."""
    s = np.cov(hs[items].to_numpy(float), rowvar=False, ddof=0)
    ev, vec = np.linalg.eigh(s)
    lam = vec[:, -1] * np.sqrt(ev[-1])
    return lam if lam.sum() > 0 else -lam


def test_start_values_as_lavaan_and_by_hand(hs):
    """Residual variances half the observed (divisor N), intercepts the observed means, factor covariances 0:
    lavaan's parTable(fit)$start (semengine_start.json, make_semengine_start.R). Loadings and factor
    variances from each factor's first principal component (numpy): with a marker, loadings divided by the
    marker's and the factor variance the marker's squared; with std_lv the component itself."""
    import json

    ref = json.loads(START_REF.read_text())
    lavaan = {(a, o, b): s for a, o, b, s in zip(ref["lhs"], ref["op"], ref["rhs"], ref["start"])}
    ours = _starts(hs, std_lv=False, meanstructure=True)
    assert len(ours) == 30
    for key, value in ours.items():
        if key[1] == "~1" or (key[1] == "~~" and (key[0] in ITEMS or key[0] != key[2])):
            assert value == pytest.approx(lavaan[key], rel=1e-12, abs=1e-15), key
    flat = _starts(hs, std_lv=True, meanstructure=False)
    assert len(flat) == 21
    for f, items in MODEL.items():
        lam = _first_component(hs, items)
        for k, v in enumerate(items):
            assert flat[(f, "=~", v)] == pytest.approx(lam[k], rel=1e-10)
            if k:
                assert ours[(f, "=~", v)] == pytest.approx(lam[k] / lam[0], rel=1e-10)
        assert ours[(f, "~~", f)] == pytest.approx(lam[0] ** 2, rel=1e-10)
        assert (f, "~~", f) not in flat
    for v in ITEMS:
        assert flat[(v, "~~", v)] == pytest.approx(np.var(hs[v].to_numpy(float)) / 2, rel=1e-12)


def test_modindices_columns_also_when_nothing_is_left_out(hs_fit):
    """A path model of observed variables has no loading, residual or factor covariance to add (lavaan's
    modindices() candidates): the frame is empty but has the columns of a non-empty one."""
    cols = ["lhs", "op", "rhs", "group", "mi", "epc", "sepc.all", "p_value"]
    mi = hs_fit.modindices()
    assert list(mi.columns) == cols
    # lavaan's modindices(fit) of hs_cfa, row for row on (lhs, op, rhs, group): group numbered from 1
    ref = pd.DataFrame(reference_json("hs_cfa")["modindices"])
    both = mi.merge(ref, on=["lhs", "op", "rhs", "group"], suffixes=("", "_r"), how="outer", indicator=True)
    assert (both["_merge"] == "both").all() and (mi["group"] == 1).all()
    for col in ("mi", "epc", "sepc.all"):
        np.testing.assert_allclose(both[col], both[col + "_r"], rtol=5e-5, atol=5e-5, err_msg=col)
    from scipy import stats

    np.testing.assert_allclose(mi["p_value"], stats.chi2.sf(mi["mi"], 1), rtol=1e-10)
    path = sem_fit(pd.read_csv(SEM_REF / "political_democracy.csv"), "y1 ~ x1 + x2\ny5 ~ y1 + x1")
    empty = path.modindices()
    assert list(empty.columns) == cols and len(empty) == 0


def test_invariance_passes_its_options_to_each_step(hs):
    """group_partial frees x3's and x7's intercepts in the scalar step only (lavaan's hs_invariance_partial:
    chi2 129.422 on 58 df; the configural step as hs_invariance_configural); std_lv reaches every fit (the
    same chi-square: an equivalent parameterization)."""
    res = cma.invariance(
        hs, HS3, group="school", steps=["configural", "scalar"], group_partial=["x3 ~ 1", "x7 ~ 1"], std_lv=True
    )
    conf, part = (reference_json(n)["fit"] for n in ("hs_invariance_configural", "hs_invariance_partial"))
    np.testing.assert_allclose(res.table["chi2"], [conf["chisq"], part["chisq"]], rtol=1e-5)
    assert res.table["df"].tolist() == [48, 58]
    assert res.fits["configural"].options["group_partial"] == ()
    assert res.fits["scalar"].options["group_partial"] == ("x3 ~ 1", "x7 ~ 1")
    assert res.fits["scalar"].options["group_equal"] == ("loadings", "intercepts")
    assert all(f.options["std_lv"] is True and f.options["missing"] == "listwise" for f in res.fits.values())


def test_method_variance_under_fiml_keeps_every_case():
    """missing='fiml' reaches the three fits, and the marker's correlations are pairwise over every case
    (pandas' DataFrame.corr: pairwise complete observations), n_obs all rows; the trait model's chi-square
    is lavaan's hs_fiml."""
    data = pd.read_csv(SEM_REF / "hs_missing.csv")
    data["marker"] = np.random.default_rng(7).standard_normal(len(data)) + 0.2 * data["x1"].fillna(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = method_variance(data, MODEL, marker="marker", missing="fiml")
    assert all(f.options["missing"] == "fiml" for f in res.fits.values())
    assert list(res.fits) == ["model", "single factor", "ULMC"]
    assert res.table.loc["model", "chi2"] == pytest.approx(reference_json("hs_fiml")["fit"]["chisq"], rel=1e-5)
    assert res.marker["n_obs"] == len(data)
    r = data[ITEMS + ["marker"]].corr().to_numpy()
    r_m = r[-1, :-1][r[-1, :-1] > 0].min()
    assert res.marker["r_m"] == pytest.approx(r_m, abs=1e-12)


def test_invariance_report_parts(inv, hs):
    """What summary() prints: the groups (lavaan's group labels of HolzingerSwineford1939: Pasteur,
    Grant-White), the cut-offs, the verdict, the table and the ten largest score tests of the failed step
    (lavTestScore: x3 ~1 first); with every step holding, the verdict says so and no score-test table."""
    title, rows, tables, notes, extra = inv._report()
    assert title == "Measurement invariance"
    assert rows == [
        ("groups", "Pasteur, Grant-White"),
        ("cut-offs", "delta CFI > -0.010 (Cheung & Rensvold 2002), delta RMSEA < +0.015 (Chen 2007)"),
        ("verdict", "scalar invariance does not hold"),
    ]
    assert [t for t, _ in tables] == ["Invariance steps", "Score tests: constraints of the scalar model to release"]
    pd.testing.assert_frame_equal(tables[0][1], inv.table)
    pd.testing.assert_frame_equal(tables[1][1], inv.score_tests.head(10))
    assert len(tables[1][1]) == 10 and tables[1][1]["parameter"].iloc[0] == "x3 ~1"
    assert notes == () and extra == ()
    holds = cma.invariance(hs, HS3, group="school", steps=["configural", "metric"])
    _, rows, tables, _, _ = holds._report()
    assert rows[2] == ("verdict", "invariance holds at every step")
    assert [t for t, _ in tables] == ["Invariance steps"]
    assert repr(holds) == "<InvarianceResult: 2 steps up to metric; all steps hold>"


def test_method_variance_report_parts(mv, hs):
    """summary()'s parts: the ULMC share against Williams et al.'s 25%, the marker's r_M, the models and the
    adjusted correlations; without a marker neither of the marker's parts."""
    _, res = mv
    title, rows, tables, notes, extra = res._report()
    assert title == "Common-method variance"
    assert rows == [
        ("method variance (ULMC)", "32.3% of item variance (Williams et al. 1989 median: 25%)"),
        ("marker r_M", "0.000 (marker)"),
    ]
    assert [t for t, _ in tables] == ["Models", "Correlations adjusted for the marker (Lindell & Whitney)"]
    pd.testing.assert_frame_equal(tables[0][1], res.table)
    pd.testing.assert_frame_equal(tables[1][1], res.marker["adjusted"])
    assert notes == res.warnings and extra == res.interpretation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = method_variance(hs, MODEL)
    assert plain.marker is None and len(plain.interpretation) == 2
    _, rows, tables, _, _ = plain._report()
    assert [r for r, _ in rows] == ["method variance (ULMC)"] and [t for t, _ in tables] == ["Models"]


def test_mixed_fit_measures_as_lavaan(mixed_fit):
    """fitMeasures of lavaan's mixed_wlsmv: the DWLS statistic and its scaled-shifted version, the baseline,
    CFI/TLI/RMSEA plain and scaled, SRMR."""
    ref = reference_json("mixed_wlsmv")["fit"]
    keys = (
        "npar chisq df pvalue chisq.scaled df.scaled pvalue.scaled chisq.scaling.factor baseline.chisq "
        "baseline.df baseline.chisq.scaled baseline.chisq.scaling.factor cfi tli cfi.scaled tli.scaled rmsea "
        "rmsea.ci.lower rmsea.ci.upper rmsea.scaled rmsea.ci.lower.scaled rmsea.ci.upper.scaled srmr"
    ).split()
    for k in keys:
        assert mixed_fit.fit_measures[k] == pytest.approx(ref[k], rel=1e-5, abs=1e-8), k


def test_start_intercepts_with_missing_values_are_the_observed_means():
    """Under FIML the group's moments are not computed (NaN); the intercepts start at each item's mean over
    its observed values (numpy nanmean), as lavaan's starts from the available data."""
    data = pd.read_csv(SEM_REF / "hs_missing.csv")
    starts = _starts(data, std_lv=False, meanstructure=True, missing="fiml")
    want = np.nanmean(data[ITEMS].to_numpy(float), axis=0)
    np.testing.assert_allclose([starts[(v, "~1", "")] for v in ITEMS], want, rtol=1e-12)


def _starts_of(data, model, group=None, meanstructure=False, group_equal=(), std_lv=False):
    from cmanalytics.psychometrics.sem.fitting import _group_data, statements_of
    from cmanalytics.psychometrics.sem.model import _structure, build_table
    from cmanalytics.psychometrics.sem.results import start_values

    st = statements_of(model)
    groups, _ = _group_data(data, _structure(st, data.columns).ov, group, "listwise", [])
    table = build_table(
        st,
        data.columns,
        std_lv=std_lv,
        meanstructure=meanstructure,
        n_groups=len(groups),
        group_equal=group_equal,
        group_partial=(),
        fixed_x=False,
    )
    theta = start_values(table, groups)
    return {(r.lhs, r.op, r.rhs, r.group): float(theta[r.index]) for r in table.rows if r.free}


def test_start_values_of_other_parameters_by_hand(hs):
    """The starts' other rules, by hand: a second-order loading 1 and its factor's variance 0.05, a regression
    0 (lavaan's simple starts); in a path model the observed variables' variances their sample variances
    (divisor N) and their intercepts their means; equal loadings across groups start at the first group's
    (Pasteur's) first principal component; items of small variance (largest eigenvalue below 1) keep the
    component's scale sqrt(e)."""
    s = _starts_of(hs, HS3 + "\ng =~ visual + textual + speed\nspeed ~ visual")
    assert s[("g", "=~", "textual", 0)] == s[("g", "=~", "speed", 0)] == 1.0
    assert s[("g", "~~", "g", 0)] == 0.05 and s[("speed", "~", "visual", 0)] == 0.0
    pdm = pd.read_csv(SEM_REF / "political_democracy.csv")
    s = _starts_of(pdm, "y1 ~ x1 + x2\ny5 ~ y1 + x1", meanstructure=True)
    for v in ("y1", "x1", "x2", "y5"):
        x = pdm[v].to_numpy(float)
        assert s[(v, "~~", v, 0)] == pytest.approx(np.var(x), rel=1e-12)
        assert s[(v, "~1", "", 0)] == pytest.approx(x.mean(), rel=1e-12)
    assert s[("y1", "~", "x1", 0)] == s[("x1", "~~", "x2", 0)] == 0.0
    s = _starts_of(hs, HS3, group="school", group_equal=("loadings",))
    first = hs[hs["school"] == "Pasteur"]
    for f, items in MODEL.items():
        lam = _first_component(first, items)
        for k, v in enumerate(items[1:], 1):
            assert s[(f, "=~", v, 0)] == s[(f, "=~", v, 1)] == pytest.approx(lam[k] / lam[0], rel=1e-10)
    small = hs[ITEMS] * 0.3
    s = _starts_of(small, HS3, std_lv=True)
    for f, items in MODEL.items():
        lam = _first_component(small, items)
        assert np.linalg.norm(lam) < 1  # the largest eigenvalue is below 1
        for k, v in enumerate(items):
            assert s[(f, "=~", v, 0)] == pytest.approx(lam[k], rel=1e-10)


def test_mixed_fit_keeps_its_parameter_table(mixed_fit):
    """The table's free parameters: 6 loadings, the 6 continuous items' residual variances, 3 factor
    variances and 3 covariances = 18; lavaan's npar (32) adds the 8 thresholds and 6 means."""
    assert mixed_fit.table.n_free == 18 == reference_json("mixed_wlsmv")["fit"]["npar"] - 8 - 6
    assert mixed_fit.table.structure.ov == ITEMS
    assert mixed_fit.table.structure.lv == ["visual", "textual", "speed"]


def test_marker_checks_of_the_helper_word_for_word(hs):
    """_marker's own checks (method_variance checks first, so called directly here)."""
    from cmanalytics.psychometrics.sem.method_variance import _marker

    _raises(DataError, "marker='nope' is not a column of the data.", _marker, hs, ITEMS, "nope", "listwise")
    _raises(
        ArgumentError,
        "the marker 'x2' is one of the model's items; a marker must be unrelated to them.",
        _marker,
        hs,
        ITEMS,
        "x2",
        "listwise",
    )


def test_interpretation_when_one_factor_does_as_well():
    """The other branches of the sentences, on a table written by hand: the single factor not significantly
    worse (p = .20), a method share of 10% (less than 25%), the ULMC not improving (p = .50)."""
    from cmanalytics.psychometrics.sem.method_variance import _interpret

    table = pd.DataFrame(
        {
            "chi2": [30.0, 32.5, 29.5],
            "df": [24, 27, 23],
            "cfi": [0.99, 0.985, 0.991],
            "delta_chi2": [np.nan, 2.5, -0.5],
            "delta_df": [np.nan, 3.0, -1.0],
            "delta_p_value": [np.nan, 0.2, 0.5],
        },
        index=["model", "single factor", "ULMC"],
    )
    assert _interpret(table, 0.10, None) == [
        "The single-factor model does not fit significantly worse than the model: one common (method) factor "
        "may account for the covariation (delta chi-square 2.500 on 3 df, CFI 0.985 against 0.990).",
        "The method factor (ULMC) takes 10.0% of the items' variance, less than the median 25% of published "
        "studies (Williams et al. 1989); adding it does not significantly improve the fit (delta chi-square "
        "0.500 on 1 df).",
    ]
