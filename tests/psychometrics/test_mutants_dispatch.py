"""Tests written to kill mutants of extraction.extract, extraction.max_factors and rotation.varimax (make mutants):
every argument extract receives reaches the method it calls (an argument is honoured, never ignored), the
factor limits by hand, and varimax's edge cases (one factor, an item with no loading, no normalization: R's
stats::varimax, tests/reference/mutants/make_varimax_raw.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cmanalytics.psychometrics import extraction as ex
from cmanalytics.psychometrics.rotation import varimax

REF = Path(__file__).resolve().parents[1] / "reference" / "mutants" / "varimax_raw.json"

# Two correlated clusters of three items (a 2-factor population matrix, loadings .8/.7/.6, factor r .3).
_L = np.array([[0.8, 0], [0.7, 0], [0.6, 0], [0, 0.8], [0, 0.7], [0, 0.6]])
_PHI = np.array([[1, 0.3], [0.3, 1]])
R = _L @ _PHI @ _L.T
np.fill_diagonal(R, 1.0)
R = R + 0.04 * np.array(  # a little misfit, so that no start sits on the solution
    [
        [0, 1, -1, 1, 0, -1],
        [1, 0, 1, 0, -1, 0],
        [-1, 1, 0, 0, 1, 1],
        [1, 0, 0, 0, -1, 1],
        [0, -1, 1, -1, 0, 1],
        [-1, 0, 1, 1, 1, 0],
    ]
)


# --- max_factors by hand ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "p", "want"),
    [
        ("pca", 5, 5),  # components: as many as items
        ("minres", 5, 4),  # common factors: at most p - 1
        ("paf", 2, 1),
        # ml: the largest k with (p - k)^2 - (p + k) >= 0: p = 5: k = 2 gives 9 - 7 = 2, k = 3 gives 4 - 8 < 0
        ("ml", 5, 2),
        ("ml", 3, 1),  # k = 1: 4 - 4 = 0 (just identified); k = 2: 1 - 5 < 0
        ("ml", 2, 0),  # k = 1: 1 - 3 < 0, so not even one factor
    ],
)
def test_max_factors_by_hand(method, p, want):
    assert ex.max_factors(method, p) == want


# --- extract passes every argument on --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["paf", "minres", "wls", "gls", "ml"])
def test_extract_honours_max_iter(method):
    """One iteration cannot reach the solution: the fit says it did not converge, and the default does."""
    short = ex.extract(R, 2, method, max_iter=1)
    assert short.iterations <= 1
    assert short.converged is False
    full = ex.extract(R, 2, method)
    assert full.converged is True
    assert full.iterations > 1


def test_extract_honours_tol_of_principal_axis():
    """psych's min.err: a looser tolerance stops earlier, at what principal_axis itself gives with it."""
    loose = ex.extract(R, 2, "paf", tol=1e-3)
    direct = ex.principal_axis(R, 2, tol=1e-3)
    assert loose.iterations == direct.iterations
    assert loose.iterations < ex.extract(R, 2, "paf").iterations
    np.testing.assert_array_equal(loose.loadings, direct.loadings)


@pytest.mark.parametrize("method", ["minres", "wls", "gls", "ml"])
def test_extract_honours_n_starts_and_seed(method):
    """n_starts random starts are made besides the fixed ones (ml: 3 by default, the others none), drawn from
    ``seed``: the criteria reached from each start (stopped after 3 iterations, so that the starts do not all
    reach the same point) are those of the method called directly with the same starts and seed."""
    fixed = len(ex.extract(R, 2, method, n_starts=0).start_objectives)
    default = ex.extract(R, 2, method)
    assert len(default.start_objectives) == fixed + (3 if method == "ml" else 0)

    def direct(seed):
        if method == "minres":
            return ex.minres(R, 2, max_iter=3, n_random=2, seed=seed)
        if method == "ml":
            return ex.maximum_likelihood(R, 2, max_iter=3, n_random=2, seed=seed)
        return ex.weighted_least_squares(R, 2, weighting=method, max_iter=3, n_random=2, seed=seed)

    got = ex.extract(R, 2, method, max_iter=3, n_starts=2, seed=7)
    assert len(got.start_objectives) == fixed + 2
    assert got.start_objectives == direct(7).start_objectives
    assert got.start_objectives[fixed:] != direct(8).start_objectives[fixed:]  # the seed matters


# --- varimax's edge cases --------------------------------------------------------------------------------


def test_varimax_of_one_factor_is_no_rotation():
    a = np.array([[0.7], [0.6], [0.5]])
    z, t, iterations, converged = varimax(a)
    np.testing.assert_array_equal(z, a)
    np.testing.assert_array_equal(t, np.eye(1))
    assert (iterations, converged) == (0, True)


def test_varimax_without_normalization_matches_stats_varimax():
    """R: stats::varimax(a, normalize = FALSE, eps = 1e-5) (make_varimax_raw.R); Kaiser's normalization
    gives a different answer here (items of unequal length), so the argument is seen."""
    ref = json.loads(REF.read_text())
    a = np.array(ref["a"])
    z, t, _, converged = varimax(a, normalize=False)
    assert converged is True
    np.testing.assert_allclose(z, ref["loadings"], atol=5e-15)  # 6e-16 reached
    np.testing.assert_allclose(t, ref["rotmat"], atol=5e-15)
    normalized, *_ = varimax(a, normalize=True)
    assert np.abs(normalized - z).max() > 0.01


def test_varimax_keeps_an_item_with_no_loading():
    """Kaiser's weight of an all-zero row is taken as 1 (not 0, which would divide by zero): the row stays 0
    and the other rows are what varimax gives the matrix normalized by hand (w_i = |a_i|, w = 1 for the zero
    row) without normalization, scaled back."""
    ref = json.loads(REF.read_text())
    a = np.vstack([np.array(ref["a"]), np.zeros((1, 2))])
    z, _, _, converged = varimax(a, normalize=True)
    assert converged is True
    assert np.all(np.isfinite(z))
    np.testing.assert_array_equal(z[-1], [0.0, 0.0])
    w = np.sqrt((a**2).sum(axis=1))
    w[-1] = 1.0
    by_hand, *_ = varimax(a / w[:, None], normalize=False)
    np.testing.assert_allclose(z, by_hand * w[:, None], atol=1e-15)


def test_varimax_that_runs_out_of_iterations_says_so():
    ref = json.loads(REF.read_text())
    _, _, iterations, converged = varimax(np.array(ref["a"]), max_iter=1)
    assert iterations == 1
    assert converged is False
