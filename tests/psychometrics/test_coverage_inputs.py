"""Reading data into moments: the one-pass paths that the reference data sets do not reach (integer answers
and large means beyond one chunk, merged accumulators) against numpy and pandas computed the textbook way, and
the error paths of a published correlation matrix and of pairwise data, each naming what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cmanalytics.errors import ArgumentError, CorrelationMatrixError, DataError
from cmanalytics.psychometrics.inputs import (
    MomentAccumulator,
    _duration,
    moments_from_corr,
    moments_from_data,
    streamed_moments,
)


def test_integer_answers_beyond_one_chunk_give_numpys_covariance():
    # 30 000 rows of 5 items exceed one chunk (26 214 rows for p = 5 at 1 MB of float64): the integer path
    # converts chunk by chunk after shifting by the first chunk's means.
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=(30_000, 5)).astype(np.int16)
    means, cov = streamed_moments(x)
    xf = x.astype(np.float64)
    np.testing.assert_allclose(means, xf.mean(axis=0), rtol=0, atol=1e-14)
    np.testing.assert_allclose(cov, np.cov(xf, rowvar=False), rtol=0, atol=1e-14)


def test_large_means_beyond_one_chunk_keep_their_digits():
    # Means of 1e9 with unit spread: the textbook sum-of-squares formula would lose about 18 digits; the
    # shifted path keeps the covariance to numpy's two-pass value.
    rng = np.random.default_rng(4)
    x = 1e9 + rng.standard_normal((40_000, 4))  # beyond one chunk of 32 768 rows
    means, cov = streamed_moments(x)
    np.testing.assert_allclose(means, x.mean(axis=0), rtol=1e-13)  # each sum rounds at 1e9 * 2**-52 per row
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=0, atol=1e-9)


def test_non_finite_data_give_no_moments():
    x = np.ones((10, 3))
    x[0, 0] = np.inf
    assert streamed_moments(x) is None


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_merged_accumulators_equal_one_pass_over_all_rows(missing):
    rng = np.random.default_rng(5)
    x = rng.normal(3, 1, size=(60, 4))
    x[rng.random(x.shape) < 0.1] = np.nan
    names = ("a", "b", "c", "d")
    empty = MomentAccumulator(names, missing)
    first = MomentAccumulator(names, missing).add(x[:25])
    second = MomentAccumulator(names, missing).add(x[25:])
    # an empty accumulator on either side leaves the other's sums as they are (but counts its rows)
    merged = MomentAccumulator(names, missing).merge(first).merge(empty).merge(second)
    assert merged.rows == 60
    m = merged.moments()
    frame = pd.DataFrame(x, columns=list(names))
    if missing == "listwise":
        frame = frame.dropna()
    # pandas: pairwise-complete Pearson correlations, computed independently of our sums
    np.testing.assert_allclose(m.corr, frame.corr().to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.means, frame.mean().to_numpy(), rtol=0, atol=1e-12)


def test_accumulators_of_different_items_do_not_merge():
    with pytest.raises(DataError, match="different items or missing-data policies"):
        MomentAccumulator(("a", "b"), "listwise").merge(MomentAccumulator(("a", "c"), "listwise"))


def test_listwise_accumulator_without_complete_rows_names_the_count():
    acc = MomentAccumulator(("a", "b", "c"), "listwise").add(np.array([[1.0, np.nan, 2.0], [np.nan, 1.0, 3.0]]))
    with pytest.raises(DataError, match=r"no complete rows under listwise deletion \(0 of 2\)"):
        acc.moments()


def test_pairwise_items_answered_together_once_are_named():
    x = np.array([[1, 2, np.nan], [2, np.nan, 1], [3, 1, np.nan], [4, 3, np.nan], [5, np.nan, 3]], dtype=float)
    # b and c are never answered by the same respondent: their correlation has no data
    with pytest.raises(DataError, match=r"items 'b' and 'c' were answered together by 0 respondent"):
        MomentAccumulator(("a", "b", "c"), "pairwise").add(x).moments()


def test_pairwise_pair_without_variance_is_named():
    # a and b vary, but among the three who answered both, b is constant (2, 2, 2)
    x = np.array(
        [[1, 2, 1], [2, 2, 3], [3, 2, 2], [np.nan, 5, 4], [4, np.nan, 1], [5, np.nan, 5]],
        dtype=float,
    )
    with pytest.raises(DataError, match=r"items 'a' and 'b' have no variance among the respondents who answered both"):
        MomentAccumulator(("a", "b", "c"), "pairwise").add(x).moments()


def test_pairwise_item_with_one_answer_is_named():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3], "c": [1, np.nan, np.nan, np.nan]})
    with pytest.raises(DataError, match=r"item 'c' has 1 answer\(s\); at least 2 are needed"):
        moments_from_data(df, missing="pairwise")


def test_correlation_matrix_errors_name_the_problem():
    r = np.eye(3)
    with pytest.raises(ArgumentError, match="n_obs must be a whole number of at least 2; got True"):
        moments_from_corr(r, True)
    labelled = pd.DataFrame(r, index=["x", "y", "z"], columns=["a", "b", "c"])
    with pytest.raises(CorrelationMatrixError, match="row labels differ from its column labels"):
        moments_from_corr(labelled, 100)
    with pytest.raises(CorrelationMatrixError, match="square matrix of numbers"):
        moments_from_corr([["1", "a"], ["b", "1"]], 100)
    with pytest.raises(CorrelationMatrixError, match="corr has 2 item\\(s\\); this analysis needs at least 3"):
        moments_from_corr(np.eye(2), 100)


def test_duration_reads_in_seconds_minutes_hours():
    # below 90 s in seconds, below 90 minutes in minutes, then hours to one decimal
    assert _duration(42.4) == "42 s"
    assert _duration(600) == "10 minutes"
    assert _duration(7200) == "2.0 hours"
