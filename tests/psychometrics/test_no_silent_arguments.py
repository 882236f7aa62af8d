"""No silent arguments: every argument of the public numerics is honoured or refused with an ArgumentError
that names it. Each case below passes an argument where it cannot apply (a policy to items already prepared
under another, or to a correlation matrix; a rotation's option without a rotation; a bootstrap's option
without a bootstrap; a scale to ordinal alpha) and expects the refusal; the controls show the same
arguments honoured where they apply."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, CmanalyticsWarning

REF = Path(__file__).resolve().parents[1] / "reference"
HOLES = pd.read_csv(REF / "likert_missing.csv")  # 160 rows, 93 complete: the two policies differ
ORDINAL = pd.read_csv(REF / "ordinal_300x8.csv")
LISTWISE = cma.prepare(HOLES)
PAIRWISE = cma.prepare(HOLES, missing="pairwise")
POLY = cma.prepare(ORDINAL, method="polychoric")
R = LISTWISE.corr
N = LISTWISE.n_obs

# the entry points that take raw responses, prepared items or a correlation matrix
GATHERED = {
    "kmo": cma.kmo,
    "bartlett": cma.bartlett,
    "anti_image": cma.anti_image,
    "smc": cma.smc,
    "determinant": cma.determinant,
    "efa": lambda *a, **k: cma.efa(*a, n_factors=2, **k),
    "parallel_analysis": lambda *a, **k: cma.parallel_analysis(*a, n_iter=5, seed=1, **k),
    "velicer_map": cma.velicer_map,
    "guttman": cma.guttman,
    "split_half": cma.split_half,
    "harman": cma.harman,
    "omega": lambda *a, **k: cma.omega(*a, n_factors=2, **k),
}

CASES = [
    *[
        (f"{name}: prepared listwise, missing='pairwise'", "missing='", lambda f=f: f(LISTWISE, missing="pairwise"))
        for name, f in GATHERED.items()
    ],
    *[
        (f"{name}: prepared pairwise, missing='listwise'", "missing='", lambda f=f: f(PAIRWISE, missing="listwise"))
        for name, f in GATHERED.items()
    ],
    *[
        (f"{name}: corr=, missing='listwise'", "missing='", lambda f=f: f(corr=R, n_obs=N, missing="listwise"))
        for name, f in GATHERED.items()
    ],
    (
        "cronbach_alpha: prepared listwise, missing='pairwise'",
        "missing='",
        lambda: cma.cronbach_alpha(LISTWISE, missing="pairwise"),
    ),
    ("cronbach_alpha: ordinal, missing='pairwise'", "missing='", lambda: cma.cronbach_alpha(POLY, missing="pairwise")),
    ("prepare: prepared, missing='pairwise'", "missing='", lambda: cma.prepare(LISTWISE, missing="pairwise")),
    ("correlation: prepared, missing='pairwise'", "missing='", lambda: cma.correlation(LISTWISE, missing="pairwise")),
    ("cronbach_alpha: ordinal with scale", "scale", lambda: cma.cronbach_alpha(POLY, reverse=["i1"], scale=(1, 5))),
    ("cronbach_alpha: scale without reverse", "scale", lambda: cma.cronbach_alpha(HOLES, scale=(1, 5))),
    ("cronbach_alpha: ordinal, scale without reverse", "scale", lambda: cma.cronbach_alpha(POLY, scale=(1, 5))),
    *[
        (
            f"efa: rotation=None with {name}",
            name,
            lambda name=name, v=v: cma.efa(HOLES, n_factors=2, rotation=None, **{name: v}),
        )
        for name, v in [
            ("normalize", True),
            ("gamma", 0.5),
            ("delta", 0.1),
            ("n_small", 3),
            ("random_starts", 5),
            ("rotation_max_iter", 50),
            ("target", np.zeros((8, 2))),
        ]
    ],
    ("efa: pca with max_iter", "max_iter", lambda: cma.efa(HOLES, n_factors=2, method="pca", max_iter=50)),
    ("efa: pca with tol", "tol", lambda: cma.efa(HOLES, n_factors=2, method="pca", tol=1e-6)),
    ("efa: pca with n_starts", "n_starts", lambda: cma.efa(HOLES, n_factors=2, method="pca", n_starts=3)),
    ("efa: varimax with gamma", "gamma", lambda: cma.efa(HOLES, n_factors=2, rotation="varimax", gamma=0.5)),
    ("omega: option with three factors", "option", lambda: cma.omega(HOLES, n_factors=3, option="first")),
    ("omega: seed without a bootstrap", "seed", lambda: cma.omega(HOLES, n_factors=2, seed=1)),
    ("omega: ci without a bootstrap", "ci", lambda: cma.omega(HOLES, n_factors=2, ci=0.9)),
    ("prepare: polychoric's option with pearson", "correct", lambda: cma.prepare(HOLES, correct=0.5)),
    ("icc: ci as text", "ci", lambda: cma.icc(HOLES, ci="0.9")),
]


@pytest.mark.parametrize("case, argument, call", CASES, ids=[c[0] for c in CASES])
def test_inapplicable_argument_is_refused_by_name(case, argument, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CmanalyticsWarning)
        with pytest.raises(ArgumentError, match=argument):
            call()


def test_a_policy_that_agrees_with_the_prepared_one_is_honoured():
    # the prepared items' own policy, restated, gives the raw data's figures under that policy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CmanalyticsWarning)
        for policy, prepared in (("pairwise", PAIRWISE), ("listwise", LISTWISE)):
            direct = cma.kmo(HOLES, missing=policy).overall
            assert cma.kmo(prepared, missing=policy).overall == direct
            assert cma.kmo(prepared).overall == direct
            a = cma.cronbach_alpha(prepared, missing=policy)
            assert a.alpha == cma.cronbach_alpha(HOLES, missing=policy).alpha
            assert a.missing == policy
        # the two policies differ on these data, so the refusals above are not about equal numbers
        assert cma.kmo(PAIRWISE).overall != pytest.approx(cma.kmo(LISTWISE).overall, abs=1e-6)
        # left out, missing= is listwise for raw data and for a correlation matrix nothing at all
        assert cma.kmo(HOLES).n_obs == 93
        assert cma.kmo(corr=R, n_obs=N).overall == pytest.approx(cma.kmo(LISTWISE).overall, abs=1e-12)


def test_ordinal_alpha_honours_reverse_without_scale():
    # reversing item i1 negates its polychoric correlations (the thresholds mirror): by hand from the matrix
    r = POLY.corr.copy()
    j = list(POLY.names).index("i1")
    r[j, :] *= -1
    r[:, j] *= -1
    p = r.shape[0]
    expected = p / (p - 1) * (1 - p / r.sum())
    assert cma.cronbach_alpha(POLY, reverse=["i1"]).alpha == pytest.approx(expected, abs=1e-12)
