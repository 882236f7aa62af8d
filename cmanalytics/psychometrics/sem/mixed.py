"""WLSMV with ordinal and continuous indicators together (``ordered=`` naming some of the items), as
``lavaan::cfa(model, data, ordered = c(...))``.

The sample statistics (:mod:`.polyserial`) are the ordinal items' thresholds, the continuous variables' means
and variances, and the covariances of all pairs (polychoric correlations between ordinal items, polyserial
correlations times the continuous standard deviation, Pearson covariances), with :math:`\\Gamma`. The model is
the continuous one with the ordinal items in the delta parameterization (their latent responses' variance 1,
residual variances not free); thresholds and the continuous intercepts are free and reproduce their sample
values, so the fit is DWLS on the variances and covariances with :math:`W = \\mathrm{diag}(\\Gamma)^{-1}`:
:math:`F = \\sum_k w_k (s_k - \\sigma_k(\\theta))^2`, :math:`T = (N-1)F_{\\min}`, the robust covariance
:math:`(\\Delta'W\\Delta)^{-1}\\Delta'W\\Gamma W\\Delta(\\Delta'W\\Delta)^{-1}/(N-1)` and the mean-and-variance adjusted
statistic, as for ordinal items only (:mod:`.categorical`).

Reference: Muthen, B. (1984). A general structural equation model with dichotomous, ordered categorical, and
continuous latent variable indicators. Psychometrika 49, 115-132.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import fit as fitm
from cmanalytics.psychometrics.sem import inference
from cmanalytics.psychometrics.sem.categorical import scaled_shifted
from cmanalytics.psychometrics.sem.estimation import Discrepancy, GroupData
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import THETA, build_table
from cmanalytics.psychometrics.sem.polyserial import mixed_moments
from cmanalytics.psychometrics.sem.results import (
    SEMFit,
    _check_identified,
    _heywood,
    check_df,
    optimize,
    start_values,
)


def fit_mixed(data: pd.DataFrame, statements, ordered, *, std_lv: bool, max_iter: int, warnings: list) -> SEMFit:
    """WLSMV fit of a model whose items named in ``ordered`` are ordinal and the others continuous."""
    table = build_table(statements, data.columns, std_lv=std_lv, delta=frozenset(ordered))
    st = table.structure
    if st.phantom:
        raise ArgumentError("regressions with observed variables are not supported with ordinal items.")
    ov = st.ov
    x = data[ov].to_numpy(dtype=float, na_value=np.nan)
    x = x[~np.isnan(x).any(axis=1)]
    p = len(ov)
    if len(x) <= p:
        raise DataError(f"{len(x)} complete rows are too few for {p} items.")
    ordinal = np.array([v in ordered for v in ov])
    mm = mixed_moments(x, ordinal)
    n = mm.n
    nt = sum(len(t) for t in mm.thresholds)
    rows_r, g_rr, w_r, wmat = _dwls_weights(mm, ordinal)
    group = GroupData(n, mm.cov, np.zeros(p), x=x)
    par = Parameterization(table)
    disc = Discrepancy(par, [group], "DWLS", False, weights=[wmat])
    theta0 = start_values(table, [group])
    _check_identified(table, par, theta0, False)
    df = check_df(table.n_free, len(w_r), "variances and covariances")
    opt = optimize(disc, theta0, max_iter, warnings)
    mats = par.matrices(opt.theta)
    mt = mats[0]
    common = np.diag(mt.lam @ mt.eta_cov() @ mt.lam.T)
    for i in np.flatnonzero(ordinal):  # delta parameterization: the latent response's variance is 1
        mt.theta[i, i] = 1 - common[i]
    _heywood(table, mats, ["all"], warnings)
    ds, _ = par.jacobian(mt, 0)
    delta_r = ds[rows_r]
    vcov = _robust_vcov(delta_r, w_r, g_rr, n)
    estimates = _estimates(table, par, opt.theta, vcov, mats, mm, ordinal, ov, st.lv)
    measures = _measures(disc, opt, mm, delta_r, w_r, g_rr, df, table.n_free + nt, mt, ordinal)
    ordered = tuple(v for v in ov if v in ordered)
    return _mixed_result(table, opt, disc, mats, estimates, measures, vcov, mm, std_lv, ordered, warnings)


def _dwls_weights(mm, ordinal):
    """The structured part of the sample statistics (the continuous variances, then the covariances): its rows
    in vec(Sigma), its block of Gamma, the weights diag(Gamma)^-1, and those weights as a p x p matrix."""
    p = len(ordinal)
    num = np.flatnonzero(~ordinal)
    ii, jj = mm.pairs
    nt = sum(len(t) for t in mm.thresholds)
    rows_r = np.concatenate([num + num * p, ii + jj * p])
    g_rr = mm.gamma[nt:, nt:]
    w_r = 1 / np.diag(g_rr)
    wmat = np.zeros((p, p))
    wmat[num, num] = w_r[: len(num)]
    wmat[ii, jj] = wmat[jj, ii] = w_r[len(num) :] / 2  # half on each of the two cells of a covariance
    return rows_r, g_rr, w_r, wmat


def _mixed_result(table, opt, disc, mats, estimates, measures, vcov, mm, std_lv, ordered, warnings) -> SEMFit:
    """The fitted model as an SEMFit (one group, listwise, WLSMV)."""
    options = dict(
        group=None,
        std_lv=std_lv,
        meanstructure=False,
        estimator="WLSMV",
        missing="listwise",
        information="expected",
        group_equal=(),
        group_partial=(),
        ordered=ordered,
    )
    return SEMFit(
        estimates,
        measures,
        inference.r_squared(table, mats),
        (mm.n,),
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
        ((mm.cov, np.zeros(len(mm.ordinal))),),
    )


def _robust_vcov(delta_r, w_r, g_rr, n) -> np.ndarray:
    wd = w_r[:, None] * delta_r
    b_inv = np.linalg.inv(delta_r.T @ wd)
    return b_inv @ (wd.T @ g_rr @ wd) @ b_inv / (n - 1)  # N - 1 with WLSMV, as lavaan


def _estimates(table, par, theta, vcov, mats, mm, ordinal, ov, lv) -> pd.DataFrame:
    """The table's parameters, then thresholds, intercepts (continuous: the sample means) and the ordinal
    items' scale factors, as ``parameterEstimates()``."""
    n = mm.n
    mt = mats[0]
    values = par.values(theta)
    for k, r in enumerate(table.rows):
        if r.mat == THETA and r.i == r.j and ordinal[r.i]:
            values[k] = mt.theta[r.i, r.i]
    idx = par.index
    se = np.where(idx >= 0, np.sqrt(np.abs(np.diag(vcov)))[np.maximum(idx, 0)], 0.0)
    std_lv, std_all = inference.standardized(table, values, mats)
    sigma, _ = mt.implied()
    p = len(ov)
    tau = np.concatenate(mm.thresholds)
    se_tau = np.sqrt(np.diag(mm.gamma)[: len(tau)] / (n - 1))
    th_lhs, th_rhs, th_est, th_se, mean_est, mean_se = [], [], [], [], np.zeros(p), np.zeros(p)
    k = 0
    for j, t in enumerate(mm.thresholds):
        if ordinal[j]:
            th_lhs += [ov[j]] * len(t)
            th_rhs += [f"t{m + 1}" for m in range(len(t))]
            th_est += list(t)
            th_se += list(se_tau[k : k + len(t)])
        else:
            mean_est[j], mean_se[j] = -t[0], se_tau[k]
        k += len(t)
    n_ord = int(ordinal.sum())
    ordv = [v for v, o in zip(ov, ordinal) if o]
    rows = table.rows
    lhs = [r.lhs for r in rows] + th_lhs + ov + list(lv) + ordv
    op = [r.op for r in rows] + ["|"] * len(th_lhs) + ["~1"] * (p + len(lv)) + ["~*~"] * n_ord
    rhs = [r.rhs for r in rows] + th_rhs + [""] * (p + len(lv)) + ordv
    est = np.concatenate([values, th_est, mean_est, np.zeros(len(lv)), np.ones(n_ord)])
    ses = np.concatenate([se, th_se, mean_se, np.zeros(len(lv) + n_ord)])
    free = np.concatenate([idx >= 0, np.ones(len(th_lhs), bool), ~ordinal, np.zeros(len(lv) + n_ord, bool)])
    z, pv, lo, hi = inference.wald(est, ses)
    z, pv = np.where(free, z, np.nan), np.where(free, pv, np.nan)
    sd = np.sqrt(np.diag(sigma))
    return pd.DataFrame(
        {
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "group": 1,
            "label": [r.label if not r.label.startswith(".") else "" for r in rows] + [""] * (len(lhs) - len(rows)),
            "free": free,
            "est": est,
            "se": ses,
            "z": z,
            "p_value": pv,
            "ci.lower": lo,
            "ci.upper": hi,
            "std.lv": np.concatenate([std_lv, th_est, mean_est, np.zeros(len(lv)), np.ones(n_ord)]),
            "std.all": np.concatenate([std_all, th_est, mean_est / sd, np.zeros(len(lv)), np.ones(n_ord)]),
        }
    )


def _measures(disc, opt, mm, delta_r, w_r, g_rr, df, npar, mt, ordinal) -> dict:
    """The fit measures: the DWLS statistic and its baseline, each with its mean-and-variance adjusted version."""
    n = mm.n
    nv = int((~ordinal).sum())
    t = disc.statistic(opt.theta)
    a, b, t_ss = scaled_shifted(t, df, delta_r, w_r, g_rr)
    # the baseline: covariances 0, variances free (they reproduce theirs): only the covariances count
    ii, jj = mm.pairs
    w_c, g_cc = w_r[nv:], g_rr[nv:, nv:]
    r = mm.cov[ii, jj]
    t_base = (n - 1) * np.sum(w_c * r * r)
    df_base = len(r)
    a0, b0, t_base_ss = scaled_shifted(t_base, df_base, None, w_c, g_cc)
    sigma, _ = mt.implied()
    srmr = fitm.srmr_group(mm.cov, sigma, None, None)
    return fitm.wlsmv_measures(t, df, t_base, df_base, (a, b, t_ss), (a0, b0, t_base_ss), n, 1, npar, srmr)
