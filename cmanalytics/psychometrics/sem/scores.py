"""Score (Lagrange multiplier) tests: modification indices with expected parameter change, the tests of
releasing equality constraints (lavTestScore), and the residuals of the covariance structure.

For parameters :math:`\\theta_2` fixed (at 0, or equal to others) while :math:`\\theta_1` is estimated, with
score :math:`s = \\partial \\log L/\\partial\\theta` and information :math:`J` (expected) at the estimate,

.. math:: \\mathrm{MI}_j = \\frac{s_j^2}{[J_{22} - J_{21}J_{11}^{-1}J_{12}]_{jj}}, \\qquad
          \\mathrm{EPC}_j = \\frac{s_j}{[J_{22} - J_{21}J_{11}^{-1}J_{12}]_{jj}},

each referred to :math:`\\chi^2_1`; the joint test of all is :math:`s_2' (J_{22} - J_{21}J_{11}^{-1}J_{12})^{-1} s_2`.
R: ``lavaan::modindices(fit)``, ``lavaan::lavTestScore(fit)``.
Reference: Sorbom, D. (1989). Model modification. Psychometrika 54, 371-384. Saris, W. E., Satorra, A., &
Sorbom, D. (1987). The detection and correction of specification errors in structural equation models.
Sociological Methodology 17, 105-129.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.sem import inference
from cmanalytics.psychometrics.sem.estimation import Discrepancy
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import ParTable, Row, _place, _positions

linalg = lazy_module("scipy.linalg")
stats = lazy_module("scipy.stats")


def _extend(table: ParTable, extra: list[Row]) -> ParTable:
    rows = [copy.copy(r) for r in table.rows] + extra
    for r in extra:
        _place(r, table.structure)
    out = ParTable(
        rows, table.structure, table.n_groups, table.meanstructure, table.n_free + len({r.index for r in extra})
    )
    out.positions = [_positions(out, g) for g in range(table.n_groups)]
    return out


def _score_parts(fit, table: ParTable, theta: np.ndarray):
    """Gradient of F and the expected information (Fisher-scoring matrix) in the extended parameters."""
    old = fit.discrepancy
    disc = Discrepancy(Parameterization(table), old.groups, old.estimator, old.meanstructure, old.fiml)
    f, g, h = disc.evaluate(theta, 2)
    return g, h, disc


def _schur(h: np.ndarray, q1: int) -> np.ndarray:
    h11, h12, h22 = h[:q1, :q1], h[:q1, q1:], h[q1:, q1:]
    return h22 - h12.T @ np.linalg.solve(h11, h12)


def _candidates(fit) -> list[Row]:
    """The parameters lavaan's modindices() considers: each factor on each indicator, each pair of residuals,
    each pair of latent variables, where the model has none."""
    table = fit.table
    st = table.structure
    out = []
    k = table.n_free
    have = {(r.lhs, r.op, r.rhs, r.group) for r in table.rows}
    have |= {(r.rhs, r.op, r.lhs, r.group) for r in table.rows if r.op == "~~"}
    indicators = [v for v in st.ov if v not in st.phantom]
    for g in range(table.n_groups):
        rows = []
        for f in st.lv:
            for v in indicators:
                rows.append((f, "=~", v))
        for a in range(len(st.ov)):
            for b in range(a + 1, len(st.ov)):
                if st.ov[a] not in st.phantom and st.ov[b] not in st.phantom:
                    rows.append((st.ov[a], "~~", st.ov[b]))
        for a in range(len(st.lv)):
            for b in range(a + 1, len(st.lv)):
                rows.append((st.lv[a], "~~", st.lv[b]))
        for lhs, op, rhs in rows:
            if (lhs, op, rhs, g) in have:
                continue
            out.append(Row(lhs, op, rhs, g, True, 0.0, user=False, index=k))
            k += 1
    return out


def modification_indices(fit) -> pd.DataFrame:
    """One row per parameter the model leaves out: mi, epc, sepc.all (lavaan's ``modindices()``). A candidate
    whose score test has no variance (it cannot be added to this model: its index is undefined) is left out,
    as lavaan's ``na.remove = TRUE``."""
    if fit.estimator != "ML":
        raise ArgumentError("modification indices are computed for ML fits (as lavaan's default).")
    cand = _candidates(fit)
    if not cand:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "group", "mi", "epc", "sepc.all", "p_value"])
    ext = _extend(fit.table, cand)
    q1 = fit.table.n_free
    theta = np.concatenate([fit.theta, np.zeros(len(cand))])
    g, h, disc = _score_parts(fit, ext, theta)
    v = np.diag(_schur(h, q1))
    n = disc.n
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = np.where(v > 1e-12 * np.abs(np.diag(h)).max(), n / 2 * g[q1:] ** 2 / v, np.nan)
        epc = -g[q1:] / v
    values = disc.par.values(np.concatenate([fit.theta, epc]))
    mats = fit.discrepancy.par.matrices(fit.theta)
    _, std_all = inference.standardized(ext, values, mats)
    sepc = std_all[len(fit.table.rows) :]
    out = pd.DataFrame(
        {
            "lhs": [r.lhs for r in cand],
            "op": [r.op for r in cand],
            "rhs": [r.rhs for r in cand],
            "group": [r.group + 1 for r in cand],
            "mi": mi,
            "epc": epc,
            "sepc.all": sepc,
            "p_value": stats.chi2.sf(mi, 1),
        }
    )
    return out[np.isfinite(mi)].reset_index(drop=True)


