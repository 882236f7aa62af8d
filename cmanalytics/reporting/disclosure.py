"""What a report may publish about people: counts per rule, never rows; nothing about fewer than ``min_cell``.

The row-by-row cleaning audit (``cleaned.report``: respondent, rule, detail) names respondents: it stays
with the researcher. A report publishes :func:`cleaning_counts`, how many questionnaires each rule removed,
with the small-cell rule of :mod:`cmanalytics.workforce.anonymity` (a count of 1 to ``min_cell - 1`` is
blank, and so is a complement, since the total removed is published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.workforce.anonymity import Line, complementary, min_cell_from, statement


def cleaning_counts(cleaned, *, min_cell: int | None = None, policy=None, allow_small: bool = False) -> pd.DataFrame:
    """Questionnaires removed per cleaning rule (first rule broken) and in total, small counts suppressed.

    ``cleaned``: a :class:`cmanalytics.study.cleaning.CleaningResult`. Columns ``removed`` and
    ``suppressed``; ``attrs["suppression"]`` says what was blanked. Zeros stay (they describe no one)."""
    k = min_cell_from(policy, min_cell, allow_small=allow_small)
    by_rule = cleaned.by_rule
    counts = by_rule.to_numpy(dtype=float)
    primary = (counts > 0) & (counts < k)
    # the rules add up to the total removed, which is public anyway (distributed - valid)
    hidden = np.append(complementary(counts, primary, [Line(tuple(range(len(counts))))], k), False)
    primary = np.append(primary, False)
    counts = np.append(counts, counts.sum())
    out = pd.DataFrame(
        {"removed": np.where(hidden, np.nan, counts), "suppressed": hidden},
        index=pd.Index([*by_rule.index, "total removed"], name="rule"),
    )
    out.attrs["suppression"] = statement(k, int(primary.sum()), int((hidden & ~primary).sum()), len(out))
    out.attrs["min_cell"] = k
    return out
