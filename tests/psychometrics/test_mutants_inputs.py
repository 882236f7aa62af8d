"""Tests written to kill mutants of cmanalytics/psychometrics/inputs.py (make mutants): every refusal at the
boundary matched word for word (the other tests match a fragment, which a mutated message still contains),
the thresholds that choose a path (the definiteness tolerance, the cancellation ratio of the direct one-pass
moments), the row labels named for a non-numeric column, and the size guard's estimate worked out by hand.
Numbers come from numpy's two-pass formulas (np.cov, np.corrcoef) on the same data, or by hand."""

from __future__ import annotations

import dataclasses
import os
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import (
    ArgumentError,
    CmanalyticsWarning,
    CorrelationMatrixError,
    DataError,
    SingularityWarning,
)
from cmanalytics.psychometrics import inputs
from cmanalytics.psychometrics.inputs import (
    Moments,
    check_definite,
    check_level,
    check_missing,
    check_whole,
    gather,
    moments_from_corr,
    moments_from_data,
    random_generator,
    response_matrix,
    size_guard,
)


def exact(message: str) -> str:
    """A pattern matching the whole message and nothing more."""
    return "^" + re.escape(message) + "$"


R3 = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
ANSWERS = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [1, 3, 2, 5, 4]})

# --- the small argument checks ---------------------------------------------------------------------------


def test_argument_checks_word_for_word():
    with pytest.raises(ArgumentError, match=exact("n_iter must be a whole number of at least 1; got 0.")):
        check_whole("n_iter", 0)
    with pytest.raises(ArgumentError, match=exact("k must be a whole number of at least 3; got True.")):
        check_whole("k", True, 3)
    with pytest.raises(ArgumentError, match=exact("k must be a whole number of at least 2; got 1.5.")):
        check_whole("k", 1.5, 2)
    assert check_whole("k", np.int64(3), 3) == 3 and type(check_whole("k", np.int64(3), 3)) is int
    for bad in (0, 1, 1.5, True, "0.9"):
        with pytest.raises(ArgumentError, match=exact(f"ci must be a level between 0 and 1 (e.g. 0.95); got {bad!r}.")):
            check_level("ci", bad)
    assert check_level("ci", np.float32(0.5)) == 0.5 and type(check_level("ci", 0.95)) is float
    with pytest.raises(ArgumentError, match=exact("seed must be a whole number (or None); got 'x'.")):
        random_generator("x")
    with pytest.raises(ArgumentError, match=exact("seed must be a whole number (or None); got True.")):
        random_generator(True)
    with pytest.raises(ArgumentError, match=exact("seed must be a whole number of at least 0 (or None); got -1.")):
        random_generator(-1)
    g = np.random.default_rng(7)
    assert random_generator(g) is g
    assert random_generator(7).random() == np.random.default_rng(7).random()
    with pytest.raises(
        ArgumentError,
        match=exact("missing='both' is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'."),
    ):
        check_missing("both")
    assert check_missing("pairwise") == "pairwise"


# --- reading the answers ---------------------------------------------------------------------------------------


def test_response_matrix_refusals_word_for_word():
    with pytest.raises(
        ArgumentError, match=exact("no input: data is None; give a DataFrame or a 2-D array of item responses.")
    ):
        response_matrix(None)
    with pytest.raises(
        DataError,
        match=exact("items must be a DataFrame or a 2-D array of numbers; got list that cannot be read as numbers."),
    ):
        response_matrix([["a", "b", "c"]], what="items")
    with pytest.raises(DataError, match=exact("data must be 2-D (a row per respondent, a column per item); got 1-D.")):
        response_matrix(np.arange(5.0))
    with pytest.raises(DataError, match=exact("data has 2 item(s); this analysis needs at least 3.")):
        response_matrix(np.ones((4, 2)))
    with pytest.raises(DataError, match=exact("data has 2 item(s); this analysis needs at least 4.")):
        response_matrix(ANSWERS[["a", "b"]], min_items=4)
    with pytest.raises(DataError, match=exact("data has duplicated column names: a, b. Give each item one column.")):
        response_matrix(pd.DataFrame(np.ones((3, 5)), columns=["a", "b", "a", "c", "b"]))


def test_non_numeric_columns_are_named_with_at_most_five_rows():
    """Text in an object column is named with its rows (five at most, then "and more"); a column of another
    non-numeric type (text, dates) is named alone."""
    df = pd.DataFrame({"a": range(7), "b": range(7), "c": [1, 0, 1, 0, 1, 0, 2]}, index=list("pqrstuv"))
    df["t"] = pd.Series(["x", 1, "y", 2.0, None, "z", "w"], index=df.index, dtype=object)  # 4 text answers
    df["o"] = pd.Series(["a", "b", 1, "c", "d", "e", "f"], index=df.index, dtype=object)  # 6 text answers
    df["u"] = list("vwxyzab")  # a text column: named without rows
    df["d"] = pd.Timestamp("2024-01-01")  # dates: named without rows
    tail = "; item responses must be numbers (recode text answers, or drop id and comment columns before the analysis)."
    with pytest.raises(
        DataError,
        match=exact(
            "answers has non-numeric column(s) 't' (row(s) 'p', 'r', 'u', 'v'); 'o' (row(s) 'p', 'q', 's', 't', 'u' "
            "and more); 'u'; 'd'" + tail
        ),
    ):
        response_matrix(df, what="answers")
    five = df.iloc[:6].drop(columns=["t", "u", "d"])  # five text answers in o: no "and more"
    with pytest.raises(
        DataError, match=exact("data has non-numeric column(s) 'o' (row(s) 'p', 'q', 's', 't', 'u')" + tail)
    ):
        response_matrix(five)


