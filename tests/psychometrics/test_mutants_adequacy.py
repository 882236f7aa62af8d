"""Tests written to kill mutants of cmanalytics/psychometrics/adequacy.py (make mutants): the anti-image
covariance, the SMCs, the MSAs and the determinant of a 3-item matrix by hand, Kaiser's words at their bounds,
Bartlett's test on singular matrices (determinant 0, chi-square infinite) and the singularity note word for
word."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.adequacy import kaiser_label

# Three items with r12 = .5, r13 = .4, r23 = .3; det R = 1 + 2(.5)(.4)(.3) - .25 - .16 - .09 = 0.62.
R3 = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
NAMES = ["item1", "item2", "item3"]


def test_kaiser_words_at_their_lower_bounds():
    # Kaiser (1974): .90s marvelous, .80s meritorious, .70s middling, .60s mediocre, .50s miserable, below
    # unacceptable; a bound belongs to the word above it.
    assert [kaiser_label(v) for v in (0.9, 0.8, 0.7, 0.6, 0.5, 0.4999)] == [
        "marvelous",
        "meritorious",
        "middling",
        "mediocre",
        "miserable",
        "unacceptable",
    ]


def test_anti_image_covariance_by_hand():
    # R^-1 = adj(R) / det R with cofactors c11 = .91, c22 = .84, c33 = .75, c12 = -.38, c13 = -.25, c23 = -.10.
    # Anti-image covariance a_ij = s^ij / (s^ii s^jj) with s^ij = c_ij / .62:
    #   a_ii = .62 / c_ii;  a_ij = c_ij * .62 / (c_ii c_jj)
    c = np.array([[0.91, -0.38, -0.25], [-0.38, 0.84, -0.10], [-0.25, -0.10, 0.75]])
    want = c * 0.62 / np.outer(np.diag(c), np.diag(c))
    res = cma.anti_image(corr=R3, n_obs=100)
    assert list(res.covariance.index) == NAMES and list(res.covariance.columns) == NAMES
    np.testing.assert_allclose(res.covariance.to_numpy(), want, atol=1e-14)
    assert res.covariance.iloc[0, 0] == pytest.approx(0.62 / 0.91, abs=1e-14)
    assert res.warnings == ()


def test_anti_image_of_a_singular_matrix_says_so_with_the_item_count():
    # x, y uncorrelated and z = (x + y) / sqrt 2: det = 1 - 1/2 - 1/2 = 0.
    s = 1 / np.sqrt(2)
    r = np.array([[1.0, 0.0, s], [0.0, 1.0, s], [s, s, 1.0]])
    res = cma.anti_image(corr=r, n_obs=100)
    assert len(res.warnings) == 1
    assert res.warnings[0].startswith("the correlation matrix is singular")
    assert "items (3)" in res.warnings[0]


def test_smc_series_by_hand():
    # SMC_j = 1 - 1 / (R^-1)_jj = 1 - .62 / c_jj
    s = cma.smc(corr=R3, n_obs=10)
    assert s.name == "SMC"
    assert list(s.index) == NAMES
    np.testing.assert_allclose(s.to_numpy(), [1 - 0.62 / 0.91, 1 - 0.62 / 0.84, 1 - 0.62 / 0.75], atol=1e-14)


def test_determinant_by_hand_and_of_pairwise_correlations():
    assert cma.determinant(corr=R3, n_obs=10) == pytest.approx(0.62, abs=1e-14)
    # With holes, missing="pairwise" is the determinant of pandas' pairwise Pearson matrix, listwise that of
    # the complete rows.
    df = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5, 2, 3, np.nan],
            "b": [2, 1, 4, 3, 5, 3, np.nan, 4],
            "c": [1, 3, 2, 5, 4, 1, 2, 5],
        }
    )
    pair = np.linalg.det(df.corr().to_numpy())
    listwise = np.linalg.det(df.dropna().corr().to_numpy())
    assert abs(pair - listwise) > 1e-3  # the two policies differ on these data
    assert cma.determinant(df, missing="pairwise") == pytest.approx(pair, abs=1e-12)
    assert cma.determinant(df) == pytest.approx(listwise, abs=1e-12)


def test_bartlett_with_one_respondent_more_than_items_by_hand_and_the_refusal_word_for_word():
    # p = 3, n = 4: the factor n - 1 - (2p + 5)/6 = 3 - 11/6 = 7/6, so chi2 = -(7/6) ln .62 with df = 3.
    res = cma.bartlett(corr=R3, n_obs=4)
    assert res.chi2 == pytest.approx(-(7 / 6) * np.log(0.62), abs=1e-14)
    assert res.df == 3
    with pytest.raises(
        cma.errors.DataError,
        match=r"^Bartlett's test needs more respondents than items: n = 3, p = 3\. With n <= p the correlation matrix "
        r"is singular \(its determinant is 0\), and with n - 1 - \(2p \+ 5\)/6 <= 0 the chi-square would be negative "
        r"or infinite; collect more answers or test fewer items\.$",
    ):
        cma.bartlett(corr=R3, n_obs=3)


# --- second session: Bartlett's test on a singular correlation matrix.


def test_bartlett_on_a_singular_matrix_is_infinite_without_numpy_warnings():
    # x, y uncorrelated and z = (x + y) / sqrt 2: eigenvalues 2, 1 and exactly 0, det R = 0, so ln|R| = -inf
    # and chi2 = -(n - 1 - (2p + 5)/6) ln|R| = +inf, p = 0 (Bartlett 1951's formula at det R = 0). No
    # divide-by-zero warning from log(0) reaches the user: only the singularity note does.
    s = 1 / np.sqrt(2)
    r = np.array([[1.0, 0.0, s], [0.0, 1.0, s], [s, s, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.bartlett(corr=r, n_obs=50)
    assert (res.chi2, res.p_value, res.determinant, res.df) == (np.inf, 0.0, 0.0, 3)
    assert res.warnings == (
        "the correlation matrix is singular (an item is a linear combination of others, or there are more "
        "items (3) than the data can separate): a pseudo-inverse was used and statistics that need the "
        "inverse are unreliable. Drop redundant items.",
    )


def test_bartlett_on_a_matrix_singular_to_rounding_is_infinite_not_nan():
    # The same matrix with r23 raised by 1e-10: det R = 1 - 1/2 - (s + 1e-10)^2 < 0, its smallest eigenvalue
    # about -7e-11 (rounding of a singular matrix, as pairwise or computed matrices produce). Its determinant
    # is taken as 0 (chi2 = +inf, p = 0), not the log of a negative number (nan).
    s = 1 / np.sqrt(2)
    r = np.array([[1.0, 0.0, s], [0.0, 1.0, s + 1e-10], [s, s + 1e-10, 1.0]])
    assert np.linalg.det(r) < 0
    res = cma.bartlett(corr=r, n_obs=50)
    assert (res.chi2, res.p_value, res.determinant) == (np.inf, 0.0, 0.0)


def test_kmo_msa_and_the_anti_image_diagonal_by_hand():
    # R3's squared correlations by column: .25 + .16 = .41, .25 + .09 = .34, .16 + .09 = .25. Its partial
    # correlations q_ij = -c_ij / sqrt(c_ii c_jj) from the cofactors (c11 = .91, c22 = .84, c33 = .75,
    # c12 = -.38, c13 = -.25, c23 = -.10): MSA_j = sum_i r_ij^2 / (sum_i r_ij^2 + sum_i q_ij^2) (Kaiser 1970),
    # which SPSS prints on the diagonal of the anti-image correlation matrix, -q_ij off it.
    q12, q13, q23 = 0.38 / np.sqrt(0.91 * 0.84), 0.25 / np.sqrt(0.91 * 0.75), 0.10 / np.sqrt(0.84 * 0.75)
    msa = np.array([0.41 / (0.41 + q12**2 + q13**2), 0.34 / (0.34 + q12**2 + q23**2), 0.25 / (0.25 + q13**2 + q23**2)])
    overall = 1.0 / (1.0 + (q12**2 + q13**2 + q23**2) / 0.5)
    k = cma.kmo(corr=R3, n_obs=100)
    assert k.overall == pytest.approx(overall, abs=1e-14)
    np.testing.assert_allclose(k.per_item.to_numpy(), msa, atol=1e-14)
    want = np.array([[msa[0], -q12, -q13], [-q12, msa[1], -q23], [-q13, -q23, msa[2]]])
    np.testing.assert_allclose(k.anti_image.to_numpy(), want, atol=1e-14)
    np.testing.assert_allclose(cma.anti_image(corr=R3, n_obs=100).correlation.to_numpy(), want, atol=1e-14)
    # A positive-definite matrix (det .62) draws no singularity warning.
    assert k.warnings == ()
