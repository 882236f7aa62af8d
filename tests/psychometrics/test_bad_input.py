"""Bad input gets a clear cmanalytics error naming the column or the problem; problems that leave a
usable but questionable solution (singular matrix, Heywood case, no convergence) are reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import (
    ArgumentError,
    CmanalyticsError,
    ConvergenceWarning,
    CorrelationMatrixError,
    DataError,
    HeywoodWarning,
    SingularityWarning,
)
from tests.conftest import likert


@pytest.fixture
def survey():
    return likert(120, 6, seed=5)


ANALYSES = [
    lambda d: cma.kmo(d),
    lambda d: cma.bartlett(d),
    lambda d: cma.efa(d, n_factors=2),
    lambda d: cma.cronbach_alpha(d),
    lambda d: cma.parallel_analysis(d, n_iter=5, seed=1),
    lambda d: cma.correlation(d),
]


@pytest.mark.parametrize("analysis", ANALYSES)
def test_non_numeric_column_is_named(survey, analysis):
    bad = survey.assign(branch=["Zhengzhou"] * len(survey))
    with pytest.raises(DataError, match="'branch'"):
        analysis(bad)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_item_without_variance_is_named(survey, analysis):
    bad = survey.assign(q3=3.0)
    with pytest.raises(DataError, match="'q3'.*no variance"):
        analysis(bad)


@pytest.mark.parametrize("analysis", ANALYSES[:3] + ANALYSES[4:5])
def test_fewer_than_three_items(survey, analysis):
    with pytest.raises(DataError, match="at least 3"):
        analysis(survey[["q1", "q2"]])


def test_no_complete_rows_under_listwise(survey):
    bad = survey.copy()
    for j in range(bad.shape[1]):
        bad.iloc[j::6, j] = np.nan  # every row misses exactly one item
    with pytest.raises(DataError, match="no complete rows under listwise"):
        cma.efa(bad, n_factors=2)
    assert cma.efa(bad, n_factors=2, missing="pairwise").n_obs == len(bad)


@pytest.mark.parametrize("method,k", [("pca", 7), ("paf", 6), ("minres", 6), ("ml", 4)])
def test_too_many_factors(survey, method, k):
    with pytest.raises(ArgumentError, match=f"{k} factors cannot be extracted from 6 items"):
        cma.efa(survey, n_factors=k, method=method)


def test_corr_without_n_obs(survey):
    with pytest.raises(ArgumentError, match="n_obs"):
        cma.efa(corr=survey.corr(), n_factors=2)
    with pytest.raises(ArgumentError, match="n_obs"):
        cma.kmo(corr=survey.corr())


def test_not_symmetric():
    r = np.eye(4)
    r[0, 1], r[1, 0] = 0.3, 0.5
    with pytest.raises(CorrelationMatrixError, match="not symmetric"):
        cma.bartlett(corr=r, n_obs=50)


def test_diagonal_not_one():
    r = np.eye(4) * 2.0
    with pytest.raises(CorrelationMatrixError, match="diagonal must be 1"):
        cma.kmo(corr=r, n_obs=50)


def test_not_positive_semidefinite():
    r = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
    with pytest.raises(CorrelationMatrixError, match="not positive semi-definite"):
        cma.efa(corr=r, n_obs=50, n_factors=1)


def test_both_or_neither_input(survey):
    with pytest.raises(ArgumentError, match="either"):
        cma.kmo(survey, corr=survey.corr(), n_obs=10)
    with pytest.raises(ArgumentError, match="no input"):
        cma.kmo()
    with pytest.raises(ArgumentError, match="n_obs goes with corr"):
        cma.kmo(survey, n_obs=10)


@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"method": "svd"}, "not an extraction method"),
        ({"rotation": "bogus"}, "not available"),
        ({"missing": "mean"}, "not a missing-data policy"),
        ({"n_factors": 0}, "n_factors must be a whole number of at least 1"),
        ({"n_factors": 2.5}, "n_factors must be a whole number of at least 1"),
    ],
)
def test_bad_arguments(survey, kwargs, pattern):
    with pytest.raises(ArgumentError, match=pattern):
        cma.efa(survey, **kwargs)


def test_bad_parallel_arguments(survey):
    with pytest.raises(ArgumentError, match="n_iter"):
        cma.parallel_analysis(survey, n_iter=0)
    with pytest.raises(DataError, match="more respondents"):
        cma.parallel_analysis(survey.iloc[:6])


def test_array_of_text_is_a_data_error():
    with pytest.raises(DataError, match="cannot be read as numbers"):
        cma.kmo(np.array([["a", "b", "c"], ["d", "e", "f"]]))


def test_infinite_value_is_named(survey):
    bad = survey.copy()
    bad.loc[3, "q2"] = np.inf
    with pytest.raises(DataError, match="'q2'.*infinite"):
        cma.kmo(bad)


def test_all_errors_are_cmanalytics_errors():
    assert issubclass(DataError, CmanalyticsError) and issubclass(ArgumentError, CmanalyticsError)


def test_singular_matrix_is_reported(survey):
    bad = survey.assign(total=survey.sum(axis=1))  # a linear combination of the other items
    with pytest.warns(SingularityWarning, match="singular"):
        res = cma.efa(bad, n_factors=2)
    assert any("singular" in w for w in res.warnings)
    assert "singular" in res.summary()
    assert any("singular" in w for w in cma.kmo(bad).warnings)
    assert any("singular" in w for w in cma.bartlett(bad).warnings)
    with pytest.raises(ArgumentError, match="nonsingular"):
        cma.efa(bad, n_factors=2, method="ml")


def test_heywood_case_is_reported():
    # One factor with r12 = r13 = .9 and r23 = .7 needs loading^2 = r12 r13 / r23 = 1.157 on item 1.
    r = np.array([[1, 0.9, 0.9], [0.9, 1, 0.7], [0.9, 0.7, 1.0]])
    for method in ("paf", "minres", "ml"):
        with pytest.warns(HeywoodWarning, match="item1"):
            res = cma.efa(corr=r, n_obs=200, n_factors=1, method=method, rotation=None)
        assert any("Heywood" in w and "item1" in w for w in res.warnings), method
        assert "Heywood" in res.summary()


def test_rotation_that_did_not_converge_is_reported(survey):
    with pytest.warns(ConvergenceWarning, match="oblimin rotation did not converge"):
        res = cma.efa(survey, n_factors=2, method="paf", rotation="oblimin", rotation_max_iter=1)
    assert any("did not converge" in w for w in res.warnings)
    assert "did not converge" in res.summary()


def test_extraction_that_did_not_converge_is_reported(survey):
    with pytest.warns(ConvergenceWarning, match="did not converge in 2 iterations"):
        res = cma.efa(survey, n_factors=2, method="paf", rotation=None, max_iter=2)
    assert any("did not converge" in w for w in res.warnings)


def test_callers_data_are_not_modified(survey):
    holes = survey.copy()
    holes.iloc[::7, 2] = np.nan
    before = holes.copy()
    array = holes.to_numpy().copy()
    cma.efa(holes, n_factors=2, missing="pairwise")
    cma.cronbach_alpha(holes, reverse=["q1", "q4"], missing="pairwise")
    cma.parallel_analysis(holes, n_iter=5, seed=1, missing="pairwise")
    cma.kmo(array, missing="pairwise")
    pd.testing.assert_frame_equal(holes, before)
    assert array.flags.writeable
    np.testing.assert_array_equal(array, before.to_numpy())


def test_constant_item_with_inexact_value_is_named():
    # 0.1 is not exact in binary: the one-pass variance of a column of 0.1s is rounding, not a number.
    df = likert(500, 5, seed=3).astype(float).assign(q4=0.1)
    with pytest.raises(DataError, match="'q4'.*no variance"):
        cma.kmo(df)


def test_diagnostics_point_at_the_callers_line(survey):
    # efa and alpha warn from the named steps they were split into: the warning still names this file
    from cmanalytics.errors import DataWarning, ReverseKeyWarning

    r = np.array([[1, 0.9, 0.9], [0.9, 1, 0.7], [0.9, 0.7, 1.0]])
    with pytest.warns(HeywoodWarning) as heywood:
        cma.efa(corr=r, n_obs=200, n_factors=1, method="minres", rotation=None)
    with pytest.warns(ConvergenceWarning) as rotation:
        cma.efa(survey, n_factors=2, method="paf", rotation="oblimin", rotation_max_iter=1)
    flipped = survey.assign(**{survey.columns[0]: -survey.iloc[:, 0]})
    with pytest.warns(ReverseKeyWarning) as keyed:
        cma.cronbach_alpha(flipped)
    with pytest.warns(DataWarning) as bounds:
        cma.cronbach_alpha(survey, reverse=[survey.columns[0]])
    for record in (heywood, rotation, keyed, bounds):
        assert record.list and all(w.filename == __file__ for w in record.list), [w.filename for w in record.list]