def test_a_sparse_complex_column_is_not_numeric():
    df = ANSWERS.astype(float).assign(z=pd.arrays.SparseArray([1 + 1j, 2, 3, 4, 5]))
    with pytest.raises(
        DataError,
        match=exact(
            "data has non-numeric column(s) 'z'; item responses must be numbers (recode text answers, or drop id "
            "and comment columns before the analysis)."
        ),
    ):
        response_matrix(df)
    # a nullable integer column is numeric: its missing answer comes back as NaN
    x, names = response_matrix(ANSWERS.astype("Int64").assign(e=pd.array([1, None, 3, 4, 5], dtype="Int64")))
    assert names == ("a", "b", "c", "e") and x.dtype == np.float64 and np.isnan(x[1, 3])


def test_integer_answers_keep_their_type_and_the_array_is_read_only():
    x, names = response_matrix(ANSWERS, as_float=False)
    assert x.dtype == ANSWERS.to_numpy().dtype and names == ("a", "b", "c") and not x.flags.writeable
    y, _ = response_matrix(ANSWERS.to_numpy(), as_float=False)
    assert y.dtype.kind == "i"
    z, znames = response_matrix(ANSWERS.to_numpy())
    assert z.dtype == np.float64 and znames == ("item1", "item2", "item3")
    s, snames = response_matrix(ANSWERS["a"], min_items=1)  # a Series is one item
    assert snames == ("a",) and s.shape == (5, 1)


# --- moments of the answers -------------------------------------------------------------------------------------


def test_moments_refusals_word_for_word():
    with pytest.raises(
        DataError, match=exact("data has 1 row(s); at least 2 respondents are needed for a correlation.")
    ):
        moments_from_data(ANSWERS.iloc[:1])
    inf = ANSWERS.astype(float)
    inf.loc[0, ["a", "c"]] = [np.inf, -np.inf]
    inf.loc[1, "b"] = np.nan
    with pytest.raises(
        DataError,
        match=exact("column(s) 'a', 'c' hold an infinite value; item responses must be finite numbers (or missing)."),
    ):
        moments_from_data(inf)
    empty = ANSWERS.astype(float).assign(d=np.nan, e=np.nan)
    with pytest.raises(DataError, match=exact("item(s) 'd', 'e' were answered by no one; drop them and run again.")):
        moments_from_data(empty)
    holes = ANSWERS.astype(float)
    for row, item in ((0, "a"), (1, "b"), (2, "c"), (3, "a")):
        holes.loc[row, item] = np.nan
    with pytest.raises(
        DataError,
        match=exact(
            "no complete rows under listwise deletion (1 of 5 respondents answered every item); use "
            "missing='pairwise', or drop the items most often left blank."
        ),
    ):
        moments_from_data(holes)
    one = ANSWERS.astype(float).assign(d=[1.0, np.nan, np.nan, np.nan, np.nan])
    with pytest.raises(DataError, match=exact("item 'd' has 1 answer(s); at least 2 are needed.")):
        moments_from_data(one, missing="pairwise")
    flat = ANSWERS.assign(d=3, e=7.5)
    with pytest.raises(
        DataError,
        match=exact(
            "item(s) 'd', 'e' have no variance (every respondent gave the same answer); they carry no information "
            "for a correlation. Drop them and run again."
        ),
    ):
        moments_from_data(flat)


def test_listwise_moments_against_numpy():
    """Two incomplete rows dropped: n_obs 5 of n_rows 7; means, covariance and correlation as numpy's."""
    df = ANSWERS.astype(float)
    df.loc[5] = [np.nan, 1.0, 2.0]
    df.loc[6] = [3.0, np.nan, 1.0]
    m = moments_from_data(df)
    x = ANSWERS.to_numpy(float)
    assert (m.n_obs, m.n_rows, m.missing, m.pairwise_n, m.method, m.cov_unit) == (
        5,
        7,
        "listwise",
        None,
        "pearson",
        1.0,
    )
    assert type(m.missing) is str and m.names == ("a", "b", "c")
    np.testing.assert_allclose(m.means, x.mean(axis=0), rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.cov, np.cov(x, rowvar=False), rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.sds, x.std(axis=0, ddof=1), rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.corr, np.corrcoef(x, rowvar=False), rtol=0, atol=1e-14)


def test_pairwise_moments_against_pandas():
    df = ANSWERS.astype(float)
    df.loc[5] = [np.nan, 1.0, 2.0]
    df.loc[6] = [3.0, np.nan, 1.0]
    m = moments_from_data(df, missing="pairwise")
    assert (m.n_obs, m.n_rows, m.missing) == (7, 7, "pairwise")
    np.testing.assert_allclose(m.corr, df.corr().to_numpy(), rtol=0, atol=1e-14)
    np.testing.assert_array_equal(m.pairwise_n, [[6, 5, 6], [5, 6, 6], [6, 6, 7]])
    np.testing.assert_allclose(m.means, df.mean().to_numpy(), rtol=0, atol=1e-14)


