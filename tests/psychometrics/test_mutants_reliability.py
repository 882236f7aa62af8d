"""Tests written to kill mutants of cmanalytics/psychometrics/reliability.py (make mutants).

Sources: R psych 2.2.9 on small data sets typed into tests/reference/mutants/make_reliability_reference.R
(psych::alpha with its Feldt interval and alpha.ci, psych::splitHalf, psych::guttman, psych::ICC; the JSON
beside it), hand computations written out below with plain numpy from the textbook formulas, and the exact
text of the package's messages. Every result field and column name is checked, as they are public API.
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

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, DataWarning, ReverseKeyWarning
from cmanalytics.psychometrics.inputs import gather
from tests.conftest import shared_scope
from tests.psychometrics.test_reliability_parity import ICC_VS_PSYCH

TESTS = Path(__file__).resolve().parents[1]
# mutmut runs a copy of tests/ in mutants/tests, made before this reference existed: read it from the repository's
_JSON = "reference/mutants/reliability_reference.json"
REF = json.loads(next(t / _JSON for t in (TESTS, TESTS.parents[1] / "tests") if (t / _JSON).exists()).read_text())
ORDINAL = TESTS / "reference" / "ordinal_300x8.csv"


def frame(block: dict) -> pd.DataFrame:
    return pd.DataFrame({k: [np.nan if v == "NA" else float(v) for v in vs] for k, vs in block.items()})


D = frame(REF["data"])  # 10 respondents x 5 items; i4 runs the other way
BFI_10 = pd.read_csv(TESTS / "reference" / "bfi_complete.csv").iloc[:200, :10]
ITEM_COLUMNS = [
    "mean",
    "sd",
    "scale_mean_if_deleted",
    "scale_var_if_deleted",
    "r_drop",
    "smc",
    "alpha_if_deleted",
    "std_alpha_if_deleted",
    "raw_r",
    "std_r",
    "average_r_if_deleted",
    "sn_if_deleted",
    "g6_if_deleted",
    "var_r_if_deleted",
    "median_r_if_deleted",
]


def quiet(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kw)


# --- Cronbach's alpha against psych::alpha and by hand ---------------------------------------------------


def hand_alpha_items(x: np.ndarray) -> dict:
    """SPSS's item-total columns from the raw answers, each item dropped in turn (numpy, ddof=1)."""
    p = x.shape[1]
    total = x.sum(axis=1)
    r = np.corrcoef(x, rowvar=False)
    out = {
        "mean": x.mean(axis=0),
        "sd": x.std(axis=0, ddof=1),
        "scale_mean_if_deleted": np.array([(total - x[:, j]).mean() for j in range(p)]),
        "scale_var_if_deleted": np.array([(total - x[:, j]).var(ddof=1) for j in range(p)]),
        "r_drop": np.array([np.corrcoef(x[:, j], total - x[:, j])[0, 1] for j in range(p)]),
        "raw_r": np.array([np.corrcoef(x[:, j], total)[0, 1] for j in range(p)]),
    }
    out["smc"] = 1 - 1 / np.diag(np.linalg.inv(r)) if p > 2 else np.full(p, r[0, 1] ** 2)
    return out


@pytest.mark.parametrize("key,cols", [("alpha4", ["i1", "i2", "i3", "i4"]), ("alpha3", ["i1", "i2", "i3"])])
def test_alpha_and_every_item_column_as_psych_and_by_hand(key, cols):
    """psych::alpha(x, check.keys = FALSE): totals, Feldt interval, item.stats and alpha.drop (3 and 4 items:
    with 3, every item dropped leaves one correlation, var.r NA); the other columns by hand from the data."""
    a = REF[key]
    res = quiet(cma.cronbach_alpha, D[cols])
    assert res.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12)
    assert res.std_alpha == pytest.approx(a["total"]["std.alpha"], abs=1e-12)
    assert res.average_r == pytest.approx(a["total"]["average_r"], abs=1e-12)
    assert res.ci == pytest.approx((a["feldt"]["lower"], a["feldt"]["upper"]), abs=1e-12)
    assert res.ci_level == 0.95 and res.n_obs == 10 and res.n_items == len(cols) and res.items == tuple(cols)
    assert res.missing == "listwise" and res.reversed == () and res.scale is None
    st = res.item_stats
    assert list(st.columns) == ITEM_COLUMNS and list(st.index) == cols and st.index.name == "item"
    assert res.to_frame() is st
    for ours, theirs, part in (
        ("r_drop", "r.drop", "item"),
        ("raw_r", "raw.r", "item"),
        ("std_r", "std.r", "item"),
        ("mean", "mean", "item"),
        ("sd", "sd", "item"),
        ("alpha_if_deleted", "raw_alpha", "drop"),
        ("std_alpha_if_deleted", "std.alpha", "drop"),
        ("average_r_if_deleted", "average_r", "drop"),
        ("sn_if_deleted", "S/N", "drop"),
        ("g6_if_deleted", "G6(smc)", "drop"),
        ("median_r_if_deleted", "med.r", "drop"),
    ):
        np.testing.assert_allclose(st[ours].to_numpy(), a[part][theirs], atol=1e-12, err_msg=ours)
    theirs_var = np.array([np.nan if v == "NA" else v for v in a["drop"]["var.r"]], float)
    np.testing.assert_allclose(st["var_r_if_deleted"].to_numpy(), theirs_var, atol=1e-12)
    for name, want in hand_alpha_items(D[cols].to_numpy()).items():
        np.testing.assert_allclose(st[name].to_numpy(), want, atol=1e-12, err_msg=name)


