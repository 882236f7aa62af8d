"""Model-implied moments and their derivatives with respect to the free parameters.

Everything is computed for all matrix cells at once (Kronecker products of small matrices), then mapped
to the free parameters by one sparse-like selection matrix per group, so that no Python loop runs over the
parameters inside the objective function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmanalytics.psychometrics.sem.model import ALPHA, BETA, LAMBDA, NU, PSI, THETA, ParTable


@dataclass
class Matrices:
    lam: np.ndarray
    theta: np.ndarray
    psi: np.ndarray
    beta: np.ndarray
    nu: np.ndarray
    alpha: np.ndarray

    @property
    def ib(self) -> np.ndarray:
        """:math:`(I - B)^{-1}`, computed once (the identity when there are no regressions)."""
        ib = self.__dict__.get("_ib")
        if ib is None:
            m = len(self.psi)
            ib = np.linalg.inv(np.eye(m) - self.beta) if self.beta.any() else np.eye(m)
            self.__dict__["_ib"] = ib
        return ib

    def eta_cov(self) -> np.ndarray:
        ib = self.ib
        return ib @ self.psi @ ib.T

    def implied(self) -> tuple[np.ndarray, np.ndarray]:
        ib = self.ib
        lib = self.lam @ ib
        sigma = lib @ self.psi @ lib.T + self.theta
        return (sigma + sigma.T) / 2, self.nu + lib @ self.alpha


def kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kronecker product of two matrices by broadcasting (numpy's kron is slower on small matrices)."""
    return (a[:, None, :, None] * b[None, :, None, :]).reshape(a.shape[0] * b.shape[0], a.shape[1] * b.shape[1])


