"""Mutation tests (numerics, part 3): efa passes normalize= to the rotation (stats::varimax without Kaiser
normalization and GPArotation::oblimin with it, tests/reference/mutants/numerics3_efa_normalize.json made by
numerics3_efa_normalize.R), and cor_smooth's check of a square symmetric matrix (an asymmetry of 1e-4 or more
refused, word for word; one of 1e-11, rounding, taken) with its smoothing by hand from psych::cor.smooth's steps."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, ConvergenceWarning, SingularityWarning
from tests.conftest import REFERENCE, match_columns, shared_scope

HERE = Path(__file__).resolve().parents[1] / "reference" / "mutants"


@pytest.fixture(scope=shared_scope)
def hs_normalize():
    hs = pd.read_csv(REFERENCE / "holzinger_swineford_1939.csv")
    return hs, json.loads((HERE / "numerics3_efa_normalize.json").read_text())


def test_efa_varimax_without_normalization_as_stats_varimax(hs_normalize):
    hs, ref = hs_normalize
    want = np.array(ref["varimax_raw"])
    res = cma.efa(hs, n_factors=3, method="pca", rotation="varimax", normalize=False)
    got, _, _ = match_columns(res.loadings.to_numpy(), want)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
    assert res.iterations["normalized"] is False
    # the default (Kaiser normalization, psych's) is another solution
    default = cma.efa(hs, n_factors=3, method="pca", rotation="varimax")
    assert default.iterations["normalized"] is True
    assert np.abs(match_columns(default.loadings.to_numpy(), want)[0] - want).max() > 0.02


def test_efa_oblimin_with_normalization_as_gparotation(hs_normalize):
    hs, ref = hs_normalize
    want = np.array(ref["oblimin_normalized"])
    res = cma.efa(hs, n_factors=3, method="pca", rotation="oblimin", normalize=True)
    got, perm, signs = match_columns(res.loadings.to_numpy(), want)
    np.testing.assert_allclose(got, want, rtol=0, atol=3e-5)
    phi = res.phi.to_numpy()[np.ix_(perm, perm)] * np.outer(signs, signs)
    np.testing.assert_allclose(phi, np.array(ref["oblimin_normalized_phi"]), rtol=0, atol=3e-5)
    assert res.iterations["normalized"] is True
    default = cma.efa(hs, n_factors=3, method="pca", rotation="oblimin")
    assert default.iterations["normalized"] is False
    assert np.abs(match_columns(default.loadings.to_numpy(), want)[0] - want).max() > 0.02


REFUSAL = "^" + re.escape("cor_smooth needs a square symmetric correlation matrix.") + "$"


def _indefinite():
    return np.array([[1.0, 0.9, 0.9], [0.9, 1.0, -0.6], [0.9, -0.6, 1.0]])


def test_cor_smooth_refuses_what_is_not_square_and_symmetric():
    r = _indefinite()
    for bad in (np.ones(3), np.ones((2, 3)), np.ones((2, 2, 2))):
        with pytest.raises(ArgumentError, match=REFUSAL):
            cma.cor_smooth(bad)
    for gap in (0.5, 0.05, 1e-4):
        a = r.copy()
        a[0, 1] += gap
        with pytest.raises(ArgumentError, match=REFUSAL):
            cma.cor_smooth(a)
        with pytest.raises(ArgumentError, match=REFUSAL):
            cma.cor_smooth(pd.DataFrame(a))


def test_cor_smooth_takes_a_rounding_asymmetry_and_smooths_by_hand():
    """An asymmetry of 1e-11 is rounding: taken. The smoothing by psych::cor.smooth's steps: eigenvalues below
    1e-12 set to 1e-10, rescaled to sum to p, V diag V', then to a unit diagonal."""
    r = _indefinite()
    a = r.copy()
    a[0, 1] += 1e-11
    lam, vec = np.linalg.eigh(r)
    assert lam[0] < 0
    lam = np.where(lam < 1e-12, 1e-10, lam)
    lam = lam * 3 / lam.sum()
    s = vec @ np.diag(lam) @ vec.T
    want = s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
    record: list = []
    with pytest.warns(SingularityWarning, match="^the matrix was not positive definite"):
        got = cma.cor_smooth(a, warnings=record)
    np.testing.assert_allclose(got, want, rtol=0, atol=5e-15)
    assert len(record) == 1
    assert record[0] == (
        f"the matrix was not positive definite (smallest eigenvalue {np.linalg.eigvalsh(a)[0]:.3g}); it was "
        "smoothed as psych::cor.smooth does."
    )
    # positive definite: returned as given, no warning
    good = np.array([[1.0, 0.3], [0.3, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(cma.cor_smooth(good), good)


def geomin_by_hand(lam, delta=0.01):
    """GPArotation's geomin criterion: the sum over items of (prod_j (l_ij^2 + delta))^(1/k)."""
    return float((np.prod(lam**2 + delta, axis=1) ** (1 / lam.shape[1])).sum())


def test_random_start_better_than_rs_start_said_word_for_word():
    """Harman's eight physical variables, minres, geominT: psych's solution (the identity start; psych_parity.json)
    has criterion 1.42372 by hand, the random start kept here 1.37478 (by hand from its loadings); the warning
    gives both and says which one R prints, word for word, and is kept on the result."""
    ref = json.loads((HERE.parent / "psych_parity.json").read_text())
    d = ref["harman"]
    c = np.array(d["corr"]["values"], float)
    r_start = geomin_by_hand(np.array(d["fa_minres_geominT"]["loadings"]["values"], float))
    with pytest.warns(ConvergenceWarning) as caught:
        res = cma.efa(corr=c, n_obs=d["n"], n_factors=d["k"], method="minres", rotation="geominT")
    kept = geomin_by_hand(res.loadings.to_numpy())
    text = (
        f"the geominT rotation from the identity (R's start) ended at criterion {r_start:.6g}; a random start "
        f"reached {kept:.6g}, which is kept (R's printout shows the other solution)."
    )
    assert f"{r_start:.6g}" == "1.42372" and f"{kept:.6g}" == "1.37478"
    assert [str(w.message) for w in caught] == [text]
    assert res.warnings == (text,)


def test_bootstrap_passes_foreign_warnings_on_with_their_category(monkeypatch):
    """A warning that is not the package's (here a RuntimeWarning and a FutureWarning raised inside each
    resample's alpha) is warned again, with its own category and words, once per resample; the package's
    own diagnostics are counted instead (none here)."""
    from cmanalytics.psychometrics import resampling

    original = resampling.cronbach_alpha

    def noisy(m):
        warnings.warn("foreign runtime note", RuntimeWarning, stacklevel=2)
        warnings.warn("foreign future note", FutureWarning, stacklevel=2)
        return original(m)

    monkeypatch.setattr(resampling, "cronbach_alpha", noisy)
    rng = np.random.default_rng(3)
    f = rng.standard_normal((80, 2))
    x = pd.DataFrame(
        f @ np.array([[0.8, 0.7, 0.6, 0, 0, 0], [0, 0, 0, 0.8, 0.7, 0.6]]) + rng.standard_normal((80, 6)) * 0.5
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.bootstrap(x, 2, n_boot=5, method="paf", seed=1)
    runtime = [w for w in caught if w.category is RuntimeWarning]
    future = [w for w in caught if w.category is FutureWarning]
    assert [str(w.message) for w in runtime] == ["foreign runtime note"] * 6  # the full-data fit and 5 resamples
    assert [str(w.message) for w in future] == ["foreign future note"] * 6
    assert res.warnings == ()


def test_rotation_messages_word_for_word(hs_normalize):
    """One factor: the rotation is not applied, said with the base CmanalyticsWarning; a rotation stopped
    after two iterations: a ConvergenceWarning naming it (GPArotation's name, geominT, for 'geomint'), both
    kept on the result."""
    from cmanalytics.errors import CmanalyticsWarning

    hs, _ = hs_normalize
    one = "only one factor was extracted, so the varimax rotation was not applied."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.efa(hs, n_factors=1, method="pca", rotation="varimax")
    assert [(w.category, str(w.message)) for w in caught] == [(CmanalyticsWarning, one)]
    assert res.warnings == (one,) and res.rotation_matrix is None
    for rotation, label in (("oblimin", "oblimin"), ("geomint", "geominT")):
        text = (
            f"the {label} rotation did not converge in 2 iterations; the rotated loadings are not at the "
            "criterion's optimum."
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = cma.efa(hs, n_factors=3, method="pca", rotation=rotation, rotation_max_iter=2, random_starts=0)
        assert [(w.category, str(w.message)) for w in caught] == [(ConvergenceWarning, text)]
        assert res.warnings == (text,)


def test_rotation_matrix_turns_the_unrotated_loadings_into_the_rotated(hs_normalize):
    """Varimax (orthogonal): the unrotated loadings are psych::principal's (up to column signs), the rotation
    matrix is orthonormal and carries them to the rotated loadings, in psych's column order and signs."""
    hs, ref = hs_normalize
    res = cma.efa(hs, n_factors=3, method="pca", rotation="varimax", normalize=False)
    unrot = res.unrotated.to_numpy()
    want = np.array(ref["unrotated"])
    np.testing.assert_allclose(np.abs(unrot), np.abs(want), rtol=0, atol=1e-14)
    t = res.rotation_matrix.to_numpy()
    assert list(res.rotation_matrix.columns) == list(res.loadings.columns)
    np.testing.assert_allclose(t.T @ t, np.eye(3), rtol=0, atol=1e-14)
    np.testing.assert_allclose(unrot @ t, res.loadings.to_numpy(), rtol=0, atol=1e-14)


def test_cor_smooth_returns_floats_and_keeps_labels():
    """A positive definite integer matrix comes back as floats; a positive definite DataFrame as a copy with
    its labels; a smoothed DataFrame with its labels and the values by hand."""
    out = cma.cor_smooth(np.eye(3, dtype=int))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.eye(3))
    good = pd.DataFrame([[1.0, 0.3], [0.3, 1.0]], index=["x", "y"], columns=["x", "y"])
    back = cma.cor_smooth(good)
    assert isinstance(back, pd.DataFrame) and back is not good
    pd.testing.assert_frame_equal(back, good)
    r = _indefinite()
    lam, vec = np.linalg.eigh(r)
    lam = np.where(lam < 1e-12, 1e-10, lam)
    s = vec @ np.diag(lam * 3 / lam.sum()) @ vec.T
    want = s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
    frame = pd.DataFrame(r, index=list("abc"), columns=list("abc"))
    with pytest.warns(SingularityWarning):
        got = cma.cor_smooth(frame)
    assert list(got.index) == list("abc") and list(got.columns) == list("abc")
    np.testing.assert_allclose(got.to_numpy(), want, rtol=0, atol=1e-15)
