"""Mutation tests of the ordinal and mixed WLSMV parts of the SEM engine (sem.categorical, sem.polyserial,
sem.mixed, sem.invariance).

* The case-wise scores of polyserial.py (_pair_mixed, _pair_ordinal, _pair_continuous, _threshold_scores,
  _margins) against central finite differences of log-likelihoods written out here independently: the normal
  density of y times Phi(u_c) - Phi(u_{c-1}); the bivariate normal cell probabilities by one-dimensional
  quadrature; the bivariate normal density by scipy.stats.
* polyserial() and the robust (catML) CFI/TLI/RMSEA, fit_ordinal's group_equal, the score tests of released
  thresholds, and fit_mixed's std_lv against lavaan 0.6-14 (tests/reference/mutants/semord3_reference.json
  from make_semord3_reference.R, with the data sets semord3_*.csv it writes).
* Each refusal's whole message.
"""

from __future__ import annotations

import importlib
import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import categorical, polyserial, sem_fit
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, SEM_REF

REF_DIR = Path(__file__).resolve().parents[1] / "reference" / "mutants"
ONE = "f =~ u1 + u2 + u3 + u4"
MIXED_ORDERED = ["x4", "x5", "x6"]
# the module (the package exports the function invariance under the same name)
invariance = importlib.import_module("cmanalytics.psychometrics.sem.invariance")
H = 1e-6  # central-difference step


@pytest.fixture(scope=shared_scope)
def ref():
    return json.loads((REF_DIR / "semord3_reference.json").read_text())


def _csv(name):
    return pd.read_csv(REF_DIR / name)


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def _fd(f, x, h=H):
    """Central differences of a vector-valued f (one value per case) in each coordinate of x: cases x params."""
    x = np.asarray(x, float)
    cols = []
    for k in range(len(x)):
        e = np.zeros_like(x)
        e[k] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.column_stack(cols)


# ---- case-wise scores against finite differences ----------------------------------------------------------
def _mixed_loglik(y, codes, params):
    """log[phi((y - m)/sd)/sd] + log[Phi(u_c) - Phi(u_{c-1})], u = (tau - rho z)/sqrt(1 - rho^2); params =
    (rho, mean, var, tau...)."""
    rho, mean, var, tau = params[0], params[1], params[2], params[3:]
    z = (y - mean) / np.sqrt(var)
    cuts = np.concatenate([[-np.inf], tau, [np.inf]])
    s = np.sqrt(1 - rho**2)
    p = stats.norm.cdf((cuts[codes + 1] - rho * z) / s) - stats.norm.cdf((cuts[codes] - rho * z) / s)
    return stats.norm.logpdf(y, mean, np.sqrt(var)) + np.log(p)


@pytest.mark.parametrize("rho", [0.35, -0.6])
def test_pair_mixed_scores_are_the_loglikelihoods_derivatives(rho):
    rng = np.random.default_rng(5)
    y = rng.normal(5.0, 2.0, 40)
    codes = np.tile(np.arange(4), 10)  # every category, the two extreme ones with an infinite cut
    tau = np.array([-0.8, 0.1, 0.9])
    mean, var = 5.1, 3.7  # the scores hold at any parameter value, not only at the estimates
    d_rho, d_mean, d_var, d_tau = polyserial._pair_mixed(y, mean, var, codes, tau, rho)
    want = _fd(lambda q: _mixed_loglik(y, codes, q), np.concatenate([[rho, mean, var], tau]))
    np.testing.assert_allclose(d_rho, want[:, 0], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d_mean, want[:, 1], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d_var, want[:, 2], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d_tau, want[:, 3:], rtol=1e-6, atol=1e-8)
    assert d_tau.shape == (40, 3)


