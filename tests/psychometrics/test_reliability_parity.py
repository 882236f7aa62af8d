"""Reliability and validity coefficients against R psych 2.2.9 and semTools 0.5-6 (stored JSON made by
tests/reference/make_psych_parity_reference.R): omega and its variants, CR and AVE under both definitions."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.validity import average_variance_extracted, composite_reliability
from tests.conftest import REFERENCE, shared_scope

REF_DIR = Path(__file__).resolve().parents[1] / "reference"
REF = REF_DIR / "psych_parity.json"


@pytest.fixture(scope=shared_scope)
def ref():
    return json.loads(REF.read_text())


def mat(m):
    return np.array(m["values"], float)


def corr(d):
    return pd.DataFrame(mat(d["corr"]), index=d["corr"]["rows"], columns=d["corr"]["cols"])


OMEGA_CASES = [
    ("bfi", 2),
    ("bfi", 3),
    ("bfi", 5),
    ("harman", 2),
    ("harman", 3),
    ("harman", 4),
    ("thurstone", 2),
    ("thurstone", 3),
    ("ability", 2),
    ("ability", 3),
]


@pytest.mark.parametrize("data,k", OMEGA_CASES)
def test_omega_as_psych(ref, data, k):
    d = ref[data]
    o = d[f"omega_{k}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.omega(corr=corr(d), n_obs=d["n"], n_factors=k)
    # iterative (minres inside): 1e-4; psych's minres stops 3e-4 short on ability.cov with 3 factors (6 items)
    tol = 5e-4 if (data, k) == ("ability", 3) else 1e-4
    for ours, theirs in (
        ("omega_h", "omega_h"),
        ("omega_total", "omega_total"),
        ("omega_limit", "omega_lim"),
        ("ecv", "ECV"),
    ):
        assert getattr(res, ours) == pytest.approx(o[theirs], abs=tol), ours
    assert res.alpha == pytest.approx(o["alpha"], abs=1e-12)  # closed forms on the flipped matrix
    assert res.g6 == pytest.approx(o["G6"], abs=1e-12)
    np.testing.assert_allclose(res.schmid.to_numpy(), mat(o["sl"]), atol=tol)
    np.testing.assert_allclose(res.groups.to_numpy(), mat(o["group"]), atol=tol)
    np.testing.assert_allclose(res.g_loadings, o["gloading"], atol=tol)
    flipped = [n for n, s in zip(d["corr"]["rows"], o["key"]) if s < 0]
    assert list(res.flipped) == flipped


def test_omega_flips_reverse_keyed_items_and_handles_negative_factor_correlation(ref):
    d = ref["bfi"]
    res = cma.omega(corr=corr(d), n_obs=d["n"], n_factors=2)
    assert "A1" in res.flipped and "O5" in res.flipped  # bfi's reverse-keyed items
    assert res.g_loadings[1] < 0 and np.isfinite(res.omega_h)  # factors correlate -0.23: no NaN
    unflipped = cma.omega(corr=corr(d), n_obs=d["n"], n_factors=2, flip=False)
    assert unflipped.flipped == () and unflipped.omega_h < res.omega_h


def test_omega_bootstrap_is_seeded_and_brackets_the_estimate():
    data = pd.read_csv(REF_DIR / "bfi_complete.csv").iloc[:400, :10]
    a = cma.omega(data, n_factors=2, n_boot=30, seed=3)
    b = cma.omega(data, n_factors=2, n_boot=30, seed=3)
    pd.testing.assert_frame_equal(a.ci, b.ci)
    for name in ("omega_h", "omega_total", "alpha"):
        assert a.ci.loc[name, "lower"] < getattr(a, name) < a.ci.loc[name, "upper"]
    unlabeled = cma.omega(pd.DataFrame(data.to_numpy()), n_factors=2, n_boot=30, seed=3)  # integer column labels
    np.testing.assert_array_equal(unlabeled.ci.to_numpy(), a.ci.to_numpy())
    with pytest.raises(ArgumentError, match="raw responses"):
        cma.omega(corr=np.corrcoef(data.to_numpy(), rowvar=False), n_obs=400, n_factors=2, n_boot=10)


def test_cr_and_ave_both_definitions(ref):
    st = ref["semtools"]
    cov = mat(st["sample_cov"])
    items = st["sample_cov"]["rows"]
    for f in ("visual", "textual", "speed"):
        idx = [i for i, x in enumerate(st["factor"]) if x == f]
        pos = [items.index(st["item"][i]) for i in idx]
        s = cov[np.ix_(pos, pos)]
        est = np.array(st["est"])[idx]
        std = np.array(st["std"])[idx]
        cr = composite_reliability(est, method="semtools", cov=s)
        assert cr == pytest.approx(st["cr"][f], abs=1e-12) and cr.method == "semtools"
        assert average_variance_extracted(est, method="semtools", cov=s) == pytest.approx(st["ave"][f], abs=1e-12)
        # Fornell-Larcker by hand from the standardized loadings
        fl = composite_reliability(std)
        assert fl == pytest.approx(std.sum() ** 2 / (std.sum() ** 2 + (1 - std**2).sum()), abs=1e-15)
        assert fl.method == "fornell-larcker" and "fornell-larcker" in repr(fl)
    assert composite_reliability(np.array(st["std"])[:3]) != pytest.approx(st["cr"]["visual"], abs=1e-3)
    with pytest.raises(ArgumentError, match="cov="):
        composite_reliability([0.7, 0.8], method="semtools")
    with pytest.raises(ArgumentError, match="method"):
        average_variance_extracted([0.7, 0.8], method="raykov")


@pytest.mark.parametrize("data", ["bfi", "harman", "thurstone", "ability"])
def test_guttman_lambdas_and_split_halves(ref, data):
    d = ref[data]
    g_ref, s_ref = d["guttman"], d["split_half"]
    res = cma.guttman(corr=corr(d), n_obs=d["n"])
    for i in (1, 2, 3, 5, 6):  # closed forms
        assert getattr(res, f"lambda{i}") == pytest.approx(g_ref[f"lambda{i}"], abs=1e-12), i
    sh = res.split
    for name in ("alpha", "lambda2", "lambda6"):
        assert getattr(sh, name) == pytest.approx(s_ref[name], abs=1e-12)
    if s_ref["brute"]:  # every split enumerated, in psych's order: the same best, worst and average
        assert sh.exhaustive
        assert sh.max == pytest.approx(s_ref["max"], abs=1e-12) and res.lambda4 == pytest.approx(
            g_ref["lambda4"], abs=1e-12
        )
        assert sh.min == pytest.approx(s_ref["min"], abs=1e-12)
        assert sh.mean == pytest.approx(s_ref["mean"], abs=1e-12)
    else:  # psych samples 10,000 random splits of 2.6 million (bfi), as this does with its own seed
        assert not sh.exhaustive and sh.n_splits == 10_000
        assert sh.max == pytest.approx(s_ref["max"], abs=0.01) and sh.mean == pytest.approx(s_ref["mean"], abs=0.002)


# cmanalytics's icc table columns and the psych::ICC results they are compared with
ICC_VS_PSYCH = (
    ("ICC", "ICC"),
    ("F", "F"),
    ("df1", "df1"),
    ("df2", "df2"),
    ("p_value", "p"),
    ("lower", "lower"),
    ("upper", "upper"),
)


def test_icc_six_forms_as_psych(ref):
    sf = np.array(ref["icc"]["shrout_fleiss"]["data"], float)  # Shrout & Fleiss (1979), Table 2
    att = pd.read_csv(REFERENCE / "attitude.csv")  # datasets::attitude, in the shared R references
    for x, r_out in ((sf, ref["icc"]["shrout_fleiss"]["icc"]), (att, ref["icc"]["attitude"])):
        t = cma.icc(x).table
        for ours, theirs in ICC_VS_PSYCH:
            np.testing.assert_allclose(
                t[ours].to_numpy(float), np.array(r_out[theirs], float), atol=1e-10, err_msg=ours
            )
    # the published values (Shrout & Fleiss 1979, Table 4): ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71
    np.testing.assert_allclose(cma.icc(sf).table["ICC"].to_numpy()[:3], [0.17, 0.29, 0.71], atol=0.005)


def test_team_agreement_by_hand_formulas(ref):
    a = ref["agreement"]
    pg = a["per_group"]
    x = pd.read_csv(REF_DIR / "bfi_agreement.csv")
    res = cma.agreement(x, "education", scale=(1, 6))
    np.testing.assert_array_equal(res.groups["n"].to_numpy(), pg["n"])
    for ours, theirs in (("rwg", "rwg_A2"), ("rwg_j", "rwg_j"), ("awg", "awg")):
        np.testing.assert_allclose(res.groups[ours].to_numpy(), pg[theirs], atol=1e-12)
    np.testing.assert_allclose(res.awg_items["A2"].to_numpy(), pg["awg_A2"], atol=1e-12)
    assert res.icc1 == pytest.approx(a["icc1"], abs=1e-12) and res.icc2 == pytest.approx(a["icc2"], abs=1e-12)
    assert res.mean_group_size == pytest.approx(a["kbar"]) and res.null_variance == pytest.approx(35 / 12)
    skew = cma.agreement(x, "education", scale=(1, 6), null=[0.05, 0.10, 0.20, 0.30, 0.20, 0.15])
    assert skew.null_variance == pytest.approx(a["sigma_skewed"], abs=1e-12)
    np.testing.assert_allclose(skew.groups["rwg"].to_numpy(), pg["rwg_A2_skewed_null"], atol=1e-12)
    with pytest.raises(ArgumentError, match="null"):
        cma.agreement(x, "education", scale=(1, 6), null=[0.5, 0.5])


def test_alpha_item_dropped_statistics_and_reverse_key_warning(ref):
    x = pd.read_csv(REF_DIR / "bfi_complete.csv")[["A1", "A2", "A3", "A4", "A5"]]
    a = ref["bfi_alpha"]["agreeableness"]
    with pytest.warns(cma.errors.ReverseKeyWarning, match="A1"):  # A1 ("indifferent to others") is reverse-keyed
        res = cma.cronbach_alpha(x)
    assert any("A1" in w for w in res.warnings)
    assert res.alpha == pytest.approx(a["total"]["raw_alpha"], abs=1e-12)
    assert res.std_alpha == pytest.approx(a["total"]["std.alpha"], abs=1e-12)
    assert res.average_r == pytest.approx(a["total"]["average_r"], abs=1e-12)
    st = res.item_stats
    np.testing.assert_allclose(st["alpha_if_deleted"], a["drop"]["raw_alpha"], atol=1e-12)
    np.testing.assert_allclose(st["std_alpha_if_deleted"], a["drop"]["std.alpha"], atol=1e-12)
    np.testing.assert_allclose(st["r_drop"], a["item"]["r.drop"], atol=1e-12)
    for ours, theirs, part in (
        ("raw_r", "raw.r", "item"),
        ("std_r", "std.r", "item"),
        ("average_r_if_deleted", "average_r", "drop"),
        ("sn_if_deleted", "S/N", "drop"),
        ("g6_if_deleted", "G6(smc)", "drop"),
        ("var_r_if_deleted", "var.r", "drop"),
        ("median_r_if_deleted", "med.r", "drop"),
    ):
        np.testing.assert_allclose(st[ours], a[part][theirs], atol=1e-12, err_msg=ours)
    keyed = ref["bfi_alpha"]["agreeableness_keyed"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", cma.errors.CmanalyticsWarning)
        res = cma.cronbach_alpha(x, reverse=["A1"], scale=(1, 6))
    assert res.alpha == pytest.approx(keyed["total"]["raw_alpha"], abs=1e-12)
    np.testing.assert_allclose(res.item_stats["alpha_if_deleted"], keyed["drop"]["raw_alpha"], atol=1e-12)


def test_new_functions_refuse_bad_input_with_the_package_errors():
    from cmanalytics.errors import DataError

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.integers(1, 6, (40, 4)), columns=list("abcd"))
    before = x.copy()
    with pytest.raises(DataError, match="2 complete targets"):
        cma.icc(x.iloc[:1])
    with pytest.raises(ArgumentError, match="ci"):
        cma.icc(x, ci=95)
    with pytest.raises(DataError, match="at least 3"):
        cma.guttman(x[["a", "b"]])
    with pytest.raises(ArgumentError, match="max_factors"):
        cma.velicer_map(x, max_factors=9)
    with pytest.raises(ArgumentError, match="square symmetric"):
        cma.cor_smooth(np.ones((2, 3)))
    with pytest.raises(DataError, match="group column 'team'"):
        cma.agreement(x, "team")
    with pytest.raises(ArgumentError, match="scale"):
        cma.agreement(x.assign(team=[1, 2] * 20), "team", scale=(2, 4))
    with pytest.raises(ArgumentError, match="n_boot"):
        cma.omega(x, n_factors=2, n_boot=-1)
    with pytest.raises(ArgumentError, match="option"):
        cma.omega(x, n_factors=2, option="both")
    with pytest.raises(ArgumentError, match="scoring method"):
        cma.factor_score_weights(cma.efa(x, n_factors=2, method="pca"), "harman")
    pd.testing.assert_frame_equal(x, before)  # the caller's data untouched
