"""Mutation tests for efa: column names, loadings, initial communalities and the variance table against psych
2.2.9 (tests/reference/mutants/efa_reference.json, made by make_efa_reference.R on R's attitude data), one
step of principal axis factoring by hand (tol large enough to stop after the first step), the clipped
eigenvalue's warning, and the refusals of efa's arguments word for word."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, SingularityWarning
from tests.conftest import shared_scope

REF = Path(__file__).resolve().parents[1] / "reference" / "mutants" / "efa_reference.json"


def _raises(text):
    return pytest.raises(ArgumentError, match="^" + re.escape(text) + "$")


@pytest.fixture(scope=shared_scope)
def ref():
    return json.loads(REF.read_text())


@pytest.fixture(scope=shared_scope)
def x(ref):
    from tests.conftest import REFERENCE

    return pd.read_csv(REFERENCE / "attitude.csv")


def _mat(m):
    return np.array(m["values"], float)


def _fit(x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cma.efa(x, **kw)


def test_components_named_and_valued_as_psych(x, ref):
    """principal(x, 2, rotate='varimax') names its columns RC1, RC2; unrotated PC1, PC2 (psych); the
    initial communalities of components are 1, of factors the squared multiple correlations (psych's smc)."""
    rot = _fit(x, n_factors=2, method="pca", rotation="varimax")
    want = ref["pc_varimax"]["loadings"]
    assert list(rot.loadings.columns) == want["cols"] == ["RC1", "RC2"]
    assert list(rot.loadings.index) == want["rows"]
    np.testing.assert_allclose(rot.loadings.to_numpy(), _mat(want), atol=2e-14)
    assert list(rot.unrotated.columns) == ref["pc_none"]["loadings"]["cols"] == ["PC1", "PC2"]
    np.testing.assert_allclose(rot.unrotated.to_numpy(), _mat(ref["pc_none"]["loadings"]), atol=1e-14)
    np.testing.assert_array_equal(rot.initial_communalities.to_numpy(), np.ones(7))
    none = _fit(x, n_factors=2, method="pca", rotation=None)
    assert list(none.loadings.columns) == ["PC1", "PC2"]
    pa = _fit(x, n_factors=2, method="paf", rotation="varimax")
    assert list(pa.loadings.columns) == ref["pa_varimax"]["loadings"]["cols"] == ["PA1", "PA2"]
    np.testing.assert_allclose(pa.initial_communalities.to_numpy(), ref["smc"], rtol=5e-15)
    mr = _fit(x, n_factors=2, method="minres", rotation="oblimin")
    want = ref["minres_oblimin"]
    assert list(mr.loadings.columns) == want["loadings"]["cols"] == ["MR1", "MR2"]
    np.testing.assert_allclose(mr.loadings.to_numpy(), _mat(want["loadings"]), atol=4e-5)
    np.testing.assert_allclose(mr.phi.to_numpy(), _mat(want["phi"]), atol=2e-5)


def test_variance_explained_as_psych(x, ref):
    """SPSS's Total Variance Explained against psych: eigenvalues, and the rotation sums of squares with
    psych's Vaccounted (SS loadings; Proportion Var and Cumulative Var times 100); beyond the factors NaN;
    an oblique rotation gives the totals of the structure matrix only."""
    res = _fit(x, n_factors=2, method="minres", rotation="varimax")
    t = res.variance_explained
    blocks = ["Initial Eigenvalues", "Extraction Sums of Squared Loadings", "Rotation Sums of Squared Loadings"]
    assert list(t.columns) == [(b, c) for b in blocks for c in ("Total", "% of Variance", "Cumulative %")]
    assert list(t.index) == list(range(1, 8)) and t.index.name == "Component"
    ev = np.array(ref["eigenvalues"])
    np.testing.assert_allclose(t[(blocks[0], "Total")], ev, rtol=1e-12)
    np.testing.assert_allclose(t[(blocks[0], "% of Variance")], 100 * ev / 7, rtol=1e-12)
    np.testing.assert_allclose(t[(blocks[0], "Cumulative %")], 100 * np.cumsum(ev) / 7, rtol=1e-12)
    va = _mat(ref["minres_varimax"]["vaccounted"])
    rot = t[blocks[2]].to_numpy()
    np.testing.assert_allclose(rot[:2, 0], va[0], rtol=1e-5)
    np.testing.assert_allclose(rot[:2, 1], 100 * va[1], rtol=1e-5)
    np.testing.assert_allclose(rot[:2, 2], 100 * va[2], rtol=1e-5)
    assert np.isnan(rot[2:]).all() and np.isnan(t[blocks[1]].to_numpy()[2:]).all()
    # extraction block: its total is the rotation's (an orthogonal rotation keeps the sum)
    ext = t[blocks[1]].to_numpy()
    assert ext[:2, 0].sum() == pytest.approx(va[0].sum(), rel=1e-5)
    assert ext[1, 2] == pytest.approx(100 * va[0].sum() / 7, rel=1e-5)
    ob = _fit(x, n_factors=2, method="minres", rotation="oblimin").variance_explained
    assert list(ob.columns)[-1] == (blocks[2], "Total") and len(ob.columns) == 7
    s = _mat(ref["minres_oblimin"]["structure"])
    np.testing.assert_allclose(ob[(blocks[2], "Total")].to_numpy()[:2], (s**2).sum(axis=0), rtol=1e-5)
    assert ob[(blocks[2], "Total")].iloc[2:].isna().all()


def test_paf_one_step_by_hand(x):
    """tol=10 stops principal axis factoring after its first step: the loadings are the two leading
    eigenvectors of R with the squared multiple correlations on its diagonal, times the square roots of
    their eigenvalues, each column signed to a positive sum (by hand with numpy)."""
    r = x.corr().to_numpy()
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    rr = r.copy()
    np.fill_diagonal(rr, smc)
    val, vec = np.linalg.eigh(rr)
    lam = vec[:, ::-1][:, :2] * np.sqrt(val[::-1][:2])
    lam = lam * np.sign(lam.sum(axis=0))
    res = _fit(x, n_factors=2, method="paf", rotation=None, tol=10.0)
    np.testing.assert_allclose(res.loadings.to_numpy(), lam, atol=1e-12)
    assert res.iterations["extraction"] == 1


def test_a_clipped_eigenvalue_is_a_singularity_warning(x):
    """Five factors from seven items after one step of PAF: the fifth eigenvalue of the reduced matrix (SMC on
    the diagonal) is negative (-0.087 by hand), set to 0 and said as a SingularityWarning."""
    r = x.corr().to_numpy()
    rr = r.copy()
    np.fill_diagonal(rr, 1 - 1 / np.diag(np.linalg.inv(r)))
    assert np.linalg.eigvalsh(rr)[::-1][4] < 0
    text = (
        "a retained eigenvalue of the reduced correlation matrix was not positive and was set to 0; "
        "too many factors are being extracted."
    )
    with pytest.warns(SingularityWarning, match="^" + re.escape(text) + "$"):
        res = cma.efa(x, n_factors=5, method="paf", tol=10.0, rotation=None)
    assert res.warnings == (text,)


def test_efa_refusals_word_for_word(x):
    """Each refusal of efa's arguments and of a rotation's own options, its whole text."""
    rot_list = (
        "varimax, quartimax, equamax, geominT, targetT, pstT, bifactor, promax, oblimin, "
        "quartimin, geominQ, targetQ, pstQ, biquartimin, simplimax."
    )
    t22 = np.full((7, 2), np.nan)
    t22[0, 0] = 0
    cases = [
        (
            dict(method="foo"),
            "method='foo' is not an extraction method; choose one of "
            "'pca', 'paf', 'minres', 'uls', 'ml', 'wls', 'gls'.",
        ),
        (dict(rotation="spin"), "rotation='spin' is not available; choose None or one of " + rot_list),
        (
            dict(method="pca", max_iter=5),
            "max_iter applies to the iterative extractions (paf, minres, ml, wls, "
            "gls); principal components are computed in one step. Leave it out or choose another method.",
        ),
        (
            dict(method="pca", tol=1e-3),
            "tol applies to the iterative extractions (paf, minres, ml, wls, gls); "
            "principal components are computed in one step. Leave it out or choose another method.",
        ),
        (
            dict(rotation=None, gamma=0.5),
            "gamma is an option of the rotation, and rotation=None: give a rotation or leave gamma out.",
        ),
        (
            dict(rotation=None, normalize=True),
            "normalize is an option of the rotation, and rotation=None: give a rotation or leave normalize out.",
        ),
        (
            dict(rotation=None, rotation_max_iter=50),
            "rotation_max_iter is an option of the rotation, and rotation=None: give a rotation or leave it out.",
        ),
        (
            dict(rotation="varimax", gamma=0.5),
            "gamma is an argument of the oblimin rotation, not of rotation='varimax'.",
        ),
        (
            dict(rotation="oblimin", delta=0.5),
            "delta is an argument of the geomint/geominq rotation, not of rotation='oblimin'.",
        ),
        (
            dict(rotation="oblimin", target=t22),
            "target is an argument of the targett/targetq rotation, not of rotation='oblimin'.",
        ),
        (
            dict(rotation="oblimin", n_small=3),
            "n_small is an argument of the simplimax rotation, not of rotation='oblimin'.",
        ),
        (dict(rotation="targetT"), "a target rotation needs target= (items x factors; NaN where a loading is free)."),
        (dict(rotation="targetQ", target=np.zeros((7, 3))), "target must be 7 items x 2 factors; got (7, 3)."),
        (
            dict(rotation="targetT", target=np.full((7, 2), np.nan)),
            "target leaves every loading free; specify at least one.",
        ),
        (
            dict(rotation="bifactor"),
            "the bifactor rotation needs a general and at least two group factors (n_factors >= 3).",
        ),
        (
            dict(rotation="biquartimin"),
            "the biquartimin rotation needs a general and at least two group factors (n_factors >= 3).",
        ),
        (dict(rotation="geominQ", delta=0), "delta must be positive; got 0."),
        (dict(rotation="simplimax", n_small=15), "n_small must be a whole number from 1 to 14; got 15."),
        (dict(rotation="simplimax", n_small=0), "n_small must be a whole number from 1 to 14; got 0."),
        (dict(rotation="oblimin", random_starts=-1), "random_starts must be a whole number of at least 0; got -1."),
        (
            dict(rotation="varimax", random_starts=2),
            "random_starts applies to the gradient projection rotations, not to varimax.",
        ),
        (
            dict(rotation="promax", random_starts=2),
            "random_starts applies to the gradient projection rotations, not to promax.",
        ),
    ]
    for kw, text in cases:
        kw = {"n_factors": 2, **kw}
        with _raises(text):
            cma.efa(x, **kw)


def test_rotation_options_are_honoured(x):
    """The options a rotation owns are taken: gamma by oblimin (gamma 0 is quartimin: the same solution),
    random_starts=0 by varimax, n_small at its bound (items x factors) by simplimax, a target from a
    DataFrame by item name (reordered rows give the same rotation)."""
    a = _fit(x, n_factors=2, method="minres", rotation="oblimin", gamma=0.0)
    b = _fit(x, n_factors=2, method="minres", rotation="quartimin")
    np.testing.assert_allclose(a.loadings.to_numpy(), b.loadings.to_numpy(), atol=1e-6)
    c = _fit(x, n_factors=2, method="minres", rotation="oblimin", gamma=0.5)
    assert np.abs(c.loadings.to_numpy() - a.loadings.to_numpy()).max() > 1e-3
    _fit(x, n_factors=2, method="minres", rotation="varimax", random_starts=0)
    _fit(x, n_factors=2, method="minres", rotation="simplimax", n_small=14)
    tgt = np.full((7, 2), np.nan)
    tgt[5, 0] = 0.0
    tgt[0, 1] = 0.0
    frame = pd.DataFrame(tgt, index=list(x.columns), columns=["a", "b"])
    t1 = _fit(x, n_factors=2, method="minres", rotation="targetT", target=tgt)
    t2 = _fit(x, n_factors=2, method="minres", rotation="targetT", target=frame.iloc[::-1])
    np.testing.assert_allclose(t1.loadings.to_numpy(), t2.loadings.to_numpy(), atol=1e-10)


def test_max_iter_reaches_the_extraction_and_rotation_max_iter_default_is_taken(x):
    """max_iter stops principal axis factoring after 3 steps (it needs hundreds here), said in a
    ConvergenceWarning word for word; rotation_max_iter at its default (1000) is taken without a rotation."""
    from cmanalytics.errors import ConvergenceWarning

    text = (
        "Principal Axis Factoring did not converge in 3 iterations; the loadings are not a solution. "
        "Increase max_iter or extract fewer factors."
    )
    with pytest.warns(ConvergenceWarning, match="^" + re.escape(text) + "$"):
        res = cma.efa(x, n_factors=2, method="paf", rotation=None, max_iter=3)
    assert res.iterations["extraction"] == 3 and res.warnings == (text,)
    res = cma.efa(x, n_factors=2, method="paf", rotation=None, rotation_max_iter=1000)
    assert res.rotation is None and res.iterations["rotation"] == 0


def test_heywood_case_names_the_item():
    """One factor of three items with r_ab = r_ac = .8 and r_bc = .5: by hand the loading of a is
    sqrt(r_ab r_ac / r_bc) = sqrt(1.28) > 1, a Heywood case; the warning names item a, word for word."""
    from cmanalytics.errors import HeywoodWarning

    r = pd.DataFrame([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]], index=list("abc"), columns=list("abc"))
    text = (
        "Heywood case: item(s) a reached a communality of 1 or more (uniqueness at its bound); the solution "
        "is improper. Extract fewer factors or drop the item."
    )
    with pytest.warns(HeywoodWarning, match="^" + re.escape(text) + "$"):
        res = cma.efa(corr=r, n_obs=200, n_factors=1, method="minres", rotation=None)
    assert res.warnings == (text,)


