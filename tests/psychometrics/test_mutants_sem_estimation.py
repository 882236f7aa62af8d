"""Mutation tests (issue 13) of cmanalytics/psychometrics/sem/estimation.py: the fit functions, their gradients
and Gauss-Newton matrices against the textbook formulas written out here (Browne 1982; the FIML function from the
normal density of each case), the test statistic, the sample moments, and the optimizer's backtracking and
stopping rules on small functions worked by hand.

The model: one factor, three indicators, std.lv, with intercepts: theta = (lambda_1..3, psi_1..3, nu_1..3),
Sigma = lambda lambda' + diag(psi), mu = nu.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize as sopt
from scipy import stats

from cmanalytics.psychometrics.sem import estimation as est
from cmanalytics.psychometrics.sem.estimation import Discrepancy, GroupData, minimize
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import build_table
from cmanalytics.psychometrics.sem.syntax import parse

THETA = np.array([0.9, 0.7, 0.5, 0.6, 0.5, 0.4, 0.1, -0.2, 0.3])


def data(n=60, seed=3, missing=False):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    x = np.outer(f, [1.0, 0.8, 0.6]) + rng.normal(size=(n, 3)) * [0.7, 0.8, 0.9] + [0.2, -0.1, 0.4]
    if missing:
        x[rng.random((n, 3)) < 0.2] = np.nan
        x[0] = np.nan  # a case with nothing observed: left out
    return x


def par(meanstructure=True, n_groups=1):
    table = build_table(
        parse("f =~ y1 + y2 + y3"), ["y1", "y2", "y3"], std_lv=True, meanstructure=meanstructure, n_groups=n_groups
    )
    assert [r.index for r in table.rows if r.free] == list(range((9 if meanstructure else 6) * n_groups))
    return Parameterization(table)


def implied(th):
    lam = th[:3]
    return np.outer(lam, lam) + np.diag(th[3:6]), (th[6:9] if len(th) > 6 else np.zeros(3))


def moments(x):
    """Mean and covariance matrix with divisor N."""
    m = x.mean(axis=0)
    return m, (x - m).T @ (x - m) / len(x)


def f_ml(th, s, ybar):
    sig, mu = implied(th)
    inv, d = np.linalg.inv(sig), ybar - mu
    return np.linalg.slogdet(sig)[1] + np.trace(s @ inv) - np.linalg.slogdet(s)[1] - 3 + d @ inv @ d


def f_gls(th, s, ybar):
    sig, mu = implied(th)
    w, d = np.linalg.inv(s), ybar - mu
    r = w @ (s - sig)
    return 0.5 * np.trace(r @ r) + d @ w @ d


def f_uls(th, s, ybar):
    sig, mu = implied(th)
    r = (s - sig)[np.tril_indices(3)]
    return np.sum(r**2) + np.sum((ybar - mu) ** 2)


def num_grad(f, th, h=1e-6):
    out = np.empty(len(th))
    for k in range(len(th)):
        e = np.zeros(len(th))
        e[k] = h
        out[k] = (f(th + e) - f(th - e)) / (2 * h)
    return out


def num_hess(f, th, h=1e-4):
    q = len(th)
    out = np.empty((q, q))
    for i in range(q):
        for j in range(q):
            ei, ej = np.zeros(q), np.zeros(q)
            ei[i], ej[j] = h, h
            out[i, j] = (f(th + ei + ej) - f(th + ei - ej) - f(th - ei + ej) + f(th - ei - ej)) / (4 * h * h)
    return out


@pytest.mark.parametrize("estimator", ["ML", "GLS", "ULS"])
def test_fit_function_gradient_and_statistic_by_hand(estimator):
    """F of ML (S with divisor N), GLS and ULS (S with divisor N - 1, as lavaan), with intercepts; the gradient
    (central differences of the hand F); the statistic N F for ML, (N - 1) F for GLS and ULS; without a mean
    structure the means do not enter."""
    x = data()
    n = len(x)
    ybar, s = moments(x)
    s_used = s if estimator == "ML" else s * n / (n - 1)
    hand = {"ML": f_ml, "GLS": f_gls, "ULS": f_uls}[estimator]
    disc = Discrepancy(par(), [GroupData.complete(x)], estimator, True)
    f, g, h = disc.evaluate(THETA, 2)
    assert f == pytest.approx(hand(THETA, s_used, ybar), rel=1e-12)
    np.testing.assert_allclose(g, num_grad(lambda t: hand(t, s_used, ybar), THETA), rtol=1e-6, atol=1e-8)
    assert disc.value(THETA) == f
    np.testing.assert_allclose(disc.gradient(THETA), g, rtol=1e-15)
    assert h.shape == (9, 9) and disc.evaluate(THETA, 1)[2] is None
    assert disc.statistic(THETA) == pytest.approx((n if estimator == "ML" else n - 1) * f, rel=1e-12)
    # no mean structure: the same F without the mean term
    d0 = Discrepancy(par(False), [GroupData.complete(x)], estimator, False)
    assert d0.value(THETA[:6]) == pytest.approx(hand(THETA[:6], s_used, implied(THETA)[1] * 0), rel=1e-12)
    np.testing.assert_allclose(
        d0.gradient(THETA[:6]), num_grad(lambda t: hand(t, s_used, np.zeros(3)), THETA[:6]), rtol=1e-6, atol=1e-8
    )


@pytest.mark.parametrize("estimator", ["ML", "GLS", "ULS"])
def test_gauss_newton_matrix_is_the_hessian_at_a_perfect_fit(estimator):
    """Where the sample moments equal the model's (S = Sigma(theta), ybar = mu(theta)) the residuals vanish and
    the Fisher-scoring (Gauss-Newton) matrix is the Hessian of F: checked against second differences of the
    hand F, for each estimator (GLS and ULS rescale S to divisor N - 1, so S is given as Sigma (N - 1)/N)."""
    sig, mu = implied(THETA)
    hand = {"ML": f_ml, "GLS": f_gls, "ULS": f_uls}[estimator]
    cov = sig if estimator == "ML" else sig * 39 / 40
    disc = Discrepancy(par(), [GroupData(40, cov, mu.copy())], estimator, True)
    want = num_hess(lambda t: hand(t, sig, mu), THETA)
    np.testing.assert_allclose(disc.evaluate(THETA, 2)[2], want, rtol=1e-5, atol=1e-6)
    assert disc.value(THETA) == pytest.approx(0.0, abs=1e-12)


THETA_B = np.array([0.6, 0.9, 0.8, 0.3, 0.7, 0.5, -0.1, 0.0, 0.2])


@pytest.mark.parametrize("estimator, shift, hand", [("ML", 0, f_ml), ("GLS", 1, f_gls), ("ULS", 1, f_uls)])
def test_two_groups_are_weighted_by_their_sizes(estimator, shift, hand):
    """Two groups of 40 and 90 cases, each with its own parameters: F = sum_g (N_g/N) F_g, the gradient
    likewise, the statistic sum_g N_g F_g (ML) or sum_g (N_g - 1) F_g (GLS, ULS); at a perfect fit the
    Gauss-Newton matrix is block diagonal with blocks (N_g/N) times each group's Hessian."""
    xa, xb = data(40, 5), data(90, 6)
    scale = [1.0 if shift == 0 else len(x) / (len(x) - 1) for x in (xa, xb)]
    (ma, sa), (mb, sb) = moments(xa), moments(xb)
    fa, fb = hand(THETA, sa * scale[0], ma), hand(THETA_B, sb * scale[1], mb)
    both = np.concatenate([THETA, THETA_B])
    disc = Discrepancy(par(n_groups=2), [GroupData.complete(xa), GroupData.complete(xb)], estimator, True)
    assert disc.weights == [40 / 130, 90 / 130] and disc.n == 130
    assert disc.value(both) == pytest.approx((40 * fa + 90 * fb) / 130, rel=1e-12)
    want = np.concatenate(
        [
            40 / 130 * num_grad(lambda t: hand(t, sa * scale[0], ma), THETA),
            90 / 130 * num_grad(lambda t: hand(t, sb * scale[1], mb), THETA_B),
        ]
    )
    np.testing.assert_allclose(disc.gradient(both), want, rtol=1e-6, atol=1e-8)
    assert disc.statistic(both) == pytest.approx((40 - shift) * fa + (90 - shift) * fb, rel=1e-12)
    sig_a, mu_a = implied(THETA)
    sig_b, mu_b = implied(THETA_B)
    perfect = [GroupData(40, sig_a / scale[0], mu_a), GroupData(90, sig_b / scale[1], mu_b)]
    h = Discrepancy(par(n_groups=2), perfect, estimator, True).evaluate(both, 2)[2]
    np.testing.assert_allclose(
        h[:9, :9], 40 / 130 * num_hess(lambda t: hand(t, sig_a, mu_a), THETA), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        h[9:, 9:], 90 / 130 * num_hess(lambda t: hand(t, sig_b, mu_b), THETA_B), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(h[:9, 9:], 0.0, atol=1e-12)


def test_dwls_fit_function_by_hand():
    """DWLS (sem.mixed): F = sum_ij w_ij (s_ij - sigma_ij)^2 on the covariance matrix with divisor N, without
    means; its gradient, and the Gauss-Newton matrix 2 Delta' diag(vec W) Delta at a perfect fit."""
    x = data()
    ybar, s = moments(x)
    w = np.array([[0.0, 2.0, 1.0], [2.0, 0.0, 3.0], [1.0, 3.0, 0.0]])
    disc = Discrepancy(par(False), [GroupData.complete(x)], "DWLS", False, weights=[w])

    def hand(t, s=s):
        return np.sum(w * (s - implied(t)[0]) ** 2)

    th = THETA[:6]
    assert disc.value(th) == pytest.approx(hand(th), rel=1e-12)
    np.testing.assert_allclose(disc.gradient(th), num_grad(hand, th), rtol=1e-6, atol=1e-8)
    perfect = Discrepancy(par(False), [GroupData(50, implied(th)[0], np.zeros(3))], "DWLS", False, weights=[w])
    want = num_hess(lambda t: hand(t, implied(th)[0]), th)
    np.testing.assert_allclose(perfect.evaluate(th, 2)[2], want, rtol=1e-5, atol=1e-6)
    assert disc.statistic(th) == pytest.approx(59 * hand(th), rel=1e-12)


def test_fiml_fit_function_by_hand():
    """FIML: F = -(2/N) sum_i log phi(y_i,o; mu_o, Sigma_oo) - (sum_i p_i / N) log 2 pi, case by case over each
    row's observed part (scipy.stats.multivariate_normal), N the rows with anything observed; its gradient; the
    expected information sum_p (n_p/N)[Delta_o'(Sigma_oo^-1 x Sigma_oo^-1)Delta_o + 2 Dmu_o' Sigma_oo^-1 Dmu_o]."""
    x = data(missing=True)
    gd = GroupData.incomplete(x)
    rows = [r for r in x if (~np.isnan(r)).any()]
    assert gd.n == len(rows) < len(x) and sum(p.n for p in gd.patterns) == gd.n
    assert np.isnan(gd.cov).all() and np.isnan(gd.mean).all() and gd.x is x

    def hand(t):
        sig, mu = implied(t)
        total = 0.0
        for r in rows:
            o = ~np.isnan(r)
            total += stats.multivariate_normal(mu[o], sig[np.ix_(o, o)]).logpdf(r[o]) + o.sum() / 2 * math.log(
                2 * math.pi
            )
        return -2 * total / len(rows)

    disc = Discrepancy(par(), [gd], "ML", True, fiml=True)
    f, g, h = disc.evaluate(THETA, 2)
    assert f == pytest.approx(hand(THETA), rel=1e-11)
    np.testing.assert_allclose(g, num_grad(hand, THETA), rtol=1e-6, atol=1e-8)

    def vec_moments(t):
        sig, mu = implied(t)
        return np.concatenate([sig.ravel(), mu])

    jac = np.column_stack([num_grad(lambda t, k=k: vec_moments(t)[k], THETA) for k in range(12)]).T
    sig, _ = implied(THETA)
    want = np.zeros((9, 9))
    for pt in gd.patterns:
        o = pt.observed
        full = np.zeros((3, 3))
        full[np.ix_(o, o)] = np.linalg.inv(sig[np.ix_(o, o)])
        ds, dm = jac[:9], jac[9:]
        want += pt.n / gd.n * (ds.T @ np.kron(full, full) @ ds + 2 * dm.T @ full @ dm)
    np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-8)


