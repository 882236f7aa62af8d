"""Agreement with R psych 2.2.9 on two published data sets (../shared/reference, produced by R).

Closed forms (correlation, KMO/MSA, Bartlett, eigenvalues, principal components, alpha) within 1e-8;
iterative extraction and rotation within 1e-4, after matching factor order and sign.
"""

from __future__ import annotations

import numpy as np
import pytest

import cmanalytics as cma
from tests.conftest import match_columns, matrix

CLOSED = 1e-8
ITERATIVE = 1e-4


def test_correlation(ref_case):
    data, ref = ref_case
    ours = cma.correlation(data)
    assert list(ours.columns) == ref["corr"]["cols"]
    np.testing.assert_allclose(ours.to_numpy(), matrix(ref["corr"]), rtol=0, atol=CLOSED)
    assert ours.attrs["n_obs"] == ref["n"]


def test_kmo_and_msa(ref_case):
    data, ref = ref_case
    res = cma.kmo(data)
    assert res.overall == pytest.approx(ref["kmo"], abs=CLOSED)
    np.testing.assert_allclose(res.per_item.to_numpy(), ref["msa"], rtol=0, atol=CLOSED)
    assert list(res.per_item.index) == ref["items"]


def test_bartlett(ref_case):
    data, ref = ref_case
    res = cma.bartlett(data)
    assert res.chi2 == pytest.approx(ref["bartlett"]["chi2"], abs=CLOSED)
    assert res.df == ref["bartlett"]["df"]
    assert res.p_value == pytest.approx(ref["bartlett"]["p"], rel=1e-8)
    assert res.n_obs == ref["n"]


def test_eigenvalues(ref_case):
    data, ref = ref_case
    res = cma.efa(data, n_factors=ref["k"], method="pca", rotation=None)
    np.testing.assert_allclose(res.eigenvalues.to_numpy(), ref["eigenvalues"], rtol=0, atol=CLOSED)


@pytest.mark.parametrize("rotation", [None, "varimax"])
def test_principal_components(ref_case, rotation):
    data, ref = ref_case
    block = ref["pca_varimax" if rotation else "pca_none"]
    res = cma.efa(data, n_factors=ref["k"], method="pca", rotation=rotation)
    ours, _, _ = match_columns(res.loadings.to_numpy(), matrix(block["loadings"]))
    np.testing.assert_allclose(ours, matrix(block["loadings"]), rtol=0, atol=CLOSED)
    np.testing.assert_allclose(res.communalities.to_numpy(), block["communalities"], rtol=0, atol=CLOSED)


@pytest.mark.parametrize("method,fm", [("paf", "pa"), ("minres", "minres"), ("ml", "ml")])
@pytest.mark.parametrize("rotation", [None, "varimax", "promax", "oblimin"])
def test_factor_methods(ref_case, method, fm, rotation):
    data, ref = ref_case
    block = ref[f"{fm}_{rotation or 'none'}"]
    res = cma.efa(data, n_factors=ref["k"], method=method, rotation=rotation)
    theirs = matrix(block["loadings"])
    ours, perm, signs = match_columns(res.loadings.to_numpy(), theirs)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=ITERATIVE)
    if "communalities" in block:
        np.testing.assert_allclose(res.communalities.to_numpy(), block["communalities"], rtol=0, atol=ITERATIVE)
    if "phi" in block:
        phi = res.phi.to_numpy()[np.ix_(perm, perm)] * np.outer(signs, signs)
        np.testing.assert_allclose(phi, matrix(block["phi"]), rtol=0, atol=ITERATIVE)
        # the structure matrix is the pattern times phi
        np.testing.assert_allclose(res.structure.to_numpy(), res.loadings.to_numpy() @ res.phi.to_numpy(), atol=1e-12)
    assert res.warnings == ()


def test_ml_fit(ref_case):
    data, ref = ref_case
    fit = cma.efa(data, n_factors=ref["k"], method="ml", rotation=None).fit
    want = ref["ml_fit"]
    assert fit["chi2"] == pytest.approx(want["chi"], rel=1e-6)
    assert fit["df"] == want["dof"]
    assert fit["rmsea"] == pytest.approx(want["rmsea"], abs=1e-6)
    assert fit["tli"] == pytest.approx(want["tli"], abs=1e-6)
    assert fit["bic"] == pytest.approx(want["bic"], abs=1e-5)


def test_alpha(ref_case):
    data, ref = ref_case
    want = ref["alpha"]
    res = cma.cronbach_alpha(data)
    assert res.alpha == pytest.approx(want["raw_alpha"], abs=CLOSED)
    assert res.std_alpha == pytest.approx(want["std_alpha"], abs=CLOSED)
    assert res.average_r == pytest.approx(want["average_r"], abs=CLOSED)
    lower, _, upper = want["feldt"]
    assert res.ci[0] == pytest.approx(lower, abs=CLOSED)
    assert res.ci[1] == pytest.approx(upper, abs=CLOSED)
    stats = res.item_stats
    assert list(stats.index) == want["items"]
    np.testing.assert_allclose(stats["alpha_if_deleted"], want["alpha_if_dropped"], rtol=0, atol=CLOSED)
    np.testing.assert_allclose(stats["r_drop"], want["r_drop"], rtol=0, atol=CLOSED)
    np.testing.assert_allclose(stats["mean"], want["item_mean"], rtol=0, atol=CLOSED)
    np.testing.assert_allclose(stats["sd"], want["item_sd"], rtol=0, atol=CLOSED)


def test_from_correlation_matrix_equals_from_data(ref_case):
    """A published matrix with n gives what the raw data give."""
    data, ref = ref_case
    corr, n = matrix(ref["corr"]), ref["n"]
    assert cma.kmo(corr=corr, n_obs=n).overall == pytest.approx(ref["kmo"], abs=CLOSED)
    assert cma.bartlett(corr=corr, n_obs=n).chi2 == pytest.approx(ref["bartlett"]["chi2"], abs=1e-6)
    res = cma.efa(corr=corr, n_obs=n, n_factors=ref["k"], method="ml", rotation="oblimin")
    ours, _, _ = match_columns(res.loadings.to_numpy(), matrix(ref["ml_oblimin"]["loadings"]))
    np.testing.assert_allclose(ours, matrix(ref["ml_oblimin"]["loadings"]), atol=ITERATIVE)
    assert res.fit["chi2"] == pytest.approx(ref["ml_fit"]["chi"], rel=1e-6)
