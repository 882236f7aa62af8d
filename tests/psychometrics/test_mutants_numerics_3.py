"""Mutation tests (numerics, part 3) for ordinal's bivariate normal probabilities: against Owen's T function
(scipy.special.owens_t, an exact formula independent of Genz's quadrature) over a grid of limits and of
correlations in each of Genz's bands (|r| < 0.3, < 0.75, < 0.925, beyond, and within 1e-5 of +-1), against
a one-dimensional integral (scipy.integrate.quad) far in the tails, and at infinite or huge limits; polychoric
correlations of tables with empty cells against psych::polychoric (tests/reference/mutants/numerics3_polychoric.json,
made by numerics3_polychoric.R) and against the maximum-likelihood estimate by hand (the root of the score,
with Owen's formula for the cell probabilities), with and without the continuity correction."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize
from scipy.special import ndtr, ndtri, owens_t
from scipy.stats import norm

import cmanalytics as cma
from cmanalytics.psychometrics.ordinal import bvn_cdf, bvn_upper
from tests.conftest import shared_scope

HERE = Path(__file__).resolve().parents[1] / "reference" / "mutants"


def owen_cdf(h: float, k: float, r: float) -> float:
    """P(X <= h, Y <= k) by Owen (1956): (Phi(h) + Phi(k))/2 - T(h, a_h) - T(k, a_k) - beta, with
    a_h = (k - r h) / (h sqrt(1 - r^2)), a_k likewise, beta = 1/2 when h k < 0 (or h k = 0 and h + k < 0)."""
    if h == 0 and k == 0:
        return 0.25 + np.arcsin(r) / (2 * np.pi)
    h = h if h != 0 else 1e-300
    k = k if k != 0 else 1e-300
    s = np.sqrt(1 - r * r)
    beta = 0.0 if h * k > 0 else 0.5
    return 0.5 * (ndtr(h) + ndtr(k)) - owens_t(h, (k - r * h) / (h * s)) - owens_t(k, (h - r * k) / (k * s)) - beta


def quad_upper(h: float, k: float, r: float) -> float:
    """P(X > h, Y > k) = integral from h to infinity of phi(x) Phi((r x - k) / sqrt(1 - r^2)) dx."""
    s = np.sqrt(1 - r * r)
    val, _ = integrate.quad(lambda x: norm.pdf(x) * ndtr((r * x - k) / s), h, np.inf, epsabs=0, epsrel=1e-13, limit=200)
    return val


POINTS = [
    (-1.3, 0.4),
    (0.2, 0.9),
    (1.7, -0.6),
    (-0.5, -2.1),
    (2.5, 2.2),
    (-3.0, 3.1),
    (1.5, 1.4),
    (-2.0, -2.2),
    (3.0, 2.5),
    (-1.0, 1.2),
    (0.0, 0.0),
    (0.0, 1.1),
    (-0.7, 0.0),
    (4.0, 4.5),
    (-4.0, -3.5),
    (2.0, -2.0),
    (0.8, 0.8),
]
# every band of Genz's method, both signs, its edges (0.3, 0.75, 0.925) and up to 1e-5 from +-1
RHOS = [
    0.0,
    0.1,
    -0.29,
    0.3,
    -0.45,
    0.6,
    -0.74,
    0.75,
    -0.8,
    0.9,
    -0.92,
    0.93,
    -0.95,
    0.97,
    -0.99,
    0.995,
    -0.9999,
    0.99999,
]


def test_bvn_cdf_against_owens_t_in_every_band():
    """All points and correlations in one call (each band picks its rows from a mixed array), and one by one;
    the largest difference achieved is 3.1e-15."""
    hs = np.array([p[0] for _ in RHOS for p in POINTS])
    ks = np.array([p[1] for _ in RHOS for p in POINTS])
    rs = np.repeat(RHOS, len(POINTS))
    want = np.array([owen_cdf(h, k, r) for h, k, r in zip(hs, ks, rs)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bvn_cdf(hs, ks, rs)
        up = bvn_upper(hs, ks, rs)
    np.testing.assert_allclose(got, want, rtol=0, atol=5e-15)
    # P(X > h, Y > k) = P(X <= -h, Y <= -k)
    want_up = np.array([owen_cdf(-h, -k, r) for h, k, r in zip(hs, ks, rs)])
    np.testing.assert_allclose(up, want_up, rtol=0, atol=5e-15)
    for h, k, r, w in zip(hs[::7], ks[::7], rs[::7], want[::7]):
        assert bvn_cdf(h, k, r)[()] == pytest.approx(w, abs=5e-15)


@pytest.mark.parametrize("r", [0.5, 0.6, 0.85, 0.9, 0.95, 0.999])
def test_bvn_upper_far_in_the_tails_relative(r):
    """P(X > h, Y > k) for limits 3 to 7 standard deviations out, as a relative error (the values are down
    to 1e-16, where the absolute tolerance above says nothing); reference by quadrature. Positive
    correlations from 0.5: Genz's method promises absolute accuracy, and with negative or small ones its
    tails lose relative digits (a cancellation), so those are held to the absolute 5e-15 only."""
    for h, k in [(3.0, 3.5), (5.0, 4.2), (6.0, 6.5), (-2.0, 5.5), (4.5, -1.0), (7.0, 6.8)]:
        want = quad_upper(h, k, r)
        got = bvn_upper(np.array([h]), np.array([k]), np.array([r]))[0]
        assert got == pytest.approx(want, rel=1e-12, abs=1e-300), (h, k, r)


@pytest.mark.parametrize("r", [0.0, 0.2, -0.5, 0.7, -0.8, 0.93, -0.99, 1.0, -1.0])
def test_bvn_upper_at_infinite_and_huge_limits(r):
    """A limit at +inf or far beyond the +-38 that stands for infinity: P(X > inf, ...) = 0; a limit at
    -inf leaves the other tail, Phi(-k); no numpy warning on the way."""
    h = np.array([np.inf, 1e6, 40.0, -np.inf, -1e6, -40.0, np.inf, -np.inf, 0.5])
    k = np.array([0.3, -0.4, -2.0, 0.3, -0.4, 1.2, -np.inf, np.inf, 1e9])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bvn_upper(h, k, np.full(h.shape, r))
        low = bvn_cdf(-h, -k, np.full(h.shape, r))
    want = np.array([0.0, 0.0, 0.0, ndtr(-0.3), ndtr(0.4), ndtr(-1.2), 0.0, 0.0, 0.0])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-300)
    np.testing.assert_allclose(low, want, rtol=0, atol=1e-300)


def test_bvn_upper_at_plus_and_minus_one():
    """r = 1: Y = X, P(X > max(h, k)); r = -1: Y = -X, P(h < X < -k) (0 when h >= -k)."""
    h = np.array([0.3, -1.2, 2.0, -0.5, 1.0, -2.5])
    k = np.array([-0.4, 0.7, 1.0, -0.5, -1.0, 1.5])
    np.testing.assert_allclose(bvn_upper(h, k, np.ones(6)), ndtr(-np.maximum(h, k)), rtol=0, atol=1e-16)
    want = np.maximum(ndtr(-k) - ndtr(h), 0.0)
    np.testing.assert_allclose(bvn_upper(h, k, -np.ones(6)), want, rtol=0, atol=1e-16)


def _random_grid(n=3000, seed=1):
    """Limits uniform on [-6, 6]; half the correlations uniform on [-1, 1], half in Genz's last band
    (|r| from 0.9 to 0.99999), one in twenty set to the band edge +-0.925."""
    rng = np.random.default_rng(seed)
    h, k = rng.uniform(-6, 6, n), rng.uniform(-6, 6, n)
    r = np.concatenate(
        [rng.uniform(-1, 1, n // 2), np.sign(rng.uniform(-1, 1, n - n // 2)) * rng.uniform(0.9, 0.99999, n - n // 2)]
    )
    r = np.where(rng.uniform(size=n) < 0.05, 0.925 * np.sign(r), r)
    return h, k, r


def test_bvn_upper_on_a_random_grid_to_the_last_digits():
    """Three thousand points: every value within 4e-16 of Owen's formula (2.2e-16 achieved), none below 0 or
    above 1 (rounding could otherwise leave -4e-18 where the probability is about 0)."""
    h, k, r = _random_grid()
    want = np.array([owen_cdf(-a, -b, c) for a, b, c in zip(h, k, r)])
    got = bvn_upper(h, k, r)
    np.testing.assert_allclose(got, want, rtol=0, atol=4e-16)
    assert got.min() >= 0.0 and got.max() <= 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.uint8])
def test_bvn_upper_computes_in_double_precision_whatever_the_input_type(dtype):
    """Limits and correlations given as float32, float16 or integers are computed in double precision: the
    values are Owen's at the numbers given (converted exactly to float64)."""
    h, k, r = _random_grid(400, seed=5)
    if np.issubdtype(dtype, np.integer):
        h, k = np.round(h), np.round(k)
        r = np.round(r)  # -1, 0 or 1
        if dtype is np.uint8:
            h, k, r = np.abs(h), np.abs(k), np.abs(r)
    h, k, r = h.astype(dtype), k.astype(dtype), r.astype(dtype)
    hf, kf, rf = (np.asarray(v, np.float64) for v in (h, k, r))
    got = bvn_upper(h, k, r)
    assert got.dtype == np.float64
    if np.issubdtype(dtype, np.integer):
        # r = 1: P(X > max(h, k)); r = -1: P(h < X < -k); r = 0: the product of the tails
        want = np.where(
            rf == 1,
            ndtr(-np.maximum(hf, kf)),
            np.where(rf == -1, np.maximum(ndtr(-kf) - ndtr(hf), 0.0), ndtr(-hf) * ndtr(-kf)),
        )
    else:
        want = np.array([owen_cdf(-a, -b, c) if abs(c) < 1 else np.nan for a, b, c in zip(hf, kf, rf)])
        keep = np.abs(rf) < 1
        got, want = got[keep], want[keep]
    np.testing.assert_allclose(got, want, rtol=0, atol=5e-16)


