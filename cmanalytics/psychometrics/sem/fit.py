"""Fit measures as lavaan's ``fitMeasures()`` defines them, modification indices and residuals.

With :math:`T` the chi-square, :math:`d` its df, :math:`T_b, d_b` those of the baseline (independence)
model, :math:`N` the total sample size (not N - 1, as lavaan's ``likelihood = "normal"``) and :math:`G` the
number of groups:

* CFI :math:`= 1 - \\max(T-d, 0)/\\max(T-d, T_b-d_b, 0)`, truncated to [0, 1] (1 when both are negative);
* TLI :math:`= (T_b/d_b - T/d)/(T_b/d_b - 1)` (not truncated, as lavaan); TLI, RFI, NFI and IFI take
  lavaan's values at the edges (1 for a saturated model, RFI 1 when :math:`T/d > T_b/d_b`, IFI 1 when
  :math:`T_b < d`);
* RMSEA :math:`= \\sqrt{\\max(T-d, 0)/(N d)}\\,\\sqrt G`; its 90% interval from the non-centrality
  :math:`\\lambda` at which :math:`P(\\chi^2_d(\\lambda) \\le T)` is .95 and .05; p-close
  :math:`= P(\\chi^2_d(N d\\,0.05^2/G) > T)`;
* SRMR (Bentler's): the root mean square of :math:`(s_{ij}-\\hat\\sigma_{ij})/\\sqrt{s_{ii}s_{jj}}` over
  :math:`i \\le j` (and the mean residuals :math:`(\\bar y_i - \\hat\\mu_i)/\\sqrt{s_{ii}}` with a mean
  structure), averaged over groups with weights :math:`N_g/N`;
* AIC :math:`= -2\\log L + 2q`, BIC :math:`= -2\\log L + q\\log N`.

References: Bentler, P. M. (1990). Comparative fit indexes in structural models. Psychological Bulletin 107,
238-246. Steiger, J. H. (1990). Structural model evaluation and modification: an interval estimation
approach. Multivariate Behavioral Research 25, 173-180. Browne, M. W., & Cudeck, R. (1993). Alternative ways
of assessing model fit. Sorbom, D. (1989). Model modification. Psychometrika 54, 371-384.
"""

from __future__ import annotations

import numpy as np

from cmanalytics._lazy import lazy_module

optimize = lazy_module("scipy.optimize")
special = lazy_module("scipy.special")
stats = lazy_module("scipy.stats")


LOG2PI = np.log(2 * np.pi)


def ncp_bound(t: float, df: float, prob: float) -> float:
    """The non-centrality :math:`\\lambda` with :math:`P(\\chi^2_{df}(\\lambda) \\le t) = prob` (0 if none)."""
    if not t > 0:
        return 0.0

    # scipy.special's ufuncs directly: stats.ncx2's machinery costs more than the whole model fit
    def f(lam):
        return (special.chndtr(t, df, lam) if lam > 0 else special.chdtr(df, t)) - prob

    if f(0.0) < 0:
        return 0.0
    hi = max(t, 1.0)
    while f(hi) > 0:
        hi *= 2
    return optimize.brentq(f, 0.0, hi, xtol=1e-12, rtol=1e-14)


def fit_measures(
    chisq: float,
    df: int,
    base_chisq: float,
    base_df: int,
    n: int,
    n_groups: int,
    logl: float,
    logl_h1: float,
    npar: int,
    srmr: float,
    n_rmsea: int | None = None,
) -> dict:
    """lavaan's fitMeasures (names as lavaan's); ``n_rmsea`` the N of the RMSEA (N - G for GLS and ULS)."""
    out = {
        "npar": npar,
        "fmin": chisq / (2 * n),
        "chisq": chisq,
        "df": df,
        "pvalue": float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan,
        "baseline.chisq": base_chisq,
        "baseline.df": base_df,
        "baseline.pvalue": float(stats.chi2.sf(base_chisq, base_df)),
    }
    t1, t2 = chisq - df, base_chisq - base_df
    out["cfi"] = 1.0 if (t1 < 0 and t2 < 0) else 1 - max(t1, 0.0) / max(t1, t2, 0.0)
    # TLI, RFI, NFI and IFI with lavaan's rules at the edges (lav_fit_nnfi, _rfi, _nfi, _ifi): 1 for a saturated
    # model, RFI 1 when the model's chi-square per df exceeds the baseline's, IFI 1 when T_b < d
    tli = (base_chisq / base_df - chisq / df) / (base_chisq / base_df - 1) if (df > 0 and t2 != 0) else 1.0
    out["tli"] = out["nnfi"] = tli
    if df > base_df:
        out["rfi"] = np.nan
    elif df > 0:
        r1, r2 = base_chisq / base_df - chisq / df, base_chisq / base_df
        out["rfi"] = 1.0 if (r1 < 0 or r2 < 0) else r1 / r2
    else:
        out["rfi"] = 1.0
    out["nfi"] = np.nan if df > base_df else ((base_chisq - chisq) / base_chisq if df > 0 else 1.0)
    out["pnfi"] = df / base_df * (base_chisq - chisq) / base_chisq
    i2 = base_chisq - df
    out["ifi"] = 1.0 if i2 < 0 else ((base_chisq - chisq) / i2 if i2 != 0 else np.nan)
    out["rni"] = 1 - t1 / t2 if t2 != 0 else np.nan
    out["logl"], out["unrestricted.logl"] = logl, logl_h1
    out["aic"] = -2 * logl + 2 * npar
    out["bic"] = -2 * logl + npar * np.log(n)
    out["ntotal"] = n
    out["bic2"] = -2 * logl + npar * np.log((n + 2) / 24)
    g = np.sqrt(n_groups)
    n = n if n_rmsea is None else n_rmsea
    if df > 0:
        out["rmsea"] = np.sqrt(max(chisq - df, 0.0) / (n * df)) * g
        out["rmsea.ci.lower"] = np.sqrt(ncp_bound(chisq, df, 0.95) / (n * df)) * g
        out["rmsea.ci.upper"] = np.sqrt(ncp_bound(chisq, df, 0.05) / (n * df)) * g
        out["rmsea.pvalue"] = float(1 - special.chndtr(chisq, df, n * df * 0.05**2 / n_groups))
    else:
        out["rmsea"] = out["rmsea.ci.lower"] = out["rmsea.ci.upper"] = 0.0
        out["rmsea.pvalue"] = np.nan
    out["srmr"] = srmr
    return out