def release_tests(fit) -> pd.DataFrame:
    """Score tests of releasing each across-group equality (lavaan's ``lavTestScore(fit)$uni``): for each
    equated parameter and each group after the first, the chi-square (df 1) of letting that group's value
    differ from the first group's. The attribute ``total`` holds the joint test of releasing all.
    For ordinal items (WLSMV): :func:`.categorical.ordinal_release_tests`."""
    if fit.estimator == "WLSMV":
        raise ArgumentError("this fit has ordinal items (WLSMV): use categorical.ordinal_release_tests(fit).")
    table = fit.table
    first = {}
    k = table.n_free
    released = []
    rows = [copy.copy(r) for r in table.rows]
    for r in rows:
        if r.index < 0 or not r.label:
            continue
        if r.index not in first:
            first[r.index] = r
            continue
        if r.group == first[r.index].group:
            continue
        released.append((first[r.index], r))
        r.index = k
        k += 1
    if not released:
        raise ArgumentError("the model has no equality constraint across groups to release.")
    ext = ParTable(rows, table.structure, table.n_groups, table.meanstructure, k)
    ext.positions = [_positions(ext, g) for g in range(table.n_groups)]
    theta = np.concatenate([fit.theta, [fit.theta[a.index] for a, _ in released]])
    g, h, disc = _score_parts(fit, ext, theta)
    q1 = table.n_free
    # In the extended table each released copy is a parameter of its own; the test is of delta in
    # copy = shared + delta, so map (theta, delta) to (theta restricted to the first group, copies).
    a = np.zeros((k, k))
    a[:q1, :q1] = np.eye(q1)
    for j, (first_row, _) in enumerate(released):
        a[q1 + j, first_row.index] = 1.0
        a[q1 + j, q1 + j] = 1.0
    g, h = a.T @ g, a.T @ h @ a
    v = _schur(h, q1)
    n = disc.n
    x2 = n / 2 * g[q1:] ** 2 / np.diag(v)
    # Releasing every intercept where the latent means are free leaves directions the data cannot tell
    # apart: V is singular there, and (as lavaan, with MASS::ginv's tolerance) a generalized inverse is used.
    total = float(n / 2 * g[q1:] @ np.linalg.pinv(v, rcond=np.sqrt(np.finfo(float).eps), hermitian=True) @ g[q1:])
    out = pd.DataFrame(
        {
            "parameter": [f"{a.lhs} {a.op} {a.rhs}".strip() for a, _ in released],
            "group": [b.group + 1 for _, b in released],
            "x2": x2,
            "df": 1,
            "p_value": stats.chi2.sf(x2, 1),
        }
    )
    out.attrs["total"] = {"x2": total, "df": len(released), "p_value": float(stats.chi2.sf(total, len(released)))}
    return out


RESIDUAL_KINDS = ("raw", "cor", "normalized", "standardized", "standardized.mplus")


