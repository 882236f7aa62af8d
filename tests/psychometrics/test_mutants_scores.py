"""Tests written to kill mutants of cmanalytics/psychometrics/scores.py (make mutants): the labels of the
weights, the method's name, the messages of the refusals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.errors import ArgumentError

ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def oblique():
    return cma.efa(holzinger_swineford()[ITEMS], n_factors=3, method="minres", rotation="oblimin")


def test_weights_are_labelled_and_the_alias_is_resolved(oblique):
    w = cma.factor_score_weights(oblique, "Thurstone")
    factors = list(oblique.loadings.columns)
    assert w.method == "regression"
    assert list(w.weights.index) == ITEMS and list(w.weights.columns) == factors
    assert list(w.r_scores.index) == factors and list(w.r_scores.columns) == factors
    assert list(w.r2.index) == factors and w.r2.name == "R2"
    assert cma.factor_score_weights(oblique).method == "regression"  # the default
    # Thurstone's regression weights W = R^-1 S, with the structure S = P Phi of the oblique solution, and
    # R2 = diag(W'S); both from the matrices the solution reports.
    r = holzinger_swineford()[ITEMS].corr().to_numpy()
    s = oblique.loadings.to_numpy() @ oblique.phi.to_numpy()
    want = np.linalg.solve(r, s)
    np.testing.assert_allclose(w.weights.to_numpy(), want, atol=1e-10)
    np.testing.assert_allclose(w.r2.to_numpy(), np.diag(want.T @ s), atol=1e-10)


def test_refusals_name_the_choices(oblique):
    with pytest.raises(
        ArgumentError,
        match=r"^method='harman' is not a scoring method; choose one of regression, bartlett, tenberge, anderson\.$",
    ):
        cma.factor_score_weights(oblique, "harman")
    bare = dataclasses.replace(oblique, _moments=None)
    with pytest.raises(
        ArgumentError, match=r"^this result does not hold its correlation matrix; refit it with cma\.efa\.$"
    ):
        cma.factor_score_weights(bare, "bartlett")
    with pytest.raises(
        ArgumentError, match=r"^this result does not hold its correlation matrix; refit it with cma\.efa\.$"
    ):
        cma.factor_scores(bare, holzinger_swineford()[ITEMS])


def test_factor_scores_keep_the_rows_and_name_what_is_wrong(oblique):
    data = holzinger_swineford()[ITEMS].iloc[:6].set_axis([f"r{i}" for i in range(6)])
    scores = cma.factor_scores(oblique, data)
    assert list(scores.index) == list(data.index)
    # An array is matched by position and gets the default row numbers; the scores are those of the frame.
    from_array = cma.factor_scores(oblique, data.to_numpy())
    assert list(from_array.index) == list(range(6))
    np.testing.assert_allclose(from_array.to_numpy(), scores.to_numpy(), atol=1e-12)
    with pytest.raises(cma.errors.DataError, match=r"^data lack the item\(s\) the solution was fitted to: x8, x9\.$"):
        cma.factor_scores(oblique, data.drop(columns=["x8", "x9"]))
    with pytest.raises(cma.errors.DataError, match=r"^data have 8 columns; the solution has 9 items\.$"):
        cma.factor_scores(oblique, data.to_numpy()[:, :8])
    with pytest.raises(
        ArgumentError,
        match=r"^method='pca' is not a scoring method; choose one of regression, bartlett, tenberge, anderson\.$",
    ):
        cma.factor_scores(oblique, data, method="pca")