def _cell_prob(a_lo, a_up, b_lo, b_up, rho):
    """P(a_lo < X <= a_up, b_lo < Y <= b_up), standard bivariate normal with correlation rho, by quadrature
    of phi(x)[Phi((b_up - rho x)/s) - Phi((b_lo - rho x)/s)] over x."""
    s = np.sqrt(1 - rho**2)

    def f(x):
        return stats.norm.pdf(x) * (special.ndtr((b_up - rho * x) / s) - special.ndtr((b_lo - rho * x) / s))

    return integrate.quad(f, a_lo, a_up, epsabs=1e-14, epsrel=1e-13, limit=200)[0]


@pytest.mark.parametrize("rho", [0.45, -0.3])
def test_pair_ordinal_scores_are_the_cell_loglikelihoods_derivatives(rho):
    ta, tb = np.array([-0.5, 0.7]), np.array([-1.0, 0.2, 1.1])
    ca = np.repeat(np.arange(3), 4)  # all 12 cells once
    cb = np.tile(np.arange(4), 3)

    def loglik(q):
        r, a, b = q[0], q[1:3], q[3:]
        xa, yb = np.concatenate([[-np.inf], a, [np.inf]]), np.concatenate([[-np.inf], b, [np.inf]])
        return np.log([_cell_prob(xa[i], xa[i + 1], yb[j], yb[j + 1], r) for i, j in zip(ca, cb)])

    d_rho, sa, sb = polyserial._pair_ordinal(ca, cb, ta, tb, rho)
    want = _fd(loglik, np.concatenate([[rho], ta, tb]), h=1e-5)
    np.testing.assert_allclose(d_rho, want[:, 0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sa, want[:, 1:3], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sb, want[:, 3:], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("rho", [0.3, -0.7])
def test_pair_continuous_scores_are_the_bivariate_normal_derivatives(rho):
    rng = np.random.default_rng(9)
    y1, y2 = rng.normal(1.0, 1.5, 25), rng.normal(-2.0, 0.7, 25)
    m1, v1, m2, v2 = 0.8, 2.1, -1.9, 0.45

    def loglik(q):
        r, a1, w1, a2, w2 = q
        c = r * np.sqrt(w1 * w2)
        return stats.multivariate_normal([a1, a2], [[w1, c], [c, w2]]).logpdf(np.column_stack([y1, y2]))

    got = polyserial._pair_continuous(y1, m1, v1, y2, m2, v2, rho)
    want = _fd(loglik, [rho, m1, v1, m2, v2])
    for k in range(5):
        np.testing.assert_allclose(got[k], want[:, k], rtol=1e-6, atol=1e-8, err_msg=str(k))


def _univariate_loglik(codes, tau):
    cuts = np.concatenate([[-np.inf], tau, [np.inf]])
    return np.log(stats.norm.cdf(cuts[codes + 1]) - stats.norm.cdf(cuts[codes]))


def test_threshold_scores_of_both_modules_are_the_derivatives():
    codes = np.array([0, 1, 2, 3, 4, 2, 0, 4, 1])
    tau = np.array([-1.2, -0.3, 0.4, 1.5])
    want = _fd(lambda t: _univariate_loglik(codes, t), tau)
    np.testing.assert_allclose(polyserial._threshold_scores(codes, tau), want, rtol=1e-7, atol=1e-9)
    # a binary item: its one threshold is the upper cut of category 0 and the lower cut of category 1
    binary = np.array([0, 1, 1, 0, 1])
    want_b = _fd(lambda t: _univariate_loglik(binary, t), [0.3])
    np.testing.assert_allclose(polyserial._threshold_scores(binary, np.array([0.3])), want_b, rtol=1e-7)
    # categorical's: several items side by side, each in its own columns
    codes2, tau2 = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1]), np.array([0.25])
    got = categorical._threshold_scores([codes, codes2], [tau, tau2], np.array([0, 4, 5]))
    want2 = _fd(lambda t: _univariate_loglik(codes2, t), tau2)
    np.testing.assert_allclose(got, np.hstack([want, want2]), rtol=1e-7, atol=1e-9)


