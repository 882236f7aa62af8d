"""How many factors: Kaiser's criterion and Horn's parallel analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable
from cmanalytics.psychometrics.inputs import (
    LISTWISE,
    Moments,
    check_level,
    check_whole,
    gather,
    random_generator,
    stack_inverse,
)
from cmanalytics.psychometrics.preparation import prepare

SIMULATIONS = ("wishart", "normal")
_BATCH = 256


def _leading_count(observed: np.ndarray, reference: np.ndarray) -> int:
    """How many eigenvalues, from the first on, exceed their reference (psych's counting rule)."""
    above = observed > reference
    return int(np.argmin(above)) if not above.all() else len(above)


def _reduced_eigenvalues(r: np.ndarray) -> np.ndarray:
    """Eigenvalues (descending) of R with squared multiple correlations on the diagonal, for a batch."""
    smc = 1.0 - 1.0 / np.diagonal(stack_inverse(r), axis1=-2, axis2=-1)
    reduced = r.copy()
    idx = np.arange(r.shape[-1])
    reduced[..., idx, idx] = smc
    return np.linalg.eigvalsh(reduced)[..., ::-1]


def random_correlations(n_obs: int, p: int, size: int, rng: np.random.Generator, method: str = "wishart") -> np.ndarray:
    r"""Correlation matrices of ``size`` samples of n independent standard normal variables.

    ``"wishart"`` draws the scatter matrix :math:`A \sim W_p(n-1, I)` by Bartlett's decomposition
    :math:`A = TT'` (:math:`T_{jj}^2 \sim \chi^2_{n-1-j}`, :math:`T_{ij} \sim N(0,1)` below the diagonal)
    and scales it to a correlation matrix: the same distribution as correlating simulated raw data, at a
    cost that does not depend on n. ``"normal"`` simulates the raw data (as ``psych::fa.parallel``).
    Reference: Bartlett, M. S. (1933). On the theory of statistical regression. Proc. Roy. Soc. Edinburgh 53, 260-283.
    """
    if method == "normal":
        x = rng.standard_normal((size, n_obs, p))
        x -= x.mean(axis=1, keepdims=True)
        a = np.einsum("bni,bnj->bij", x, x)
    else:
        t = np.zeros((size, p, p))
        rows, cols = np.tril_indices(p, -1)
        t[:, rows, cols] = rng.standard_normal((size, rows.size))
        df = (n_obs - 1) - np.arange(p)
        t[:, np.arange(p), np.arange(p)] = np.sqrt(rng.chisquare(df, size=(size, p)))
        a = t @ np.swapaxes(t, -1, -2)
    d = 1.0 / np.sqrt(np.diagonal(a, axis1=-2, axis2=-1))
    return a * d[:, :, None] * d[:, None, :]


@dataclass(frozen=True, repr=False)
class ParallelAnalysisResult(Reportable):
    """Horn's parallel analysis.

    ``table``: per position, the observed eigenvalue and the mean and quantile of random-data eigenvalues,
    for components (``*_pc``: eigenvalues of R) and common factors (``*_fa``: eigenvalues of R with SMCs on
    the diagonal). ``n_factors`` and ``n_components``: how many leading observed eigenvalues exceed the
    quantile. Also ``n_iter``, ``quantile``, ``seed``, ``n_obs``, ``simulation``.
    """

    table: pd.DataFrame
    n_factors: int
    n_components: int
    n_iter: int
    quantile: float
    seed: int | None
    n_obs: int
    simulation: str

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def _report(self):
        rows = [
            ("Suggested number of factors", str(self.n_factors)),
            ("Suggested number of components", str(self.n_components)),
            ("Random data sets", f"{self.n_iter} ({self.simulation}), seed {self.seed}"),
            ("Reference", f"{100 * self.quantile:g}th percentile of random eigenvalues"),
            ("N", str(self.n_obs)),
        ]
        return "Parallel analysis", rows, [("Eigenvalues", self.table)], (), ()


def parallel_analysis(
    data=None,
    *,
    corr=None,
    n_obs=None,
    n_iter: int = 1000,
    quantile: float = 0.95,
    seed: int | None = None,
    missing: str = LISTWISE,
    simulation: str = "wishart",
    cor: str = "pearson",
) -> ParallelAnalysisResult:
    r"""Horn's parallel analysis: keep the factors whose eigenvalues beat those of random data.

    For ``n_iter`` random data sets of the same n and p (independent normal variables), the eigenvalues of
    the correlation matrix (components) and of the reduced correlation matrix with squared multiple
    correlations on the diagonal (common factors) are computed; an observed eigenvalue is retained while it
    exceeds the ``quantile`` of its random counterparts (Glorfeld's 95th percentile by default; the mean
    is reported too). Random correlation matrices are drawn directly from the Wishart distribution
    (``simulation="wishart"``), which costs nothing in n; ``"normal"`` simulates the raw data.

    ``cor="polychoric"`` analyses ordinal items on their polychoric correlations (as
    ``cma.prepare(data, method="polychoric")`` does, which may be passed as ``data`` too); the random
    reference stays that of continuous normal variables, psych's simulated (``sim = TRUE``) reference.
    ``quantile``: the reference percentile (psych's ``quant``); the table gives the mean beside it.

    R: ``psych::fa.parallel(x, fa = "both", n.iter = n_iter, quant = quantile)`` (psych draws raw data, and
    for factors uses the eigenvalues of a 1-factor solution, so its factor count can differ by one).
    SPSS has no menu for it (O'Connor's 2000 syntax is the usual route).
    References: Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika 30, 179-185. Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis
    methodology. Educational and Psychological Measurement 55, 377-393.
    """
    _check_parallel_options(n_iter, quantile, simulation, cor)
    if cor == "polychoric":
        if data is None or isinstance(data, Moments):
            raise ArgumentError(
                "cor='polychoric' needs the raw ordinal responses as data (or pass "
                "cma.prepare(data, method='polychoric') as data with cor='pearson')."
            )
        data = prepare(data, missing=missing, method="polychoric")
    m = gather(data, corr, n_obs, missing=missing)
    p, n = m.n_items, m.n_obs
    if n <= p + 1:
        raise DataError(
            f"parallel analysis needs more respondents ({n}) than items plus one ({p + 1}): with fewer, "
            "random correlation matrices are singular."
        )
    pc, fa = _random_eigenvalues(n, p, n_iter, random_generator(seed), simulation)
    obs_pc = np.linalg.eigvalsh(m.corr)[::-1]
    obs_fa = _reduced_eigenvalues(m.corr[None])[0]
    q_pc, q_fa = np.quantile(pc, quantile, axis=0), np.quantile(fa, quantile, axis=0)
    table = pd.DataFrame(
        {
            "observed_pc": obs_pc,
            "mean_pc": pc.mean(axis=0),
            "quantile_pc": q_pc,
            "observed_fa": obs_fa,
            "mean_fa": fa.mean(axis=0),
            "quantile_fa": q_fa,
        },
        index=pd.RangeIndex(1, p + 1, name="position"),
    )
    return ParallelAnalysisResult(
        table=table,
        n_factors=_leading_count(obs_fa, q_fa),
        n_components=_leading_count(obs_pc, q_pc),
        n_iter=int(n_iter),
        quantile=quantile,
        seed=seed,
        n_obs=n,
        simulation=simulation,
    )


def _check_parallel_options(n_iter, quantile, simulation, cor) -> None:
    """Step 1 of parallel_analysis: refuse arguments outside their domains."""
    check_whole("n_iter", n_iter, 1)
    check_level("quantile", quantile)
    if simulation not in SIMULATIONS:
        raise ArgumentError(f"simulation={simulation!r}; choose 'wishart' or 'normal'.")
    if cor not in ("pearson", "polychoric"):
        raise ArgumentError(f"cor={cor!r}; choose 'pearson' or 'polychoric'.")


def _random_eigenvalues(n, p, n_iter, rng, simulation) -> tuple[np.ndarray, np.ndarray]:
    """Step 2 of parallel_analysis: the eigenvalues of ``n_iter`` random correlation matrices (n_iter, p),
    unreduced (components) and reduced with SMCs on the diagonal (factors), drawn in batches."""
    pc = np.empty((n_iter, p))
    fa = np.empty((n_iter, p))
    for start in range(0, n_iter, _BATCH):
        size = min(_BATCH, n_iter - start)
        r = random_correlations(n, p, size, rng, simulation)
        pc[start : start + size] = np.linalg.eigvalsh(r)[:, ::-1]
        fa[start : start + size] = _reduced_eigenvalues(r)
    return pc, fa


@dataclass(frozen=True, repr=False)
class MAPResult(Reportable):
    """Velicer's minimum average partial: ``table`` (per number of components m = 0, 1, ...: the average
    squared partial correlation, Velicer 1976, and the average fourth power, the revised test of Velicer,
    Eaton & Fava 2000), ``n_factors`` (the m at the minimum of the squared), ``n_factors_revised``, ``n_obs``."""

    table: pd.DataFrame
    n_factors: int
    n_factors_revised: int
    n_obs: int

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def _report(self):
        rows = [
            ("Factors (MAP, squared partials)", str(self.n_factors)),
            ("Factors (revised MAP, fourth powers)", str(self.n_factors_revised)),
            ("N", str(self.n_obs)),
        ]
        return "Velicer's MAP test", rows, [("Average partial correlations", self.table)], (), ()


def velicer_map(
    data=None, *, corr=None, n_obs=None, missing: str = LISTWISE, max_factors: int | None = None
) -> MAPResult:
    r"""Velicer's minimum average partial (MAP) test, original and revised.

    With :math:`A_m` the first m principal component loadings, the partial covariance
    :math:`C_m = R - A_mA_m'` is scaled to correlations :math:`R^*_m`; the average of its off-diagonal
    squares (Velicer 1976) or fourth powers (Velicer, Eaton & Fava 2000) is computed for m = 0 (R itself),
    1, ..., and the number of components is the m where it is smallest.
    R: ``psych::VSS(r, n, plot = FALSE)$map`` gives the squared values for m = 1..n (psych's own choice of
    n excludes m = 0; the table here has it as Velicer's test does).
    References: Velicer, W. F. (1976). Determining the number of components from the matrix of partial
    correlations. Psychometrika 41, 321-327. Velicer, W. F., Eaton, C. A., & Fava, J. L. (2000). Construct
    explication through factor or component analysis. In Goffin & Helmes (Eds.), Problems and Solutions in
    Human Assessment (pp. 41-71).
    """
    m = gather(data, corr, n_obs, missing=missing)
    r, p = m.corr, m.n_items
    top = p - 1 if max_factors is None else int(max_factors)
    if not 1 <= top <= p - 1:
        raise ArgumentError(f"max_factors must lie between 1 and {p - 1}; got {max_factors!r}.")
    values, vectors = m.eigh
    loadings = vectors * np.sqrt(np.maximum(values, 0.0))
    off = ~np.eye(p, dtype=bool)
    sq, fourth = np.empty(top + 1), np.empty(top + 1)
    for k in range(top + 1):
        c = r - loadings[:, :k] @ loadings[:, :k].T
        # a residual variance of 0 (an item the first k components reproduce exactly) leaves its partial
        # correlations undefined: that m's averages are NaN and the minimum is taken over the others, as
        # R's which.min does
        with np.errstate(divide="ignore", invalid="ignore"):
            d = 1 / np.sqrt(np.diag(c))
            partial = (c * np.outer(d, d))[off]
        p2 = partial**2
        sq[k], fourth[k] = p2.mean(), (p2**2).mean()
    table = pd.DataFrame({"squared": sq, "fourth": fourth}, index=pd.RangeIndex(0, top + 1, name="components"))
    return MAPResult(table, int(np.nanargmin(sq)), int(np.nanargmin(fourth)), m.n_obs)
