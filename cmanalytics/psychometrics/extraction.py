"""Factor extraction on a correlation matrix: principal components, principal axis, minres, maximum likelihood.

Pure numerics on numpy arrays. Each function returns an :class:`Extraction` whose loadings are signed so
that every column sums positive, as R psych does before rotating.

Why not factor_analyzer: its ``FactorAnalyzer.fit`` no longer runs with scikit-learn >= 1.8, and it is
slow (a full pass per step). These are the textbook algorithms, written to stop where R psych stops so
the numbers agree to the digits psych prints; the tests check them against psych's own output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.psychometrics.adequacy import bartlett_multiplier, smc_array

optimize = lazy_module("scipy.optimize")
special = lazy_module("scipy.special")
lapack = lazy_module("scipy.linalg.lapack")

METHODS = ("pca", "paf", "minres", "ml", "wls", "gls")
# psych's bounds for the uniquenesses in minres and ml (optim's lower = .005, upper = 1).
PSI_LOWER, PSI_UPPER = 0.005, 1.0


_CONTROLLER = []


def one_blas_thread():
    """A context in which BLAS runs on one thread. The iterative fits work on p x p matrices with p in the
    tens, where OpenBLAS's thread start-up costs more than the arithmetic, and on a loaded machine it
    costs ten times more (measured: a 3 x 3 minres fit took 180 ms with threads, 15 ms without)."""
    import contextlib

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl is optional: without it BLAS keeps its threads
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())  # inspecting the loaded libraries costs ~1 ms: once
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class Extraction:
    """Unrotated solution: loadings (p x k), communalities, and how the iteration ended."""

    method: str
    loadings: np.ndarray
    communalities: np.ndarray
    iterations: int
    converged: bool
    at_bound: np.ndarray  # items whose uniqueness stopped at psych's lower bound (a Heywood case)
    clipped: bool  # a retained eigenvalue of the reduced matrix was negative and set to 0
    objective: float = float("nan")  # the criterion the method minimizes, at the solution
    start_objectives: tuple = ()  # the criterion reached from each start (minres, ml, wls, gls)
    gradient_norm: float = float("nan")  # largest |gradient| over the free uniquenesses at the end


def _eigh(s: np.ndarray):
    # LAPACK's dsyevd straight from scipy: the objective runs it hundreds of times on p x p matrices with p
    # in the tens, where numpy's wrapper costs as much as the decomposition. Same routine, same numbers.
    values, vectors, info = lapack.dsyevd(s)
    if info != 0:
        return np.linalg.eigh(s)
    return values, vectors


def eigh_desc(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors of a symmetric matrix."""
    values, vectors = np.linalg.eigh(r)
    return values[::-1], vectors[:, ::-1]


def column_signs(loadings: np.ndarray) -> np.ndarray:
    """+1/-1 per column: the sign that makes its loadings sum positive (psych's convention; a column summing
    0 keeps its sign)."""
    s = np.sign(loadings.sum(axis=0))
    s[s == 0] = 1.0
    return s


def sign_columns(loadings: np.ndarray) -> np.ndarray:
    """Flip each column so its loadings sum positive (:func:`column_signs`)."""
    return loadings * column_signs(loadings)


def max_factors(method: str, p: int) -> int:
    """The most factors a method can extract from p items."""
    if method == "pca":
        return p
    if method == "ml":  # degrees of freedom ((p - k)^2 - (p + k)) / 2 must not be negative
        k = 0
        while ((p - (k + 1)) ** 2 - (p + k + 1)) >= 0:
            k += 1
        return k
    return p - 1