def test_direct_pass_is_left_when_digits_would_cancel():
    """Beyond one chunk (43 690 rows for 3 items) float data are summed directly unless mean^2/variance > 100.
    Means of 1000 with a spread of .01 (mean^2/variance = 1e10; mean^2 * variance = 100): the direct sums would
    lose about 10 digits; the shifted pass keeps the correlations to numpy's two-pass value."""
    rng = np.random.default_rng(11)
    z = rng.standard_normal((45_000, 3)) @ np.linalg.cholesky(R3).T
    x = 1000.0 + 0.01 * z
    means, cov = inputs.streamed_moments(x)
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=1e-14, atol=0)
    np.testing.assert_allclose(means, x.mean(axis=0), rtol=1e-13)
    m = moments_from_data(x)
    np.testing.assert_allclose(m.corr, np.corrcoef(x, rowvar=False), rtol=0, atol=1e-14)


@pytest.mark.parametrize("n", [200, 45_000])
def test_columns_far_apart_are_each_shifted_by_their_own_mean(n):
    """Means of 1e9, 0 and -1e9 with unit spread, in one chunk and beyond: each column is shifted by its own
    mean (one shift for all would leave 1e18 squares to cancel); the covariance is numpy's two-pass one."""
    z = np.random.default_rng(5).standard_normal((n, 3)) @ np.linalg.cholesky(R3).T
    x = z + np.array([1e9, 0.0, -1e9])
    means, cov = inputs.streamed_moments(x)
    # achieved: 2e-14 and 2e-10 (rows of 1e9 hold 1e-7 of the spread); one shift for all: errors of 1e2 and more
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=0, atol=1e-13 if n == 200 else 1e-9)
    np.testing.assert_allclose(means, x.mean(axis=0), rtol=0, atol=1e-6 if n == 200 else 1e-4)


@pytest.mark.parametrize("n", [200, 45_000])
def test_infinite_answers_are_refused_without_numpy_warnings(n):
    x = np.random.default_rng(1).standard_normal((n, 3))
    x[n - 100, 1] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the one pass hides numpy's overflow warnings: the refusal speaks
        assert inputs.streamed_moments(x) is None
        with pytest.raises(
            DataError,
            match=exact(
                "column(s) 'item2' hold an infinite value; item responses must be finite numbers (or missing)."
            ),
        ):
            moments_from_data(x)


# --- a correlation matrix -----------------------------------------------------------------------------------


def test_correlation_matrix_refusals_word_for_word():
    with pytest.raises(
        ArgumentError,
        match=exact(
            "a correlation matrix needs n_obs (the number of respondents it was computed from): the chi-square "
            "tests and intervals depend on it."
        ),
    ):
        moments_from_corr(R3, None)
    for bad in (1, 1.5, "100", True):
        with pytest.raises(ArgumentError, match=exact(f"n_obs must be a whole number of at least 2; got {bad!r}.")):
            moments_from_corr(R3, bad)
    assert moments_from_corr(R3, 100.0).n_obs == 100 and moments_from_corr(R3, np.int32(2)).n_obs == 2
    with pytest.raises(
        CorrelationMatrixError,
        match=exact(
            "corr's row labels differ from its column labels; they must name the same items in the same order."
        ),
    ):
        moments_from_corr(pd.DataFrame(R3, index=list("xyz"), columns=list("abc")), 50)
    with pytest.raises(
        CorrelationMatrixError, match=exact("corr has non-numeric columns; a correlation matrix holds numbers only.")
    ):
        moments_from_corr(pd.DataFrame(R3, columns=list("abc")).astype({"b": object}).assign(b=["x", 1, 0.3]), 50)
    with pytest.raises(CorrelationMatrixError, match=exact("corr must be a square matrix of numbers.")):
        moments_from_corr([[1, "x"], ["y", 1]], 50)
    with pytest.raises(CorrelationMatrixError, match=exact("corr must be a square matrix; got shape (3, 2).")):
        moments_from_corr(np.ones((3, 2)), 50)
    with pytest.raises(CorrelationMatrixError, match=exact("corr must be a square matrix; got shape (3,).")):
        moments_from_corr(np.ones(3), 50)
    with pytest.raises(CorrelationMatrixError, match=exact("corr has 3 item(s); this analysis needs at least 4.")):
        moments_from_corr(R3, 50, min_items=4)
    for hole in (np.nan, np.inf):
        r = R3.copy()
        r[0, 1] = r[1, 0] = hole
        with pytest.raises(
            CorrelationMatrixError,
            match=exact("corr has missing or infinite entries; a correlation matrix must be complete."),
        ):
            moments_from_corr(r, 50)
    r = R3.copy()
    r[2, 1] = 0.2
    with pytest.raises(
        CorrelationMatrixError,
        match=exact("corr is not symmetric: entry (item2, item3) is 0.3 but (item3, item2) is 0.2."),
    ):
        moments_from_corr(r, 50)
    r = R3.copy()
    r[1, 1] = 2.5
    with pytest.raises(
        CorrelationMatrixError,
        match=exact(
            "corr's diagonal must be 1; item 'b' has 2.5. (Is it a covariance matrix? Divide by the standard "
            "deviations first.)"
        ),
    ):
        moments_from_corr(pd.DataFrame(r, index=list("abc"), columns=list("abc")), 50)
    r = R3.copy()
    r[0, 2] = r[2, 0] = -1.25
    with pytest.raises(CorrelationMatrixError, match=exact("corr entry (item1, item3) = -1.25 lies outside [-1, 1].")):
        moments_from_corr(r, 50)
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    lam = np.linalg.eigvalsh(bad)[0]  # 1 - 2(.9) ... the smallest eigenvalue, -0.8
    assert lam == pytest.approx(-0.8, abs=1e-12)
    with pytest.raises(
        CorrelationMatrixError,
        match=exact(
            "corr is not positive semi-definite (smallest eigenvalue -0.8); no data set has this correlation "
            "matrix. Check for a typo, or smooth it before the analysis."
        ),
    ):
        moments_from_corr(bad, 50)


