"""Tests written to kill mutants of the display methods of the results of agreement.py, consistency.py,
resampling.py, ordinal.py, scores.py and validity.py (OmegaResult, HarmanResult): exact titles, rows,
table captions and columns, notes, warnings, repr and to_frame, with the figures from psych
(tests/reference/mutants/results_3.json, made by make_results_3.R; ../shared/reference) or by hand below."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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


@pytest.fixture(scope=shared_scope)
def attitude():
    return pd.read_csv(SHARED / "attitude.csv")


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SHARED / "holzinger_swineford_1939.csv")


# ----- agreement ------------------------------------------------------------------------------------


def test_agreement_summary_by_hand():
    d = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 4, "q1": [4, 5, 4, 2, 3, 2, 1], "q2": [5, 5, 4, 1, 2, 2, 3]})

    # uniform null on 1..5: (A^2 - 1) / 12 = 2. Group a: s^2 = 1/3 on both items; b: 2/3 on both.
    # rwg = 1 - s^2 / 2; rwg(j) = J(1 - s2/2) / (J(1 - s2/2) + s2/2) with J = 2
    def rwg_j(s2):
        q = s2 / 2
        return 2 * (1 - q) / (2 * (1 - q) + q)

    # awg = 1 - 2 s^2 / [((H + L) M - M^2 - H L) k / (k - 1)], mean over items
    def awg(m, s2, k):
        return 1 - 2 * s2 / ((6 * m - m * m - 5) * k / (k - 1))

    awg_a = (awg(13 / 3, 1 / 3, 3) + awg(14 / 3, 1 / 3, 3)) / 2
    awg_b = awg(2, 2 / 3, 4)
    # ICC of the scale mean: person means a 4.5, 5, 4; b 1.5, 2.5, 2, 2; grand mean 21.5 / 7
    gm = 21.5 / 7
    msb = 3 * (4.5 - gm) ** 2 + 4 * (2 - gm) ** 2  # df 1
    msw = (0.5 + 0.5) / 5
    k = 3.5
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - msw) / msb
    res = cma.agreement(d, "g", scale=(1, 5))
    rows = [
        ("ICC(1)", f3(icc1)),
        ("ICC(2)", f3(icc2)),
        ("Mean group size", "3.500"),
        ("Null variance", "2.000"),
        ("Median rwg(j)", f3((rwg_j(1 / 3) + rwg_j(2 / 3)) / 2)),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:7] == rows_text("Within-group agreement", rows)
    want = pd.DataFrame(
        {
            "n": [3, 4],
            "mean": [4.5, 2.0],
            "rwg": [1 - 1 / 6, 1 - 1 / 3],
            "rwg_j": [rwg_j(1 / 3), rwg_j(2 / 3)],
            "awg": [awg_a, awg_b],
        },
        index=pd.Index(["a", "b"], name="g"),
    )
    assert block(text, "Groups") == table_text(want)
    assert "Warnings:" not in text
    assert repr(res) == repr_text("AgreementResult", "Within-group agreement", rows)
    fr = res.to_frame()
    assert list(fr.columns) == ["n", "mean", "rwg", "rwg_j", "awg"] and list(fr.index) == ["a", "b"]


def test_agreement_warnings_shown():
    d = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 3 + ["c"], "q1": [4, 5, 4, 2, 3, 2, 1], "q2": [5, 5, 4, 1, 2, 2, 3]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.agreement(d, "g", scale=(1, 5))
    lines = res.summary().split("\n")
    n = len(res.warnings)
    assert n >= 1 and any("c" in w for w in res.warnings)
    assert lines[-n - 1 :] == ["Warnings:"] + [f"  ! {w}" for w in res.warnings]
    assert repr(res).endswith(f", {n} warning(s)>")


# ----- consistency ----------------------------------------------------------------------------------


def test_audit_summary_rows_and_notes():
    res = cma.audit_efa_report(
        n_obs=301, n_items=9, n_factors=3, kmo=0.752, bartlett_chi2=904.1, variance_pct=69.0, alpha=0.76
    )
    lines = res.summary().split("\n")
    w = len("bound: bartlett_chi2_min_variance_only")
    head = [
        ("n_obs", "301"),
        ("n_items", "9"),
        ("n_factors", "3"),
        ("kmo", "0.752"),
        ("bartlett_chi2", "904.100"),
        ("variance_pct", "69.000"),
        ("alpha", "0.760"),
        ("verdict", "consistent"),
    ]
    assert lines[:2] == ["Audit of reported EFA figures", "============================="]
    assert lines[2:10] == [f"{k.ljust(w)}  {v}" for k, v in head]
    # alpha reported as .76 may be .755: alpha <= p/(p-1) (1 - 1/lambda1) needs lambda1 >= 1 / (1 - .755 * 8/9)
    assert lines[10] == f"{'bound: lambda1_min'.ljust(w)}  {f3(1 / (1 - 0.755 * 8 / 9))}"
    bounds = [
        (f"bound: {k}", v if isinstance(v, str) else (str(v) if isinstance(v, int) else f3(v)))
        for k, v in res.bounds.items()
    ]
    assert lines[10 : 10 + len(bounds)] == [f"{k.ljust(w)}  {v}" for k, v in bounds]
    assert "bound: n_max" in [k for k, _ in bounds] and isinstance(res.bounds["n_max"], int)
    assert lines[10 + len(bounds) :] == ["", "Notes:"] + [f"  - {f}" for f in res.findings]
    assert "  - KMO depends on the partial correlations, not on the eigenvalues alone; it enters no bound." in lines
    assert repr(res) == (
        "<EFAReportAudit Audit of reported EFA figures: n_obs=301, n_items=9, n_factors=3, kmo=0.752, "
        "bartlett_chi2=904.100, variance_pct=69.000>"
    )


def test_audit_inconsistent_verdict_and_missing_figures():
    # 3 components of 9 items cannot explain less than 3/9 = 33.33% (eigenvalues are ordered)
    res = cma.audit_efa_report(n_obs=100, n_items=9, n_factors=3, variance_pct=20.0)
    lines = res.summary().split("\n")
    labels = [ln.split("  ")[0].strip() for ln in lines[2:] if ln and not ln.startswith(" ")]
    assert labels[:5] == ["n_obs", "n_items", "n_factors", "variance_pct", "verdict"]
    assert "verdict" in lines[6] and lines[6].endswith("  INCONSISTENT")
    assert (
        "  - 20.0% of variance cannot come from 3 of 9 components (at least 33.33% by the ordering of eigenvalues)."
        in lines
    )


# ----- resampling -----------------------------------------------------------------------------------


def test_bootstrap_summary_estimates_by_hand(hs):
    x = hs[HS_ITEMS[:4]].to_numpy(float)
    c = np.cov(x, rowvar=False)
    alpha = 4 / 3 * (1 - np.trace(c) / c.sum())
    r = np.corrcoef(x, rowvar=False)
    inv = np.linalg.inv(r)
    part = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    off = ~np.eye(4, dtype=bool)
    kmo = (r[off] ** 2).sum() / ((r[off] ** 2).sum() + (part[off] ** 2).sum())
    e, v = np.linalg.eigh(r)
    pc1 = np.abs(v[:, -1]) * np.sqrt(e[-1])
    res = cma.bootstrap(hs[HS_ITEMS[:4]], n_factors=1, n_boot=30, rotation=None, seed=1, level=0.9)
    a, k = res.alpha, res.kmo
    assert a["estimate"] == pytest.approx(alpha, abs=1e-12) and k["estimate"] == pytest.approx(kmo, abs=1e-12)
    rows = [
        ("alpha (90% CI)", f"{f3(alpha)} [{f3(a['lower'])}, {f3(a['upper'])}]"),
        ("KMO (90% CI)", f"{f3(kmo)} [{f3(k['lower'])}, {f3(k['upper'])}]"),
        ("resamples", "30, seed 1"),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:5] == rows_text("Bootstrap", rows)
    assert block(text, "Loadings") == table_text(pd.DataFrame({"PC1": pc1}, index=HS_ITEMS[:4]))
    assert block(text, "Lower 90%") == table_text(res.loadings_lower)
    assert block(text, "Upper 90%") == table_text(res.loadings_upper)
    assert (res.loadings_lower.to_numpy() <= pc1[:, None] + 1e-12).all()
    for fr in (res.loadings, res.loadings_lower, res.loadings_upper):
        assert list(fr.index) == HS_ITEMS[:4] and list(fr.columns) == ["PC1"]
    np.testing.assert_allclose(res.loadings["PC1"], pc1, atol=1e-12)
    assert "Warnings:" not in text
    assert repr(res) == repr_text("BootstrapResult", "Bootstrap", rows)
    assert res.to_frame().index.name == "statistic"


# ----- ordinal --------------------------------------------------------------------------------------


def test_polychoric_summary_against_psych():
    rho = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "psych_polychoric_rho.csv", index_col=0)
    tau = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "psych_polychoric_tau.csv", index_col=0)
    data = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "ordinal_300x8.csv")
    res = cma.polychoric(data)
    text = res.summary()
    lines = text.split("\n")
    assert lines[:4] == ["Polychoric correlations", "=======================", "N         300", "smoothed  False"]
    corr = block(text, "Correlations").split("\n")
    assert corr[0].split() == list(rho.columns)
    for j, name in enumerate(rho.index):
        tok = corr[1 + j].split()
        assert tok[0] == str(name)
        np.testing.assert_allclose([float(t) for t in tok[1:]], rho.iloc[j].to_numpy(), atol=6e-4)
    th = block(text, "Thresholds").split("\n")
    assert th[0].split() == [f"t{i}" for i in range(1, tau.shape[1] + 1)]
    for j in range(tau.shape[0]):
        np.testing.assert_allclose([float(t) for t in th[1 + j].split()[1:]], tau.iloc[j].to_numpy(), atol=6e-4)
    assert repr(res) == "<PolychoricResult Polychoric correlations: N=300, smoothed=False>"
    assert "Warnings:" not in text


# ----- scores ---------------------------------------------------------------------------------------


def test_score_weights_summary_by_hand(attitude):
    e = REF["efa"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = cma.efa(attitude, n_factors=2, method="minres", rotation="oblimin")
    res = cma.factor_score_weights(fit)
    # Thurstone: W = R^-1 S, S = L Phi; the scores' covariance W'RW; R2 = diag(S'R^-1 S), determinacy sqrt
    r = np.corrcoef(attitude[ATT_ITEMS].to_numpy(float), rowvar=False)
    s = np.array(e["loadings"]["values"]) @ np.array(e["phi"]["values"])
    w = np.linalg.solve(r, s)
    cs = w.T @ r @ w
    cr = cs / np.sqrt(np.outer(np.diag(cs), np.diag(cs)))
    r2 = np.diag(s.T @ w)
    text = res.summary()
    lines = text.split("\n")
    assert lines[:3] == ["Factor score weights (regression)", "=================================", ""]
    assert block(text, "Weights") == table_text(pd.DataFrame(w, index=ATT_ITEMS, columns=["MR1", "MR2"]))
    assert block(text, "Correlations of the scores") == table_text(
        pd.DataFrame(cr, index=["MR1", "MR2"], columns=["MR1", "MR2"])
    )
    q = pd.DataFrame({"R2": r2, "determinacy": np.sqrt(r2)}, index=["MR1", "MR2"])
    assert block(text, "Determinacy") == table_text(q)
    assert repr(res) == "<ScoreWeights Factor score weights (regression): >"
    fr = res.to_frame()
    assert list(fr.columns) == ["MR1", "MR2"] and list(fr.index) == ATT_ITEMS
    np.testing.assert_allclose(fr.to_numpy(), w, atol=1e-4)
    b = cma.factor_score_weights(fit, method="bartlett")
    assert b.summary().split("\n")[0] == "Factor score weights (bartlett)"


# ----- validity -------------------------------------------------------------------------------------


def test_harman_summary_against_the_eigenvalues(hs):
    pct = 100 * HS["eigenvalues"][0] / 9
    res = cma.harman(hs)
    rows = [
        ("first factor", f"{pct:.2f}% of variance"),
        ("threshold", "50%"),
        ("verdict", "no single factor dominates"),
    ]
    assert res.summary() == "\n".join(rows_text("Harman's single-factor test", rows))
    assert repr(res) == repr_text("HarmanResult", "Harman's single-factor test", rows)
    flagged = cma.harman(hs, threshold=35.5)
    assert flagged.summary().split("\n")[3:5] == [
        "threshold     35.5%",
        "verdict       common-method variance suspected",
    ]


def test_omega_summary_against_psych(hs):
    o = REF["omega"]
    res = cma.omega(hs, n_factors=3)
    rows = [
        ("omega hierarchical", f3(o["omega_h"])),
        ("omega total", f3(o["omega_total"])),
        ("omega limit (omega_h / omega_total)", f3(o["omega_lim"])),
        ("alpha (standardized)", f3(o["alpha"])),
        ("Guttman's lambda 6", f3(o["g6"])),
        ("explained common variance", f3(o["ecv"])),
        ("N", "301"),
    ]
    text = res.summary()
    lines = text.split("\n")
    assert lines[:9] == rows_text("McDonald's omega", rows)
    sl = pd.DataFrame(o["schmid"]["values"], index=o["schmid"]["rows"], columns=o["schmid"]["cols"])
    got = block(text, "Schmid-Leiman loadings").split("\n")
    assert got[0].split() == o["schmid"]["cols"]
    for j, name in enumerate(HS_ITEMS):
        tok = got[1 + j].split()
        assert tok[0] == name
        np.testing.assert_allclose([float(t) for t in tok[1:]], sl.loc[name].to_numpy(), atol=6e-4)
    grp = block(text, "Omega by factor").split("\n")
    assert grp[0].split() == ["total", "general", "group"]
    for j, (name, vals) in enumerate(zip(o["group"]["rows"], o["group"]["values"], strict=True)):
        tok = grp[1 + j].split()
        assert tok[0] == name
        # psych's F3* group omega is 0.5265004: compare to the printed digits, not the printed text
        np.testing.assert_allclose([float(t) for t in tok[1:]], vals, atol=6e-4)
    assert "Bootstrap intervals" not in lines and "Notes:" not in lines and "Warnings:" not in lines
    assert repr(res) == repr_text("OmegaResult", "McDonald's omega", rows)
    fr = res.to_frame()
    assert list(fr.columns) == o["schmid"]["cols"] and list(fr.index) == HS_ITEMS


def test_omega_flipped_note_and_bootstrap_table(hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cma.omega(hs.assign(x7=-hs["x7"], x8=-hs["x8"]), n_factors=3)
    lines = res.summary().split("\n")
    assert lines[2] == f"omega hierarchical                   {f3(REF['omega']['omega_h'])}"
    assert lines[-2:] == ["Notes:", "  - Reversed (negative loading on g): x7, x8"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = cma.omega(hs, n_factors=3, n_boot=2, seed=1)
    text = boot.summary()
    ci = block(text, "Bootstrap intervals").split("\n")
    assert ci[0].split() == ["lower", "upper", "n_boot"]
    assert [ln.split()[0] for ln in ci[1:]] == ["omega_h", "omega_total", "omega_limit", "alpha", "g6"]
    assert all(ln.split()[-1] == "2" for ln in ci[1:])


def test_coefficient_repr_names_its_method():
    # CR = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) = 2.1^2 / (4.41 + 1.51); AVE = mean(l^2) = 1.49 / 3
    cr = cma.composite_reliability([0.7, 0.8, 0.6])
    assert float(cr) == pytest.approx(4.41 / 5.92, abs=1e-15)
    assert repr(cr) == f"{float(cr)!r} (fornell-larcker)"
    ave = cma.average_variance_extracted([0.7, 0.8, 0.6])
    assert float(ave) == pytest.approx(1.49 / 3, abs=1e-15)
    assert repr(ave) == f"{float(ave)!r} (fornell-larcker)"
