"""Tests written to kill mutants of the display methods of the results of adequacy.py, reliability.py and
retention.py: exact titles, rows (label and printed value), table captions and columns, notes, warnings,
repr and to_frame, with the figures from psych (tests/reference/mutants/results_3.json, made by
make_results_3.R) or computed by hand below."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cmanalytics as cma
from tests.conftest import shared_scope
from tests.psychometrics.results_text import (
    ATT_ITEMS,
    HS,
    HS_ITEMS,
    REF,
    SHARED,
    block,
    f3,
    repr_text,
    rows_text,
    table_text,
)
from tests.psychometrics.test_mutants_reliability import ITEM_COLUMNS  # psych's and SPSS's item columns

R3 = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])


@pytest.fixture(scope=shared_scope)
def attitude():
    return pd.read_csv(SHARED / "attitude.csv")


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SHARED / "holzinger_swineford_1939.csv")


# ----- adequacy -------------------------------------------------------------------------------------


def test_kmo_summary_repr_and_frame(attitude):
    k = REF["kmo"]
    res = cma.kmo(attitude)
    rows = [
        ("Kaiser-Meyer-Olkin measure of sampling adequacy", f"{f3(k['overall'])} (middling)"),
        ("N", "30"),
        ("missing data", "listwise"),
    ]
    text = res.summary()
    assert text.split("\n")[:5] == rows_text("KMO", rows)
    msa = pd.DataFrame({"MSA": k["msa"]}, index=ATT_ITEMS)
    assert block(text, "Measure of sampling adequacy per item") == table_text(msa)
    assert "Warnings:" not in text and "Notes:" not in text
    assert repr(res) == repr_text("KMOResult", "KMO", rows)
    fr = res.to_frame()
    assert list(fr.columns) == ["MSA"] and list(fr.index) == ATT_ITEMS
    np.testing.assert_allclose(fr["MSA"], k["msa"], atol=1e-12)
    assert "<h4>Measure of sampling adequacy per item</h4>" in res._repr_html_()


def test_kmo_of_a_correlation_matrix_says_so():
    # 3 items: MSA_j = sum r^2 / (sum r^2 + sum partial^2) over j's row (hand, from R^-1 = adj R / det R)
    inv = np.linalg.inv(R3)
    part = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    r2 = (R3**2).sum() - 3
    p2 = (part**2).sum() - 3
    res = cma.kmo(corr=R3, n_obs=50)
    lines = res.summary().split("\n")
    overall = r2 / (r2 + p2)
    assert lines[2].endswith(f"  {f3(overall)} (mediocre)") and 0.6 <= overall < 0.7
    assert lines[3:5] == [
        "N                                                50",
        "missing data                                     correlation matrix",
    ]


def test_bartlett_summary_against_psych(attitude):
    b = REF["bartlett"]
    res = cma.bartlett(attitude)
    assert b["p"] < 0.001
    rows = [
        ("Approx. Chi-Square", f3(b["chi2"])),
        ("df", "21"),
        ("Sig.", "< .001"),
        ("Determinant of R", f"{b['det']:.3e}"),
        ("N", "30"),
        ("missing data", "listwise"),
    ]
    text = res.summary()
    assert text == "\n".join(rows_text("Bartlett's test of sphericity", rows))
    assert repr(res) == repr_text("BartlettResult", "Bartlett's test of sphericity", rows)
    fr = res.to_frame()
    assert fr.index.name == "statistic" and list(fr.columns) == ["value"]
    assert list(fr.index) == [k for k, _ in rows] and list(fr["value"]) == [v for _, v in rows]


def test_bartlett_printed_p_above_001_by_hand():
    # chi2 = -(n - 1 - (2p + 5)/6) ln det R = -(9 - 11/6) ln 0.62, df = 3
    chi2 = -(9 - 11 / 6) * np.log(0.62)
    p = stats.chi2.sf(chi2, 3)
    res = cma.bartlett(corr=R3, n_obs=10)
    assert res.summary().split("\n")[2:8] == [
        f"Approx. Chi-Square  {f3(chi2)}",
        "df                  3",
        f"Sig.                {f3(p)}",
        "Determinant of R    6.200e-01",
        "N                   10",
        "missing data        correlation matrix",
    ]


def test_bartlett_p_just_above_and_below_the_bound():
    # pick n so that p sits on either side of .001: chi2 = -(n - 1 - 11/6) ln det R grows with n
    c = -np.log(0.62)
    crit = stats.chi2.isf(0.001, 3)
    n_hi = int(np.floor(crit / c + 1 + 11 / 6))  # p just above .001
    p_hi = stats.chi2.sf((n_hi - 1 - 11 / 6) * c, 3)
    p_lo = stats.chi2.sf((n_hi - 1 - 11 / 6 + 1) * c, 3)
    assert 0.001 < p_hi < 0.0015 and p_lo < 0.001
    assert cma.bartlett(corr=R3, n_obs=n_hi).summary().split("\n")[4] == f"Sig.                {f3(p_hi)}"
    assert cma.bartlett(corr=R3, n_obs=n_hi + 1).summary().split("\n")[4] == "Sig.                < .001"


def test_anti_image_summary_by_hand(attitude):
    # anti-image covariance a_ij = s_ij / (s_ii s_jj) from S = R^-1 (psych's solve(cor)); the anti-image
    # correlation is s_ij / sqrt(s_ii s_jj) off the diagonal and the MSAs on it (SPSS)
    s = np.array(REF["kmo"]["anti_cov"]["values"])
    d = np.diag(s)
    cov = s / np.outer(d, d)
    corr = s / np.sqrt(np.outer(d, d))
    np.fill_diagonal(corr, REF["kmo"]["msa"])
    res = cma.anti_image(attitude)
    text = res.summary()
    assert text.split("\n")[:3] == ["Anti-image matrices", "===================", ""]
    assert block(text, "Anti-image Covariance") == table_text(pd.DataFrame(cov, index=ATT_ITEMS, columns=ATT_ITEMS))
    assert block(text, "Anti-image Correlation") == table_text(pd.DataFrame(corr, index=ATT_ITEMS, columns=ATT_ITEMS))
    assert "Warnings:" not in text
    assert repr(res) == "<AntiImageResult Anti-image matrices: >"
    fr = res.to_frame()
    assert list(fr.index) == ATT_ITEMS and list(fr.columns) == ATT_ITEMS
    np.testing.assert_allclose(fr.to_numpy(), cov, atol=1e-12)


def test_anti_image_of_a_singular_matrix_warns_in_the_summary():
    s = 1 / np.sqrt(2)
    r = np.array([[1.0, 0.0, s], [0.0, 1.0, s], [s, s, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.anti_image(corr=r, n_obs=100)
    text = res.summary()
    assert text.split("\n")[-2] == "Warnings:"
    assert text.split("\n")[-1] == f"  ! {res.warnings[0]}"
    assert repr(res) == "<AntiImageResult Anti-image matrices: , 1 warning(s)>"


# ----- reliability ----------------------------------------------------------------------------------


def test_alpha_summary_against_psych(hs):
    a = REF["alpha"]
    res = cma.cronbach_alpha(hs)
    rows = [
        ("Cronbach's Alpha", f3(a["raw"])),
        ("Cronbach's Alpha Based on Standardized Items", f3(a["std"])),
        ("Feldt 95% interval", f"[{f3(a['feldt'])}, {f3(a['feldt_upper'])}]"),
        ("Average inter-item correlation", f3(a["average_r"])),
        ("N of Items", "9"),
        ("N", "301 (listwise)"),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:8] == rows_text("Reliability Statistics", rows)
    assert lines[8:11] == ["", "Item-Total Statistics", "---------------------"]
    assert lines[11].split() == ITEM_COLUMNS
    assert lines[12].split() == ["item"]
    ref = HS["alpha"]
    for j, name in enumerate(HS_ITEMS):
        tok = lines[13 + j].split()
        assert tok[0] == name
        assert tok[5] == f3(ref["r_drop"][j]) and tok[7] == f3(ref["alpha_if_dropped"][j])
    assert len(lines) == 13 + 9
    assert repr(res) == repr_text("AlphaResult", "Reliability Statistics", rows)
    fr = res.to_frame()
    assert list(fr.columns) == ITEM_COLUMNS and list(fr.index) == HS_ITEMS
    np.testing.assert_allclose(fr["alpha_if_deleted"], ref["alpha_if_dropped"], atol=1e-10)


def test_alpha_reverse_keyed_note_and_level_by_hand(hs):
    # x7 reversed as 0 + 10 - x: its covariances change sign; alpha = p/(p-1) (1 - sum var / var total)
    x = hs[HS_ITEMS].to_numpy(float).copy()
    x[:, 6] = 10 - x[:, 6]
    c = np.cov(x, rowvar=False)
    alpha = 9 / 8 * (1 - np.trace(c) / c.sum())
    # Feldt: 1 - (1 - alpha) F quantiles with df (n - 1, (n - 1)(p - 1)), 90%
    lo = 1 - (1 - alpha) * stats.f.ppf(0.95, 300, 2400)
    hi = 1 - (1 - alpha) * stats.f.ppf(0.05, 300, 2400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.cronbach_alpha(hs, reverse=["x7"], scale=(0, 10), ci=0.9)
    lines = res.summary().split("\n")
    assert lines[2] == f"Cronbach's Alpha                              {f3(alpha)}"
    assert lines[4] == f"Feldt 90% interval                            [{f3(lo)}, {f3(hi)}]"
    assert lines[-2:] == ["Notes:", "  - Reverse-keyed as (0 + 10 - x): x7"]
    assert lines[-5] == "Warnings:"
    assert lines[-4] == f"  ! {res.warnings[0]}"
    assert "x7" in res.warnings[0]
    assert repr(res).endswith(", 1 warning(s)>")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = cma.cronbach_alpha(hs, reverse=["x7", "x2"], scale=(-0.5, 10.5))
    assert plain.summary().split("\n")[-1] == "  - Reverse-keyed as (-0.5 + 10.5 - x): x7, x2"


def test_split_half_summary_against_psych(hs):
    s = REF["split"]
    res = cma.split_half(hs)
    rows = [
        ("Maximum split half (lambda 4)", f3(s["max"])),
        ("Minimum split half (beta)", f3(s["min"])),
        ("Average split half", f3(s["mean"])),
        ("alpha", f3(s["alpha"])),
        ("lambda 2", f3(s["lambda2"])),
        ("lambda 6", f3(s["lambda6"])),
        ("average r", f3(s["av_r"])),
        ("splits", f"{s['n_splits']} (all)"),
    ]
    text = res.summary()
    assert text == "\n".join(
        rows_text("Split-half reliability", rows)
        + ["", "Notes:", "  - Best split, first half: " + ", ".join(s["best"])]
    )
    assert repr(res) == repr_text("SplitHalfResult", "Split-half reliability", rows)
    fr = res.to_frame()
    assert list(fr.index) == [k for k, _ in rows] and list(fr["value"]) == [v for _, v in rows]


def test_split_half_sampled_and_reversed(hs):
    flipped = hs.assign(x7=-hs["x7"], x8=-hs["x8"])
    res = cma.split_half(flipped)
    s = REF["split"]
    # keyed back by the first component, the splits are psych's
    lines = res.summary().split("\n")
    assert lines[2] == f"Maximum split half (lambda 4)  {f3(s['max'])}"
    assert lines[-2:] == ["  - Best split, first half: " + ", ".join(s["best"]), "  - Reversed: x7, x8"]
    sampled = cma.split_half(hs, n_sample=20, seed=1)
    assert sampled.summary().split("\n")[9] == "splits                         20 (sampled)"


def test_guttman_summary_against_psych(hs):
    g = REF["guttman"]
    res = cma.guttman(hs)
    rows = [(f"lambda {i}", f3(g[f"l{i}"])) for i in range(1, 7)]
    assert res.summary() == "\n".join(rows_text("Guttman's lambdas", rows))
    assert repr(res) == repr_text("GuttmanResult", "Guttman's lambdas", rows)


def test_icc_summary_against_psych(attitude):
    ic = REF["icc"]["results"]
    res = cma.icc(attitude.iloc[:, :3])
    rows = [("Targets", "30"), ("Judges", "3"), ("Interval", "95%")]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:5] == rows_text("Intraclass correlations", rows)
    assert lines[5:8] == ["", "ICC", "---"]
    assert lines[8].split() == ["type", "ICC", "F", "df1", "df2", "p_value", "lower", "upper"]
    assert lines[9].split() == ["form"]
    forms = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    for j, (form, typ, v) in enumerate(zip(forms, ic["rows"], ic["values"], strict=True)):
        assert lines[10 + j].split() == [
            form,
            typ,
            f3(v[0]),
            f3(v[1]),
            str(v[2]),
            str(v[3]),
            f3(v[4]),
            f3(v[5]),
            f3(v[6]),
        ]
    assert len(lines) == 16
    assert repr(res) == repr_text("ICCResult", "Intraclass correlations", rows)
    assert list(res.to_frame().index) == forms
    assert cma.icc(attitude.iloc[:, :3], ci=0.9).summary().split("\n")[4] == "Interval  90%"


# ----- retention ------------------------------------------------------------------------------------


def test_map_summary_against_a_hand_computation(attitude):
    sq, fo = np.array(REF["map_squared"]), np.array(REF["map_fourth"])
    # psych's VSS map (m = 1..6) is the same squared average
    np.testing.assert_allclose(sq[1:], REF["map"], atol=1e-9)
    res = cma.velicer_map(attitude)
    rows = [
        ("Factors (MAP, squared partials)", str(int(np.argmin(sq)))),
        ("Factors (revised MAP, fourth powers)", str(int(np.argmin(fo)))),
        ("N", "30"),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:5] == rows_text("Velicer's MAP test", rows)
    assert lines[5:8] == ["", "Average partial correlations", "----------------------------"]
    table = pd.DataFrame({"squared": sq, "fourth": fo}, index=pd.RangeIndex(0, 7, name="components"))
    assert "\n".join(lines[8:]) == table_text(table)
    assert repr(res) == repr_text("MAPResult", "Velicer's MAP test", rows)
    assert list(res.to_frame().columns) == ["squared", "fourth"]


def test_parallel_analysis_summary():
    # three items at r = .9, n = 1000: eigenvalues 2.8, .1, .1; random eigenvalues of 3 items at n = 1000
    # stay within a few hundredths of 1, so exactly one component and one factor are kept
    r = np.full((3, 3), 0.9)
    np.fill_diagonal(r, 1)
    res = cma.parallel_analysis(corr=r, n_obs=1000, n_iter=50, seed=3)
    rows = [
        ("Suggested number of factors", "1"),
        ("Suggested number of components", "1"),
        ("Random data sets", "50 (wishart), seed 3"),
        ("Reference", "95th percentile of random eigenvalues"),
        ("N", "1000"),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:7] == rows_text("Parallel analysis", rows)
    assert lines[7:10] == ["", "Eigenvalues", "-----------"]
    assert lines[10].split() == ["observed_pc", "mean_pc", "quantile_pc", "observed_fa", "mean_fa", "quantile_fa"]
    assert lines[11].split() == ["position"]
    # observed eigenvalues of R: 1 + 2(.9) and 1 - .9 twice
    assert [ln.split()[:2] for ln in lines[12:15]] == [["1", "2.800"], ["2", "0.100"], ["3", "0.100"]]
    assert len(lines) == 15
    assert repr(res) == repr_text("ParallelAnalysisResult", "Parallel analysis", rows)
    fr = res.to_frame()
    assert list(fr.index) == [1, 2, 3] and fr.index.name == "position"
    other = cma.parallel_analysis(corr=r, n_obs=1000, n_iter=20, seed=None, quantile=0.99, simulation="normal")
    assert other.summary().split("\n")[4:6] == [
        "Random data sets                20 (normal), seed None",
        "Reference                       99th percentile of random eigenvalues",
    ]


def test_parallel_analysis_of_independent_items_keeps_none():
    # R = I: every observed eigenvalue is 1 (components) or 0 (factors, SMCs 0); random data's largest
    # eigenvalue beats 1, so nothing is kept
    res = cma.parallel_analysis(corr=np.eye(4), n_obs=200, n_iter=50, seed=1)
    lines = res.summary().split("\n")
    assert lines[2:4] == ["Suggested number of factors     0", "Suggested number of components  0"]
