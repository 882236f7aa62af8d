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
    assert list(w.r2.index) == factors
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
