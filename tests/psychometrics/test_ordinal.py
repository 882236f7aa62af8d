"""Polychoric correlations: the bivariate normal CDF, recovery of a known correlation, bad input, smoothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import multivariate_normal

import cmanalytics as cma
from cmanalytics.psychometrics.ordinal import bvn_cdf


def test_bivariate_normal_cdf_matches_scipy():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-3, 3, (200, 2))
    rs = rng.uniform(-0.999, 0.999, 200)
    ours = bvn_cdf(pts[:, 0], pts[:, 1], rs)
    theirs = [multivariate_normal([0, 0], [[1, r], [r, 1]]).cdf(p) for p, r in zip(pts, rs)]
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    # independence and perfect correlation by hand: Phi(x)Phi(y), and Phi(min(x, y))
    from scipy.special import ndtr

    assert bvn_cdf(np.array([0.3]), np.array([-0.5]), np.array([0.0]))[0] == pytest.approx(ndtr(0.3) * ndtr(-0.5))


def test_recovers_a_known_latent_correlation():
    rng = np.random.default_rng(3)
    z = rng.multivariate_normal([0, 0, 0], [[1, 0.6, 0.3], [0.6, 1, 0.45], [0.3, 0.45, 1]], 20000)
    x = np.digitize(z, [-1.5, -0.5, 0.4, 1.2]) + 1
    res = cma.polychoric(pd.DataFrame(x, columns=list("abc")))
    np.testing.assert_allclose(res.rho[np.triu_indices(3, 1)], [0.6, 0.3, 0.45], atol=0.02)
    np.testing.assert_allclose(res.thresholds.loc["a"], [-1.5, -0.5, 0.4, 1.2], atol=0.03)


def test_bad_items():
    df = pd.DataFrame({"a": [1, 2, 3, 1, 2], "b": [2, 2, 2, 2, 2], "c": [1, 3, 2, 3, 1]})
    with pytest.raises(cma.errors.DataError, match="'b' has a single category"):
        cma.polychoric(df)
    many = pd.DataFrame({"a": np.arange(30) % 25, "b": np.arange(30) % 3, "c": np.arange(30) % 4})
    with pytest.raises(cma.errors.DataError, match="'a' has 25 categories"):
        cma.polychoric(many)


def contradicting_pairs() -> pd.DataFrame:
    """Pairwise blocks of 300 respondents that contradict each other: a ~ b and b ~ c but a ~ -c."""
    rng = np.random.default_rng(1)
    blocks = []
    for pair, sign in ((("a", "b"), 1), (("b", "c"), 1), (("a", "c"), -1)):
        u = rng.integers(1, 6, 300)
        v = np.clip(np.where(sign > 0, u, 6 - u) + rng.integers(-1, 2, 300) * (rng.random(300) < 0.2), 1, 5)
        block = pd.DataFrame({"a": np.nan, "b": np.nan, "c": np.nan}, index=range(300))
        block[pair[0]], block[pair[1]] = u, v
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def test_non_positive_definite_result_is_reported_and_smoothed_on_request():
    df = contradicting_pairs()
    with pytest.warns(cma.errors.SingularityWarning, match="not positive definite"):
        raw = cma.polychoric(df, missing="pairwise")  # no respondent answered all three: pairwise only
    assert np.linalg.eigvalsh(raw.rho)[0] < 0 and any("not positive definite" in w for w in raw.warnings)
    with pytest.warns(cma.errors.SingularityWarning, match="smoothed"):
        smooth = cma.polychoric(df, smooth=True, missing="pairwise")
    assert smooth.smoothed and np.linalg.eigvalsh(smooth.rho)[0] > 0
    np.testing.assert_allclose(np.diag(smooth.rho), 1.0)
    assert any("smoothed" in w for w in smooth.warnings)
