"""Score tests and residuals of sem/scores.py (mutation testing, issue 13, third session): the candidates of the
modification indices row by row, modification indices against lavaan on two groups (configural and metric), with
observed predictors and on rescaled data, lavTestScore on the metric model, the residual kinds of a two-group
model with means against lavaan::resid, every refusal word for word, and the division of the residuals by their
standard errors by hand (with numpy's warnings as errors).

References: tests/reference/mutants/semscores3_reference.json, made by semscores3_make_reference.R (lavaan
0.6-14); the residual standard errors of tests/reference/sem/residuals_*.json (make_residuals_reference.R).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.sem import scores as sem_scores
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.model import Row
from cmanalytics.psychometrics.sem.scores import RESIDUAL_KINDS, _candidates, _divide, release_tests
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, ORD3, SEM_REF

REF = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "mutants" / "semscores3_reference.json").read_text()
)
MG = HS3 + "\nx3 ~~ x2"  # the residual covariance written in the order opposite to the items'
REG = """visual =~ x1 + x2 + x3
         textual =~ x4 + x5 + x6
         textual ~ visual + age13
         visual ~ sex"""
TWO = "f =~ x1 + x2 + x3\ng =~ x4 + x5"
ITEMS = [f"x{i}" for i in range(1, 10)]
COLUMNS = ["lhs", "op", "rhs", "group", "mi", "epc", "sepc.all", "p_value"]
KEY = ["lhs", "op", "rhs", "group"]


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.fixture(scope=shared_scope)
def configural(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # x1's residual variance is negative in Pasteur (lavaan warns too)
        return sem_fit(hs, MG, group="school")


@pytest.fixture(scope=shared_scope)
def metric(hs):
    return sem_fit(hs, MG, group="school", group_equal=["loadings"])


@pytest.fixture(scope=shared_scope)
def scalar(hs):
    return sem_fit(hs, MG, group="school", group_equal=["loadings", "intercepts"])


@pytest.fixture(scope=shared_scope)
def ordinal():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sem_fit(pd.read_csv(SEM_REF / "ordinal_5point.csv"), ORD3, ordered=True)


def _theirs(name):
    out = pd.DataFrame(REF["modindices"][name])
    for col in ("mi", "epc", "sepc.all"):
        out[col] = pd.to_numeric(out[col].replace("NA", np.nan))  # lavaan's NA arrives as "NA"
    return out


def _merged(ours, name):
    both = ours.merge(_theirs(name), on=KEY, suffixes=("", "_r"), how="outer", indicator=True)
    return both


def _strict():
    """numpy's division warnings on, and every warning an error."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("error")
    return ctx


# ---------------------------------------------------------------- _candidates


def _row_tuple(r):
    return (r.lhs, r.op, r.rhs, r.group, r.free, r.value, r.label, r.user, r.mat, r.i, r.j, r.index, r.exo_x)


def test_candidates_row_by_row(hs):
    """Every factor on every item, every pair of items, every pair of factors, in that order, leaving out what the
    model has (x1 on speed, x2 ~~ x3 written as x3 ~~ x2, visual ~~ speed, textual ~ visual leaves textual ~~
    visual out of the model): free, starting at 0 (the estimates' point), not the user's, numbered on from the
    model's free parameters; not yet placed in a matrix (mat, i, j = -1)."""
    model = HS3 + " + x1\ntextual ~ visual\nx3 ~~ x2"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # x1's residual variance is negative (a Heywood case)
        fit = sem_fit(hs, model)
    q = fit.table.n_free
    assert q == 22  # 10 loadings - 3 markers + 9 residual variances + 3 factor variances + 1 regression + 2 cov.
    have = {("visual", "=~", v) for v in ("x1", "x2", "x3")}
    have |= {("textual", "=~", v) for v in ("x4", "x5", "x6")}
    have |= {("speed", "=~", v) for v in ("x7", "x8", "x9", "x1")}
    want = [("visual", "=~", v) for v in ITEMS] + [("textual", "=~", v) for v in ITEMS]
    want += [("speed", "=~", v) for v in ITEMS]
    want = [w for w in want if w not in have]
    want += [(ITEMS[a], "~~", ITEMS[b]) for a in range(9) for b in range(a + 1, 9) if (a, b) != (1, 2)]
    want += [("visual", "~~", "textual"), ("textual", "~~", "speed")]
    assert len(want) == 17 + 35 + 2
    expected = [
        (lhs, op, rhs, 0, True, 0.0, "", False, -1, -1, -1, q + k, False) for k, (lhs, op, rhs) in enumerate(want)
    ]
    got = _candidates(fit)
    assert all(type(r) is Row for r in got)
    assert [_row_tuple(r) for r in got] == expected