# ---------------------------------------------------------------- polychoric on tables with empty cells
def _phi2(h, k, r):
    """P(X <= h, Y <= k) by Owen's formula, elementwise, with infinite limits."""
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    out = np.empty(h.shape)
    for idx in np.ndindex(h.shape):
        a, b = h[idx], k[idx]
        if a == -np.inf or b == -np.inf:
            out[idx] = 0.0
        elif a == np.inf:
            out[idx] = ndtr(b)
        elif b == np.inf:
            out[idx] = ndtr(a)
        else:
            out[idx] = owen_cdf(a, b, r)
    return out


def _density(h, k, r):
    """The bivariate normal density, 0 at infinite limits: d Phi2 / d r."""
    h, k = np.broadcast_arrays(h, k)
    fin = np.isfinite(h) & np.isfinite(k)
    a, b = np.where(fin, h, 0.0), np.where(fin, k, 0.0)
    z = np.exp(-(a * a - 2 * r * a * b + b * b) / (2 * (1 - r * r))) / (2 * np.pi * np.sqrt(1 - r * r))
    return np.where(fin, z, 0.0)


def mle_by_hand(x, y, correct=0.0):
    """Olsson's two-step estimate: thresholds from each item's cumulative proportions, then the root of the
    score sum n_ab (d pi_ab / d r) / pi_ab of the table (correct added to its empty cells)."""
    cx, cy = np.unique(x), np.unique(y)
    n = np.array([[np.sum((x == a) & (y == b)) for b in cy] for a in cx], float)
    tx = np.concatenate([[-np.inf], ndtri(np.cumsum(n.sum(1))[:-1] / n.sum()), [np.inf]])
    ty = np.concatenate([[-np.inf], ndtri(np.cumsum(n.sum(0))[:-1] / n.sum()), [np.inf]])
    n = np.where(n == 0, correct, n)

    def cells(f):
        return f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1]

    def loglik(r):
        return (n * np.log(np.maximum(cells(_phi2(tx[:, None], ty[None, :], r)), 1e-300))).sum()

    def score(r):
        pi = cells(_phi2(tx[:, None], ty[None, :], r))
        dpi = cells(_density(tx[:, None], ty[None, :], r))
        return np.where(n > 0, n * dpi / np.maximum(pi, 1e-300), 0.0).sum()

    r0 = optimize.minimize_scalar(lambda r: -loglik(r), bounds=(-0.9999, 0.9999), method="bounded").x
    return optimize.brentq(score, r0 - 1e-3, r0 + 1e-3, xtol=1e-15, rtol=1e-15)