def test_two_items_negative_alpha_warns_in_full_words():
    """Two items running opposite ways (i1, i4): psych's raw and standardized alpha, raw.r, std.r, r.drop (= r12)
    and Feldt interval; SMC = r12^2 by hand; the p - 1 columns are NaN; both warnings word for word."""
    a = REF["alpha2"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.cronbach_alpha(D[["i1", "i4"]])
    negative = (
        "alpha is negative because the average covariance among items is negative; this violates the reliability "
        "model. Check whether some items need reverse-keying."
    )
    items = "item(s) i1, i4 correlate negatively with the rest of the scale; they may need reverse-keying."
    assert res.warnings == (negative, items)
    assert [(w.category, str(w.message)) for w in caught] == [(ReverseKeyWarning, negative), (ReverseKeyWarning, items)]
    assert res.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-10)
    assert res.std_alpha == pytest.approx(a["total"]["std.alpha"], abs=1e-10)
    assert res.ci == pytest.approx((a["feldt"]["lower"], a["feldt"]["upper"]), abs=1e-9)
    st = res.item_stats
    for ours, theirs in (("r_drop", "r.drop"), ("raw_r", "raw.r"), ("std_r", "std.r")):
        np.testing.assert_allclose(st[ours].to_numpy(), a["item"][theirs], atol=1e-12, err_msg=ours)
    r12 = np.corrcoef(D["i1"], D["i4"])[0, 1]
    np.testing.assert_allclose(st["smc"].to_numpy(), [r12**2, r12**2], atol=1e-14)
    for name in ITEM_COLUMNS[6:8] + ITEM_COLUMNS[10:]:
        assert st[name].isna().all(), name


