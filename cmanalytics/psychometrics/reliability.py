"""Reliability: Cronbach's alpha with its item statistics and Feldt interval, Guttman's lambdas, split-half
reliability and the Shrout-Fleiss intraclass correlations."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError, DataError, DataWarning, ReverseKeyWarning, diagnose
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.inputs import (
    LISTWISE,
    Moments,
    check_level,
    check_missing,
    check_policy_applies,
    gather,
    moments_from_array,
    response_matrix,
)

special = lazy_module("scipy.special")


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


def _dropped_item_stats(r: np.ndarray) -> dict:
    """psych::alpha's "Reliability if an item is dropped" columns beyond alpha: the average inter-item
    correlation, signal/noise :math:`q\\bar r/(1 - \\bar r)`, Guttman's lambda 6 (from the SMCs of the q = p - 1
    items left), and the variance and median of their inter-item correlations."""
    p = r.shape[0]
    out = {
        k: np.full(p, np.nan)
        for k in ("average_r_if_deleted", "sn_if_deleted", "g6_if_deleted", "var_r_if_deleted", "median_r_if_deleted")
    }
    if p < 3:
        return out
    for j in range(p):
        keep = np.arange(p) != j
        sub = r[np.ix_(keep, keep)]
        q = p - 1
        low = sub[np.tril_indices(q, -1)]
        av = low.mean()
        smc = 1 - 1 / np.diag(np.linalg.inv(sub)) if q > 1 else np.zeros(q)
        out["average_r_if_deleted"][j] = av
        out["sn_if_deleted"][j] = q * av / (1 - av)
        out["g6_if_deleted"][j] = (sub.sum() + smc.sum() - q) / sub.sum()
        out["var_r_if_deleted"][j] = low.var(ddof=1) if low.size > 1 else np.nan
        out["median_r_if_deleted"][j] = np.median(low)
    return out


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
    corr: np.ndarray | None = field(default=None, compare=False, repr=False)

    @cached_property
    def item_stats(self) -> pd.DataFrame:
        # psych's "if an item is dropped" columns beyond alpha take a p-1 inverse per item: computed when the
        # table is first asked for, not on every alpha (a bootstrap or a pipeline needs alpha alone)
        extra = _dropped_item_stats(self.corr) if self.corr is not None else {}
        return pd.DataFrame({**self.item_arrays, **extra}, index=pd.Index(list(self.items), name="item"))

    def to_frame(self) -> pd.DataFrame:
        return self.item_stats

    def _report(self):
        level = f"{100 * self.ci_level:g}%"
        rows = [
            ("Cronbach's Alpha", fmt(self.alpha)),
            ("Cronbach's Alpha Based on Standardized Items", fmt(self.std_alpha)),
            (f"Feldt {level} interval", f"[{fmt(self.ci[0])}, {fmt(self.ci[1])}]"),
            ("Average inter-item correlation", fmt(self.average_r)),
            ("N of Items", str(self.n_items)),
            ("N", f"{self.n_obs} ({self.missing})"),
        ]
        notes = []
        if self.reversed:
            notes.append(
                "Reverse-keyed as (" + f"{self.scale[0]:g} + {self.scale[1]:g} - x): " + ", ".join(self.reversed)
            )
        return "Reliability Statistics", rows, [("Item-Total Statistics", self.item_stats)], self.warnings, notes


def cronbach_alpha(
    data, *, reverse=(), missing: str = LISTWISE, ci: float = 0.95, scale: tuple[float, float] | None = None
) -> AlphaResult:
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
    ``psych::alpha`` does. ``scale`` without ``reverse`` is refused (it would change nothing), and so is
    ``scale`` for ordinal alpha, where reversing needs no bounds. The caller's data are not modified.

    ``data`` may be items prepared by :func:`~cmanalytics.prepare` (Pearson: alpha; polychoric: ordinal
    alpha); they keep the ``missing`` policy they were prepared with, and another ``missing=`` is refused.

    Reference: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297-334.
    """
    check_missing(missing)
    reverse = _check_alpha_options(ci, reverse, scale)
    if isinstance(data, Moments):
        check_policy_applies(data, None, missing)
        if data.method == "polychoric":
            return _ordinal_alpha_of_prepared(data, ci, reverse, scale)
        if not data.from_data:
            raise ArgumentError(
                "alpha needs item variances: give raw responses or cma.prepare(data), not a correlation matrix."
            )
        m, x = data, None
    else:
        x, names = response_matrix(data, min_items=2, as_float=False)
        m = moments_from_array(x, names, missing)
    names = m.names
    bounds = None
    warnings: list[str] = []
    if reverse:
        bounds = _reverse_bounds(names, x, reverse, scale, warnings)
        m = reverse_keyed(m, [names.index(r) for r in reverse], bounds)
    c = m.cov
    if not c.sum() > 0:  # alpha divides by the variance of the sum score
        raise DataError(
            "the sum of the items has no variance (their negative covariances cancel their variances): "
            "alpha is undefined. Reverse-key the items that run the other way (reverse=)."
        )
    # Standardized alpha from cov2cor(C), as psych::alpha: under pairwise deletion this differs from the
    # pairwise correlations, whose standard deviations are each pair's own.
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    p = c.shape[0]
    raw = float(alpha_from_cov(c))
    average_r = float((r.sum() - p) / (p * (p - 1)))
    std = p * average_r / (1 + (p - 1) * average_r)
    lower, upper = feldt_interval(raw, m.n_obs, p, ci)
    item_arrays = _item_total_statistics(m, r)
    _alpha_diagnostics(raw, item_arrays["r_drop"], names, warnings)
    return AlphaResult(
        alpha=raw,
        std_alpha=float(std),
        ci=(lower, upper),
        ci_level=ci,
        average_r=average_r,
        n_obs=m.n_obs,
        n_items=p,
        items=names,
        item_arrays=item_arrays,
        missing=m.missing,
        reversed=tuple(str(r) for r in reverse),
        scale=bounds,
        warnings=tuple(warnings),
        corr=r,
    )


