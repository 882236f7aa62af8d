"""Smoothing an indefinite correlation matrix (pairwise deletion, polychoric or tetrachoric matrices)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, SingularityWarning, diagnose


def cor_smooth(r, *, eig_tol: float = 1e-12, warnings: list | None = None):
    r"""Make a correlation matrix positive definite as ``psych::cor.smooth(r)``.

    When the smallest eigenvalue is below machine epsilon: eigenvalues below ``eig_tol`` are set to
    100 ``eig_tol``, all are rescaled to sum to p, the matrix is rebuilt as :math:`V\Lambda V'` and rescaled to
    a unit diagonal (cov2cor); a SingularityWarning says so (and is kept in ``warnings`` when a list is
    given). A positive definite matrix is returned unchanged. A DataFrame keeps its labels.
    Reference: Wothke, W. (1993). Nonpositive definite matrices in structural modeling. In Bollen & Long
    (Eds.), Testing Structural Equation Models (pp. 256-293).
    """
    frame = r if isinstance(r, pd.DataFrame) else None
    a = np.array(r, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or not np.allclose(a, a.T, atol=1e-10):
        raise ArgumentError("cor_smooth needs a square symmetric correlation matrix.")
    values, vectors = np.linalg.eigh(a)
    if values.min() >= np.finfo(float).eps:
        return r.copy() if frame is not None else a
    diagnose(
        f"the matrix was not positive definite (smallest eigenvalue {values.min():.3g}); it was smoothed "
        "as psych::cor.smooth does.",
        SingularityWarning,
        warnings,
    )
    values = np.where(values < eig_tol, 100 * eig_tol, values)
    values = values * a.shape[0] / values.sum()
    s = (vectors * values) @ vectors.T
    d = 1 / np.sqrt(np.diag(s))
    out = s * np.outer(d, d)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns) if frame is not None else out
