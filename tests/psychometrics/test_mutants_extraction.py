"""Tests written to kill mutants of cmanalytics/psychometrics/extraction.py (make mutants): psych's WLS and GLS
criteria where the eigenvalue floor and the divided differences of the gradient matter (by hand), and
weighted_least_squares' defaults, starts and what it hands back (R's optim from each of psych's starts)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from cmanalytics.psychometrics import extraction as ex
from tests.conftest import shared_scope

REF = Path(__file__).resolve().parents[1] / "reference" / "mutants" / "extraction_rotation.json"
EPS = np.finfo(float).eps


@pytest.fixture(scope=shared_scope)
def wls_ref():
    return json.loads(REF.read_text())["wls_starts"]


# --- the criterion by hand -------------------------------------------------------------------------------


def _one_factor_exact(b: float, p: int = 4):
    """R = a I + b J (a = 1 - b) and psi = a: S = R - diag(psi) = b J, of rank 1, so with k = 2 the second
    retained eigenvalue is 0 (to rounding) and psych raises it to 100 eps. b = 2^-20 is small, so that the
    rounding of the rank-1 part (~eps b) is far below 100 eps, and a power of 2, so that 1 - a is exact."""
    a = 1.0 - b
    r = a * np.eye(p) + b * np.ones((p, p))
    return r, np.full(p, a), a


@pytest.mark.parametrize("weighting", ["wls", "gls"])
def test_eigenvalue_floor_of_psychs_criteria_by_hand(weighting):
    """With S = b J and k = 2, psych's criterion (its fa's "wls"/"gls"; written out in
    tests/reference/make_psych_parity_reference.R) takes the second eigenvalue, 0, as 100 eps, so the residual
    is E = -100 eps v v' for a unit v orthogonal to the ones vector, whichever v the decomposition picks:
    WLS: f = sum_ij w_i w_j E_ij^2 = (100 eps)^2 w^2 (all w_i = w = 1/(R^-1)_ii = a (a + p b) / (a + (p - 1) b));
    GLS: f = ||R^-1 E||^2 = (100 eps / a)^2 (v is an eigenvector of R^-1 with eigenvalue 1/a)."""
    b, p = 2.0**-20, 4
    r, psi, a = _one_factor_exact(b, p)
    f, _ = ex._weighted_residual_objective(weighting)(psi, r, 2, np.linalg.inv(r))
    if weighting == "wls":
        w = a * (a + p * b) / (a + (p - 1) * b)
        want = (100 * EPS) ** 2 * w**2
    else:
        want = (100 * EPS / a) ** 2
    assert f == pytest.approx(want, rel=1e-12, abs=0)  # f is ~1e-27: no absolute slack


def test_tied_eigenvalues_across_the_truncation_raise_no_warning():
    """R = I and psi = (.5, .7, .7, .9): S = diag(.5, .3, .3, .1) exactly, k = 2, so the 2nd and 3rd eigenvalues
    are equal while one is kept and one is not (dl = 0 with dh = .3) and every diagonal divided difference is
    0/0. By hand, w = 1 and E = diag(0, 0, .3, .1) (whichever of the tied pair is kept): f = .09 + .01 = .1,
    for both criteria (R^-1 = I). The divisions by zero are expected and must not warn."""
    r = np.eye(4)
    psi = np.array([0.5, 0.7, 0.7, 0.9])
    for weighting in ("wls", "gls"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f, grad = ex._weighted_residual_objective(weighting)(psi, r, 2, r)
        assert f == pytest.approx(0.1, abs=1e-15)
        assert np.isfinite(grad).all()


@pytest.mark.parametrize("weighting", ["wls", "gls"])
def test_gradient_with_tied_retained_eigenvalues_is_the_derivative(weighting):
    """S = Q diag(.5, .5, .2, .1) Q' (Q a fixed rotation), R = S with a unit diagonal: the two retained
    eigenvalues are tied (to rounding, within the 1e-12 the divided differences treat as a tie), where the
    divided difference of h(lambda) = lambda is h' = 1. The criterion is smooth there (the retained space is
    well defined), so the analytic gradient must equal central differences of the criterion."""
    q, _ = np.linalg.qr(np.random.default_rng(11).standard_normal((4, 4)))
    s = q @ np.diag([0.5, 0.5, 0.2, 0.1]) @ q.T
    psi = 1.0 - np.diag(s)
    r = s + np.diag(psi)
    r_inv = np.linalg.inv(r)
    fun = ex._weighted_residual_objective(weighting)
    lam = np.linalg.eigvalsh(s)[::-1]
    assert abs(lam[0] - lam[1]) <= 1e-12 and lam[1] - lam[2] > 0.2  # the case this test is about
    _, grad = fun(psi, r, 2, r_inv)
    h = 1e-6
    fd = [(fun(psi + h * e, r, 2, r_inv)[0] - fun(psi - h * e, r, 2, r_inv)[0]) / (2 * h) for e in np.eye(4)]
    assert np.abs(fd).max() > 1e-2  # not a stationary point: the gradient has something to get wrong
    np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-10)


# --- weighted_least_squares: defaults, starts, what it returns ----------------------------------------------


def test_wls_by_default_from_psychs_start_and_one_minus_smc(wls_ref):
    """ability.cov, 2 factors (R: tests/reference/mutants/make_extraction_rotation.R): psych's WLS criterion
    minimized by R's optim from psych's start, SMC, ends at a local optimum (.0789); from 1 - SMC at .01152.
    Called without ``weighting`` the fit is WLS, tries psych's start, factanal's and 1 - SMC in that order (the
    docstring), and no random start (n_random defaults to 0); it keeps the lowest, converged, with p x k
    loadings."""
    d = wls_ref["ability"]
    r, k = np.array(d["corr"]), d["k"]
    res = ex.weighted_least_squares(r, k)
    assert res.method == "wls"
    assert len(res.start_objectives) == 3
    assert res.start_objectives[0] == pytest.approx(d["from_smc"]["value"], rel=1e-12)
    assert res.start_objectives[2] == pytest.approx(d["from_one_minus_smc"]["value"], rel=1e-12)
    assert res.objective == pytest.approx(d["from_one_minus_smc"]["value"], rel=1e-12)
    assert res.loadings.shape == (6, 2) and res.communalities.shape == (6,)
    assert not res.clipped
    assert res.converged is True and res.gradient_norm < 1e-6  # the documented test: |gradient| below 1e-6
    assert isinstance(res.iterations, int) and res.iterations >= 1
    # the loadings are V_k Lambda_k^1/2 of R - diag(psi), psi R's optimum: their cross-products are that
    # rank-k part, whose diagonal is 1 - psi where the fit is exact (to the optimizer's precision)
    psi = np.array(d["from_one_minus_smc"]["psi"])
    vals, vecs = np.linalg.eigh(r - np.diag(psi))
    m = (vecs[:, -k:] * vals[-k:]) @ vecs[:, -k:].T
    np.testing.assert_allclose(res.loadings @ res.loadings.T, m, rtol=0, atol=2e-7)


def test_wls_keeps_psychs_start_when_it_reaches_lower(wls_ref):
    """Thurstone, 2 factors: there psych's start, SMC, reaches the lower optimum (.07599) and 1 - SMC ends at
    .08135 (R's optim from each)."""
    d = wls_ref["thurstone"]
    r, k = np.array(d["corr"]), d["k"]
    res = ex.weighted_least_squares(r, k, weighting="wls")
    assert res.start_objectives[0] == pytest.approx(d["from_smc"]["value"], rel=1e-12)
    assert res.start_objectives[2] == pytest.approx(d["from_one_minus_smc"]["value"], rel=1e-12)
    assert res.objective == pytest.approx(d["from_smc"]["value"], rel=1e-12)


def test_gls_is_named_gls(wls_ref):
    r = np.array(wls_ref["thurstone"]["corr"])
    res = ex.weighted_least_squares(r, 2, weighting="gls")
    assert res.method == "gls" and res.loadings.shape == (9, 2)


def test_random_starts_are_seeded():
    """``seed`` fixes the random starts: the same seed, the same starts and the same criterion reached from
    each, to the last bit; the three fixed starts come first, then ``n_random`` random ones."""
    r = np.array([[1.0, 0.5, 0.4, 0.3], [0.5, 1.0, 0.35, 0.25], [0.4, 0.35, 1.0, 0.2], [0.3, 0.25, 0.2, 1.0]])
    one = ex.weighted_least_squares(r, 1, n_random=2, seed=7)
    two = ex.weighted_least_squares(r, 1, n_random=2, seed=7)
    assert len(one.start_objectives) == 5
    assert one.start_objectives == two.start_objectives
    assert one.iterations == two.iterations


# --- maximum likelihood: its gradient, and what it returns on a model it fits exactly --------------------------


def _central_differences(objective, psi, r, k, h=1e-6):
    """(f(psi + h e_i) - f(psi - h e_i)) / 2h for each uniqueness: the gradient the analytic one must equal."""
    return [(objective(psi + h * e, r, k)[0] - objective(psi - h * e, r, k)[0]) / (2 * h) for e in np.eye(len(psi))]


def test_ml_gradient_is_the_derivative_of_the_ml_criterion(wls_ref):
    """The ML criterion's analytic gradient (factanal's FAgr) against central differences of the criterion
    itself, at uniquenesses away from the optimum, on Thurstone's correlations."""
    r = np.array(wls_ref["thurstone"]["corr"])
    psi = np.linspace(0.25, 0.75, 9)
    _, grad = ex._ml_objective(psi, r, 2)
    fd = _central_differences(ex._ml_objective, psi, r, 2)
    assert np.abs(fd).max() > 0.1
    np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-8)


