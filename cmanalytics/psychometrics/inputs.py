"""Validation at the boundary: raw responses or a correlation matrix in, clean arrays out.

Everything a statistic needs is derived from one pass over the data: the item means, the covariance
matrix and the correlation matrix (:class:`Moments`). The statistics in this package work on those
arrays and never see a DataFrame; labels come back only when results are built.

Missing data
    ``"listwise"`` (SPSS's default, *Exclude cases listwise*): only respondents who answered every item.
    ``"pairwise"`` (SPSS's *Exclude cases pairwise*, R's ``use = "pairwise"``): each correlation from the
    respondents who answered both items, with that pair's own means and standard deviations, as R's
    ``cor(x, use = "pairwise")``. Under pairwise deletion the recorded ``n_obs`` is the number of rows, as
    R psych uses for its chi-square tests and intervals; the smallest pairwise n is recorded beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.linalg import lapack

from cmanalytics.errors import ArgumentError, CorrelationMatrixError, DataError

MISSING_POLICIES = ("listwise", "pairwise")
# An eigenvalue below this (times p) makes R singular for our purposes: its inverse and log-determinant
# are then dominated by rounding.
SINGULAR_TOL = 1e-10


@dataclass(frozen=True)
class Moments:
    """What one pass over the data yields; everything else is derived from it.

    Attributes
    ----------
    names : item names, in column order.
    corr : p x p correlation matrix.
    cov : p x p covariance matrix (n - 1 denominator), or None when only a correlation matrix was given.
    means, sds : item means and standard deviations (None from a correlation matrix).
    n_obs : the n the statistics use (complete rows under listwise deletion; all rows under pairwise).
    pairwise_n : p x p counts of respondents who answered both items (pairwise deletion only).
    missing : the missing-data policy, or "correlation matrix".
    n_rows : rows in the data as given (before any deletion).
    """

    names: tuple[str, ...]
    corr: np.ndarray
    cov: np.ndarray | None
    means: np.ndarray | None
    sds: np.ndarray | None
    n_obs: int
    pairwise_n: np.ndarray | None
    missing: str
    n_rows: int
    method: str = "pearson"

    @property
    def n_items(self) -> int:
        return len(self.names)

    # Derived once and shared by every analysis of the same prepared items.
    @cached_property
    def eigh(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (descending) and eigenvectors of the correlation matrix."""
        # LAPACK's dsyevd straight from scipy: for survey-sized matrices numpy's wrapper costs more than
        # the decomposition.
        values, vectors, info = lapack.dsyevd(self.corr)
        if info != 0:
            values, vectors = np.linalg.eigh(self.corr)
        return values[::-1], vectors[:, ::-1]

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of the correlation matrix, descending."""
        return self.eigh[0]

    @cached_property
    def singular(self) -> bool:
        """Is the correlation matrix singular (smallest eigenvalue below 1e-10 p)?"""
        return bool(self.eigenvalues[-1] < SINGULAR_TOL * self.n_items)

    @cached_property
    def inverse(self) -> np.ndarray:
        """R^-1, or the Moore-Penrose pseudo-inverse when R is singular."""
        if self.singular:
            return pseudo_inverse(*self.eigh)
        return np.linalg.inv(self.corr)

    @property
    def from_data(self) -> bool:
        return self.cov is not None


def pseudo_inverse(values: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Moore-Penrose inverse of a symmetric matrix from its eigendecomposition, dropping the eigenvalues that
    make it singular (below 1e-10 p): those are rounding, and inverting them would dominate the result."""
    keep = values > SINGULAR_TOL * len(values)
    v = vectors[:, keep]
    return (v / values[keep]) @ v.T


def check_missing(missing: str) -> str:
    if missing not in MISSING_POLICIES:
        raise ArgumentError(
            f"missing={missing!r} is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'."
        )
    return missing


