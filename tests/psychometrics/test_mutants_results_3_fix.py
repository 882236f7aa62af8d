"""velicer_map took NaN for the minimum: when the first m components reproduce an item exactly, its residual
variance is 0 and that m's partial correlations are undefined (NaN), and np.argmin returned the NaN's m
(here 3 of 4 items) with numpy's RuntimeWarnings. Checked by hand below."""

from __future__ import annotations

import warnings

import numpy as np

import cmanalytics as cma


def test_map_skips_an_m_whose_partial_correlations_are_undefined():
    # 4 items in two pairs: eigenvalues 2.2, 1.0, .4, .4. The last eigenvalue is double, so an eigenvector
    # of it may have zeros, and R minus the first 3 components then has residual variances of 0: the
    # partials of m = 3 are undefined (numpy's eigenvectors here). The minimum is over the defined m (R's
    # which.min ignores NA), without numpy's warnings. m = 0..2 by hand (they do not depend on that choice):
    r = np.array([[1, 0.6, 0.3, 0.3], [0.6, 1, 0.3, 0.3], [0.3, 0.3, 1, 0.6], [0.3, 0.3, 0.6, 1.0]])
    q = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [1, -1, 0, 0], [0, 0, 1, -1]], float).T
    q /= np.linalg.norm(q, axis=0)
    e = np.array([2.2, 1.0, 0.4, 0.4])
    np.testing.assert_allclose(q @ np.diag(e) @ q.T, r, atol=1e-14)
    sq, fo = [], []
    for m in range(3):
        c = r - (q[:, :m] * e[:m]) @ q[:, :m].T
        p = c / np.sqrt(np.outer(np.diag(c), np.diag(c)))
        off = p[np.triu_indices(4, 1)]
        sq.append(np.mean(off**2))
        fo.append(np.mean(off**4))
    assert np.argmin(sq) == 0 and np.argmin(fo) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.velicer_map(corr=r, n_obs=200)
    np.testing.assert_allclose(res.table["squared"].to_numpy()[:3], sq, atol=1e-12)
    np.testing.assert_allclose(res.table["fourth"].to_numpy()[:3], fo, atol=1e-12)
    lines = res.summary().split("\n")
    assert lines[2] == "Factors (MAP, squared partials)       0"
    assert lines[3] == "Factors (revised MAP, fourth powers)  0"
    assert lines[4] == "N                                     200"
    # a minimum away from m = 0: one factor with loadings .9, .8, .7, .6 (r_ij = l_i l_j), distinct eigenvalues
    lam = np.array([0.9, 0.8, 0.7, 0.6])
    r2 = np.outer(lam, lam)
    np.fill_diagonal(r2, 1)
    e2, q2 = np.linalg.eigh(r2)
    e2, q2 = e2[::-1], q2[:, ::-1]
    sq2, fo2 = [], []
    for m in range(4):
        c = r2 - (q2[:, :m] * e2[:m]) @ q2[:, :m].T
        p = c / np.sqrt(np.outer(np.diag(c), np.diag(c)))
        off = p[np.triu_indices(4, 1)]
        sq2.append(np.mean(off**2))
        fo2.append(np.mean(off**4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res2 = cma.velicer_map(corr=r2, n_obs=200)
    lines = res2.summary().split("\n")
    assert lines[2] == f"Factors (MAP, squared partials)       {int(np.argmin(sq2))}"
    assert lines[3] == f"Factors (revised MAP, fourth powers)  {int(np.argmin(fo2))}"
    assert np.argmin(sq2) == 1
    assert int(np.argmin(sq2)) != 0