def test_margins_scores_thresholds_means_and_variances():
    """The first step of mixed_moments: an ordinal item's thresholds Phi^-1 of its cumulative proportions and
    their scores; a continuous variable's mean, variance (divisor N) and their normal-likelihood scores."""
    rng = np.random.default_rng(3)
    y = rng.normal(2.0, 1.3, 30)
    x = np.tile([1.0, 2.0, 2.0, 3.0, 5.0], 6)  # codes 0..3 from the values 1, 2, 3, 5
    data = np.column_stack([y, x])
    m = polyserial._margins(data, np.array([False, True]))
    mean, var = y.sum() / 30, ((y - y.sum() / 30) ** 2).sum() / 30
    tau = stats.norm.ppf(np.array([6, 18, 24]) / 30)
    assert m.means[0] == pytest.approx(mean, rel=1e-14)
    assert m.vars_[0] == pytest.approx(var, rel=1e-14)
    np.testing.assert_allclose(m.taus[1], tau, rtol=1e-12)
    np.testing.assert_array_equal(m.codes[1], np.tile([0, 1, 1, 2, 3], 6))
    # columns: y's mean, x's three thresholds, then y's variance
    assert list(m.th_start) == [0, 1, 4] and m.var_col == {0: 4} and m.n11 == 5
    np.testing.assert_array_equal(m.num, [0])
    d_mv = _fd(lambda q: stats.norm.logpdf(y, q[0], np.sqrt(q[1])), [mean, var])
    np.testing.assert_allclose(m.scores[:, 0], d_mv[:, 0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(m.scores[:, 4], d_mv[:, 1], rtol=1e-6, atol=1e-9)
    d_t = _fd(lambda t: _univariate_loglik(m.codes[1], t), tau)
    np.testing.assert_allclose(m.scores[:, 1:4], d_t, rtol=1e-7, atol=1e-9)


def test_an_ordinal_item_with_one_category_is_refused():
    x = np.column_stack([np.arange(10.0), np.full(10, 2.0)])
    with pytest.raises(DataError) as e:
        polyserial.mixed_moments(x, np.array([False, True]))
    assert str(e.value) == "an ordinal item has a single category: it carries no information."


# ---- polyserial() against lavaan --------------------------------------------------------------------------
def _two_step_inputs(frame):
    y, x = frame["y"].to_numpy(float), frame["x"].to_numpy()
    _, codes = np.unique(x, return_inverse=True)
    tau = stats.norm.ppf(np.cumsum(np.bincount(codes))[:-1] / len(x))
    return y, codes, tau, y.mean(), ((y - y.mean()) ** 2).mean()


def test_polyserial_negative_correlation_as_lavCor(ref):
    got = polyserial.polyserial(*_two_step_inputs(_csv("semord3_polyserial.csv")))
    assert got == pytest.approx(ref["polyserial"], abs=2e-6)


def test_polyserial_of_an_exact_cut_stops_at_lavaans_bound(ref):
    frame = _csv("semord3_polyserial.csv")
    frame["x"] = np.searchsorted([8, 10, 12], frame["y"], side="right") + 1  # R's findInterval + 1
    assert ref["polyserial_edge"] == 0.995
    assert polyserial.polyserial(*_two_step_inputs(frame)) == pytest.approx(0.995, abs=1e-7)


# ---- robust (catML) indices, fit_ordinal and the score tests ------------------------------------------------
ROBUST = ("cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust")


@pytest.fixture(scope=shared_scope)
def indep_fit():
    return _quiet(sem_fit, _csv("semord3_indep.csv"), ONE, ordered=True)


@pytest.fixture(scope=shared_scope)
def groups_fits():
    data = _csv("semord3_groups.csv")
    return {e: _quiet(sem_fit, data, ONE, ordered=True, group="g", group_equal=[e]) for e in ("loadings", "thresholds")}


def _check_measures(fit, want, keys):
    for k in keys:
        assert fit.fit_measures[k] == pytest.approx(want[k], rel=2e-5, abs=1e-7), k


def test_robust_cfi_is_one_when_model_and_baseline_fall_below_expectation(indep_fit, ref):
    """Independent items: the catML statistics of the model and of the baseline both below their expected
    values (lavaan's baseline excess -N log|R| - tr(Gamma) is negative and its rmsea.robust 0), so
    t1 = t2 = 0 and CFI is 1 by definition."""
    want = ref["indep"]
    assert want["base_excess"] < 0 and want["rmsea.robust"] == 0 and want["cfi.robust"] == 1
    assert indep_fit.fit_measures["cfi.robust"] == 1.0
    assert indep_fit.fit_measures["rmsea.robust"] == 0.0
    _check_measures(indep_fit, want, ROBUST + ("rmsea.pvalue.robust", "chisq", "chisq.scaled", "df"))


def test_robust_indices_of_a_model_worse_than_the_baseline(ref):
    """Fixed loadings .8 with the factor variance 1 on independent items: the model's excess exceeds the
    baseline's, CFI 0, TLI far above 1 (the baseline's excess is negative), RMSEA .56 as lavaan."""
    fit = _quiet(sem_fit, _csv("semord3_indep.csv"), "f =~ 0.8*u1 + 0.8*u2 + 0.8*u3 + u4\nf ~~ 1*f", ordered=True)
    want = ref["fixed"]
    assert fit.fit_measures["cfi.robust"] == pytest.approx(0.0, abs=1e-12)
    _check_measures(fit, want, ROBUST + ("rmsea.pvalue.robust", "chisq", "chisq.scaled", "df"))


def test_two_groups_equal_loadings_robust_indices_as_lavaan(groups_fits, ref):
    fit = groups_fits["loadings"]
    _check_measures(fit, ref["groups_loadings"], ROBUST + ("rmsea.pvalue.robust", "chisq", "chisq.scaled", "df"))
    assert fit.fit_measures["cfi.scaled"] == pytest.approx(ref["groups_loadings"]["cfi.scaled"], rel=1e-6)
    assert fit.n_obs == (250, 250) and fit.group_labels == ("a", "b")


def test_two_groups_equal_thresholds_have_no_robust_indices(groups_fits, ref):
    """lavaan gives NA for the robust indices once thresholds are constrained; here they are left out."""
    fit = groups_fits["thresholds"]
    want = ref["groups_thresholds"]
    assert all(want[k] is None for k in ROBUST)
    assert not any(k in fit.fit_measures for k in (*ROBUST, "rmsea.pvalue.robust"))
    _check_measures(fit, want, ("chisq", "chisq.scaled", "df", "cfi.scaled"))


def test_ordinal_fit_options_and_estimator(groups_fits):
    fit = groups_fits["thresholds"]
    assert fit.estimator == "WLSMV" and fit.missing == "listwise" and fit.converged
    assert fit.options == dict(
        group="g",
        std_lv=False,
        meanstructure=True,
        estimator="WLSMV",
        missing="listwise",
        information="expected",
        group_equal=("thresholds",),
        group_partial=(),
        ordered=("u1", "u2", "u3", "u4"),
    )


def test_score_tests_of_equal_thresholds_as_lavTestScore(groups_fits, ref):
    """lavTestScore(fit): one row per threshold of group 2 (.p5. == .p35. is u1 | t1, ...), and the total."""
    out = categorical.ordinal_release_tests(groups_fits["thresholds"])
    want = ref["groups_thresholds_score"]
    names = [f"u{j} | t{k}" for j in range(1, 5) for k in range(1, 4)]
    assert list(out.columns) == ["parameter", "group", "x2", "df", "p_value"]
    assert list(out["parameter"]) == names and (out["group"] == 2).all() and (out["df"] == 1).all()
    np.testing.assert_allclose(out["x2"], want["uni"]["X2"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out["p_value"], want["uni"]["p.value"], rtol=1e-4, atol=1e-6)
    total = out.attrs["total"]
    assert total["df"] == want["test"]["df"] == 12
    assert total["x2"] == pytest.approx(want["test"]["X2"], rel=1e-4)
    assert total["p_value"] == pytest.approx(want["test"]["p.value"], rel=1e-6)


def test_score_tests_refusals_whole_messages(indep_fit):
    with pytest.raises(ArgumentError) as e:
        categorical.ordinal_release_tests(indep_fit)
    assert str(e.value) == "the model has no equality constraint across groups to release."
    mixed = _quiet(sem_fit, pd.read_csv(SEM_REF / "hs_mixed.csv"), HS3, ordered=MIXED_ORDERED)
    with pytest.raises(ArgumentError) as e:
        categorical.ordinal_release_tests(mixed)
    assert str(e.value) == "score tests of released constraints are for ordinal items in several groups."


def test_group_equal_not_for_ordered_items_whole_message():
    data = _csv("semord3_groups.csv")
    text = (
        "group_equal: residuals, residual.covariances with ordered items; choose among thresholds, loadings, "
        "intercepts, means, lv.variances, lv.covariances, regressions (in lavaan's delta parameterization the "
        "ordinal items' residual variances are not parameters, so 'residuals' cannot be constrained)."
    )
    with pytest.raises(ArgumentError, match="^" + re.escape(text) + "$"):
        sem_fit(data, ONE, ordered=True, group="g", group_equal=["loadings", "residuals", "residual.covariances"])


# ---- fit_mixed: std_lv -----------------------------------------------------------------------------------
def test_mixed_fit_with_std_lv_as_lavaan(ref):
    want = ref["mixed_stdlv"]
    fit = _quiet(sem_fit, pd.read_csv(SEM_REF / "hs_mixed.csv"), HS3, ordered=MIXED_ORDERED, std_lv=True)
    assert fit.fit_measures["chisq"] == pytest.approx(want["chisq"], rel=1e-5)
    assert fit.fit_measures["chisq.scaled"] == pytest.approx(want["chisq.scaled"], rel=1e-5)
    assert fit.fit_measures["npar"] == want["npar"]
    est = fit.estimates
    loadings = est[est["op"] == "=~"]
    theirs = pd.DataFrame(want["estimates"])
    both = loadings.merge(theirs, on=["lhs", "op", "rhs"], suffixes=("", "_r"))
    assert len(both) == 9 and both["free"].all()  # std.lv: every loading free, the first ones too
    np.testing.assert_allclose(both["est"], both["est_r"], rtol=3e-5)
    np.testing.assert_allclose(both["se"], both["se_r"], rtol=3e-5)
    variances = est[(est["op"] == "~~") & (est["lhs"] == est["rhs"]) & est["lhs"].isin(["visual", "textual", "speed"])]
    assert (variances["est"] == 1.0).all() and not variances["free"].any()
    assert fit.options == dict(
        group=None,
        std_lv=True,
        meanstructure=False,
        estimator="WLSMV",
        missing="listwise",
        information="expected",
        group_equal=(),
        group_partial=(),
        ordered=("x4", "x5", "x6"),
    )


# ---- invariance: the verdict at the cut-offs ---------------------------------------------------------------
def _stub(chisq, df, cfi, rmsea):
    f = {
        "chisq": chisq,
        "df": df,
        "pvalue": float(stats.chi2.sf(chisq, df)),
        "cfi": cfi,
        "tli": cfi,
        "rmsea": rmsea,
        "rmsea.ci.lower": 0.0,
        "rmsea.ci.upper": 0.1,
        "srmr": 0.03,
    }
    return SimpleNamespace(fit_measures=f)


def test_invariance_table_verdict_at_the_documented_cutoffs():
    """A step holds when CFI drops by less than .010 and RMSEA rises by less than .015: a rise of exactly .015
    fails, as does a drop of exactly .010; the chi-square difference and its p value from the two models."""
    fits = {
        "configural": _stub(10.0, 8, 0.99, 0.0),
        "metric": _stub(15.0, 11, 0.985, 0.015),  # RMSEA rises by exactly .015
        "scalar": _stub(18.0, 14, 0.975, 0.015),  # CFI drops by exactly .010
        "strict": _stub(18.5, 14, 0.974, 0.016),  # no df gained: no p value
    }
    for name, f in fits.items():
        f.fit_measures["aic"] = 100.0 + len(name)
    tab = invariance._table(fits, -0.010, 0.015)
    assert list(tab.index) == ["configural", "metric", "scalar", "strict"] and tab.index.name == "step"
    assert list(tab["verdict"]) == ["", "fails", "fails", "holds"]
    assert list(tab.columns) == [
        "chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic",
        "delta_chi2", "delta_df", "delta_p_value", "delta_cfi", "delta_rmsea", "verdict",
    ]  # fmt: skip
    assert list(tab["cfi"]) == [0.99, 0.985, 0.975, 0.974] and list(tab["tli"]) == list(tab["cfi"])
    assert list(tab["rmsea"]) == [0.0, 0.015, 0.015, 0.016] and list(tab["chi2"]) == [10.0, 15.0, 18.0, 18.5]
    assert list(tab["df"]) == [8, 11, 14, 14] and (tab["srmr"] == 0.03).all()
    assert (tab["rmsea.ci.lower"] == 0.0).all() and (tab["rmsea.ci.upper"] == 0.1).all()
    assert tab.loc["configural", "p_value"] == pytest.approx(stats.chi2.sf(10.0, 8), rel=1e-12)
    assert tab.loc["metric", "delta_chi2"] == 5.0 and tab.loc["metric", "delta_df"] == 3
    assert tab.loc["metric", "delta_p_value"] == pytest.approx(stats.chi2.sf(5.0, 3), rel=1e-12)
    assert np.isnan(tab.loc["strict", "delta_p_value"])
    assert np.isnan(tab.loc["configural", "delta_chi2"]) and np.isnan(tab.loc["configural", "delta_cfi"])
    assert tab.loc["metric", "aic"] == 106.0 and np.isnan(tab.loc["metric", "bic"])
    assert tab.loc["scalar", "delta_cfi"] == pytest.approx(-0.010, abs=1e-15)


# ---- _group_moments and the ordinal/mixed refusals ---------------------------------------------------------
SMALL = "polychoric correlations and their asymptotic covariance (WLSMV) are unstable below a few hundred cases."


@pytest.mark.parametrize(
    "change, text",
    [
        ({"group": "zz"}, "group='zz' is not a column of the data."),
        ({"g": ["a", None] * 200}, "the group column 'g' has 200 missing value(s)."),
        ({"g": "a"}, "the group column 'g' holds a single group; drop group= for one group."),
        ({"g": ["a"] * 396 + ["b"] * 4}, "4 complete rows in group 'b' are too few for 4 ordinal items."),
    ],
)
def test_ordinal_group_column_refusals_whole_messages(change, text):
    data = _csv("semord3_indep.csv")
    group = change.get("group", "g")
    if "g" in change:
        data = data.assign(g=change["g"])
    with pytest.raises(DataError) as e:
        sem_fit(data, ONE, ordered=True, group=group)
    assert str(e.value) == text


def test_small_groups_are_warned_of_with_their_size_and_name():
    data = _csv("semord3_groups.csv")
    one = _quiet(sem_fit, data.iloc[:90].drop(columns="g"), ONE, ordered=True)
    assert one.warnings[0] == "only 90 cases: " + SMALL and one.n_obs == (90,)
    assert one.group_labels == ("all",)  # one group is labelled "all", as in the continuous and mixed fits
    two = _quiet(sem_fit, pd.concat([data.iloc[:90], data.iloc[250:330]]), ONE, ordered=True, group="g")
    assert two.warnings[:2] == ("only 90 cases in group 'a': " + SMALL, "only 80 cases in group 'b': " + SMALL)
    assert two.n_obs == (90, 80) and two.group_labels == ("a", "b")
    full = _quiet(sem_fit, data, ONE, ordered=True, group="g", group_equal=["loadings"])
    assert not any(SMALL in w for w in full.warnings)


def test_ordinal_rows_with_a_missing_value_are_dropped(ref):
    data = _csv("semord3_groups.csv").astype({"u1": float, "u2": float, "u4": float})
    data.iloc[[3, 260, 261], [0, 1, 3]] = np.nan
    fit = _quiet(sem_fit, data, ONE, ordered=True, group="g", group_equal=["loadings"])
    assert fit.n_obs == (249, 248)


def test_regressions_on_observed_variables_are_refused_with_ordinal_items():
    with pytest.raises(ArgumentError) as e:
        sem_fit(_csv("semord3_indep.csv"), "f =~ u1 + u2 + u3\nu4 ~ f", ordered=True)
    assert str(e.value) == (
        "regressions with observed ordinal variables are not supported; regress latent variables on each other."
    )
    hs = pd.read_csv(SEM_REF / "hs_mixed.csv")
    with pytest.raises(ArgumentError) as e:
        sem_fit(hs, "visual =~ x1 + x2 + x3\nx4 ~ visual", ordered=["x4"])
    assert str(e.value) == "regressions with observed variables are not supported with ordinal items."
    with pytest.raises(DataError) as e:
        sem_fit(hs.iloc[:6], HS3, ordered=MIXED_ORDERED)
    assert str(e.value) == "6 complete rows are too few for 9 items."


def test_mixed_estimates_every_column_as_lavaan():
    """All 47 rows of lavaan's parameterEstimates for the mixed fit (tests/reference/sem/mixed_wlsmv.json):
    z and p missing exactly where lavaan's are (fixed rows: marker loadings, the ordinal items' residual
    variances, scales and intercepts, the latent means), std.lv, the 95% interval est -+ 1.959964 se."""
    fit = _quiet(sem_fit, pd.read_csv(SEM_REF / "hs_mixed.csv"), HS3, ordered=MIXED_ORDERED)
    ref = json.loads((SEM_REF / "mixed_wlsmv.json").read_text())["estimates"]
    theirs = pd.DataFrame(ref)
    for c in ("z", "pvalue"):
        theirs[c] = pd.to_numeric(theirs[c], errors="coerce")
    est = fit.estimates
    assert list(est.columns) == [
        "lhs", "op", "rhs", "group", "label", "free", "est", "se", "z", "p_value", "ci.lower", "ci.upper",
        "std.lv", "std.all",
    ]  # fmt: skip
    both = est.merge(theirs, on=["lhs", "op", "rhs"], suffixes=("", "_r"), how="outer", indicator=True)
    assert (both["_merge"] == "both").all() and len(est) == 47
    assert (est["group"] == 1).all() and (est["label"] == "").all()
    assert (both["free"] == both["z_r"].notna()).all() and (both["z"].isna() == both["z_r"].isna()).all()
    np.testing.assert_allclose(both["z"], both["z_r"], rtol=3e-5)
    np.testing.assert_allclose(both["p_value"], both["pvalue"], rtol=1e-4, atol=1e-12)
    np.testing.assert_allclose(both["std.lv"], both["std.lv_r"], rtol=3e-5, atol=1e-6)
    np.testing.assert_allclose(both["std.all"], both["std.all_r"], rtol=3e-5, atol=1e-6)
    q = stats.norm.ppf(0.975)
    np.testing.assert_allclose(est["ci.lower"], est["est"] - q * est["se"], atol=1e-12)
    np.testing.assert_allclose(est["ci.upper"], est["est"] + q * est["se"], atol=1e-12)


def test_mixed_estimates_keep_the_users_labels():
    model = "visual =~ x1 + a*x2 + x3\ntextual =~ x4 + b*x5 + x6\nspeed =~ x7 + x8 + x9"
    fit = _quiet(sem_fit, pd.read_csv(SEM_REF / "hs_mixed.csv"), model, ordered=MIXED_ORDERED)
    labels = dict(zip(fit.estimates["rhs"] + fit.estimates["op"], fit.estimates["label"]))
    assert labels["x2=~"] == "a" and labels["x5=~"] == "b" and labels["x1=~"] == ""
    assert (fit.estimates["label"] != "").sum() == 2