def test_one_item_correlating_negatively_is_named_alone():
    """i1..i4: alpha positive but i4 correlates negatively with the others (psych r.drop < 0 for i4 only)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.cronbach_alpha(D[["i1", "i2", "i3", "i5", "i4"]])
    msg = "item(s) i4 correlate negatively with the rest of the scale; they may need reverse-keying."
    assert res.alpha > 0 and res.warnings == (msg,)
    assert [str(w.message) for w in caught] == [msg]


def test_pairwise_alpha_as_psych_default():
    """psych::alpha(x) on data with holes (use = "pairwise"): totals, interval, r.drop, means and sds of the
    available answers, and the alpha-if-dropped columns (psych caps an SMC at 1, so G6 is left out)."""
    a = REF["alpha_pairwise"]
    res = quiet(cma.cronbach_alpha, frame(REF["data_missing"]), missing="pairwise")
    assert res.missing == "pairwise" and res.n_obs == 10
    assert res.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12)
    assert res.std_alpha == pytest.approx(a["total"]["std.alpha"], abs=1e-12)
    assert res.ci == pytest.approx((a["feldt"]["lower"], a["feldt"]["upper"]), abs=1e-12)
    st = res.item_stats
    for ours, theirs, part in (
        ("r_drop", "r.drop", "item"),
        ("std_r", "std.r", "item"),
        ("mean", "mean", "item"),
        ("sd", "sd", "item"),
        ("alpha_if_deleted", "raw_alpha", "drop"),
        ("std_alpha_if_deleted", "std.alpha", "drop"),
        ("average_r_if_deleted", "average_r", "drop"),
        ("var_r_if_deleted", "var.r", "drop"),
        ("median_r_if_deleted", "med.r", "drop"),
    ):
        np.testing.assert_allclose(st[ours].to_numpy(), a[part][theirs], atol=1e-12, err_msg=ours)
    listwise = quiet(cma.cronbach_alpha, frame(REF["data_missing"]))
    assert listwise.n_obs == 6 and listwise.missing == "listwise"


def test_feldt_interval_at_90_percent_as_psych_alpha_ci():
    """psych::alpha.ci(alpha, 10, 3, p.val = .10), unrounded; and Feldt's formula with scipy's F quantiles."""
    res = cma.cronbach_alpha(D[["i1", "i2", "i3"]], ci=0.9)
    assert res.ci_level == 0.9
    assert res.ci == pytest.approx((REF["feldt90"]["lower"], REF["feldt90"]["upper"]), abs=1e-12)
    f = stats.f(9, 18)
    want = (1 - (1 - res.alpha) * f.ppf(0.95), 1 - (1 - res.alpha) * f.ppf(0.05))
    assert res.ci == pytest.approx(want, abs=1e-12)


def test_reverse_keyed_with_observed_bounds_as_psych_keys():
    """psych::alpha(x, keys = "i4"): reversed about the smallest and largest answers (1 + 5 - x); the warning
    says so word for word and is kept on the result; the reversed item's mean is mirrored, the data are
    untouched."""
    a = REF["alpha_keyed"]
    x = D[["i1", "i2", "i3", "i4"]]
    before = x.copy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.cronbach_alpha(x, reverse="i4")
    msg = (
        "reverse-keyed as 1 + 5 - x, the smallest and largest answers observed (psych::alpha's rule); give "
        "scale=(min, max) to use the instrument's declared scale."
    )
    assert [(w.category, str(w.message)) for w in caught] == [(DataWarning, msg)]
    assert res.reversed == ("i4",) and res.scale == (1.0, 5.0) and res.warnings == (msg,)
    assert res.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12)
    assert res.std_alpha == pytest.approx(a["total"]["std.alpha"], abs=1e-12)
    st = res.item_stats
    for ours, theirs, part in (
        ("r_drop", "r.drop", "item"),
        ("mean", "mean", "item"),
        ("alpha_if_deleted", "raw_alpha", "drop"),
        ("g6_if_deleted", "G6(smc)", "drop"),
    ):
        np.testing.assert_allclose(st[ours].to_numpy(), a[part][theirs], atol=1e-12, err_msg=ours)
    pd.testing.assert_frame_equal(x, before)
    # scale given: mirrored about (0, 6): the mean of i4 is 6 - 2.7, alpha unchanged (a shift)
    wide = cma.cronbach_alpha(x, reverse=["i4"], scale=(0, 6))
    assert wide.scale == (0.0, 6.0) and wide.item_stats["mean"]["i4"] == pytest.approx(3.3, abs=1e-12)
    assert wide.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12)
    # reverse-keying i4 with prepared (Pearson) items and a scale: the same numbers
    prepared = cma.cronbach_alpha(cma.prepare(x), reverse=("i4",), scale=(1, 5))
    assert prepared.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12) and prepared.scale == (1.0, 5.0)
    assert prepared.item_stats["mean"]["i4"] == pytest.approx(3.3, abs=1e-12)


@pytest.mark.parametrize(
    "call,error,message",
    [
        (
            lambda: cma.cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1]})),
            DataError,
            "the sum of the items has no variance (their negative covariances cancel their variances): alpha is "
            "undefined. Reverse-key the items that run the other way (reverse=).",
        ),
        (
            lambda: cma.cronbach_alpha(gather(corr=np.corrcoef(D.to_numpy(), rowvar=False), n_obs=10)),
            ArgumentError,
            "alpha needs item variances: give raw responses or cma.prepare(data), not a correlation matrix.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse=["i4", "zz", "yy"]),
            DataError,
            "reverse names item(s) not in the data: zz, yy.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse=5),
            ArgumentError,
            "reverse names the items to reverse-key (a name or a list of names); got 5.",
        ),
        (
            lambda: cma.cronbach_alpha(D, scale=(1, 5)),
            ArgumentError,
            "scale=(min, max) is used to reverse-key items; name them with reverse=, or leave scale out.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=5),
            ArgumentError,
            "scale must be (min, max), for example (1, 5); got 5.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=(1,)),
            ArgumentError,
            "scale must be (min, max), for example (1, 5); got (1,).",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=("low", "high")),
            ArgumentError,
            "scale must be (min, max), for example (1, 5); got ('low', 'high').",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale={"lo": 1}),
            ArgumentError,
            "scale must be (min, max), for example (1, 5); got {'lo': 1}.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=(5, 1)),
            ArgumentError,
            "scale must be (min, max) with min < max; got (5, 1).",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=(3, 3)),
            ArgumentError,
            "scale must be (min, max) with min < max; got (3, 3).",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=(1, 4)),
            DataError,
            "some answers lie outside the scale (1, 4); reverse-keying would be wrong.",
        ),
        (
            lambda: cma.cronbach_alpha(D, reverse="i4", scale=(2, 5)),
            DataError,
            "some answers lie outside the scale (2, 5); reverse-keying would be wrong.",
        ),
        (
            lambda: cma.cronbach_alpha(cma.prepare(D), reverse="i4"),
            ArgumentError,
            "to reverse-key prepared items, give scale=(min, max) (for example (1, 5)).",
        ),
        (
            lambda: cma.cronbach_alpha(D, ci=1.5),
            ArgumentError,
            "ci must be a level between 0 and 1 (e.g. 0.95); got 1.5.",
        ),
        (
            lambda: cma.cronbach_alpha(D, missing="everything"),
            ArgumentError,
            "missing='everything' is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'.",
        ),
    ],
)
def test_alpha_refusals_word_for_word(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        quiet(call)


def test_scale_at_the_observed_bounds_is_accepted():
    """scale = (1, 5), exactly the smallest and largest answers: no answer lies outside, nothing is warned."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.cronbach_alpha(D[["i1", "i2", "i3", "i4"]], reverse=["i4"], scale=[1, 5])
    assert res.alpha == pytest.approx(REF["alpha_keyed"]["total"]["raw_alpha"], abs=1e-12)


# --- ordinal alpha -------------------------------------------------------------------------------------


@pytest.fixture(scope=shared_scope)
def ordinal_items():
    x = pd.read_csv(ORDINAL).iloc[:, :4]
    return quiet(cma.prepare, x, method="polychoric")


def hand_std_alpha(r: np.ndarray) -> float:
    p = r.shape[0]
    return p / (p - 1) * (1 - p / r.sum())