class Parameterization:
    """Maps the free-parameter vector to each group's matrices and derivatives."""

    def __init__(self, table: ParTable):
        self.table = table
        self.p, self.m = table.p, table.m
        self.off = table.offsets()
        n_e = self.off[-1]
        self.fixed = np.array([r.value if not r.free else 0.0 for r in table.rows], float)
        self.index = np.array([r.index for r in table.rows], int)
        self.free_rows = self.index >= 0
        self.select = []  # per group: (n_entries x n_free) 0/1 matrix, d entries / d theta
        for pos, src in table.positions:
            s = np.zeros((n_e, table.n_free))
            idx = self.index[src]
            ok = idx >= 0
            np.add.at(s, (pos[ok], idx[ok]), 1.0)
            self.select.append(s)
        # the matrix cells that hold a free parameter, block by block: the Jacobian needs only these columns
        self.used = []
        for s in self.select:
            live = np.flatnonzero(s.any(axis=1))
            self.used.append(
                {b: live[(live >= self.off[b]) & (live < self.off[b + 1])] - self.off[b] for b in range(6)}
            )
        p = self.p
        k = np.arange(p * p)
        self.commute = (k % p) * p + k // p  # vec(X') = vec(X)[commute]
        # an observed variable in a regression is its phantom latent variable, measured without error:
        # a loading fixed at 1 that no row of the table holds
        st = table.structure
        self.phantom_cells = np.array(
            [self.off[LAMBDA] + st.ov.index(v) + k * p for v, k in st.phantom.items()], dtype=int
        )

    def values(self, theta: np.ndarray) -> np.ndarray:
        v = self.fixed.copy()
        v[self.free_rows] = theta[self.index[self.free_rows]]
        return v

    def matrices(self, theta: np.ndarray) -> list[Matrices]:
        v = self.values(theta)
        p, m, off = self.p, self.m, self.off
        out = []
        for pos, src in self.table.positions:
            e = np.zeros(off[-1])
            e[self.phantom_cells] = 1.0
            e[pos] = v[src]
            out.append(
                Matrices(
                    e[off[LAMBDA] : off[THETA]].reshape((p, m), order="F"),
                    e[off[THETA] : off[PSI]].reshape((p, p), order="F"),
                    e[off[PSI] : off[BETA]].reshape((m, m), order="F"),
                    e[off[BETA] : off[NU]].reshape((m, m), order="F"),
                    e[off[NU] : off[ALPHA]].copy(),
                    e[off[ALPHA] :].copy(),
                )
            )
        return out

    def jacobian(self, mats: Matrices, g: int) -> tuple[np.ndarray, np.ndarray]:
        r""":math:`\partial\,\mathrm{vec}\,\Sigma/\partial\theta'` (p^2 x q) and :math:`\partial\mu/\partial\theta'`.

        With :math:`A = (I-B)^{-1}\Psi(I-B)^{-T}` and :math:`L = \Lambda(I-B)^{-1}`:
        :math:`d\Sigma = d\Lambda\,A\Lambda' + L\,dB\,A\Lambda' + L\,d\Psi\,L' + d\Theta` (plus transposes), so
        :math:`\partial\mathrm{vec}\Sigma/\partial\mathrm{vec}\Lambda' = (I+K)(\Lambda A\otimes I)`,
        :math:`\partial/\partial\mathrm{vec}B' = (I+K)(\Lambda A\otimes L)`, :math:`\partial/\partial\mathrm{vec}\Psi' = L\otimes L`.
        """
        p = self.p
        used = self.used[g]
        ib = mats.ib
        lib = mats.lam @ ib
        a = ib @ mats.psi @ ib.T
        la = mats.lam @ a
        iba = ib @ mats.alpha
        sig_cols, mu_cols = [], []
        if len(used[LAMBDA]):
            blk = kron(la, np.eye(p))[:, used[LAMBDA]]
            sig_cols.append(blk + blk[self.commute])
            mu_cols.append(kron(iba[None, :], np.eye(p))[:, used[LAMBDA]])
        if len(used[THETA]):
            blk = np.zeros((p * p, len(used[THETA])))
            blk[used[THETA], np.arange(len(used[THETA]))] = 1.0
            sig_cols.append(blk)
            mu_cols.append(np.zeros((p, len(used[THETA]))))
        if len(used[PSI]):
            sig_cols.append(kron(lib, lib)[:, used[PSI]])
            mu_cols.append(np.zeros((p, len(used[PSI]))))
        if len(used[BETA]):
            blk = kron(la, lib)[:, used[BETA]]
            sig_cols.append(blk + blk[self.commute])
            mu_cols.append(kron(iba[None, :], lib)[:, used[BETA]])
        if len(used[NU]):
            sig_cols.append(np.zeros((p * p, len(used[NU]))))
            mu_cols.append(np.eye(p)[:, used[NU]])
        if len(used[ALPHA]):
            sig_cols.append(np.zeros((p * p, len(used[ALPHA]))))
            mu_cols.append(lib[:, used[ALPHA]])
        s = self.select[g][np.concatenate([used[b] + self.off[b] for b in range(6)])]
        if not sig_cols:
            return np.zeros((p * p, s.shape[1])), np.zeros((p, s.shape[1]))
        d_sig, d_mu = np.hstack(sig_cols), np.hstack(mu_cols)
        return d_sig @ s, d_mu @ s

    def gradient(self, mats: Matrices, g: int, gs: np.ndarray, gm: np.ndarray | None) -> np.ndarray:
        r"""The gradient in the free parameters from :math:`G = \partial F/\partial\Sigma` and
        :math:`g_\mu = \partial F/\partial\mu`, without forming the Jacobian: :math:`\partial F/\partial\Lambda
        = 2G\Lambda A + g_\mu(\mathcal B\alpha)'`, :math:`\partial F/\partial\Psi = L'GL`,
        :math:`\partial F/\partial B = L'(2G\Lambda A + g_\mu(\mathcal B\alpha)')`, :math:`\partial F/\partial\Theta = G`,
        :math:`\partial F/\partial\nu = g_\mu`, :math:`\partial F/\partial\alpha = L'g_\mu`."""
        ib = mats.ib
        lib = mats.lam @ ib
        a = ib @ mats.psi @ ib.T
        d_lam = 2 * gs @ mats.lam @ a
        parts = [None] * 6
        if gm is not None:
            d_lam = d_lam + np.outer(gm, ib @ mats.alpha)
            parts[NU], parts[ALPHA] = gm, lib.T @ gm
        else:
            parts[NU], parts[ALPHA] = np.zeros(self.p), np.zeros(self.m)
        parts[LAMBDA], parts[THETA], parts[PSI], parts[BETA] = d_lam, gs, lib.T @ gs @ lib, ib.T @ mats.lam.T @ d_lam
        e = np.concatenate([np.ravel(x, order="F") for x in parts])
        return e @ self.select[g]
