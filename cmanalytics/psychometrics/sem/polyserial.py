"""Sample statistics of ordinal and continuous variables together, for WLSMV with mixed indicators: thresholds
of the ordinal items, means and variances of the continuous ones, polychoric (ordinal pairs), polyserial
(continuous-ordinal) and Pearson (continuous pairs) correlations turned into covariances on the continuous
variables' scale, and :math:`\\Gamma`, N times the asymptotic covariance of the whole vector.

Two-step estimation (Olsson 1979; Olsson, Drasgow & Dorans 1982), as lavaan: first each variable on its own
(an ordinal item's thresholds :math:`\\tau_k = \\Phi^{-1}(P(X \\le k))`; a continuous variable's mean and
variance, divisor N), then each pair's correlation by maximum likelihood with those fixed. For a continuous
:math:`y` and an ordinal :math:`x` in category :math:`c`, with :math:`z = (y-\\mu)/\\sigma` and
:math:`u_k = (\\tau_k - \\rho z)/\\sqrt{1-\\rho^2}`, the polyserial likelihood of a case is
:math:`\\phi(z)/\\sigma\\,[\\Phi(u_c) - \\Phi(u_{c-1})]`.

:math:`\\Gamma` follows Muthen (1984) as lavaan's ``muthen1984``: with the case-wise scores of every first-
and second-step parameter :math:`S` (N x m), :math:`B = [A_{11}\\; 0; A_{21}\\; A_{22}]` (:math:`A_{11}` the
per-variable blocks of :math:`S'S`, :math:`A_{21}` the cross products of each pair's correlation score with
that pair's scores in its two variables' parameters, :math:`A_{22}` the diagonal of the correlation scores'),
:math:`\\Gamma = N\\,H B^{-1} S'S B^{-T} H'`, :math:`H` the Jacobian of (correlation -> covariance) for pairs with a
continuous member. As lavaan, a continuous variable's entry among the thresholds is minus its mean.

Why numerics of our own: no Python library gives the polyserial correlation with its asymptotic covariance
jointly with the polychoric ones. R: ``lavInspect(cfa(model, data, ordered = c(...)), "wls.obs")`` and
``lavInspect(fit, "gamma")``. References: Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial
correlation coefficient. Psychometrika 47, 337-347. Muthen, B. (1984). A general structural equation model
with dichotomous, ordered categorical, and continuous latent variable indicators. Psychometrika 49, 115-132.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import DataError
from cmanalytics.psychometrics.ordinal import bvn_cdf, bvn_density, polychoric
from cmanalytics.psychometrics.sem.categorical import two_step_inverse

optimize = lazy_module("scipy.optimize")
special = lazy_module("scipy.special")

_BIG = 38.0  # a cut point standing for infinity: Phi and phi are 1/0 to double precision beyond it


def _phi(x):
    return np.where(np.abs(x) >= _BIG, 0.0, np.exp(-0.5 * np.minimum(x * x, _BIG**2)) / np.sqrt(2 * np.pi))


@dataclass
class MixedMoments:
    """``obs``: thresholds (continuous variables: minus the mean) variable by variable, the continuous
    variables' variances, then the covariances below the diagonal by columns (lavaan's ``wls.obs`` order);
    ``gamma``: N times their asymptotic covariance; ``cov``: the matrix of the second-step covariances with the
    continuous variances (1 for ordinal items) on the diagonal."""

    n: int
    ordinal: np.ndarray  # bool per variable
    thresholds: list  # per variable: its thresholds, or [minus the mean] for a continuous one
    variances: np.ndarray  # of the continuous variables, in their order
    cov: np.ndarray
    obs: np.ndarray
    gamma: np.ndarray
    pairs: tuple  # (rows, cols) of the covariances in obs/gamma order


def polyserial(y: np.ndarray, codes: np.ndarray, tau: np.ndarray, mean: float, var: float) -> float:
    """The two-step ML polyserial correlation of a continuous ``y`` and an ordinal item (``codes`` 0..K-1,
    thresholds ``tau``), with ``mean`` and ``var`` (divisor N) of y fixed. R: ``polycor::polyserial(y, x)``
    (two-step) or lavaan's ``lavCor(..., ordered = "x")``."""
    z = (y - mean) / np.sqrt(var)
    cuts = np.concatenate([[-_BIG], tau, [_BIG]])
    up, lo = cuts[codes + 1], cuts[codes]

    def negloglik(rho):
        s = np.sqrt(1 - rho * rho)
        p = special.ndtr((up - rho * z) / s) - special.ndtr((lo - rho * z) / s)
        return -np.sum(np.log(np.maximum(p, 1e-300)))

    # one parameter on a bounded interval: the likelihood is smooth and unimodal in practice (lavaan's bounds)
    res = optimize.minimize_scalar(negloglik, bounds=(-0.995, 0.995), method="bounded", options={"xatol": 1e-12})
    return float(res.x)


