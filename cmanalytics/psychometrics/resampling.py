"""Bootstrap confidence intervals for alpha, KMO and rotated loadings."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from itertools import permutations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, CmanalyticsWarning, DataError, diagnose
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.adequacy import kmo_arrays, kmo_from_moments
from cmanalytics.psychometrics.efa import METHOD_ALIASES, efa_from_moments
from cmanalytics.psychometrics.inputs import (
    check_level,
    check_missing,
    check_whole,
    moments_from_array,
    random_generator,
    response_matrix,
    stack_inverse,
)
from cmanalytics.psychometrics.reliability import alpha_from_cov, cronbach_alpha
from cmanalytics.psychometrics.rotation import ROTATIONS, varimax_stack

_BATCH = 500


def align(draws: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Reorder and re-sign each draw's factors (B, p, k) to match the full-sample solution: the
    permutation with the largest summed absolute Tucker congruence, then signs making congruence positive."""
    num = np.einsum("bpi,pj->bij", draws, reference)
    den = np.sqrt((draws**2).sum(axis=1))[:, :, None] * np.sqrt((reference**2).sum(axis=0))[None, None, :]
    cong = num / np.where(den > 0, den, 1.0)
    k = reference.shape[1]
    perms = list(permutations(range(k)))
    score = np.stack([np.abs(cong[:, list(pm), range(k)]).sum(axis=1) for pm in perms], axis=1)
    best = np.array(perms)[score.argmax(axis=1)]  # (B, k): draw factor for each reference factor
    out = np.take_along_axis(draws, best[:, None, :], axis=2)
    signs = np.sign(cong[np.arange(len(best))[:, None], best, np.arange(k)[None, :]])
    signs[signs == 0] = 1
    return out * signs[:, None, :]


@dataclass(frozen=True, repr=False)
class BootstrapResult(Reportable):
    """Percentile bootstrap intervals: ``alpha`` and ``kmo`` (dicts: estimate, lower, upper),
    ``loadings`` (estimates), ``loadings_lower`` and ``loadings_upper`` (DataFrames), ``n_boot``,
    ``seed``, ``level``; ``draws`` holds every resample's alpha, KMO and aligned loadings."""

    alpha: dict
    kmo: dict
    items: tuple[str, ...]
    factors: tuple[str, ...]
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_boot: int
    seed: int | None
    level: float
    draws: dict
    warnings: tuple[str, ...] = ()

    def _frame(self, a):
        return pd.DataFrame(a, index=list(self.items), columns=list(self.factors))

    @cached_property
    def loadings(self) -> pd.DataFrame:
        return self._frame(self.estimate)

    @cached_property
    def loadings_lower(self) -> pd.DataFrame:
        return self._frame(self.lower)

    @cached_property
    def loadings_upper(self) -> pd.DataFrame:
        return self._frame(self.upper)

    def _report(self):
        lv = f"{100 * self.level:g}%"
        rows = [
            (
                f"alpha ({lv} CI)",
                f"{fmt(self.alpha['estimate'])} [{fmt(self.alpha['lower'])}, {fmt(self.alpha['upper'])}]",
            ),
            (f"KMO ({lv} CI)", f"{fmt(self.kmo['estimate'])} [{fmt(self.kmo['lower'])}, {fmt(self.kmo['upper'])}]"),
            ("resamples", f"{self.n_boot}, seed {self.seed}"),
        ]
        return (
            "Bootstrap",
            rows,
            [("Loadings", self.loadings), (f"Lower {lv}", self.loadings_lower), (f"Upper {lv}", self.loadings_upper)],
            self.warnings,
            (),
        )