def _check_alpha_options(ci, reverse, scale) -> tuple[str, ...]:
    """Step 1 of cronbach_alpha: the interval's level is a probability; ``reverse`` as a tuple of names;
    ``scale`` only with items to reverse."""
    check_level("ci", ci)
    if reverse is not None and not isinstance(reverse, (str, list, tuple, set, pd.Index, np.ndarray)):
        raise ArgumentError(f"reverse names the items to reverse-key (a name or a list of names); got {reverse!r}.")
    names = (reverse,) if isinstance(reverse, str) else tuple(str(r) for r in (reverse if reverse is not None else ()))
    if scale is not None and not names:
        raise ArgumentError(
            "scale=(min, max) is used to reverse-key items; name them with reverse=, or leave scale out."
        )
    return names


def _ordinal_alpha_of_prepared(m: Moments, ci, reverse, scale) -> AlphaResult:
    """Step 2 of cronbach_alpha for polychoric items: ordinal alpha, reverse-keyed items named in the data,
    no scale (reversing an ordinal item needs no bounds)."""
    unknown = [r for r in reverse if r not in m.names]
    if unknown:
        raise DataError("reverse names item(s) not in the data: " + ", ".join(unknown) + ".")
    if scale is not None:
        raise ArgumentError(
            "scale does not apply to ordinal alpha: reversing an ordinal item reverses the order of its "
            "categories whatever the scale's bounds. Leave scale out."
        )
    return _ordinal_alpha(m, ci, reverse)


def _reverse_bounds(names, x, reverse, scale, warnings: list) -> tuple[float, float]:
    """Step 3 of cronbach_alpha: the (min, max) that reverse-keying mirrors about: ``scale``, checked against
    the answers, or psych's smallest and largest answer observed (raw data only; the note that says so is
    warned and kept in ``warnings``)."""
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
        return bounds
    if x is None:
        raise ArgumentError("to reverse-key prepared items, give scale=(min, max) (for example (1, 5)).")
    bounds = (float(np.nanmin(x)), float(np.nanmax(x)))
    diagnose(
        f"reverse-keyed as {bounds[0]:g} + {bounds[1]:g} - x, the smallest and largest answers observed "
        "(psych::alpha's rule); give scale=(min, max) to use the instrument's declared scale.",
        DataWarning,
        warnings,
    )
    return bounds