def _ordinal_univariate(col: np.ndarray):
    values, codes = np.unique(col, return_inverse=True)
    if len(values) < 2:
        raise DataError("an ordinal item has a single category: it carries no information.")
    cum = np.cumsum(np.bincount(codes)) / len(col)
    return codes, special.ndtri(cum[:-1])


def _threshold_scores(codes, tau) -> np.ndarray:
    """d log P(X = c)/d tau_k case by case."""
    cuts = np.concatenate([[-_BIG], tau, [_BIG]])
    lo, up = cuts[codes], cuts[codes + 1]
    p = special.ndtr(up) - special.ndtr(lo)
    k = len(tau)
    out = np.zeros((len(codes), k))
    rows = np.arange(len(codes))
    has_up, has_lo = codes < k, codes > 0
    out[rows[has_up], codes[has_up]] = _phi(up[has_up]) / p[has_up]
    out[rows[has_lo], codes[has_lo] - 1] = -_phi(lo[has_lo]) / p[has_lo]
    return out


def _pair_ordinal(ca, cb, ta, tb, rho):
    """Two ordinal items: case-wise scores of the pair's log-likelihood in rho, tau_a, tau_b."""
    s = np.sqrt(1 - rho * rho)
    xa, yb = np.concatenate([[-_BIG], ta, [_BIG]]), np.concatenate([[-_BIG], tb, [_BIG]])
    f = bvn_cdf(xa[:, None], yb[None, :], rho)
    d = bvn_density(xa[:, None], yb[None, :], rho)
    pi = np.maximum(f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1], 1e-300)
    dr = (d[1:, 1:] - d[:-1, 1:] - d[1:, :-1] + d[:-1, :-1]) / pi
    # d/dx P(X <= x, y_d < Y <= y_{d+1}) at each cut x of item a, and the same for item b
    gx = _phi(xa)[:, None] * np.diff(special.ndtr((yb[None, :] - rho * xa[:, None]) / s), axis=1)
    gy = _phi(yb)[:, None] * np.diff(special.ndtr((xa[None, :] - rho * yb[:, None]) / s), axis=1)
    ka, kb = len(ta), len(tb)
    n = len(ca)
    rows = np.arange(n)
    p = pi[ca, cb]
    sa, sb = np.zeros((n, ka)), np.zeros((n, kb))
    ok = ca < ka
    sa[rows[ok], ca[ok]] += gx[ca[ok] + 1, cb[ok]] / p[ok]
    ok = ca > 0
    sa[rows[ok], ca[ok] - 1] -= gx[ca[ok], cb[ok]] / p[ok]
    ok = cb < kb
    sb[rows[ok], cb[ok]] += gy[cb[ok] + 1, ca[ok]] / p[ok]
    ok = cb > 0
    sb[rows[ok], cb[ok] - 1] -= gy[cb[ok], ca[ok]] / p[ok]
    return dr[ca, cb], sa, sb


def _pair_mixed(y, mean, var, codes, tau, rho):
    """Continuous y, ordinal x: case-wise scores of the pair's log-likelihood (the normal density of y
    included) in rho, y's mean and variance, and x's thresholds."""
    sd = np.sqrt(var)
    z = (y - mean) / sd
    s = np.sqrt(1 - rho * rho)
    cuts = np.concatenate([[-_BIG], tau, [_BIG]])
    up, lo = cuts[codes + 1], cuts[codes]
    uu, ul = (up - rho * z) / s, (lo - rho * z) / s
    pu, pl = _phi(uu), _phi(ul)
    p = np.maximum(special.ndtr(uu) - special.ndtr(ul), 1e-300)
    # du/drho = (rho tau - z)/s^3; du/dz = -rho/s; the infinite cuts contribute nothing (phi = 0 there)
    up_f, lo_f = np.where(np.abs(up) >= _BIG, 0.0, up), np.where(np.abs(lo) >= _BIG, 0.0, lo)
    d_rho = (pu * (rho * up_f - z) - pl * (rho * lo_f - z)) / (s**3 * p)
    d_z = -rho / s * (pu - pl) / p
    d_mean = z / sd - d_z / sd
    d_var = (z * z - 1) / (2 * var) - d_z * z / (2 * var)
    k = len(tau)
    n = len(y)
    rows = np.arange(n)
    d_tau = np.zeros((n, k))
    ok = codes < k
    d_tau[rows[ok], codes[ok]] = pu[ok] / (s * p[ok])
    ok = codes > 0
    d_tau[rows[ok], codes[ok] - 1] -= pl[ok] / (s * p[ok])
    return d_rho, d_mean, d_var, d_tau