def test_ordinal_alpha_by_hand_from_the_polychoric_matrix(ordinal_items):
    """Zumbo et al. (2007): standardized alpha of the polychoric matrix; if-deleted values from the p - 1 item
    submatrices; SMC 1 - 1/diag(R^-1); Feldt's interval with scipy; the note word for word."""
    m = ordinal_items
    r = m.corr
    p = r.shape[0]
    res = cma.cronbach_alpha(m)
    want = hand_std_alpha(r)
    assert res.alpha == pytest.approx(want, abs=1e-12) and res.std_alpha == pytest.approx(want, abs=1e-12)
    assert res.average_r == pytest.approx((r.sum() - p) / (p * (p - 1)), abs=1e-12)
    f = stats.f(m.n_obs - 1, (m.n_obs - 1) * (p - 1))
    assert res.ci == pytest.approx((1 - (1 - want) * f.ppf(0.975), 1 - (1 - want) * f.ppf(0.025)), abs=1e-12)
    assert res.ci_level == 0.95 and res.n_obs == m.n_obs and res.n_items == p and res.items == m.names
    assert res.missing == m.missing and res.reversed == () and res.scale is None
    assert res.warnings == ("ordinal alpha: standardized alpha of the polychoric correlations (Zumbo et al. 2007).",)
    st = res.item_stats
    assert list(st.columns) == ["alpha_if_deleted", "std_alpha_if_deleted", "smc"]
    drop = [hand_std_alpha(np.delete(np.delete(r, j, 0), j, 1)) for j in range(p)]
    np.testing.assert_allclose(st["alpha_if_deleted"].to_numpy(), drop, atol=1e-12)
    np.testing.assert_allclose(st["std_alpha_if_deleted"].to_numpy(), drop, atol=1e-12)
    np.testing.assert_allclose(st["smc"].to_numpy(), 1 - 1 / np.diag(np.linalg.inv(r)), atol=1e-12)
    assert cma.cronbach_alpha(m, ci=0.9).ci_level == 0.9


def test_ordinal_alpha_reverse_keyed_flips_signs(ordinal_items):
    """Reversing an ordinal item: R -> DRD (D = diag(+-1)); SMCs unchanged."""
    m = ordinal_items
    name = m.names[1]
    d = np.array([-1.0 if n == name else 1.0 for n in m.names])
    r = m.corr * np.outer(d, d)
    res = cma.cronbach_alpha(m, reverse=[name])
    assert res.alpha == pytest.approx(hand_std_alpha(r), abs=1e-12) and res.reversed == (name,)
    drop = [hand_std_alpha(np.delete(np.delete(r, j, 0), j, 1)) for j in range(r.shape[0])]
    np.testing.assert_allclose(res.item_stats["alpha_if_deleted"].to_numpy(), drop, atol=1e-12)
    with pytest.raises(DataError, match=f"^{re.escape('reverse names item(s) not in the data: zz, yy.')}$"):
        cma.cronbach_alpha(m, reverse=["zz", name, "yy"])
    msg = (
        "scale does not apply to ordinal alpha: reversing an ordinal item reverses the order of its categories "
        "whatever the scale's bounds. Leave scale out."
    )
    with pytest.raises(ArgumentError, match=f"^{re.escape(msg)}$"):
        cma.cronbach_alpha(m, reverse=[name], scale=(1, 5))


def test_ordinal_alpha_of_two_items_has_no_if_deleted_values():
    x = pd.read_csv(ORDINAL).iloc[:, :2]
    m = quiet(cma.prepare, x, method="polychoric")
    res = cma.cronbach_alpha(m)
    r12 = m.corr[0, 1]
    assert res.alpha == pytest.approx(2 * r12 / (1 + r12), abs=1e-12)
    assert res.item_stats["alpha_if_deleted"].isna().all() and res.item_stats["std_alpha_if_deleted"].isna().all()
    assert all(t == np.float64 for t in res.item_stats.dtypes)


def test_ordinal_alpha_of_three_items_and_pairwise_policy():
    """Three items: each dropped leaves two, whose standardized alpha is 2r/(1 + r); pairwise deletion kept."""
    x = pd.read_csv(ORDINAL).iloc[:, :3].astype(float)
    x.iloc[0, 0] = np.nan
    x.iloc[5, 2] = np.nan
    m = quiet(cma.prepare, x, method="polychoric", missing="pairwise")
    res = cma.cronbach_alpha(m)
    assert res.missing == "pairwise" == m.missing
    r = m.corr
    want = [2 * r[1, 2] / (1 + r[1, 2]), 2 * r[0, 2] / (1 + r[0, 2]), 2 * r[0, 1] / (1 + r[0, 1])]
    np.testing.assert_allclose(res.item_stats["alpha_if_deleted"].to_numpy(), want, atol=1e-12)


# --- split halves and Guttman's lambdas against psych ---------------------------------------------------


def split_case(key, cols, **kw):
    s = quiet(cma.split_half, D[cols], **kw)
    ref = REF[key]
    names = lambda v: tuple(x.lstrip("-") for x in ([v] if isinstance(v, str) else v))  # noqa: E731
    for ours, theirs in (
        ("max", "max"),
        ("min", "min"),
        ("mean", "mean"),
        ("alpha", "alpha"),
        ("lambda2", "lambda2"),
        ("lambda6", "lambda6"),
        ("average_r", "average_r"),
    ):
        assert getattr(s, ours) == pytest.approx(ref[theirs], abs=1e-12), ours
    assert s.best_split == names(ref["best"]) and s.worst_split == names(ref["worst"])
    return s