def residuals(fit, kind: str = "raw") -> list[pd.DataFrame]:
    """Residual covariances per group (mean residuals, with a mean structure, in ``frame.attrs["mean"]``).

    ``raw`` :math:`S - \\hat\\Sigma`; ``cor`` observed minus implied correlations (Bollen); the others divide the
    raw residual by a standard error from an asymptotic covariance matrix of the residual moments:

    * ``normalized``: :math:`\\Gamma_g = \\mathrm{acov}(s)`, normal theory at the sample moments,
      :math:`(s_{ik}s_{jl} + s_{il}s_{jk})/N_g` and :math:`S/N_g` for the means (the estimates' uncertainty
      ignored); under fixed.x, as lavaan, given the predictors' moments: the inverse of the information
      block of the other moments;
    * ``standardized`` (lavaan's): :math:`Q\\Gamma_g Q'` with
      :math:`Q = I - \\tfrac{N_g}{N}\\Delta_g \\mathcal I^{-1}\\Delta_g' W_g`, where :math:`\\Delta_g` is the
      Jacobian of the implied moments, :math:`W_g` the normal-theory weight at the implied moments
      (:math:`\\tfrac12 D'(\\hat\\Sigma^{-1}\\otimes\\hat\\Sigma^{-1})D` and :math:`\\hat\\Sigma^{-1}`) and
      :math:`\\mathcal I = \\sum_g \\tfrac{N_g}{N}\\Delta_g' W_g \\Delta_g` the expected information per case;
    * ``standardized.mplus``: :math:`\\Gamma_g - \\Delta_g \\widehat{\\mathrm{Cov}}(\\hat\\theta)\\Delta_g'`.

    As lavaan, a standard error whose variance is negative is missing (NaN), and a raw residual below 1e-5
    in absolute value is left undivided (the diagonal of a CFA's residuals, zero but for rounding).
    R: ``lavaan::residuals(fit, type = "standardized")`` (``lavResiduals(fit)$cov.z``).
    Reference: Bollen, K. A. (1989). *Structural Equations with Latent Variables*, ch. 7 (normalized and
    standardized residuals). Rosseel, Y. (2012). lavaan: an R package for structural equation modeling.
    Journal of Statistical Software 48(2).
    """
    if kind not in RESIDUAL_KINDS:
        raise ArgumentError(f"kind={kind!r}: choose among {', '.join(RESIDUAL_KINDS)}.")
    if kind in ("normalized", "standardized", "standardized.mplus"):
        _check_residual_se(fit, kind)
    ov = fit.table.structure.ov
    if fit.estimator == "WLSMV":
        ordered = fit.options.get("ordered")
        if ordered is not None and len(ordered) < len(ov):
            # lavaan's residuals here mix polychoric, polyserial and Pearson moments; not written yet
            raise ArgumentError(
                "residuals are not available for a fit with both ordinal and continuous items (ordered= names "
                f"{len(ordered)} of the {len(ov)} items); they are for all-continuous or all-ordinal fits."
            )
        if kind == "normalized":
            raise ArgumentError("kind='normalized' is for continuous items; ordinal items have 'raw' or 'cor'.")
        return [pd.DataFrame(r, index=ov, columns=ov) for r in _ordinal_residuals(fit)]
    disc = fit.discrepancy
    mats = disc.par.matrices(fit.theta)
    ms = fit.table.meanstructure
    acov = _residual_acov(fit, kind, mats) if kind in RESIDUAL_KINDS[2:] else None
    tri = np.tril_indices(len(ov))
    out = []
    for g, mt in enumerate(mats):
        sigma, mu = mt.implied()
        s, ybar = fit.sample_moments[g]
        if kind == "cor":
            ds, dm = np.sqrt(np.diag(s)), np.sqrt(np.diag(sigma))
            r, rm = s / np.outer(ds, ds) - sigma / np.outer(dm, dm), None
        else:
            r, rm = s - sigma, ybar - mu
        if acov is not None:
            r, rm = _divide(r, rm, acov[g], tri, ms)
        frame = pd.DataFrame(r, index=ov, columns=ov)
        if ms and rm is not None:
            frame.attrs["mean"] = pd.Series(rm, index=ov)
        out.append(frame)
    return out


def _check_residual_se(fit, kind: str) -> None:
    """The standard errors are lavaan's for complete-data ML with expected information; refuse the rest."""
    opts = fit.options
    if fit.estimator != "ML" or opts.get("missing", "listwise") != "listwise":
        raise ArgumentError(
            f"kind={kind!r} residuals are available for complete-data ML fits (missing='listwise'); "
            "this fit uses " + (f"estimator={fit.estimator!r}" if fit.estimator != "ML" else "missing='fiml'") + "."
        )
    if kind == "standardized" and opts.get("information", "expected") != "expected":
        raise ArgumentError(
            "kind='standardized' residuals rest on the expected information; refit with information='expected'."
        )


def _vech_jacobian(par, mt, g: int, ms: bool) -> np.ndarray:
    """Rows of the Jacobian for the non-duplicated moments: means (if any) then the lower triangle."""
    p = par.p
    ds, dm = par.jacobian(mt, g)
    i, j = np.tril_indices(p)
    rows = ds[i + j * p]  # the Jacobian's rows are the column-major vec of Sigma
    return np.vstack([dm, rows]) if ms else rows


