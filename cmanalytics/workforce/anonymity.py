"""Anonymity: nothing about fewer than ``min_cell`` people is published, directly or by differencing.

Primary suppression
    Every count of fewer than ``min_cell`` people (k = 5 by default, ``[workforce] min_cell`` in the
    policy) is blanked, and so is every statistic computed from them (means, rates, shares, sums). A count
    *within* a group (leavers, passes, managers over a cap, a share's numerator) is a count of people too:
    it is blanked, with the rate it makes, when it or its complement in the group (the stayers, the
    failures) is between 1 and k - 1.

Complementary suppression (the rule, for each table)
    A table is a set of cells tied by additive *lines*: the groups of a block add up to its "all" row, the
    categories of a group add up to the group's size (known from the headcount table or from any share),
    the groups of a category add up to the bank's count. A reader who knows a line's total and all but one
    of its cells recovers that cell; one who knows all but two recovers their sum. So, repeated until
    nothing changes:

    1. a line with exactly one blanked cell gets a second one;
    2. a line whose blanked cells add up to fewer than k people (their sum is recoverable, and is itself a
       figure about fewer than k people) gets another one;

    the cell added is the line's smallest unblanked count (a positive one before a zero; ties by position),
    or its total when every member is blank. Finally each blanked cell is tested exactly: it is
    recoverable from the published cells if and only if its unit vector lies in the row space of the
    lines' equations restricted to the blanked cells, i.e. if every vector of their null space is 0 at
    that cell; a recoverable cell gets the line's smallest unblanked cell blanked too, until none is.

Across the tables of one report the rule is deterministic in the counts alone, so two tables of the same
groups and the same people (turnover and wellbeing by branch, say) blank the same groups. Maxima and
minima are never published (they are one person's figure): the caseload table gives the mean of the k
largest caseloads instead. ``min_cell`` is an integer of at least 1; values below 3 need
``allow_small=True`` and are then stated in ``attrs["suppression"]``.

Reference: Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4 (tabular data: the
threshold rule, primary and secondary suppression). Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, PolicyError

DEFAULT_MIN_CELL = 5
SMALL_MIN_CELL = 3  # below this, min_cell needs allow_small=True


def check_min_cell(value, *, allow_small: bool = False, source: str = "min_cell", error=ArgumentError) -> int:
    """``value`` as an int of at least 1 (at least 3 unless ``allow_small``); ``error`` names ``source``."""
    if not isinstance(allow_small, (bool, np.bool_)):
        raise ArgumentError(f"allow_small must be True or False (got {allow_small!r}).")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise error(f"{source} must be a whole number of people, 1 or more (got {value!r}).")
    if value < 1:
        raise error(
            f"{source} must be a whole number of people, 1 or more (got {value!r}): 0 or less would "
            "switch suppression off."
        )
    if value < SMALL_MIN_CELL and not allow_small:
        raise error(
            f"{source} = {value} is below {SMALL_MIN_CELL}: cells of {value} people identify them. "
            "Pass allow_small=True if this is intended (the output then says so)."
        )
    return int(value)


def min_cell_from(policy=None, min_cell: int | None = None, *, allow_small: bool = False) -> int:
    """The threshold: ``min_cell`` when given, else the policy's ``[workforce] min_cell``, else 5; checked
    by :func:`check_min_cell` either way (a policy's 0 or -1 is a :class:`PolicyError`)."""
    if min_cell is not None:
        return check_min_cell(min_cell, allow_small=allow_small)
    if policy is not None:
        section = policy.data.get("workforce", {})
        if "min_cell" in section:
            return check_min_cell(
                section["min_cell"],
                allow_small=allow_small,
                error=PolicyError,
                source=f"the policy {getattr(policy, 'source', '')} [workforce] min_cell".replace("  ", " "),
            )
    return check_min_cell(DEFAULT_MIN_CELL, allow_small=allow_small)


def statement(min_cell: int, primary: int, secondary: int, total: int, what: str = "cell") -> str:
    """The sentence every suppressed table carries in ``attrs["suppression"]``."""
    small = (
        f" (min_cell = {min_cell} is below {SMALL_MIN_CELL}, allowed by allow_small=True: such small "
        "cells can identify people)"
        if min_cell < SMALL_MIN_CELL
        else ""
    )
    if primary + secondary == 0:
        return f"No {what} describes fewer than {min_cell} people{small}."
    return (
        f"Cells describing fewer than {min_cell} people are suppressed (blank): {primary} of {total} {what}s "
        f"here, and {secondary} more so that none can be recovered from totals (complementary "
        f"suppression){small}."
    )


# --- the engine ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """An additive relation: ``sum(counts[members]) == counts[total]`` (``total`` None: known elsewhere)."""

    members: tuple[int, ...]
    total: int | None = None


def _pick(counts: np.ndarray, hidden: np.ndarray, line: Line) -> int | None:
    """The cell to blank next in a line: its smallest unblanked member (positive before zero), else its total."""
    free = [c for c in line.members if not hidden[c]]
    if free:
        return min(free, key=lambda c: (counts[c] <= 0, counts[c], c))
    if line.total is not None and not hidden[line.total]:
        return line.total
    return None


def _line_rule(counts, hidden, line: Line, min_cell: int) -> bool:
    """Does the line need another blank (rules 1 and 2 of the module docstring)?"""
    members = [c for c in line.members if hidden[c]]
    total_hidden = line.total is not None and hidden[line.total]
    n_hidden = len(members) + total_hidden
    if n_hidden == 0:
        return False
    if n_hidden == 1:
        return True
    return not total_hidden and 0 < counts[members].sum() < min_cell


def recoverable(hidden: np.ndarray, lines: list[Line]) -> np.ndarray:
    """Which blanked cells the published cells determine exactly (the null-space test of the docstring)."""
    idx = np.where(hidden)[0]
    out = np.zeros(len(hidden), dtype=bool)
    if not idx.size or not lines:
        return out
    a = np.zeros((len(lines), len(hidden)))
    for r, line in enumerate(lines):
        a[r, list(line.members)] = 1.0
        if line.total is not None:
            a[r, line.total] -= 1.0
    sub = a[:, idx]
    if not np.abs(sub).any():
        return out
    # Null space of the equations in the blanked cells: a cell is determined iff every null vector is 0 there.
    _, s, vt = np.linalg.svd(sub)
    rank = int((s > 1e-9 * max(1.0, s.max())).sum())
    null = vt[rank:]
    determined = np.abs(null).max(axis=0) < 1e-9 if null.size else np.ones(len(idx), dtype=bool)
    # a cell in no equation at all is not determined by them
    in_any = np.abs(sub).sum(axis=0) > 0
    out[idx[determined & in_any]] = True
    return out


def complementary(counts, primary, lines: list[Line], min_cell: int) -> np.ndarray:
    """Blanked cells after complementary suppression (see the module docstring) of the ``primary`` ones."""
    counts = np.asarray(counts, dtype=float)
    counts = np.where(np.isfinite(counts), counts, 0.0)
    hidden = np.asarray(primary, dtype=bool).copy()
    for _ in range(len(counts) + 1):
        changed = False
        for line in lines:
            while _line_rule(counts, hidden, line, min_cell):
                c = _pick(counts, hidden, line)
                if c is None:
                    break
                hidden[c] = changed = True
        if changed:
            continue
        exposed = np.where(recoverable(hidden, lines))[0]
        for i in exposed:
            candidates = [ln for ln in lines if i in ln.members or i == ln.total]
            for line in sorted(candidates, key=lambda ln: sum(hidden[c] for c in ln.members)):
                c = _pick(counts, hidden, line)
                if c is not None:
                    hidden[c] = changed = True
                    break
            if changed:
                break
        if not changed:
            break
    return hidden


def group_lines(table: pd.DataFrame, group: str, blocks=(), margin="all") -> list[Line]:
    """Lines of a per-group table: within each block (rows equal in ``blocks``), the groups add up to the
    ``margin`` row (or to a total known elsewhere when there is no margin row)."""
    lines = []
    pos = pd.Series(np.arange(len(table)), index=table.index)
    keyed = [table[b] for b in blocks] if blocks else [pd.Series(0, index=table.index)]
    for _, rows in pos.groupby(keyed, sort=False):
        is_margin = (table.loc[rows.index, group] == margin).to_numpy()
        members = tuple(int(r) for r in rows.to_numpy()[~is_margin])
        totals = rows.to_numpy()[is_margin]
        if members:
            lines.append(Line(members, int(totals[0]) if totals.size else None))
    return lines


# --- tables -------------------------------------------------------------------------------------------------


def _blank(out: pd.DataFrame, mask: np.ndarray, cols) -> None:
    for c in cols:
        if mask.any():
            out[c] = out[c].astype(float)
            out.loc[mask, c] = np.nan


def suppress(
    table: pd.DataFrame,
    *,
    count_col: str = "n",
    min_cell: int = DEFAULT_MIN_CELL,
    value_cols: list[str] | None = None,
    group: str | None = None,
    blocks=(),
    margin="all",
    subcounts: dict | None = None,
    shares=(),
    allow_small: bool = False,
) -> pd.DataFrame:
    """A copy of a per-group ``table`` with small cells blanked (NaN) and complementary cells blanked too.

    Rows whose ``count_col`` is below ``min_cell`` lose the count and ``value_cols`` (default: every
    numeric column); with ``group`` (the group column) and ``blocks`` (columns whose rows form separate
    lines, e.g. the role), more rows are blanked so that none can be recovered from the ``margin`` row.
    ``subcounts`` ({count column: [columns computed from it]}) and ``shares`` (share columns whose count is
    share x n) are counts of people within a row: blanked, with their dependents, when they or their
    complement in the row are between 1 and min_cell - 1, with the same complementary rule along the
    groups. Adds a boolean ``suppressed`` column (a figure of the row is blank: all of them when its count
    is) and ``attrs["suppression"]``."""
    min_cell = check_min_cell(min_cell, allow_small=allow_small)
    if count_col not in table.columns:
        raise ArgumentError(f"the table has no count column {count_col!r} to suppress by.")
    out = table.copy()
    n = out[count_col].to_numpy(dtype=float)
    lines = group_lines(out, group, blocks, margin) if group is not None else []
    primary = ((n > 0) & (n < min_cell)) | np.isnan(n)  # a cell of no one describes no one
    rows = complementary(n, primary, lines, min_cell)
    cols = (
        value_cols
        if value_cols is not None
        else [
            c
            for c in out.columns
            if c != "suppressed" and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
        ]
    )
    cols = list(
        dict.fromkeys(
            [count_col, *cols, *(subcounts or {}), *[d for ds in (subcounts or {}).values() for d in ds], *shares]
        )
    )
    _blank(out, rows, cols)
    n_primary, n_secondary = int(primary.sum()), int((rows & ~primary).sum())
    inner = [(c, deps, table[c].to_numpy(dtype=float)) for c, deps in (subcounts or {}).items()]
    inner += [(s, [], np.round(table[s].to_numpy(dtype=float) * n)) for s in shares]
    for col, deps, v in inner:
        with np.errstate(invalid="ignore"):
            small = ((v > 0) & (v < min_cell)) | ((n - v > 0) & (n - v < min_cell))
        small = (small & ~rows) | rows
        cells = complementary(v, small, lines, min_cell)
        _blank(out, cells & ~rows, [col, *deps])
        n_primary += int((small & ~rows).sum())
        n_secondary += int((cells & ~small).sum())
    blank_any = rows.copy()
    for col, _deps, v in inner:
        blank_any |= out[col].isna().to_numpy() & ~np.isnan(v)
    out["suppressed"] = blank_any
    out.attrs["suppression"] = statement(min_cell, n_primary, n_secondary, len(out), "row")
    out.attrs["min_cell"] = min_cell
    return out


def suppress_distribution(
    table: pd.DataFrame,
    *,
    group: str,
    category: str,
    count_col: str = "n",
    value_cols=("share",),
    min_cell: int = DEFAULT_MIN_CELL,
    margin="all",
    outside=(),
    allow_small: bool = False,
) -> pd.DataFrame:
    """A copy of a distribution table (a row per group and category, with the ``margin`` group's rows) with
    cells of fewer than ``min_cell`` people blanked, and complementary cells so that none can be recovered:
    the categories of a group add up to its size (known elsewhere); the groups of a category add up to the
    margin's count. Categories in ``outside`` (e.g. "eliminated", a subset of the others) are not part of
    the group's sum. Adds ``suppressed`` and ``attrs["suppression"]``."""
    min_cell = check_min_cell(min_cell, allow_small=allow_small)
    out = table.copy()
    n = out[count_col].to_numpy(dtype=float)
    lines = []
    pos = np.arange(len(out))
    for _, rows in pd.Series(pos).groupby(out[group].to_numpy(), sort=False):
        members = tuple(int(r) for r in rows if out[category].iloc[r] not in outside)
        if members:
            lines.append(Line(members))
    lines += group_lines(out, group, [category], margin)
    primary = ((n > 0) & (n < min_cell)) | np.isnan(n)  # a cell of no one describes no one
    cells = complementary(n, primary, lines, min_cell)
    _blank(out, cells, [count_col, *value_cols])
    out["suppressed"] = cells
    out.attrs["suppression"] = statement(min_cell, int(primary.sum()), int((cells & ~primary).sum()), len(out))
    out.attrs["min_cell"] = min_cell
    return out


def suppress_wide(
    table: pd.DataFrame,
    columns: list[str],
    *,
    group: str,
    margin="all",
    min_cell: int = DEFAULT_MIN_CELL,
    allow_small: bool = False,
) -> pd.DataFrame:
    """A copy of a wide table of counts (a row per group, with a ``margin`` row, and ``columns`` that add up to a
    row total published elsewhere in the table) with counts of 1 to ``min_cell - 1`` blanked, and complementary
    cells along each row and each column (the groups add up to the margin row). Adds ``suppressed`` (a cell of
    the row is blank) and ``attrs["suppression"]``."""
    min_cell = check_min_cell(min_cell, allow_small=allow_small)
    out = table.copy()
    values = out[columns].to_numpy(dtype=float)
    r, c = values.shape
    flat = values.ravel()
    primary = (flat > 0) & (flat < min_cell)
    lines = [Line(tuple(i * c + j for j in range(c))) for i in range(r)]
    is_margin = (out[group] == margin).to_numpy()
    rows = np.where(~is_margin)[0]
    totals = np.where(is_margin)[0]
    for j in range(c):
        lines.append(Line(tuple(int(i) * c + j for i in rows), int(totals[0]) * c + j if totals.size else None))
    hidden = complementary(flat, primary, lines, min_cell).reshape(r, c)
    for j, col in enumerate(columns):
        _blank(out, hidden[:, j], [col])
    out["suppressed"] = hidden.any(axis=1)
    out.attrs["suppression"] = statement(min_cell, int(primary.sum()), int(hidden.sum() - primary.sum()), flat.size)
    out.attrs["min_cell"] = min_cell
    return out


def suppress_counts(
    table: pd.DataFrame, *, min_cell: int = DEFAULT_MIN_CELL, allow_small: bool = False
) -> pd.DataFrame:
    """A copy of a table of counts (a cross-tabulation, say) with every count from 1 to ``min_cell - 1``
    blanked (NaN), and complementary counts blanked so that none can be recovered from the row and column
    totals (which a reader may know); zeros stay (they describe no one). ``attrs["suppression"]`` says how
    many cells were blanked."""
    min_cell = check_min_cell(min_cell, allow_small=allow_small)
    out = table.copy()
    numeric = [
        c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
    ]
    values = out[numeric].to_numpy(dtype=float)
    r, c = values.shape
    flat = values.ravel()
    primary = (flat > 0) & (flat < min_cell)
    lines = [Line(tuple(i * c + j for j in range(c))) for i in range(r)] if c > 1 else []
    lines += [Line(tuple(i * c + j for i in range(r))) for j in range(c)] if r > 1 else []
    hidden = complementary(flat, primary, lines, min_cell).reshape(r, c)
    out[numeric] = pd.DataFrame(values, index=out.index, columns=numeric).mask(hidden)
    k, extra = int(primary.sum()), int(hidden.sum() - primary.sum())
    out.attrs["suppression"] = statement(min_cell, k, extra, values.size) if k else f"No count is below {min_cell}."
    out.attrs["min_cell"] = min_cell
    return out


def group_summary(
    data: pd.DataFrame,
    by: str,
    *,
    count: str = "n",
    stats: dict | None = None,
    settings=(),
    min_cell: int = DEFAULT_MIN_CELL,
    allow_small: bool = False,
) -> pd.DataFrame:
    """People per group of ``data[by]`` and statistics of each group, with the whole's "all" row, suppressed
    by :func:`suppress`: a group of fewer than ``min_cell`` people loses its count and statistics, and the
    next smallest group does too, so that neither can be recovered from the "all" row.

    ``count`` names the count column; ``stats`` maps a column name to ``(column of data, aggregation)`` as
    pandas' named aggregation (``{"mean_total": ("total", "mean")}``). Columns named in ``settings`` are a
    group's rule rather than a figure about its people (a grade's pay coefficient): never blanked, and
    blank in the "all" row. A tidy table (a row per group in sorted order, then "all"; a ``suppressed``
    column); ``data`` is not modified.

    The same table by hand in pandas: ``data.groupby(by).agg(n=(by, "size"), **stats)`` and a row for the
    whole; the suppression is Hundepool et al. (2012), ch. 4 (see this module).
    """
    if by not in data.columns:
        raise ArgumentError(f"by={by!r} is not a column of the data.")
    stats = dict(stats or {})
    absent = sorted({col for col, _ in stats.values()} - set(data.columns))
    if absent:
        raise ArgumentError(f"stats= names column(s) {', '.join(map(repr, absent))} that the data lack.")
    unknown = [s for s in settings if s not in stats]
    if unknown:
        raise ArgumentError(f"settings= names {', '.join(map(repr, unknown))}, which are not among the stats.")
    if (data[by].astype(str) == "all").any():
        raise ArgumentError(f"a group of {by!r} is named 'all', the name of the whole's row; rename it.")
    data = data[data[by].notna()]  # the "all" row is the sum of the groups: a row in none is in neither
    groups = data.groupby(by, sort=True).agg(**{count: (by, "size")}, **stats).reset_index()
    groups[by] = groups[by].astype(str)
    whole = pd.DataFrame({by: ["all"], count: [len(data)]})
    for name, (col, how) in stats.items():
        whole[name] = np.nan if name in settings else data[col].agg(how)
    table = pd.concat([groups, whole], ignore_index=True)
    values = [c for c in stats if c not in settings]
    return suppress(table, count_col=count, value_cols=values, group=by, min_cell=min_cell, allow_small=allow_small)
