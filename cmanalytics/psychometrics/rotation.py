"""Factor rotation: varimax, quartimax, equamax, geomin, target, bifactor (orthogonal); promax, oblimin,
quartimin, geomin, target, biquartimin, simplimax (oblique).

Pure numerics on a p x k loading matrix. Each algorithm follows the R routine whose numbers the
package must reproduce, step for step and with the same stopping rule, so results agree with R to
rounding rather than to a tolerance:

* varimax: ``stats::varimax`` (Kaiser 1958 criterion, SVD update, stop when the criterion grows by
  less than a factor 1 + eps), which both ``psych::principal`` and ``psych::fa`` call;
* promax: ``psych::kaiser(L, rotate = "Promax")``, i.e. Kaiser-normalized varimax, the target
  ``L * |L|^(m-1)`` and a least-squares fit to it (Hendrickson & White 1964);
* every other rotation: the gradient projection algorithm (Jennrich 2001, 2002), orthogonal as
  ``GPArotation::GPForth`` and oblique as ``GPArotation::GPFoblq``, each with GPArotation's criterion
  (quartimax, ``cfT`` for psych's equamax, oblimin with gamma, geomin with delta, target and partially
  specified target, simplimax) or psych's (bifactor, biquartimin: Jennrich & Bentler 2011).

Kaiser normalization (rows scaled to unit length before rotating, restored after) is what SPSS does for
every rotation. R does it for varimax and promax only; GPArotation's rotations (quartimax, equamax,
oblimin, geomin, ...) do not, so ``normalize`` defaults follow R and ``normalize=True`` gives SPSS's numbers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from cmanalytics._lazy import lazy_module

lapack = lazy_module("scipy.linalg.lapack")


ORTHOGONAL = ("varimax", "quartimax", "equamax", "geomint", "targett", "bifactor", "cft")
OBLIQUE = ("promax", "oblimin", "quartimin", "geominq", "targetq", "biquartimin", "simplimax", "cfq")
ROTATIONS = ORTHOGONAL + OBLIQUE
# Default Kaiser normalization per rotation: what R psych and GPArotation do (SPSS normalizes all of them):
# only varimax and promax are normalized.
DEFAULT_NORMALIZE = {m: m in ("varimax", "promax") for m in ROTATIONS}
# Names as R writes them (psych's rotate = ...), for labels.
R_NAMES = {
    "geomint": "geominT",
    "geominq": "geominQ",
    "targett": "targetT",
    "targetq": "targetQ",
    "cft": "cfT",
    "cfq": "cfQ",
}


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
    criterion: float = float("nan")  # the rotation criterion at the solution (GPArotation's f)
    start_criteria: tuple = ()  # the criterion reached from each start, when several were made

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
    """Kaiser's weights: each item's (row's) length, of one loading matrix or a stack of them."""
    w = np.sqrt((a**2).sum(axis=-1))
    w[w == 0] = 1.0  # an item with no loading stays as it is
    return w


def _varimax_target(x: np.ndarray, xt: np.ndarray, t: np.ndarray, p: int) -> np.ndarray:
    r"""The matrix whose SVD gives varimax's next rotation, :math:`B = X'(Z^3 - Z\,\mathrm{diag}(1'Z^2)/p)`
    with :math:`Z = XT`, for one loading matrix or a stack of them (``xt`` is X transposed)."""
    z = x @ t
    g = z * z
    g -= np.add.reduce(g, axis=-2, keepdims=True) / p
    g *= z
    return xt @ g


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
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is read after the loop
        u, sv, vt = _svd(_varimax_target(x, xt, t, p))
        t = u @ vt
        d_past = d
        d = float(np.add.reduce(sv))
        if d < d_past * (1 + eps):
            converged = True
            break
    z = (x @ t) * w[:, None]
    return z, t, iterations, converged


def varimax_stack(a: np.ndarray, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """:func:`varimax` (Kaiser-normalized) on a stack of loading matrices (B, p, k) at once; each matrix stops
    by its own criterion, exactly as it would alone (the bootstrap rotates thousands of resamples)."""
    b_, p, k = a.shape
    w = _row_norms(a)[..., None]
    x = a / w
    xt = np.swapaxes(x, 1, 2)
    t = np.broadcast_to(np.eye(k), (b_, k, k)).copy()
    d = np.zeros(b_)
    active = np.ones(b_, bool)
    for _ in range(max_iter):
        idx = np.where(active)[0]
        if idx.size == 0:
            break
        u, sv, vt = np.linalg.svd(_varimax_target(x[idx], xt[idx], t[idx], p))
        t[idx] = u @ vt
        d_new = sv.sum(axis=1)
        done = d_new < d[idx] * (1 + eps)
        d[idx] = d_new
        active[idx[done]] = False
    return (x @ t) * w


def _orthomax_criterion(gamma: float):
    def vgq(lam: np.ndarray):
        p = lam.shape[0]
        l2 = lam**2
        col = l2.sum(axis=0)
        f = -0.25 * (np.sum(l2**2) - gamma / p * np.sum(col**2))
        gq = -(lam**3 - (gamma / p) * lam * col)
        return f, gq

    return vgq


def _crawford_ferguson_criterion(kappa: float):
    r"""Crawford-Ferguson family: :math:`f = \frac{1-\kappa}{4}\sum_i\sum_{j\ne l}\lambda_{ij}^2\lambda_{il}^2
    + \frac{\kappa}{4}\sum_j\sum_{i\ne m}\lambda_{ij}^2\lambda_{mj}^2`. psych's equamax is this with
    :math:`\kappa = k/(2p)` (``GPArotation::cfT``), the same optimum as orthomax with gamma k/2 but on
    GPArotation's scale, so that the gradient-norm stopping rule stops where GPArotation stops."""

    def vgq(lam: np.ndarray):
        l2 = lam**2
        row_other = l2.sum(axis=1, keepdims=True) - l2  # sum over the other factors of the same item
        col_other = l2.sum(axis=0, keepdims=True) - l2  # sum over the other items of the same factor
        f = ((1 - kappa) * np.sum(l2 * row_other) + kappa * np.sum(l2 * col_other)) / 4
        return float(f), (1 - kappa) * lam * row_other + kappa * lam * col_other

    return vgq


def _geomin_criterion(delta: float):
    r"""Geomin (Yates 1987): :math:`f = \sum_i \left(\prod_j (\lambda_{ij}^2 + \delta)\right)^{1/k}`."""

    def vgq(lam: np.ndarray):
        k = lam.shape[1]
        l2 = lam**2 + delta
        pro = np.exp(np.log(l2).sum(axis=1) / k)
        return float(pro.sum()), (2.0 / k) * lam / l2 * pro[:, None]

    return vgq


def _target_criterion(target: np.ndarray, weight: np.ndarray | None):
    r"""Least squares to a target: :math:`f = \sum (W \circ (\Lambda - B))^2`. A NaN in the target (or a 0 in
    ``weight``) leaves that loading free: a partially specified target (Browne 1972; ``GPArotation::pstT``)."""
    free = np.isnan(target)
    b = np.where(free, 0.0, target)
    w = (~free).astype(float) if weight is None else np.where(free, 0.0, weight)

    def vgq(lam: np.ndarray):
        d = w * lam - w * b
        return float(np.sum(d**2)), 2.0 * w * d

    return vgq


def _bifactor_criterion():
    r"""Jennrich & Bentler (2011): quartimin on the group factors (all but the first), the general factor
    free, :math:`f = \sum_i \sum_{j \ne l > 1} \lambda_{ij}^2 \lambda_{il}^2`. Orthogonal as ``psych::bifactor``,
    oblique as ``psych::biquartimin`` (both on psych's scale: f as written, gradient :math:`4\lambda_{ij}
    \sum_{l \ne j} \lambda_{il}^2`)."""

    def vgq(lam: np.ndarray):
        grp = lam[:, 1:]
        l2 = grp**2
        other = l2.sum(axis=1, keepdims=True) - l2
        gq = np.zeros_like(lam)
        gq[:, 1:] = 4 * grp * other
        return float(np.sum(l2 * other)), gq

    return vgq


def _simplimax_criterion(n_small: int):
    r"""Simplimax (Kiers 1994): the sum of the ``n_small`` smallest squared loadings."""

    def vgq(lam: np.ndarray):
        l2 = lam**2
        cut = np.sort(l2, axis=None)[n_small - 1]
        small = (l2 <= cut).astype(float)
        return float(np.sum(small * l2)), 2.0 * small * lam

    return vgq


def gpa_orthogonal(
    a: np.ndarray, vgq, *, normalize: bool, eps: float = 1e-5, max_iter: int = 1000, start: np.ndarray | None = None
):
    """Gradient projection rotation, orthogonal (Jennrich 2001; ``GPArotation::GPForth``), step for step.

    Returns (rotated loadings, T, iterations, converged, criterion value).
    """
    p, k = a.shape
    w = _row_norms(a) if normalize else np.ones(p)
    a = a / w[:, None]
    t = np.eye(k) if start is None else start
    alpha = 1.0
    lam = a @ t
    f, gq = vgq(lam)
    g = a.T @ gq
    converged = False
    iterations = 0
    for iterations in range(max_iter + 1):  # noqa: B007 - the count is read after the loop
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
    return (a @ t) * w[:, None], t, iterations, converged, float(f)


def _oblimin_criterion(gamma: float):
    def vgq(lam: np.ndarray):
        p, k = lam.shape
        x = (lam**2) @ (np.ones((k, k)) - np.eye(k))
        if gamma != 0:
            x = x - (gamma / p) * x.sum(axis=0)
        return float(np.sum(lam**2 * x) / 4), lam * x

    return vgq


def gpa_oblique(
    a: np.ndarray, vgq, *, normalize: bool, eps: float = 1e-5, max_iter: int = 1000, start: np.ndarray | None = None
):
    r"""Gradient projection rotation, oblique (Jennrich 2002; ``GPArotation::GPFoblq``), step for step.

    Pattern :math:`L = A (T')^{-1}`, factor correlations :math:`\Phi = T'T`.
    Returns (pattern, Phi, T, iterations, converged, criterion value).
    """
    p, k = a.shape
    w = _row_norms(a) if normalize else np.ones(p)
    a = a / w[:, None]
    t = np.eye(k) if start is None else start
    alpha = 1.0
    t_inv = np.linalg.inv(t)
    lam = a @ t_inv.T
    f, gq = vgq(lam)
    g = -(lam.T @ gq @ t_inv).T
    converged = False
    iterations = 0
    for iterations in range(max_iter + 1):  # noqa: B007 - the count is read after the loop
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
    return lam * w[:, None], t.T @ t, t, iterations, converged, float(f)


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


def random_start(k: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal k x k matrix: the Q of the QR decomposition of a standard normal matrix, as
    ``GPArotation::Random.Start``."""
    q, _ = np.linalg.qr(rng.standard_normal((k, k)))
    return q


def _criterion(
    method: str,
    p: int,
    k: int,
    *,
    gamma: float,
    delta: float,
    kappa: float | None,
    target: np.ndarray | None,
    weight: np.ndarray | None,
    n_small: int | None,
):
    if method == "quartimax":
        return _orthomax_criterion(0.0)
    if method == "equamax":
        return _crawford_ferguson_criterion(k / (2 * p))
    if method in ("oblimin", "quartimin"):
        return _oblimin_criterion(gamma if method == "oblimin" else 0.0)
    if method in ("geomint", "geominq"):
        return _geomin_criterion(delta)
    if method in ("targett", "targetq"):
        return _target_criterion(target, weight)
    if method in ("bifactor", "biquartimin"):
        return _bifactor_criterion()
    if method == "simplimax":
        return _simplimax_criterion(p if n_small is None else n_small)
    if method in ("cft", "cfq"):
        return _crawford_ferguson_criterion(kappa)
    raise KeyError(method)


def rotate(
    loadings: np.ndarray,
    method: str,
    *,
    normalize: bool | None = None,
    eps: float | None = None,
    max_iter: int = 1000,
    power: int = 4,
    gamma: float = 0.0,
    delta: float = 0.01,
    kappa: float | None = None,
    target: np.ndarray | None = None,
    weight: np.ndarray | None = None,
    n_small: int | None = None,
    random_starts: int = 0,
    seed: int | None = None,
) -> Rotation:
    """Rotate unrotated loadings by one of :data:`ROTATIONS`.

    ``normalize=None`` takes R psych's default for the method (:data:`DEFAULT_NORMALIZE`).
    ``gamma``: oblimin's gamma (0: quartimin). ``delta``: geomin's (GPArotation's default 0.01).
    ``target``: the target matrix of targetT/targetQ, NaN where a loading is left free (a partially
    specified target); ``weight``: GPArotation's W of ``pstT``/``pstQ`` (1 specified, 0 free).
    ``n_small``: simplimax's number of near-zero loadings (GPArotation's k, default p).
    ``random_starts``: gradient projection is also started from this many random orthogonal matrices
    (seeded by ``seed``) besides the identity, and the start with the lowest criterion is kept, as
    ``GPArotation``'s ``randomStarts``: geomin, simplimax and target rotations have local optima.
    """
    k = loadings.shape[1]
    norm = DEFAULT_NORMALIZE[method] if normalize is None else bool(normalize)
    eps = 1e-5 if eps is None else eps
    if k < 2:
        return Rotation(method, loadings.copy(), None if method in ORTHOGONAL else np.eye(1), np.eye(k), 0, True, norm)
    if method == "varimax":
        lam, t, it, conv = varimax(loadings, normalize=norm, eps=eps, max_iter=max_iter)
        return Rotation(method, lam, None, t, it, conv, norm)
    if method == "promax":
        lam, phi, t, it, conv = promax(loadings, power=power, normalize=norm, max_iter=max_iter)
        return Rotation(method, lam, phi, t, it, conv, norm)
    vgq = _criterion(
        method,
        loadings.shape[0],
        k,
        gamma=gamma,
        delta=delta,
        kappa=kappa,
        target=target,
        weight=weight,
        n_small=n_small,
    )
    return _best_start(loadings, method, vgq, norm, eps, max_iter, random_starts, seed)


def _best_start(loadings, method, vgq, norm, eps, max_iter, random_starts, seed) -> Rotation:
    """The gradient projection step of rotate: from the identity and ``random_starts`` random orthogonal
    starts, the best solution, with every start's criterion when there were several."""
    k = loadings.shape[1]
    rng = np.random.default_rng(seed)
    starts = [None] + [random_start(k, rng) for _ in range(int(random_starts))]
    best = None
    values = []
    for start in starts:
        if method in ORTHOGONAL:
            lam, t, it, conv, f = gpa_orthogonal(loadings, vgq, normalize=norm, eps=eps, max_iter=max_iter, start=start)
            out = Rotation(method, lam, None, t, it, conv, norm, f)
        else:
            lam, phi, t, it, conv, f = gpa_oblique(
                loadings, vgq, normalize=norm, eps=eps, max_iter=max_iter, start=start
            )
            out = Rotation(method, lam, phi, np.linalg.inv(t).T, it, conv, norm, f)
        values.append(f)
        # Keep the first start (the identity, R's) unless another converged start reaches a clearly lower
        # criterion: equal optima differ only by rounding and by the order and signs of the columns.
        if (
            best is None
            or (conv and not best.converged)
            or (conv == best.converged and f < best.criterion - 1e-8 * max(1.0, abs(best.criterion)))
        ):
            best = out
    if len(values) > 1:
        best = dataclasses.replace(best, start_criteria=tuple(values))
    return best