@pytest.fixture(scope=shared_scope)
def sparse():
    x = pd.read_csv(HERE / "numerics3_polychoric.csv")
    ref = json.loads((HERE / "numerics3_polychoric.json").read_text())
    a = x.to_numpy()
    hand = {c: np.eye(5) for c in (0.0, 0.5)}
    for c in hand:
        for i in range(5):
            for j in range(i + 1, 5):
                hand[c][i, j] = hand[c][j, i] = mle_by_hand(a[:, i], a[:, j], c)
    return x, ref, hand


def test_polychoric_with_empty_cells_as_psych_and_by_hand(sparse):
    """150 answers to five five-category items: nine of the ten pair tables have empty cells (up to 12 of 25).
    psych's estimates within 1e-4 (psych's optimize stops at 1.8e-5), the thresholds within 4e-14 (4e-15
    reached); the maximum-likelihood estimates by hand within 5e-12 (9e-13 reached)."""
    x, ref, hand = sparse
    a = x.to_numpy()
    empty = [int((pd.crosstab(a[:, i], a[:, j]).to_numpy() == 0).sum()) for i in range(5) for j in range(i + 1, 5)]
    assert empty == ref["empty_cells"] == [12, 6, 9, 0, 5, 5, 1, 3, 1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.polychoric(x)
    assert res.warnings == () and res.smoothed is False and res.n_obs == 150
    assert list(res.corr.columns) == ["i1", "i2", "i3", "i4", "i5"]
    assert list(res.thresholds.columns) == ["t1", "t2", "t3", "t4"]
    np.testing.assert_allclose(res.thresholds.to_numpy(), np.array(ref["tau"]), rtol=0, atol=4e-14)
    np.testing.assert_allclose(res.rho, np.array(ref["rho"]), rtol=0, atol=1e-4)
    np.testing.assert_allclose(res.rho, hand[0.0], rtol=0, atol=5e-12)


def test_polychoric_continuity_correction_by_hand(sparse):
    """correct=0.5: 0.5 in each empty cell, the thresholds still each item's own (the hand estimate within
    1e-9, 1e-10 reached); the pair without an empty cell (i1, i5) keeps its uncorrected estimate. psych's
    global = FALSE differs (up to 0.018 here): it takes each pair's thresholds from the corrected table."""
    x, ref, hand = sparse
    res = cma.polychoric(x, correct=0.5)
    np.testing.assert_allclose(res.rho, hand[0.5], rtol=0, atol=1e-9)
    assert res.rho[0, 4] == pytest.approx(hand[0.0][0, 4], abs=5e-12)
    assert np.abs(res.rho - np.array(ref["rho_correct"])).max() > 0.01


def test_polychoric_of_identical_items_goes_to_the_boundary_quietly():
    """Two items with the same answers (a diagonal table, the Pearson start 1): the likelihood grows to r = 1;
    the estimate stops at the bound 0.99999 of the search, with no numpy warning on the way; reversed, at
    -0.99999."""
    a = np.repeat([1, 2, 3, 4], 10)
    x = pd.DataFrame({"a": a, "b": a, "c": np.tile([1, 2, 3, 4, 2], 8)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.polychoric(x)
    assert res.rho[0, 1] == pytest.approx(0.99999, abs=1e-12)
    # reversed: the other bound
    x["b"] = 5 - a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cma.polychoric(x)
    assert res.rho[0, 1] == pytest.approx(-0.99999, abs=1e-12)


def one_scoring_step_by_hand(x, y):
    """The documented algorithm's first iteration for one pair: from the Pearson correlation of the category
    codes, the Fisher-scoring step score / information (information = N sum (d pi / d r)^2 / pi), halved
    while it lowers the log-likelihood."""
    cx, cy = np.unique(x), np.unique(y)
    n = np.array([[np.sum((x == a) & (y == b)) for b in cy] for a in cx], float)
    tx = np.concatenate([[-np.inf], ndtri(np.cumsum(n.sum(1))[:-1] / n.sum()), [np.inf]])
    ty = np.concatenate([[-np.inf], ndtri(np.cumsum(n.sum(0))[:-1] / n.sum()), [np.inf]])

    def cells(f):
        return f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1]

    def parts(r):
        pi = cells(_phi2(tx[:, None], ty[None, :], r))
        dpi = cells(_density(tx[:, None], ty[None, :], r))
        ll = np.where(n > 0, n * np.log(np.maximum(pi, 1e-300)), 0.0).sum()
        return ll, np.where(n > 0, n * dpi / pi, 0.0).sum(), n.sum() * (dpi**2 / pi).sum()

    r0 = np.corrcoef(np.searchsorted(cx, x), np.searchsorted(cy, y))[0, 1]
    ll0, score, info = parts(r0)
    step = score / info
    while parts(r0 + step)[0] < ll0 - 1e-12:
        step /= 2
    return r0 + step


def test_polychoric_first_scoring_step_by_hand(sparse):
    """max_iter=1: one step of Fisher scoring from the Pearson start, each pair as by hand (within 3e-14, 4e-15
    reached); it is not yet the estimate (up to 0.003 away from it with these tables)."""
    x, _, hand = sparse
    a = x.to_numpy()
    res = cma.polychoric(x, max_iter=1)
    want = np.eye(5)
    for i in range(5):
        for j in range(i + 1, 5):
            want[i, j] = want[j, i] = one_scoring_step_by_hand(a[:, i], a[:, j])
    np.testing.assert_allclose(res.rho, want, rtol=0, atol=3e-14)
    assert np.abs(res.rho - hand[0.0]).max() > 1e-3


def test_pair_answered_together_by_one_refused_word_for_word():
    """Pairwise: a and b share two respondents (enough), a and c one: the first pair with fewer than 2 is named."""
    n = 30
    a, b, c = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    a[0:10] = np.tile([1, 2, 3], 4)[:10]
    b[8:20] = np.tile([1, 2], 6)
    c[[9, *range(20, 30)]] = np.tile([1, 2, 3], 4)[:11]
    x = pd.DataFrame({"a": a, "b": b, "c": c})
    text = "items 'a' and 'c' were answered together by 1 respondent(s); a polychoric correlation needs at least 2."
    with pytest.raises(cma.errors.DataError, match="^" + re.escape(text) + "$"):
        cma.polychoric(x, missing="pairwise")