def test_candidates_of_each_group_numbered_on(configural):
    """Two groups: the candidates of group 0, then the same of group 1, the numbers running on across the
    groups (18 loadings and 35 pairs of items per group: x2 ~~ x3 is in the model as x3 ~~ x2)."""
    q = configural.table.n_free
    got = _candidates(configural)
    assert len(got) == 2 * (18 + 35)
    assert [r.index for r in got] == list(range(q, q + 106))
    assert [r.group for r in got] == [0] * 53 + [1] * 53
    first = [(r.lhs, r.op, r.rhs) for r in got[:53]]
    assert first == [(r.lhs, r.op, r.rhs) for r in got[53:]]
    assert ("x2", "~~", "x3") not in first and ("x3", "~~", "x2") not in first
    assert first[:3] == [("visual", "=~", "x4"), ("visual", "=~", "x5"), ("visual", "=~", "x6")]
    assert first[18:20] == [("x1", "~~", "x2"), ("x1", "~~", "x3")]
    assert first[-1] == ("x8", "~~", "x9")
    assert all(r.free and r.value == 0.0 and not r.user and r.label == "" for r in got)


def test_candidates_leave_the_observed_predictors_out():
    """age13 and sex are observed predictors (the model's phantom factors): lavaan's modindices has no loading on
    them and no covariance of theirs among the candidates of this kind; visual ~~ textual is one (the model has
    textual ~ visual)."""
    fit = sem_fit(pd.read_csv(SEM_REF / "hs_covariates.csv"), REG)
    got = [(r.lhs, r.op, r.rhs) for r in _candidates(fit)]
    items = [f"x{i}" for i in range(1, 7)]
    want = [("visual", "=~", v) for v in items[3:]] + [("textual", "=~", v) for v in items[:3]]
    want += [(items[a], "~~", items[b]) for a in range(6) for b in range(a + 1, 6)]
    want += [("visual", "~~", "textual")]
    assert got == want


# ---------------------------------------------------------------- modification_indices


