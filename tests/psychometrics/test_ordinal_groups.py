"""Multi-group WLSMV and measurement invariance for ordinal items against lavaan 0.6 (tests/reference/sem/*,
made by make_ordinal_groups_reference.R): the configural, thresholds and thresholds + loadings models and a
partial one on Holzinger-Swineford cut into five categories (by school) and on a simulated two-group data set;
estimates, robust standard errors, standardized values, the scaled-shifted statistics and fit indices, and
lavTestLRT's scaled-shifted difference tests (Satorra 2000)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import IdentificationError, sem_fit
from cmanalytics.psychometrics.sem.categorical import ordinal_release_tests, satorra_2000
from cmanalytics.psychometrics.sem.scores import release_tests
from tests.conftest import collecting_mutmut_stats
from tests.psychometrics.sem.conftest import HS3, ORD3, SEM_REF, reference_json

TH_LD = ["thresholds", "loadings"]
CASES = {
    "hs_ordinal_configural": ("hs_ordinal.csv", HS3, {}),
    "hs_ordinal_thresholds": ("hs_ordinal.csv", HS3, {"group_equal": ["thresholds"]}),
    "hs_ordinal_loadings": ("hs_ordinal.csv", HS3, {"group_equal": TH_LD}),
    "hs_ordinal_partial": (
        "hs_ordinal.csv",
        HS3,
        {"group_equal": TH_LD, "group_partial": ["x3 | t1", "visual =~ x3"]},
    ),
    "hs_ordinal_loadings_stdlv": ("hs_ordinal.csv", HS3, {"group_equal": TH_LD, "std_lv": True}),
    "ordinal_groups_configural": ("ordinal_groups.csv", ORD3, {}),
    "ordinal_groups_thresholds": ("ordinal_groups.csv", ORD3, {"group_equal": ["thresholds"]}),
    "ordinal_groups_loadings": ("ordinal_groups.csv", ORD3, {"group_equal": TH_LD}),
    "ordinal_groups_loadings_only": ("ordinal_groups.csv", ORD3, {"group_equal": ["loadings"]}),
    "ordinal_groups_partial": (
        "ordinal_groups.csv",
        ORD3,
        {"group_equal": TH_LD, "group_partial": [f"u3 | t{k}" for k in range(1, 5)]},
    ),
}
# reached against lavaan: estimates and SEs within 7.5e-5 relative (a latent mean of -0.029, 2e-6 absolute;
# lavaan's own stopping rule), fit measures within 2e-6
EST_RTOL, EST_ATOL, FIT_RTOL = 3e-4, 2e-5, 1e-5
_FITS: dict = {}


def data_of(file: str) -> pd.DataFrame:
    path = SEM_REF / file
    if not path.exists():
        pytest.fail(f"{path} is missing: run Rscript tests/reference/sem/make_ordinal_groups_reference.R")
    return pd.read_csv(path, dtype={"g": str})


def fitted(name: str):
    if name not in _FITS or collecting_mutmut_stats():  # see tests.conftest.shared_scope
        file, model, options = CASES[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # small-sample notes on HS (156 and 145 cases)
            _FITS[name] = sem_fit(data_of(file), model, ordered=True, group="g", **options)
    return _FITS[name]


@pytest.mark.parametrize("name", list(CASES))
def test_estimates_standard_errors_and_standardized_values(name):
    ref = reference_json(name)
    theirs = pd.DataFrame(ref["estimates"])
    theirs["rhs"] = theirs["rhs"].fillna("")
    ours = fitted(name).estimates
    both = theirs.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", ["lhs", "op", "rhs", "group"]]
    for col in ("est", "se", "std.all"):
        np.testing.assert_allclose(
            both[col].to_numpy(float), both[col + "_r"].to_numpy(float), rtol=EST_RTOL, atol=EST_ATOL, err_msg=col
        )
    assert ((both["se_r"] == 0) == ~both["free"]).all()  # what lavaan fixes, we fix


@pytest.mark.parametrize("name", list(CASES))
def test_scaled_statistics_and_fit_indices(name):
    theirs = reference_json(name)["fit"]
    ours = fitted(name).fit_measures
    assert ours["df"] == theirs["df"]
    assert ours["npar"] == theirs["npar"]
    keys = [
        "chisq",
        "chisq.scaled",
        "pvalue.scaled",
        "chisq.scaling.factor",
        "baseline.chisq",
        "baseline.chisq.scaled",
        "cfi.scaled",
        "tli.scaled",
        "rmsea.scaled",
        "rmsea.ci.lower.scaled",
        "rmsea.ci.upper.scaled",
        "cfi",
        "rmsea",
        "srmr",
        "cfi.robust",
        "tli.robust",
        "rmsea.robust",
    ]
    for k in keys:
        if k in theirs:  # lavaan gives no robust (catML) indices once the thresholds are constrained
            assert ours[k] == pytest.approx(theirs[k], rel=FIT_RTOL, abs=1e-9), k
        else:
            assert k not in ours, k
    assert ("cfi.robust" in theirs) == name.endswith(("configural", "loadings_only"))


@pytest.mark.parametrize("stem", ["hs_ordinal", "ordinal_groups"])
def test_difference_tests_as_lavTestLRT(stem):
    lrt = reference_json(f"{stem}_lrt")["lrt"]
    fits = [fitted(f"{stem}_{s}") for s in ("configural", "thresholds", "loadings")]
    assert [f.fit_measures["df"] for f in fits] == lrt["df"]
    np.testing.assert_allclose([f.fit_measures["chisq"] for f in fits], lrt["chisq"], rtol=1e-6)
    for k, (less, more) in enumerate(zip(fits, fits[1:])):
        d = satorra_2000(less, more)
        assert d["df"] == lrt["df_diff"][k + 1]
        # reached: 6e-8 relative
        assert d["chi2"] == pytest.approx(lrt["chisq_diff"][k + 1], rel=1e-6)
        assert d["p_value"] == pytest.approx(lrt["p_value"][k + 1], rel=1e-5)


@pytest.mark.parametrize(
    "stem, file, model", [("hs_ordinal", "hs_ordinal.csv", HS3), ("ordinal_groups", "ordinal_groups.csv", ORD3)]
)
def test_invariance_sequence_for_ordinal_items(stem, file, model):
    lrt = reference_json(f"{stem}_lrt")["lrt"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.invariance(data_of(file), model, group="g", ordered=True)
    table = res.table
    assert list(table.index) == ["configural", "thresholds", "loadings"]
    for step in table.index:
        f = reference_json(f"{stem}_{step}")["fit"]
        assert table.loc[step, "chi2"] == pytest.approx(f["chisq.scaled"], rel=FIT_RTOL)
        assert table.loc[step, "cfi"] == pytest.approx(f["cfi.scaled"], rel=FIT_RTOL)
        assert table.loc[step, "rmsea"] == pytest.approx(f["rmsea.scaled"], rel=FIT_RTOL)
    np.testing.assert_allclose(table["delta_chi2"].iloc[1:], lrt["chisq_diff"][1:], rtol=1e-6)
    np.testing.assert_allclose(table["delta_df"].iloc[1:], lrt["df_diff"][1:])
    want_cfi = (
        reference_json(f"{stem}_thresholds")["fit"]["cfi.scaled"]
        - reference_json(f"{stem}_configural")["fit"]["cfi.scaled"]
    )
    assert table.loc["thresholds", "delta_cfi"] == pytest.approx(want_cfi, rel=1e-4)
    if res.failed_step is None:
        assert res.score_tests is None
    else:  # the failed step's constraints, largest first, as lavTestScore (checked value by value below)
        want = score_reference(stem)[res.failed_step]["uni"]
        assert len(res.score_tests) == len(want["x2"])
        assert res.score_tests["x2"].iloc[0] == pytest.approx(max(want["x2"]), rel=SCORE_RTOL)
        assert res.score_tests["x2"].is_monotonic_decreasing
    assert "Invariance steps" in res.summary()


def test_the_simulated_shift_of_u3_thresholds_is_found():
    """The data were made with u3's thresholds 0.5 higher in group B: the threshold step fails on the
    difference test, and freeing u3's thresholds (the partial model) leaves a small misfit only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.invariance(data_of("ordinal_groups.csv"), ORD3, group="g", ordered=True)
    assert res.table.loc["thresholds", "delta_p_value"] < 1e-10
    partial = fitted("ordinal_groups_partial").fit_measures
    assert partial["chisq.scaled"] < fitted("ordinal_groups_loadings").fit_measures["chisq.scaled"] - 50


