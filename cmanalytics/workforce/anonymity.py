"""Anonymity: cells that describe fewer than ``min_cell`` people are suppressed, and the suppression is said.

The rule is the usual small-cell rule of official statistics and HR survey reporting: a count, mean or
share computed from fewer than k people (k = 5 by default, ``[workforce] min_cell`` in the policy) is not
shown. Only primary suppression is done: a reader who has the totals may still recover a suppressed
count by subtraction, so publish totals with care (noted in every suppressed table's ``attrs``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError

DEFAULT_MIN_CELL = 5


def min_cell_from(policy=None, min_cell: int | None = None) -> int:
    if min_cell is not None:
        if not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
            raise ArgumentError(f"min_cell must be a whole number of people, 1 or more (got {min_cell!r}).")
        return int(min_cell)
    if policy is not None:
        return int(policy.data.get("workforce", {}).get("min_cell", DEFAULT_MIN_CELL))
    return DEFAULT_MIN_CELL


def suppress(table: pd.DataFrame, *, count_col: str = "n", min_cell: int = DEFAULT_MIN_CELL,
             value_cols: list[str] | None = None) -> pd.DataFrame:
    """A copy of ``table`` in which every row whose ``count_col`` is below ``min_cell`` has its count and
    values blanked (NaN), with a boolean ``suppressed`` column and ``attrs["suppression"]`` saying what
    was done. ``value_cols``: the columns computed from those people (default: every numeric column)."""
    if count_col not in table.columns:
        raise ArgumentError(f"the table has no count column {count_col!r} to suppress by.")
    out = table.copy()
    small = out[count_col] < min_cell
    cols = value_cols if value_cols is not None else [c for c in out.columns
                                                      if pd.api.types.is_numeric_dtype(out[c]) and c != "suppressed"]
    cols = list(dict.fromkeys([count_col, *cols]))
    for c in cols:
        if small.any():
            out[c] = out[c].astype(float)
            out.loc[small, c] = np.nan
    out["suppressed"] = small.to_numpy()
    k = int(small.sum())
    out.attrs["suppression"] = (f"Cells describing fewer than {min_cell} people are suppressed (blank): {k} of "
                                f"{len(out)} here." if k else f"No cell describes fewer than {min_cell} people.")
    out.attrs["min_cell"] = min_cell
    return out


def suppress_counts(table: pd.DataFrame, *, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """A copy of a table of counts (a cross-tabulation, say) with every count from 1 to ``min_cell - 1``
    blanked (NaN); zeros stay (they describe no one). ``attrs["suppression"]`` says how many cells were
    blanked."""
    out = table.copy()
    numeric = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c])]
    values = out[numeric]
    small = (values > 0) & (values < min_cell)
    out[numeric] = values.astype(float).mask(small)
    k = int(small.to_numpy().sum())
    out.attrs["suppression"] = (f"Counts of fewer than {min_cell} people are suppressed (blank): {k} cell(s)."
                                if k else f"No count is below {min_cell}.")
    out.attrs["min_cell"] = min_cell
    return out