def principal_components(r: np.ndarray, k: int, eig: tuple[np.ndarray, np.ndarray] | None = None) -> Extraction:
    r"""Principal components: :math:`L = V_k \Lambda_k^{1/2}` from the eigendecomposition of R.

    ``eig`` passes a decomposition already made (descending values, vectors).
    SPSS Factor > Extraction > Principal components; R ``psych::principal(r, nfactors = k, rotate = "none")``.
    """
    values, vectors = eig if eig is not None else eigh_desc(r)
    lam = np.maximum(values[:k], np.finfo(float).eps)  # psych floors eigenvalues at machine epsilon
    loadings = sign_columns(vectors[:, :k] * np.sqrt(lam))
    return Extraction("pca", loadings, (loadings**2).sum(axis=1), 0, True, np.zeros(r.shape[0], bool), False)


def _top_loadings(s: np.ndarray, k: int) -> tuple[np.ndarray, bool]:
    values, vectors = eigh_desc(s)
    lam = values[:k]
    clipped = bool((lam < 0).any())
    return vectors[:, :k] * np.sqrt(np.maximum(lam, 0.0)), clipped


def principal_axis(r: np.ndarray, k: int, *, max_iter: int = 10_000, tol: float = 1e-12) -> Extraction:
    r"""Iterated principal axis factoring from squared multiple correlations.

    Start with :math:`h^2_j = \mathrm{SMC}_j` on the diagonal of R; repeat :math:`L = V_k \Lambda_k^{1/2}`
    of the reduced matrix and :math:`h^2 = \mathrm{diag}(LL')` until the total communality changes by less
    than ``tol`` (psych's criterion). ``max_iter=25, tol=0.001`` reproduces SPSS's defaults; the defaults
    here iterate to convergence, as ``psych::fa(r, k, fm = "pa", max.iter = 10000, min.err = 1e-12)``.
    """
    h2 = smc_array(r)
    s = r.copy()
    total = h2.sum()
    converged = False
    clipped = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is read after the loop
        np.fill_diagonal(s, h2)
        loadings, clipped = _top_loadings(s, k)
        h2 = (loadings**2).sum(axis=1)
        new_total = h2.sum()
        if abs(new_total - total) < tol:
            converged = True
            break
        total = new_total
    loadings = sign_columns(loadings)
    return Extraction("paf", loadings, h2, iterations, converged, np.zeros(r.shape[0], bool), clipped)


