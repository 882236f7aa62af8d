"""Standard errors, z, p and confidence intervals; the standardized solutions std.lv and std.all; R-squared.

* Expected information (lavaan's default for complete-data ML):
  :math:`J = \\sum_g N_g\\,[\\tfrac12\\Delta_g'(\\Sigma_g^{-1}\\otimes\\Sigma_g^{-1})\\Delta_g
  + \\Delta_{\\mu g}'\\Sigma_g^{-1}\\Delta_{\\mu g}]`,
  with :math:`\\Delta = \\partial\\,\\mathrm{vec}\\,\\Sigma/\\partial\\theta'`; :math:`\\mathrm{Cov}(\\hat\\theta) = J^{-1}`.
  GLS uses :math:`S^{-1}` in place of :math:`\\Sigma^{-1}` and :math:`N_g - 1` (as lavaan).
* Observed information (lavaan ``information = "observed"``, its default with ``missing = "ml"``): the Hessian
  of :math:`-\\log L = \\tfrac N2 F`, by central differences of the analytic gradient.
* ULS: :math:`(\\sum_g (N_g-1) \\Delta_g'\\Delta_g)^{-1}` on the non-duplicated moments, lavaan's "standard"
  for ULS.

std.lv scales latent variables to unit variance; std.all also the observed ones (model-implied variances),
as ``lavaan::standardizedSolution()``; residual covariances become residual correlations.
R-squared is :math:`1 - \\theta_{ii}/\\sigma_{ii}` for indicators and :math:`1 - \\psi_{jj}/\\mathrm{var}(\\eta_j)`
for dependent latent variables (``lavInspect(fit, "r2")``).
"""

from __future__ import annotations

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.psychometrics.sem.implied import Matrices
from cmanalytics.psychometrics.sem.model import ALPHA, BETA, LAMBDA, NU, PSI, THETA, ParTable

special = lazy_module("scipy.special")

Z975 = 1.959963984540054


def information(disc, theta: np.ndarray, kind: str = "expected") -> np.ndarray:
    """The information matrix of the whole sample (not per case)."""
    n = disc.n if disc.estimator == "ML" else disc.n - len(disc.groups)  # lavaan: N - 1 for GLS
    if kind == "observed":
        return n / 2 * disc.hessian(theta)
    return n / 2 * disc.evaluate(theta, 2)[2]


def uls_information(disc, theta: np.ndarray) -> np.ndarray:
    """lavaan's "standard" information for ULS: :math:`\\sum_g (N_g-1)\\,\\Delta_g'\\Delta_g` over the
    non-duplicated moments (its weight matrix, the identity, in place of the inverse asymptotic covariance
    of the moments; valid only as lavaan's convention, not as a normal-theory standard error)."""
    par = disc.par
    q = len(theta)
    info = np.zeros((q, q))
    for g, (mt, data) in enumerate(zip(par.matrices(theta), disc.groups)):
        ds, dm = par.jacobian(mt, g)
        w = disc._wgt[g].ravel(order="F")
        b = ds.T @ (w[:, None] * ds)
        if disc.meanstructure:
            b = b + dm.T @ dm
        info += (data.n - 1) * b
    return info


def wald(est: np.ndarray, se: np.ndarray):
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.nan)
    p = 2 * special.ndtr(-np.abs(z))
    return z, p, est - Z975 * se, est + Z975 * se


def standardized(table: ParTable, values: np.ndarray, mats: list[Matrices]) -> tuple[np.ndarray, np.ndarray]:
    """std.lv and std.all for every row of the table."""
    st = table.structure
    is_lv = np.array([e in st.lv for e in st.eta])
    std_lv, std_all = np.full(len(values), np.nan), np.full(len(values), np.nan)
    scale = []
    for mt in mats:
        sigma, _ = mt.implied()
        var_eta = np.diag(mt.eta_cov())
        sd_eta = np.sqrt(np.abs(var_eta))
        sd_l = np.where(is_lv, sd_eta, 1.0)
        scale.append((np.sqrt(np.abs(np.diag(sigma))), sd_eta, sd_l, np.diag(mt.theta), np.diag(mt.psi)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, r in enumerate(table.rows):
            sd_ov, sd_eta, sd_l, th, ps = scale[r.group]
            v = values[k]
            if r.mat == LAMBDA:
                std_lv[k], std_all[k] = v * sd_l[r.j], v * sd_eta[r.j] / sd_ov[r.i]
            elif r.mat == BETA:
                std_lv[k], std_all[k] = v * sd_l[r.j] / sd_l[r.i], v * sd_eta[r.j] / sd_eta[r.i]
            elif r.mat == THETA:
                if r.i == r.j:
                    std_lv[k], std_all[k] = v, v / sd_ov[r.i] ** 2
                else:
                    # lavaan (cov.std): over sqrt|theta_ii| sqrt|theta_jj|, defined beside a negative variance
                    std_lv[k], std_all[k] = v, v / np.sqrt(np.abs(th[r.i] * th[r.j]))
            elif r.mat == PSI:
                if r.i == r.j:
                    std_lv[k], std_all[k] = v / sd_l[r.i] ** 2, v / sd_eta[r.i] ** 2
                else:
                    both = is_lv[r.i] and is_lv[r.j]
                    corr = v / np.sqrt(np.abs(ps[r.i] * ps[r.j]))  # as the residual covariances above
                    std_lv[k], std_all[k] = (corr if both else v), corr
            elif r.mat == NU:
                std_lv[k], std_all[k] = v, v / sd_ov[r.i]
            elif r.mat == ALPHA:
                std_lv[k], std_all[k] = v / sd_l[r.i], v / sd_eta[r.i]
    return std_lv, std_all


def r_squared(table: ParTable, mats: list[Matrices]) -> list[dict[str, float]]:
    st = table.structure
    dependent = set(st.eta) - set(st.exogenous)
    out = []
    for mt in mats:
        sigma, _ = mt.implied()
        var_eta = np.diag(mt.eta_cov())
        r2 = {}
        for i, v in enumerate(st.ov):
            if v not in st.phantom:
                r2[v] = float(1 - mt.theta[i, i] / sigma[i, i])
        for j, e in enumerate(st.eta):
            if e in dependent:
                r2[e] = float(1 - mt.psi[j, j] / var_eta[j])
        out.append(r2)
    return out
