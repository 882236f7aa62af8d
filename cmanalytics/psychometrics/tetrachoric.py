"""Tetrachoric correlations of right/wrong (binary) items, and ordinal alpha on them."""

from __future__ import annotations

import numpy as np

from cmanalytics.errors import DataError
from cmanalytics.psychometrics.inputs import response_matrix
from cmanalytics.psychometrics.ordinal import PolychoricResult, polychoric


def tetrachoric(data, *, correct: float = 0.5, smooth: bool = False, missing: str = "listwise") -> PolychoricResult:
    r"""Tetrachoric correlation matrix: the polychoric correlation of items with two categories, the
    correlation of two standard normal variables cut at the thresholds :math:`\tau_j = \Phi^{-1}(P(X_j = 0))`
    that reproduces each 2 x 2 table (two-step maximum likelihood, as :func:`~cmanalytics.polychoric`).

    ``correct``: psych's continuity correction, 0.5 added to an empty cell of a pair's table (psych's
    default, which ``psych::tetrachoric`` applies with the global thresholds as here; 0 for none).
    ``missing``: "listwise" (the default, as everywhere in the package) or "pairwise" (psych's rule; the
    same on complete data). R: ``psych::tetrachoric(x)``; ordinal alpha on it is
    ``psych::alpha(tetrachoric(x)$rho)`` or ``cma.ordinal_alpha(tetrachoric(x).corr)``.
    Reference: Pearson, K. (1900). Mathematical contributions to the theory of evolution VII. Philosophical
    Transactions of the Royal Society A 195, 1-47.
    """
    x, names = response_matrix(data, min_items=2)
    bad = [n for j, n in enumerate(names) if np.unique(x[~np.isnan(x[:, j]), j]).size != 2]
    if bad:
        raise DataError(
            "tetrachoric correlations are for items with exactly two answers; item(s) "
            + ", ".join(map(str, bad))
            + " have another number (use cma.polychoric)."
        )
    return polychoric(data, correct=correct, smooth=smooth, missing=missing)


def ordinal_alpha(r) -> float:
    r"""Ordinal alpha (Zumbo, Gadermann & Zeisser 2007): standardized alpha of a polychoric or tetrachoric
    matrix, :math:`\frac{p}{p-1}(1 - p/\mathbf 1'R\mathbf 1)`; R ``psych::alpha(rho)$total$std.alpha``."""
    a = np.asarray(r, float)
    p = a.shape[0]
    return float(p / (p - 1) * (1 - p / a.sum()))
