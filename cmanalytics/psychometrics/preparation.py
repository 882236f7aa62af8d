"""``cma.prepare``: read the data once, Pearson or polychoric, for every analysis after it."""

from __future__ import annotations

import numpy as np

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.inputs import LISTWISE, Moments, check_definite, check_missing, moments_from_data


def prepare(data, *, missing: str = LISTWISE, method: str = "pearson", smooth: bool = False, **options) -> Moments:
    """One pass over raw responses, reusable by every analysis.

    ``kmo``, ``bartlett``, ``efa``, ``parallel_analysis`` and ``cronbach_alpha`` each take the returned
    object in place of ``data`` and then work on the matrices alone, so a pipeline over a large survey
    reads the data once::

        items = cma.prepare(df)                       # means, covariances, correlations; n
        cma.kmo(items); cma.efa(items, n_factors=3); cma.cronbach_alpha(items)

    The missing-data policy is applied here, once: the analyses keep it, and refuse a ``missing=`` that
    differs from it (an ArgumentError), as they refuse ``missing=`` with a correlation matrix.

    ``method="polychoric"`` prepares the polychoric matrix of ordinal items instead (``options`` go to
    :func:`~cmanalytics.psychometrics.ordinal.polychoric`); KMO, Bartlett, EFA and parallel analysis then
    work on it, and ``cronbach_alpha`` gives ordinal alpha.

    Every matrix is checked for positive definiteness (pairwise and polychoric matrices can fail it): an
    indefinite one is a :class:`CorrelationMatrixError`, or with ``smooth=True`` is smoothed as
    ``psych::cor.smooth`` does, with a :class:`SingularityWarning` and a line in ``notes``.

    The result holds no reference to the data; changing the DataFrame afterwards does not change it.
    """
    check_missing(missing)
    if not isinstance(smooth, (bool, np.bool_)):
        raise ArgumentError(f"smooth must be True or False; got {smooth!r}.")
    if method == "polychoric":
        from cmanalytics.errors import check_keywords
        from cmanalytics.psychometrics.ordinal import polychoric

        # the options are polychoric's: one it does not take is an ArgumentError naming those it does
        res = check_keywords(polychoric)(data, missing=missing, smooth=smooth, **options)  # warns of smoothing
        notes = res.warnings if res.smoothed else ()
        # n_rows: the rows as given, before listwise deletion (len(data): polychoric has read it as 2-D)
        m = Moments(
            res.items, res.rho, None, None, None, res.n_obs, None, str(missing), len(data), "polychoric", notes=notes
        )
        return check_definite(m, smooth=smooth)
    if options:
        raise ArgumentError(f"option(s) {', '.join(sorted(options))} go with method='polychoric' only.")
    if method != "pearson":
        raise ArgumentError(f"method={method!r}; choose 'pearson' or 'polychoric'.")
    return check_definite(moments_from_data(data, missing=missing, min_items=2), smooth=smooth)
