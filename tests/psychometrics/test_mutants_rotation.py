"""Tests written to kill mutants of cmanalytics/psychometrics/rotation.py (make mutants): the partially specified
target rotation given a weight matrix (GPArotation's pstT / pstQ with W), and varimax on a stack stopping, as
stats::varimax does, at 1000 iterations on a matrix that has not converged by then."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cmanalytics.psychometrics import rotation as rot
from tests.conftest import shared_scope
from tests.psychometrics.test_psych_parity import ROTATION_CASES, rotation_case

REFS = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope=shared_scope)
def parity():
    return json.loads((REFS / "psych_parity.json").read_text())


def mat(m):
    return np.array(m["values"], float)


@pytest.mark.parametrize("data", ["thurstone", "ability"])
@pytest.mark.parametrize("method,key", [("targett", "pstT"), ("targetq", "pstQ")])
def test_partially_specified_target_by_weight_matrix_as_gparotation(parity, data, method, key):
    """GPArotation's pstT / pstQ(A, W = W, Target = Target) (tests/reference/psych_parity.json, from
    tests/reference/make_psych_parity_reference.R): W is 1 where the target is specified (the small loadings)
    and 0 where the loading is free; the target holds +-1 there, which W must cancel. The same rotation is
    reached (1) with the full target and ``weight=W``, (2) with NaN at the free loadings and ``weight`` all
    ones, which the NaN must override. Both step for step as GPArotation, so to 1e-14 (reached 1e-15)."""
    d = parity[data]
    a, target, w = mat(d["unrotated"]), mat(d["target"]), mat(d["pst_weight"])
    r_out = d["rot"][key]
    assert (target[w == 0] != 0).any()  # the case this test is about: W has to cancel a nonzero target
    for opts in (
        {"target": target, "weight": w},
        {"target": np.where(w == 1, target, np.nan), "weight": np.ones_like(w)},
    ):
        res = rot.rotate(a, method, **opts)
        assert res.iterations == r_out["iterations"]
        np.testing.assert_allclose(res.loadings, mat(r_out["loadings"]), rtol=0, atol=1e-14)
        if "phi" in r_out:
            np.testing.assert_allclose(res.phi, mat(r_out["phi"]), rtol=0, atol=1e-14)
        assert res.criterion == pytest.approx(r_out["f"], rel=1e-13, abs=0)


def test_varimax_stack_stops_at_stats_varimax_cap():
    """stats::varimax on a 4 x 2 matrix that it has not rotated to convergence when it stops after its 1000
    iterations (R: tests/reference/mutants/make_extraction_rotation.R; run on, it converges after 1886). The
    update alternates between two rotations there, so the 1000th and 1001st differ in the first decimal:
    the stack, rotated with an ordinary matrix beside it, stops each at R's count, as varimax alone does."""
    ref = json.loads((REFS / "mutants" / "extraction_rotation.json").read_text())["slow_varimax"]
    a = np.array(ref["a"])
    want = np.array(ref["loadings"])
    assert np.abs(want - np.array(ref["converged_loadings"])).max() > 0.05  # the cap makes a difference
    other = np.array([[0.8, 0.1], [0.7, 0.2], [0.1, 0.9], [0.2, 0.6]])
    stack = rot.varimax_stack(np.stack([a, other]))
    np.testing.assert_allclose(stack[0], want, rtol=0, atol=1e-13)  # reached 1.4e-14
    z, _, iterations, converged = rot.varimax(a)
    assert iterations == 1000 and not converged
    np.testing.assert_allclose(z, want, rtol=0, atol=1e-13)
    np.testing.assert_allclose(stack[1], rot.varimax(other)[0], rtol=0, atol=1e-12)


@pytest.fixture(scope=shared_scope)
def thurstone_rot():
    """GPArotation / psych on Thurstone's minres loadings (tests/reference/mutants/make_extraction_rotation.R)."""
    return json.loads((REFS / "mutants" / "extraction_rotation.json").read_text())["rotations"]


