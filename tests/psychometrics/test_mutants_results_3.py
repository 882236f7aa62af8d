"""Tests written to kill mutants of the result classes' display methods (EFAResult and the results of
adequacy, reliability, retention): the exact title, every row's label and printed value of summary(), the
tables' captions and columns, repr's text and to_frame(), with the figures from psych
(tests/reference/mutants/results_3.json, made by make_results_3.R, and efa_reference.json) or by hand."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from tests.conftest import shared_scope
from tests.psychometrics.results_text import (
    ATT_ITEMS,
    REF,
    REF_DIR,
    SHARED,
    block,
    f3,
    table_text,
)

EFA_REF = json.loads((REF_DIR / "efa_reference.json").read_text())


@pytest.fixture(scope=shared_scope)
def attitude():
    return pd.read_csv(SHARED / "attitude.csv")


def ref_frame(m, digits=None):
    return pd.DataFrame(m["values"], index=m["rows"], columns=m["cols"])


# ----- EFAResult ------------------------------------------------------------------------------------


@pytest.fixture(scope=shared_scope)
def minres_oblimin(attitude):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cma.efa(attitude, n_factors=2, method="minres", rotation="oblimin")


MINRES_LABEL = "Minimum Residual (Unweighted Least Squares)"


def efa_header(e, extraction, rotation, criterion=None):
    fit = (
        f"Goodness of fit  chi2({e['df']}) = {f3(e['chi2'])}, p = {f3(e['p'])}, RMSEA = {f3(e['rmsea'])}, "
        f"TLI = {f3(e['tli'])}, BIC = {f3(e['bic'])}"
    )
    resid = (
        f"Residuals        RMSR = {f3(e['rms'])}, df-corrected RMSR = {f3(e['crms'])}, "
        f"{e['n_above']} of {e['n_resid']} above 0.05 in absolute value"
    )
    objective = f"Objective        ML discrepancy {e['objective']:.6g}" + (
        "" if criterion is None else f"; {extraction} criterion {criterion:.6g}"
    )
    return [
        "Exploratory factor analysis",
        "===========================",
        f"Extraction       {extraction}",
        f"Rotation         {rotation}",
        "Factors          2 (set by the user)",
        "N                30 (listwise)",
        fit,
        resid,
        objective,
    ]


def test_efa_minres_oblimin_summary_against_psych(minres_oblimin):
    e = REF["efa"]
    text = minres_oblimin.summary()
    lines = text.split("\n")
    # psych's criterion for minres is the sum of squared off-diagonal residuals (both triangles)
    assert lines[:9] == efa_header(e, MINRES_LABEL, "Oblimin", e["criterion"])
    assert lines[9] == ""
    # sorted as SPSS's "Sorted by size": MR1's items by |loading| down, then MR2's
    order = ["complaints", "rating", "learning", "raises", "privileges", "advance", "critical"]
    pattern = ref_frame(e["loadings"]).loc[order]
    assert block(text, "Pattern Matrix") == table_text(pattern)
    assert block(text, "Structure Matrix") == table_text(ref_frame(e["structure"]).loc[order])
    assert block(text, "Factor Correlation Matrix") == table_text(ref_frame(e["phi"]))
    comm = pd.DataFrame({"Initial": e["smc"], "Extraction": e["communality"]}, index=ATT_ITEMS)
    assert block(text, "Communalities") == table_text(comm)
    tve = block(text, "Total Variance Explained").split("\n")
    assert tve[0].split() == [
        "Initial",
        "Eigenvalues",
        "Extraction",
        "Sums",
        "of",
        "Squared",
        "Loadings",
        "Rotation",
        "Sums",
        "of",
        "Squared",
        "Loadings",
    ]
    assert tve[1].split() == ["Total", "%", "of", "Variance", "Cumulative", "%"] * 2 + ["Total"]
    assert tve[2].split() == ["Component"]
    ev = np.array(e["eigen"])
    unrot_ss = (np.array(e["unrotated"]["values"]) ** 2).sum(axis=0)
    rot_ss = (np.array(e["structure"]["values"]) ** 2).sum(axis=0)  # SPSS: structure sums for oblique
    for j in range(2):
        want = [str(j + 1), f3(ev[j]), f3(100 * ev[j] / 7), f3(100 * ev[: j + 1].sum() / 7)]
        want += [f3(unrot_ss[j]), f3(100 * unrot_ss[j] / 7), f3(100 * unrot_ss[: j + 1].sum() / 7), f3(rot_ss[j])]
        assert tve[3 + j].split() == want
    assert tve[5].split() == ["3", f3(ev[2]), f3(100 * ev[2] / 7), f3(100 * ev[:3].sum() / 7)]
    assert len(tve) == 3 + 7
    assert lines[-1] != "Notes:" and "Warnings:" not in lines
    # the tables in order, and nothing after the last
    captions = [ln for i, ln in enumerate(lines[:-1]) if lines[i + 1] == "-" * len(ln) and ln]
    assert captions == [
        "Pattern Matrix",
        "Structure Matrix",
        "Factor Correlation Matrix",
        "Communalities",
        "Total Variance Explained",
    ]


def test_efa_repr_and_html_carry_the_first_six_rows(minres_oblimin):
    e = REF["efa"]
    head = efa_header(e, MINRES_LABEL, "Oblimin")
    figures = ", ".join(
        [
            f"Extraction={MINRES_LABEL}",
            "Rotation=Oblimin",
            "Factors=2 (set by the user)",
            "N=30 (listwise)",
            head[6].replace("Goodness of fit  ", "Goodness of fit="),
            head[7].replace("Residuals        ", "Residuals="),
        ]
    )
    assert repr(minres_oblimin) == f"<EFAResult Exploratory factor analysis: {figures}>"
    html = minres_oblimin._repr_html_()
    assert "<h4>Exploratory factor analysis</h4>" in html
    for caption in ("Pattern Matrix", "Structure Matrix", "Factor Correlation Matrix", "Communalities"):
        assert f"<h4>{caption}</h4>" in html
    assert "Objective</th><td>ML discrepancy " + f"{e['objective']:.6g}; {MINRES_LABEL} criterion" in html


def test_efa_to_frame_is_the_loadings_with_h2_and_u2(minres_oblimin):
    e = REF["efa"]
    fr = minres_oblimin.to_frame()
    assert list(fr.columns) == ["MR1", "MR2", "h2", "u2"]
    assert list(fr.index) == ATT_ITEMS
    np.testing.assert_allclose(fr[["MR1", "MR2"]].to_numpy(), e["loadings"]["values"], atol=2e-5)
    np.testing.assert_allclose(fr["h2"], e["communality"], atol=2e-5)
    np.testing.assert_allclose(fr["u2"], 1 - np.array(e["communality"]), atol=2e-5)


def test_efa_blank_unsorted_and_notes(minres_oblimin):
    e = REF["efa"]
    lam = ref_frame(e["loadings"])
    text = minres_oblimin.summary(sort=False, blank=0.3)
    want = lam.mask(lam.abs() < 0.3)
    assert block(text, "Pattern Matrix") == table_text(want)
    # the structure matrix follows the pattern's order but is not blanked
    assert block(text, "Structure Matrix") == table_text(ref_frame(e["structure"]))
    assert text.split("\n")[-2:] == ["Notes:", "  - Loadings with absolute value below 0.3 are blanked."]
    # view() keeps the settings for summary() and the HTML view
    v = minres_oblimin.view(sort=False, blank=0.3)
    assert v.summary() == text
    assert "Loadings with absolute value below 0.3 are blanked." in v._repr_html_()
    assert v.display_sort is False and v.display_blank == 0.3
    # summary's own sort/blank override the view's; sorted and blanked
    order = ["complaints", "rating", "learning", "raises", "privileges", "advance", "critical"]
    assert block(v.summary(sort=True, blank=0.5), "Pattern Matrix") == table_text(
        lam.loc[order].mask(lam.loc[order].abs() < 0.5)
    )
    # default view: sorted, nothing blanked
    assert block(minres_oblimin.summary(digits=2), "Pattern Matrix") == table_text(lam.loc[order], 2)
    assert block(v.view().summary(), "Pattern Matrix") == table_text(lam.loc[order])


def test_efa_sorted_loadings_structure_and_refusal(minres_oblimin, attitude):
    e = REF["efa"]
    order = ["complaints", "rating", "learning", "raises", "privileges", "advance", "critical"]
    s = minres_oblimin.sorted_loadings(0.3, matrix="structure")
    st = ref_frame(e["structure"])
    # structure: every item's largest is MR1 but advance and critical (MR2)
    sorder = ["complaints", "rating", "raises", "learning", "privileges", "advance", "critical"]
    assert list(s.index) == sorder
    np.testing.assert_allclose(s.to_numpy(), st.loc[sorder].mask(st.loc[sorder].abs() < 0.3).to_numpy(), atol=2e-5)
    p = minres_oblimin.sorted_loadings()
    assert list(p.index) == order and list(p.columns) == ["MR1", "MR2"]
    np.testing.assert_allclose(p.to_numpy(), ref_frame(e["loadings"]).loc[order].to_numpy(), atol=2e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vm = cma.efa(attitude, n_factors=2, method="pca", rotation="varimax")
    with pytest.raises(
        ArgumentError,
        match=r"^this solution has no structure matrix \(only oblique rotations have one\)\.$",
    ):
        vm.sorted_loadings(matrix="structure")


def test_efa_pca_varimax_and_unrotated_summaries(attitude):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vm = cma.efa(attitude, n_factors=2, method="pca", rotation="varimax")
        none = cma.efa(attitude, n_factors=2, method="pca", rotation=None)
    text = vm.summary(blank=0.3)
    lines = text.split("\n")
    assert lines[:7] == [
        "Exploratory factor analysis",
        "===========================",
        "Extraction  Principal Component Analysis",
        "Rotation    Varimax with Kaiser normalization",
        "Factors     2 (set by the user)",
        "N           30 (listwise)",
        "",
    ]
    lam = ref_frame(EFA_REF["pc_varimax"]["loadings"])
    order = ["complaints", "rating", "learning", "raises", "privileges", "advance", "critical"]
    assert block(text, "Rotated Component Matrix") == table_text(lam.loc[order].mask(lam.loc[order].abs() < 0.3))
    assert "Structure Matrix" not in lines and "Factor Correlation Matrix" not in lines
    # components: initial communalities are 1
    comm = block(text, "Communalities").split("\n")
    assert comm[0].split() == ["Initial", "Extraction"]
    h2 = (lam.to_numpy() ** 2).sum(axis=1)
    assert [ln.split() for ln in comm[1:]] == [[n, "1.000", f3(h)] for n, h in zip(ATT_ITEMS, h2, strict=True)]
    assert repr(vm).startswith(
        "<EFAResult Exploratory factor analysis: Extraction=Principal Component Analysis, "
        "Rotation=Varimax with Kaiser normalization, Factors=2 (set by the user), N=30 (listwise)>"
    )
    ntext = none.summary(sort=False)
    assert ntext.split("\n")[3] == "Rotation    none"
    assert block(ntext, "Component Matrix") == table_text(ref_frame(EFA_REF["pc_none"]["loadings"]))
    assert "Notes:" not in ntext
    np.testing.assert_allclose(none.unrotated.to_numpy(), EFA_REF["pc_none"]["loadings"]["values"], atol=1e-10)
    assert list(none.unrotated.columns) == ["PC1", "PC2"]


def test_efa_factor_matrix_names_and_a_method_without_criterion(attitude):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paf_none = cma.efa(attitude, n_factors=2, method="paf", rotation=None)
        paf_vm = cma.efa(attitude, n_factors=2, method="paf", rotation="varimax")
        ml = cma.efa(attitude, n_factors=2, method="ml", rotation="varimax")
    lines = paf_none.summary().split("\n")
    assert lines[2] == "Extraction       Principal Axis Factoring"
    assert lines[3] == "Rotation         none"
    # psych gives principal axis and minres the same solution here (chi2, RMSEA ... as minres's)
    e = REF["efa"]
    assert lines[6:9] == efa_header(e, "Principal Axis Factoring", "none")[6:9]
    assert lines[10] == "Factor Matrix"
    assert paf_vm.summary().split("\n")[10] == "Rotated Factor Matrix"
    mlines = ml.summary().split("\n")
    assert mlines[2] == "Extraction       Maximum Likelihood"
    # ML's own criterion is its discrepancy
    obj = float(mlines[8].split()[3].rstrip(";"))
    assert mlines[8] == f"Objective        ML discrepancy {obj:.6g}; Maximum Likelihood criterion {obj:.6g}"


def test_efa_blank_keeps_a_loading_equal_to_the_bound(minres_oblimin):
    # "below blank" is blanked; a loading exactly at the bound is shown (sorted and unsorted)
    bound = abs(float(minres_oblimin.loadings.loc["learning", "MR2"]))
    s = minres_oblimin.sorted_loadings(bound)
    assert s.loc["learning", "MR2"] == pytest.approx(REF["efa"]["loadings"]["values"][3][1], abs=2e-5)
    assert np.isnan(s.loc["privileges", "MR2"])
    text = minres_oblimin.summary(sort=False, blank=bound)
    row = [ln for ln in block(text, "Pattern Matrix").split("\n") if ln.startswith("learning")][0]
    assert row.split() == ["learning", f3(REF["efa"]["loadings"]["values"][3][0]), f3(bound)]


def test_efa_scores_regression_and_bartlett_by_hand(minres_oblimin, attitude):
    # Thurstone's regression scores Z R^-1 S (S = L Phi, the structure) and Bartlett's
    # Z U^-2 L (L' U^-2 L)^-1, with Z standardized by the sample's mean and sd (n - 1); L, Phi from psych
    e = REF["efa"]
    x = attitude[ATT_ITEMS].to_numpy(float)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    r = np.corrcoef(x, rowvar=False)
    lam = np.array(e["loadings"]["values"])
    phi = np.array(e["phi"]["values"])
    got = minres_oblimin.scores(attitude)
    assert list(got.columns) == ["MR1", "MR2"] and list(got.index) == list(attitude.index)
    np.testing.assert_allclose(got.to_numpy(), z @ np.linalg.solve(r, lam @ phi), atol=1e-4)
    u2 = 1 - np.array(e["communality"])
    w = (lam / u2[:, None]) @ np.linalg.inv(lam.T @ (lam / u2[:, None]))
    np.testing.assert_allclose(minres_oblimin.scores(attitude, method="bartlett").to_numpy(), z @ w, atol=2e-4)
