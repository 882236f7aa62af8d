"""Reading the columns the banks' rules depend on, strictly: text booleans, dates and numbers.

A rule that decides someone's pay or job must not guess: ``astype(bool)`` reads the text "False" or "否" as
true, and ``pd.to_datetime(errors="coerce")`` turns a typing error into "no date". Everything here either
returns a clean column or raises a :class:`~cmanalytics.errors.DataError` naming the column and the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError

# The spellings accepted for a yes/no column (case and surrounding spaces ignored).
TRUE_WORDS = {"true", "是", "1", "yes"}
FALSE_WORDS = {"false", "否", "0", "no"}


def _rows(mask: pd.Series, limit: int = 5) -> str:
    rows = list(mask[mask].index[:limit])
    more = int(mask.sum()) - len(rows)
    return ", ".join(map(repr, rows)) + (f" and {more} more" if more > 0 else "")


def strict_bool(values: pd.Series, column: str, *, missing: bool | None = None) -> pd.Series:
    """A yes/no column as booleans: True/False, 1/0 and the text True/False, 是/否, 1/0, yes/no (any case).

    Anything else is an error naming the rows. A missing value is an error too, unless ``missing`` gives
    the value it stands for (say so in the caller's docstring)."""
    s = pd.Series(values)
    out = pd.Series(False, index=s.index, dtype=bool)
    bad = pd.Series(False, index=s.index, dtype=bool)
    for idx, v in s.items():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            if missing is None:
                bad[idx] = True
            else:
                out[idx] = missing
        elif isinstance(v, (bool, np.bool_)):
            out[idx] = bool(v)
        elif isinstance(v, (int, np.integer, float, np.floating)) and v in (0, 1):
            out[idx] = bool(v)
        elif isinstance(v, str) and v.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            out[idx] = v.strip().lower() in TRUE_WORDS
        else:
            bad[idx] = True
    if bad.any():
        example = s[bad].iloc[0]
        raise DataError(
            f"column {column!r} must be yes/no (True/False, 是/否, 1/0, yes/no); row(s) {_rows(bad)} "
            f"hold {example!r}" + ("" if missing is not None else " (a missing value is not allowed)") + "."
        )
    return out


def strict_dates(values: pd.Series, column: str, rows: pd.Series | None = None) -> pd.Series:
    """A date column; where ``rows`` is true the value must be a date (an error names the rows that are not)."""
    s = pd.Series(values)
    parsed = pd.to_datetime(s, errors="coerce")
    need = pd.Series(True, index=s.index) if rows is None else rows.reindex(s.index, fill_value=False)
    bad = need & parsed.isna()
    if bad.any():
        raise DataError(f"column {column!r} must hold dates; row(s) {_rows(bad)} hold {s[bad].iloc[0]!r}.")
    return parsed


def required_date(value, name: str, why: str) -> pd.Timestamp:
    """An argument that must be a date (a rule judged on a day): refused when missing or not a date, the
    message saying ``why`` the rule needs it."""
    try:
        when = pd.Timestamp(value) if value is not None else pd.NaT
    except (TypeError, ValueError):
        raise ArgumentError(f"{name}={value!r} is not a date.") from None
    if pd.isna(when):
        raise ArgumentError(f"{name} is required: {why}.")
    return when


def strict_numbers(
    values: pd.Series, column: str, *, lo: float | None = None, hi: float | None = None, allow_missing: bool = False
) -> pd.Series:
    """A numeric column (numbers written as text are read); missing or non-numbers, and values outside
    [lo, hi], are errors naming the rows."""
    s = pd.Series(values)
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & (s.notna() if allow_missing else True)
    if bad.any():
        raise DataError(f"column {column!r} must hold numbers; row(s) {_rows(bad)} hold {s[bad].iloc[0]!r}.")
    out_of = pd.Series(False, index=s.index)
    if lo is not None:
        out_of |= num < lo
    if hi is not None:
        out_of |= num > hi
    if out_of.any():
        where = f"outside [{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}]"
        raise DataError(f"column {column!r}: row(s) {_rows(out_of)} hold {num[out_of].iloc[0]:g}, {where}.")
    return num.astype(float)


def require(frame: pd.DataFrame, columns, what: str) -> None:
    """Every one of ``columns`` is in ``frame``, else an error naming the missing ones."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} lack the column(s) {', '.join(map(repr, missing))}.")


def unique_ids(values: pd.Series, column: str) -> None:
    """Ids present and unique, else an error naming the rows."""
    s = pd.Series(values)
    if s.isna().any():
        raise DataError(f"column {column!r} has missing ids in row(s) {_rows(s.isna())}.")
    dup = s.duplicated(keep=False)
    if dup.any():
        raise DataError(
            f"column {column!r} repeats id(s) {', '.join(map(repr, s[dup].unique()[:5]))} (rows {_rows(dup)})."
        )