def _agree(res, ref, tol=1e-14):
    np.testing.assert_allclose(res.loadings, np.array(ref["loadings"]), rtol=0, atol=tol)
    if "phi" in ref:
        np.testing.assert_allclose(res.phi, np.array(ref["phi"]), rtol=0, atol=tol)


@pytest.mark.parametrize("data", ["bfi", "harman", "thurstone", "ability"])
def test_criterion_at_the_solution_as_gparotation(parity, data):
    """The criterion value a rotation reports is GPArotation's f at its solution (the last row of its Table;
    psych's scale for bifactor and biquartimin), for every converged rotation of
    tests/reference/psych_parity.json. Orthogonal equamax in particular: a criterion that differs by a
    constant rotates the same, and only its value tells. Reached: 1e-15 relative."""
    d = parity[data]
    a = mat(d["unrotated"])
    checked = 0
    for key, r_out in d["rot"].items():
        if key not in ROTATION_CASES or not r_out["convergence"]:
            continue  # unconverged, GPArotation's Table holds f before the last step
        method, opts = rotation_case(d, key)
        res = rot.rotate(a, method, **opts)
        assert res.criterion == pytest.approx(r_out["f"], rel=1e-12, abs=0), key
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("method,key", [("quartimax", "quartimax_maxit5"), ("oblimin", "oblimin_maxit5")])
def test_rotation_stopped_at_max_iter_as_gparotation(thurstone_rot, method, key):
    """GPArotation's quartimax / oblimin(A, maxit = 5): unconverged after its 5 iterations (Table rows 0 to 5);
    the loadings where it stopped, to 1e-14 (reached 2e-15), and convergence FALSE."""
    ref = thurstone_rot[key]
    res = rot.rotate(np.array(thurstone_rot["a"]), method, max_iter=5)
    _agree(res, ref)
    assert res.iterations == ref["iterations"] == 5
    assert res.converged is False and ref["convergence"] is False


def test_promax_without_the_outer_kaiser_step_is_psych_promax(thurstone_rot):
    """``normalize=False``: no row normalization around promax, only the one stats::varimax makes inside;
    that is psych::Promax(A) (psych's fa(rotate = "promax") wraps it in kaiser(), the default here)."""
    res = rot.rotate(np.array(thurstone_rot["a"]), "promax", normalize=False)
    _agree(res, thurstone_rot["promax_raw"])


@pytest.mark.parametrize(
    "method,key,a",
    [
        ("quartimax", "quartimax_zero", "a_zero"),
        ("oblimin", "oblimin_zero", "a_zero"),
        ("quartimax", "quartimax_zero_column", "a_zero_column"),
    ],
)
def test_rotation_of_a_matrix_with_exact_zero_loadings(thurstone_rot, method, key, a):
    """One loading exactly 0, or a factor with no loading at all (the criterion's gradient divides by nothing
    there): GPArotation's quartimax / oblimin, to 1e-14 (reached 1.3e-15), with its iteration count and
    criterion."""
    ref = thurstone_rot[key]
    res = rot.rotate(np.array(thurstone_rot[a]), method)
    _agree(res, ref)
    assert res.iterations == ref["iterations"] and res.converged
    assert res.criterion == pytest.approx(ref["f"], rel=1e-12, abs=0)


def test_oblique_crawford_ferguson_as_gparotation(thurstone_rot):
    """GPArotation::cfQ(A, kappa = 0.2): loadings, Phi, iterations and criterion."""
    ref = thurstone_rot["cfq_02"]
    res = rot.rotate(np.array(thurstone_rot["a"]), "cfq", kappa=0.2)
    _agree(res, ref)
    assert res.iterations == ref["iterations"] and res.converged
    assert res.criterion == pytest.approx(ref["f"], rel=1e-12, abs=0)
