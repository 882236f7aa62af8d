"""Annual grade and pay coefficient by appraisal score (等级与工资系数)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError, PolicyWarning
from cmanalytics.performance.policy import Policy, load_policy


def annual_grade(scores, policy: Policy | None = None) -> pd.DataFrame:
    """Grade and pay coefficient for each annual appraisal score, by the policy's score bands (default:
    90 and above grade 1, coefficient 2.0; 75 to below 90 grade 2, 1.8; below 75 grade 3).

    A band whose coefficient the source lost (grade 3 in the default) gives a missing coefficient and a
    :class:`~cmanalytics.errors.PolicyWarning`; no number is invented. ``scores``: a Series or sequence of
    scores from 0 to 100; the result is indexed like it: ``grade``, ``grade_zh``, ``pay_coefficient``."""
    pol = policy or load_policy()
    s = pd.Series(scores) if not isinstance(scores, pd.Series) else scores
    values = pd.to_numeric(s, errors="coerce")
    if values.isna().any():
        raise DataError(f"score of row {values[values.isna()].index[0]!r} is missing or not a number.")
    bad = (values < 0) | (values > 100)
    if bad.any():
        raise DataError(f"score of row {bad[bad].index[0]!r} is {values[bad].iloc[0]:g}, outside 0-100.")
    grade = pd.Series(pd.NA, index=s.index, dtype=object)
    zh = pd.Series(pd.NA, index=s.index, dtype=object)
    pay = pd.Series(np.nan, index=s.index)
    for band in pol.data["annual_grade"]["bands"]:
        inside = (values >= band["min"]) & (values < band.get("max", np.inf))
        grade[inside] = band["grade"]
        zh[inside] = band.get("zh", band["grade"])
        if "pay_coefficient" in band:
            pay[inside] = band["pay_coefficient"]
        elif inside.any():
            warnings.warn(f"{band['grade']}: {band.get('source_note', 'no pay coefficient in the policy')}; "
                          f"{int(inside.sum())} manager(s) get a missing coefficient.", PolicyWarning, stacklevel=2)
    return pd.DataFrame({"grade": grade, "grade_zh": zh, "pay_coefficient": pay}, index=s.index)
