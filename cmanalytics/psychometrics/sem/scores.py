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
from scipy import stats

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.sem import inference
from cmanalytics.psychometrics.sem.estimation import Discrepancy
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import ParTable, Row, _place, _positions


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
    """One row per parameter the model leaves out: mi, epc, sepc.all (lavaan's ``modindices()``)."""
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
    return pd.DataFrame(
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


def release_tests(fit) -> pd.DataFrame:
    """Score tests of releasing each across-group equality (lavaan's ``lavTestScore(fit)$uni``): for each
    equated parameter and each group after the first, the chi-square (df 1) of letting that group's value
    differ from the first group's. The attribute ``total`` holds the joint test of releasing all."""
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


def residuals(fit, kind: str = "raw") -> list[pd.DataFrame]:
    # lavaan's "standardized" residuals rest on its own asymptotic covariance of the residuals, which this
    # engine does not reproduce exactly; rather than a near-miss, they are not offered.
    kinds = ("raw", "cor", "normalized")
    if kind not in kinds:
        raise ArgumentError(f"kind={kind!r}: choose among {', '.join(kinds)}.")
    ov = fit.table.structure.ov
    if fit.estimator == "WLSMV":
        from cmanalytics.psychometrics.sem.categorical import residual_correlations

        if kind == "normalized":
            raise ArgumentError("kind='normalized' is for continuous items; ordinal items have 'raw' or 'cor'.")
        return [pd.DataFrame(r, index=ov, columns=ov) for r in residual_correlations(fit)]
    disc = fit.discrepancy
    par = disc.par
    out = []
    for g, (mt, data) in enumerate(zip(par.matrices(fit.theta), disc.groups)):
        sigma, _ = mt.implied()
        s = fit._observed_cov(g)
        n = data.n
        if kind == "raw":
            r = s - sigma
        elif kind == "cor":
            ds, dm = np.sqrt(np.diag(s)), np.sqrt(np.diag(sigma))
            r = s / np.outer(ds, ds) - sigma / np.outer(dm, dm)
        else:
            var_s = (np.outer(np.diag(s), np.diag(s)) + s**2) / n
            r = (s - sigma) / np.sqrt(var_s)
        out.append(pd.DataFrame(r, index=ov, columns=ov))
    return out
