"""Reliability: Cronbach's alpha with its item statistics and Feldt interval."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.inputs import Moments, check_missing, moments_from_array, response_matrix


def alpha_from_cov(c: np.ndarray):
    r"""Raw alpha, :math:`\frac{p}{p-1}\left(1 - \frac{\mathrm{tr}\,C}{\mathbf 1'C\mathbf 1}\right)`, of one
    covariance matrix or of a stack of them (..., p, p)."""
    p = c.shape[-1]
    return p / (p - 1) * (1 - np.trace(c, axis1=-2, axis2=-1) / c.sum(axis=(-2, -1)))


def std_alpha_if_deleted(r: np.ndarray) -> np.ndarray:
    r"""Standardized alpha of the p - 1 items left when each item is dropped in turn,
    :math:`\frac{q}{q-1}(1 - q / S_j)` with q = p - 1 and :math:`S_j` the sum of R without row and column j."""
    q = r.shape[0] - 1
    s = r.sum() - 2 * r.sum(axis=0) + 1
    return q / (q - 1) * (1 - q / s)


def feldt_interval(alpha: float, n: int, p: int, level: float) -> tuple[float, float]:
    r"""Feldt's interval: :math:`1 - (1-\alpha) F_{q}(n-1, (n-1)(p-1))` at q = (1 +- level)/2.

    As ``psych::alpha.ci`` (printed by ``psych::alpha``) computes it, unrounded.
    Reference: Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement 11, 93-103.
    """
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (p - 1)
    # special.fdtri is the F quantile (scipy.stats.f.ppf without its per-call overhead)
    lower = 1 - (1 - alpha) * special.fdtri(df1, df2, 1 - tail)
    upper = 1 - (1 - alpha) * special.fdtri(df1, df2, tail)
    return float(lower), float(upper)


def reverse_keyed(m: Moments, cols: list[int], bounds: tuple[float, float]) -> Moments:
    """Moments of the data with items ``cols`` reverse-keyed as (min + max - x), without touching the data:
    a reversed item keeps its variance, flips the sign of its covariances and mirrors its mean."""
    sign = np.ones(m.n_items)
    sign[cols] = -1.0
    flip = np.outer(sign, sign)
    means = m.means.copy()
    means[cols] = bounds[0] + bounds[1] - means[cols]
    return dataclasses.replace(m, cov=m.cov * flip, corr=m.corr * flip, means=means)


@dataclass(frozen=True, repr=False)
class AlphaResult(Reportable):
    """Cronbach's alpha.

    ``alpha`` (raw, from covariances), ``std_alpha`` (from correlations), ``ci`` (Feldt; lower, upper),
    ``ci_level``, ``average_r``, ``n_obs``, ``n_items``, ``item_stats`` (a row per item: mean, sd, r_drop,
    alpha_if_deleted, std_alpha_if_deleted, scale_mean_if_deleted, scale_var_if_deleted, smc),
    ``reversed``, ``scale`` (the bounds used to reverse-key), ``warnings``.
    """

    alpha: float
    std_alpha: float
    ci: tuple[float, float]
    ci_level: float
    average_r: float
    n_obs: int
    n_items: int
    items: tuple[str, ...]
    item_arrays: dict = field(compare=False)
    missing: str = "listwise"
    reversed: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()

    @cached_property
    def item_stats(self) -> pd.DataFrame:
        return pd.DataFrame(self.item_arrays, index=pd.Index(list(self.items), name="item"))

    def to_frame(self) -> pd.DataFrame:
        return self.item_stats

    def _report(self):
        level = f"{100 * self.ci_level:g}%"
        rows = [("Cronbach's Alpha", fmt(self.alpha)),
                ("Cronbach's Alpha Based on Standardized Items", fmt(self.std_alpha)),
                (f"Feldt {level} interval", f"[{fmt(self.ci[0])}, {fmt(self.ci[1])}]"),
                ("Average inter-item correlation", fmt(self.average_r)),
                ("N of Items", str(self.n_items)), ("N", f"{self.n_obs} ({self.missing})")]
        notes = []
        if self.reversed:
            notes.append("Reverse-keyed as (" + f"{self.scale[0]:g} + {self.scale[1]:g} - x): " + ", ".join(self.reversed))
        return "Reliability Statistics", rows, [("Item-Total Statistics", self.item_stats)], self.warnings, notes


def cronbach_alpha(data, *, reverse=(), missing: str = "listwise", ci: float = 0.95,
                   scale: tuple[float, float] | None = None) -> AlphaResult:
    r"""Cronbach's alpha, its Feldt interval and SPSS's item-total statistics.

    .. math::
        \alpha = \frac{p}{p-1}\left(1 - \frac{\sum_j \sigma_j^2}{\sigma_X^2}\right), \qquad
        \alpha_{std} = \frac{p\bar r}{1 + (p-1)\bar r}

    with :math:`\sigma_X^2` the variance of the sum score and :math:`\bar r` the mean inter-item correlation.
    ``r_drop`` is the corrected item-total correlation (item against the sum of the other items);
    ``alpha_if_deleted`` is raw alpha without the item. All of it comes from the covariance matrix.

    Same numbers as SPSS (Analyze > Scale > Reliability Analysis, Model Alpha, with "Scale if item deleted")
    and R ``psych::alpha(x)`` (raw_alpha, std.alpha, r.drop, alpha.drop, and the Feldt interval it prints).
    Under ``missing="pairwise"`` covariances use all pairwise-complete answers and means all available
    answers, as ``psych::alpha`` does by default; ``"listwise"`` equals ``psych::alpha(na.omit(x))``.

    ``reverse`` names items to reverse-key as (scale min + scale max - x). ``scale`` gives those bounds
    (e.g. ``(1, 5)``); when omitted, the smallest and largest answer observed over all items are used, as
    ``psych::alpha`` does. The caller's data are not modified.

    Reference: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297-334.
    """
    check_missing(missing)
    if isinstance(ci, bool) or not isinstance(ci, (int, float, np.integer, np.floating)) or not 0 < ci < 1:
        raise ArgumentError(f"ci must be a confidence level between 0 and 1 (e.g. 0.95); got {ci!r}.")
    if reverse is not None and not isinstance(reverse, (str, list, tuple, set, pd.Index, np.ndarray)):
        raise ArgumentError(f"reverse names the items to reverse-key (a name or a list of names); got {reverse!r}.")
    reverse = (reverse,) if isinstance(reverse, str) else tuple(str(r) for r in (reverse if reverse is not None else ()))
    if isinstance(data, Moments):
        if data.method == "polychoric":
            return _ordinal_alpha(data, ci)
        if not data.from_data:
            raise ArgumentError("alpha needs item variances: give raw responses or cma.prepare(data), "
                                "not a correlation matrix.")
        m, x = data, None
    else:
        x, names = response_matrix(data, min_items=2, as_float=False)
        m = moments_from_array(x, names, missing)
    names = m.names
    bounds = None
    if reverse:
        unknown = [r for r in reverse if r not in names]
        if unknown:
            raise DataError("reverse names item(s) not in the data: " + ", ".join(unknown) + ".")
        if scale is not None:
            try:
                bounds = (float(scale[0]), float(scale[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                raise ArgumentError(f"scale must be (min, max), for example (1, 5); got {scale!r}.") from None
            if not bounds[0] < bounds[1]:
                raise ArgumentError(f"scale must be (min, max) with min < max; got {scale!r}.")
            if x is not None and (np.nanmax(x) > bounds[1] or np.nanmin(x) < bounds[0]):
                raise DataError(f"some answers lie outside the scale {scale!r}; reverse-keying would be wrong.")
        elif x is not None:
            bounds = (float(np.nanmin(x)), float(np.nanmax(x)))
        else:
            raise ArgumentError("to reverse-key prepared items, give scale=(min, max) (for example (1, 5)).")
        m = reverse_keyed(m, [names.index(r) for r in reverse], bounds)
    c = m.cov
    if not c.sum() > 0:     # alpha divides by the variance of the sum score
        raise DataError("the sum of the items has no variance (their negative covariances cancel their variances): "
                        "alpha is undefined. Reverse-key the items that run the other way (reverse=).")
    # Standardized alpha from cov2cor(C), as psych::alpha: under pairwise deletion this differs from the
    # pairwise correlations, whose standard deviations are each pair's own.
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    p = c.shape[0]
    raw = float(alpha_from_cov(c))
    average_r = float((r.sum() - p) / (p * (p - 1)))
    std = p * average_r / (1 + (p - 1) * average_r)
    lower, upper = feldt_interval(raw, m.n_obs, p, ci)

    total = c.sum()
    col = c.sum(axis=0)
    var = np.diag(c)
    rest_var = total - 2 * col + var  # variance of the sum of the other items
    r_drop = (col - var) / np.sqrt(var * rest_var)
    smc = 1.0 - 1.0 / np.diag(m.inverse) if p > 2 else np.full(p, r[0, 1] ** 2)
    if p > 2:
        # alpha of the p - 1 items left: trace and total of C without row and column j
        alpha_drop = (p - 1) / (p - 2) * (1 - (np.trace(c) - var) / rest_var)
        std_drop = std_alpha_if_deleted(r)
    else:
        alpha_drop = std_drop = np.full(p, np.nan)
    with np.errstate(over="ignore"):        # in the data's units; beyond 1e308 it is honestly infinite
        scale_var = rest_var * m.cov_unit * m.cov_unit
    item_arrays = {"mean": m.means, "sd": m.sds, "scale_mean_if_deleted": m.means.sum() - m.means,
                   "scale_var_if_deleted": scale_var, "r_drop": r_drop, "smc": smc,
                   "alpha_if_deleted": alpha_drop, "std_alpha_if_deleted": std_drop}
    warnings = []
    if raw < 0:
        warnings.append("alpha is negative because the average covariance among items is negative; this "
                        "violates the reliability model. Check whether some items need reverse-keying.")
    neg = [names[j] for j in range(p) if r_drop[j] < 0]
    if neg:
        warnings.append("item(s) " + ", ".join(neg) + " correlate negatively with the rest of the scale; "
                        "they may need reverse-keying.")
    return AlphaResult(alpha=raw, std_alpha=float(std), ci=(lower, upper), ci_level=ci, average_r=average_r,
                       n_obs=m.n_obs, n_items=p, items=names, item_arrays=item_arrays, missing=m.missing,
                       reversed=tuple(str(r) for r in reverse), scale=bounds, warnings=tuple(warnings))


def _ordinal_alpha(m: Moments, ci: float) -> AlphaResult:
    r"""Ordinal alpha (Zumbo, Gadermann & Zeisser 2007): standardized alpha of the polychoric matrix,
    :math:`\frac{p}{p-1}(1 - p / \mathbf 1'R\mathbf 1)`; R ``psych::alpha(polychoric(x)$rho)``."""
    r = m.corr
    p = r.shape[0]
    value = p / (p - 1) * (1 - p / r.sum())
    average_r = float((r.sum() - p) / (p * (p - 1)))
    lower, upper = feldt_interval(value, m.n_obs, p, ci)
    drop = std_alpha_if_deleted(r) if p > 2 else np.full(p, np.nan)
    item_arrays = {"alpha_if_deleted": drop, "std_alpha_if_deleted": drop,
                   "smc": 1.0 - 1.0 / np.diag(m.inverse)}
    return AlphaResult(alpha=float(value), std_alpha=float(value), ci=(lower, upper), ci_level=ci,
                       average_r=average_r, n_obs=m.n_obs, n_items=p, items=m.names, item_arrays=item_arrays,
                       missing=m.missing, warnings=("ordinal alpha: standardized alpha of the polychoric "
                                                       "correlations (Zumbo et al. 2007).",))
