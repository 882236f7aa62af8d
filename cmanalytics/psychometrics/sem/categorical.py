"""Ordinal items: thresholds, polychoric correlations and their asymptotic covariance, DWLS estimation with
robust standard errors and the mean-and-variance adjusted (scaled-shifted) chi-square: lavaan's WLSMV.

Each item is a cut of a standard normal latent response :math:`y^*_j` at thresholds :math:`\\tau_{j1} < \\dots`;
the model is for the correlations of the :math:`y^*` (delta parameterization: :math:`\\mathrm{diag}\\,\\Sigma^* = 1`,
the residual variances :math:`1 - \\mathrm{diag}(\\Lambda\\Psi\\Lambda')` are not free). With the sample thresholds
and polychoric correlations :math:`s = (t, r)`, their asymptotic covariance :math:`\\Gamma` (two-step estimator,
Muthen 1984: case-wise scores :math:`B^{-1}\\,\\mathrm{score}_i` with :math:`B` built from the outer products of the
univariate and bivariate scores, as lavaan), and :math:`W = \\mathrm{diag}(\\Gamma)^{-1}`:

* DWLS: :math:`F = (s - \\sigma(\\theta))' W (s - \\sigma(\\theta))`; with free thresholds only the correlation
  part is left to fit; :math:`T = (N - 1) F_{\\min}` (lavaan's N - 1 for this estimator);
* robust covariance :math:`(\\Delta'W\\Delta)^{-1}\\Delta'W\\Gamma W\\Delta(\\Delta'W\\Delta)^{-1}/(N - 1)`;
* scaled-shifted statistic :math:`T_{ss} = aT + b`, :math:`a = \\sqrt{d/\\mathrm{tr}(U\\Gamma)^2}`,
  :math:`b = d - a\\,\\mathrm{tr}(U\\Gamma)`, :math:`U = W - W\\Delta(\\Delta'W\\Delta)^{-1}\\Delta'W`
  (Asparouhov & Muthen 2010); CFI, TLI and RMSEA "scaled" from :math:`T_{ss}` and the baseline's.

R: ``lavaan::cfa(model, data, ordered = TRUE)`` (estimator WLSMV). References: Muthen, B. (1984). A general
structural equation model with dichotomous, ordered categorical, and continuous latent variable indicators.
Psychometrika 49, 115-132. Asparouhov, T., & Muthen, B. (2010). Simple second order chi-square correction.
Mplus technical appendix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import DataError
from cmanalytics.psychometrics.ordinal import bvn_cdf, bvn_density, polychoric

special = lazy_module("scipy.special")

_BIG = 38.0


@dataclass
class OrdinalMoments:
    """Thresholds (per item), polychoric correlations, and Gamma, the asymptotic covariance of
    (thresholds, correlations below the diagonal by columns) times N."""

    n: int
    thresholds: list
    corr: np.ndarray
    gamma: np.ndarray
    pairs: tuple  # (rows, cols) of the correlations in Gamma's order

    @property
    def n_thresholds(self) -> int:
        return sum(len(t) for t in self.thresholds)


def _phi(x):
    return np.where(np.abs(x) >= _BIG, 0.0, np.exp(-0.5 * np.minimum(x * x, _BIG**2)) / np.sqrt(2 * np.pi))


def ordinal_moments(x: np.ndarray, names) -> OrdinalMoments:
    """Thresholds, polychoric correlations (two-step ML, as lavaan) and their asymptotic covariance."""
    n, p = x.shape
    res = polychoric(x, correct=0.0, missing="listwise")
    rho = res.rho
    codes, taus = [], []
    for j in range(p):
        values = np.unique(x[:, j])
        codes.append(np.searchsorted(values, x[:, j]))
        taus.append(np.asarray(res.tau[j], float))
    # cut points with -inf/+inf as +-BIG, per item
    cuts = [np.concatenate([[-_BIG], t, [_BIG]]) for t in taus]
    th_start = np.concatenate([[0], np.cumsum([len(t) for t in taus])]).astype(int)
    nt = int(th_start[-1])
    # univariate scores of the thresholds
    sc_th = np.zeros((n, nt))
    rows = np.arange(n)
    for j in range(p):
        c = codes[j]
        lo, up = cuts[j][c], cuts[j][c + 1]
        pi = special.ndtr(up) - special.ndtr(lo)
        k = len(taus[j])
        has_up, has_lo = c < k, c > 0
        sc_th[rows[has_up], th_start[j] + c[has_up]] = _phi(up[has_up]) / pi[has_up]
        sc_th[rows[has_lo], th_start[j] + c[has_lo] - 1] = -_phi(lo[has_lo]) / pi[has_lo]
    # bivariate scores: correlation, and the pair likelihood's derivatives in both items' thresholds
    jj, ii = np.triu_indices(p, 1)  # lavaan's order: (2,1), (3,1), ..., (p,1), (3,2), ...
    order = np.lexsort((ii, jj))
    ii, jj = ii[order], jj[order]
    ps = len(ii)
    sc_cor = np.zeros((n, ps))
    a21 = np.zeros((ps, nt))
    for k, (a, b) in enumerate(zip(ii, jj)):
        # everything at the level of the pair's K_a x K_b cells, then read off case by case
        r = rho[a, b]
        s = np.sqrt(1 - r * r)
        xa, yb = cuts[a], cuts[b]
        grid_f = bvn_cdf(xa[:, None], yb[None, :], r)
        grid_d = bvn_density(xa[:, None], yb[None, :], r)
        pi = np.maximum(grid_f[1:, 1:] - grid_f[:-1, 1:] - grid_f[1:, :-1] + grid_f[:-1, :-1], 1e-300)
        dr = (grid_d[1:, 1:] - grid_d[:-1, 1:] - grid_d[1:, :-1] + grid_d[:-1, :-1]) / pi
        # d/dx P(X <= x, y_d < Y <= y_{d+1}) at each cut x of item a, and the same for item b
        gx = _phi(xa)[:, None] * np.diff(special.ndtr((yb[None, :] - r * xa[:, None]) / s), axis=1)
        gy = _phi(yb)[:, None] * np.diff(special.ndtr((xa[None, :] - r * yb[:, None]) / s), axis=1)
        ca, cb = codes[a], codes[b]
        sc_cor[:, k] = dr[ca, cb]
        counts = np.bincount(ca * pi.shape[1] + cb, minlength=pi.size).reshape(pi.shape)
        w = counts * dr / pi
        ka, kb = pi.shape
        # item a: upper cut of category c is threshold c, lower cut is threshold c - 1
        up_a = (w * gx[1:, :]).sum(axis=1)  # per category c of a
        lo_a = -(w * gx[:-1, :]).sum(axis=1)
        a21[k, th_start[a] : th_start[a + 1]] += up_a[:-1] + lo_a[1:]
        up_b = (w * gy[1:, :].T).sum(axis=0)  # per category d of b
        lo_b = -(w * gy[:-1, :].T).sum(axis=0)
        a21[k, th_start[b] : th_start[b + 1]] += up_b[:-1] + lo_b[1:]
    sc = np.hstack([sc_th, sc_cor])
    inner = sc.T @ sc
    a11 = np.zeros((nt, nt))
    for j in range(p):
        sl = slice(th_start[j], th_start[j + 1])
        a11[sl, sl] = inner[sl, sl]
    a22 = np.einsum("ij,ij->j", sc_cor, sc_cor)
    if np.any(a22 <= 0):
        raise DataError("a pair of items has no information on its polychoric correlation (an empty table).")
    a11_inv = np.linalg.inv(a11)
    b_inv = np.zeros((nt + ps, nt + ps))
    b_inv[:nt, :nt] = a11_inv
    b_inv[nt:, nt:] = np.diag(1 / a22)
    b_inv[nt:, :nt] = -(a21 / a22[:, None]) @ a11_inv
    gamma = n * (b_inv @ inner @ b_inv.T)
    return OrdinalMoments(n, taus, rho, gamma, (ii, jj))


def scaled_shifted(t: float, df: int, delta: np.ndarray | None, w: np.ndarray, gamma: np.ndarray):
    """Mean-and-variance adjusted statistic (lavaan's "scaled.shifted"): a, b and aT + b."""
    wg = w[:, None] * gamma
    if delta is None or delta.shape[1] == 0:
        ug = wg
    else:
        wd = w[:, None] * delta
        ug = wg - wd @ np.linalg.solve(delta.T @ wd, wd.T @ gamma)
    tr1, tr2 = np.trace(ug), np.sum(ug * ug.T)
    a = np.sqrt(df / tr2)
    b = df - a * tr1
    return a, b, a * t + b


def fit_ordinal(data, statements, *, std_lv: bool, max_iter: int, warnings: list):
    """WLSMV fit of a model for ordinal items (one group, listwise), as ``cfa(..., ordered = TRUE)``."""
    import pandas as pd

    from cmanalytics.errors import ArgumentError, ConvergenceWarning, diagnose
    from cmanalytics.psychometrics.sem import inference
    from cmanalytics.psychometrics.sem.estimation import Discrepancy, GroupData, minimize
    from cmanalytics.psychometrics.sem.implied import Parameterization
    from cmanalytics.psychometrics.sem.model import THETA, build_table
    from cmanalytics.psychometrics.sem.results import SEMFit, _check_identified, _heywood, start_values

    table = build_table(statements, data.columns, std_lv=std_lv, delta=True)
    st = table.structure
    if st.phantom:
        raise ArgumentError(
            "regressions with observed ordinal variables are not supported; regress latent variables on each other."
        )
    ov = st.ov
    x = data[ov].to_numpy(dtype=float, na_value=np.nan)
    x = x[~np.isnan(x).any(axis=1)]
    p = len(ov)
    if len(x) <= p:
        raise DataError(f"{len(x)} complete rows are too few for {p} ordinal items.")
    om = ordinal_moments(x, ov)
    n = om.n
    ii, jj = om.pairs
    nt = om.n_thresholds
    g_rr = om.gamma[nt:, nt:]
    w_r = 1 / np.diag(g_rr)
    wmat = np.zeros((p, p))
    wmat[ii, jj] = wmat[jj, ii] = w_r / 2
    group = GroupData(n, om.corr, np.zeros(p), x=x)
    par = Parameterization(table)
    disc = Discrepancy(par, [group], "DWLS", False, weights=[wmat])
    theta0 = start_values(table, [group])
    _check_identified(table, par, theta0, False)
    ps = len(ii)
    df = ps - table.n_free
    if df < 0:
        from cmanalytics.psychometrics.sem.results import IdentificationError

        raise IdentificationError(
            f"the model has {table.n_free} free parameters but only {ps} polychoric "
            f"correlations (df = {df}): it is not identified."
        )
    opt = minimize(disc, theta0, max_iter=max_iter)
    if not opt.converged:
        diagnose(
            f"the optimizer did not converge ({opt.message}); the estimates are not the optimum.",
            ConvergenceWarning,
            warnings,
            stacklevel=5,
        )
    mats = par.matrices(opt.theta)
    for mt in mats:  # delta parameterization: the residual variances make each latent response's variance 1
        common = mt.lam @ mt.eta_cov() @ mt.lam.T
        mt.theta[np.diag_indices(p)] = 1 - np.diag(common)
    _heywood(table, mats, ["all"], warnings)
    # robust (sandwich) covariance of the estimates
    ds, _ = par.jacobian(mats[0], 0)
    delta_r = ds[ii + jj * p]
    bread = delta_r.T @ (w_r[:, None] * delta_r)
    meat = (w_r[:, None] * delta_r).T @ g_rr @ (w_r[:, None] * delta_r)
    b_inv = np.linalg.inv(bread)
    vcov = b_inv @ meat @ b_inv / (n - 1)  # lavaan: N - 1 with WLSMV
    values = par.values(opt.theta)
    for k, r in enumerate(table.rows):
        if r.mat == THETA and r.i == r.j:
            values[k] = mats[0].theta[r.i, r.i]
    idx = par.index
    se = np.where(idx >= 0, np.sqrt(np.abs(np.diag(vcov)))[np.maximum(idx, 0)], 0.0)
    std_lv, std_all = inference.standardized(table, values, mats)
    rows = table.rows
    tau = np.concatenate(om.thresholds)
    se_tau = np.sqrt(np.diag(om.gamma[:nt, :nt]) / (n - 1))
    th_lhs = [v for v, t in zip(ov, om.thresholds) for _ in t]
    th_rhs = [f"t{k + 1}" for t in om.thresholds for k in range(len(t))]
    lhs = [r.lhs for r in rows] + th_lhs + ov + st.lv + ov
    op = [r.op for r in rows] + ["|"] * nt + ["~1"] * (p + len(st.lv)) + ["~*~"] * p
    rhs = [r.rhs for r in rows] + th_rhs + [""] * (p + len(st.lv)) + ov
    extra = p + len(st.lv) + p
    est = np.concatenate([values, tau, np.zeros(p + len(st.lv)), np.ones(p)])
    ses = np.concatenate([se, se_tau, np.zeros(extra)])
    free = np.concatenate([idx >= 0, np.ones(nt, bool), np.zeros(extra, bool)])
    z, pv, lo, hi = inference.wald(est, ses)
    z, pv = np.where(free, z, np.nan), np.where(free, pv, np.nan)
    fixed_std = np.concatenate([np.zeros(p + len(st.lv)), np.ones(p)])
    estimates = pd.DataFrame(
        {
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "group": 1,
            "label": [r.label if not r.label.startswith(".") else "" for r in rows] + [""] * (nt + extra),
            "free": free,
            "est": est,
            "se": ses,
            "z": z,
            "p_value": pv,
            "ci.lower": lo,
            "ci.upper": hi,
            "std.lv": np.concatenate([std_lv, tau, fixed_std]),
            "std.all": np.concatenate([std_all, tau, fixed_std]),
        }
    )
    measures = _ordinal_measures(disc, opt, om, delta_r, w_r, g_rr, df, table.n_free + nt, mats[0])
    options = dict(
        group=None,
        std_lv=std_lv,
        meanstructure=False,
        estimator="WLSMV",
        missing="listwise",
        information="expected",
        group_equal=(),
        group_partial=(),
        ordered=tuple(ov),
    )
    return SEMFit(
        estimates,
        measures,
        inference.r_squared(table, mats),
        (n,),
        ("all",),
        "WLSMV",
        "listwise",
        opt.converged,
        opt.iterations,
        tuple(warnings),
        table,
        opt.theta,
        vcov,
        disc,
        options,
        ((om.corr, np.zeros(p)),),
    )


def _ordinal_measures(disc, opt, om, delta_r, w_r, g_rr, df, npar, mats) -> dict:
    from scipy import stats

    from cmanalytics.psychometrics.sem import fit as fitm

    n = om.n
    ii, jj = om.pairs
    t = disc.statistic(opt.theta)
    a, b, t_ss = scaled_shifted(t, df, delta_r, w_r, g_rr)
    r = om.corr[ii, jj]
    t_base = (n - 1) * np.sum(w_r * r * r)
    df_base = len(r)
    a0, b0, t_base_ss = scaled_shifted(t_base, df_base, None, w_r, g_rr)
    sigma, _ = mats.implied()
    resid = om.corr - sigma
    p = len(om.corr)
    # lavaan averages over the p(p + 1)/2 cells with the diagonal, whose residuals are 0 for correlations
    srmr = float(np.sqrt(np.sum(resid[ii, jj] ** 2) / (p * (p + 1) / 2)))
    out = fitm.fit_measures(t, df, t_base, df_base, n, 1, np.nan, np.nan, npar, srmr, n_rmsea=n - 1)
    for k in ("logl", "unrestricted.logl", "aic", "bic", "bic2"):
        out.pop(k)
    scaled = fitm.fit_measures(t_ss, df, t_base_ss, df_base, n, 1, np.nan, np.nan, npar, srmr, n_rmsea=n - 1)
    out.update(
        {
            "chisq.scaled": t_ss,
            "df.scaled": df,
            "pvalue.scaled": float(stats.chi2.sf(t_ss, df)),
            "chisq.scaling.factor": 1 / a,
            "chisq.shift.parameter": b,
            "baseline.chisq.scaled": t_base_ss,
            "baseline.df.scaled": df_base,
            "baseline.pvalue.scaled": float(stats.chi2.sf(t_base_ss, df_base)),
            "baseline.chisq.scaling.factor": 1 / a0,
        }
    )
    for k in (
        "cfi",
        "tli",
        "nnfi",
        "rfi",
        "nfi",
        "ifi",
        "rni",
        "rmsea",
        "rmsea.ci.lower",
        "rmsea.ci.upper",
        "rmsea.pvalue",
    ):
        out[k + ".scaled"] = scaled[k]
    out.update(_robust_indices(om, sigma, delta_r, w_r, g_rr, df))
    return out


def _robust_indices(om, sigma, delta_r, w_r, g_rr, df) -> dict:
    r"""lavaan's "robust" CFI, TLI and RMSEA for ordinal items (Savalei 2021, "catML"): the normal-theory ML
    statistic of the polychoric matrix at the DWLS estimates, :math:`T_3 = N F_{ML}(R, \hat\Sigma)`, and its
    expected value :math:`\hat c\,d` with :math:`\hat c = \mathrm{tr}(U'VU\Gamma)/d`,
    :math:`U = I - \Delta(\Delta'W\Delta)^{-1}\Delta'W`, :math:`V` the ML weight of the correlations; the
    baseline's :math:`T_{3,0} = -N\log|R|` with :math:`\hat c_0 = \mathrm{tr}\,\Gamma/d_0`.

    Reference: Savalei, V. (2021). Improving fit indices in structural equation modeling with categorical
    data. Multivariate Behavioral Research 56, 390-407.
    """
    from cmanalytics.psychometrics.sem import fit as fitm

    n = om.n
    ii, jj = om.pairs
    p = len(om.corr)
    sig = sigma.copy()
    np.fill_diagonal(sig, 1.0)
    inv = np.linalg.inv(sig)
    f_ml = np.linalg.slogdet(sig)[1] + np.sum(om.corr * inv) - np.linalg.slogdet(om.corr)[1] - p
    t3 = n * f_ml
    v = inv[ii][:, ii] * inv[jj][:, jj] + inv[ii][:, jj] * inv[jj][:, ii]
    e_inv = np.linalg.inv(delta_r.T @ (w_r[:, None] * delta_r))
    u = np.eye(len(w_r)) - delta_r @ e_inv @ delta_r.T * w_r[None, :]
    c3 = np.trace(u.T @ v @ u @ g_rr) / df
    df0 = len(w_r)
    t0 = -n * np.linalg.slogdet(om.corr)[1]
    c0 = np.trace(g_rr) / df0
    n_r = n - 1  # lavaan's N for this estimator
    t1 = max(t3 - c3 * df, 0.0)
    t2 = max(t3 - c3 * df, t0 - c0 * df0, 0.0)
    out = {
        "cfi.robust": 1.0 if t2 == 0 else 1 - t1 / t2,
        "tli.robust": 1 - ((t3 - c3 * df) * df0) / ((t0 - c0 * df0) * df),
        "rmsea.robust": float(np.sqrt(max(t3 / n_r / df - c3 / n_r, 0.0))),
    }
    scaled = t3 / c3
    out["rmsea.ci.lower.robust"] = float(np.sqrt(c3 * fitm.ncp_bound(scaled, df, 0.95) / (n_r * df)))
    out["rmsea.ci.upper.robust"] = float(np.sqrt(c3 * fitm.ncp_bound(scaled, df, 0.05) / (n_r * df)))
    out["rmsea.pvalue.robust"] = float(1 - special.chndtr(scaled, df, n_r * df * 0.05**2 / c3))
    return out
