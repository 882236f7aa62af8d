"""Tests written to kill mutants of cmanalytics/psychometrics/scores.py (make mutants): the labels of the
weights, the method's name, the messages of the refusals; the four methods' weights for one factor by hand
(with and without a given R^-1, which is then used as it is), and _sym_power's eigenvalue floors against
psych's matSqrt / invMatSqrt (R 4.2, psych 2.2.9)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics import scores as scores_module
from cmanalytics.psychometrics.scores import _sym_power, score_weights
from tests.conftest import shared_scope

ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope=shared_scope)
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


# --- second session: score_weights on one factor by hand, its ``inv`` argument, the refusal of a zero
# uniqueness, and _sym_power's eigenvalue floors against psych's matSqrt / invMatSqrt.

# One factor with loadings .8, .7, .6 and uniquenesses u = 1 - l^2, so R = l l' + diag(u). With
# s = sum(l^2 / u), Sherman-Morrison gives R^-1 l = (l / u) / (1 + s) and l' R^-1 l = s / (1 + s), hence
#   regression (Thurstone)  W = R^-1 l = (l / u) / (1 + s)
#   Bartlett                W = (l / u) (l' U^-2 l)^-1 = (l / u) / s
#   Anderson-Rubin          W = (l / u) ((l / u)' R (l / u))^-1/2 = (l / u) / sqrt(s (s + 1))
#   ten Berge (Phi = 1)     W = R^-1 l (l' R^-1 l)^-1/2 = (l / u) / sqrt(s (s + 1))
L1 = np.array([0.8, 0.7, 0.6])
U1 = 1 - L1**2
R1 = np.outer(L1, L1) + np.diag(U1)
S1 = float(np.sum(L1**2 / U1))
ONE_FACTOR = {
    "regression": (L1 / U1) / (1 + S1),
    "bartlett": (L1 / U1) / S1,
    "anderson": (L1 / U1) / np.sqrt(S1 * (S1 + 1)),
    "tenberge": (L1 / U1) / np.sqrt(S1 * (S1 + 1)),
}


@pytest.mark.parametrize("method", sorted(ONE_FACTOR))
def test_score_weights_of_one_factor_by_hand_inverting_r_itself(method):
    # No inverse given (inv=None): score_weights inverts R itself.
    w = score_weights(R1, L1[:, None], None, U1, method)
    np.testing.assert_allclose(w[:, 0], ONE_FACTOR[method], rtol=1e-13, atol=0)


@pytest.mark.parametrize("method", sorted(ONE_FACTOR))
def test_score_weights_use_the_inverse_they_are_given(method, monkeypatch):
    # With R^-1 given (as prepared items hold it) R is not inverted again: the weights are the same hand
    # values with the package's inverse() made to fail. The inverse here is the hand one, adj(R) / det R
    # through Sherman-Morrison: U^-1 - (l/u)(l/u)' / (1 + s).
    r_inv = np.diag(1 / U1) - np.outer(L1 / U1, L1 / U1) / (1 + S1)

    def no_inverse(*_args, **_kwargs):
        raise AssertionError("R was inverted again although its inverse was given")

    monkeypatch.setattr(scores_module, "inverse", no_inverse)
    w = score_weights(R1, L1[:, None], None, U1, method, inv=r_inv)
    np.testing.assert_allclose(w[:, 0], ONE_FACTOR[method], rtol=1e-13, atol=0)


def test_factor_score_weights_reuse_the_fitted_inverse(oblique, monkeypatch):
    # factor_score_weights and factor_scores pass the inverse the fit already holds (result._moments): with
    # inverse() made to fail they still give Thurstone's W = R^-1 P Phi (solved here from the data's R).
    r = holzinger_swineford()[ITEMS].corr().to_numpy()
    want = np.linalg.solve(r, oblique.loadings.to_numpy() @ oblique.phi.to_numpy())

    def no_inverse(*_args, **_kwargs):
        raise AssertionError("R was inverted again although the fit holds its inverse")

    monkeypatch.setattr(scores_module, "inverse", no_inverse)
    for method in ("regression", "tenberge"):
        cma.factor_score_weights(oblique, method)  # ten Berge's weights need R^-1 as well
    np.testing.assert_allclose(cma.factor_score_weights(oblique).weights.to_numpy(), want, atol=1e-10)
    data = holzinger_swineford()[ITEMS].iloc[:3]
    z = ((data - holzinger_swineford()[ITEMS].mean()) / holzinger_swineford()[ITEMS].std()).to_numpy()
    np.testing.assert_allclose(cma.factor_scores(oblique, data).to_numpy(), z @ want, atol=1e-10)


@pytest.mark.parametrize("method", ["bartlett", "anderson"])
def test_a_communality_of_one_is_refused_word_for_word(method):
    # Bartlett's and Anderson-Rubin's weights divide by the uniquenesses: an item with a uniqueness of 0 (a
    # communality of 1, a Heywood case) is refused, naming the method.
    u = np.array([0.36, 0.0, 0.64])
    with pytest.raises(
        ArgumentError,
        match=rf"^{method} scores need every uniqueness above 0; an item has a communality of 1\. "
        r"Use method='regression'\.$",
    ):
        score_weights(R1, L1[:, None], None, u, method)
    # The regression weights need no uniqueness and are still given.
    assert score_weights(R1, L1[:, None], None, u, "regression").shape == (3, 1)


EPS = np.finfo(float).eps
# [[1.5, 2.5], [2.5, 1.5]] = Q diag(4, -1) Q' with Q the 45-degree rotation: indefinite.
INDEFINITE = np.array([[1.5, 2.5], [2.5, 1.5]])


def test_sym_power_floors_a_negative_eigenvalue_as_psych_does():
    # psych's matSqrt sets eigenvalues below 0 to eps before the square root: Q diag(2, sqrt(eps)) Q'
    # = [[1 + sqrt(eps)/2, 1 - sqrt(eps)/2], ...]; R 4.2 psych::matSqrt gives 1.00000000745058037 and
    # 0.99999999254941918.
    h = np.sqrt(EPS) / 2
    np.testing.assert_allclose(_sym_power(INDEFINITE, 0.5), [[1 + h, 1 - h], [1 - h, 1 + h]], rtol=1e-15, atol=0)
    assert _sym_power(INDEFINITE, 0.5)[0, 0] == pytest.approx(1.00000000745058037, rel=1e-15)
    # psych's invMatSqrt sets eigenvalues below eps to 100 eps: Q diag(1/2, 1/sqrt(100 eps)) Q', whose
    # entries are (1/2 +- 1/sqrt(100 eps)) / 2; psych gives 3355443.45 and -3355442.95.
    g = 1 / np.sqrt(100 * EPS)
    want = np.array([[0.5 + g, 0.5 - g], [0.5 - g, 0.5 + g]]) / 2
    np.testing.assert_allclose(_sym_power(INDEFINITE, -0.5), want, rtol=1e-12, atol=0)
    assert _sym_power(INDEFINITE, -0.5)[0, 1] == pytest.approx(-3355442.95, rel=1e-12)


def test_sym_power_keeps_an_eigenvalue_at_the_floor_as_psych_does():
    # The floors are strict, as in psych: an eigenvalue of exactly 0 stays 0 under the square root
    # (psych::matSqrt(diag(c(4, 0))) = diag(c(2, 0))), and one of exactly eps stays eps under the inverse
    # square root (psych::invMatSqrt(diag(c(4, eps))) = diag(c(0.5, 67108864)), 1 / sqrt(eps) = 2^26).
    np.testing.assert_array_equal(_sym_power(np.diag([4.0, 0.0]), 0.5), np.diag([2.0, 0.0]))
    np.testing.assert_allclose(_sym_power(np.diag([4.0, EPS]), -0.5), np.diag([0.5, 2.0**26]), rtol=1e-15, atol=0)
