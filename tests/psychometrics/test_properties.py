"""Invariants that must hold for any data (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmanalytics as cma
from tests.conftest import likert

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 10_000)


@SETTINGS
@given(
    seed=seeds,
    rotation=st.sampled_from(
        [
            "varimax",
            "quartimax",
            "equamax",
            "promax",
            "oblimin",
            "geominT",
            "geominQ",
            "bifactor",
            "biquartimin",
            "simplimax",
            "quartimin",
        ]
    ),
    method=st.sampled_from(["pca", "paf", "minres"]),
)
def test_rotation_keeps_communalities(seed, rotation, method):
    df = likert(150, 9, seed=seed, k=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cma.errors.ConvergenceWarning)  # random starts may find another optimum
        res = cma.efa(df, n_factors=3, method=method, rotation=rotation)
    lam = res.loadings.to_numpy()
    phi = res.phi.to_numpy() if res.phi is not None else np.eye(3)
    implied = np.einsum("ij,jk,ik->i", lam, phi, lam)  # diag(L Phi L')
    np.testing.assert_allclose(implied, res.communalities.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(np.diag(phi), 1.0, atol=1e-9)
    # signed so each column sums positive, ordered by the variance accounted for, diag(Phi L'L) (psych)
    assert (lam.sum(axis=0) >= 0).all()
    ss = np.diag(phi @ lam.T @ lam)
    assert (np.diff(ss) <= 1e-12).all()


@SETTINGS
@given(seed=seeds, perm_seed=seeds)
def test_alpha_does_not_depend_on_item_order(seed, perm_seed):
    df = likert(60, 6, seed=seed, missing=0.05)
    cols = list(np.random.default_rng(perm_seed).permutation(df.columns))
    for missing in ("listwise", "pairwise"):
        a = cma.cronbach_alpha(df, missing=missing)
        b = cma.cronbach_alpha(df[cols], missing=missing)
        assert abs(a.alpha - b.alpha) < 1e-12 and abs(a.std_alpha - b.std_alpha) < 1e-12
        pd.testing.assert_frame_equal(a.item_stats.loc[cols], b.item_stats, atol=1e-12)


@SETTINGS
@given(seed=seeds, shift=st.floats(-1e4, 1e4), scale=st.floats(0.01, 1e3))
def test_correlation_invariant_to_linear_rescaling(seed, shift, scale):
    df = likert(50, 5, seed=seed)
    a = cma.correlation(df).to_numpy()
    b = cma.correlation(df * scale + shift).to_numpy()
    np.testing.assert_allclose(a, b, atol=1e-10)
    np.testing.assert_allclose(a, np.corrcoef(df.to_numpy(), rowvar=False), atol=1e-12)


@SETTINGS
@given(seed=seeds)
def test_orthogonal_rotation_matrix_is_orthonormal(seed):
    df = likert(120, 8, seed=seed, k=2)
    res = cma.efa(df, n_factors=2, method="pca", rotation="varimax")
    t = res.rotation_matrix.to_numpy()
    np.testing.assert_allclose(t.T @ t, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(res.unrotated.to_numpy() @ t, res.loadings.to_numpy(), atol=1e-12)
    # total variance explained is the same before and after an orthogonal rotation
    ve = res.variance_explained
    assert (
        abs(
            ve[("Rotation Sums of Squared Loadings", "Total")].sum()
            - ve[("Extraction Sums of Squared Loadings", "Total")].sum()
        )
        < 1e-10
    )