def bootstrap(
    data,
    n_factors: int,
    n_boot: int = 2000,
    method: str = "pca",
    rotation: str | None = "varimax",
    *,
    seed: int | None = None,
    missing: str = "listwise",
    level: float = 0.95,
) -> BootstrapResult:
    r"""Percentile bootstrap intervals for Cronbach's alpha, KMO and the rotated loadings.

    Respondents are resampled with replacement ``n_boot`` times; each resample's factors are matched to
    the full-sample solution by order and sign (largest Tucker congruence) before the
    :math:`(1 \pm \text{level})/2` quantiles are taken. Reproducible for a seed. With principal components
    under listwise deletion all resamples are computed at once (weighted moments from multinomial counts,
    batched eigendecompositions and a batched ``stats::varimax``).

    R: ``psych::fa(x, nfactors, n.iter = n_boot)`` (loadings) and ``psych::alpha(x, n.iter = n_boot)``.
    Reference: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    """
    key, rot = _check_bootstrap_options(n_boot, level, missing, method, rotation)
    x, names = response_matrix(data, min_items=3)
    full_m = moments_from_array(x, names, missing)
    full = efa_from_moments(full_m, n_factors=n_factors, method=key, rotation=rot)
    est_alpha = cronbach_alpha(full_m).alpha
    est_kmo = kmo_from_moments(full_m).overall
    reference = full.loadings.to_numpy()
    rng = random_generator(seed)
    if missing == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    n, p = x.shape
    if n <= p:
        raise DataError(
            f"a bootstrap needs more respondents ({n}) than items ({p}): every resample's correlation "
            "matrix would be singular."
        )
    alphas, kmos, loads, diagnosed = _draws(x, names, missing, full.n_factors, key, rot, n_boot, rng)
    notes = _resample_diagnostics(diagnosed, n_boot)
    loads = align(loads, reference)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    q = lambda a: (np.quantile(a, lo_q, axis=0), np.quantile(a, hi_q, axis=0))  # noqa: E731
    a_lo, a_hi = q(alphas)
    k_lo, k_hi = q(kmos)
    l_lo, l_hi = q(loads)
    return BootstrapResult(
        alpha={"estimate": est_alpha, "lower": float(a_lo), "upper": float(a_hi)},
        kmo={"estimate": est_kmo, "lower": float(k_lo), "upper": float(k_hi)},
        items=names,
        factors=tuple(full.loadings.columns),
        estimate=reference,
        lower=l_lo,
        upper=l_hi,
        n_boot=int(n_boot),
        seed=seed,
        level=level,
        draws={"alpha": alphas, "kmo": kmos, "loadings": loads},
        warnings=tuple(notes),
    )


def _check_bootstrap_options(n_boot, level, missing, method, rotation) -> tuple[str, str | None]:
    """Step 1 of bootstrap: refuse arguments outside their domains; the extraction and rotation keys."""
    check_whole("n_boot", n_boot, 1)
    check_level("level", level)
    check_missing(missing)
    key = METHOD_ALIASES.get(str(method).lower())
    if key is None:
        raise ArgumentError(f"method={method!r} is not an extraction method; choose 'pca', 'paf', 'minres' or 'ml'.")
    rot = None if rotation is None or str(rotation).lower() == "none" else str(rotation).lower()
    if rot is not None and rot not in ROTATIONS:
        raise ArgumentError(f"rotation={rotation!r} is not available; choose None or one of {', '.join(ROTATIONS)}.")
    return key, rot


