"""Discrepancy functions (ML, GLS, ULS, FIML) with analytic gradients, and the optimizer.

Why numerics of our own: semopy, which ``cfa()`` used to wrap, is unmaintained (last release January 2024),
stops about 1e-3 short of lavaan's optimum and gets the FIML chi-square wrong; the model here is small
enough that Fisher scoring on analytic derivatives reaches lavaan's solution to machine precision in a few
iterations, faster than a general-purpose quasi-Newton method.

Fit functions, per group g with :math:`N_g` cases (:math:`S` the covariance matrix with divisor
:math:`N_g`, as lavaan's ``likelihood = "normal"``), summed with weights :math:`N_g/N`:

* ML: :math:`F = \\log|\\Sigma| + \\mathrm{tr}(S\\Sigma^{-1}) - \\log|S| - p + (\\bar y-\\mu)'\\Sigma^{-1}(\\bar y-\\mu)`
* GLS: :math:`F = \\tfrac12\\mathrm{tr}\\{[S^{-1}(S-\\Sigma)]^2\\} + (\\bar y-\\mu)'S^{-1}(\\bar y-\\mu)`
* ULS: :math:`F = \\sum_{i\\le j}(s_{ij}-\\sigma_{ij})^2 + \\sum_i(\\bar y_i-\\mu_i)^2`
* FIML: :math:`F = -\\tfrac2N\\sum_i \\log\\phi(y_{i,o}; \\mu_o, \\Sigma_{oo})` up to a constant, case by case
  over the observed part of each row (grouped by pattern of missingness).

The chi-square statistic is :math:`N F_{\\min}` (ML, GLS) as in lavaan (which writes :math:`2N` times half
of these). Reference: Browne, M. W. (1982). Covariance structures. In Hawkins (ed.), *Topics in applied
multivariate analysis*, 72-141. Cambridge University Press.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.psychometrics.sem.implied import Matrices, Parameterization

linalg = lazy_module("scipy.linalg")
optimize = lazy_module("scipy.optimize")

ESTIMATORS = ("ML", "GLS", "ULS")


@dataclass
class Pattern:
    observed: np.ndarray  # bool mask over the p variables
    n: int
    mean: np.ndarray  # of the observed part
    cov: np.ndarray  # divisor n


@dataclass
class GroupData:
    """One group's sample moments (divisor N) and, for FIML, its patterns of missingness."""

    n: int
    cov: np.ndarray
    mean: np.ndarray
    patterns: list[Pattern] = field(default_factory=list)
    x: np.ndarray | None = None

    @classmethod
    def complete(cls, x: np.ndarray) -> GroupData:
        n = len(x)
        mean = x.mean(axis=0)
        xc = x - mean
        return cls(n, xc.T @ xc / n, mean, x=x)

    @classmethod
    def incomplete(cls, x: np.ndarray) -> GroupData:
        """Rows grouped by pattern of observed values; the moments are of each pattern's rows."""
        obs = ~np.isnan(x)
        keys, inverse = np.unique(obs, axis=0, return_inverse=True)
        pats = []
        for k, key in enumerate(keys):
            if not key.any():
                continue
            rows = x[np.ravel(inverse) == k][:, key]
            mean = rows.mean(axis=0)
            xc = rows - mean
            pats.append(Pattern(key, len(rows), mean, xc.T @ xc / len(rows)))
        n = sum(pt.n for pt in pats)
        return cls(n, np.full((x.shape[1],) * 2, np.nan), np.full(x.shape[1], np.nan), pats, x=x)


def sandwich(ds: np.ndarray, w: np.ndarray, p: int) -> np.ndarray:
    """:math:`\\Delta'(W\\otimes W)\\Delta` without forming the p^2 x p^2 Kronecker product: each column of
    :math:`\\Delta` is a p x p matrix :math:`D_k`, and :math:`(W\\otimes W)\\mathrm{vec}D_k = \\mathrm{vec}(WD_kW)`."""
    q = ds.shape[1]
    dk = ds.T.reshape(q, p, p)  # rows of ds are column-major vec; the transpose does not matter, D_k symmetric
    wdw = w @ dk @ w
    return dk.reshape(q, -1) @ wdw.reshape(q, -1).T


