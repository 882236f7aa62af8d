"""Tests written to kill mutants of cmanalytics/psychometrics/extraction.py (second session): principal
components of a 2 x 2 correlation matrix by hand, iterated principal axis against a textbook loop in plain
numpy, factanal's start and psych's starts from their formulas, and the choice of the lowest start in
_fit_uniquenesses on toy objectives whose minima are known by hand."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from cmanalytics.psychometrics import extraction as ex
from cmanalytics.psychometrics import rotation as rot

EPS = np.finfo(float).eps

R4 = np.array(
    [
        [1.0, 0.6, 0.5, 0.3],
        [0.6, 1.0, 0.4, 0.35],
        [0.5, 0.4, 1.0, 0.25],
        [0.3, 0.35, 0.25, 1.0],
    ]
)


def _smc(r):
    # squared multiple correlation: 1 - 1 / diag(R^-1)
    return 1.0 - 1.0 / np.diag(np.linalg.inv(r))


def _paf_by_hand(r, k, tol, max_iter):
    # textbook iterated principal axis: SMC on the diagonal, rank-k eigen part, new communalities, until the
    # total communality changes by less than tol; returns (h2, iterations, converged)
    h2 = _smc(r)
    total = h2.sum()
    for it in range(1, max_iter + 1):
        s = r.copy()
        np.fill_diagonal(s, h2)
        w, v = np.linalg.eigh(s)
        w, v = w[::-1][:k], v[:, ::-1][:, :k]
        lo = v * np.sqrt(np.maximum(w, 0.0))
        h2 = (lo**2).sum(axis=1)
        if abs(h2.sum() - total) < tol:
            return h2, it, True
        total = h2.sum()
    return h2, max_iter, False


def test_principal_components_of_a_two_by_two_by_hand():
    # R = [[1, a], [a, 1]]: eigenvalues 1 + a, 1 - a with vectors (1, 1)/sqrt2, (1, -1)/sqrt2, so the first
    # component loads sqrt((1 + a)/2) on both items; communality (1 + a)/2.
    a = 0.44
    r = np.array([[1.0, a], [a, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ex.principal_components(r, 1)
    assert out.method == "pca"
    np.testing.assert_allclose(out.loadings, np.full((2, 1), np.sqrt(0.72)), rtol=1e-14)
    np.testing.assert_allclose(out.communalities, [0.72, 0.72], rtol=1e-14)
    assert out.iterations == 0 and type(out.iterations) is int
    assert out.converged is True
    assert out.clipped is False
    assert out.at_bound.dtype == bool and out.at_bound.shape == (2,) and not out.at_bound.any()


def test_principal_components_uses_the_decomposition_passed_and_floors_at_eps():
    # a decomposition given by hand (values 4 and -1, identity vectors) is used instead of R's own: the first
    # column loads sqrt(4) = 2 on item 1, the second is floored at machine epsilon, sqrt(eps) on item 2.
    r = np.eye(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ex.principal_components(r, 2, eig=(np.array([4.0, -1.0]), np.eye(2)))
    np.testing.assert_allclose(out.loadings, [[2.0, 0.0], [0.0, np.sqrt(EPS)]], rtol=1e-14, atol=0)
    np.testing.assert_allclose(out.communalities, [4.0, EPS], rtol=1e-14)


def test_principal_axis_to_convergence_against_a_textbook_loop():
    h2, it, conv = _paf_by_hand(R4, 1, 1e-12, 10_000)
    out = ex.principal_axis(R4, 1)
    assert out.method == "paf"
    assert conv and out.converged is True
    assert out.iterations == it
    np.testing.assert_allclose(out.communalities, h2, rtol=1e-10)
    assert out.clipped is False
    assert out.at_bound.dtype == bool and out.at_bound.shape == (4,) and not out.at_bound.any()
    # and with SPSS's tol = 0.001 the count of steps is the textbook loop's
    h2, it, conv = _paf_by_hand(R4, 1, 1e-3, 25)
    out = ex.principal_axis(R4, 1, max_iter=25, tol=1e-3)
    assert conv and out.iterations == it
    np.testing.assert_allclose(out.communalities, h2, rtol=1e-12)


def test_principal_axis_not_converged_and_identity():
    # one step only: not converged (the total moves by more than 1e-12 on R4)
    out = ex.principal_axis(R4, 1, max_iter=1)
    assert out.converged is False and out.iterations == 1
    # identity: SMC 0, reduced matrix 0, communalities stay 0: a change of 0 is below tol = 1 at step 1,
    # never below tol = 0; the retained eigenvalue is 0, not negative, so nothing is clipped
    out = ex.principal_axis(np.eye(3), 1, tol=1.0)
    assert out.converged is True and out.iterations == 1 and out.clipped is False
    out = ex.principal_axis(np.eye(3), 1, max_iter=4, tol=0.0)
    assert out.converged is False and out.iterations == 4 and out.clipped is False


def test_principal_axis_reports_a_clipped_eigenvalue():
    # one step with k = 2: clipped iff the second eigenvalue of R with SMC on the diagonal is negative
    s = R4.copy()
    np.fill_diagonal(s, _smc(R4))
    second = np.linalg.eigvalsh(s)[::-1][1]
    assert second < 0
    out = ex.principal_axis(R4, 2, max_iter=1)
    assert out.clipped is True


def test_ml_start_is_factanals_formula():
    # factanal: start = (1 - 0.5 k / p) / diag(R^-1)
    for k in (1, 2):
        expected = (1 - 0.5 * k / 4) / np.diag(np.linalg.inv(R4))
        np.testing.assert_allclose(ex.ml_start(R4, k), expected, rtol=1e-13)


def test_starts_from_their_formulas():
    smc = _smc(R4)
    got = ex._starts(R4, 2, "minres", 2, 7)
    rng = np.random.default_rng(7)
    expected = [1 - smc, (1 - 0.25) * (1 - smc), np.full(4, 0.5)] + [rng.uniform(0.1, 0.9, 4) for _ in range(2)]
    assert len(got) == 5
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-13)
    got = ex._starts(R4, 1, "wls", 0, 0)
    expected = [smc, (1 - 0.125) * (1 - smc), 1 - smc]
    assert len(got) == 3
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-13)
    got = ex._starts(R4, 1, "gls", 0, 0)
    for g, e in zip(got, expected, strict=True):  # gls starts as wls: SMC, factanal's, 1 - SMC
        np.testing.assert_allclose(g, e, rtol=1e-13)
    # identity: SMC 0, so the wls start (SMC) is raised to psych's lower bound 0.005
    got = ex._starts(np.eye(3), 1, "gls", 0, 0)
    np.testing.assert_array_equal(got[0], np.full(3, 0.005))
    # minres drops factanal's start and the flat one, keeps the seeded random ones
    got = ex._minres_starts(R4, 1, 1, 3)
    rng = np.random.default_rng(3)
    assert len(got) == 2
    np.testing.assert_allclose(got[0], 1 - smc, rtol=1e-13)
    np.testing.assert_allclose(got[1], rng.uniform(0.1, 0.9, 4), rtol=1e-13)


def _double_well(psi, r, k):
    # per item (psi - 0.2)^2 (psi - 0.8)^2 + 0.01 psi: two minima, the one near 0.2 is the lower
    f = float(np.sum((psi - 0.2) ** 2 * (psi - 0.8) ** 2 + 0.01 * psi))
    g = 2 * (psi - 0.2) * (psi - 0.8) ** 2 + 2 * (psi - 0.2) ** 2 * (psi - 0.8) + 0.01
    return f, g


def _bowl(psi, r, k):
    return float(np.sum((psi - 0.3) ** 2)), 2 * (psi - 0.3)


def test_fit_uniquenesses_keeps_the_lowest_start():
    r = np.eye(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown option name makes scipy warn
        psi, nit, conv, fun, values, grad = ex._fit_uniquenesses(
            _double_well, r, 1, 1000, [np.full(2, 0.15), np.full(2, 0.85)]
        )
    assert len(values) == 2 and values[0] < values[1]
    assert np.all(np.abs(psi - 0.2) < 0.05)  # the left well (its minimum is near 0.187), not the right (0.8)
    assert fun == values[0] and conv is True


def test_fit_uniquenesses_keeps_the_first_of_tied_starts():
    # the first start is the bowl's minimum itself: 0 iterations, value 0; the second reaches 0 up to
    # rounding, a tie within 1e-12, so the first is kept
    psi, nit, conv, fun, values, grad = ex._fit_uniquenesses(
        _bowl, np.eye(2), 1, 1000, [np.full(2, 0.3), np.full(2, 0.7)]
    )
    assert nit == 0 and fun == 0.0
    assert abs(values[1]) < 1e-12


def test_fit_uniquenesses_max_iter_is_passed():
    psi, nit, conv, fun, values, grad = ex._fit_uniquenesses(_double_well, np.eye(2), 1, 1, [np.full(2, 0.45)])
    assert nit == 1


# --- rotation: GPArotation references (tests/reference/mutants/make_extraction_rotation_2.R) ---

_REF = Path(__file__).resolve().parents[1] / "reference" / "mutants" / "extraction_rotation_2.json"
ROT = json.loads(_REF.read_text())
A = np.array(ROT["A"])


def test_oblimin_with_kaiser_normalization_is_gparotations():
    ref = ROT["oblimin_norm"]
    out = rot.rotate(A, "oblimin", gamma=0.3, normalize=True)
    assert out.method == "oblimin" and out.normalized is True and out.converged is True
    assert out.iterations == ref["iterations"]
    np.testing.assert_allclose(out.loadings, ref["loadings"], atol=1e-6)
    np.testing.assert_allclose(out.phi, ref["Phi"], atol=1e-6)
    np.testing.assert_allclose(out.criterion, ref["f"], rtol=1e-6)
    np.testing.assert_allclose(A @ out.rotmat, out.loadings, atol=1e-12)  # loadings = unrotated @ rotmat
    assert out.start_criteria == ()


def test_oblimin_with_gamma_1_is_gparotations():
    ref = ROT["oblimin_gam1"]
    out = rot.rotate(A, "oblimin", gamma=1.0, normalize=False, max_iter=20)
    assert out.normalized is False and out.iterations == ref["iterations"]
    np.testing.assert_allclose(out.loadings, ref["loadings"], atol=1e-8)
    np.testing.assert_allclose(out.criterion, ref["f"], rtol=1e-8)


def test_gpa_oblique_from_a_given_start_step_for_step():
    ref = ROT["start_maxit3"]
    lam, phi, t, it, conv, f = rot.gpa_oblique(
        A, rot._oblimin_criterion(0.0), normalize=False, max_iter=3, start=np.array(ROT["T0"])
    )
    assert conv is False and it == ref["iterations"]
    np.testing.assert_allclose(lam, ref["loadings"], atol=1e-10)
    np.testing.assert_allclose(t, ref["Th"], atol=1e-10)
    np.testing.assert_allclose(phi, ref["Phi"], atol=1e-10)


def test_rotate_passes_eps_to_gradient_projection():
    ref = ROT["eps3"]
    out = rot.rotate(A, "quartimin", normalize=False, eps=1e-3)
    assert out.converged is True and out.iterations == ref["iterations"]
    np.testing.assert_allclose(out.criterion, ref["f"], rtol=1e-8)


def test_orthogonal_rotation_records_its_arguments_and_passes_eps_and_max_iter():
    # the Rotation names the method and the normalization asked for
    out = rot.rotate(A, "quartimax", normalize=True)
    assert out.method == "quartimax" and out.normalized is True and out.phi is None
    # eps = 1000: the projected gradient of quartimax on A (loadings below 1) is far below it at the start,
    # so the identity is accepted at iteration 0
    out = rot.rotate(A, "quartimax", eps=1e3)
    assert out.converged is True and out.iterations == 0
    np.testing.assert_array_equal(out.rotmat, np.eye(2))
    # max_iter = 1: one step, not converged at the default eps
    out = rot.rotate(A, "quartimax", max_iter=1)
    assert out.converged is False and out.iterations == 1


def test_random_starts_are_used_and_reported():
    # two unconverged runs (max_iter = 2): from the identity and from the seeded random start; the second
    # criterion is gpa_oblique's from that start, and differs from the identity's
    out = rot.rotate(A, "quartimin", max_iter=2, random_starts=1, seed=4)
    assert len(out.start_criteria) == 2
    t0 = rot.random_start(2, np.random.default_rng(4))
    f1 = rot.gpa_oblique(A, rot._oblimin_criterion(0.0), normalize=False, max_iter=2, start=t0)[5]
    f0 = rot.gpa_oblique(A, rot._oblimin_criterion(0.0), normalize=False, max_iter=2)[5]
    assert out.start_criteria == (f0, f1) and f0 != f1


def test_random_starts_reaching_the_same_optimum_keep_the_identitys_solution():
    # quartimin on A has one optimum (up to column order and signs); every start converges to it, so the
    # identity's solution (R's) is kept bit for bit, as rotate's comment promises; a later start's solution
    # differs from it at least by rounding
    alone = rot.rotate(A, "quartimin")
    out = rot.rotate(A, "quartimin", random_starts=4, seed=2)
    assert alone.converged and out.converged and len(out.start_criteria) == 5
    np.testing.assert_allclose(out.start_criteria, alone.criterion, rtol=1e-6)
    np.testing.assert_array_equal(out.loadings, alone.loadings)
    t = rot.random_start(2, np.random.default_rng(2))
    other = rot.gpa_oblique(A, rot._oblimin_criterion(0.0), normalize=False, start=t)[0]
    assert not np.array_equal(other, alone.loadings)


@pytest.mark.parametrize(
    ("method", "key", "kwargs"),
    [
        ("cft", "cfT", {"kappa": 0.2}),
        ("cfq", "cfQ", {"kappa": 0.2}),
        ("simplimax", "simplimax3", {"n_small": 3}),
        ("targetq", "pstQ", {"target": np.array(ROT["Target"]), "weight": np.array(ROT["W"])}),
        ("quartimin", "eps3", {"gamma": 0.3, "eps": 1e-3}),  # quartimin ignores gamma: oblimin's gam = 0
    ],
)
def test_rotate_by_name_is_gparotations(method, key, kwargs):
    ref = ROT[key]
    out = rot.rotate(A, method, normalize=False, **kwargs)
    assert out.converged is True and out.iterations == ref["iterations"]
    np.testing.assert_allclose(out.loadings, ref["loadings"], atol=1e-8)
    np.testing.assert_allclose(out.criterion, ref["f"], rtol=1e-8, atol=1e-12)


def test_rotate_refuses_an_unknown_method_by_name():
    with pytest.raises(KeyError) as err:
        rot._criterion("nonsense", 6, 2, gamma=0.0, delta=0.01, kappa=None, target=None, weight=None, n_small=None)
    assert err.value.args == ("nonsense",)
