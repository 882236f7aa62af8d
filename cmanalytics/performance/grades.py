"""Annual grade and pay coefficient by appraisal score (等级与工资系数), and score bands in general."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError, PolicyWarning, outside_stacklevel
from cmanalytics.performance.policy import Policy, load_policy


def band_index(values: pd.Series, bands: list, inclusion: str) -> pd.Series:
    """For each score, the position in ``bands`` of the band that holds it.

    ``inclusion = "min"``: a band holds its ``min`` and not its ``max`` (90分(含)以上: 90 is grade 1);
    ``"max"``: a band holds its ``max`` and not its ``min``, except the lowest band, which holds its min
    too. The bands tile 0 and up (checked when the policy is loaded), so every score from 0 finds one."""
    out = pd.Series(-1, index=values.index, dtype=int)
    lowest = min(b["min"] for b in bands)
    for k, band in enumerate(bands):
        lo, hi = band["min"], band.get("max", np.inf)
        if inclusion == "min":
            inside = (values >= lo) & (values < hi)
        else:
            inside = ((values > lo) | ((values == lo) & (lo == lowest))) & (values <= hi)
        out[inside] = k
    return out


def checked_scores(scores, policy: Policy, what: str = "score") -> pd.Series:
    """Scores as a float Series within 0-100, rounded to the policy's precision (the score as printed)."""
    s = pd.Series(scores) if not isinstance(scores, pd.Series) else scores
    values = pd.to_numeric(s, errors="coerce")
    if values.isna().any():
        raise DataError(f"{what} of row {values[values.isna()].index[0]!r} is missing or not a number.")
    bad = (values < 0) | (values > 100)
    if bad.any():
        raise DataError(f"{what} of row {bad[bad].index[0]!r} is {values[bad].iloc[0]:g}, outside 0-100.")
    return policy.round(values.astype(float))


def annual_grade(scores, policy: Policy | None = None) -> pd.DataFrame:
    """Grade and pay coefficient for each annual appraisal score, by the policy's score bands (default:
    90 and above grade 1, coefficient 2.0 (90分(含)以上); 75 to below 90 grade 2, 1.8; below 75 grade 3).

    The score is first rounded to the policy's precision (2 decimals: 89.99999999999999 is 90.00, grade 1);
    which side of a band's bound the bound itself falls is the policy's ``inclusion``. A band whose
    coefficient the source lost (grade 3 in the default) gives a missing coefficient and a
    :class:`~cmanalytics.errors.PolicyWarning`; no number is invented. ``scores``: a Series or sequence of
    scores from 0 to 100; the result is indexed like it: ``score`` (rounded), ``grade``, ``grade_zh``,
    ``pay_coefficient``."""
    pol = policy or load_policy()
    ag = pol.data["annual_grade"]
    values = checked_scores(scores, pol)
    k = band_index(values, ag["bands"], ag["inclusion"])
    grade = pd.Series(pd.NA, index=values.index, dtype=object)
    zh = pd.Series(pd.NA, index=values.index, dtype=object)
    pay = pd.Series(np.nan, index=values.index)
    for j, band in enumerate(ag["bands"]):
        inside = k == j
        grade[inside] = band["grade"]
        zh[inside] = band.get("zh", band["grade"])
        if "pay_coefficient" in band:
            pay[inside] = band["pay_coefficient"]
        elif inside.any():
            warnings.warn(
                f"{band['grade']}: {band.get('source_note', 'no pay coefficient in the policy')}; "
                f"{int(inside.sum())} manager(s) get a missing coefficient.",
                PolicyWarning,
                stacklevel=outside_stacklevel(),
            )
    return pd.DataFrame({"score": values, "grade": grade, "grade_zh": zh, "pay_coefficient": pay}, index=values.index)
