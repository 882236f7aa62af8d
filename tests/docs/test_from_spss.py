"""Each row of docs/content/from-spss.md: the cmanalytics call on the right of the row gives the number SPSS
prints for the syntax on the left.

No SPSS output is stored in this repository (SPSS is not free to run in CI). What is stored is R's result for
the same computation, on the same published data (../shared/reference: psych 2.2.9; tests/reference), and the
rows only pair SPSS procedures whose formula is the one R computes: KMO and Bartlett, principal components
with Kaiser-normalized varimax, principal axis factoring run to convergence, Cronbach's alpha with the
item-total statistics, the anti-image correlation matrix, listwise and pairwise deletion, a matrix read in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from tests.docs.guides import block, holzinger, local_csv, matched, missing_backing_tests

CLOSED = 1e-12  # reached ~1e-15 (principal axis factoring too: both run to convergence)


def test_every_row_is_backed_by_a_test_here():
    missing = missing_backing_tests("from-spss.md", globals(), at_least=8)
    assert not missing, f"from-spss.md names tests that do not exist: {missing}"


def test_kmo_and_bartlett():
    # FACTOR /PRINT KMO: "KMO and Bartlett's Test" table
    df, ref = holzinger()
    assert cma.kmo(df).overall == pytest.approx(ref["kmo"], abs=CLOSED)
    b = cma.bartlett(df)
    assert (b.chi2, b.df) == (pytest.approx(ref["bartlett"]["chi2"], rel=CLOSED), ref["bartlett"]["df"])
    assert b.p_value == pytest.approx(ref["bartlett"]["p"], rel=1e-8)


def test_anti_image():
    # FACTOR /PRINT AIC: the anti-image correlation matrix carries each item's MSA on its diagonal
    df, ref = holzinger()
    aic = cma.anti_image(df).correlation
    np.testing.assert_allclose(np.diag(aic.to_numpy()), ref["msa"], atol=CLOSED)


def test_eigenvalue_rule():
    # FACTOR /CRITERIA MINEIGEN(1) (SPSS's default): "Total Variance Explained", initial eigenvalues
    df, ref = holzinger()
    res = cma.efa(df, method="pca", rotation="varimax")  # n_factors=None: eigenvalues above 1
    np.testing.assert_allclose(res.eigenvalues.to_numpy(), ref["eigenvalues"], atol=CLOSED)
    assert res.loadings.shape[1] == sum(e > 1 for e in ref["eigenvalues"]) == ref["k"]


def test_pca_varimax():
    # FACTOR /EXTRACTION PC /ROTATION VARIMAX /CRITERIA FACTORS(3): "Rotated Component Matrix", communalities
    df, ref = holzinger()
    res = cma.efa(df, n_factors=3, method="pca", rotation="varimax")
    ours, _, _ = matched(res.loadings, ref["pca_varimax"]["loadings"])
    np.testing.assert_allclose(ours, block(ref["pca_varimax"]["loadings"]), atol=CLOSED)
    np.testing.assert_allclose(res.communalities, ref["pca_varimax"]["communalities"], atol=CLOSED)


def test_paf_varimax():
    # FACTOR /EXTRACTION PAF /ROTATION VARIMAX /CRITERIA FACTORS(3) ITERATE(10000) ECONVERGE(1E-12)
    df, ref = holzinger()
    res = cma.efa(df, n_factors=3, method="paf", rotation="varimax")
    ours, _, _ = matched(res.loadings, ref["pa_varimax"]["loadings"])
    np.testing.assert_allclose(ours, block(ref["pa_varimax"]["loadings"]), atol=CLOSED)
    np.testing.assert_allclose(res.communalities, ref["pa_none"]["communalities"], atol=CLOSED)


def test_reliability_alpha():
    # RELIABILITY /MODEL=ALPHA /STATISTICS=DESCRIPTIVE /SUMMARY=TOTAL: Cronbach's alpha, alpha based on
    # standardized items, Item Statistics, Corrected Item-Total Correlation, Alpha if Item Deleted
    df, ref = holzinger()
    a, want = cma.cronbach_alpha(df), ref["alpha"]
    assert a.alpha == pytest.approx(want["raw_alpha"], abs=CLOSED)
    assert a.std_alpha == pytest.approx(want["std_alpha"], abs=CLOSED)
    np.testing.assert_allclose(a.item_stats["r_drop"], want["r_drop"], atol=CLOSED)
    np.testing.assert_allclose(a.item_stats["alpha_if_deleted"], want["alpha_if_dropped"], atol=CLOSED)
    np.testing.assert_allclose(a.item_stats["mean"], want["item_mean"], atol=CLOSED)
    np.testing.assert_allclose(a.item_stats["sd"], want["item_sd"], atol=CLOSED)


@pytest.mark.parametrize("policy", ["listwise", "pairwise"])
def test_missing_values(policy):
    # FACTOR /MISSING LISTWISE (the default) or PAIRWISE: KMO and the rotated component matrix
    data = local_csv("likert_missing.csv")
    want = local_csv(f"psych_{policy}_scalars.csv").iloc[0]
    assert cma.kmo(data, missing=policy).overall == pytest.approx(want["kmo"], abs=CLOSED)
    res = cma.efa(data, n_factors=2, method="pca", rotation="varimax", missing=policy)
    theirs = local_csv(f"psych_{policy}_pca_varimax.csv", index_col=0).to_numpy()
    ours, _, _ = matched(res.loadings, {"values": theirs.tolist()})
    np.testing.assert_allclose(ours, theirs, atol=CLOSED)


def test_matrix_in():
    # MATRIX DATA ... /CONTENTS=N CORR, then FACTOR /MATRIX=IN(COR=*): a correlation matrix, no raw data
    df, ref = holzinger()
    r = pd.DataFrame(block(ref["corr"]), index=ref["corr"]["rows"], columns=ref["corr"]["cols"])
    assert cma.bartlett(corr=r, n_obs=ref["n"]).chi2 == pytest.approx(ref["bartlett"]["chi2"], rel=CLOSED)
    res = cma.efa(corr=r, n_obs=ref["n"], n_factors=3, method="pca", rotation="varimax")
    ours, _, _ = matched(res.loadings, ref["pca_varimax"]["loadings"])
    np.testing.assert_allclose(ours, block(ref["pca_varimax"]["loadings"]), atol=CLOSED)
