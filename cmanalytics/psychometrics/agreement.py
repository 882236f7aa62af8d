"""Agreement within groups, for aggregating individual answers to teams and branches: rwg, rwg(j), awg,
ICC(1) and ICC(2).

Each index compares the spread of answers within a group with what it would be if people answered at
random (the null distribution: uniform over the scale's options, or one the researcher states). They are
written here from the published formulas; R's ``multilevel`` package (Bliese) computes the same numbers
(``rwg``, ``rwg.j``, ``ICC1``, ``ICC2``), and ``awg`` follows Brown & Hauenstein (2005).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, DataWarning, SmallSampleWarning, diagnose
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.inputs import response_matrix


def uniform_null_variance(n_options: int) -> float:
    r"""Variance of answers spread uniformly over A options, :math:`(A^2 - 1)/12` (James, Demaree & Wolf 1984)."""
    return (n_options**2 - 1) / 12


def null_variance(probabilities) -> float:
    """Variance of a stated null distribution over the options 1..A (e.g. a skewed one, James et al. 1984)."""
    p = np.asarray(probabilities, float)
    if p.ndim != 1 or p.size < 2 or (p < 0).any() or not np.isclose(p.sum(), 1.0):
        raise ArgumentError("null= must be probabilities of the options 1..A, non-negative and summing to 1.")
    x = np.arange(1, p.size + 1)
    return float(p @ x**2 - (p @ x) ** 2)


@dataclass(frozen=True, repr=False)
class AgreementResult(Reportable):
    """Within-group agreement and reliability of group means.

    ``groups``: a row per group: n, mean, rwg (per item, the first item's under ``rwg``; all under
    ``rwg_items``), rwg_j, awg (mean over items). ``icc1``, ``icc2`` (of the scale mean; Bliese 2000),
    ``msb``, ``msw``, ``mean_group_size``, ``null_variance``, ``scale`` (lowest, highest option),
    ``warnings``.
    """

    groups: pd.DataFrame
    rwg_items: pd.DataFrame
    awg_items: pd.DataFrame
    icc1: float
    icc2: float
    msb: float
    msw: float
    mean_group_size: float
    null_variance: float
    scale: tuple[float, float]
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.groups

    def _report(self):
        rows = [
            ("ICC(1)", fmt(self.icc1)),
            ("ICC(2)", fmt(self.icc2)),
            ("Mean group size", fmt(self.mean_group_size)),
            ("Null variance", fmt(self.null_variance)),
            ("Median rwg(j)", fmt(float(self.groups["rwg_j"].median()))),
        ]
        return "Within-group agreement", rows, [("Groups", self.groups)], self.warnings, ()


def agreement(
    data: pd.DataFrame, group: str, *, items=None, scale: tuple[float, float] | None = None, null=None
) -> AgreementResult:
    r"""rwg, rwg(j), awg per group, and ICC(1), ICC(2) of the scale mean.

    For a group of k people answering J items on options L..H (A = H - L + 1), with :math:`s_j^2` the
    within-group variance (n - 1) of item j, :math:`\bar s^2` their mean and :math:`\sigma_E^2` the null
    variance (uniform :math:`(A^2 - 1)/12` unless ``null`` gives the probabilities of the options):

    * :math:`r_{wg} = 1 - s_j^2/\sigma_E^2` (James, Demaree & Wolf 1984), per item;
    * :math:`r_{wg(J)} = \frac{J(1 - \bar s^2/\sigma_E^2)}{J(1 - \bar s^2/\sigma_E^2) + \bar s^2/\sigma_E^2}`;
    * :math:`a_{wg} = 1 - \frac{2 s_j^2}{[(H + L)M - M^2 - HL]\,k/(k-1)}` with M the item's group mean,
      averaged over items (Brown & Hauenstein 2005), the variance relative to the largest possible at
      that mean;
    * from a one-way ANOVA of the scale mean (the mean of the items) by group, with :math:`\bar k = N/G`:
      :math:`ICC(1) = \frac{MSB - MSW}{MSB + (\bar k - 1)MSW}`, :math:`ICC(2) = \frac{MSB - MSW}{MSB}` (Bliese 2000).

    ``scale``: the lowest and highest option (default: the smallest and largest answer seen). Rows with a
    missing answer or group are dropped. R: ``multilevel::rwg``, ``rwg.j``, ``ICC1``, ``ICC2``.
    References: James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology 69, 85-98. Brown, R. D., &
    Hauenstein, N. M. A. (2005). Interrater agreement reconsidered: an alternative to the rwg indices.
    Organizational Research Methods 8, 165-184. Bliese, P. D. (2000). Within-group agreement,
    non-independence, and reliability. In Klein & Kozlowski (Eds.), Multilevel Theory, Research, and Methods
    in Organizations (pp. 349-381).
    """
    x, g, names = _agreement_responses(data, group, items)
    low, high, sigma = _null_distribution(x, scale, null)
    warnings: list[str] = []
    labels, inverse = np.unique(g, return_inverse=True)
    rows, rwg_rows, awg_rows = _within_groups(x, inverse, labels, names, sigma, (low, high), warnings)
    index = pd.Index(labels, name=group)
    table = pd.DataFrame(rows, index=index, columns=["n", "mean", "rwg", "rwg_j", "awg"])
    table["n"] = table["n"].astype(int)
    msb, msw, kbar = _one_way_anova(x.mean(axis=1), inverse, labels.size)
    return AgreementResult(
        table,
        pd.DataFrame(rwg_rows, index=index, columns=names),
        pd.DataFrame(awg_rows, index=index, columns=names),
        (msb - msw) / (msb + (kbar - 1) * msw),
        (msb - msw) / msb,
        msb,
        msw,
        kbar,
        sigma,
        (low, high),
        tuple(warnings),
    )


def _agreement_responses(data, group, items) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Step 1 of agreement: the answers and the group labels, rows with a missing answer or group dropped."""
    if not isinstance(data, pd.DataFrame):
        raise DataError("agreement() takes a DataFrame with the answers and a group column.")
    if group not in data.columns:
        raise DataError(f"group column {group!r} is not in the data.")
    items = [c for c in data.columns if c != group] if items is None else list(items)
    missing_cols = [c for c in items if c not in data.columns]
    if missing_cols:
        raise DataError("items not in the data: " + ", ".join(map(str, missing_cols)) + ".")
    x, names = response_matrix(data[items], min_items=1)
    g = data[group].to_numpy()
    keep = ~np.isnan(x).any(axis=1) & ~pd.isna(g)
    return x[keep], g[keep], names