def _item_total_statistics(m: Moments, r: np.ndarray) -> dict:
    """Step 4 of cronbach_alpha: SPSS's item-total statistics and psych's item columns, from the covariances."""
    c = m.cov
    p = c.shape[0]
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
    with np.errstate(over="ignore"):  # in the data's units; beyond 1e308 it is honestly infinite
        scale_var = rest_var * m.cov_unit * m.cov_unit
    return {
        "mean": m.means,
        "sd": m.sds,
        "scale_mean_if_deleted": m.means.sum() - m.means,
        "scale_var_if_deleted": scale_var,
        "r_drop": r_drop,
        "smc": smc,
        "alpha_if_deleted": alpha_drop,
        "std_alpha_if_deleted": std_drop,
        "raw_r": col / np.sqrt(var * total),
        "std_r": r.sum(axis=0) / np.sqrt(r.sum()),
    }


def _alpha_diagnostics(raw, r_drop, names, warnings) -> None:
    """Step 5 of cronbach_alpha: a negative alpha and items that correlate negatively with the rest."""
    if raw < 0:
        diagnose(
            "alpha is negative because the average covariance among items is negative; this violates "
            "the reliability model. Check whether some items need reverse-keying.",
            ReverseKeyWarning,
            warnings,
        )
    neg = [names[j] for j in range(len(names)) if r_drop[j] < 0]
    if neg:
        diagnose(
            "item(s) " + ", ".join(neg) + " correlate negatively with the rest of the scale; they may need "
            "reverse-keying.",
            ReverseKeyWarning,
            warnings,
        )


def _ordinal_alpha(m: Moments, ci: float, reverse=()) -> AlphaResult:
    r"""Ordinal alpha (Zumbo, Gadermann & Zeisser 2007): standardized alpha of the polychoric matrix,
    :math:`\frac{p}{p-1}(1 - p / \mathbf 1'R\mathbf 1)`; R ``psych::alpha(polychoric(x)$rho)``.

    Reversing an ordinal item reverses the order of its categories, which changes the sign of its
    polychoric correlations and nothing else (the thresholds mirror): :math:`R \to DRD` with
    :math:`D = \mathrm{diag}(\pm 1)`, whatever the scale's bounds."""
    sign = np.array([-1.0 if n in reverse else 1.0 for n in m.names])
    r = m.corr * np.outer(sign, sign)
    p = r.shape[0]
    value = p / (p - 1) * (1 - p / r.sum())
    average_r = float((r.sum() - p) / (p * (p - 1)))
    lower, upper = feldt_interval(value, m.n_obs, p, ci)
    drop = std_alpha_if_deleted(r) if p > 2 else np.full(p, np.nan)
    item_arrays = {
        "alpha_if_deleted": drop,
        "std_alpha_if_deleted": drop,
        "smc": 1.0 - 1.0 / np.diag(m.inverse),
    }  # DRD's inverse is D R^-1 D: the same diagonal
    return AlphaResult(
        alpha=float(value),
        std_alpha=float(value),
        ci=(lower, upper),
        ci_level=ci,
        average_r=average_r,
        n_obs=m.n_obs,
        n_items=p,
        items=m.names,
        item_arrays=item_arrays,
        missing=m.missing,
        reversed=tuple(str(r_) for r_ in reverse),
        warnings=("ordinal alpha: standardized alpha of the polychoric correlations (Zumbo et al. 2007).",),
    )


# --- Guttman's lambdas and split halves --------------------------------------------------------------


def _keys_by_first_component(r: np.ndarray) -> np.ndarray:
    """+1/-1 per item: the sign of its loading on the first principal component (psych's check.keys)."""
    values, vectors = np.linalg.eigh(r)
    v = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
    if v.sum() < 0:  # psych's principal signs the component to sum positive
        v = -v
    return np.where(v < 0, -1.0, 1.0)


@dataclass(frozen=True, repr=False)
class SplitHalfResult(Reportable):
    """Split-half reliabilities, as ``psych::splitHalf``: ``max`` (Guttman's lambda 4, the best split),
    ``min`` (the worst split, Revelle's beta), ``mean`` (average over the splits), ``alpha``, ``lambda2``,
    ``lambda6``, ``average_r``, the best and worst splits (items of the first half), ``n_splits``,
    ``exhaustive`` (every split, or a seeded sample), ``reversed`` (items keyed negatively)."""

    max: float
    min: float
    mean: float
    alpha: float
    lambda2: float
    lambda6: float
    average_r: float
    best_split: tuple[str, ...]
    worst_split: tuple[str, ...]
    n_splits: int
    exhaustive: bool
    reversed: tuple[str, ...]

    def _report(self):
        rows = [
            ("Maximum split half (lambda 4)", fmt(self.max)),
            ("Minimum split half (beta)", fmt(self.min)),
            ("Average split half", fmt(self.mean)),
            ("alpha", fmt(self.alpha)),
            ("lambda 2", fmt(self.lambda2)),
            ("lambda 6", fmt(self.lambda6)),
            ("average r", fmt(self.average_r)),
            ("splits", f"{self.n_splits} ({'all' if self.exhaustive else 'sampled'})"),
        ]
        notes = ["Best split, first half: " + ", ".join(self.best_split)]
        if self.reversed:
            notes.append("Reversed: " + ", ".join(self.reversed))
        return "Split-half reliability", rows, (), (), notes