def test_configural_model_is_each_group_on_its_own():
    """With thresholds free in every group the configural DWLS fit separates by group: each group's
    estimates are those of the one-group fit of its rows, and the statistic is the sum of theirs."""
    data = data_of("ordinal_groups.csv")
    both = fitted("ordinal_groups_configural")
    total = 0.0
    for g, label in enumerate(["A", "B"]):
        one = sem_fit(data[data["g"] == label].drop(columns="g"), ORD3, ordered=True)
        mine = both.estimates[(both.estimates["group"] == g + 1) & (both.estimates["op"] == "=~")]
        np.testing.assert_allclose(
            mine["est"].to_numpy(), one.estimates.loc[one.estimates["op"] == "=~", "est"].to_numpy(), rtol=1e-7
        )
        total += one.fit_measures["chisq"]
    assert both.fit_measures["chisq"] == pytest.approx(total, rel=1e-7)


def test_cfa_wrapper_takes_groups_and_equalities():
    ref = reference_json("ordinal_groups_loadings")["fit"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.cfa(data_of("ordinal_groups.csv"), ORD3, ordered=True, group="g", group_equal=TH_LD)
    assert res.fit_indices["chi2"] == pytest.approx(ref["chisq"], rel=1e-6)


# ---- bad input ------------------------------------------------------------------------------------------------
def test_a_category_empty_in_one_group_is_refused_with_its_group_item_and_category():
    data = data_of("ordinal_groups.csv")
    data.loc[(data["g"] == "B") & (data["u2"] == 5), "u2"] = 4
    before = data.copy()
    with pytest.raises(DataError, match=r"'u2'.*categor.* 5 in group 'B'"):
        sem_fit(data, ORD3, ordered=True, group="g", group_equal=["thresholds"])
    pd.testing.assert_frame_equal(data, before)


def test_a_group_too_small_is_refused():
    data = data_of("ordinal_groups.csv")
    data = pd.concat([data, data.iloc[:5].assign(g="C")])
    with pytest.raises(DataError, match="group 'C'"):
        sem_fit(data, ORD3, ordered=True, group="g")


def test_group_partial_must_name_a_parameter_of_the_model():
    data = data_of("ordinal_groups.csv")
    with pytest.raises(ArgumentError, match=r"u3 \| t7"):
        sem_fit(data, ORD3, ordered=True, group="g", group_equal=TH_LD, group_partial=["u3 | t7"])
    with pytest.raises(ArgumentError, match="f1 =~ u9"):
        sem_fit(data, ORD3, ordered=True, group="g", group_equal=TH_LD, group_partial=["f1 =~ u9"])
    with pytest.raises(ArgumentError, match="not a threshold"):
        sem_fit(data, ORD3, ordered=True, group="g", group_equal=TH_LD, group_partial=["u3 | first"])


def test_invariance_steps_for_ordinal_items_are_checked():
    data = data_of("ordinal_groups.csv")
    with pytest.raises(ArgumentError, match="thresholds, loadings"):
        cma.invariance(data, ORD3, group="g", ordered=True, steps=["configural", "scalar"])
    with pytest.raises(ArgumentError, match="residual variances are not parameters"):
        sem_fit(data, ORD3, ordered=True, group="g", group_equal=["thresholds", "residuals"])


def test_summary_shows_the_scaled_statistics_and_the_scales():
    fit = fitted("ordinal_groups_loadings")
    ref = reference_json("ordinal_groups_loadings")["fit"]
    text = fit.summary()
    assert f"{ref['chisq.scaled']:.3f} (df {ref['df']}" in text
    assert "Scales y* (group B)" in text and "Thresholds (group B)" in text


def test_latent_means_without_equal_thresholds_are_not_identified():
    """group_equal="intercepts" frees the other groups' latent means (lavaan's rule), but ordinal items have no
    free intercepts: with thresholds free the means are confounded with them."""
    with pytest.raises(IdentificationError, match=r"f3 ~1.*u7 \| t1.*thresholds equal across groups"):
        sem_fit(data_of("ordinal_groups.csv"), ORD3, ordered=True, group="g", group_equal=["intercepts"])


def test_residual_correlations_as_lavaan_resid():
    ref = list(reference_json("ordinal_groups_resid")["resid"].values())  # groups A, B
    ours = fitted("ordinal_groups_loadings").residuals()
    assert len(ours) == 2
    for mine, theirs in zip(ours, ref):
        # reached: 6e-7 absolute (the estimates' agreement carried through)
        np.testing.assert_allclose(mine.to_numpy(), np.asarray(theirs, float), atol=2e-6)
    with pytest.raises(ArgumentError, match="normalized"):
        fitted("ordinal_groups_loadings").residuals("normalized")


# lavTestScore on the thresholds and thresholds + loadings models (make_ordinal_score_reference.R). Reached: the
# total tests 1.1e-7 relative; the univariate tests 7.0e-4 relative at worst, at an X2 of 3e-5 (4.8e-5 absolute:
# the two optima differ in the last digits), 6e-5 relative for every X2 above 0.01.
SCORE_RTOL, SCORE_TOTAL_RTOL = 1e-3, 1e-6
SCORE_STEPS = {"thresholds": "ordinal_groups_thresholds", "loadings": "ordinal_groups_loadings"}


def score_reference(stem: str) -> dict:
    js = SEM_REF / f"{stem}_score.json"
    if not js.exists():
        pytest.fail(f"lavaan reference {js} is missing: run Rscript tests/reference/sem/make_ordinal_score_reference.R")
    return json.loads(js.read_text())


def _lavaan_uni(ref: dict) -> pd.DataFrame:
    u = pd.DataFrame(ref["uni"])
    # each constraint is "group 1's copy == a later group's copy" of one parameter
    assert (u["param_lhs"] == u["param_rhs"]).all() and (u["group_lhs"] == 1).all()
    return u.rename(columns={"param_rhs": "parameter", "group_rhs": "group"})


@pytest.mark.parametrize("stem", ["hs_ordinal", "ordinal_groups"])
@pytest.mark.parametrize("step", list(SCORE_STEPS))
def test_score_tests_of_the_equalities_as_lavTestScore(stem, step):
    ref = score_reference(stem)[step]
    ours = ordinal_release_tests(fitted(SCORE_STEPS[step].replace("ordinal_groups", stem)))
    both = _lavaan_uni(ref).merge(ours, on=["parameter", "group"], suffixes=("_r", ""), how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", ["parameter", "group"]]
    np.testing.assert_allclose(both["x2"], both["x2_r"], rtol=SCORE_RTOL)
    np.testing.assert_allclose(both["p_value"], both["p_value_r"], rtol=SCORE_RTOL)
    assert (both["df"] == 1).all() and (both["df_r"] == 1).all()
    total = ours.attrs["total"]
    assert total["df"] == ref["total"]["df"] == len(ours)
    assert total["x2"] == pytest.approx(ref["total"]["x2"], rel=SCORE_TOTAL_RTOL)
    assert total["p_value"] == pytest.approx(ref["total"]["p_value"], rel=1e-5)


def test_score_tests_by_the_bordered_generalized_inverse_as_lavTestScore(monkeypatch):
    """The fallback (used where a released copy is not identified) is lavaan's own route, N s'Z+s with Z the
    information bordered by the other constraints; forced for the loadings, it gives lavaan's numbers."""
    from cmanalytics.psychometrics.sem import categorical

    fit = fitted("ordinal_groups_loadings")
    fast = ordinal_release_tests(fit)
    fast_route = categorical._released_one_at_a_time

    def loadings_by_fallback(*args):  # the six loadings come first; each fallback costs a pseudo-inverse
        x2 = fast_route(*args)
        x2[:6] = np.nan
        return x2

    monkeypatch.setattr(categorical, "_released_one_at_a_time", loadings_by_fallback)
    slow = ordinal_release_tests(fit)
    assert slow["parameter"][:6].str.contains("=~").all()
    ref = _lavaan_uni(score_reference("ordinal_groups")["loadings"])
    both = ref.merge(slow, on=["parameter", "group"], suffixes=("_r", ""))
    assert len(both) == len(ref) == len(slow)
    np.testing.assert_allclose(both["x2"], both["x2_r"], rtol=SCORE_RTOL)
    # reached: 1e-11 relative between the two routes
    np.testing.assert_allclose(slow["x2"], fast["x2"], rtol=1e-8, atol=1e-10)


def test_the_score_tests_point_at_the_shifted_thresholds_of_u3():
    """The simulated data shift u3's thresholds in group B: the invariance table's score tests put u3's
    thresholds first (as lavTestScore: u3|t2, t4, t3, with X2 28.4, 25.2, 23.8)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.invariance(data_of("ordinal_groups.csv"), ORD3, group="g", ordered=True)
    assert res.failed_step == "thresholds"
    top = res.score_tests.head(4)
    assert list(top["parameter"]) == ["u3 | t2", "u3 | t4", "u3 | t3", "u3 | t1"]
    np.testing.assert_allclose(top["x2"].iloc[:3], [28.3513, 25.1749, 23.7631], atol=1e-4)
    assert (top["group"] == 2).all()
    assert "Score tests" in res.summary()


def test_score_tests_need_equalities_across_groups():
    with pytest.raises(ArgumentError, match="no equality constraint"):
        ordinal_release_tests(fitted("ordinal_groups_configural"))
    with pytest.raises(ArgumentError, match="ordinal_release_tests"):  # the continuous tests refuse WLSMV fits
        release_tests(fitted("ordinal_groups_loadings"))