def test_observed_hessian_by_differences():
    """Discrepancy.hessian: the Hessian of F by central (default) or forward differences of the gradient,
    against second differences of the hand ML function at a fit that is not perfect."""
    x = data()
    ybar, s = moments(x)
    disc = Discrepancy(par(), [GroupData.complete(x)], "ML", True)
    want = num_hess(lambda t: f_ml(t, s, ybar), THETA)
    central = disc.hessian(THETA)
    np.testing.assert_allclose(central, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(central, central.T)
    forward = disc.hessian(THETA, central=False)
    np.testing.assert_allclose(forward, want, rtol=1e-4, atol=1e-4)
    coarse = disc.hessian(THETA, step=1e-3)  # central differences: exact to O(step^2)
    np.testing.assert_allclose(coarse, want, rtol=1e-4, atol=1e-4)


def test_sample_moments_divisor_n():
    """GroupData.complete: the mean, the covariance matrix with divisor N, N; incomplete: each pattern's rows,
    mean and covariance (divisor n_p)."""
    x = data(30)
    gd = GroupData.complete(x)
    assert gd.n == 30 and gd.x is x
    np.testing.assert_allclose(gd.mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(gd.cov, np.cov(x.T, bias=True), rtol=1e-12)
    xm = data(80, missing=True)
    for pt in GroupData.incomplete(xm).patterns:
        rows = xm[(~np.isnan(xm) == pt.observed).all(axis=1)][:, pt.observed]
        assert pt.n == len(rows) and pt.observed.any()
        np.testing.assert_allclose(pt.mean, rows.mean(axis=0), rtol=1e-13)
        np.testing.assert_allclose(pt.cov, np.atleast_2d(np.cov(rows.T, bias=True)), rtol=1e-12, atol=1e-15)


def test_sandwich_is_the_kronecker_product():
    """Delta'(W x W)Delta without the p^2 x p^2 product, against np.kron, for symmetric D_k."""
    rng = np.random.default_rng(0)
    p, q = 3, 4
    dk = rng.normal(size=(q, p, p))
    dk = dk + dk.transpose(0, 2, 1)
    ds = dk.reshape(q, p * p).T
    a = rng.normal(size=(p, p))
    w = a @ a.T + np.eye(p)
    np.testing.assert_allclose(est.sandwich(ds, w, p), ds.T @ np.kron(w, w) @ ds, rtol=1e-12)


def test_an_indefinite_sigma_has_no_value():
    """A residual variance of -3 makes Sigma indefinite: F is +inf (ML, FIML), with no gradient or matrix."""
    th = THETA.copy()
    th[3] = -3.0
    x = data()
    for disc in (
        Discrepancy(par(), [GroupData.complete(x)], "ML", True),
        Discrepancy(par(), [GroupData.incomplete(data(missing=True))], "ML", True, fiml=True),
    ):
        assert disc.evaluate(th, 2) == (np.inf, None, None)
        assert disc.value(th) == np.inf


# ---- the optimizer on functions worked by hand --------------------------------------------------------------


class Stub:
    """A fit function given by value and gradient (and a fixed scoring matrix) in place of a Discrepancy."""

    def __init__(self, value, gradient, h=None):
        self._v, self._g, self._h = value, gradient, h
        self.calls = 0

    def value(self, th):
        return self._v(th)

    def gradient(self, th):
        return np.atleast_1d(np.asarray(self._g(th), float))

    def evaluate(self, th, need=2):
        self.calls += 1
        f = self._v(th)
        if not np.isfinite(f):
            return np.inf, None, None
        h = np.atleast_2d(self._h if self._h is not None else np.eye(len(th)))
        return f, (self.gradient(th) if need >= 1 else None), (h if need == 2 else None)


def half(th):
    return 0.5 * float(th @ th)


def test_backtracking_by_hand():
    """Armijo backtracking from t = 1, halving, accepting F(theta - t s) <= F - 1e-4 t g's, on F = x^2/2 at x = 1
    (g = 1) and F = 1 - cos x:
    * s = 0.5 (half the Newton step): t = 1 is accepted (F = 0.125);
    * s = 3.9992: t = 1 lands at -2.9992 (F = 4.4976), t = 1/2 at x = -0.9996, F = 0.49960008 <= 0.5 - 1e-4 *
      0.5 * 3.9992 = 0.49980004: t = 1/2;
    * s = 2.0001: t = 1 gives F = 0.50010 > 0.5 (rejected though within 1e-4 s of F), t = 1/2 is taken;
    * 1 - cos x at x = 1 with s = 1 + pi: t = 1 lands on the maximum at -pi (F = 2, gradient 0), t = 1/2 at
      -1.07 (F 0.52 > 0.46), t = 1/4 at -0.035: t = 1/4;
    * a flat F (constant) with g's = 0: t = 1 (F <= F)."""
    quad = Stub(half, lambda th: th)
    one = np.array([1.0])
    assert est._backtrack(quad, one, np.array([0.5]), 0.5, one, 1.0) == 1.0
    assert est._backtrack(quad, one, np.array([3.9992]), 0.5, one, 1.0) == 0.5
    assert est._backtrack(quad, one, np.array([2.0001]), 0.5, one, 1.0) == 0.5
    cos = Stub(lambda th: 1 - math.cos(th[0]), lambda th: [math.sin(th[0])])
    g1 = np.array([math.sin(1.0)])
    assert est._backtrack(cos, one, np.array([1 + math.pi]), 1 - math.cos(1.0), g1, g1[0]) == 0.25
    flat = Stub(lambda th: 1.0, lambda th: [1.0])
    assert est._backtrack(flat, one, np.array([1.0]), 1.0, np.array([0.0]), 0.5) == 1.0


def test_backtracking_within_rounding_of_the_optimum():
    """Where F cannot tell steps apart (|F(trial) - F| <= 1e-13 max(1, |F|)) a step is taken when the gradient
    there is below the current largest one (gmax), else no step (None):
    * F = 1000, trial F = 1000 + 1e-12 (within 1e-10): gradient 0.5 < 1: t = 1; gradient 1 = gmax: None;
    * F = 1000, trial F = 1000.5 (not within): None;
    * F = 0, trial 1.5e-13 (not within 1e-13 max(1, 0)): None; trial 0.5e-13: t = 1."""
    one = np.array([1.0])
    up = Stub(lambda th: 1000.0 + 1e-12, lambda th: [0.5])
    assert est._backtrack(up, one, one, 1000.0, one, 1.0) == 1.0
    same = Stub(lambda th: 1000.0 + 1e-12, lambda th: [1.0])
    assert est._backtrack(same, one, one, 1000.0, one, 1.0) is None
    far = Stub(lambda th: 1000.5, lambda th: [0.5])
    assert est._backtrack(far, one, one, 1000.0, one, 1.0) is None
    tiny = Stub(lambda th: 1.5e-13, lambda th: [0.5])
    assert est._backtrack(tiny, one, one, 0.0, one, 1.0) is None
    tinier = Stub(lambda th: 0.5e-13, lambda th: [0.5])
    assert est._backtrack(tinier, one, one, 0.0, one, 1.0) == 1.0


def test_minimize_refuses_a_start_with_no_value():
    """Starting values whose Sigma is not positive definite: theta0 back (as floats), F, NaN gradient, 0
    iterations, not converged, and the reason word for word."""
    stub = Stub(lambda th: np.inf, lambda th: th)
    res = minimize(stub, [1, 2])
    assert isinstance(res, est.Optimum)
    assert res.theta.dtype == np.float64 and res.theta.tolist() == [1.0, 2.0]
    assert res.f == np.inf and res.gradient.shape == (2,) and np.isnan(res.gradient).all()
    assert res.iterations == 0 and res.converged is False
    assert res.message == "the starting values give a model-implied covariance matrix that is not positive definite"


def test_minimize_by_hand():
    """F = |x|^2/2 with the identity as scoring matrix: one Newton step to 0 and, at the next iteration, the
    gradient 0 < tol: converged at iteration 2 with F = 0; the caller's start is not changed."""
    x0 = np.array([1.0, -2.0])
    res = minimize(Stub(half, lambda th: th), x0)
    assert res.converged and res.message == "converged" and res.iterations == 2
    assert res.f == 0.0 and res.theta.tolist() == [0.0, 0.0] and res.gradient.tolist() == [0.0, 0.0]
    assert x0.tolist() == [1.0, -2.0]


def test_minimize_stops_when_no_step_lowers_f_at_the_optimum():
    """At the optimum to rounding (F flat, gradient 5e-8 < 1e-7) no step is taken: converged, with that reason."""
    stub = Stub(lambda th: 0.0, lambda th: [5e-8])
    res = minimize(stub, np.array([1.0]))
    assert res.converged and res.message == "converged (no further decrease)" and res.iterations == 1
    assert res.theta.tolist() == [1.0] and res.f == 0.0


def test_minimize_hands_over_to_bfgs():
    """A scoring matrix that is not positive definite (-1) gives an ascent step that no length makes acceptable
    with the gradient at 0.9 (not yet 1e-7): scipy's BFGS takes over and finds the minimum 0 of x^2/2; with
    max_iter = 0 neither runs (BFGS gets 10 max_iter iterations)."""
    stub = Stub(half, lambda th: th, h=-1.0)
    res = minimize(stub, np.array([0.9]))
    assert res.converged and abs(res.theta[0]) < 1e-9
    assert res.message == "Optimization terminated successfully."
    # max_iter = 0: no scoring and BFGS with maxiter = 10 max_iter = 0 stops at once, as scipy says
    alone = minimize(Stub(half, lambda th: th), np.array([0.9]), max_iter=0)
    assert alone.iterations == 0 and alone.converged is False and alone.theta.tolist() == [0.9]
    assert alone.message == "Maximum number of iterations has been exceeded."


def test_minimize_scores_for_500_iterations_before_bfgs():
    """A scoring matrix of 1e6 on F = x^2/2: each step is x/1e6, accepted at t = 1 (F falls by far more than
    1e-4 t g's); from x = 1 500 of them leave x = (1 - 1e-6)^500 and |g| > 1e-3, then BFGS (the same options as
    minimize's) finishes: 500 + BFGS's iterations."""
    res = minimize(Stub(half, lambda th: th, h=1e6), np.array([1.0]))
    x = 1.0
    for _ in range(500):
        x = x - (x / 1000.0) / 1000.0
    ref = sopt.minimize(half, np.array([x]), jac=lambda th: th, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
    assert res.iterations == 500 + ref.nit
    assert res.converged and abs(res.theta[0]) < 1e-9