def _split_values(r: np.ndarray, halves: np.ndarray) -> np.ndarray:
    r"""Split-half reliability of each split (rows of 0/1 membership of the first half):
    :math:`4\,c_{AB} / \mathbf 1'R\mathbf 1` with :math:`c_{AB}` the covariance of the two half sums
    (Guttman's lambda 4 for that split; Flanagan-Rulon)."""
    a = halves.astype(float)
    b = 1.0 - a
    return 4 * np.einsum("si,ij,sj->s", a, r, b) / r.sum()


def split_half(
    data=None,
    *,
    corr=None,
    n_obs=None,
    missing: str = LISTWISE,
    check_keys: bool = True,
    n_sample: int = 10_000,
    seed: int | None = 0,
) -> SplitHalfResult:
    r"""Split-half reliability over the splits of the items into halves, as ``psych::splitHalf(r)``.

    Items are first keyed by the sign of their loading on the first principal component (``check_keys``,
    psych's default). Each split into a half of :math:`\lfloor p/2 \rfloor` items and the rest has reliability
    :math:`4\,\mathbf a'R\mathbf b / \mathbf 1'R\mathbf 1`. When psych's count of splits,
    :math:`\binom{p}{\lfloor p/2\rfloor}/2`, is at most ``n_sample`` they are enumerated in psych's order
    (for odd p psych takes the first half of the lexicographic list, and so does this); otherwise
    ``n_sample`` random splits (seeded) are drawn and the maximum and minimum are of that sample.

    References: Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika 10, 255-282.
    Revelle, W. (1979). Hierarchical cluster analysis and the internal structure of tests. Multivariate
    Behavioral Research 14, 57-74.
    """
    m = gather(data, corr, n_obs, missing=missing, min_items=3)
    r = m.corr.copy()
    p = m.n_items
    keys = _keys_by_first_component(r) if check_keys else np.ones(p)
    r = r * np.outer(keys, keys)
    half = p // 2
    count = special.comb(p, half, exact=True) / 2
    if count <= n_sample:
        n_splits = int(np.ceil(count))
        rows = np.zeros((n_splits, p), bool)
        for i, combo in enumerate(itertools.islice(itertools.combinations(range(p), half), n_splits)):
            rows[i, list(combo)] = True
        exhaustive, denominator = True, count
    else:
        rng = np.random.default_rng(seed)
        order = np.argsort(rng.random((n_sample, p)), axis=1)[:, :half]
        rows = np.zeros((n_sample, p), bool)
        np.put_along_axis(rows, order, True, axis=1)
        n_splits, exhaustive, denominator = n_sample, False, n_sample
    values = _split_values(r, rows)
    vt = r.sum()
    off = r - np.diag(np.diag(r))
    smc = 1 - 1 / np.diag(m.inverse)  # (DRD)^-1 = D R^-1 D: the same diagonal; a pseudo-inverse when singular
    names = list(m.names)
    best, worst = int(np.argmax(values)), int(np.argmin(values))
    return SplitHalfResult(
        max=float(values[best]),
        min=float(values[worst]),
        mean=float(values.sum() / denominator),
        alpha=float(off.sum() / vt * p / (p - 1)),
        lambda2=float((off.sum() + np.sqrt((off**2).sum() * p / (p - 1))) / vt),
        lambda6=float((vt + smc.sum() - p) / vt),
        average_r=float(off.sum() / (p * (p - 1))),
        best_split=tuple(n for n, s in zip(names, rows[best]) if s),
        worst_split=tuple(n for n, s in zip(names, rows[worst]) if s),
        n_splits=n_splits,
        exhaustive=exhaustive,
        reversed=tuple(n for n, k in zip(names, keys) if k < 0),
    )