def test_fit_statistics_and_result_fields_as_psych(x, ref):
    """fa(attitude, 2, fm='minres', rotate='varimax')'s fit as psych reports it (objective, STATISTIC, dof,
    PVAL, RMSEA, TLI, BIC, null.chisq, null.dof, rms, crms), under this package's names; components have no
    fit (None); a two-factor rotation is named; iterations under its three names; delta below 1 is taken."""
    res = _fit(x, n_factors=2, method="minres", rotation="varimax")
    want = ref["minres_varimax"]["fit"]
    f = res.fit
    assert list(f) == [
        "objective",
        "chi2",
        "df",
        "p_value",
        "rmsea",
        "tli",
        "bic",
        "null_chi2",
        "null_df",
        "rmsr",
        "crms",
        "n_residuals_above_05",
        "n_residuals",
        "criterion",
        "rotation_criterion",
    ]
    for name in ("objective", "chi2", "p_value", "tli", "bic", "rmsr", "crms"):
        assert f[name] == pytest.approx(want[name], rel=5e-6), name
    assert f["df"] == want["df"] == 8 and f["null_df"] == want["null_df"] == 21
    assert f["null_chi2"] == pytest.approx(want["null_chi2"], rel=1e-12)
    assert f["rmsea"] == want["rmsea"] == 0
    assert f["n_residuals"] == 21  # 7 items: 21 correlations off the diagonal
    assert res.rotation == "varimax" and res.method == "minres" and res.n_factors == 2
    assert list(res.iterations) == ["extraction", "rotation", "normalized"]
    assert res.iterations["normalized"] is True
    assert _fit(x, n_factors=2, method="pca", rotation="varimax").fit is None
    geo = _fit(x, n_factors=2, method="minres", rotation="geominQ", delta=0.5)
    assert geo.rotation == "geominq"


def test_no_diagnostics_where_none_belong(x):
    """All seven components reproduce every item (communality 1, by construction of a full eigendecomposition):
    not a Heywood case, which is a property of factor models; three minres starts that agree (attitude's two
    factors) are not a disagreement. Neither warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = cma.efa(x, n_factors=7, method="pca", rotation=None)
        starts = cma.efa(x, n_factors=2, method="minres", rotation=None, n_starts=3)
    np.testing.assert_allclose(full.communalities.to_numpy(), np.ones(7), atol=1e-14)
    assert full.warnings == () and starts.warnings == ()


def test_rotation_none_as_a_string(x):
    """rotation='none' (any case, as R writes rotate = "none") is no rotation: the unrotated loadings."""
    plain = _fit(x, n_factors=2, method="minres", rotation=None)
    for name in ("none", "None"):
        res = _fit(x, n_factors=2, method="minres", rotation=name)
        assert res.rotation is None
        np.testing.assert_array_equal(res.loadings.to_numpy(), plain.loadings.to_numpy())
