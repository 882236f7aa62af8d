"""Factor rotation: varimax, quartimax, equamax (orthogonal); promax and oblimin (oblique).

Pure numerics on a p x k loading matrix. Each algorithm follows the R routine whose numbers the
package must reproduce, step for step and with the same stopping rule, so results agree with R to
rounding rather than to a tolerance:

* varimax: ``stats::varimax`` (Kaiser 1958 criterion, SVD update, stop when the criterion grows by
  less than a factor 1 + eps), which both ``psych::principal`` and ``psych::fa`` call;
* quartimax and equamax: the gradient projection algorithm for orthogonal rotation (``GPArotation::GPForth``);
* promax: ``psych::kaiser(L, rotate = "Promax")``, i.e. Kaiser-normalized varimax, the target
  ``L * |L|^(m-1)`` and a least-squares fit to it (Hendrickson & White 1964);
* oblimin: ``GPArotation::oblimin`` (``GPFoblq``, Jennrich 2002).

Kaiser normalization (rows scaled to unit length before rotating, restored after) is what SPSS does for
every rotation. R does it for varimax and promax; GPArotation's quartimax and oblimin do not, so
``normalize`` defaults follow R there and ``normalize=True`` gives SPSS's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

ORTHOGONAL = ("varimax", "quartimax", "equamax")
OBLIQUE = ("promax", "oblimin")
ROTATIONS = ORTHOGONAL + OBLIQUE
# Default Kaiser normalization per rotation: what R psych does (SPSS normalizes all of them).
DEFAULT_NORMALIZE = {"varimax": True, "quartimax": True, "equamax": True, "promax": True, "oblimin": False}


@dataclass(frozen=True)
class Rotation:
    """A rotated solution: pattern ``loadings``, factor correlations ``phi`` (None when orthogonal),
    the transformation ``rotmat`` (loadings = unrotated @ rotmat), iterations and convergence."""

    method: str
    loadings: np.ndarray
    phi: np.ndarray | None
    rotmat: np.ndarray
    iterations: int
    converged: bool
    normalized: bool

    @property
    def structure(self) -> np.ndarray:
        return self.loadings if self.phi is None else self.loadings @ self.phi


def _svd(b: np.ndarray):
    # LAPACK's dgesdd straight from scipy: the k x k SVDs here are tiny, and numpy's wrapper costs three
    # times the decomposition itself. Same routine, same numbers.
    u, s, vt, info = lapack.dgesdd(b)
    if info != 0:
        return np.linalg.svd(b)
    return u, s, vt


def _row_norms(a: np.ndarray) -> np.ndarray:
    w = np.sqrt((a**2).sum(axis=1))
    w[w == 0] = 1.0  # an item with no loading stays as it is
    return w


def varimax(a: np.ndarray, *, normalize: bool = True, eps: float = 1e-5, max_iter: int = 1000):
    r"""Varimax rotation exactly as R's ``stats::varimax``.

    Maximizes :math:`\sum_j \left[\sum_i \lambda_{ij}^4 - \frac{1}{p}(\sum_i \lambda_{ij}^2)^2\right]`;
    each step sets :math:`T = UV'` from the SVD of :math:`B = A'(Z^3 - Z\,\mathrm{diag}(1'Z^2)/p)`, and
    the loop stops when the criterion :math:`d = \sum \mathrm{sv}(B)` grows by less than a factor 1 + eps.

    Returns (rotated loadings, rotation matrix, iterations, converged).
    Reference: Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
    Psychometrika 23, 187-200.
    """
    p, k = a.shape
    if k < 2:
        return a.copy(), np.eye(k), 0, True
    w = _row_norms(a) if normalize else np.ones(p)
    x = a / w[:, None]
    t = np.eye(k)
    d = 0.0
    converged = False
    iterations = 0
    xt = np.ascontiguousarray(x.T)
    reduce = np.add.reduce  # the loop runs on tiny arrays, where numpy's per-call overhead dominates
    for iterations in range(1, max_iter + 1):
        z = x @ t
        g = z * z
        g -= reduce(g, axis=0) / p
        g *= z  # Z^3 - Z diag(1'Z^2) / p
        u, sv, vt = _svd(xt @ g)
        t = u @ vt
        d_past = d
        d = float(reduce(sv))
        if d < d_past * (1 + eps):
            converged = True
            break
    z = (x @ t) * w[:, None]
    return z, t, iterations, converged


def _orthomax_criterion(gamma: float):
    def vgq(lam: np.ndarray):
        p = lam.shape[0]
        l2 = lam**2
        col = l2.sum(axis=0)
        f = -0.25 * (np.sum(l2**2) - gamma / p * np.sum(col**2))
        gq = -(lam**3 - (gamma / p) * lam * col)
        return f, gq

    return vgq


def gpa_orthogonal(a: np.ndarray, vgq, *, normalize: bool, eps: float = 1e-5, max_iter: int = 1000):
    """Gradient projection rotation, orthogonal (Jennrich 2001; ``GPArotation::GPForth``)."""
    p, k = a.shape
    w = _row_norms(a) if normalize else np.ones(p)
    a = a / w[:, None]
    t = np.eye(k)
    alpha = 1.0
    lam = a @ t
    f, gq = vgq(lam)
    g = a.T @ gq
    converged = False
    iterations = 0
    for iterations in range(max_iter + 1):
        m = t.T @ g
        gp = g - t @ ((m + m.T) / 2)
        s = np.sqrt(np.sum(gp**2))
        if s < eps:
            converged = True
            break
        alpha *= 2
        for _ in range(11):
            u, _, vt = _svd(t - alpha * gp)
            t_new = u @ vt
            lam = a @ t_new
            f_new, gq_new = vgq(lam)
            if f_new < f - 0.5 * s**2 * alpha:
                break
            alpha /= 2
        t, f, gq = t_new, f_new, gq_new
        g = a.T @ gq
    return (a @ t) * w[:, None], t, iterations, converged


def _oblimin_criterion(gamma: float):
    def vgq(lam: np.ndarray):
        p, k = lam.shape
        x = (lam**2) @ (np.ones((k, k)) - np.eye(k))
        if gamma != 0:
            x = x - (gamma / p) * x.sum(axis=0)
        return float(np.sum(lam**2 * x) / 4), lam * x

    return vgq


def gpa_oblique(a: np.ndarray, vgq, *, normalize: bool, eps: float = 1e-5, max_iter: int = 1000):
    """Gradient projection rotation, oblique (Jennrich 2002; ``GPArotation::GPFoblq``).

    Pattern :math:`L = A (T')^{-1}`, factor correlations :math:`\\Phi = T'T`.
    """
    p, k = a.shape
    w = _row_norms(a) if normalize else np.ones(p)
    a = a / w[:, None]
    t = np.eye(k)
    alpha = 1.0
    t_inv = np.linalg.inv(t)
    lam = a @ t_inv.T
    f, gq = vgq(lam)
    g = -(lam.T @ gq @ t_inv).T
    converged = False
    iterations = 0
    for iterations in range(max_iter + 1):
        gp = g - t * (t * g).sum(axis=0)
        s = np.sqrt(np.sum(gp**2))
        if s < eps:
            converged = True
            break
        alpha *= 2
        for _ in range(11):
            x = t - alpha * gp
            t_new = x / np.sqrt((x**2).sum(axis=0))
            t_inv = np.linalg.inv(t_new)
            lam = a @ t_inv.T
            f_new, gq_new = vgq(lam)
            if f - f_new > 0.5 * s**2 * alpha:
                break
            alpha /= 2
        t, f, gq = t_new, f_new, gq_new
        g = -(lam.T @ gq @ t_inv).T
    lam = a @ np.linalg.inv(t).T
    return lam * w[:, None], t.T @ t, t, iterations, converged


def promax(a: np.ndarray, *, power: int = 4, normalize: bool = True, max_iter: int = 1000):
    r"""Promax as ``psych::fa(rotate = "promax")`` computes it (``psych::kaiser(L, "Promax")``).

    Kaiser-normalize, varimax (``stats::varimax``), target :math:`Q = X \circ |X|^{m-1}`, least-squares
    :math:`U = (X'X)^{-1}X'Q` rescaled so :math:`\Phi` has a unit diagonal, pattern :math:`XU`,
    :math:`\Phi = (T U)^{-1} (T U)^{-1\prime}`; then restore the row lengths.
    Reference: Hendrickson, A. E., & White, P. O. (1964). Promax: a quick method for rotation to oblique
    simple structure. British Journal of Statistical Psychology 17, 65-70.
    """
    p, k = a.shape
    w = _row_norms(a) if normalize else np.ones(p)
    xw = a / w[:, None]
    x, t, iterations, converged = varimax(xw, normalize=True, max_iter=max_iter)
    q = x * np.abs(x) ** (power - 1)
    u = np.linalg.lstsq(x, q, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)
    z = x @ u
    u_full = t @ u
    ui = np.linalg.inv(u_full)
    phi = ui @ ui.T
    return z * w[:, None], phi, u_full, iterations, converged


def rotate(loadings: np.ndarray, method: str, *, normalize: bool | None = None, eps: float | None = None,
           max_iter: int = 1000, power: int = 4, gamma: float = 0.0) -> Rotation:
    """Rotate unrotated loadings by one of :data:`ROTATIONS`.

    ``normalize=None`` takes R psych's default for the method (:data:`DEFAULT_NORMALIZE`).
    ``gamma`` is oblimin's delta (0: quartimin, SPSS's default).
    """
    k = loadings.shape[1]
    norm = DEFAULT_NORMALIZE[method] if normalize is None else bool(normalize)
    if k < 2:
        return Rotation(method, loadings.copy(), None if method in ORTHOGONAL else np.eye(1), np.eye(k), 0, True, norm)
    if method == "varimax":
        lam, t, it, conv = varimax(loadings, normalize=norm, eps=1e-5 if eps is None else eps, max_iter=max_iter)
        return Rotation(method, lam, None, t, it, conv, norm)
    if method in ("quartimax", "equamax"):
        gamma_om = 0.0 if method == "quartimax" else k / 2.0
        lam, t, it, conv = gpa_orthogonal(loadings, _orthomax_criterion(gamma_om), normalize=norm,
                                          eps=1e-5 if eps is None else eps, max_iter=max_iter)
        return Rotation(method, lam, None, t, it, conv, norm)
    if method == "promax":
        lam, phi, t, it, conv = promax(loadings, power=power, normalize=norm, max_iter=max_iter)
        return Rotation(method, lam, phi, t, it, conv, norm)
    lam, phi, t, it, conv = gpa_oblique(loadings, _oblimin_criterion(gamma), normalize=norm,
                                        eps=1e-5 if eps is None else eps, max_iter=max_iter)
    return Rotation(method, lam, phi, np.linalg.inv(t).T, it, conv, norm)