def test_split_half_five_items_keyed_as_psych():
    """psych::splitHalf(cor(x), brute = TRUE): 5 items, C(5, 2) / 2 = 5 splits in psych's order; i4 keyed."""
    s = split_case("split5", ["i1", "i2", "i3", "i4", "i5"])
    assert (s.n_splits, s.exhaustive, s.reversed) == (5, True, ("i4",))
    # n_sample equal to the count: still every split
    t = quiet(cma.split_half, D, n_sample=5)
    assert (t.n_splits, t.exhaustive, t.max) == (5, True, s.max)


def test_split_half_four_items_keyed_and_unkeyed_as_psych():
    s = split_case("split4", ["i1", "i2", "i3", "i4"])
    assert (s.n_splits, s.exhaustive, s.reversed) == (3, True, ("i4",))
    u = split_case("split4_unkeyed", ["i1", "i2", "i3", "i4"], check_keys=False)
    assert (u.n_splits, u.exhaustive, u.reversed) == (3, True, ())


def test_split_half_three_items_as_psych():
    """Three items: C(3, 1) / 2 = 1.5 splits; psych takes the first two and divides their sum by 1.5."""
    s = split_case("split3", ["i1", "i2", "i3"])
    assert (s.n_splits, s.exhaustive, s.reversed) == (2, True, ())


def test_split_half_sampled_splits_reproduce_numpy_stream():
    """More splits than n_sample: n_sample random splits, the first half the floor(p/2) items with the smallest
    of default_rng(seed).random((n_sample, p)) per row; each split's 4 cov(A, B) / var(A + B) of the half sums
    of the z-scores, computed from the data with i4 keyed by hand (6 - x)."""
    x = D.to_numpy().copy()
    x[:, 3] = 6 - x[:, 3]
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    names = list(D.columns)
    for seed, n_sample in ((0, 3), (7, 4)):
        u = np.random.default_rng(seed).random((n_sample, 5))
        halves = [sorted(np.argsort(row)[:2]) for row in u]
        vals = []
        for h in halves:
            za, zb = z[:, h].sum(1), np.delete(z, h, axis=1).sum(1)
            vals.append(4 * np.cov(za, zb)[0, 1] / (za + zb).var(ddof=1))
        s = quiet(cma.split_half, D, n_sample=n_sample, seed=seed)
        assert (s.n_splits, s.exhaustive, s.reversed) == (n_sample, False, ("i4",))
        assert s.max == pytest.approx(max(vals), abs=1e-12) and s.min == pytest.approx(min(vals), abs=1e-12)
        assert s.mean == pytest.approx(np.mean(vals), abs=1e-12)
        assert s.best_split == tuple(names[i] for i in halves[int(np.argmax(vals))])
        assert s.worst_split == tuple(names[i] for i in halves[int(np.argmin(vals))])
        assert s.lambda6 == pytest.approx(REF["split5"]["lambda6"], abs=1e-12)


def test_split_half_from_a_correlation_matrix_by_hand():
    """Four items, every split enumerated ({a,b}|{c,d}, {a,c}|{b,d}, {a,d}|{b,c}): c_AB is half the off-diagonal
    sum (2.15) less the correlations within the halves; alpha, average r and the lambdas by hand."""
    r = np.array([[1.0, 0.6, 0.4, 0.2], [0.6, 1.0, 0.3, 0.15], [0.4, 0.3, 1.0, 0.5], [0.2, 0.15, 0.5, 1.0]])
    s = cma.split_half(corr=pd.DataFrame(r, index=list("abcd"), columns=list("abcd")), n_obs=50)
    v = 4 + 2 * 2.15
    c = [2.15 - 0.6 - 0.5, 2.15 - 0.4 - 0.15, 2.15 - 0.2 - 0.3]
    vals = [4 * x / v for x in c]
    assert s.max == pytest.approx(vals[2], abs=1e-14) and s.min == pytest.approx(vals[0], abs=1e-14)
    assert s.best_split == ("a", "d") and s.worst_split == ("a", "b")
    assert s.mean == pytest.approx(np.mean(vals), abs=1e-14)
    assert s.alpha == pytest.approx(4 / 3 * 4.3 / v, abs=1e-14)
    assert s.average_r == pytest.approx(4.3 / 12, abs=1e-14)
    squares = 2 * (0.36 + 0.16 + 0.04 + 0.09 + 0.0225 + 0.25)
    assert s.lambda2 == pytest.approx((4.3 + np.sqrt(4 / 3 * squares)) / v, abs=1e-14)
    assert s.lambda6 == pytest.approx((v + (1 - 1 / np.diag(np.linalg.inv(r))).sum() - 4) / v, abs=1e-14)
    assert (s.n_splits, s.exhaustive, s.reversed) == (3, True, ())


@pytest.mark.parametrize(
    "key,cols", [("guttman4", ["i1", "i2", "i3", "i4"]), ("guttman_1235", ["i1", "i2", "i3", "i5"])]
)
def test_guttman_lambdas_as_psych(key, cols):
    """psych::guttman(cor(x)): lambdas 1-3, 5, 5+ and 6 on R as given, lambda 4 the best keyed split."""
    g = quiet(cma.guttman, D[cols])
    for name in ("lambda1", "lambda2", "lambda3", "lambda4", "lambda5", "lambda5p", "lambda6"):
        assert getattr(g, name) == pytest.approx(REF[key][name], abs=1e-12), name
    assert g.split.max == g.lambda4 and g.split.n_splits == 3


