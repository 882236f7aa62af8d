"""Tests written to kill mutants of cmanalytics/psychometrics/adequacy.py (make mutants): the anti-image
covariance, the SMCs and the determinant of a 3-item matrix by hand, Kaiser's words at their bounds."""

from __future__ import annotations

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
