"""The correlation matrix: the one pass over the data that every other statistic starts from."""

from __future__ import annotations

import pandas as pd

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.inputs import LISTWISE, moments_from_data

METHODS = ("pearson", "polychoric")


def correlation(data, method: str = "pearson", missing: str = LISTWISE) -> pd.DataFrame:
    r"""Pearson (or polychoric) correlation matrix of item responses.

    .. math:: r_{ij} = \frac{\sum_k (x_{ki} - \bar x_i)(x_{kj} - \bar x_j)}
                            {\sqrt{\sum_k (x_{ki} - \bar x_i)^2 \sum_k (x_{kj} - \bar x_j)^2}}

    computed from one BLAS pass (the cross-product matrix) over the data.

    ``missing="listwise"`` uses only respondents who answered every item (SPSS's default; R
    ``cor(na.omit(x))``); ``"pairwise"`` uses, for each pair, everyone who answered both, with that pair's
    own means and standard deviations (SPSS *Exclude cases pairwise*; R ``cor(x, use = "pairwise")``).

    The result's ``attrs`` record ``n_obs`` (respondents used; all rows under pairwise deletion),
    ``missing``, and under pairwise deletion ``pairwise_n`` (a DataFrame of counts per pair).

    ``method="polychoric"`` gives :func:`~cmanalytics.psychometrics.ordinal.polychoric`'s matrix, with the
    thresholds in ``attrs["thresholds"]``.

    Reference: Pearson, K. (1896). Mathematical contributions to the theory of evolution III. Phil. Trans. A 187, 253-318.
    """
    if method not in METHODS:
        raise ArgumentError(f"method={method!r} is not available; choose one of {', '.join(METHODS)}.")
    if method == "polychoric":
        from cmanalytics.psychometrics.ordinal import polychoric

        res = polychoric(data, missing=missing)
        out = res.corr.copy()
        out.attrs.update(
            {"n_obs": res.n_obs, "missing": missing, "thresholds": res.thresholds, "warnings": res.warnings}
        )
        return out
    m = moments_from_data(data, missing=missing, min_items=2)
    names = list(m.names)
    out = pd.DataFrame(m.corr.copy(), index=names, columns=names)
    out.attrs["n_obs"] = m.n_obs
    out.attrs["missing"] = m.missing
    if m.pairwise_n is not None:
        out.attrs["pairwise_n"] = pd.DataFrame(m.pairwise_n.astype(int), index=names, columns=names)
    return out
