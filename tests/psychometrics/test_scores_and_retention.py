"""Factor scores and parallel analysis."""

from __future__ import annotations

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.retention import random_correlations
from tests.conftest import likert


def test_component_scores_are_standardized_and_uncorrelated():
    # Regression scores of (rotated) principal components are exactly the standardized component scores
    # SPSS saves: mean 0, variance 1, uncorrelated when the rotation is orthogonal.
    df = likert(300, 9, seed=2, k=3)
    res = cma.efa(df, n_factors=3, method="pca", rotation="varimax")
    s = res.scores(df).to_numpy()
    np.testing.assert_allclose(s.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.cov(s, rowvar=False), np.eye(3), atol=1e-10)
    # the weights are L (L'L)^-1: unrotated, the component z V / sqrt(lambda)
    unrot = cma.efa(df, n_factors=1, method="pca", rotation=None)
    z = (df - df.mean()) / df.std()
    v = unrot.loadings.to_numpy()[:, 0] / np.sqrt(unrot.eigenvalues.iloc[0])
    np.testing.assert_allclose(
        unrot.scores(df).to_numpy()[:, 0], z.to_numpy() @ v / np.sqrt(unrot.eigenvalues.iloc[0]), atol=1e-10
    )


def test_bartlett_scores_are_conditionally_unbiased():
    # Bartlett's weights satisfy W'P = I: the score of a respondent exactly on the model is their factor value.
    df = likert(300, 9, seed=4, k=3)
    res = cma.efa(df, n_factors=3, method="ml", rotation="oblimin")
    from cmanalytics.psychometrics.scores import score_weights

    p = res.loadings.to_numpy()
    w = score_weights(res._moments.corr, p, res.phi.to_numpy(), res.uniquenesses.to_numpy(), "bartlett")
    np.testing.assert_allclose(w.T @ p, np.eye(3), atol=1e-10)
    s = res.scores(df, method="bartlett")
    assert list(s.columns) == list(res.loadings.columns) and s.index.equals(df.index)


def test_scores_missing_rows_and_columns():
    df = likert(100, 6, seed=8)
    res = cma.efa(df, n_factors=2)
    holes = df.copy()
    holes.iloc[5, 2] = np.nan
    s = res.scores(holes)
    assert s.iloc[5].isna().all() and s.drop(index=5).notna().all().all()
    with pytest.raises(cma.errors.DataError, match="q6"):
        res.scores(df.drop(columns="q6"))


def test_parallel_analysis_is_reproducible_and_finds_the_factors():
    df = likert(400, 12, seed=7, k=3)
    a = cma.parallel_analysis(df, n_iter=200, seed=42)
    b = cma.parallel_analysis(df, n_iter=200, seed=42)
    assert a.table.equals(b.table)
    assert a.n_components == 3 and a.n_factors == 3
    np.testing.assert_allclose(a.table["observed_pc"], cma.efa(df, n_factors=3).eigenvalues, atol=1e-12)
    # observed eigenvalues of a pure-noise matrix sit inside the random band
    noise = np.random.default_rng(0).standard_normal((400, 12))
    assert cma.parallel_analysis(noise, n_iter=200, seed=1).n_components == 0


def test_wishart_and_raw_simulation_give_the_same_distribution():
    # Drawing correlation matrices from the Wishart distribution must match correlating simulated raw
    # normal data: compare the mean and the spread of each eigenvalue over 3000 draws of each.
    n, p, draws = 60, 6, 3000
    rng = np.random.default_rng(123)
    w = np.linalg.eigvalsh(random_correlations(n, p, draws, rng, "wishart"))[:, ::-1]
    r = np.linalg.eigvalsh(random_correlations(n, p, draws, rng, "normal"))[:, ::-1]
    se = np.sqrt(w.var(axis=0) / draws + r.var(axis=0) / draws)
    assert (np.abs(w.mean(axis=0) - r.mean(axis=0)) < 4 * se).all()
    np.testing.assert_allclose(w.std(axis=0), r.std(axis=0), rtol=0.08)
    # and both sit where theory says: the eigenvalues average to 1 (trace p)
    np.testing.assert_allclose(w.sum(axis=1), p, atol=1e-10)