@pytest.fixture(scope=shared_scope)
def exact_two_factor():
    """R = L L' + Psi from a two-factor L written here: item 1 with uniqueness .008 (free, just above psych's
    bound .005), a weak second factor (.3 on three items), so that the second eigenvalue of
    Psi^-1/2 R Psi^-1/2 is 1 + eig(L' Psi^-1 L) = 1.364. ML recovers the model exactly."""
    lam = np.array([[np.sqrt(0.992), 0], [0.8, 0], [0.7, 0], [0.6, 0], [0.5, 0.3], [0.4, 0.3], [0.3, 0.3]])
    psi = 1.0 - (lam**2).sum(axis=1)
    return lam, psi, lam @ lam.T + np.diag(psi)


def test_ml_on_an_exact_model_by_hand(exact_two_factor):
    """The fit's communalities are the model's, sum_j L_ij^2, and LL' the model's (to 5e-8; reached 5e-9);
    no uniqueness is at the bound (item 1's .008 is free), no retained eigenvalue is below 1 (they are 129 and
    1.364); named "ml", converged by the documented test (|gradient| < 1e-6), from factanal's and psych's
    starts, .5 and, by default, 3 random starts."""
    lam, psi, r = exact_two_factor
    res = ex.maximum_likelihood(r, 2)
    assert res.method == "ml"
    np.testing.assert_allclose(res.communalities, (lam**2).sum(axis=1), rtol=0, atol=5e-8)
    np.testing.assert_allclose(res.loadings @ res.loadings.T, lam @ lam.T, rtol=0, atol=5e-8)
    assert res.at_bound.tolist() == [False] * 7
    assert res.clipped is False
    assert res.converged is True and res.gradient_norm < 1e-6
    assert isinstance(res.iterations, int) and res.iterations >= 1
    assert len(res.start_objectives) == 6