def test_guttman_sampled_split_follows_n_sample_and_seed():
    """guttman passes n_sample and seed on to split_half: the same split statistics."""
    g = quiet(cma.guttman, D, n_sample=3, seed=4)
    s = quiet(cma.split_half, D, n_sample=3, seed=4)
    assert (g.split.n_splits, g.split.exhaustive) == (3, False)
    assert g.lambda4 == s.max and g.split.best_split == s.best_split


def test_guttman_by_hand_on_a_correlation_matrix():
    r = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
    g = cma.guttman(corr=r, n_obs=30)
    v = 3 + 2 * 1.2
    l1 = 1 - 3 / v
    assert g.lambda1 == pytest.approx(l1, abs=1e-14)
    assert g.lambda2 == pytest.approx((2.4 + np.sqrt(2 * 1.5 * 0.5)) / v, abs=1e-14)
    assert g.lambda3 == pytest.approx(1.5 * l1, abs=1e-14)
    cmax = max(0.25 + 0.16, 0.25 + 0.09, 0.16 + 0.09)
    assert g.lambda5 == pytest.approx(l1 + 2 * np.sqrt(cmax) / v, abs=1e-14)
    assert g.lambda5p == pytest.approx(l1 + 1.5 * 2 * np.sqrt(cmax) / v, abs=1e-14)
    inv_diag = np.array([0.91, 0.84, 0.75]) / 0.62  # cofactors over det R
    assert g.lambda6 == pytest.approx((v + (1 - 1 / inv_diag).sum() - 3) / v, abs=1e-14)
    # the splits {1}|{2,3} and {2}|{1,3} (psych's first 2 of 3): 4(.9)/5.4 and 4(.8)/5.4
    assert g.lambda4 == pytest.approx(4 * 0.9 / v, abs=1e-14) and g.split.min == pytest.approx(4 * 0.8 / v)


# --- intraclass correlations against psych::ICC --------------------------------------------------------


def hand_mean_squares(x: np.ndarray) -> dict:
    n, k = x.shape
    g = x.mean()
    ss_rows = k * ((x.mean(1) - g) ** 2).sum()
    ss_cols = n * ((x.mean(0) - g) ** 2).sum()
    ss_err = ((x - x.mean(1, keepdims=True) - x.mean(0) + g) ** 2).sum()
    ss_within = ((x - x.mean(1, keepdims=True)) ** 2).sum()
    return {
        "MSB": ss_rows / (n - 1),
        "MSW": ss_within / (n * (k - 1)),
        "MSJ": ss_cols / (k - 1),
        "MSE": ss_err / ((n - 1) * (k - 1)),
    }


@pytest.mark.parametrize("key,ci", [("icc95", 0.95), ("icc90", 0.9)])
def test_icc_table_and_mean_squares_as_psych(key, ci):
    """psych::ICC(na.omit(x), alpha = 1 - ci, lmer = FALSE): every column of the table; the target with a
    missing rating is dropped; mean squares by hand from the two-way ANOVA."""
    x = frame(REF["ratings"])
    res = cma.icc(x, ci=ci) if ci != 0.95 else cma.icc(x)
    ref = REF[key]
    t = res.table
    assert list(t.columns) == ["type", "ICC", "F", "df1", "df2", "p_value", "lower", "upper"]
    # psych's row names are cmanalytics's type column, and psych's type column its index
    assert list(t.index) == ref["type"] == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert t.index.name == "form" and list(t["type"]) == ref["rows"]
    for ours, theirs in ICC_VS_PSYCH:
        np.testing.assert_allclose(
            t[ours].to_numpy(float), np.array(ref[theirs], float), rtol=1e-12, atol=1e-13, err_msg=ours
        )
    assert (res.n_targets, res.n_judges, res.ci_level) == (ref["n_obs"], ref["n_judge"], ci) == (6, 4, ci)
    assert res.to_frame() is t
    want = hand_mean_squares(x.dropna().to_numpy())
    assert list(res.mean_squares) == ["MSB", "MSW", "MSJ", "MSE"]
    for name, value in want.items():
        assert res.mean_squares[name] == pytest.approx(value, rel=1e-13), name


