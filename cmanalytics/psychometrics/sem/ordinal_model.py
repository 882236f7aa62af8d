"""The model for thresholds and polychoric correlations of ordinal items, in one group or several (lavaan's
delta parameterization), and its DWLS discrepancy.

Per group :math:`g`, with the model matrices of :mod:`.implied` (intercepts :math:`\\nu = 0`, as lavaan fixes
them for ordinal items), the latent responses have means :math:`\\mu^* = \\Lambda(I-B)^{-1}\\alpha` and
covariances :math:`\\Sigma^* = \\Lambda A\\Lambda' + \\Theta`; the scaling factors :math:`\\delta_j`
(lavaan's ``~*~``) give the implied thresholds and correlations

.. math:: \\hat\\tau_{jk} = \\delta_j(\\tau_{jk} - \\mu^*_j), \\qquad
          \\hat\\rho_{ij} = \\delta_i\\delta_j\\Sigma^*_{ij},

and the residual variances are what makes each latent response's variance :math:`1/\\delta_j^2`:
:math:`\\theta_{jj} = 1/\\delta_j^2 - (\\Lambda A\\Lambda')_{jj}`. The DWLS fit function over groups is
:math:`F = \\sum_g \\tfrac{N_g}{N}(s_g - \\hat s_g)'W_g(s_g - \\hat s_g)` with :math:`s_g` the sample thresholds
and polychoric correlations and :math:`W_g = \\mathrm{diag}(\\Gamma_g)^{-1}`.

lavaan's identification for several groups (``lav_partable_flat``, read in lavaan 0.6-14): group 1 has
:math:`\\delta = 1` and latent means 0; in the other groups :math:`\\delta` is free when the thresholds are
equal across groups, and the latent means are free when the thresholds (or intercepts) are equal and the
means are not. R: ``cfa(model, data, ordered = TRUE, group = "g", group.equal = c("thresholds",
"loadings"))``. Reference: Muthen, B., & Asparouhov, T. (2002). Latent variable analysis with categorical
outcomes: multiple-group and growth modeling in Mplus. Mplus Web Note 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import ALPHA, NU, THETA, ParTable, number


@dataclass
class OrdinalLayout:
    """Where the thresholds and scaling factors sit in the free-parameter vector (after the table's own):
    per group, the index of each threshold and of each item's delta (-1 when fixed at 1)."""

    item_of_threshold: np.ndarray  # item index of each threshold, in lavaan's order (x1|t1, x1|t2, x2|t1, ...)
    step_of_threshold: np.ndarray  # k of "t<k>"
    tau_index: list  # per group: index of each threshold in theta
    delta_index: list  # per group: index of each item's delta in theta, -1 if fixed
    n_free: int

    @property
    def thresholds_modelled(self) -> bool:
        """Whether any threshold is not simply its sample value: shared across groups, or moved by a delta."""
        shared = any(np.any(np.isin(t, self.tau_index[0])) for t in self.tau_index[1:])
        return shared or any(np.any(d >= 0) for d in self.delta_index)


def identify(table: ParTable, group_equal, thresholds_per_item, n_groups: int, partial_th) -> OrdinalLayout:
    """Fix the ordinal items' intercepts at 0, free latent means and deltas as lavaan does, and lay out the
    thresholds (equal across groups when asked, except those named in ``partial_th``)."""
    st = table.structure
    th_equal = "thresholds" in group_equal
    free_means = (th_equal or "intercepts" in group_equal) and "means" not in group_equal
    for r in table.rows:
        if r.mat == NU:
            r.free, r.value = False, 0.0
        elif r.mat == ALPHA and r.lhs in st.lv and not r.user:
            r.free = r.group > 0 and free_means
            r.value = np.nan if r.free else 0.0
    number(table)
    item = np.concatenate([[j] * k for j, k in enumerate(thresholds_per_item)]).astype(int)
    step = np.concatenate([np.arange(1, k + 1) for k in thresholds_per_item]).astype(int)
    n = table.n_free
    tau_index, delta_index = [], []
    for g in range(n_groups):
        idx = np.empty(len(item), int)
        for k, (j, t) in enumerate(zip(item, step)):
            shared = th_equal and g > 0 and (st.ov[j], "|", f"t{t}") not in partial_th
            if shared:
                idx[k] = tau_index[0][k]
            else:
                idx[k], n = n, n + 1
        tau_index.append(idx)
        d = np.full(len(st.ov), -1)
        if g > 0 and th_equal:
            d = np.arange(n, n + len(st.ov))
            n += len(st.ov)
        delta_index.append(d)
    return OrdinalLayout(item, step, tau_index, delta_index, n)


class OrdinalDiscrepancy:
    """The DWLS fit function of the ordinal model over groups, its gradient and Gauss-Newton matrix, in the
    interface :func:`.estimation.minimize` expects (``evaluate``, ``value``, ``gradient``)."""

    estimator = "DWLS"

    def __init__(self, table: ParTable, layout: OrdinalLayout, moments: list, pairs):
        self.table, self.layout, self.moments = table, layout, moments
        self.par = Parameterization(table)
        self.ii, self.jj = pairs
        self.n = sum(m.n for m in moments)
        self.fg = np.array([m.n / self.n for m in moments])
        # the fit function weighs the groups by N_g - 1, the weights of lavaan's statistic: its minimum is
        # lavaan's (with N_g / N the estimates move by 1e-4 once thresholds are shared across groups)
        self.fit_weights = np.array([(m.n - 1) / (self.n - len(moments)) for m in moments])
        self.samples = [np.concatenate([np.concatenate(m.thresholds), m.corr[self.ii, self.jj]]) for m in moments]
        self.w = [1 / np.diag(m.gamma) for m in moments]

    def parts(self, theta: np.ndarray):
        """Per group: the model matrices, the deltas and the implied (thresholds, correlations)."""
        lay, q = self.layout, self.table.n_free
        out = []
        for g, mt in enumerate(self.par.matrices(theta[:q])):
            d = np.where(lay.delta_index[g] >= 0, theta[np.maximum(lay.delta_index[g], 0)], 1.0)
            tau = theta[lay.tau_index[g]]
            sigma, mu = mt.implied()
            j = lay.item_of_threshold
            implied = np.concatenate([d[j] * (tau - mu[j]), d[self.ii] * d[self.jj] * sigma[self.ii, self.jj]])
            out.append((mt, d, tau, sigma, mu, implied))
        return out

    def jacobian(self, g: int, part) -> np.ndarray:
        """:math:`\\partial \\hat s_g/\\partial\\theta'`: the table's parameters through :math:`\\Sigma^*` and
        :math:`\\mu^*` (analytic, :meth:`Parameterization.jacobian`), thresholds and deltas directly."""
        mt, d, tau, sigma, mu, _ = part
        lay, p, q = self.layout, self.table.p, self.table.n_free
        ii, jj, j = self.ii, self.jj, lay.item_of_threshold
        ds, dm = self.par.jacobian(mt, g)
        nt = len(j)
        jac = np.zeros((nt + len(ii), lay.n_free))
        jac[:nt, :q] = -d[j][:, None] * dm[j]
        jac[nt:, :q] = (d[ii] * d[jj])[:, None] * ds[ii + jj * p]
        np.add.at(jac, (np.arange(nt), lay.tau_index[g]), d[j])
        di = lay.delta_index[g]
        for rows, cols, vals in (
            (np.arange(nt), di[j], tau - mu[j]),
            (nt + np.arange(len(ii)), di[ii], d[jj] * sigma[ii, jj]),
            (nt + np.arange(len(ii)), di[jj], d[ii] * sigma[ii, jj]),
        ):
            ok = cols >= 0
            np.add.at(jac, (rows[ok], cols[ok]), vals[ok])
        return jac

    def evaluate(self, theta: np.ndarray, need: int = 2):
        f, grad, h = 0.0, np.zeros(len(theta)), np.zeros((len(theta),) * 2)
        for g, part in enumerate(self.parts(theta)):
            r = self.samples[g] - part[-1]
            wr = self.w[g] * r
            f += self.fit_weights[g] * r @ wr
            if need:
                jac = self.jacobian(g, part)
                grad -= 2 * self.fit_weights[g] * jac.T @ wr
                if need == 2:
                    h += 2 * self.fit_weights[g] * jac.T @ (self.w[g][:, None] * jac)
        return f, (grad if need else None), (h if need == 2 else None)

    def value(self, theta):
        return self.evaluate(theta, 0)[0]

    def gradient(self, theta):
        return self.evaluate(theta, 1)[1]

    def statistic(self, theta) -> float:
        """:math:`T = \\sum_g (N_g - 1) F_g`, lavaan's statistic for DWLS."""
        return float(
            sum(
                (m.n - 1) * np.sum(w * (s - part[-1]) ** 2)
                for m, w, s, part in zip(self.moments, self.w, self.samples, self.parts(theta))
            )
        )

    def residual_variances(self, part) -> np.ndarray:
        mt, d = part[0], part[1]
        return 1 / d**2 - np.diag(mt.lam @ mt.eta_cov() @ mt.lam.T)

    def matrices(self, theta):
        """Each group's model matrices with the residual variances filled in (delta parameterization)."""
        out = []
        for part in self.parts(theta):
            mt = part[0]
            mt.theta[np.diag_indices(self.table.p)] = self.residual_variances(part)
            mt.__dict__.pop("_ib", None)
            out.append(mt)
        return out


def start(table: ParTable, layout: OrdinalLayout, moments: list, table_start: np.ndarray) -> np.ndarray:
    """The table's starting values, the sample thresholds (group 1's where shared), deltas 1."""
    theta = np.zeros(layout.n_free)
    theta[: table.n_free] = table_start
    for g in reversed(range(len(moments))):  # group 1 last: its thresholds win where they are shared
        theta[layout.tau_index[g]] = np.concatenate(moments[g].thresholds)
        ok = layout.delta_index[g] >= 0
        theta[layout.delta_index[g][ok]] = 1.0
    return theta


def names(table: ParTable, layout: OrdinalLayout) -> list[str]:
    """A name per free parameter (for messages): the table's rows, then thresholds and deltas."""
    out = [""] * layout.n_free
    ov = table.structure.ov
    for r in table.rows:
        if r.index >= 0 and not out[r.index]:
            out[r.index] = f"{r.lhs} {r.op} {r.rhs}".strip()
    for g in range(len(layout.tau_index)):
        for k, idx in enumerate(layout.tau_index[g]):
            if not out[idx]:
                out[idx] = f"{ov[layout.item_of_threshold[k]]} | t{layout.step_of_threshold[k]}"
        for j, idx in enumerate(layout.delta_index[g]):
            if idx >= 0:
                out[idx] = f"{ov[j]} ~*~ {ov[j]}"
    return out


def value_of_rows(table: ParTable, values: np.ndarray, mats) -> np.ndarray:
    """The table's values with each ordinal item's residual variance (not a parameter) filled in."""
    v = values.copy()
    for k, r in enumerate(table.rows):
        if r.mat == THETA and r.i == r.j:
            v[k] = mats[r.group].theta[r.i, r.i]
    return v