def test_ml_random_starts_default_to_seed_0(wls_ref):
    """``seed`` defaults to 0 (the signature): the default fit draws the same random starts as seed=0, and so
    reaches the same criterion from each, to the last bit; seed=1 draws others (Thurstone with 4 factors, where
    the criterion has local optima: a random start of seed 1 ends 2e-3 away from seed 0's)."""
    r = np.array(wls_ref["thurstone"]["corr"])
    default = ex.maximum_likelihood(r, 4)
    assert default.start_objectives == ex.maximum_likelihood(r, 4, seed=0).start_objectives
    assert default.start_objectives[3:] != ex.maximum_likelihood(r, 4, seed=1).start_objectives[3:]


# --- minres: the unweighted criterion with negative retained eigenvalues, the starts, what it returns ----------


def test_uls_criterion_counts_negative_retained_eigenvalues():
    """S = Q diag(.5, -.1, -.2, -.3) Q' (R = S with a unit diagonal, psi = 1 - diag(S)), k = 2: LL' cannot fit the
    retained -.1, so the residual sum of squares is that of every eigenvalue but .5: .01 + .04 + .09 = .14
    (by hand); the analytic gradient is the derivative (central differences)."""
    q, _ = np.linalg.qr(np.random.default_rng(5).standard_normal((4, 4)))
    s = q @ np.diag([0.5, -0.1, -0.2, -0.3]) @ q.T
    psi = 1.0 - np.diag(s)
    r = s + np.diag(psi)
    f, grad = ex._uls_objective(psi, r, 2)
    assert f == pytest.approx(0.14, rel=1e-14)
    fd = _central_differences(ex._uls_objective, psi, r, 2)
    assert np.abs(fd).max() > 0.05
    np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-9)