def test_a_published_matrix_within_tolerance_is_made_exact():
    r = R3.copy()
    r[0, 1] += 4e-7  # asymmetric within the 1e-6 tolerance: averaged
    r[2, 2] = 1 + 5e-7  # the diagonal set to 1
    m = moments_from_corr(pd.DataFrame(r, columns=list("abc")), 120)
    assert m.names == ("a", "b", "c") and m.missing == "correlation matrix" and m.n_rows == 120
    assert m.cov is None and m.means is None and m.sds is None and m.pairwise_n is None
    np.testing.assert_array_equal(np.diag(m.corr), 1.0)
    assert m.corr[0, 1] == m.corr[1, 0] == pytest.approx(0.5 + 2e-7, abs=1e-16)


# --- definiteness ----------------------------------------------------------------------------------------------


def pairwise_moments(corr) -> Moments:
    p = len(corr)
    names = tuple(f"item{j + 1}" for j in range(p))
    return Moments(names, np.asarray(corr, float), None, None, None, 50, None, "pairwise", 50)


def test_definiteness_tolerance_is_1e_8_times_p():
    """Eigenvalues of [[1, r], [r, 1]] are 1 + r and 1 - r: r = 1 + 1e-8 gives -1e-8, inside -1e-8 * 2."""
    m = pairwise_moments([[1.0, 1 + 1e-8], [1 + 1e-8, 1.0]])
    assert check_definite(m) is m
    m = pairwise_moments([[1.0, 1 + 3e-8], [1 + 3e-8, 1.0]])
    with pytest.raises(CorrelationMatrixError, match="smallest eigenvalue -3e-08"):
        check_definite(m)