def _pair_continuous(y1, m1, v1, y2, m2, v2, rho):
    """Two continuous variables: case-wise scores of the bivariate normal log-likelihood in rho and in both
    means and variances."""
    z1, z2 = (y1 - m1) / np.sqrt(v1), (y2 - m2) / np.sqrt(v2)
    r2 = 1 - rho * rho
    q = z1 * z1 - 2 * rho * z1 * z2 + z2 * z2
    d_rho = rho / r2 + z1 * z2 / r2 - rho * q / r2**2
    dz1, dz2 = -(z1 - rho * z2) / r2, -(z2 - rho * z1) / r2
    return (
        d_rho,
        -dz1 / np.sqrt(v1),
        -1 / (2 * v1) - dz1 * z1 / (2 * v1),
        -dz2 / np.sqrt(v2),
        -1 / (2 * v2) - dz2 * z2 / (2 * v2),
    )


@dataclass
class _Margins:
    """The first step, each variable on its own: ordinal codes and thresholds, continuous means and variances,
    and the case-wise scores of all those parameters (thresholds or mean of each variable in turn, then the
    continuous variances)."""

    codes: dict
    taus: dict
    means: dict
    vars_: dict
    scores: np.ndarray  # N x n11
    th_start: np.ndarray  # variable j's threshold (or mean) scores are columns th_start[j]:th_start[j + 1]
    var_col: dict  # continuous variable -> the column of its variance's score
    num: np.ndarray  # the continuous variables

    @property
    def n11(self) -> int:
        return self.scores.shape[1]


def mixed_moments(x: np.ndarray, ordinal: np.ndarray) -> MixedMoments:
    """Thresholds, means, variances, correlations as covariances, and Gamma for complete data ``x`` (N x p)
    whose columns flagged in ``ordinal`` are ordinal items (any ordered codes) and the others continuous."""
    n, p = x.shape
    ordinal = np.asarray(ordinal, bool)
    m = _margins(x, ordinal)
    # second step: the pairs, below the diagonal by columns (lavaan's order)
    jj, ii = np.triu_indices(p, 1)
    order = np.lexsort((ii, jj))
    ii, jj = ii[order], jj[order]
    rho, sc_cor, a21, h21, h22 = _pairs(x, ordinal, m, ii, jj)
    gamma = _gamma(m, sc_cor, a21, h21, h22, n)
    num = m.num
    sd = np.ones(p)
    sd[num] = np.sqrt([m.vars_[j] for j in num])
    cov = rho * np.outer(sd, sd)
    thresholds = [m.taus[j] if ordinal[j] else np.array([-m.means[j]]) for j in range(p)]
    variances = np.array([m.vars_[j] for j in num])
    obs = np.concatenate([np.concatenate(thresholds), variances, cov[ii, jj]])
    return MixedMoments(n, ordinal, thresholds, variances, cov, obs, gamma, (ii, jj))


def _margins(x: np.ndarray, ordinal: np.ndarray) -> _Margins:
    """First step of :func:`mixed_moments`: each variable's thresholds or mean and variance, with their scores."""
    n, p = x.shape
    num = np.flatnonzero(~ordinal)
    codes, taus, means, vars_ = {}, {}, {}, {}
    th_cols, sc_th = [], []
    for j in range(p):
        if ordinal[j]:
            codes[j], taus[j] = _ordinal_univariate(x[:, j])
            sc_th.append(_threshold_scores(codes[j], taus[j]))
        else:
            means[j], vars_[j] = x[:, j].mean(), x[:, j].var()
            sc_th.append(((x[:, j] - means[j]) / vars_[j])[:, None])
        th_cols.append(sc_th[-1].shape[1])
    th_start = np.concatenate([[0], np.cumsum(th_cols)]).astype(int)
    nt = int(th_start[-1])
    sc_var = (
        np.column_stack([((x[:, j] - means[j]) ** 2 - vars_[j]) / (2 * vars_[j] ** 2) for j in num])
        if len(num)
        else np.zeros((n, 0))
    )
    var_col = {j: nt + k for k, j in enumerate(num)}
    return _Margins(codes, taus, means, vars_, np.hstack([np.hstack(sc_th), sc_var]), th_start, var_col, num)