class Discrepancy:
    """The fit function summed over groups, its gradient and the Fisher-scoring (Gauss-Newton) matrix."""

    def __init__(
        self,
        par: Parameterization,
        groups: list[GroupData],
        estimator: str,
        meanstructure: bool,
        fiml: bool = False,
        weights: list | None = None,
    ):
        self.par, self.groups, self.estimator, self.meanstructure, self.fiml = (
            par,
            groups,
            estimator,
            meanstructure,
            fiml,
        )
        self.n = sum(g.n for g in groups)
        self.weights = [g.n / self.n for g in groups]
        p = par.p
        # lavaan's GLS and ULS work on the unbiased covariance matrix (divisor N - 1), ML on divisor N
        self.cov = [g.cov if estimator in ("ML", "DWLS") or fiml else g.cov * g.n / (g.n - 1) for g in groups]
        self._wgt = []
        for g, cov in zip(groups, self.cov):
            if fiml:
                self._wgt.append(None)
            elif estimator == "GLS":
                self._wgt.append(np.linalg.inv(cov))
            elif estimator == "ULS":
                self._wgt.append((np.ones((p, p)) + np.eye(p)) / 2)
            elif estimator == "DWLS":  # weights on each correlation, half on each of its two cells
                self._wgt.append(weights[len(self._wgt)])
            else:
                self._wgt.append(None)
            if not fiml and estimator == "ML":
                sign, logdet = np.linalg.slogdet(g.cov)
                g.logdet = logdet

    # ---- one group --------------------------------------------------------------------------------------
    def _group(self, mats: Matrices, g: int, k: int, need: int):
        """value (need 0), + gradient (1), + Gauss-Newton matrix (2)."""
        data = self.groups[g]
        sigma, mu = mats.implied()
        if self.fiml:
            return self._fiml(sigma, mu, mats, g, need)
        p = self.par.p
        cov = self.cov[g]
        d = data.mean - mu if self.meanstructure else np.zeros(p)
        if self.estimator == "ML":
            try:
                chol = np.linalg.cholesky(sigma)
            except np.linalg.LinAlgError:
                return (np.inf, None, None)
            inv = np.linalg.inv(sigma)
            logdet = 2 * np.log(np.diag(chol)).sum()
            invd = inv @ d
            f = logdet + np.sum(inv * data.cov) - data.logdet - p + d @ invd
            if need == 0:
                return f, None, None
            gs = inv - inv @ (data.cov + np.outer(d, d)) @ inv
            gm = -2 * invd
            w_sig, w_mu = inv, 2 * inv
        elif self.estimator == "GLS":
            w = self._wgt[g]
            r = w @ (cov - sigma)
            wd = w @ d
            f = 0.5 * np.sum(r * r.T) + d @ wd
            if need == 0:
                return f, None, None
            gs = -r @ w
            gm = -2 * wd
            w_sig, w_mu = w, 2 * w
        else:  # ULS, DWLS
            w = self._wgt[g]
            r = cov - sigma
            f = np.sum(w * r * r) + d @ d
            if need == 0:
                return f, None, None
            gs = -2 * w * r
            gm = -2 * d
            w_sig, w_mu = None, 2 * np.eye(p)
        grad = self.par.gradient(mats, g, gs, gm if self.meanstructure else None)
        if need == 1:
            return f, grad, None
        ds, dm = self.par.jacobian(mats, g)
        h = sandwich(ds, w_sig, p) if w_sig is not None else 2 * ds.T @ (self._wgt[g].ravel(order="F")[:, None] * ds)
        if self.meanstructure:
            h = h + dm.T @ w_mu @ dm
        return f, grad, h

    def _fiml(self, sigma, mu, mats, g, need):
        p = self.par.p
        data = self.groups[g]
        f = 0.0
        gs, gm = np.zeros((p, p)), np.zeros(p)
        h_parts = []
        for pt in data.patterns:
            o = pt.observed
            so = sigma[np.ix_(o, o)]
            try:
                c = linalg.cho_factor(so)
            except linalg.LinAlgError:
                return (np.inf, None, None)
            inv = linalg.cho_solve(c, np.eye(o.sum()))
            d = pt.mean - mu[o]
            invd = inv @ d
            w = pt.n / data.n
            f += w * (2 * np.log(np.diag(c[0])).sum() + np.sum(inv * pt.cov) + d @ invd)
            if need:
                gs[np.ix_(o, o)] += w * (inv - inv @ (pt.cov + np.outer(d, d)) @ inv)
                gm[o] += w * (-2 * invd)
            if need == 2:
                full = np.zeros((p, p))
                full[np.ix_(o, o)] = inv
                h_parts.append((w, full))
        if need == 0:
            return f, None, None
        grad = self.par.gradient(mats, g, gs, gm)
        if need == 1:
            return f, grad, None
        ds, dm = self.par.jacobian(mats, g)
        h = np.zeros((ds.shape[1],) * 2)
        for w, full in h_parts:
            h += w * (sandwich(ds, full, p) + 2 * dm.T @ full @ dm)
        return f, grad, h

    # ---- all groups -------------------------------------------------------------------------------------
    def evaluate(self, theta: np.ndarray, need: int = 2):
        mats = self.par.matrices(theta)
        f, grad, h = 0.0, np.zeros(len(theta)), np.zeros((len(theta),) * 2)
        for g, (mt, w) in enumerate(zip(mats, self.weights)):
            fg, gg, hg = self._group(mt, g, g, need)
            if not np.isfinite(fg):
                return np.inf, None, None
            f += w * fg
            if need >= 1:
                grad += w * gg
            if need == 2:
                h += w * hg
        return f, grad, (h if need == 2 else None)

    def statistic(self, theta) -> float:
        """The test statistic: :math:`\\sum_g N_g F_g` for ML, :math:`\\sum_g (N_g - 1) F_g` for GLS, ULS and
        DWLS (lavaan)."""
        mats = self.par.matrices(theta)
        shift = 0 if self.estimator == "ML" else 1
        return float(
            sum((d.n - shift) * self._group(mt, g, g, 0)[0] for g, (mt, d) in enumerate(zip(mats, self.groups)))
        )

    def value(self, theta):
        return self.evaluate(theta, 0)[0]

    def gradient(self, theta):
        """The analytic gradient; NaN where the implied covariance matrix is not positive definite (F is
        infinite there), so that an optimizer's line search backs off instead of failing on a missing array."""
        g = self.evaluate(theta, 1)[1]
        return np.full(len(theta), np.nan) if g is None else g

    def hessian(self, theta, step: float = 1e-6, central: bool = True) -> np.ndarray:
        """The observed Hessian of F by differences of the analytic gradient (symmetrized): central for
        standard errors, forward (half the cost) for the optimizer's Newton steps."""
        q = len(theta)
        h = np.empty((q, q))
        g0 = None if central else self.gradient(theta)
        for k in range(q):
            e = np.zeros(q)
            e[k] = step
            if central:
                h[:, k] = (self.gradient(theta + e) - self.gradient(theta - e)) / (2 * step)
            else:
                h[:, k] = (self.gradient(theta + e) - g0) / step
        return (h + h.T) / 2