def test_indefinite_pairwise_matrix_refused_or_smoothed_word_for_word():
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    m = pairwise_moments(bad)
    with pytest.raises(ArgumentError, match=exact("smooth must be True or False; got 'yes'.")):
        check_definite(m, smooth="yes")
    with pytest.raises(
        CorrelationMatrixError,
        match=exact(
            "the pairwise correlation matrix of 3 items is not positive semi-definite (smallest eigenvalue -0.8): "
            "no data set has it, so KMO, Bartlett's test and factor analysis would be meaningless. Prepare it "
            "with smooth=True (cma.prepare(data, ..., smooth=True)) to smooth its eigenvalues as "
            "psych::cor.smooth does, or use missing='listwise'."
        ),
    ):
        check_definite(m)
    poly = dataclasses.replace(m, method="polychoric", missing="listwise")
    with pytest.raises(CorrelationMatrixError, match="^the polychoric correlation matrix of 3 items"):
        check_definite(poly)
    # smoothing as psych::cor.smooth: eigenvalues below 1e-12 raised to 1e-10, rescaled to sum to p, unit diagonal
    w, v = np.linalg.eigh(bad)
    w = np.where(w < 1e-12, 1e-10, w)
    w = w * 3 / w.sum()
    s = (v * w) @ v.T
    s = s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
    change = np.abs(s - bad).max()
    note = (
        "the pairwise correlation matrix was not positive definite (smallest eigenvalue -0.8); its eigenvalues "
        f"were smoothed as psych::cor.smooth does (largest change in a correlation {change:.3g})."
    )
    with pytest.warns(SingularityWarning, match=exact(note)):
        out = check_definite(dataclasses.replace(m, notes=("before",)), smooth=True)
    assert out.notes == ("before", note)
    np.testing.assert_allclose(out.corr, s, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(np.diag(out.corr), 1.0)
    assert out.n_obs == 50 and out.missing == "pairwise"


# --- the entry point ----------------------------------------------------------------------------------------


def test_gather_refusals_word_for_word():
    with pytest.raises(
        ArgumentError,
        match=exact("give either data (raw responses) or corr (a correlation matrix with n_obs), not both."),
    ):
        gather(ANSWERS, R3, 5)
    with pytest.raises(
        ArgumentError,
        match=exact("no input: give data (raw responses) or corr= with n_obs= (a published correlation matrix)."),
    ):
        gather()
    with pytest.raises(
        ArgumentError, match=exact("n_obs goes with corr=; from raw data the number of respondents is counted.")
    ):
        gather(ANSWERS, n_obs=5)
    with pytest.raises(
        ArgumentError,
        match=exact(
            "missing='pairwise' applies to raw responses; a correlation matrix (corr=) has no answers to delete. "
            "Leave missing= out."
        ),
    ):
        gather(corr=R3, n_obs=50, missing="pairwise")
    prepared = cma.prepare(ANSWERS)
    with pytest.raises(
        ArgumentError,
        match=exact(
            "missing='pairwise', but these items were prepared with missing='listwise': the policy is applied when "
            "the data are read. Prepare them again (cma.prepare(df, missing='pairwise')) or leave missing= out."
        ),
    ):
        gather(prepared, missing="pairwise")
    assert gather(prepared, missing="listwise") is prepared  # the same policy, chosen: fine
    with pytest.raises(DataError, match=exact("3 item(s); this analysis needs at least 4.")):
        gather(prepared, min_items=4)
    m = gather(corr=R3, n_obs=50)
    assert m.n_obs == 50 and m.names == ("item1", "item2", "item3")
    assert gather(ANSWERS, missing="pairwise").missing == "pairwise"


# --- the size guard ------------------------------------------------------------------------------------------


def test_size_guard_estimate_by_hand():
    """3001 items x 10 rows: 6 * 8 * 3001^2 bytes = 0.403 GiB; 10 * 3001^2 / 5e9 + 3 * 4e-9 * 3001^3 = 324.3 s,
    about 5 minutes. 3000 items: nothing said."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        size_guard(10**9, 3000)
    with pytest.warns(CmanalyticsWarning) as caught:
        size_guard(10, 3001)
    assert [str(w.message) for w in caught] == [
        "3001 items x 10 rows: expect about 5 minutes and 0.4 GiB for the p x p matrices (estimated for a 2-core "
        "machine); analysing a scale at a time is far faster."
    ]
    with pytest.warns(CmanalyticsWarning, match=r"^4000 items x 10000000 rows: expect about 9\.1 hours and 0\.7 GiB "):
        size_guard(10_000_000, 4000)  # 1e7 * 1.6e7 / 5e9 + 3 * 4e-9 * 6.4e10 = 32768 s; 0.715 GiB
    with pytest.warns(CmanalyticsWarning, match=r"^3500 items x 0 rows: expect about 9 minutes and 0\.5 GiB "):
        size_guard(0, 3500)  # 3 * 4e-9 * 3500^3 = 514.5 s; 6 * 8 * 3500^2 / 2^30 = 0.548 GiB


def test_size_guard_refuses_matrices_beyond_memory():
    p = 1_000_000
    available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    need = 6 * 8.0 * p * p
    assert need > 0.8 * available
    with pytest.raises(
        DataError,
        match=exact(
            f"{p} items: the p x p matrices alone need about {need / 2**30:.1f} GiB, more than this machine's "
            f"{available / 2**30:.0f} GiB allow; analyse the items in blocks (a scale at a time)."
        ),
    ):
        size_guard(100, p)


def test_a_number_beyond_the_range_of_floats_is_a_data_error():
    """An object column holding a Python int too large for a float (10**400) was a bare OverflowError from
    numpy; it is refused like any answer that cannot be read as a number (found by this mutation pass)."""
    df = ANSWERS.astype(object)
    df.loc[2, "b"] = 10**400
    with pytest.raises(DataError, match=exact("data could not be read as numbers: int too large to convert to float")):
        response_matrix(df)


# --- inverses -----------------------------------------------------------------------------------------------


def test_inverse_and_pseudo_inverse_by_hand():
    """R3^-1 = adj(R3)/det R3 with det = 1 + 2(.5)(.4)(.3) - .25 - .16 - .09 = .62 and the cofactors below.
    [[1, 1], [1, 1]] is singular (eigenvalues 0 and 2): its Moore-Penrose inverse is v v'/2 with
    v = (1, 1)/sqrt 2, every entry 1/4."""
    adj = np.array([[0.91, -0.38, -0.25], [-0.38, 0.84, -0.10], [-0.25, -0.10, 0.75]])
    inv, singular = inputs.inverse(R3)
    assert singular is False
    np.testing.assert_allclose(inv, adj / 0.62, rtol=0, atol=1e-14)
    inv, singular = inputs.inverse(R3, np.linalg.eigh(R3))
    assert singular is False
    np.testing.assert_allclose(inv, adj / 0.62, rtol=0, atol=1e-14)
    ones = np.ones((2, 2))
    for eigh in (None, np.linalg.eigh(ones)):
        pinv, singular = inputs.inverse(ones, eigh)
        assert singular is True
        np.testing.assert_allclose(pinv, np.full((2, 2), 0.25), rtol=0, atol=1e-15)
    # the eigendecomposition given is the one used: a (wrong) one claiming R3 singular gives its pseudo-inverse
    fake = (np.array([0.0, 2.0]), np.eye(2))
    pinv, singular = inputs.inverse(np.eye(2), fake)
    assert singular is True
    np.testing.assert_allclose(pinv, [[0.0, 0.0], [0.0, 0.5]], rtol=0, atol=0)
    # pseudo_inverse drops eigenvalues below 1e-10 p and inverts the others
    w, v = np.array([1.5e-10, 1.0, 2.0]), np.eye(3)
    np.testing.assert_allclose(inputs.pseudo_inverse(w, v), np.diag([0.0, 1.0, 0.5]), rtol=0, atol=0)
    np.testing.assert_allclose(inputs.pseudo_inverse(np.array([4e-10, 1.0, 2.0]), v), np.diag([2.5e9, 1.0, 0.5]))


def test_singular_below_1e_10_times_p():
    assert inputs.is_singular(np.array([2.9e-10, 1.0, 2.0])) is True  # below 3e-10
    assert inputs.is_singular(np.array([3.1e-10, 1.0, 2.0])) is False
    assert inputs.is_singular(np.array([1.5e-10, 1.0, 2.0])) is True  # above 1e-10 / 3: p multiplies
    stack = np.stack([R3, np.ones((3, 3))])
    out = inputs.stack_inverse(stack)  # one singular matrix: pseudo-inverses of all
    np.testing.assert_allclose(out[0], np.linalg.inv(R3), rtol=0, atol=1e-13)
    np.testing.assert_allclose(out[1], np.full((3, 3), 1 / 9), rtol=0, atol=1e-14)  # v v'/3, v = 1/sqrt 3


def test_whole_numbers_refuse_bools_and_fractions_at_the_default_minimum():
    for bad in (True, 2.5, np.bool_(True)):
        with pytest.raises(ArgumentError, match=exact(f"n must be a whole number of at least 1; got {bad!r}.")):
            check_whole("n", bad)


def test_response_matrix_reads_as_floats_unless_told_not_to():
    for frame in (ANSWERS, ANSWERS.astype(np.float32), ANSWERS.astype(bool)):
        x, _ = response_matrix(frame)
        assert x.dtype == np.float64
        np.testing.assert_array_equal(x, frame.to_numpy().astype(np.float64))
    x, names = response_matrix(pd.DataFrame(index=range(3)), min_items=0)  # no columns at all
    assert x.shape == (3, 0) and names == ()
    with pytest.raises(DataError, match=exact("data has 0 item(s); this analysis needs at least 3.")):
        response_matrix(pd.DataFrame(index=range(3)))


def test_moments_from_data_passes_its_policy_and_minimum_on():
    prepared = cma.prepare(ANSWERS)
    with pytest.raises(
        ArgumentError,
        match=exact(
            "missing='pairwise', but these items were prepared with missing='listwise': the policy is applied when "
            "the data are read. Prepare them again (cma.prepare(df, missing='pairwise')) or leave missing= out."
        ),
    ):
        moments_from_data(prepared, missing="pairwise")
    assert moments_from_data(prepared) is prepared
    m = moments_from_data(ANSWERS[["a", "b"]], min_items=2)
    assert m.names == ("a", "b") and m.corr[0, 1] == pytest.approx(0.8, abs=1e-15)  # r(a, b) = 8/10 by hand
    with pytest.raises(
        ArgumentError,
        match=exact("no input: give data (raw responses) or corr= with n_obs= (a published correlation matrix)."),
    ):
        gather(missing="pairwise")


def test_the_size_guard_hears_the_rows_of_the_data():
    """3001 items x 3 rows: the estimate names the 3 rows (3 * 3001^2 / 5e9 + 324.3 s: 5 minutes)."""
    x = np.random.default_rng(2).standard_normal((3, 3001))
    with pytest.warns(CmanalyticsWarning) as caught:
        m = moments_from_data(x)
    assert [str(w.message) for w in caught] == [
        "3001 items x 3 rows: expect about 5 minutes and 0.4 GiB for the p x p matrices (estimated for a 2-core "
        "machine); analysing a scale at a time is far faster."
    ]
    assert m.n_items == 3001


# --- the one-pass moments: each path against numpy's two-pass formulas ---------------------------------------


def correlated(n, seed):
    return np.random.default_rng(seed).standard_normal((n, 3)) @ np.linalg.cholesky(R3).T


def test_direct_pass_on_ordinary_float_data():
    """Float data beyond one chunk with mean^2/variance = .25: cross-products straight from the data."""
    x = 0.5 + correlated(45_000, 8)
    means, cov = inputs.streamed_moments(x)
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=1e-14, atol=0)  # achieved 2e-15
    np.testing.assert_allclose(means, x.mean(axis=0), rtol=1e-13, atol=0)  # achieved 5e-15
    m = moments_from_data(x)
    np.testing.assert_allclose(m.sds, x.std(axis=0, ddof=1), rtol=1e-14, atol=0)
    np.testing.assert_allclose(m.corr, np.corrcoef(x, rowvar=False), rtol=0, atol=1e-14)
    # mean 20, sd .1: mean^2/variance = 4e4 > 100 (mean^2 * variance = 4 is not the test): shifted pass, 4e-16
    # (the direct sums would lose 5e-10)
    y = 20 + 0.1 * correlated(45_000, 8)
    np.testing.assert_allclose(inputs.streamed_moments(y)[1], np.cov(y, rowvar=False), rtol=1e-14, atol=0)


def test_small_integer_types_beyond_one_chunk():
    """int16 answers (45 000 rows of 1..5): converted chunk by chunk after the shift; products in int16 would
    overflow."""
    x = np.random.default_rng(9).integers(1, 6, size=(45_000, 3)).astype(np.int16)
    means, cov = inputs.streamed_moments(x)
    xf = x.astype(np.float64)
    np.testing.assert_allclose(means, xf.mean(axis=0), rtol=0, atol=1e-13)
    np.testing.assert_allclose(cov, np.cov(xf, rowvar=False), rtol=0, atol=1e-13)


def test_complete_and_nearly_empty_data_keep_every_field():
    m = moments_from_data(ANSWERS)
    x = ANSWERS.to_numpy(float)
    assert (m.n_obs, m.n_rows, m.missing, m.pairwise_n) == (5, 5, "listwise", None)
    np.testing.assert_allclose(m.means, [3.0, 3.0, 3.0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(m.cov, np.cov(x, rowvar=False), rtol=0, atol=1e-15)
    # two respondents are enough for a correlation: as given, and after listwise deletion
    two = moments_from_data(ANSWERS.iloc[:2])
    assert two.n_obs == 2 and two.corr[0, 1] == pytest.approx(-1.0, abs=1e-15)  # a: 1, 2; b: 2, 1
    holes = ANSWERS.astype(float)
    holes.loc[[2, 3, 4], "c"] = np.nan
    m = moments_from_data(holes)
    assert (m.n_obs, m.n_rows) == (2, 5) and m.corr[0, 1] == pytest.approx(-1.0, abs=1e-15)
    # pairwise: an item answered by exactly two respondents
    m = moments_from_data(holes, missing="pairwise")
    assert m.pairwise_n[2, 2] == 2 and m.corr[0, 2] == pytest.approx(1.0, abs=1e-15)  # a: 1, 2; c: 1, 3


def test_no_variance_is_relative_to_the_mean():
    """A column of zeros has no variance; so has one whose spread is below 1e-12 of its mean (1e6 + 1e-8 z),
    and one of .1 repeated beyond a chunk (its shifted values are rounding, not zero)."""
    msg = (
        "item(s) 'item3' have no variance (every respondent gave the same answer); they carry no information for "
        "a correlation. Drop them and run again."
    )
    z = correlated(45_000, 3)
    for third in (np.zeros(200), 1e6 + 1e-8 * z[:200, 2], np.full(45_000, 0.1)):
        x = z[: len(third)].copy()
        x[:, 2] = third
        with pytest.raises(DataError, match=exact(msg)):
            moments_from_data(x)
    ok = z[:200].copy()
    ok[:, 2] = 1e6 + 1e-5 * z[:200, 2]  # spread 1e-11 of the mean: kept
    assert moments_from_data(ok).sds[2] > 1e-6


def test_perfect_correlations_are_clipped_to_one():
    """b = 3a + 1 and c = -a/7: correlations of exactly +-1, which rounding can push past 1."""
    a = np.random.default_rng(0).standard_normal(7)
    x = np.column_stack([a, 3 * a + 1, -a / 7, np.random.default_rng(1).standard_normal(7)])
    m = moments_from_data(x)
    assert np.abs(m.corr).max() <= 1.0
    np.testing.assert_array_equal(np.diag(m.corr), 1.0)
    assert m.corr[0, 1] == pytest.approx(1.0, abs=3e-16) and m.corr[0, 2] == pytest.approx(-1.0, abs=3e-16)
    np.testing.assert_allclose(m.corr[:, 3], np.corrcoef(x, rowvar=False)[:, 3], rtol=0, atol=1e-15)


@pytest.mark.parametrize("exponent", [700, -700])
def test_data_beyond_the_safe_range_are_rescaled_by_powers_of_two(exponent):
    """Columns scaled by 2^700 (2^650, 2^600) or by 2^-700 (...): products of answers would overflow or underflow,
    so each column is divided by the power of two that brings its largest magnitude into [1, 2). Correlations
    are those of the data; means and sds in the data's units; cov in units of cov_unit^2, the largest
    column unit. The references divide exactly by powers of two before numpy's two-pass formulas."""
    z = correlated(500, 12)
    scale = 2.0 ** (exponent - np.array([0, 50, 100]))
    x = z * scale
    m = moments_from_data(x)
    assert m.names == ("item1", "item2", "item3") and m.missing == "listwise" and m.n_obs == 500
    tops = np.abs(x).max(axis=0)
    units = np.array([2.0 ** (np.frexp(t)[1] - 1) for t in tops])  # t = f 2^e, f in [.5, 1): 2^(e - 1) <= t
    assert np.all((tops / units >= 1) & (tops / units < 2))
    assert m.cov_unit == units.max()
    np.testing.assert_allclose(m.corr, np.corrcoef(z, rowvar=False), rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.means / scale, z.mean(axis=0), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(m.sds / scale, z.std(axis=0, ddof=1), rtol=1e-13, atol=0)
    rel = scale / m.cov_unit
    np.testing.assert_allclose(m.cov, np.cov(z, rowvar=False) * np.outer(rel, rel), rtol=1e-13, atol=0)
    # ordinary float data, zeros among them: nothing rescaled
    plain = moments_from_data(ANSWERS.astype(float) - 1)
    assert plain.cov_unit == 1.0
    np.testing.assert_allclose(plain.cov, np.cov(ANSWERS.to_numpy(float), rowvar=False), rtol=0, atol=1e-15)


def test_psd_tolerance_of_a_published_matrix():
    """[[1, r], [r, 1]] with r = 1 + 1e-8 (within the entries' 1e-6): smallest eigenvalue -1e-8, inside the
    tolerance -1e-8 * 2; r = 1 + 3e-8 is beyond it."""
    m = moments_from_corr([[1.0, 1 + 1e-8], [1 + 1e-8, 1.0]], 30, min_items=2)
    assert m.n_items == 2
    with pytest.raises(
        CorrelationMatrixError, match=r"^corr is not positive semi-definite \(smallest eigenvalue -3e-08\)"
    ):
        moments_from_corr([[1.0, 1 + 3e-8], [1 + 3e-8, 1.0]], 30, min_items=2)
    with pytest.raises(CorrelationMatrixError, match=exact("corr must be a square matrix; got shape ().")):
        moments_from_corr(5.0, 30)
    ints = moments_from_corr(pd.DataFrame(np.eye(3, dtype=int), columns=list("abc")), 30)
    assert ints.corr.dtype == np.float64
    assert gather(corr=np.eye(2), n_obs=30, min_items=2).n_items == 2
    assert gather(ANSWERS[["a", "b"]], min_items=2).n_items == 2


def test_smoothing_a_matrix_with_a_small_positive_eigenvalue():
    """Eigenvalues -0.204, 0.056, 1.558, 2.590: only the negative one is raised (to 1e-10), the rest rescaled to
    sum to 4, then the unit diagonal restored by D^-1/2 S D^-1/2 (as psych::cor.smooth)."""
    r = np.array([[1, 0.8, 0.6, -0.5], [0.8, 1, 0.9, 0.2], [0.6, 0.9, 1, 0.7], [-0.5, 0.2, 0.7, 1.0]])
    w, v = np.linalg.eigh(r)
    assert w[0] < 0 < 1e-12 < w[1] < 1
    w = np.concatenate([[1e-10], w[1:]])
    s = (v * (w * 4 / w.sum())) @ v.T
    d = np.sqrt(np.diag(s))
    want = s / np.outer(d, d)
    np.testing.assert_allclose(inputs.smooth_eigenvalues(r), want, rtol=0, atol=1e-14)


def test_definiteness_check_skips_pearson_listwise_and_names_the_method():
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    listwise = dataclasses.replace(pairwise_moments(bad), missing="listwise")
    assert check_definite(listwise) is listwise  # complete rows give a semi-definite matrix by construction
    for method, missing, what in (
        ("polychoric", "pairwise", "polychoric"),
        ("pearson", "correlation matrix", "pearson"),
        ("spearman", "listwise", "spearman"),
    ):
        m = dataclasses.replace(pairwise_moments(bad), method=method, missing=missing)
        with pytest.raises(CorrelationMatrixError, match=f"^the {what} correlation matrix of 3 items is not"):
            check_definite(m)


def test_durations_at_their_bounds():
    assert inputs._duration(89.4) == "89 s" and inputs._duration(90) == "2 minutes"
    assert inputs._duration(5399) == "90 minutes" and inputs._duration(5400) == "1.5 hours"
    assert inputs._duration(3600 * 2.0501) == "2.1 hours"  # 7380.36 s / 3600


def test_size_guard_refuses_at_nine_tenths_of_memory():
    available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    p = int((0.9 * available / 48) ** 0.5)  # 6 * 8 p^2 bytes = .9 of the memory: more than the .8 allowed
    with pytest.raises(DataError, match=f"^{p} items: the p x p matrices alone need about"):
        size_guard(10, p)


def test_column_units_by_hand():
    """Each column's unit is the power of two at or below its largest magnitude (row 0 included), once any
    column lies beyond [2^-64, 2^64]; columns of integers, or all within range, need none."""
    x = np.array([[2.0**70, 2.0**-70, 3.0], [1.0, 1.0, -1.0], [2.0, 2.0, 1.0]])
    np.testing.assert_array_equal(inputs.column_units(x), [2.0**70, 2.0, 2.0])
    assert inputs.column_units(np.array([[1000.0, -5.0], [3.0, 0.0]])) is None
    assert inputs.column_units(np.array([[2.0**64, 1.0], [3.0, 0.0]])) is None  # 2^64 itself is within range
    np.testing.assert_array_equal(inputs.column_units(np.array([[1e20, 1.0], [3.0, 0.0]])), [2.0**66, 1.0])
    np.testing.assert_array_equal(inputs.column_units(np.array([[1e-25, 1.0], [0.0, 0.5]])), [2.0**-84, 1.0])
    assert inputs.column_units(np.array([[2**62, 1], [3, 0]], dtype=np.int64)) is None
    # ordinary data up to 1000: moments in the data's units, nothing rescaled
    y = np.column_stack([np.arange(1.0, 11.0) * 100, np.arange(10.0) ** 2, np.arange(10.0) % 3])
    m = moments_from_data(y)
    assert m.cov_unit == 1.0
    np.testing.assert_allclose(m.cov, np.cov(y, rowvar=False), rtol=1e-14, atol=0)


def test_huge_and_tiny_columns_together():
    """Columns at 2^700 and 2^-700 side by side: each is brought to [1, 2) by its own unit (one unit for all
    would underflow the tiny one to 0); a column of zeros is still one without variance."""
    z = correlated(300, 4)
    x = z * np.array([2.0**700, 2.0**-700, 1.0])
    m = moments_from_data(x)
    np.testing.assert_allclose(m.corr, np.corrcoef(z, rowvar=False), rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.means * np.array([2.0**-700, 2.0**700, 1.0]), z.mean(axis=0), rtol=1e-13, atol=1e-15)
    x[:, 2] = 0.0
    with pytest.raises(
        DataError,
        match=exact(
            "item(s) 'item3' have no variance (every respondent gave the same answer); they carry no information "
            "for a correlation. Drop them and run again."
        ),
    ):
        moments_from_data(x)


def test_size_guard_when_the_memory_is_unknown():
    """Where the machine's memory cannot be read, nothing is refused: the estimate is said."""
    from unittest import mock

    def unknown(name):
        raise ValueError(name)

    with (
        mock.patch.object(os, "sysconf", unknown),
        pytest.warns(CmanalyticsWarning, match=r"^1000000 items x 10 rows: expect about 3333333\.9 hours and "),
    ):
        size_guard(10, 1_000_000)  # (10 * 1e12 / 5e9 + 3 * 4e-9 * 1e18) / 3600 = 3333333.9 hours
