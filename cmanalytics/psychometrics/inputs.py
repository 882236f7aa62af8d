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

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError, CorrelationMatrixError, DataError

lapack = lazy_module("scipy.linalg.lapack")

MISSING_POLICIES = ("listwise", "pairwise")


class _DefaultPolicy(str):
    """The default of ``missing=``: it is "listwise" (it compares, prints and reads as that string), but it is
    also a distinct object, so that an entry point can tell a policy the caller chose from the default and
    refuse a chosen one that cannot apply: prepared items keep the policy they were prepared with, and a
    correlation matrix has no answers to delete."""

    __slots__ = ()


LISTWISE = _DefaultPolicy("listwise")


def chosen_policy(missing) -> bool:
    """Did the caller pass ``missing=`` (rather than leave the default)?"""
    return missing is not LISTWISE


def check_policy_applies(data, corr, missing) -> None:
    """Refuse a ``missing=`` the caller chose where it cannot apply: to prepared items whose policy differs
    (it was applied when they were read), or to a correlation matrix."""
    if not chosen_policy(missing):
        return
    if isinstance(data, Moments) and missing != data.missing:
        raise ArgumentError(
            f"missing={missing!r}, but these items were prepared with missing={data.missing!r}: the policy is "
            f"applied when the data are read. Prepare them again (cma.prepare(df, missing={missing!r})) or "
            "leave missing= out."
        )
    if data is None and corr is not None:
        raise ArgumentError(
            f"missing={missing!r} applies to raw responses; a correlation matrix (corr=) has no answers to "
            "delete. Leave missing= out."
        )


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
    method : "pearson" or "polychoric".
    cov_unit : ``cov`` is in units of ``cov_unit**2``: 1.0 for ordinary data; a power of two when the data's
        magnitudes (beyond about 2e19 or below 5e-20) could make products of answers overflow or underflow
        (means and sds are always in the data's units).
    notes : what was done to the matrix before the analysis (eigenvalue smoothing), also warned.
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
    cov_unit: float = 1.0
    notes: tuple[str, ...] = ()

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
        return is_singular(self.eigenvalues)

    @cached_property
    def inverse(self) -> np.ndarray:
        """R^-1, or the Moore-Penrose pseudo-inverse when R is singular."""
        return inverse(self.corr, self.eigh)[0]

    @property
    def from_data(self) -> bool:
        return self.cov is not None


def pseudo_inverse(values: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Moore-Penrose inverse of a symmetric matrix from its eigendecomposition, dropping the eigenvalues that
    make it singular (below 1e-10 p): those are rounding, and inverting them would dominate the result."""
    keep = values > SINGULAR_TOL * len(values)
    v = vectors[:, keep]
    return (v / values[keep]) @ v.T


def is_singular(values: np.ndarray) -> bool:
    """Is a correlation matrix with these eigenvalues singular for our purposes: its smallest below 1e-10 p?"""
    return bool(np.min(values) < SINGULAR_TOL * len(values))


def inverse(r: np.ndarray, eigh: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, bool]:
    """R^-1, or the Moore-Penrose pseudo-inverse when R is singular (flagged); ``eigh``: R's eigen-
    decomposition when it is at hand."""
    if is_singular(np.linalg.eigvalsh(r) if eigh is None else eigh[0]):
        return pseudo_inverse(*(np.linalg.eigh(r) if eigh is None else eigh)), True
    return np.linalg.inv(r), False


def stack_inverse(r: np.ndarray) -> np.ndarray:
    """Inverses of a stack of correlation matrices (..., p, p), as LAPACK gives them, or the pseudo-inverses
    when one of them is singular (random and resampled matrices: one eigendecomposition per matrix would
    cost more than the inverses)."""
    try:
        return np.linalg.inv(r)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(r, hermitian=True)


def check_whole(name: str, value, minimum: int = 1) -> int:
    """A whole-number argument (not a bool) of at least ``minimum``, or an ArgumentError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ArgumentError(f"{name} must be a whole number of at least {minimum}; got {value!r}.")
    return int(value)


def check_level(name: str, value) -> float:
    """A probability strictly between 0 and 1 (a confidence level, a quantile), or an ArgumentError naming it."""
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 < value < 1
    ):
        raise ArgumentError(f"{name} must be a level between 0 and 1 (e.g. 0.95); got {value!r}.")
    return float(value)


def random_generator(seed) -> np.random.Generator:
    """numpy's generator for ``seed`` (None, a whole number >= 0, or a Generator); anything else is an
    :class:`ArgumentError` naming it."""
    if isinstance(seed, (bool, np.bool_)) or not (
        seed is None or isinstance(seed, (int, np.integer, np.random.Generator))
    ):
        raise ArgumentError(f"seed must be a whole number (or None); got {seed!r}.")
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ArgumentError(f"seed must be a whole number of at least 0 (or None); got {seed!r}.") from None


def check_missing(missing: str) -> str:
    if missing not in MISSING_POLICIES:
        raise ArgumentError(
            f"missing={missing!r} is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'."
        )
    return missing


def _frame_matrix(data: pd.DataFrame, what: str, as_float: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    """The DataFrame step of response_matrix: its numbers and item names, non-numeric columns named."""
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
        bad = [
            (str(c), rows)
            for c, dt in zip(columns, data.dtypes.tolist())
            if not _is_numeric_dtype(dt)
            for rows in [_non_numbers(data[c]) if pd.api.types.is_object_dtype(dt) else None]
            if rows is None or len(rows)
        ]
        if bad:
            where = "; ".join(
                f"{c!r}"
                + (
                    f" (row(s) {', '.join(map(repr, rows[:5]))}{' and more' if len(rows) > 5 else ''})"
                    if rows is not None
                    else ""
                )
                for c, rows in bad
            )
            raise DataError(
                f"{what} has non-numeric column(s) {where}; item responses must be numbers (recode text "
                "answers, or drop id and comment columns before the analysis)."
            )
        try:
            x = data.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError, OverflowError) as exc:  # e.g. an int beyond the range of floats
            raise DataError(f"{what} could not be read as numbers: {exc}") from None
    return x, names


def response_matrix(
    data, *, min_items: int = 3, what: str = "data", as_float: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Turn a DataFrame or array of item responses into a numeric array and its item names.

    With ``as_float=False`` integer and boolean answers keep their type (no copy of the whole data; the
    one pass converts them chunk by chunk). Missing values always come back as NaN in a float array.
    The caller's object is never modified: the array returned is a new one, or a read-only view.
    Non-numeric columns are named in the error; so is a frame with fewer than ``min_items`` items.
    """
    if data is None:
        raise ArgumentError(f"no input: {what} is None; give a DataFrame or a 2-D array of item responses.")
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if isinstance(data, pd.DataFrame):
        x, names = _frame_matrix(data, what, as_float)
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


def _non_numbers(column: pd.Series) -> list:
    """Index labels of the values of an object column that are not numbers (text, dates, ...): text such as
    "3" is not read as a number, so that a column of answers stored as text is named rather than guessed."""
    ok = column.map(
        lambda v: (
            v is None
            or v is pd.NA
            or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, complex))
        )
    )
    return list(column.index[~ok.to_numpy(dtype=bool)])


def _is_numeric_dtype(dtype) -> bool:
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuf"
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def moments_from_data(data, *, missing: str = LISTWISE, min_items: int = 3) -> Moments:
    """One pass over raw responses: means, covariance and correlation under a missing-data policy."""
    check_missing(missing)
    if isinstance(data, Moments):
        check_policy_applies(data, None, missing)
        return data
    x, names = response_matrix(data, min_items=min_items, as_float=False)
    size_guard(x.shape[0], x.shape[1])
    return moments_from_array(x, names, missing)


# Beyond [2^-64, 2^64] (about 5e-20 to 2e19) the columns are rescaled first: then products of two or four
# answers (a covariance, a product of variances in the item statistics) can neither overflow nor underflow.
_SAFE_EXPONENT = 64


def column_units(x: np.ndarray) -> np.ndarray | None:
    """Per-column powers of two that bring each column's largest magnitude into [1, 2), or None when every
    column already lies within [2^-64, 2^64] (the ordinary case, where nothing is rescaled).

    Dividing by a power of two is exact in binary floating point, so rescaled moments, mapped back, are
    the moments of the data as given; only overflow and underflow are avoided."""
    if x.dtype.kind != "f" or not x.size:
        return None  # integers and booleans cannot reach those magnitudes
    top = np.zeros(x.shape[1])
    low = np.full(x.shape[1], np.inf)
    rows = _chunk_rows(x.shape[1])
    with np.errstate(all="ignore"):
        for start in range(0, x.shape[0], rows):
            a = np.abs(x[start : start + rows])
            top = np.fmax(top, np.fmax.reduce(a, axis=0))
            low = np.fmin(low, np.fmin.reduce(np.where(a > 0, a, np.inf), axis=0))
    top = np.where(np.isfinite(top), top, 0.0)
    if not ((top > 2.0**_SAFE_EXPONENT) | ((low < 2.0**-_SAFE_EXPONENT) & (top > 0))).any():
        return None
    units = np.ones(x.shape[1])
    ok = top > 0
    units[ok] = 2.0 ** np.floor(np.log2(top[ok]))
    return units


def moments_from_array(x: np.ndarray, names: tuple[str, ...], missing: str) -> Moments:
    """Moments of a validated numeric array (see :func:`response_matrix`).

    Data of any magnitude (1e-300 to 1e155) give the correlations of the data rescaled to ordinary units:
    columns beyond the safe range are divided by a power of two first (:func:`column_units`)."""
    missing = str(missing)  # the policy as a plain string on the result, the default's marker dropped
    n_rows = x.shape[0]
    if n_rows < 2:
        raise DataError(f"data has {n_rows} row(s); at least 2 respondents are needed for a correlation.")
    units = column_units(x)
    if units is None:
        return _moments_of(x, names, missing)
    m = _moments_of(np.asarray(x, dtype=np.float64) / units, names, missing)
    unit = float(units.max())
    rel = units / unit
    return dataclasses.replace(
        m, cov=m.cov * np.outer(rel, rel), means=m.means * units, sds=m.sds * units, cov_unit=unit
    )


def _moments_of(x: np.ndarray, names: tuple[str, ...], missing: str) -> Moments:
    n_rows = x.shape[0]
    streamed = streamed_moments(x)
    if streamed is not None:  # complete data: the one pass gave everything
        means, cov = streamed
        return _finish(names, cov, means, n_rows, None, missing, n_rows)
    x = np.asarray(x, dtype=np.float64)
    inf_cols = [names[j] for j in np.where(np.isinf(x).any(axis=0))[0]]
    if inf_cols:
        raise DataError(
            f"column(s) {', '.join(map(repr, inf_cols))} hold an infinite value; item responses "
            "must be finite numbers (or missing)."
        )
    if np.isnan(x).all(axis=0).any():
        empty = [names[j] for j in np.where(np.isnan(x).all(axis=0))[0]]
        raise DataError(f"item(s) {', '.join(map(repr, empty))} were answered by no one; drop them and run again.")
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
            np.subtract(x[start : start + rows], shift, out=b[:, :p])
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
        chunk = x[start : start + rows]
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
    return MomentAccumulator(names, "pairwise").add(x).moments()


def _check_variance(names, sds, means=None) -> None:
    # A constant item can come out of the one-pass formula with a variance of rounding size rather than 0;
    # the floor is relative to the item's own mean, so that the check does not depend on the units.
    floor = 1e-12 * np.abs(means) if means is not None else 0.0
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


def _check_n_obs(n_obs) -> None:
    """Step 1 of moments_from_corr: the sample size is given and a whole number of at least 2."""
    if n_obs is None:
        raise ArgumentError(
            "a correlation matrix needs n_obs (the number of respondents it was computed from): "
            "the chi-square tests and intervals depend on it."
        )
    if (
        isinstance(n_obs, (bool, np.bool_))
        or not isinstance(n_obs, (int, float, np.integer, np.floating))
        or not float(n_obs).is_integer()
        or n_obs < 2
    ):
        raise ArgumentError(f"n_obs must be a whole number of at least 2; got {n_obs!r}.")


def _corr_array(corr) -> tuple[np.ndarray, tuple[str, ...]]:
    """Step 2 of moments_from_corr: the matrix as floats and its item names (labels, or item1..itemp)."""
    if isinstance(corr, pd.DataFrame):
        names = tuple(str(c) for c in corr.columns)
        if list(map(str, corr.index)) != list(names) and not isinstance(corr.index, pd.RangeIndex):
            raise CorrelationMatrixError(
                "corr's row labels differ from its column labels; they must name the same items in the same order."
            )
        if not all(_is_numeric_dtype(dt) for dt in corr.dtypes):
            raise CorrelationMatrixError("corr has non-numeric columns; a correlation matrix holds numbers only.")
        r = corr.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            r = np.array(corr, dtype=np.float64)
        except (TypeError, ValueError):
            raise CorrelationMatrixError("corr must be a square matrix of numbers.") from None
        names = tuple(f"item{j + 1}" for j in range(r.shape[-1])) if r.ndim == 2 else ()
    return r, names


def _check_corr_entries(r: np.ndarray, names, tol: float) -> None:
    """Step 3 of moments_from_corr: symmetric, unit diagonal, entries within [-1, 1] (to ``tol``)."""
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


def moments_from_corr(corr, n_obs, *, min_items: int = 3, tol: float = 1e-6) -> Moments:
    """Validate a published correlation matrix and its sample size."""
    _check_n_obs(n_obs)
    r, names = _corr_array(corr)
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise CorrelationMatrixError(f"corr must be a square matrix; got shape {r.shape}.")
    p = r.shape[0]
    if p < min_items:
        raise CorrelationMatrixError(f"corr has {p} item(s); this analysis needs at least {min_items}.")
    size_guard(0, p)
    if not np.isfinite(r).all():
        raise CorrelationMatrixError("corr has missing or infinite entries; a correlation matrix must be complete.")
    _check_corr_entries(r, names, tol)
    r = (r + r.T) / 2
    np.fill_diagonal(r, 1.0)
    lam_min = np.linalg.eigvalsh(r)[0]
    if lam_min < -1e-8 * p:
        raise CorrelationMatrixError(
            f"corr is not positive semi-definite (smallest eigenvalue {lam_min:.3g}); no data set has this "
            "correlation matrix. Check for a typo, or smooth it before the analysis."
        )
    return Moments(names, r, None, None, None, int(n_obs), None, "correlation matrix", int(n_obs))


# Below this (times p) an eigenvalue is negative beyond rounding: the matrix is indefinite.
DEFINITE_TOL = 1e-8


def smooth_eigenvalues(r: np.ndarray) -> np.ndarray:
    """A positive-definite correlation matrix near ``r``: eigenvalues below 1e-12 raised to 1e-10, rescaled to
    sum to p, the result brought back to a unit diagonal; as R ``psych::cor.smooth(r)``."""
    w, v = np.linalg.eigh(r)
    w = np.where(w < 1e-12, 1e-10, w)
    w = w * len(w) / w.sum()
    out = (v * w) @ v.T
    d = np.sqrt(np.diag(out))
    out = out / np.outer(d, d)
    out = (out + out.T) / 2
    np.fill_diagonal(out, 1.0)
    return out


def check_definite(m: Moments, *, smooth: bool = False) -> Moments:
    """``m`` when its correlation matrix is positive semi-definite (to rounding); otherwise a
    :class:`CorrelationMatrixError` naming the smallest eigenvalue, or with ``smooth=True`` the moments with
    the matrix smoothed (:func:`smooth_eigenvalues`), said by a :class:`SingularityWarning` and in
    ``notes``. Pairwise and polychoric matrices can be indefinite; KMO, Bartlett's test and factor analysis
    on such a matrix are meaningless (no data set has it)."""
    from cmanalytics.errors import SingularityWarning, diagnose

    if not isinstance(smooth, (bool, np.bool_)):
        raise ArgumentError(f"smooth must be True or False; got {smooth!r}.")
    if m.method == "pearson" and m.missing == "listwise":
        return m  # the correlations of complete rows are positive semi-definite by construction
    lam = float(m.eigenvalues[-1])
    if lam >= -DEFINITE_TOL * m.n_items:
        return m
    what = {"polychoric": "polychoric"}.get(m.method, "pairwise" if m.missing == "pairwise" else m.method)
    if not smooth:
        raise CorrelationMatrixError(
            f"the {what} correlation matrix of {m.n_items} items is not positive semi-definite (smallest "
            f"eigenvalue {lam:.3g}): no data set has it, so KMO, Bartlett's test and factor analysis would be "
            "meaningless. Prepare it with smooth=True (cma.prepare(data, ..., smooth=True)) to smooth its "
            "eigenvalues as psych::cor.smooth does, or use missing='listwise'."
        )
    r = smooth_eigenvalues(m.corr)
    change = float(np.abs(r - m.corr).max())
    note = diagnose(
        f"the {what} correlation matrix was not positive definite (smallest eigenvalue {lam:.3g}); "
        f"its eigenvalues were smoothed as psych::cor.smooth does (largest change in a correlation "
        f"{change:.3g}).",
        SingularityWarning,
    )
    return dataclasses.replace(m, corr=r, notes=m.notes + (note,))


# Above this many items the p x p work (decompositions, inverses) dominates: the size guard speaks up.
LARGE_ITEMS = 3000
# Rough speeds of this project's machines (2 cores), measured: a p x p eigendecomposition ~ 4e-9 p^3 s,
# the one pass ~ n p^2 / 5e9 s. An estimate to plan by, not a promise.
_EIGH_SECONDS_PER_P3 = 4e-9
_PASS_FLOPS = 5e9


def size_guard(n_rows: int, p: int) -> None:
    """Warn (:class:`CmanalyticsWarning`) with the estimated time and memory when there are more than
    ``LARGE_ITEMS`` items, and refuse (:class:`DataError`) when the p x p matrices alone would not fit in
    this machine's memory."""
    import os

    from cmanalytics.errors import CmanalyticsWarning, diagnose

    if p <= LARGE_ITEMS:
        return
    memory = 6 * 8.0 * p * p  # correlation, covariance, inverse, eigenvectors and two work copies
    seconds = n_rows * p * p / _PASS_FLOPS + 3 * _EIGH_SECONDS_PER_P3 * p**3
    try:
        available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        available = None
    gib = memory / 2**30
    if available is not None and memory > 0.8 * available:
        raise DataError(
            f"{p} items: the p x p matrices alone need about {gib:.1f} GiB, more than this machine's "
            f"{available / 2**30:.0f} GiB allow; analyse the items in blocks (a scale at a time)."
        )
    diagnose(
        f"{p} items x {n_rows} rows: expect about {_duration(seconds)} and {gib:.1f} GiB for the p x p "
        "matrices (estimated for a 2-core machine); analysing a scale at a time is far faster.",
        CmanalyticsWarning,
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def gather(data=None, corr=None, n_obs=None, *, missing: str = LISTWISE, min_items: int = 3) -> Moments:
    """The single entry point: raw responses, prepared moments, or a correlation matrix with ``n_obs``."""
    check_missing(missing)
    if corr is None or data is None:
        check_policy_applies(data, corr, missing)
    if isinstance(data, Moments):  # prepared items carry the missing-data policy they were prepared with
        if data.n_items < min_items:
            raise DataError(f"{data.n_items} item(s); this analysis needs at least {min_items}.")
        return check_definite(data)
    if data is not None and corr is not None:
        raise ArgumentError("give either data (raw responses) or corr (a correlation matrix with n_obs), not both.")
    if data is None and corr is None:
        raise ArgumentError(
            "no input: give data (raw responses) or corr= with n_obs= (a published correlation matrix)."
        )
    if corr is not None:
        return moments_from_corr(corr, n_obs, min_items=min_items)
    if n_obs is not None:
        raise ArgumentError("n_obs goes with corr=; from raw data the number of respondents is counted.")
    return check_definite(moments_from_data(data, missing=missing, min_items=min_items))


# --- the one-pass accumulator (also the streaming path's: cmanalytics.psychometrics.streaming) -------------


class MomentAccumulator:
    r"""Sums that give the means and covariances of everything added, chunk by chunk, mergeable.

    Listwise: with a shift c (the first chunk's means) it keeps n, :math:`s = \sum (x - c)` and
    :math:`G = \sum (x - c)(x - c)'` over complete rows. Pairwise: per pair (i, j), the count of rows with
    both answered and, over those rows, the sums of :math:`x_i - c_i`, of their squares and of the cross
    products. Two accumulators merge after moving one to the other's shift, so partitions can be summed
    in any order (dask). The results equal the in-memory path's (Chan, Golub & LeVeque 1983).
    """

    def __init__(self, names: tuple[str, ...], missing: str = "listwise"):
        self.names = tuple(names)
        self.missing = check_missing(missing)
        p = len(self.names)
        self.shift = None
        self.rows = 0
        if missing == "listwise":
            self.n = 0
            self.s = np.zeros(p)
            self.g = np.zeros((p, p))
        else:
            self.count = np.zeros((p, p))
            self.s = np.zeros((p, p))
            self.q = np.zeros((p, p))
            self.g = np.zeros((p, p))

    def add(self, x: np.ndarray) -> MomentAccumulator:
        x = np.asarray(x, dtype=np.float64)
        self.rows += x.shape[0]
        if self.missing == "listwise":
            x = x[~np.isnan(x).any(axis=1)]
            if not len(x):
                return self
            if self.shift is None:
                self.shift = x.mean(axis=0)
            z = x - self.shift
            self.n += len(z)
            self.s += z.sum(axis=0)
            self.g += z.T @ z
            return self
        obs = ~np.isnan(x)
        if self.shift is None:
            with np.errstate(invalid="ignore"):
                self.shift = np.where(obs.any(axis=0), np.nanmean(np.where(obs, x, np.nan), axis=0), 0.0)
        z = np.where(obs, x - self.shift, 0.0)
        m = obs.astype(np.float64)
        self.count += m.T @ m
        self.s += z.T @ m
        self.q += (z * z).T @ m
        self.g += z.T @ z
        return self

    def _moved(self, shift: np.ndarray) -> MomentAccumulator:
        """The same sums about another shift."""
        out = MomentAccumulator(self.names, self.missing)
        out.shift, out.rows = shift, self.rows
        d = self.shift - shift  # x - new = (x - old) + d
        if self.missing == "listwise":
            out.n = self.n
            out.s = self.s + self.n * d
            out.g = self.g + np.outer(self.s, d) + np.outer(d, self.s) + self.n * np.outer(d, d)
        else:
            out.count = self.count.copy()
            out.s = self.s + self.count * d[:, None]
            out.q = self.q + 2 * d[:, None] * self.s + self.count * d[:, None] ** 2
            out.g = self.g + self.s * d[None, :] + (self.s * d[None, :]).T + self.count * np.outer(d, d)
        return out

    def merge(self, other: MomentAccumulator) -> MomentAccumulator:
        if other.names != self.names or other.missing != self.missing:
            raise DataError("cannot merge moments of different items or missing-data policies.")
        if other.shift is None:
            self.rows += other.rows
            return self
        if self.shift is None:
            return other._moved(other.shift)
        o = other._moved(self.shift)
        self.rows += o.rows
        if self.missing == "listwise":
            self.n += o.n
        else:
            self.count += o.count
            self.q += o.q
        self.s += o.s
        self.g += o.g
        return self

    def moments(self) -> Moments:
        names = self.names
        if self.missing == "listwise":
            if self.shift is None or self.n < 2:
                raise DataError(
                    f"no complete rows under listwise deletion ({0 if self.shift is None else self.n} of "
                    f"{self.rows}); use missing='pairwise'."
                )
            d = self.s / self.n
            cov = (self.g - self.n * np.outer(d, d)) / (self.n - 1)
            return _finish(names, (cov + cov.T) / 2, self.shift + d, self.n, None, "listwise", self.rows)
        n_pair = self.count
        if (n_pair < 2).any():
            i, j = np.argwhere(n_pair < 2)[0]
            raise DataError(
                f"items {names[i]!r} and {names[j]!r} were answered together by {int(n_pair[i, j])} "
                "respondent(s); a pairwise correlation needs at least 2."
            )
        s, q, g = self.s, self.q, self.g
        cross = g - s * s.T / n_pair
        ss_i = q - s * s / n_pair  # item i's sum of squares within the pair (i, j)
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = cross / np.sqrt(ss_i * ss_i.T)
        cov = cross / (n_pair - 1)
        sds = np.sqrt(np.diag(cov))
        means = self.shift + np.diag(s) / np.diag(n_pair)
        _check_variance(names, sds, means)
        if not np.isfinite(corr).all():
            i, j = np.argwhere(~np.isfinite(corr))[0]
            raise DataError(
                f"items {names[i]!r} and {names[j]!r} have no variance among the respondents who "
                "answered both; their pairwise correlation is undefined."
            )
        np.fill_diagonal(corr, 1.0)
        corr = np.clip((corr + corr.T) / 2, -1.0, 1.0)
        return Moments(names, corr, (cov + cov.T) / 2, means, sds, self.rows, n_pair, "pairwise", self.rows)