def test_modification_indices_two_groups_as_lavaan(configural):
    """lavaan's modindices() of the configural model, row for row (106: 53 per group); reached 3.2e-4 (mi),
    1.4e-4 (epc), 1.2e-4 (sepc.all) absolute. In Pasteur x1's residual variance is negative (-0.30): lavaan
    standardizes x1's residual covariances by sqrt(|theta_11|), as the package does (it once gave NaN there)."""
    mi = configural.modindices()
    assert list(mi.columns) == COLUMNS
    both = _merged(mi, "configural")
    assert (both["_merge"] == "both").all() and len(both) == 106
    assert sorted(set(mi["group"])) == [1, 2]
    np.testing.assert_allclose(both["mi"], both["mi_r"], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(both["epc"], both["epc_r"], rtol=1e-4, atol=1e-3)
    heywood = (both["group"] == 1) & (both["lhs"] == "x1") & (both["op"] == "~~")
    assert heywood.sum() == 8
    np.testing.assert_allclose(both["sepc.all"], both["sepc.all_r"], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(mi["p_value"], stats.chi2.sf(mi["mi"].to_numpy(), 1), rtol=1e-12)


def test_modification_indices_with_equal_loadings_as_lavaan(metric):
    """The metric model: the same candidates; lavaan also scores the six fixed marker loadings (freeing one in
    one group is identified there), which the package does not list. Reached 2.6e-4 (mi), 7e-6 (epc), 1.3e-5
    (sepc.all)."""
    mi = metric.modindices()
    both = _merged(mi, "metric")
    extra = both[both["_merge"] == "right_only"]
    assert (both["_merge"] != "left_only").all()
    markers = {("visual", "x1"), ("textual", "x4"), ("speed", "x7")}
    assert sorted(zip(extra["lhs"], extra["rhs"], extra["group"])) == sorted(
        (f, v, g) for f, v in markers for g in (1, 2)
    )
    assert set(extra["op"]) == {"=~"}
    ok = both[both["_merge"] == "both"]
    assert len(ok) == 106
    np.testing.assert_allclose(ok["mi"], ok["mi_r"], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(ok["epc"], ok["epc_r"], atol=5e-5)
    np.testing.assert_allclose(ok["sepc.all"], ok["sepc.all_r"], atol=1e-4)
    np.testing.assert_allclose(ok["p_value"], stats.chi2.sf(ok["mi_r"].to_numpy(), 1), rtol=1e-3, atol=1e-6)


def test_modification_indices_with_observed_predictors_as_lavaan():
    """With observed predictors lavaan also scores regressions and the predictors' own moments; the package's
    candidates are the loadings and covariances, each as lavaan (reached 3.4e-5 mi, 2.7e-6 epc, 3.3e-6 sepc)."""
    mi = sem_fit(pd.read_csv(SEM_REF / "hs_covariates.csv"), REG).modindices()
    both = _merged(mi, "regression")
    assert (both["_merge"] != "left_only").all()
    ok = both[both["_merge"] == "both"]
    assert len(ok) == len(mi) == 22
    theirs = _theirs("regression")
    kind = theirs[theirs["op"].isin(["=~", "~~"]) & ~theirs["lhs"].isin(["age13", "sex"])]
    assert len(kind) == 22
    np.testing.assert_allclose(ok["mi"], ok["mi_r"], rtol=1e-5, atol=3e-4)
    np.testing.assert_allclose(ok["epc"], ok["epc_r"], atol=2e-5)
    np.testing.assert_allclose(ok["sepc.all"], ok["sepc.all_r"], atol=3e-5)
    cov = ok[(ok["lhs"] == "visual") & (ok["rhs"] == "textual")]
    assert cov["mi"].item() == pytest.approx(4.637661, abs=1e-4)


def test_modification_indices_do_not_depend_on_the_units(hs):
    """Scores on data in hundredths: the modification indices, their p-values and sepc.all are those of lavaan on
    the data as they are (chi-square statistics are invariant to rescaling the variables). f =~ x4, f =~ x5 and
    x4 ~~ x5 cannot be added (g has but these two items): their indices are undefined and, as lavaan
    (na.remove = TRUE), they are left out, however small the units make the information."""
    data = hs.copy()
    data[ITEMS] = data[ITEMS] * 0.01
    fit = sem_fit(data, TWO)
    with np.errstate(all="warn"):
        ctx = _strict()  # x4 ~~ x5 has a zero variance in the score test: no numpy warning for it
        try:
            mi = fit.modindices()
        finally:
            ctx.__exit__(None, None, None)
    both = _merged(mi, "two_items")
    assert (both["_merge"] == "both").all() and len(mi) == 12
    assert not {("f", "=~", "x4"), ("f", "=~", "x5"), ("x4", "~~", "x5")} & set(zip(mi["lhs"], mi["op"], mi["rhs"]))
    ok = both
    np.testing.assert_allclose(ok["mi"], ok["mi_r"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ok["sepc.all"], ok["sepc.all_r"], atol=1e-4)
    # a loading is a ratio of covariances (the same in hundredths), a residual covariance scales by 0.01 ** 2
    scale = np.where(ok["op"] == "~~", 1e-4, 1.0)
    np.testing.assert_allclose(ok["epc"], scale * ok["epc_r"], rtol=1e-4)


def test_modification_indices_refused_and_empty(hs):
    with pytest.raises(ArgumentError) as e:
        sem_fit(hs, HS3, estimator="GLS").modindices()
    assert str(e.value) == "modification indices are computed for ML fits (as lavaan's default)."
    empty = sem_fit(pd.read_csv(SEM_REF / "political_democracy.csv"), "y1 ~ x1 + x2\ny5 ~ y1 + x1").modindices()
    assert list(empty.columns) == COLUMNS and len(empty) == 0


# ---------------------------------------------------------------- release_tests


def test_release_tests_as_lavtestscore(metric):
    """lavTestScore() of the metric model: one test per loading held equal, of its group-2 copy (x2 to 1e-5
    relative here; the total 8.9012 on 6 df)."""
    ref = REF["score_metric"]
    out = release_tests(metric)
    assert list(out.columns) == ["parameter", "group", "x2", "df", "p_value"]
    assert list(out["parameter"]) == ref["lhs"] == ref["rhs"]
    assert list(out["group"]) == ref["rhs_group"] == [2] * 6
    assert list(out["df"]) == ref["df"]
    np.testing.assert_allclose(out["x2"], ref["x2"], rtol=2e-5)
    np.testing.assert_allclose(out["p_value"], ref["pvalue"], rtol=2e-5)
    total = out.attrs["total"]
    assert set(total) == {"x2", "df", "p_value"}
    assert total["df"] == ref["total_df"] == 6
    assert total["x2"] == pytest.approx(ref["total_x2"], rel=1e-5)
    assert total["p_value"] == pytest.approx(ref["total_pvalue"], rel=1e-5)


def test_release_tests_of_intercepts_named_without_a_trailing_space(hs):
    """The scalar model of tests/reference/sem/hs_invariance_tests.json (lavTestScore): the intercepts' tests are
    named "x3 ~1" (lavaan's paste(lhs, op, rhs) leaves "x3 ~1 "), in lavaan's order, the p-values of chi-square
    on 1 df and the total on 15."""
    ref = json.loads((SEM_REF / "hs_invariance_tests.json").read_text())["score_scalar"]
    out = release_tests(sem_fit(hs, HS3, group="school", group_equal=["loadings", "intercepts"]))
    assert list(out["parameter"]) == [p.strip() for p in ref["lhs"]]
    assert out["parameter"].iloc[-1] == "x9 ~1"
    np.testing.assert_allclose(out["x2"], ref["x2"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(out["p_value"], ref["pvalue"], rtol=1e-4, atol=1e-8)
    assert out.attrs["total"]["df"] == 15
    assert out.attrs["total"]["p_value"] == pytest.approx(stats.chi2.sf(ref["total_x2"], 15), rel=1e-4)


def test_release_tests_refusals_word_for_word(hs, ordinal):
    with pytest.raises(ArgumentError) as e:
        release_tests(sem_fit(hs, HS3))
    assert str(e.value) == "the model has no equality constraint across groups to release."
    with pytest.raises(ArgumentError) as e:
        release_tests(ordinal)
    assert str(e.value) == "this fit has ordinal items (WLSMV): use categorical.ordinal_release_tests(fit)."


def test_release_tests_leave_equalities_within_a_group(hs):
    """a labels x5 and x6 in both groups: the first row (x5, group 1) is the one the others are equal to; x6 in
    group 1 is an equality within the group, not released; x5 and x6 of group 2 are, each a test of df 1."""
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + a*x5 + a*x6"
    fit = sem_fit(hs, model, group="school")
    out = release_tests(fit)
    assert len(out) == 2
    assert list(out["group"]) == [2, 2]
    assert out.attrs["total"]["df"] == 2
    # each is the chi-square of one restriction: at most the joint one, and positive
    assert (out["x2"] > 0).all() and (out["x2"] <= out.attrs["total"]["x2"] + 1e-9).all()


# ---------------------------------------------------------------- residuals


@pytest.mark.parametrize(
    ("kind", "key", "tol"), [("raw", "raw", 2e-5), ("cor", "cor", 1e-5), ("normalized", "normalized", 2e-4)]
)
def test_residual_kinds_two_groups_with_means_as_lavaan(scalar, kind, key, tol):
    """lavaan::resid(fit, type = raw / cor.bollen / normalized) of the scalar model (means not saturated: the
    mean residuals are not zero); reached 6.9e-6 (raw), 3.5e-6 (cor), 5.7e-5 (normalized)."""
    ours = scalar.residuals(kind)
    assert len(ours) == 2
    for mine, theirs in zip(ours, REF["residuals"][key]):
        assert list(mine.index) == list(mine.columns) == theirs["rows"] == ITEMS
        np.testing.assert_allclose(mine.to_numpy(), np.asarray(theirs["cov"], float), atol=tol)
        if kind == "cor":
            assert "mean" not in mine.attrs  # the package gives no standardized mean residuals (lavaan does)
        else:
            mean = mine.attrs["mean"]
            assert list(mean.index) == ITEMS
            np.testing.assert_allclose(mean.to_numpy(), theirs["mean"], atol=tol)


def test_residuals_raw_by_default(scalar):
    """scores.residuals(fit) without a kind: the raw residuals, S - Sigma (lavaan::resid(fit)'s default type)."""
    default = sem_scores.residuals(scalar)
    for mine, theirs in zip(default, REF["residuals"]["raw"]):
        np.testing.assert_allclose(mine.to_numpy(), np.asarray(theirs["cov"], float), atol=2e-5)
        np.testing.assert_allclose(mine.attrs["mean"].to_numpy(), theirs["mean"], atol=2e-5)


def test_residual_refusals_word_for_word(hs, ordinal):
    fit = sem_fit(hs, HS3)
    with pytest.raises(ArgumentError) as e:
        fit.residuals("studentized")
    assert str(e.value) == "kind='studentized': choose among raw, cor, normalized, standardized, standardized.mplus."
    assert RESIDUAL_KINDS == ("raw", "cor", "normalized", "standardized", "standardized.mplus")
    with pytest.raises(ArgumentError) as e:
        sem_fit(hs, HS3, estimator="ULS").residuals("standardized.mplus")
    assert str(e.value) == (
        "kind='standardized.mplus' residuals are available for complete-data ML fits (missing='listwise'); "
        "this fit uses estimator='ULS'."
    )
    # ordinal items: the standard errors are refused first, by the estimator
    with pytest.raises(ArgumentError) as e:
        ordinal.residuals("normalized")
    assert str(e.value) == (
        "kind='normalized' residuals are available for complete-data ML fits (missing='listwise'); "
        "this fit uses estimator='WLSMV'."
    )
    with pytest.raises(ArgumentError, match=re.escape("kind='standardized' residuals rest on the expected")):
        sem_fit(hs, HS3, information="observed").residuals("standardized")


def test_residuals_of_ordinal_and_continuous_items_together_refused():
    """ordered= naming three of the nine items: every kind refused, in the package's words."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sem_fit(pd.read_csv(SEM_REF / "hs_mixed.csv"), HS3, ordered=["x4", "x5", "x6"])
    for kind in ("raw", "cor"):
        with pytest.raises(ArgumentError) as e:
            fit.residuals(kind)
        assert str(e.value) == (
            "residuals are not available for a fit with both ordinal and continuous items (ordered= names "
            "3 of the 9 items); they are for all-continuous or all-ordinal fits."
        )


def test_ordinal_residuals_raw_and_cor_are_one(ordinal):
    """For ordinal items the residuals are of the polychoric correlations: raw and cor the same, zero on the
    diagonal, symmetric, items as index and columns."""
    raw, cor = ordinal.residuals("raw"), ordinal.residuals("cor")
    assert len(raw) == len(cor) == 1
    names = [f"u{i}" for i in range(1, 10)]
    assert list(raw[0].index) == list(raw[0].columns) == names
    np.testing.assert_array_equal(raw[0].to_numpy(), cor[0].to_numpy())
    np.testing.assert_array_equal(np.diag(raw[0].to_numpy()), 0.0)
    np.testing.assert_array_equal(raw[0].to_numpy(), raw[0].to_numpy().T)
    assert np.abs(raw[0].to_numpy()).max() > 1e-3  # the three-factor model does not reproduce them all


# ---------------------------------------------------------------- _divide, by hand


def test_divide_by_hand_with_a_mean_structure():
    """Two items; the standard errors from the diagonal of the covariance of (means, lower triangle): means 0.09
    and -1 (negative: no standard error), covariances (1,1) 0, (2,1) 0.25, (2,2) 0. A residual below 1e-5 in
    absolute value is left as it is (lavaan: abs(A) < 1e-05), 1e-5 itself divided; a residual over a zero
    standard error is infinite, as R's 3/0 (lavaan divides likewise); no numpy warning on the way."""
    r = np.array([[0.0, 0.5], [0.5, 3.0]])
    rm = np.array([0.3, 0.2])
    acov = np.diag([0.09, -1.0, 0.0, 0.25, 0.0])
    with np.errstate(all="warn"):
        ctx = _strict()
        try:
            z, zm = _divide(r, rm, acov, np.tril_indices(2), True)
        finally:
            ctx.__exit__(None, None, None)
    assert z[0, 0] == 0.0
    assert z[1, 0] == z[0, 1] == pytest.approx(0.5 / 0.5, rel=1e-15)
    assert z[1, 1] == np.inf
    assert zm[0] == pytest.approx(0.3 / 0.3, rel=1e-15)
    assert np.isnan(zm[1])
    # the bound: below 1e-5 left, 1e-5 divided (by 0.5); -3 over a zero standard error is minus infinity
    r2 = np.array([[9.9e-6, 1e-5], [1e-5, -3.0]])
    rm2 = np.array([-9.9e-6, 1e-5])
    acov2 = np.diag([0.25, 0.25, 0.0, 0.25, 0.0])
    with np.errstate(all="warn"):
        ctx = _strict()
        try:
            z2, zm2 = _divide(r2, rm2, acov2, np.tril_indices(2), True)
        finally:
            ctx.__exit__(None, None, None)
    assert z2[0, 0] == 9.9e-6 and zm2[0] == -9.9e-6
    assert z2[1, 0] == z2[0, 1] == pytest.approx(2e-5, rel=1e-12)
    assert zm2[1] == pytest.approx(2e-5, rel=1e-12)
    assert z2[1, 1] == -np.inf


def test_divide_by_hand_without_means_and_with_missing_variances():
    """No mean structure: the covariance of the lower triangle only, and no standard error for the means (a mean
    residual is then missing, unless below 1e-5). A variance that is NaN or infinite gives no standard error."""
    r = np.array([[0.4, 0.6, 2e-6], [0.6, 0.9, 0.7], [2e-6, 0.7, 0.8]])
    rm = np.array([0.5, 3e-6, -0.2])
    # lower triangle in numpy's order: (0,0) (1,0) (1,1) (2,0) (2,1) (2,2)
    var = np.array([0.16, np.nan, 0.81, 0.0, np.inf, -0.04])
    with np.errstate(all="warn"):
        ctx = _strict()
        try:
            z, zm = _divide(r, rm, np.diag(var), np.tril_indices(3), False)
        finally:
            ctx.__exit__(None, None, None)
    want = np.array([[0.4 / 0.4, np.nan, 2e-6], [np.nan, 0.9 / 0.9, np.nan], [2e-6, np.nan, np.nan]])
    np.testing.assert_allclose(z, want, rtol=1e-15)
    assert np.isnan(zm[0]) and zm[1] == 3e-6 and np.isnan(zm[2])


def test_normalized_residuals_under_fixed_x_without_warnings():
    """Under fixed.x the predictors' own moments have no sampling variance given themselves (zero standard
    errors) and zero residuals: they are left as they are, without a numpy warning (lavaan: the same zeros)."""
    data = pd.read_csv(SEM_REF / "hs_covariates.csv")
    fit = sem_fit(data, REG)
    with np.errstate(all="warn"):
        ctx = _strict()
        try:
            z = fit.residuals("normalized")[0]
        finally:
            ctx.__exit__(None, None, None)
    x = ["age13", "sex"]
    np.testing.assert_allclose(z.loc[x, x].to_numpy(), 0.0, atol=1e-5)
    assert np.isfinite(z.to_numpy()).all()
    # an item's covariance with a predictor: s - sigma over sqrt((s_ii s_jj + s_ij^2) / N), by hand
    s = np.cov(data[["x1", "age13", "sex"]].to_numpy(float).T, ddof=0)
    raw = fit.residuals("raw")[0]
    n = len(data)
    want = raw.loc["x1", "age13"] / np.sqrt((s[0, 0] * s[1, 1] + s[0, 1] ** 2) / n)
    # given the predictors' moments the covariance of (x1, age13) is that of the normal theory conditional on
    # them; a bound: the unconditional standard error is not smaller (the residual here is not 0)
    assert abs(raw.loc["x1", "age13"]) > 1e-5
    assert abs(z.loc["x1", "age13"]) >= abs(want) - 1e-12


# ---------------------------------------------------------------- _residual_acov (lavaan's standard errors)

MIMIC = """visual =~ x1 + x2 + x3
           textual =~ x4 + x5 + x6
           speed =~ x7 + x8 + x9
           visual ~ age13 + sex
           speed ~ age13 + grade7"""
SE_CASES = {
    # case -> data, model, options, {kind: absolute tolerance of the standardized residual}
    "hs_scalar": ("hs_school.csv", HS3, {"group": "school", "group_equal": ["loadings", "intercepts"]}),
    "mimic": ("hs_covariates.csv", MIMIC, {}),  # fixed.x: the predictors' moments given
}


@pytest.mark.parametrize("case", list(SE_CASES))
@pytest.mark.parametrize(("kind", "tol"), [("standardized", 2e-3), ("standardized.mplus", 2e-3), ("normalized", 1e-4)])
def test_residual_standard_errors_as_lavaan(case, kind, tol):
    """lavaan's residuals(fit, type = kind) (tests/reference/sem/residuals_<case>.json): the covariances and, with
    the means of the two groups, the means; NaN where lavaan's is NA."""
    file, model, options = SE_CASES[case]
    ref = json.loads((SEM_REF / f"residuals_{case}.json").read_text())
    z = sem_fit(pd.read_csv(SEM_REF / file), model, **options).residuals(kind)
    assert len(z) == len(ref["groups"])
    for mine, theirs in zip(z, ref["groups"]):
        block = theirs[kind.replace(".", "_")]
        assert list(mine.index) == block["rows"]
        parts = [(mine.to_numpy(), np.array(block["cov"], dtype=float))]
        if "mean" in block:
            parts.append((mine.attrs["mean"].to_numpy(), np.array(block["mean"], dtype=float)))
        else:
            assert "mean" not in mine.attrs
        for ours, want in parts:
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(want))
            ok = ~np.isnan(want)
            # the model with predictors: our optimum's chi-square is the lower, the raw residuals 1.1e-5 apart
            np.testing.assert_allclose(ours[ok], want[ok], atol=tol * (3 if case == "mimic" else 1))