def _backtrack(disc, theta, step, f, g, gmax) -> float | None:
    """The step length, halved from 1 until F decreases enough (Armijo), or None if no length does."""
    t, slope = 1.0, g @ step
    while t > 1e-12:
        fn = disc.value(theta - t * step)
        if np.isfinite(fn) and fn <= f - 1e-4 * t * max(slope, 0.0):
            return t
        # within rounding of the optimum F cannot tell steps apart; the gradient still can
        if (
            np.isfinite(fn)
            and abs(fn - f) <= 1e-13 * max(1.0, abs(f))
            and np.max(np.abs(disc.gradient(theta - t * step))) < gmax
        ):
            return t
        t /= 2
    return None


def _bfgs(disc: Discrepancy, theta: np.ndarray, tol: float, max_iter: int):
    """scipy's BFGS on F with the analytic gradient, the fallback when scoring stalls."""
    return optimize.minimize(
        disc.value, theta, jac=disc.gradient, method="BFGS", options={"gtol": tol, "maxiter": 10 * max_iter}
    )


@dataclass
class Optimum:
    theta: np.ndarray
    f: float
    gradient: np.ndarray
    iterations: int
    converged: bool
    message: str


def minimize(disc: Discrepancy, theta0: np.ndarray, *, max_iter: int = 500, tol: float = 1e-9) -> Optimum:
    """Fisher scoring (Gauss-Newton on the fit function) with backtracking; near the optimum the scoring
    matrix is corrected by BFGS updates, because scoring alone converges only linearly when the model
    misfits (the expected information is then not the Hessian). scipy's BFGS takes over if both stall."""
    theta = np.asarray(theta0, float).copy()
    f, g, h = disc.evaluate(theta)
    if not np.isfinite(f):
        return Optimum(
            theta,
            f,
            np.full(len(theta), np.nan),
            0,
            False,
            "the starting values give a model-implied covariance matrix that is not positive definite",
        )
    it = 0
    quasi = None  # the BFGS-corrected scoring matrix, once |g| < 1e-3
    for it in range(1, max_iter + 1):
        gmax = np.max(np.abs(g))
        if gmax < tol:
            return Optimum(theta, f, g, it, True, "converged")
        if quasi is None and gmax < 1e-3:
            quasi = h if h is not None else disc.evaluate(theta, 2)[2]
        if quasi is not None:
            h = quasi
        elif h is None:
            h = disc.evaluate(theta, 2)[2]
        try:
            step = linalg.cho_solve(linalg.cho_factor(h), g)
        except (linalg.LinAlgError, ValueError):
            quasi = None
            h = disc.evaluate(theta, 2)[2]
            step = np.linalg.lstsq(h, g, rcond=None)[0]
        t = _backtrack(disc, theta, step, f, g, gmax)
        if t is None:
            if gmax < 1e-7:  # at the optimum to rounding: no step can lower F any more
                return Optimum(theta, f, g, it, True, "converged (no further decrease)")
            break
        theta_new = theta - t * step
        g_old = g
        f, g, h = disc.evaluate(theta_new, 1 if quasi is not None else 2)
        if quasi is not None:
            s_k, y_k = theta_new - theta, g - g_old
            sy = s_k @ y_k
            if sy > 1e-12 * np.linalg.norm(s_k) * np.linalg.norm(y_k):
                bs = quasi @ s_k
                quasi = quasi - np.outer(bs, bs) / (s_k @ bs) + np.outer(y_k, y_k) / sy
        theta = theta_new
    res = _bfgs(disc, theta, tol, max_iter)
    g = disc.gradient(res.x) if np.isfinite(res.fun) else np.full(len(theta), np.nan)
    if not np.max(np.abs(g)) < 1e-6:  # NaN (F infinite) is not below it either
        # scoring can crawl along a ridge into another basin (a Heywood model of Holzinger-Swineford with a
        # cross-loading: F stuck near 0.379 after 500 steps, where lavaan's nlminb reaches 0.2461 from the
        # start); BFGS from the start values as well, and the lower of the two is kept
        fresh = _bfgs(disc, np.asarray(theta0, float), tol, max_iter)
        if np.isfinite(fresh.fun) and not fresh.fun >= res.fun:
            res, g = fresh, disc.gradient(fresh.x)
    ok = bool(np.isfinite(res.fun) and np.max(np.abs(g)) < 1e-6)
    return Optimum(res.x, float(res.fun), g, it + int(res.nit), ok, str(res.message))
