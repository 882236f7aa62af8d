"""Factor and component scores for respondents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.adequacy import inverse
from cmanalytics.psychometrics.inputs import response_matrix

SCORE_METHODS = ("regression", "bartlett")


def score_weights(r: np.ndarray, pattern: np.ndarray, phi: np.ndarray | None, uniquenesses: np.ndarray,
                  method: str, inv: np.ndarray | None = None) -> np.ndarray:
    r"""Weights W (p x k) so that scores = Z W for standardized responses Z.

    * regression (Thurstone 1935): :math:`W = R^{-1} S`, :math:`S = P\Phi` the structure matrix. For
      principal components this is :math:`L\Lambda^{-1}`, SPSS's saved (standardized) component scores.
    * Bartlett (1937): :math:`W = \Psi^{-1} P (P'\Psi^{-1}P)^{-1}`, unbiased (weighted least squares).

    ``inv``: R^-1 when the caller already has it (prepared items hold it).
    """
    if method == "regression":
        s = pattern @ phi if phi is not None else pattern
        return (inverse(r)[0] if inv is None else inv) @ s
    if np.any(uniquenesses <= 1e-12):
        raise ArgumentError("Bartlett scores need every uniqueness above 0; an item has a communality of 1. "
                            "Use method='regression'.")
    wp = pattern / uniquenesses[:, None]
    return wp @ np.linalg.inv(pattern.T @ wp)


def factor_scores(result, data, method: str = "regression") -> pd.DataFrame:
    """Scores of each respondent on each factor of an :class:`~cmanalytics.psychometrics.efa.EFAResult`.

    Responses are standardized with the means and standard deviations (n - 1) of the data the solution
    was fitted to when it was fitted to raw data, otherwise with the given data's own; a respondent with a
    missing answer gets missing scores (as SPSS saves them). Columns are matched by name.

    SPSS: Factor > Scores > Save as variables (Regression / Bartlett). R: ``psych::factor.scores(x, f,
    method = "Thurstone")`` / ``"Bartlett"``; ``psych::principal(x)$scores`` for components.
    References: Thurstone, L. L. (1935). *The Vectors of Mind*. Bartlett, M. S. (1937). The statistical
    conception of mental factors. British Journal of Psychology 28, 97-104.
    """
    if method not in SCORE_METHODS:
        raise ArgumentError(f"method={method!r} is not a scoring method; choose 'regression' or 'bartlett'.")
    names = list(result.loadings.index)
    if isinstance(data, pd.DataFrame):
        missing_cols = [c for c in names if c not in data.columns]
        if missing_cols:
            raise DataError("data lack the item(s) the solution was fitted to: " + ", ".join(missing_cols) + ".")
        frame = data[names]
        index = data.index
    else:
        frame = data
        index = None
    x, _ = response_matrix(frame, min_items=1)
    if x.shape[1] != len(names):
        raise DataError(f"data have {x.shape[1]} columns; the solution has {len(names)} items.")
    m = result._moments
    if m is not None and m.means is not None:
        means, sds = m.means, m.sds
    else:
        means = np.nanmean(x, axis=0)
        sds = np.nanstd(x, axis=0, ddof=1)
    z = (x - means) / sds
    r = m.corr if m is not None else None
    if r is None:
        raise ArgumentError("this result does not hold its correlation matrix; refit it with cma.efa.")
    phi = result.phi.to_numpy() if result.phi is not None else None
    w = score_weights(r, result.loadings.to_numpy(), phi, result.uniquenesses.to_numpy(), method, inv=m.inverse)
    return pd.DataFrame(z @ w, index=index, columns=result.loadings.columns)