@dataclass(frozen=True, repr=False)
class GuttmanResult(Reportable):
    """Guttman's (1945) six lower bounds to reliability, as ``psych::guttman``: ``lambda1`` ... ``lambda6``,
    ``lambda5p`` (psych's lambda 5+), ``split`` (the :class:`SplitHalfResult` lambda 4 comes from)."""

    lambda1: float
    lambda2: float
    lambda3: float
    lambda4: float
    lambda5: float
    lambda5p: float
    lambda6: float
    split: SplitHalfResult

    def _report(self):
        rows = [(f"lambda {i}", fmt(getattr(self, f"lambda{i}"))) for i in range(1, 7)]
        return "Guttman's lambdas", rows, (), (), ()


def guttman(
    data=None, *, corr=None, n_obs=None, missing: str = LISTWISE, n_sample: int = 10_000, seed: int | None = 0
) -> GuttmanResult:
    r"""Guttman's lambdas on the correlation matrix R (:math:`V = \mathbf 1'R\mathbf 1`, C the off-diagonal
    part):

    :math:`\lambda_1 = 1 - \mathrm{tr}R/V`; :math:`\lambda_2 = (\mathbf 1'C\mathbf 1 + \sqrt{\tfrac{p}{p-1}
    \sum c_{ij}^2})/V`; :math:`\lambda_3 = \tfrac{p}{p-1}\lambda_1` (standardized alpha); :math:`\lambda_4` the
    best split half (:func:`split_half`, with items keyed); :math:`\lambda_5 = \lambda_1 + 2\sqrt{\max_j
    \sum_{i \ne j} c_{ij}^2}/V`; :math:`\lambda_6 = (V + \sum \mathrm{SMC} - p)/V`.
    As ``psych::guttman(r)`` (deprecated there for ``splitHalf``), lambdas 1-3, 5 and 6 on R as given and
    lambda 4 on the keyed items.
    Reference: Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika 10, 255-282.
    """
    m = gather(data, corr, n_obs, missing=missing, min_items=3)
    r, p = m.corr, m.n_items
    vt = r.sum()
    off = r - np.diag(np.diag(r))
    l1 = 1 - np.trace(r) / vt
    c_max = ((off**2).sum(axis=0)).max()
    smc = 1 - 1 / np.diag(m.inverse)
    split = split_half(m, n_sample=n_sample, seed=seed)
    return GuttmanResult(
        lambda1=float(l1),
        lambda2=float((off.sum() + np.sqrt((off**2).sum() * p / (p - 1))) / vt),
        lambda3=float(p * l1 / (p - 1)),
        lambda4=split.max,
        lambda5=float(l1 + 2 * np.sqrt(c_max) / vt),
        lambda5p=float(l1 + p / (p - 1) * 2 * np.sqrt(c_max) / vt),
        lambda6=float((vt + smc.sum() - p) / vt),
        split=split,
    )


# --- Intraclass correlations ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ICCResult(Reportable):
    """The six Shrout-Fleiss intraclass correlations, as ``psych::ICC``: ``table`` (a row per form: ICC,
    F, df1, df2, p_value, lower, upper), ``mean_squares`` (MSB, MSW, MSJ, MSE), ``n_targets``, ``n_judges``,
    ``ci_level``."""

    table: pd.DataFrame
    mean_squares: dict
    n_targets: int
    n_judges: int
    ci_level: float

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def _report(self):
        rows = [
            ("Targets", str(self.n_targets)),
            ("Judges", str(self.n_judges)),
            ("Interval", f"{100 * self.ci_level:g}%"),
        ]
        return "Intraclass correlations", rows, [("ICC", self.table)], (), ()