def _draws(x, names, missing, k, key, rot, n_boot, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Step 2 of bootstrap: alpha, KMO and loadings of every resample, in batches (all at once for principal
    components under listwise deletion), and the count of each kind of diagnostic the resamples raised."""
    n, p = x.shape
    alphas, kmos, loads = np.empty(n_boot), np.empty(n_boot), np.empty((n_boot, p, k))
    fast = key == "pca" and missing == "listwise" and rot in (None, "varimax")
    diagnosed: dict = {}
    for start in range(0, n_boot, _BATCH):
        size = min(_BATCH, n_boot - start)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        sl = slice(start, start + size)
        if fast:
            alphas[sl], kmos[sl], loads[sl], flat = _batch_pca(x, counts, k, rot)
            if flat is not None:
                raise _degenerate(start + flat[0], n, DataError(f"item {names[flat[1]]!r} has no variance"))
        else:
            for b in range(size):
                rows = np.repeat(np.arange(n), counts[b].astype(int))
                try:
                    alphas[start + b], kmos[start + b], loads[start + b] = _one_resample(
                        x[rows], names, missing, k, key, rot, diagnosed
                    )
                except (DataError, np.linalg.LinAlgError) as exc:
                    raise _degenerate(start + b, n, exc) from None
    return alphas, kmos, loads, diagnosed


def _one_resample(x, names, missing, k, key, rot, diagnosed) -> tuple[float, float, np.ndarray]:
    """Step 3 of bootstrap (the general path): alpha, KMO and loadings of one resample; its diagnostics
    (a Heywood case, ML starts that disagree) are counted in ``diagnosed``, to be said once, not repeated
    two thousand times."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CmanalyticsWarning)
        m = moments_from_array(x, names, missing)
        out = (
            cronbach_alpha(m).alpha,
            kmo_from_moments(m).overall,
            efa_from_moments(m, n_factors=k, method=key, rotation=rot).loadings.to_numpy(),
        )
    # a count of resamples, not of warnings: one resample can raise a kind twice (negative alpha and
    # negatively correlating items are both ReverseKeyWarnings); kinds in the order first raised, each with
    # its first message
    first: dict = {}
    for w in caught:
        if issubclass(w.category, CmanalyticsWarning):
            first.setdefault(w.category, str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    for category, message in first.items():
        count, message = diagnosed.get(category, (0, message))
        diagnosed[category] = (count + 1, message)
    return out


def _resample_diagnostics(diagnosed: dict, n_boot: int) -> list[str]:
    """Step 4 of bootstrap: one warning per kind of diagnostic, with the number of resamples it came from,
    in the words of the kind's class (the first message itself for the base class, whose words say nothing)."""
    notes: list[str] = []
    for category, (count, message) in diagnosed.items():
        text = message if category is CmanalyticsWarning else (category.__doc__ or category.__name__)
        what = text.strip().splitlines()[0].rstrip(".")
        diagnose(f"in {count} of {n_boot} resamples: {what[0].lower()}{what[1:]}", category, notes)
    return notes


def _degenerate(b: int, n: int, exc: Exception) -> DataError:
    reason = (
        "its correlation matrix is singular"
        if isinstance(exc, np.linalg.LinAlgError)
        else " ".join(str(exc).split()) or type(exc).__name__
    )
    return DataError(
        f"bootstrap resample {b + 1} cannot be analysed ({reason}); with {n} respondents some "
        "resamples lose an item's variance or make the matrix singular: a bootstrap needs more data."
    )


def _batch_pca(x: np.ndarray, counts: np.ndarray, k: int, rotation):
    """Alpha, KMO and (rotated) component loadings of every resample at once, from weighted moments, and
    (resample, item) of the first resample in which an item has no variance (None when there is none)."""
    n, p = x.shape
    xc = x - x.mean(axis=0)
    sums = counts @ xc  # (B, p)
    gram = np.einsum("bn,ni,nj->bij", counts, xc, xc)
    mean = sums / n
    cov = (gram - n * mean[:, :, None] * mean[:, None, :]) / (n - 1)
    alpha = alpha_from_cov(cov)
    sd = np.sqrt(np.maximum(np.diagonal(cov, axis1=1, axis2=2), 0.0))
    # an item that took one value in a resample: its variance there is rounding of the full data's
    flat = np.argwhere(sd <= 1e-6 * xc.std(axis=0))
    if flat.size:
        return None, None, None, (int(flat[0, 0]), int(flat[0, 1]))
    r = cov / (sd[:, :, None] * sd[:, None, :])
    idx = np.arange(p)
    r[:, idx, idx] = 1.0
    kmo = kmo_arrays(r, stack_inverse(r))[0]  # a singular resample (duplicated rows): pseudo-inverses
    values, vectors = np.linalg.eigh(r)
    values, vectors = values[:, ::-1][:, :k], vectors[:, :, ::-1][:, :, :k]
    lam = vectors * np.sqrt(np.maximum(values, np.finfo(float).eps))[:, None, :]
    if rotation == "varimax" and k > 1:
        lam = varimax_stack(lam)
    return alpha, kmo, lam, None
