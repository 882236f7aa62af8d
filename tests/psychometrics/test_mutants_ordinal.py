"""Mutation tests for ordinal: the bivariate normal probabilities against scipy's (an independent
implementation) in every branch (|r| below 0.3, to 0.75, to 0.925, beyond, exactly 1 and -1, infinite
limits) without numpy warnings, a polychoric correlation of -0.994 against psych::polychoric
(tests/reference/mutants/ordinal_reference.json, made by make_ordinal_reference.R), a positive definite
result neither warned nor smoothed, an indefinite one said in its own words, and the refusals word for word."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr
from scipy.stats import multivariate_normal

import cmanalytics as cma
from cmanalytics.errors import DataError, SingularityWarning
from cmanalytics.psychometrics.ordinal import bvn_cdf, bvn_upper
from tests.conftest import shared_scope
from tests.psychometrics.test_ordinal import contradicting_pairs

HERE = Path(__file__).resolve().parents[1] / "reference" / "mutants"


def _scipy_cdf(x, y, r):
    return multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([x, y])


POINTS = [(-1.3, 0.4), (0.2, 0.9), (1.7, -0.6), (-0.5, -2.1), (2.5, 2.2), (0.0, 0.0), (-3.0, 3.1)]
RHOS = [0.1, -0.2, 0.5, -0.6, 0.8, -0.85, 0.93, -0.95, 0.99, -0.999]


def test_bvn_against_scipy_in_every_branch():
    """P(X <= x, Y <= y) and P(X > h, Y > k) against scipy's multivariate normal CDF, one call over all points
    (arrays of different correlations: each branch takes its own rows); integer arguments as floats."""
    xs = np.array([p[0] for r in RHOS for p in POINTS])
    ys = np.array([p[1] for r in RHOS for p in POINTS])
    rs = np.array([r for r in RHOS for p in POINTS])
    want = np.array([_scipy_cdf(x, y, r) for x, y, r in zip(xs, ys, rs)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bvn_cdf(xs, ys, rs)
        up = bvn_upper(-xs, -ys, rs)
    np.testing.assert_allclose(got, want, atol=1e-15)
    np.testing.assert_allclose(up, want, atol=1e-15)
    # integers: P(X <= 1, Y <= 0) at r = 0 is Phi(1) / 2; at r = 1, Phi(min); at r = -1, max(0, Phi(x) + Phi(y) - 1)
    assert bvn_cdf(1, 0, 0)[()] == pytest.approx(ndtr(1) / 2, abs=1e-15)
    assert bvn_cdf(np.array([1]), np.array([0]), np.array([1]))[0] == pytest.approx(ndtr(0), abs=1e-15)
    assert bvn_cdf(np.array([1]), np.array([2]), np.array([-1]))[0] == pytest.approx(ndtr(1) + ndtr(2) - 1, abs=1e-15)
    assert bvn_upper(np.array([1]), np.array([2]), np.array([-1]))[0] == 0.0


def test_bvn_extremes_without_warnings():
    """Limits far out (thresholds of +-38 stand for infinity) with correlations near +-1: exact values
    (by hand: a product of tails that underflow, or one normal tail) and no overflow warning from numpy."""
    h = np.array([-38.0, 38.0, -np.inf, -30.0, 30.0, -37.0, 5.0])
    k = np.array([38.0, -38.0, np.inf, 30.0, -30.0, -37.0, -5.0])
    for r in (0.999, -0.999, 0.95, -0.95, 1.0, -1.0):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = bvn_upper(h, k, np.full(h.shape, r))
        # P(X > h, Y > k) with one limit at -38 (or -inf) is the tail of the other; both at -37 nearly 1
        assert got[0] == pytest.approx(0.0, abs=1e-300)
        assert got[1] == pytest.approx(0.0, abs=1e-300)
        assert got[2] == 0.0
        assert got[3] == pytest.approx(0.0, abs=1e-190)
        assert got[5] == pytest.approx(1.0, abs=1e-15)
        want6 = _scipy_cdf(-5.0, 5.0, r) if abs(r) < 1 else (ndtr(-5.0) if r > 0 else 0.0)
        assert got[6] == pytest.approx(want6, abs=1e-15)


@pytest.fixture(scope=shared_scope)
def negative():
    return pd.read_csv(HERE / "ordinal_negative.csv"), json.loads((HERE / "ordinal_reference.json").read_text())


def test_polychoric_near_minus_one_as_psych(negative):
    """a and b correlate -0.9944 (psych::polychoric, global thresholds, no correction): Fisher scoring from the
    Pearson correlation of the codes (-0.956, clipped to -0.95) must stay inside (-1, 1); thresholds as psych's;
    positive definite, so neither warned nor smoothed."""
    data, ref = negative
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.polychoric(data)
    np.testing.assert_allclose(res.rho, np.array(ref["rho"]), atol=5e-5)
    np.testing.assert_allclose(res.thresholds.to_numpy(), np.array(ref["tau"]), atol=3e-14)
    assert list(res.thresholds.columns) == ["t1", "t2", "t3", "t4"]
    assert list(res.corr.index) == ref["names"] and list(res.corr.columns) == ref["names"]
    assert res.smoothed is False and res.warnings == () and res.n_obs == 200
    same = cma.polychoric(data, smooth=True)  # positive definite: smooth=True leaves it as it is
    assert same.smoothed is False and same.warnings == ()
    np.testing.assert_array_equal(same.rho, res.rho)


def test_pairs_answered_together_by_too_few_are_refused():
    """Under pairwise deletion a pair answered together by fewer than 2 respondents is refused, naming it
    (the count of that pair, not of all answers)."""
    a = [1, 2, 3, 1, 2, 3, np.nan, np.nan, np.nan, np.nan]
    b = [np.nan] * 5 + [1, 2, 3, 2, 1]
    c = [1, 2, 1, 2, 3, 3, 2, 1, 3, 2]
    data = pd.DataFrame({"a": a, "b": b, "c": c})
    text = "items 'a' and 'b' were answered together by 1 respondent(s); a polychoric correlation needs at least 2."
    with pytest.raises(DataError, match="^" + re.escape(text) + "$"):
        cma.polychoric(data, missing="pairwise")


def test_indefinite_result_said_in_its_own_words():
    """Three pairs answered by different respondents that contradict each other (a ~ b, b ~ c, a ~ -c): the
    matrix is indefinite; the warning gives its smallest eigenvalue (computed here from the result) to 3
    significant digits; with smooth=True the smoothed matrix is positive definite and the note says so."""
    df = contradicting_pairs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = cma.polychoric(df, missing="pairwise")
    lam = np.linalg.eigvalsh(raw.rho)[0]
    assert lam < 0
    text = f"the polychoric matrix is not positive definite (smallest eigenvalue {lam:.3g}); pass smooth=True before factoring it."
    assert raw.warnings == (text,) and raw.smoothed is False
    with pytest.warns(SingularityWarning, match="^" + re.escape(text) + "$"):
        cma.polychoric(df, missing="pairwise")
    note = (
        f"the polychoric matrix was not positive definite (smallest eigenvalue {lam:.3g}) and "
        "was smoothed (psych::cor.smooth's method)."
    )
    with pytest.warns(SingularityWarning, match="^" + re.escape(note) + "$"):
        sm = cma.polychoric(df, missing="pairwise", smooth=True)
    assert sm.warnings == (note,) and sm.smoothed is True
    assert np.linalg.eigvalsh(sm.rho)[0] > 0


def test_fisher_scoring_converges_in_few_steps_and_stays_inside(negative):
    """Fisher scoring with the information recomputed at each step converges fast: five steps from the
    Pearson start reach psych::polychoric's -0.9944 to 1e-5. A perfectly reversed item (b = 6 - a) has
    its likelihood rising all the way to rho = -1: the estimate stops at the bound -0.99999, finite, and
    the reversal flips the sign of b's other correlation exactly (r(b, c) = -r(a, c), by symmetry)."""
    data, ref = negative
    five = cma.polychoric(data, max_iter=5)
    np.testing.assert_allclose(five.rho, np.array(ref["rho"]), atol=5e-5)
    rev = pd.DataFrame({"a": data["a"], "b": 6 - data["a"], "c": data["c"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.polychoric(rev)
    assert res.rho[0, 1] == pytest.approx(-0.99999, abs=1e-12)
    assert res.rho[1, 2] == pytest.approx(-res.rho[0, 2], abs=1e-12)
    assert res.rho[0, 2] == pytest.approx(ref["rho"][0][2], abs=5e-5)


def test_bvn_takes_unsigned_integer_limits():
    """Limits given as unsigned integers (category codes often are) are numbers like any other: negating them
    must not wrap around (P(X <= 1, Y <= 2) at r = 0.5 against scipy; P(X > 1, Y > 2) likewise)."""
    x, y = np.array([1, 0], dtype=np.uint8), np.array([2, 3], dtype=np.uint8)
    want = np.array([_scipy_cdf(1.0, 2.0, 0.5), _scipy_cdf(0.0, 3.0, 0.5)])
    np.testing.assert_allclose(bvn_cdf(x, y, np.array([0.5, 0.5])), want, atol=1e-15)
    up = np.array([_scipy_cdf(-1.0, -2.0, 0.5), _scipy_cdf(0.0, -3.0, 0.5)])
    np.testing.assert_allclose(bvn_upper(x, y, np.array([0.5, 0.5])), up, atol=1e-15)
    # beyond |r| = 0.925 with r < 0 the second limit is negated on the way
    up = np.array([_scipy_cdf(-1.0, -2.0, -0.95), _scipy_cdf(0.0, -3.0, -0.95)])
    np.testing.assert_allclose(bvn_upper(x, y, np.array([-0.95, -0.95])), up, atol=1e-15)