def icc(data, *, ci: float = 0.95) -> ICCResult:
    r"""Intraclass correlations of n targets (rows) rated by k judges (columns), the six forms of Shrout &
    Fleiss (1979) with McGraw & Wong's (1996) F tests and intervals, as ``psych::ICC(x, lmer = FALSE)``.

    From the two-way ANOVA: MSB (targets), MSJ (judges), MSE (residual), MSW = (SSJ + SSE)/(n(k - 1)):
    ICC1 :math:`= (MSB - MSW)/(MSB + (k-1)MSW)`; ICC2 :math:`= (MSB - MSE)/(MSB + (k-1)MSE + k(MSJ - MSE)/n)`;
    ICC3 :math:`= (MSB - MSE)/(MSB + (k-1)MSE)`; the k-rater forms ICC1k :math:`= (MSB - MSW)/MSB`,
    ICC2k :math:`= (MSB - MSE)/(MSB + (MSJ - MSE)/n)`, ICC3k :math:`= (MSB - MSE)/MSB`. F = MSB/MSW
    (one-way forms) or MSB/MSE; intervals from the F quantiles, ICC2's with Satterthwaite's df.
    SPSS: Scale > Reliability Analysis > Intraclass correlation coefficient. Rows with a missing rating are
    dropped (psych's default).
    Reference: Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. Psychological Bulletin 86, 420-428.
    """
    check_level("ci", ci)
    x, names = response_matrix(data, min_items=2)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2:
        raise DataError(f"ICC needs at least 2 complete targets (rows); got {n}.")
    ms = _two_way_anova(x)
    msb, msj, mse, msw = ms["MSB"], ms["MSJ"], ms["MSE"], ms["MSW"]
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
    icc3 = (msb - mse) / (msb + (k - 1) * mse)
    f1, f3 = msb / msw, msb / mse
    d1n, d1d, d3d = n - 1, n * (k - 1), (n - 1) * (k - 1)
    q = 1 - (1 - ci) / 2
    f1l, f1u = f1 / special.fdtri(d1n, d1d, q), f1 * special.fdtri(d1d, d1n, q)
    f3l, f3u = f3 / special.fdtri(d1n, d3d, q), f3 * special.fdtri(d3d, d1n, q)
    l2, u2 = _icc2_interval(ms, icc2, n, k, q)
    p1, p3 = special.fdtrc(d1n, d1d, f1), special.fdtrc(d1n, d3d, f3)
    table = pd.DataFrame(
        {
            "type": [
                "Single_raters_absolute",
                "Single_random_raters",
                "Single_fixed_raters",
                "Average_raters_absolute",
                "Average_random_raters",
                "Average_fixed_raters",
            ],
            "ICC": [icc1, icc2, icc3, (msb - msw) / msb, (msb - mse) / (msb + (msj - mse) / n), (msb - mse) / msb],
            "F": [f1, f3, f3, f1, f3, f3],
            "df1": [d1n] * 6,
            "df2": [d1d, d3d, d3d, d1d, d3d, d3d],
            "p_value": [p1, p3, p3, p1, p3, p3],
            "lower": [
                (f1l - 1) / (f1l + k - 1),
                l2,
                (f3l - 1) / (f3l + k - 1),
                1 - 1 / f1l,
                l2 * k / (1 + l2 * (k - 1)),
                1 - 1 / f3l,
            ],
            "upper": [
                (f1u - 1) / (f1u + k - 1),
                u2,
                (f3u - 1) / (f3u + k - 1),
                1 - 1 / f1u,
                u2 * k / (1 + u2 * (k - 1)),
                1 - 1 / f3u,
            ],
        },
        index=pd.Index(["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"], name="form"),
    )
    return ICCResult(table, {"MSB": msb, "MSW": msw, "MSJ": msj, "MSE": mse}, n, k, ci)


def _two_way_anova(x: np.ndarray) -> dict:
    """Step 1 of icc: the mean squares of targets (MSB), judges (MSJ), residual (MSE) and within targets (MSW)."""
    n, k = x.shape
    grand = x.mean()
    ssb = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ssj = n * ((x.mean(axis=0) - grand) ** 2).sum()
    sse = ((x - grand) ** 2).sum() - ssb - ssj
    return {
        "MSB": ssb / (n - 1),
        "MSJ": ssj / (k - 1),
        "MSE": sse / ((n - 1) * (k - 1)),
        "MSW": (ssj + sse) / (n * (k - 1)),
    }


def _icc2_interval(ms: dict, icc2: float, n: int, k: int, q: float) -> tuple[float, float]:
    """Step 2 of icc: ICC2's interval, with Satterthwaite's df for the judges' and residual mean squares
    (McGraw & Wong 1996)."""
    msb, msj, mse = ms["MSB"], ms["MSJ"], ms["MSE"]
    fj = msj / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    fu, fl = special.fdtri(n - 1, v, q), special.fdtri(v, n - 1, q)
    l2 = n * (msb - fu * mse) / (fu * (k * msj + (k * n - k - n) * mse) + n * msb)
    u2 = n * (fl * msb - mse) / (k * msj + (k * n - k - n) * mse + n * fl * msb)
    return l2, u2