@pytest.mark.parametrize(
    "call,error,message",
    [
        (
            lambda: cma.icc(frame(REF["ratings"]).iloc[[0, 6]]),
            DataError,
            "ICC needs at least 2 complete targets (rows); got 1.",
        ),
        (
            lambda: cma.icc(frame(REF["ratings"]), ci=95),
            ArgumentError,
            "ci must be a level between 0 and 1 (e.g. 0.95); got 95.",
        ),
    ],
)
def test_icc_refusals_word_for_word(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()


def test_icc_of_two_targets_and_two_judges_by_hand():
    """x = [[1, 2], [3, 6]]: grand mean 3; MSB = 2 (2 - 3)^2... written out: row means 1.5, 4.5; column means 2, 4."""
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    res = cma.icc(x)
    msb = 2 * ((1.5 - 3) ** 2 + (4.5 - 3) ** 2) / 1  # 9
    msj = 2 * ((2 - 3) ** 2 + (4 - 3) ** 2) / 1  # 4
    sse = ((x - 3) ** 2).sum() - 9 - 4  # 4 + 1 + 0 + 9 - 13 = 1
    msw = (4 + sse) / 2  # 2.5
    assert res.mean_squares == pytest.approx({"MSB": msb, "MSW": msw, "MSJ": msj, "MSE": sse})
    t = res.table["ICC"]
    assert t["ICC1"] == pytest.approx((9 - 2.5) / (9 + 2.5), abs=1e-14)
    assert t["ICC2"] == pytest.approx((9 - 1) / (9 + 1 + 2 * (4 - 1) / 2), abs=1e-14)
    assert t["ICC3"] == pytest.approx((9 - 1) / (9 + 1), abs=1e-14)
    assert t["ICC1k"] == pytest.approx((9 - 2.5) / 9, abs=1e-14)
    assert t["ICC2k"] == pytest.approx((9 - 1) / (9 + (4 - 1) / 2), abs=1e-14)
    assert t["ICC3k"] == pytest.approx(8 / 9, abs=1e-14)
    assert list(res.table["F"]) == pytest.approx([9 / 2.5, 9, 9, 9 / 2.5, 9, 9])
    assert list(res.table["df2"]) == [2, 1, 1, 2, 1, 1] and list(res.table["df1"]) == [1] * 6
    assert res.table["p_value"]["ICC1"] == pytest.approx(stats.f.sf(3.6, 1, 2), abs=1e-14)


# --- the pieces of cronbach_alpha -------------------------------------------------------------------------


def test_reverse_keyed_moments_by_hand():
    """reverse_keyed(m, [j], (lo, hi)): item j's covariances and correlations change sign (its variance does
    not), its mean becomes lo + hi - mean; the moments equal those of the data reversed by hand."""
    from cmanalytics.psychometrics.reliability import reverse_keyed

    x = D[["i1", "i2", "i3", "i4"]]
    m = cma.prepare(x)
    out = reverse_keyed(m, [1, 3], (1.0, 5.0))
    by_hand = x.assign(i2=6 - x["i2"], i4=6 - x["i4"]).to_numpy()
    np.testing.assert_allclose(out.cov, np.cov(by_hand, rowvar=False), atol=1e-13)
    np.testing.assert_allclose(out.corr, np.corrcoef(by_hand, rowvar=False), atol=1e-13)
    np.testing.assert_allclose(out.means, by_hand.mean(axis=0), atol=1e-13)
    np.testing.assert_array_equal(m.means, x.mean().to_numpy())  # the given moments untouched


def test_three_items_give_their_if_dropped_columns_without_numpy_warnings():
    """With 3 items each item dropped leaves one correlation: its variance is NaN (psych: NA) without numpy's
    'Degrees of freedom <= 0' RuntimeWarning reaching the caller."""
    res = cma.cronbach_alpha(D[["i1", "i2", "i3"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        st = res.item_stats
    assert st["var_r_if_deleted"].isna().all()


def test_prepared_items_keep_their_missing_policy():
    msg = (
        "missing='pairwise', but these items were prepared with missing='listwise': the policy is applied when the "
        "data are read. Prepare them again (cma.prepare(df, missing='pairwise')) or leave missing= out."
    )
    with pytest.raises(ArgumentError, match=f"^{re.escape(msg)}$"):
        cma.cronbach_alpha(cma.prepare(D[["i1", "i2", "i3"]]), missing="pairwise")
    ok = cma.cronbach_alpha(cma.prepare(D[["i1", "i2", "i3"]]), missing="listwise")
    assert ok.alpha == pytest.approx(REF["alpha3"]["total"]["raw_alpha"], abs=1e-12)


def test_alpha_exactly_zero_is_not_negative():
    """Two uncorrelated items (centred products -1.5 + .5 - .5 + 1.5 = 0): alpha = 2 (1 - tr C / 1'C1) = 0
    and r_drop = 0 exactly; neither is negative, so nothing is warned."""
    x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 0, 0, 2]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.cronbach_alpha(x)
    assert res.alpha == 0.0 and res.warnings == ()
    assert list(res.item_stats["r_drop"]) == [0.0, 0.0]


def test_two_perfectly_correlated_items_have_smc_one():
    """b = 2a + 1: r = 1 (to rounding), SMC = r^2 = 1, where R's inverse does not exist; every column is float."""
    x = pd.DataFrame({"a": [1.0, 2, 4, 3, 5], "b": [3.0, 5, 9, 7, 11]})
    res = cma.cronbach_alpha(x)
    np.testing.assert_allclose(res.item_stats["smc"].to_numpy(), [1.0, 1.0], atol=1e-12)
    assert all(t == np.float64 for t in res.item_stats.dtypes)


def test_reverse_none_is_no_item():
    res = cma.cronbach_alpha(D[["i1", "i2", "i3"]], reverse=None)
    assert res.reversed == () and res.alpha == pytest.approx(REF["alpha3"]["total"]["raw_alpha"], abs=1e-12)


def test_scale_variance_in_the_data_units_for_huge_answers():
    """Answers near 1e20 (moments kept in a power-of-two unit): the variance of the rest score is in the data's
    units, as numpy computes it; near 1e160 it is honestly infinite, with no overflow warning."""
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5], "c": [1.0, 3, 2, 5, 4]})
    big = x * 1e20
    res = cma.cronbach_alpha(big)
    want = [(x.sum(axis=1) - x[c]).var(ddof=1) * 1e40 for c in x.columns]  # 6.5, 9, 9 (times 1e40)
    np.testing.assert_allclose(res.item_stats["scale_var_if_deleted"].to_numpy(), want, rtol=1e-13)
    assert res.alpha == pytest.approx(cma.cronbach_alpha(x).alpha, abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = cma.cronbach_alpha(x * 1e160).item_stats
    assert np.isinf(huge["scale_var_if_deleted"]).all()


# --- keying by the first component, defaults and the missing-data policy of split_half and guttman --------


def test_keys_by_the_sign_of_the_first_component_summing_positive():
    """psych's check.keys: the first principal component, signed to sum positive, and the items loading negatively
    reversed. R below: a and b correlate -.6, c .3 with a and -.3 with b; by symmetry the component loads a and b
    equally with opposite signs (+-.847) and c (.620) with a's sign; summing positive (.620 > 0) keys b alone.
    An item uncorrelated with the others loads exactly 0 and is not reversed."""
    names = list("abc")
    r = pd.DataFrame([[1.0, -0.6, 0.3], [-0.6, 1.0, -0.3], [0.3, -0.3, 1.0]], index=names, columns=names)
    values, vectors = np.linalg.eigh(r.to_numpy())
    pc = vectors[:, -1] * np.sqrt(values[-1])
    pc = pc if pc.sum() > 0 else -pc
    np.testing.assert_allclose(pc, [0.84707889, -0.84707889, 0.62010479], atol=1e-8)
    assert cma.split_half(corr=r, n_obs=50).reversed == ("b",)
    # a runs against b and c (-.6, -.3; b and c .3): the component signed to sum positive (.620) keys a alone
    r2 = pd.DataFrame([[1.0, -0.6, -0.3], [-0.6, 1.0, 0.3], [-0.3, 0.3, 1.0]], index=names, columns=names)
    values, vectors = np.linalg.eigh(r2.to_numpy())
    pc = vectors[:, -1] * np.sqrt(values[-1])
    pc = pc if pc.sum() > 0 else -pc
    np.testing.assert_allclose(pc, [-0.84707889, 0.84707889, 0.62010479], atol=1e-8)
    assert cma.split_half(corr=r2, n_obs=50).reversed == ("a",)
    zero = pd.DataFrame([[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]], index=names, columns=names)
    assert cma.split_half(corr=zero, n_obs=50).reversed == ()


def test_default_seed_is_zero_and_guttman_passes_its_seed_on():
    """Ten items, 126 splits, 4 sampled: the default seed is 0; guttman's lambda 4 is split_half's with the same
    n_sample and seed (another seed samples other splits)."""
    x = BFI_10
    assert cma.split_half(x, n_sample=4) == cma.split_half(x, n_sample=4, seed=0)
    assert cma.guttman(x, n_sample=4).split == cma.split_half(x, n_sample=4, seed=0)
    for seed in (3, 11):
        g, s = cma.guttman(x, n_sample=4, seed=seed), cma.split_half(x, n_sample=4, seed=seed)
        assert g.split == s and g.lambda4 == s.max
    assert cma.split_half(x, n_sample=4, seed=3).mean != cma.split_half(x, n_sample=4, seed=11).mean


def test_split_half_and_guttman_under_pairwise_deletion():
    """missing="pairwise": the lambdas of pandas' pairwise Pearson matrix (closed forms by hand)."""
    x = frame(REF["data_missing"])
    r = x.corr().to_numpy()
    v = r.sum()
    off = v - 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = cma.guttman(x, missing="pairwise")
        s = cma.split_half(x, missing="pairwise", check_keys=False)
    assert g.lambda1 == pytest.approx(1 - 4 / v, abs=1e-12)
    assert g.lambda3 == pytest.approx(4 / 3 * off / v, abs=1e-12)
    assert s.alpha == pytest.approx(4 / 3 * off / v, abs=1e-12) and s.average_r == pytest.approx(off / 12, abs=1e-12)


def test_fixed_split_half_of_a_singular_matrix_uses_the_pseudo_inverse_as_guttman():
    """The six complete rows of the data with holes give a singular R (to rounding): split_half's lambda 6 (items
    not keyed) uses the same (pseudo-)inverse as guttman's, instead of failing in numpy; lambda 1 by hand."""
    x = frame(REF["data_missing"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = cma.guttman(x)
        s = cma.split_half(x, check_keys=False)
    assert s.lambda6 == g.lambda6
    assert g.lambda1 == pytest.approx(1 - 4 / x.dropna().corr().to_numpy().sum(), abs=1e-12)


def test_ten_thousand_sampled_splits_by_default():
    """25 items (bfi), C(25, 12) / 2 = 2,600,150 splits: 10,000 are sampled by default, by split_half and guttman."""
    r = pd.read_csv(TESTS / "reference" / "bfi_complete.csv").corr()
    s = cma.split_half(corr=r, n_obs=2436)
    assert (s.n_splits, s.exhaustive) == (10_000, False)
    assert cma.guttman(corr=r, n_obs=2436).split == s
