"""A reader's attack on published tables, written apart from the package's suppression code: blanks that the
published cells give away by differencing, counts under the threshold, statistics of blank groups.

The reader knows each table's additive structure: the groups of a block add up to its "all" row, the
categories of a group add up to the group's size (assumed known: it is published elsewhere), the columns of
a cross-tabulation add up to its row totals and its rows to its column totals (assumed known), a wide
table's role counts add up to its row total. Peeling: while some line has exactly one unknown cell, that
cell is the line's total minus the others; a blank cell recovered this way is a leak.
"""

from __future__ import annotations

import pandas as pd

# Columns that count people (or add up over people) wherever they appear in a report.
ADDITIVE = (
    "n",
    "leavers",
    "passed",
    "over_cap",
    "clients",
    "respondents",
    "loans",
    "non_performing",
    "loan_balance",
    "npl_balance",
    "removed",
    "managers",
    "candidates",
    "corporate_cm",
    "personal_cm",
    "wealth_manager",
)
# Counts of people: none may be published between 1 and min_cell - 1. (A branch's staff and customer-manager
# headcount are organisational facts the floor rule needs, published on purpose: not in this list.)
PEOPLE = (
    "n",
    "leavers",
    "passed",
    "over_cap",
    "respondents",
    "removed",
    "managers",
    "candidates",
    "corporate_cm",
    "personal_cm",
    "wealth_manager",
)
CATEGORIES = ("education", "title", "grade", "age_band", "tenure_band", "rating")
# Categories that are a subset of the others, not a part of the group: the eliminated are among those rated.
OUTSIDE = ("eliminated",)
# Columns that are settings, not figures about people (a cap, a floor), or counts of loans.
NOT_ABOUT_PEOPLE = ("cap", "floor", "loans", "non_performing", "loan_balance", "npl_balance")


def peel(known: dict, lines: list[tuple[list, object]]) -> dict:
    """Values recovered for unknown cells. ``known``: cell -> value or None (blank); ``lines``: (members,
    total) with total a cell key, or ("const", value) for a total known from elsewhere."""
    values = dict(known)
    recovered = {}
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if isinstance(total, tuple) and total[0] == "const":
                total_value, total_key = total[1], None
            else:
                total_value, total_key = values.get(total), total
            unknown = [c for c in members if values.get(c) is None]
            if total_key is not None and total_value is None:
                if not unknown:
                    values[total_key] = recovered[total_key] = sum(values[c] for c in members)
                    changed = True
                continue
            if len(unknown) == 1 and total_value is not None:
                c = unknown[0]
                values[c] = recovered[c] = total_value - sum(values[m] for m in members if m != c)
                changed = True
    return recovered


def _value(v):
    return None if pd.isna(v) else float(v)


def table_lines(
    df: pd.DataFrame, group: str | None, blocks: list[str], column: str, category: str | None, group_sizes: dict | None
):
    """Cells (row, column) and the additive lines of one column of a tidy table."""
    known = {(i, column): _value(v) for i, v in df[column].items()}
    lines = []
    if group is not None:
        keys = [b for b in blocks if b in df.columns]
        for _, rows in df.groupby(keys, sort=False) if keys else [(None, df)]:
            members = [(i, column) for i in rows.index if rows.at[i, group] != "all"]
            totals = [(i, column) for i in rows.index if rows.at[i, group] == "all"]
            if members and totals:
                lines.append((members, totals[0]))
        if category is not None and group_sizes is not None:
            for g, rows in df.groupby(group, sort=False):
                if g in group_sizes:
                    parts = [(i, column) for i in rows.index if rows.at[i, category] not in OUTSIDE]
                    lines.append((parts, ("const", group_sizes[g])))
    elif category is not None and group_sizes and "all" in group_sizes:
        parts = [(i, column) for i in df.index if df.at[i, category] not in OUTSIDE]
        lines.append((parts, ("const", group_sizes["all"])))
    return known, lines


def leaks(
    df: pd.DataFrame,
    *,
    group: str | None,
    blocks=(),
    category: str | None = None,
    group_sizes=None,
    min_cell: int = 5,
    wide: tuple[list[str], str] | None = None,
    crosstab: dict | None = None,
) -> list[str]:
    """Every problem a reader finds in one table (empty when none)."""
    problems = []
    for col in [c for c in df.columns if c in PEOPLE]:
        small = df[col][(df[col] > 0) & (df[col] < min_cell)]
        problems += [f"{col} = {v:g} published in row {i}" for i, v in small.items()]
    if "n" in df.columns:
        stats = [c for c in df.select_dtypes("number").columns if c not in ("n", *NOT_ABOUT_PEOPLE)]
        for i in df.index[df["n"].isna()]:
            shown = [c for c in stats if not pd.isna(df.at[i, c])]
            problems += [f"row {i}: {c} published for a blank group" for c in shown]
    for col in [c for c in df.columns if c in ADDITIVE]:
        known, lines = table_lines(df, group, list(blocks), col, category, group_sizes)
        problems += [
            f"{col} of row {i} recovered as {v:g}"
            for (i, _), v in peel(known, lines).items()
            if known[(i, col)] is None
        ]
    if wide is not None:
        columns, total = wide
        known = {(i, c): _value(df.at[i, c]) for i in df.index for c in columns}
        lines = [([(i, c) for c in columns], ("const", float(df.at[i, total]))) for i in df.index]
        problems += [
            f"{c} of row {i} recovered as {v:g}" for (i, c), v in peel(known, lines).items() if known[(i, c)] is None
        ]
    if crosstab is not None:
        known = {(i, c): _value(df.at[i, c]) for i in df.index for c in crosstab["columns"]}
        lines = [([(i, c) for c in crosstab["columns"]], ("const", crosstab["row_totals"][i])) for i in df.index]
        lines += [([(i, c) for i in df.index], ("const", crosstab["column_totals"][c])) for c in crosstab["columns"]]
        problems += [
            f"({i}, {c}) recovered as {v:g}" for (i, c), v in peel(known, lines).items() if known[(i, c)] is None
        ]
    return problems