def _pairs(x: np.ndarray, ordinal: np.ndarray, m: _Margins, ii, jj):
    """Second step of :func:`mixed_moments`: each pair's correlation, its scores, their cross products with the
    first-step scores (A21) and the Jacobian of correlation -> covariance (H21, H22)."""
    n, p = x.shape
    ps = len(ii)
    th_start, var_col, codes, taus, means, vars_ = m.th_start, m.var_col, m.codes, m.taus, m.means, m.vars_
    ord_idx = np.flatnonzero(ordinal)
    rho_ord = polychoric(x[:, ord_idx], correct=0.0, missing="listwise").rho if len(ord_idx) > 1 else None
    sc_cor = np.zeros((n, ps))
    a21 = np.zeros((ps, m.n11))
    h21 = np.zeros((ps, m.n11))
    h22 = np.ones(ps)
    rho = np.eye(p)
    for k, (i, j) in enumerate(zip(ii, jj)):
        th_i, th_j = slice(th_start[i], th_start[i + 1]), slice(th_start[j], th_start[j + 1])
        if ordinal[i] and ordinal[j]:
            a, b = np.searchsorted(ord_idx, i), np.searchsorted(ord_idx, j)
            r = rho_ord[a, b]
            s_r, s_i, s_j = _pair_ordinal(codes[i], codes[j], taus[i], taus[j], r)
            sc_cor[:, k] = s_r
            a21[k, th_i], a21[k, th_j] = s_r @ s_i, s_r @ s_j
        elif ordinal[i] or ordinal[j]:
            c, o = (j, i) if ordinal[i] else (i, j)
            r = polyserial(x[:, c], codes[o], taus[o], means[c], vars_[c])
            s_r, s_m, s_v, s_t = _pair_mixed(x[:, c], means[c], vars_[c], codes[o], taus[o], r)
            sc_cor[:, k] = s_r
            a21[k, slice(th_start[c], th_start[c + 1])] = s_r @ s_m
            a21[k, var_col[c]] = s_r @ s_v
            a21[k, slice(th_start[o], th_start[o + 1])] = s_r @ s_t
            h21[k, var_col[c]] = r / (2 * np.sqrt(vars_[c]))
            h22[k] = np.sqrt(vars_[c])
        else:
            r = np.mean((x[:, i] - means[i]) * (x[:, j] - means[j])) / np.sqrt(vars_[i] * vars_[j])
            s_r, s_mi, s_vi, s_mj, s_vj = _pair_continuous(x[:, i], means[i], vars_[i], x[:, j], means[j], vars_[j], r)
            sc_cor[:, k] = s_r
            a21[k, th_i], a21[k, var_col[i]] = s_r @ s_mi, s_r @ s_vi
            a21[k, th_j], a21[k, var_col[j]] = s_r @ s_mj, s_r @ s_vj
            h21[k, var_col[i]] = np.sqrt(vars_[j]) * r / (2 * np.sqrt(vars_[i]))
            h21[k, var_col[j]] = np.sqrt(vars_[i]) * r / (2 * np.sqrt(vars_[j]))
            h22[k] = np.sqrt(vars_[i] * vars_[j])
        rho[i, j] = rho[j, i] = r
    return rho, sc_cor, a21, h21, h22


def _gamma(m: _Margins, sc_cor, a21, h21, h22, n: int) -> np.ndarray:
    """Third step of :func:`mixed_moments`: Gamma = N H B^-1 S'S B^-T H' from the scores of both steps."""
    th_start, var_col, n11, ps = m.th_start, m.var_col, m.n11, sc_cor.shape[1]
    sc = np.hstack([m.scores, sc_cor])
    inner = sc.T @ sc
    a11 = np.zeros((n11, n11))
    for j in range(len(th_start) - 1):
        idx = list(range(th_start[j], th_start[j + 1])) + ([var_col[j]] if j in var_col else [])
        a11[np.ix_(idx, idx)] = inner[np.ix_(idx, idx)]
    b_inv = two_step_inverse(
        a11, a21, sc_cor, "a pair of variables has no information on its correlation (an empty table)."
    )
    h = np.eye(n11 + ps)
    h[n11:, :n11] = h21
    h[n11:, n11:] = np.diag(h22)
    hb = h @ b_inv
    gamma = n * (hb @ inner @ hb.T)
    # lavaan's sign for a continuous variable among the thresholds: minus its mean
    flip = np.ones(n11 + ps)
    flip[[th_start[j] for j in m.num]] = -1.0
    return gamma * flip[:, None] * flip[None, :]