def _null_distribution(x, scale, null) -> tuple[float, float, float]:
    """Step 2 of agreement: the scale's lowest and highest option, and the null variance over its options."""
    low, high = (float(np.min(x)), float(np.max(x))) if scale is None else (float(scale[0]), float(scale[1]))
    if not low < high or x.min() < low or x.max() > high:
        raise ArgumentError(f"scale={scale!r} must be (lowest, highest) option and contain every answer.")
    n_options = int(round(high - low)) + 1
    sigma = uniform_null_variance(n_options) if null is None else null_variance(null)
    if null is not None and len(null) != n_options:
        raise ArgumentError(f"null gives {len(null)} probabilities; the scale has {n_options} options.")
    return low, high, sigma


def _within_groups(x, inverse, labels, names, sigma, bounds, warnings) -> tuple[list, list, list]:
    """Step 3 of agreement: per group, the table row (n, mean, rwg, rwg_j, awg), rwg and awg per item.

    awg is undefined (NaN, as 0/0 in multilevel::awg) for an item whose group mean is at an end of the scale:
    every member gave that answer, and the largest variance possible at that mean is 0. Such groups and
    items are named in a DataWarning."""
    low, high = bounds
    rows, rwg_rows, awg_rows = [], [], []
    small, at_end = [], []
    for j, label in enumerate(labels):
        xg = x[inverse == j]
        k, n_items = xg.shape
        if k < 2:
            small.append(str(label))
            rows.append([k, xg.mean(), np.nan, np.nan, np.nan])
            rwg_rows.append(np.full(n_items, np.nan))
            awg_rows.append(np.full(n_items, np.nan))
            continue
        s2 = xg.var(axis=0, ddof=1)
        ratio = s2.mean() / sigma
        rwg_j = n_items * (1 - ratio) / (n_items * (1 - ratio) + ratio)
        mean = xg.mean(axis=0)
        largest = ((high + low) * mean - mean**2 - high * low) * k / (k - 1)  # 0 at either end of the scale
        defined = largest > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            awg = np.where(defined, 1 - 2 * s2 / largest, np.nan)
        if not defined.all():
            at_end.append(f"{label} ({', '.join(names[i] for i in np.flatnonzero(~defined))})")
        rwg_rows.append(1 - s2 / sigma)
        awg_rows.append(awg)
        rows.append([k, xg.mean(), 1 - s2[0] / sigma, rwg_j, awg.mean()])
    if small:
        diagnose(
            "group(s) " + ", ".join(small) + " have fewer than 2 members: no within-group agreement.",
            SmallSampleWarning,
            warnings,
        )
    if at_end:
        diagnose(
            "awg is undefined (NaN) where a group's mean answer to an item is at an end of the scale, as every "
            "member gave that answer (Brown & Hauenstein 2005: the largest possible variance there is 0); "
            "group (items): " + "; ".join(at_end) + ".",
            DataWarning,
            warnings,
        )
    return rows, rwg_rows, awg_rows


def _one_way_anova(score, inverse, n_groups) -> tuple[float, float, float]:
    """Step 4 of agreement: the mean squares between and within groups of the scale mean, and the mean group size."""
    n_total = score.size
    if n_groups < 2 or n_total <= n_groups:
        raise DataError("ICC(1) and ICC(2) need at least 2 groups and more people than groups.")
    counts = np.bincount(inverse)
    group_means = np.bincount(inverse, weights=score) / counts
    msb = float((counts * (group_means - score.mean()) ** 2).sum() / (n_groups - 1))
    msw = float(((score - group_means[inverse]) ** 2).sum() / (n_total - n_groups))
    return msb, msw, n_total / n_groups