def response_matrix(data, *, min_items: int = 3, what: str = "data", as_float: bool = True
                    ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Turn a DataFrame or array of item responses into a numeric array and its item names.

    With ``as_float=False`` integer and boolean answers keep their type (no copy of the whole data; the
    one pass converts them chunk by chunk). Missing values always come back as NaN in a float array.
    The caller's object is never modified: the array returned is a new one, or a read-only view.
    Non-numeric columns are named in the error; so is a frame with fewer than ``min_items`` items.
    """
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if isinstance(data, pd.DataFrame):
        if data.columns.has_duplicates:
            dup = sorted({str(c) for c in data.columns[data.columns.duplicated()]})
            raise DataError(f"{what} has duplicated column names: {', '.join(dup)}. Give each item one column.")
        columns = data.columns.tolist()
        names = tuple(str(c) for c in columns)
        # Fast path: a frame of plain numeric columns comes back from to_numpy() numeric (any text, date
        # or nullable column turns it into object), so the per-column checks run only when needed.
        x = data.to_numpy() if data.shape[1] else np.empty((len(data), 0))
        if x.dtype.kind in "biuf":
            if as_float and x.dtype != np.float64:
                x = x.astype(np.float64)
        else:
            bad = [str(c) for c, dt in zip(columns, data.dtypes.tolist()) if not _is_numeric_dtype(dt)]
            if bad:
                raise DataError(
                    f"{what} has non-numeric column(s) {', '.join(repr(b) for b in bad)}; item responses must be "
                    "numbers (recode text answers, or drop id and comment columns before the analysis)."
                )
            try:
                x = data.to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError) as exc:  # e.g. object columns holding numbers and strings
                raise DataError(f"{what} could not be read as numbers: {exc}") from None
    else:
        try:
            x = np.asarray(data)
            if as_float or x.dtype.kind not in "biuf":
                x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(
                f"{what} must be a DataFrame or a 2-D array of numbers; got {type(data).__name__} "
                "that cannot be read as numbers."
            ) from None
        if x.ndim != 2:
            raise DataError(f"{what} must be 2-D (a row per respondent, a column per item); got {x.ndim}-D.")
        names = tuple(f"item{j + 1}" for j in range(x.shape[1]))
    if x.shape[1] < min_items:
        raise DataError(f"{what} has {x.shape[1]} item(s); this analysis needs at least {min_items}.")
    x = x.view()  # a view of our own, so marking it read-only never touches the caller's array
    x.flags.writeable = False
    return x, names


def _is_numeric_dtype(dtype) -> bool:
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuf"
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def moments_from_data(data, *, missing: str = "listwise", min_items: int = 3) -> Moments:
    """One pass over raw responses: means, covariance and correlation under a missing-data policy."""
    check_missing(missing)
    if isinstance(data, Moments):
        return data
    x, names = response_matrix(data, min_items=min_items, as_float=False)
    return moments_from_array(x, names, missing)


def moments_from_array(x: np.ndarray, names: tuple[str, ...], missing: str) -> Moments:
    """Moments of a validated numeric array (see :func:`response_matrix`)."""
    n_rows = x.shape[0]
    if n_rows < 2:
        raise DataError(f"data has {n_rows} row(s); at least 2 respondents are needed for a correlation.")
    streamed = streamed_moments(x)
    if streamed is not None:  # complete data: the one pass gave everything
        means, cov = streamed
        return _finish(names, cov, means, n_rows, None, missing, n_rows)
    x = np.asarray(x, dtype=np.float64)
    inf_cols = [names[j] for j in np.where(np.isinf(x).any(axis=0))[0]]
    if inf_cols:
        raise DataError(f"column(s) {', '.join(map(repr, inf_cols))} hold an infinite value; item responses "
                        "must be finite numbers (or missing).")
    if missing == "listwise":
        keep = ~np.isnan(x).any(axis=1)
        n = int(keep.sum())
        if n < 2:
            raise DataError(
                f"no complete rows under listwise deletion ({n} of {n_rows} respondents answered every item); "
                "use missing='pairwise', or drop the items most often left blank."
            )
        means, cov = streamed_moments(x[keep])
        return _finish(names, cov, means, n, None, missing, n_rows)
    return _pairwise_moments(x, names)


def _chunk_rows(p: int) -> int:
    return max(256, (1 << 20) // (8 * p))  # about 1 MB of float64 per chunk: it stays in cache


def streamed_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    r"""Means and covariance (n - 1) of complete data in one pass; None if a value is missing or infinite.

    The rows go through a cache-sized float buffer, shifted by a provisional centre c (the mean of the
    first chunk), with a column of ones beside them, so that one BLAS call per chunk accumulates both
    :math:`G = \sum_k (x_k - c)(x_k - c)'` and :math:`s = \sum_k (x_k - c)`; then
    :math:`(n-1)\,C = G - s s'/n`. Shifting first keeps the subtraction from cancelling digits (the
    textbook one-pass formula loses about :math:`\log_{10}(\bar x^2/s^2)` of them); integer answers are
    converted chunk by chunk, so no float copy of the whole data is ever made.
    """
    n, p = x.shape
    rows = _chunk_rows(p)
    if n <= rows:  # small data: one centred copy, no chunking
        with np.errstate(all="ignore"):
            xc = np.asarray(x, dtype=np.float64)
            shift = xc.mean(axis=0)
            xc = xc - shift
            gram = xc.T @ xc
            d = xc.sum(axis=0) / n
        if not (np.isfinite(gram).all() and np.isfinite(d).all()):
            return None
        cov = (gram - n * np.outer(d, d)) / (n - 1)
        return shift + d, (cov + cov.T) / 2
    with np.errstate(all="ignore"):  # a NaN or an infinity shows in the result, which is then checked
        if x.dtype == np.float64:
            direct = _direct_moments(x, rows)
            if direct is not None:
                return direct
        shift = np.asarray(x[: min(n, rows)], dtype=np.float64).mean(axis=0)
        if not np.isfinite(shift).all():
            return None
        # Lay the buffer out as the data are (pandas keeps a frame's columns contiguous), so the conversion
        # reads and writes memory in order.
        order = "F" if x.flags.f_contiguous and not x.flags.c_contiguous else "C"
        buf = np.empty((min(rows, n), p + 1), order=order)
        buf[:, p] = 1.0
        gram = np.zeros((p + 1, p + 1))
        for start in range(0, n, rows):
            b = buf[: min(rows, n - start)]
            np.subtract(x[start:start + rows], shift, out=b[:, :p])
            gram += b.T @ b  # numpy sends A.T @ A to BLAS syrk
    if not np.isfinite(gram).all():
        return None
    d = gram[p, :p] / n
    cov = (gram[:p, :p] - n * np.outer(d, d)) / (n - 1)
    return shift + d, (cov + cov.T) / 2


# The direct (unshifted) cross-products lose about log10(max mean^2 / variance) digits; above this ratio the
# shifted pass is used instead, so correlations stay exact to ~1e-14.
_CANCELLATION_RATIO = 100.0


def _direct_moments(x: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Float data need no conversion: cross-products straight from the caller's memory (no copy), sums by a
    BLAS matrix-vector product on the chunk while it is in cache. None when the means are so large
    against the spread that digits would cancel (or a value is missing), so the shifted pass takes over."""
    n, p = x.shape
    gram = np.zeros((p, p))
    sums = np.zeros(p)
    ones = np.ones(min(rows, n))
    for start in range(0, n, rows):
        chunk = x[start:start + rows]
        gram += chunk.T @ chunk
        sums += ones[: chunk.shape[0]] @ chunk
    if not (np.isfinite(sums).all() and np.isfinite(gram).all()):
        return None
    means = sums / n
    cross = gram - n * np.outer(means, means)
    var = np.diag(cross) / (n - 1)
    if not (var > 0).all() or (means**2 / var).max() > _CANCELLATION_RATIO:
        return None
    cov = cross / (n - 1)
    return means, (cov + cov.T) / 2


def _pairwise_moments(x: np.ndarray, names: tuple[str, ...]) -> Moments:
    counts = (~np.isnan(x)).sum(axis=0)
    for j in range(x.shape[1]):
        if counts[j] < 2:
            raise DataError(f"item {names[j]!r} has {counts[j]} answer(s); at least 2 are needed.")
    # The same sums as the streaming path, taken over all the data in one go.
    from cmanalytics.psychometrics.streaming import MomentAccumulator

    return MomentAccumulator(names, "pairwise").add(x).moments()


def _check_variance(names, sds, means=None) -> None:
    # A constant item can come out of the one-pass formula with a variance of rounding size rather than 0.
    floor = 1e-12 * np.maximum(np.abs(means), 1.0) if means is not None else 0.0
    flat = np.where(~(sds > floor))[0]
    if flat.size:
        raise DataError(
            "item(s) " + ", ".join(repr(names[j]) for j in flat) + " have no variance (every respondent gave "
            "the same answer); they carry no information for a correlation. Drop them and run again."
        )


def _finish(names, cov, means, n_obs, pairwise_n, missing, n_rows) -> Moments:
    sds = np.sqrt(np.diag(cov))
    _check_variance(names, sds, means)
    inv = 1.0 / sds
    corr = cov * inv[:, None] * inv[None, :]
    corr.flat[:: len(sds) + 1] = 1.0
    if np.abs(corr).max() > 1.0:  # rounding can push a perfect correlation past 1
        np.clip(corr, -1.0, 1.0, out=corr)
    return Moments(names, corr, cov, means, sds, int(n_obs), pairwise_n, missing, n_rows)


def moments_from_corr(corr, n_obs, *, min_items: int = 3, tol: float = 1e-6) -> Moments:
    """Validate a published correlation matrix and its sample size."""
    if n_obs is None:
        raise ArgumentError(
            "a correlation matrix needs n_obs (the number of respondents it was computed from): "
            "the chi-square tests and intervals depend on it."
        )
    if isinstance(n_obs, bool) or not np.isscalar(n_obs) or not float(n_obs).is_integer() or n_obs < 2:
        raise ArgumentError(f"n_obs must be a whole number of at least 2; got {n_obs!r}.")
    if isinstance(corr, pd.DataFrame):
        names = tuple(str(c) for c in corr.columns)
        if list(map(str, corr.index)) != list(names) and not isinstance(corr.index, pd.RangeIndex):
            raise CorrelationMatrixError("corr's row labels differ from its column labels; they must name the same items in the same order.")
        if not all(_is_numeric_dtype(dt) for dt in corr.dtypes):
            raise CorrelationMatrixError("corr has non-numeric columns; a correlation matrix holds numbers only.")
        r = corr.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            r = np.array(corr, dtype=np.float64)
        except (TypeError, ValueError):
            raise CorrelationMatrixError("corr must be a square matrix of numbers.") from None
        names = tuple(f"item{j + 1}" for j in range(r.shape[-1])) if r.ndim == 2 else ()
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise CorrelationMatrixError(f"corr must be a square matrix; got shape {r.shape}.")
    p = r.shape[0]
    if p < min_items:
        raise CorrelationMatrixError(f"corr has {p} item(s); this analysis needs at least {min_items}.")
    if not np.isfinite(r).all():
        raise CorrelationMatrixError("corr has missing or infinite entries; a correlation matrix must be complete.")
    asym = np.abs(r - r.T)
    if asym.max() > tol:
        i, j = np.unravel_index(np.argmax(asym), asym.shape)
        raise CorrelationMatrixError(
            f"corr is not symmetric: entry ({names[i]}, {names[j]}) is {r[i, j]:.6g} but ({names[j]}, {names[i]}) "
            f"is {r[j, i]:.6g}."
        )
    d = np.abs(np.diag(r) - 1.0)
    if d.max() > tol:
        j = int(np.argmax(d))
        raise CorrelationMatrixError(
            f"corr's diagonal must be 1; item {names[j]!r} has {r[j, j]:.6g}. (Is it a covariance matrix? "
            "Divide by the standard deviations first.)"
        )
    if np.abs(r).max() > 1 + tol:
        i, j = np.unravel_index(np.argmax(np.abs(r)), r.shape)
        raise CorrelationMatrixError(f"corr entry ({names[i]}, {names[j]}) = {r[i, j]:.6g} lies outside [-1, 1].")
    r = (r + r.T) / 2
    np.fill_diagonal(r, 1.0)
    lam_min = np.linalg.eigvalsh(r)[0]
    if lam_min < -1e-8 * p:
        raise CorrelationMatrixError(
            f"corr is not positive semi-definite (smallest eigenvalue {lam_min:.3g}); no data set has this "
            "correlation matrix. Check for a typo, or smooth it before the analysis."
        )
    return Moments(names, r, None, None, None, int(n_obs), None, "correlation matrix", int(n_obs))


def prepare(data, *, missing: str = "listwise", method: str = "pearson", **options) -> Moments:
    """One pass over raw responses, reusable by every analysis.

    ``kmo``, ``bartlett``, ``efa``, ``parallel_analysis`` and ``cronbach_alpha`` each take the returned
    object in place of ``data`` and then work on the matrices alone, so a pipeline over a large survey
    reads the data once::

        items = cma.prepare(df)                       # means, covariances, correlations; n
        cma.kmo(items); cma.efa(items, n_factors=3); cma.cronbach_alpha(items)

    ``method="polychoric"`` prepares the polychoric matrix of ordinal items instead (``options`` go to
    :func:`~cmanalytics.psychometrics.ordinal.polychoric`); KMO, Bartlett, EFA and parallel analysis then
    work on it, and ``cronbach_alpha`` gives ordinal alpha.

    The result holds no reference to the data; changing the DataFrame afterwards does not change it.
    """
    check_missing(missing)
    if method == "polychoric":
        from cmanalytics.psychometrics.ordinal import polychoric

        res = polychoric(data, missing=missing, **options)
        return Moments(res.items, res.rho, None, None, None, res.n_obs, None, missing, res.n_obs, "polychoric")
    if method != "pearson":
        raise ArgumentError(f"method={method!r}; choose 'pearson' or 'polychoric'.")
    return moments_from_data(data, missing=missing, min_items=2)


def gather(data=None, corr=None, n_obs=None, *, missing: str = "listwise", min_items: int = 3) -> Moments:
    """The single entry point: raw responses, prepared moments, or a correlation matrix with ``n_obs``."""
    if isinstance(data, Moments):  # prepared items carry the missing-data policy they were prepared with
        if data.n_items < min_items:
            raise DataError(f"{data.n_items} item(s); this analysis needs at least {min_items}.")
        return data
    if data is not None and corr is not None:
        raise ArgumentError("give either data (raw responses) or corr (a correlation matrix with n_obs), not both.")
    if data is None and corr is None:
        raise ArgumentError("no input: give data (raw responses) or corr= with n_obs= (a published correlation matrix).")
    if corr is not None:
        return moments_from_corr(corr, n_obs, min_items=min_items)
    if n_obs is not None:
        raise ArgumentError("n_obs goes with corr=; from raw data the number of respondents is counted.")
    return moments_from_data(data, missing=missing, min_items=min_items)
