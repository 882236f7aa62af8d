"""Factor and component scores for respondents."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, check_keywords
from cmanalytics.presentation import Reportable
from cmanalytics.psychometrics.adequacy import inverse
from cmanalytics.psychometrics.inputs import response_matrix

SCORE_METHODS = ("regression", "bartlett", "tenberge", "anderson")
SCORE_ALIASES = {
    "regression": "regression",
    "thurstone": "regression",
    "bartlett": "bartlett",
    "tenberge": "tenberge",
    "ten berge": "tenberge",
    "anderson": "anderson",
    "anderson-rubin": "anderson",
}


def _sym_power(a: np.ndarray, power: float) -> np.ndarray:
    """A symmetric matrix to a power through its eigendecomposition, as psych's matSqrt / invMatSqrt:
    negative eigenvalues become eps for the square root, those below eps become 100 eps for the inverse."""
    values, vectors = np.linalg.eigh((a + a.T) / 2)
    eps = np.finfo(float).eps
    if power > 0:
        values = np.where(values < 0, eps, values)
    else:
        values = np.where(values < eps, 100 * eps, values)
    return (vectors * values**power) @ vectors.T


def score_weights(
    r: np.ndarray,
    pattern: np.ndarray,
    phi: np.ndarray | None,
    uniquenesses: np.ndarray,
    method: str,
    inv: np.ndarray | None = None,
) -> np.ndarray:
    r"""Weights W (p x k) so that scores = Z W for standardized responses Z, as ``psych::factor.scores``.

    With pattern P, factor correlations :math:`\Phi` (I when orthogonal), structure :math:`S = P\Phi`
    and uniquenesses :math:`U^2 = \mathrm{diag}(I - P\Phi P')`:

    * regression (Thurstone 1935): :math:`W = R^{-1} S`; for principal components :math:`L\Lambda^{-1}`;
    * Bartlett (1937): :math:`W = U^{-2} P (P'U^{-2}P)^{-1}`, unbiased (weighted least squares);
    * tenBerge (ten Berge, Krijnen, Wansbeek & Shapiro 1999): scores that keep the factors' correlations,
      :math:`W = R^{-1/2} C \Phi^{1/2}`, :math:`C = R^{-1/2} L (L'R^{-1}L)^{-1/2}`, :math:`L = P\Phi^{1/2}`;
    * Anderson-Rubin (1956): uncorrelated standardized scores,
      :math:`W = U^{-2} P (P'U^{-2} R U^{-2} P)^{-1/2}` (psych's formula; for an oblique solution the scores
      are still uncorrelated, which is what Anderson-Rubin means, not the factors' Phi).

    ``inv``: R^-1 when the caller already has it (prepared items hold it).
    """
    phi_ = np.eye(pattern.shape[1]) if phi is None else phi
    if method == "regression":
        return (inverse(r)[0] if inv is None else inv) @ (pattern @ phi_)
    if method == "tenberge":
        big_l = pattern @ _sym_power(phi_, 0.5)
        r_half = _sym_power(r, -0.5)
        r_inv = inverse(r)[0] if inv is None else inv
        c = r_half @ big_l @ _sym_power(big_l.T @ r_inv @ big_l, -0.5)
        return r_half @ c @ _sym_power(phi_, 0.5)
    if np.any(uniquenesses <= 1e-12):
        raise ArgumentError(
            f"{method} scores need every uniqueness above 0; an item has a communality of 1. Use method='regression'."
        )
    wp = pattern / uniquenesses[:, None]
    if method == "anderson":
        return wp @ _sym_power(wp.T @ r @ wp, -0.5)
    return wp @ np.linalg.inv(pattern.T @ wp)


@dataclass(frozen=True, repr=False)
class ScoreWeights(Reportable):
    r"""Factor score weights and their quality, as ``psych::factor.scores`` reports them.

    ``weights`` (items x factors), ``r_scores`` (correlations of the scores, :math:`\mathrm{cov2cor}(W'RW)`),
    ``r2`` (:math:`\mathrm{diag}(W'S)`, psych's R2: for regression scores the squared multiple correlation of
    the factor with the items) and ``determinacy`` (:math:`\sqrt{R^2}`, the correlation of the scores
    with the factors that psych's fa prints), ``method``.
    """

    weights: pd.DataFrame
    r_scores: pd.DataFrame
    r2: pd.Series
    method: str

    @property
    def determinacy(self) -> pd.Series:
        return np.sqrt(self.r2.clip(lower=0)).rename("determinacy")

    def to_frame(self) -> pd.DataFrame:
        return self.weights

    def _report(self):
        quality = pd.DataFrame({"R2": self.r2, "determinacy": self.determinacy})
        return (
            f"Factor score weights ({self.method})",
            [],
            [("Weights", self.weights), ("Correlations of the scores", self.r_scores), ("Determinacy", quality)],
            (),
            (),
        )


def factor_score_weights(result, method: str = "regression") -> ScoreWeights:
    """Weights, score correlations and determinacy of one scoring method for an
    :class:`~cmanalytics.psychometrics.efa.EFAResult` (``psych::factor.scores(r, f, method=)``'s weights,
    r.scores and R2). Methods: "regression" (psych's "Thurstone"), "bartlett", "tenberge", "anderson"."""
    key = SCORE_ALIASES.get(str(method).lower())
    if key is None:
        raise ArgumentError(f"method={method!r} is not a scoring method; choose one of {', '.join(SCORE_METHODS)}.")
    m = result._moments
    if m is None:
        raise ArgumentError("this result does not hold its correlation matrix; refit it with cma.efa.")
    r = m.corr
    pattern = result.loadings.to_numpy()
    phi = result.phi.to_numpy() if result.phi is not None else None
    w = score_weights(r, pattern, phi, result.uniquenesses.to_numpy(), key, inv=m.inverse)
    s = pattern @ (np.eye(pattern.shape[1]) if phi is None else phi)
    cov = w.T @ r @ w
    d = 1 / np.sqrt(np.diag(cov))
    cols = list(result.loadings.columns)
    return ScoreWeights(
        pd.DataFrame(w, index=list(result.items), columns=cols),
        pd.DataFrame(cov * np.outer(d, d), index=cols, columns=cols),
        pd.Series(np.diag(w.T @ s), index=cols, name="R2"),
        key,
    )


@check_keywords
def factor_scores(result, data, method: str = "regression") -> pd.DataFrame:
    """Scores of each respondent on each factor of an :class:`~cmanalytics.psychometrics.efa.EFAResult`.

    Responses are standardized with the means and standard deviations (n - 1) of the data the solution
    was fitted to when it was fitted to raw data, otherwise with the given data's own; a respondent with a
    missing answer gets missing scores (as SPSS saves them). Columns are matched by name.

    SPSS: Factor > Scores > Save as variables (Regression / Bartlett / Anderson-Rubin). R:
    ``psych::factor.scores(x, f, method = "Thurstone")`` / ``"Bartlett"`` / ``"tenBerge"`` / ``"Anderson"``;
    ``psych::principal(x)$scores`` for components. :func:`factor_score_weights` gives the weights with
    the scores' correlations and determinacy.
    References: Thurstone, L. L. (1935). *The Vectors of Mind*. Bartlett, M. S. (1937). The statistical
    conception of mental factors. British Journal of Psychology 28, 97-104.
    """
    key = SCORE_ALIASES.get(str(method).lower())
    if key is None:
        raise ArgumentError(f"method={method!r} is not a scoring method; choose one of {', '.join(SCORE_METHODS)}.")
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
    w = score_weights(r, result.loadings.to_numpy(), phi, result.uniquenesses.to_numpy(), key, inv=m.inverse)
    return pd.DataFrame(z @ w, index=index, columns=result.loadings.columns)