def _normal_acov(cov: np.ndarray, ms: bool) -> np.ndarray:
    """Per-case normal-theory covariance of (mean, vech cov): :math:`c_{ik}c_{jl} + c_{il}c_{jk}`."""
    i, j = np.tril_indices(len(cov))
    block = cov[np.ix_(i, i)] * cov[np.ix_(j, j)] + cov[np.ix_(i, j)] * cov[np.ix_(j, i)]
    if not ms:
        return block
    return linalg.block_diag(cov, block)


def _fixed_moments(fit, ms: bool) -> np.ndarray:
    """Which of (means, lower triangle) are moments of the observed predictors under fixed.x."""
    st = fit.table.structure
    fixed = np.zeros(len(st.ov), bool)
    if any(r.exo_x for r in fit.table.rows):
        fixed[[st.ov.index(v) for v in st.ov_x]] = True
    i, j = np.tril_indices(len(st.ov))
    cov_part = fixed[i] & fixed[j]
    return np.concatenate([fixed, cov_part]) if ms else cov_part


def _information_of(acov: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """The per-case information of the moments, with the fixed.x moments' rows and columns zero (lavaan)."""
    w = np.linalg.inv(acov)
    w[fixed] = 0.0
    w[:, fixed] = 0.0
    return w


def _inverse_on_free(w: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Inverse of the block of the moments not fixed, zeros elsewhere: given the predictors' moments, the
    others' covariance is the inverse of their own information block, not a block of the full inverse."""
    out = np.zeros_like(w)
    keep = ~fixed
    out[np.ix_(keep, keep)] = np.linalg.inv(w[np.ix_(keep, keep)])
    return out


def _residual_acov(fit, kind: str, mats) -> list[np.ndarray]:
    """Per group: the asymptotic covariance of the residual moments (means, then the lower triangle)."""
    disc = fit.discrepancy
    ms = fit.table.meanstructure
    fixed = _fixed_moments(fit, ms)
    n_total = disc.n
    gammas = [
        _inverse_on_free(_information_of(_normal_acov(s, ms), fixed), fixed) / data.n
        for (s, _), data in zip(fit.sample_moments, disc.groups)
    ]
    if kind == "normalized":
        return gammas
    deltas = [_vech_jacobian(disc.par, mt, g, ms) for g, mt in enumerate(mats)]
    if kind == "standardized.mplus":
        return [gam - d @ fit.vcov @ d.T for gam, d in zip(gammas, deltas)]
    # the weight is the inverse of the normal-theory covariance at the implied moments
    weights = [_information_of(_normal_acov(mt.implied()[0], ms), fixed) for mt in mats]
    info = sum(data.n / n_total * d.T @ w @ d for d, w, data in zip(deltas, weights, disc.groups))
    # a generalized inverse with MASS::ginv's tolerance, as lavaan, so that a singular information still gives Q
    info_inv = np.linalg.pinv(info, rcond=np.sqrt(np.finfo(float).eps), hermitian=True)
    out = []
    for d, w, gam, data in zip(deltas, weights, gammas, disc.groups):
        q = np.eye(len(gam)) - data.n / n_total * d @ info_inv @ d.T @ w
        out.append(q @ gam @ q.T)
    return out


def _divide(r: np.ndarray, rm: np.ndarray, acov: np.ndarray, tri, ms: bool):
    """Raw residuals over their standard errors, lavaan's way: NaN where the variance is negative or not finite,
    infinite over a zero variance (R's x/0), and residuals below 1e-5 in absolute value left as they are."""
    p = len(r)
    var = np.diag(acov)
    with np.errstate(invalid="ignore"):
        se = np.where(np.isfinite(var) & (var >= 0), np.sqrt(np.where(var >= 0, var, 0.0)), np.nan)
    se_m, se_c = (se[:p], se[p:]) if ms else (np.full(p, np.nan), se)
    se_mat = np.empty((p, p))
    se_mat[tri] = se_c
    se_mat.T[tri] = se_c
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(np.abs(r) < 1e-5, r, r / se_mat)
        zm = np.where(np.abs(rm) < 1e-5, rm, rm / se_m)
    return z, zm


def _ordinal_residuals(fit) -> list[np.ndarray]:
    """Per group, the polychoric correlations minus the model's (with the scaling factors), zero on the
    diagonal: ``lavaan::resid(fit)$cov`` for ordinal items (raw and "cor" residuals are the same here)."""
    disc = fit.discrepancy
    out = []
    for m, part in zip(disc.moments, disc.parts(fit.theta)):
        r = np.zeros_like(m.corr)
        nt = m.n_thresholds
        r[disc.ii, disc.jj] = r[disc.jj, disc.ii] = m.corr[disc.ii, disc.jj] - part[-1][nt:]
        out.append(r)
    return out