def _uls_objective(psi: np.ndarray, r: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    # Unweighted least squares in the uniquenesses: with L the best rank-k fit of R - diag(psi), the
    # residual is the sum of squares of the discarded eigenvalues. Its stationary point is the minres
    # (off-diagonal least squares) solution and the fixed point of iterated principal axis.
    s = r - np.diag(psi)
    values, vectors = _eigh(s)
    values, vectors = values[::-1], vectors[:, ::-1]
    rest = values[k:]
    neg = np.minimum(values[:k], 0.0)  # a negative retained eigenvalue cannot be fitted by LL'
    f = float(rest @ rest + neg @ neg)
    grad = -2.0 * ((vectors[:, k:] ** 2) @ rest + (vectors[:, :k] ** 2) @ neg)
    return f, grad


def _ml_objective(psi: np.ndarray, r: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    # factanal's FAfn and FAgr: the ML discrepancy as a function of the uniquenesses (Joreskog 1967).
    sc = 1.0 / np.sqrt(psi)
    s = r * np.outer(sc, sc)
    values, vectors = _eigh(s)
    values, vectors = values[::-1], vectors[:, ::-1]
    e = values[k:]
    f = float(-(np.sum(np.log(e) - e) - k + r.shape[0]))
    load = np.sqrt(psi)[:, None] * vectors[:, :k] * np.sqrt(np.maximum(values[:k] - 1.0, 0.0))
    g = (load**2).sum(axis=1) + psi - np.diag(r)
    return f, g / psi**2


def ml_start(r: np.ndarray, k: int) -> np.ndarray:
    """factanal's start for the uniquenesses, :math:`(1 - k/2p) / \\mathrm{diag}(R^{-1})`."""
    return (1 - 0.5 * k / r.shape[0]) * (1 - smc_array(r))


def _starts(r: np.ndarray, k: int, method: str, n_random: int, seed: int | None) -> list[np.ndarray]:
    # psych's own start first (1 - SMC; SMC itself for wls and gls), then factanal's, then random ones:
    # the criteria have local optima, and the start psych uses does not always reach the lowest.
    smc = smc_array(r)
    first = smc if method in ("wls", "gls") else 1.0 - smc
    starts = [first, ml_start(r, k), 1.0 - smc if method in ("wls", "gls") else np.full(r.shape[0], 0.5)]
    rng = np.random.default_rng(seed)
    starts += [rng.uniform(0.1, 0.9, r.shape[0]) for _ in range(n_random)]
    return [np.clip(x, PSI_LOWER, PSI_UPPER) for x in starts]


def _minres_starts(r, k, n_random, seed):
    starts = _starts(r, k, "minres", n_random, seed)
    return starts[:1] + starts[3:]


def _fit_uniquenesses(objective, r: np.ndarray, k: int, max_iter: int, starts: list[np.ndarray], gtol: float = 1e-12):
    """Minimize ``objective`` over the uniquenesses in psych's bounds from each start; keep the lowest.

    Returns (psi, iterations, converged, objective, objectives of every start, gradient norm).
    """
    best = None
    values = []
    with one_blas_thread():
        for start in starts:
            best, values = _minimize_from(objective, r, k, max_iter, start, best, values, gtol)
    return _finish_fit(best, values)


def _minimize_from(objective, r, k, max_iter, start, best, values, gtol=1e-12):
    """One L-BFGS-B run from ``start``; returns the better of it and ``best``, and the values so far."""
    res = optimize.minimize(
        objective,
        start,
        args=(r, k),
        jac=True,
        method="L-BFGS-B",
        bounds=[(PSI_LOWER, PSI_UPPER)] * r.shape[0],
        options={"maxiter": max_iter, "ftol": 1e-16 if gtol <= 1e-12 else gtol**2, "gtol": gtol, "maxcor": 20},
    )
    values.append(float(res.fun))
    if best is None or res.fun < best.fun - 1e-12 * max(1.0, abs(best.fun)):
        best = res
    return best, values


def _finish_fit(best, values):
    psi = best.x
    # L-BFGS-B stops on its own ftol; a gradient this small means the solution is exact to far more
    # digits than psych reports. Anything else is reported as not converged.
    free = (psi > PSI_LOWER * (1 + 1e-9)) & (psi < PSI_UPPER * (1 - 1e-9))
    grad = float(np.max(np.abs(best.jac[free]), initial=0.0))
    converged = grad < 1e-6
    return psi, int(best.nit), converged, float(best.fun), tuple(values), grad


def _weighted_residual_objective(weighting: str):
    r"""psych's WLS and GLS criteria as functions of the uniquenesses, with the analytic gradient.

    :math:`S = R - \Psi` (the diagonal 1 - psi), :math:`M = V_k \Lambda_k V_k'` its best rank-k part
    (eigenvalues below machine epsilon raised to 100 eps, as psych), :math:`E = S - M`;
    WLS: :math:`f = \sum_{ij} w_i w_j E_{ij}^2` with :math:`w = 1/\mathrm{diag}(R^{-1})`;
    GLS: :math:`f = \lVert R^{-1} E \rVert_F^2`.
    The gradient is :math:`\partial f/\partial\psi_i = -2[G - V(\Gamma \circ V'GV)V']_{ii}` with
    :math:`G = \partial f/\partial E` and :math:`\Gamma` the divided differences of the truncation
    :math:`h(\lambda)` (Daleckii-Krein), written here because psych differentiates another function (the ML
    criterion's gradient), which is why its optimizer can stop short of the minimum.
    """
    tiny = np.finfo(float).eps

    def objective(psi: np.ndarray, r: np.ndarray, k: int, r_inv: np.ndarray):
        s = r - np.diag(psi)
        lam, v = _eigh(s)
        lam, v = lam[::-1], v[:, ::-1]
        h = np.zeros_like(lam)
        h[:k] = np.where(lam[:k] < tiny, 100 * tiny, lam[:k])
        e = s - (v * h) @ v.T
        if weighting == "wls":
            w = 1.0 / np.diag(r_inv)
            ww = np.outer(w, w)
            f = float(np.sum(ww * e**2))
            g = 2 * ww * e
        else:
            ae = r_inv @ e
            f = float(np.sum(ae**2))
            g = 2 * r_inv.T @ ae
            g = (g + g.T) / 2
        dl = lam[:, None] - lam[None, :]
        dh = h[:, None] - h[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            gamma = np.where(np.abs(dl) > 1e-12, dh / dl, 0.0)
        deriv = np.zeros_like(lam)
        deriv[:k] = (lam[:k] >= tiny).astype(float)  # h'(lambda): 1 on the retained, 0 elsewhere
        gamma[np.diag_indices_from(gamma)] = deriv
        same = (np.abs(dl) <= 1e-12) & ~np.eye(len(lam), dtype=bool)
        gamma[same] = (deriv[:, None] * np.ones_like(dl))[same]
        inner = v @ (gamma * (v.T @ g @ v)) @ v.T
        return f, -np.diag(g - inner)

    return objective


def minres(
    r: np.ndarray,
    k: int,
    *,
    max_iter: int = 10_000,
    n_random: int = 0,
    seed: int | None = 0,
    start: np.ndarray | None = None,
    gtol: float = 1e-12,
) -> Extraction:
    r"""Minimum residual (unweighted least squares) factoring.

    Minimizes :math:`\sum_{i \ne j} (r_{ij} - (LL')_{ij})^2` over the uniquenesses :math:`\psi` with
    L-BFGS-B and the analytic gradient, :math:`\psi \in [0.005, 1]` as psych bounds them, from psych's
    start :math:`1 - \mathrm{SMC}` (or ``start``, e.g. a full-sample solution for a bootstrap; a bootstrap
    may also loosen ``gtol``, the gradient at which the optimizer stops); then
    :math:`L = V_k \Lambda_k^{1/2}` of :math:`R - \mathrm{diag}(\psi)`.
    R: ``psych::fa(r, k, fm = "minres")``. SPSS: Extraction > Unweighted least squares.
    Reference: Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    Psychometrika 31, 351-368.
    """
    psi, iterations, converged, f, values, grad = _fit_uniquenesses(
        _uls_objective, r, k, max_iter, _minres_starts(r, k, n_random, seed) if start is None else [start], gtol
    )
    return _residual_extraction("minres", r, k, psi, iterations, converged, f, values, grad)


def _residual_extraction(method, r, k, psi, iterations, converged, f, values, grad) -> Extraction:
    r"""The Extraction of a least-squares fit of the uniquenesses (minres, wls, gls): loadings from the top
    eigenpairs of :math:`R - \mathrm{diag}(\psi)`, signed as psych."""
    loadings, clipped = _top_loadings(r - np.diag(psi), k)
    loadings = sign_columns(loadings)
    return Extraction(
        method,
        loadings,
        (loadings**2).sum(axis=1),
        iterations,
        converged,
        psi <= PSI_LOWER * (1 + 1e-6),
        clipped,
        f,
        values,
        grad,
    )


def maximum_likelihood(
    r: np.ndarray, k: int, *, max_iter: int = 10_000, n_random: int = 3, seed: int | None = 0
) -> Extraction:
    r"""Maximum likelihood factoring (Joreskog's concentrated likelihood in the uniquenesses).

    Minimizes :math:`F(\psi) = -\sum_{j>k} (\ln e_j - e_j) - k + p`, where :math:`e_j` are the
    eigenvalues of :math:`\Psi^{-1/2} R \Psi^{-1/2}`, with L-BFGS-B and the analytic gradient;
    :math:`L = \Psi^{1/2} V_k (E_k - I)^{1/2}`.

    The criterion can have local minima. It is minimized from psych's start (:math:`1 - \mathrm{SMC}`),
    factanal's, a uniform 0.5 and ``n_random`` random starts (seeded); the lowest is kept, and the
    criterion reached from every start is in ``start_objectives`` so a caller can see whether they agree.
    R: ``psych::fa(r, k, fm = "ml")`` and ``factanal``. SPSS: Extraction > Maximum likelihood.
    Reference: Joreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
    Psychometrika 32, 443-482.
    """
    psi, iterations, converged, f, starts, grad = _fit_uniquenesses(
        _ml_objective, r, k, max_iter, _starts(r, k, "ml", n_random, seed)
    )
    sc = 1.0 / np.sqrt(psi)
    values, vectors = eigh_desc(r * np.outer(sc, sc))
    loadings = np.sqrt(psi)[:, None] * vectors[:, :k] * np.sqrt(np.maximum(values[:k] - 1.0, 0.0))
    loadings = sign_columns(loadings)
    return Extraction(
        "ml",
        loadings,
        (loadings**2).sum(axis=1),
        iterations,
        converged,
        psi <= PSI_LOWER * (1 + 1e-6),
        bool((values[:k] < 1).any()),
        f,
        starts,
        grad,
    )


def weighted_least_squares(
    r: np.ndarray, k: int, *, weighting: str = "wls", max_iter: int = 10_000, n_random: int = 0, seed: int | None = 0
) -> Extraction:
    r"""Weighted (``"wls"``) or generalized (``"gls"``) least squares factoring, psych's criteria.

    WLS minimizes :math:`\sum_{ij} w_i w_j (s_{ij} - m_{ij})^2`, :math:`w_i = 1/(R^{-1})_{ii}`
    (:math:`1 - \mathrm{SMC}_i`); GLS minimizes :math:`\lVert R^{-1}(S - M)\rVert_F^2`; in both
    :math:`S = R` with :math:`1 - \psi` on the diagonal and :math:`M` its best rank-k part, and the
    loadings are :math:`V_k \Lambda_k^{1/2}` of S. R: ``psych::fa(r, k, fm = "wls")`` / ``"gls"``.

    Where the loadings can differ from psych's printout: psych minimizes this criterion with L-BFGS-B
    from :math:`\psi = \mathrm{SMC}` but hands the optimizer the gradient of the ML criterion, not of this
    one, so the line searches stop when the wrong gradient stalls, often before the minimum (by 1e-3 in
    the loadings on bfi). Here the analytic gradient is used from psych's start and from 1 - SMC and
    factanal's start, and the lowest criterion is kept; ``objective`` is the value reached, never above
    the value at psych's solution.
    """
    r_inv = np.linalg.inv(r)
    fun = _weighted_residual_objective(weighting)

    def objective(psi, r_, k_):
        return fun(psi, r_, k_, r_inv)

    psi, iterations, converged, f, values, grad = _fit_uniquenesses(
        objective, r, k, max_iter, _starts(r, k, weighting, n_random, seed)
    )
    return _residual_extraction(weighting, r, k, psi, iterations, converged, f, values, grad)


def extract(
    r: np.ndarray,
    k: int,
    method: str,
    *,
    max_iter: int | None = None,
    tol: float | None = None,
    eig: tuple[np.ndarray, np.ndarray] | None = None,
    n_starts: int | None = None,
    seed: int | None = 0,
) -> Extraction:
    """Dispatch to one of :data:`METHODS`. ``n_starts``: random starts besides the fixed ones (ml: 3)."""
    if method == "pca":
        return principal_components(r, k, eig)
    if method == "paf":
        return principal_axis(r, k, max_iter=max_iter or 10_000, tol=1e-12 if tol is None else tol)
    if method == "minres":
        return minres(r, k, max_iter=max_iter or 10_000, n_random=n_starts or 0, seed=seed)
    if method in ("wls", "gls"):
        return weighted_least_squares(
            r, k, weighting=method, max_iter=max_iter or 10_000, n_random=n_starts or 0, seed=seed
        )
    return maximum_likelihood(
        r, k, max_iter=max_iter or 10_000, n_random=3 if n_starts is None else n_starts, seed=seed
    )


def residual_matrix(r: np.ndarray, loadings: np.ndarray, phi: np.ndarray | None = None) -> np.ndarray:
    """:math:`R - L\\Phi L'`, diagonal included (the uniquenesses), as psych's ``residual``."""
    k = loadings.shape[1]
    return r - loadings @ (np.eye(k) if phi is None else phi) @ loadings.T


def model_fit(r: np.ndarray, loadings: np.ndarray, phi: np.ndarray | None, n_obs: int) -> dict:
    r"""Likelihood-ratio fit of a k-factor model, as ``psych::fa`` reports it (its ``fa.stats``).

    :math:`F = \mathrm{tr}(\Sigma^{-1} R) - \ln|\Sigma^{-1} R| - p` with :math:`\Sigma = LL'` and unit
    diagonal; :math:`\chi^2 = F\,(n - 1 - (2p + 5)/6 - 2k/3)` (Bartlett's correction), df
    :math:`= p(p-1)/2 - pk + k(k-1)/2`; TLI from the null model :math:`F_0 = -\ln|R|`;
    RMSEA :math:`= \sqrt{\max(\chi^2/(df\,n) - 1/(n-1), 0)}`; BIC :math:`= \chi^2 - df \ln n`.
    Residuals :math:`e = R - \Sigma` off the diagonal: RMSR :math:`= \sqrt{\sum_{i \ne j} e_{ij}^2 / (p(p-1))}`,
    the df-corrected :math:`\sqrt{\sum_{i \ne j} e_{ij}^2 / (2\,df)}` (psych's ``rms`` and ``crms``) and the
    count of the p(p-1)/2 residuals above 0.05 in absolute value. Same for every extraction method, as
    ``psych::fa`` reports them.
    """
    p, k = loadings.shape
    sigma = loadings @ (phi if phi is not None else np.eye(k)) @ loadings.T
    np.fill_diagonal(sigma, 1.0)
    m = np.linalg.solve(sigma, r)
    sign, logdet = np.linalg.slogdet(m)
    f = float(np.trace(m) - logdet - p)
    dof = p * (p - 1) / 2 - p * k + k * (k - 1) / 2
    nm = bartlett_multiplier(n_obs, p) - 2 * k / 3
    chi2 = max(f * nm, 0.0)
    f0 = float(-np.linalg.slogdet(r)[1])
    m0 = f0 * 2 / (p * (p - 1))
    resid = residual_matrix(r, loadings, phi)
    off = resid[np.triu_indices(p, 1)]
    rstar = 2 * float(off @ off)
    out = {
        "objective": f,
        "chi2": chi2,
        "df": int(round(dof)),
        "p_value": np.nan,
        "rmsea": np.nan,
        "tli": np.nan,
        "bic": np.nan,
        "null_chi2": f0 * bartlett_multiplier(n_obs, p),
        "null_df": p * (p - 1) // 2,
        "rmsr": float(np.sqrt(rstar / (p * (p - 1)))),
        "crms": np.nan,
        "n_residuals_above_05": int((np.abs(off) > 0.05).sum()),
        "n_residuals": int(off.size),
    }
    if dof > 0:
        out["p_value"] = float(special.chdtrc(dof, chi2))
        out["tli"] = float((m0 - f / dof) / (m0 - 1 / nm))
        out["rmsea"] = float(np.sqrt(max(chi2 / (dof * n_obs) - 1 / (n_obs - 1), 0.0)))
        out["bic"] = float(chi2 - dof * np.log(n_obs))
        out["crms"] = float(np.sqrt(rstar / (2 * dof)))
    return out