@pytest.fixture(scope=shared_scope)
def heywood_model():
    """R = L L' + Psi from a one-factor L written here: item 1 loads 1 (uniqueness 0, below psych's bound .005,
    where the fit stops: a Heywood case), item 2 has uniqueness .008 (free, just above the bound)."""
    lam = np.array([1.0, np.sqrt(0.992), 0.7, 0.6, 0.5, 0.4])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    return lam, r


def test_minres_on_a_heywood_model(heywood_model):
    """minres from psych's start only (1 - SMC; no factanal start, no random start by default): item 1 stops
    at the bound and is flagged, item 2 (.008) is not; the loadings are those of the model to 3e-3 (item 1's
    uniqueness is held at .005 instead of 0; reached 1.4e-3), and the communalities their squares; named "minres", converged
    (|gradient| < 1e-6), no negative eigenvalue clipped."""
    lam, r = heywood_model
    res = ex.minres(r, 1)
    assert res.method == "minres"
    assert res.at_bound.tolist() == [True, False, False, False, False, False]
    np.testing.assert_allclose(res.loadings[:, 0], lam, rtol=0, atol=3e-3)
    np.testing.assert_allclose(res.communalities, (res.loadings**2).sum(axis=1), rtol=1e-14)
    np.testing.assert_allclose(res.communalities[2:], lam[2:] ** 2, rtol=0, atol=1e-3)
    assert len(res.start_objectives) == 1
    assert res.clipped is False
    assert res.converged is True and res.gradient_norm < 1e-6
    assert isinstance(res.iterations, int) and res.iterations >= 1


def test_minres_start_gtol_and_random_starts(exact_two_factor):
    """On the exact two-factor model (hand-written above): started at its uniquenesses, the gradient is 0
    already and L-BFGS-B takes no step; a loose ``gtol`` stops the optimizer early, so the gradient left is
    above the 1e-6 that counts as converged; ``n_random`` adds that many seeded starts after psych's, and the
    same seed gives the same criterion from each, to the last bit."""
    lam, psi, r = exact_two_factor
    assert ex.minres(r, 2, start=psi).iterations == 0
    loose = ex.minres(r, 2, gtol=1e-2)
    assert 1e-6 < loose.gradient_norm < 1e-2 and not loose.converged
    one = ex.minres(r, 2, n_random=2, seed=3)
    two = ex.minres(r, 2, n_random=2, seed=3)
    assert len(one.start_objectives) == 3
    assert one.start_objectives == two.start_objectives