def wlsmv_measures(t, df, t_base, df_base, scaling, baseline_scaling, n, n_groups, npar, srmr) -> dict:
    """The fit measures of a WLSMV fit as lavaan's ``fitMeasures()``: those of :func:`fit_measures` for the DWLS
    statistic ``t`` and its baseline (no likelihood: logl, AIC and BIC left out), and the ".scaled" ones for the
    mean-and-variance adjusted statistics, ``scaling`` = (a, b, aT + b) and ``baseline_scaling`` likewise for the
    baseline (:func:`.categorical.scaled_shifted`); RMSEA on N minus the number of groups, as lavaan."""
    a, b, t_ss = scaling
    a0, _, t_base_ss = baseline_scaling
    args = (n, n_groups, np.nan, np.nan, npar, srmr)
    out = fit_measures(t, df, t_base, df_base, *args, n_rmsea=n - n_groups)
    for k in ("logl", "unrestricted.logl", "aic", "bic", "bic2"):
        out.pop(k)
    scaled = fit_measures(t_ss, df, t_base_ss, df_base, *args, n_rmsea=n - n_groups)
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
    for k in ("cfi", "tli", "nnfi", "rfi", "nfi", "ifi", "rni", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper"):
        out[k + ".scaled"] = scaled[k]
    out["rmsea.pvalue.scaled"] = scaled["rmsea.pvalue"]
    return out


def srmr_group(cov: np.ndarray, sigma: np.ndarray, mean: np.ndarray | None, mu: np.ndarray | None) -> float:
    """Bentler's SRMR of one group: residuals scaled by the observed standard deviations."""
    sd = np.sqrt(np.diag(cov))
    r = (cov - sigma) / np.outer(sd, sd)
    tri = np.tril_indices(len(sd))
    total, count = np.sum(r[tri] ** 2), len(tri[0])
    if mean is not None:
        total += np.sum(((mean - mu) / sd) ** 2)
        count += len(sd)
    return float(np.sqrt(total / count))


def em_saturated(x: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000):
    """The unrestricted (H1) mean vector and covariance matrix of incomplete normal data by EM.

    E step: each row's missing part replaced by its regression on the observed part, with the residual
    covariance added to the cross-products; M step: the moments of the completed data.
    Reference: Little, R. J. A., & Rubin, D. B. (2002). *Statistical Analysis with Missing Data*, ch. 11.
    """
    n, p = x.shape
    obs = ~np.isnan(x)
    keys, inverse = np.unique(obs, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    groups = [(key, x[inverse == k]) for k, key in enumerate(keys) if key.any()]
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    for _ in range(max_iter):
        s1, s2 = np.zeros(p), np.zeros((p, p))
        for o, rows in groups:
            m = ~o
            filled = np.empty((len(rows), p))
            filled[:, o] = rows[:, o]
            extra = np.zeros((p, p))
            if m.any():
                soo = sigma[np.ix_(o, o)]
                b = np.linalg.solve(soo, sigma[np.ix_(o, m)])
                filled[:, m] = mu[m] + (rows[:, o] - mu[o]) @ b
                extra[np.ix_(m, m)] = len(rows) * (sigma[np.ix_(m, m)] - sigma[np.ix_(m, o)] @ b)
            s1 += filled.sum(axis=0)
            s2 += filled.T @ filled + extra
        mu_new = s1 / n
        sigma_new = s2 / n - np.outer(mu_new, mu_new)
        done = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma))) < tol
        mu, sigma = mu_new, sigma_new
        if done:
            break
    return mu, sigma


def loglik_patterns(patterns, sigma: np.ndarray, mu: np.ndarray) -> float:
    """The normal log-likelihood of incomplete data, pattern by pattern."""
    total = 0.0
    for pt in patterns:
        o = pt.observed
        so = sigma[np.ix_(o, o)]
        sign, logdet = np.linalg.slogdet(so)
        inv = np.linalg.inv(so)
        d = pt.mean - mu[o]
        total += -pt.n / 2 * (o.sum() * LOG2PI + logdet + np.sum(inv * pt.cov) + d @ inv @ d)
    return float(total)
