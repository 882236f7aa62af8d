"""How many factors: Kaiser's criterion and Horn's parallel analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable
from cmanalytics.psychometrics.inputs import gather, random_generator

SIMULATIONS = ("wishart", "normal")
_BATCH = 256


def _leading_count(observed: np.ndarray, reference: np.ndarray) -> int:
    """How many eigenvalues, from the first on, exceed their reference (psych's counting rule)."""
    above = observed > reference
    return int(np.argmin(above)) if not above.all() else len(above)


def _reduced_eigenvalues(r: np.ndarray) -> np.ndarray:
    """Eigenvalues (descending) of R with squared multiple correlations on the diagonal, for a batch."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:       # a singular observed matrix: the pseudo-inverse, as everywhere else
        inv = np.linalg.pinv(r, hermitian=True)
    smc = 1.0 - 1.0 / np.diagonal(inv, axis1=-2, axis2=-1)
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
        rows = [("Suggested number of factors", str(self.n_factors)),
                ("Suggested number of components", str(self.n_components)),
                ("Random data sets", f"{self.n_iter} ({self.simulation}), seed {self.seed}"),
                ("Reference", f"{100 * self.quantile:g}th percentile of random eigenvalues"), ("N", str(self.n_obs))]
        return "Parallel analysis", rows, [("Eigenvalues", self.table)], (), ()


def parallel_analysis(data=None, *, corr=None, n_obs=None, n_iter: int = 1000, quantile: float = 0.95,
                      seed: int | None = None, missing: str = "listwise", simulation: str = "wishart") -> ParallelAnalysisResult:
    r"""Horn's parallel analysis: keep the factors whose eigenvalues beat those of random data.

    For ``n_iter`` random data sets of the same n and p (independent normal variables), the eigenvalues of
    the correlation matrix (components) and of the reduced correlation matrix with squared multiple
    correlations on the diagonal (common factors) are computed; an observed eigenvalue is retained while it
    exceeds the ``quantile`` of its random counterparts (Glorfeld's 95th percentile by default; the mean
    is reported too). Random correlation matrices are drawn directly from the Wishart distribution
    (``simulation="wishart"``), which costs nothing in n; ``"normal"`` simulates the raw data.

    R: ``psych::fa.parallel(x, fa = "both", n.iter = n_iter, quant = quantile)`` (psych draws raw data, and
    for factors uses the eigenvalues of a 1-factor solution, so its factor count can differ by one).
    SPSS has no menu for it (O'Connor's 2000 syntax is the usual route).
    References: Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika 30, 179-185. Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis
    methodology. Educational and Psychological Measurement 55, 377-393.
    """
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise ArgumentError(f"n_iter must be a whole number of at least 1; got {n_iter!r}.")
    if not 0 < quantile < 1:
        raise ArgumentError(f"quantile must lie between 0 and 1; got {quantile!r}.")
    if simulation not in SIMULATIONS:
        raise ArgumentError(f"simulation={simulation!r}; choose 'wishart' or 'normal'.")
    m = gather(data, corr, n_obs, missing=missing)
    p, n = m.n_items, m.n_obs
    if n <= p + 1:
        raise DataError(f"parallel analysis needs more respondents ({n}) than items plus one ({p + 1}): with fewer, "
                        "random correlation matrices are singular.")
    rng = random_generator(seed)
    pc = np.empty((n_iter, p))
    fa = np.empty((n_iter, p))
    for start in range(0, n_iter, _BATCH):
        size = min(_BATCH, n_iter - start)
        r = random_correlations(n, p, size, rng, simulation)
        pc[start:start + size] = np.linalg.eigvalsh(r)[:, ::-1]
        fa[start:start + size] = _reduced_eigenvalues(r)
    obs_pc = np.linalg.eigvalsh(m.corr)[::-1]
    obs_fa = _reduced_eigenvalues(m.corr[None])[0]
    q_pc, q_fa = np.quantile(pc, quantile, axis=0), np.quantile(fa, quantile, axis=0)
    table = pd.DataFrame({
        "observed_pc": obs_pc, "mean_pc": pc.mean(axis=0), "quantile_pc": q_pc,
        "observed_fa": obs_fa, "mean_fa": fa.mean(axis=0), "quantile_fa": q_fa,
    }, index=pd.RangeIndex(1, p + 1, name="position"))
    return ParallelAnalysisResult(table=table, n_factors=_leading_count(obs_fa, q_fa),
                                  n_components=_leading_count(obs_pc, q_pc), n_iter=int(n_iter), quantile=quantile,
                                  seed=seed, n_obs=n, simulation=simulation)
