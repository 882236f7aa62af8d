"""The qualification exam (任职资格考试): written, interview and personal-record points, pass line, rank
among those who pass, grade by rank."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError, PolicyWarning, outside_stacklevel
from cmanalytics.performance.columns import strict_numbers
from cmanalytics.performance.policy import Policy, load_policy
from cmanalytics.performance.rounding import reaches

POSTS = {
    "president": "president_years",
    "vice_president": "vice_president_years",
    "business_head": "business_head_years",
    "finance": "finance_years",
}


def record_points(candidates: pd.DataFrame, policy: Policy) -> pd.Series:
    """Personal-record points: for each post held (a missing value means never held), its base points plus
    its points per full year; finance work earns points per whole block of years; capped (20 by default).
    Only full years count: 2.9 years in a post is 2."""
    rules = policy.data["exam"]["record"]
    total = pd.Series(0.0, index=candidates.index)
    for post, column in POSTS.items():
        if column not in candidates.columns:
            continue
        years = pd.to_numeric(candidates[column], errors="coerce")
        bad = candidates[column].notna() & years.isna()
        if bad.any():
            raise DataError(
                f"{column} must be a number of years; row {bad[bad].index[0]!r} has "
                f"{candidates.loc[bad[bad].index[0], column]!r}."
            )
        negative = years < 0
        if negative.any():
            raise DataError(
                f"{column} cannot be negative; row {negative[negative].index[0]!r} has {years[negative].iloc[0]:g}."
            )
        held = years.notna()
        full = np.floor(years.fillna(0.0))
        r = rules[post]
        if "block_years" in r:
            pts = r.get("base", 0) + np.floor(full / r["block_years"]) * r["per_block"]
        else:
            pts = r["base"] + full * r["per_year"]
        total += np.where(held, pts, 0.0)
    return total.clip(upper=rules["cap"]).rename("record_points")


def score_exam(candidates: pd.DataFrame, scheme: str = "B", policy: Policy | None = None) -> pd.DataFrame:
    """Score qualification-exam candidates under one of the policy's schemes (A, B, C by default).

    Input: a row per candidate with ``written``, ``conduct``, ``expression``, ``adaptability`` and, for
    schemes with a personal record, ``president_years``, ``vice_president_years``, ``business_head_years``,
    ``finance_years`` (missing: the post was never held); optionally ``avg_daily_deposit`` (yuan) for the
    provisional-junior rule. Output, indexed like the input: ``record_points``, ``total`` (rounded to the
    policy's precision), ``eligible`` (at least a year in finance, 年满一年以上, where the policy has that
    rule), ``passed`` (eligible and total at least the pass line), ``rank`` among those who pass (ties share the better rank, and the
    next rank is skipped: 1, 2, 2, 4), ``grade`` by rank (missing for those who fail, or ``"junior
    (provisional)"``, 暂定为初级客户经理, for a failed eligible salesperson whose average daily deposits
    reach 3 million yuan, 300万元以上, 3 million included), and
    ``grade_zh``. The input is not modified; a score above its part's maximum names the row.
    """
    pol = policy or load_policy()
    sch = pol.scheme(scheme)
    if "source_note" in sch:
        warnings.warn(f"exam scheme {scheme}: {sch['source_note']}", PolicyWarning, stacklevel=outside_stacklevel())
    parts = {"written": sch["written"], **sch["interview"]}
    missing = [c for c in parts if c not in candidates.columns]
    if missing:
        raise DataError("candidates lack the column(s) " + ", ".join(missing) + f" that scheme {scheme} scores.")
    scores = {}
    for col, top in parts.items():
        s = pd.to_numeric(candidates[col], errors="coerce")
        if s.isna().any():
            row = s[s.isna()].index[0]
            raise DataError(f"{col} of candidate {row!r} is missing or not a number.")
        over = (s > top) | (s < 0)
        if over.any():
            row = over[over].index[0]
            raise DataError(f"{col} of candidate {row!r} is {s[row]:g}, outside 0-{top:g} (scheme {scheme}).")
        scores[col] = s
    record = record_points(candidates, pol) if sch.get("record", 0) else pd.Series(0.0, index=candidates.index)
    total = pol.round(sum(scores.values()) + record)
    eligible = _eligible(candidates, pol)
    passed = reaches(total, sch["pass_line"], pol.data["exam"].get("pass_line_inclusive", True)) & eligible
    rank = total.where(passed).rank(method="min", ascending=False)
    grades = pd.Series(pd.NA, index=candidates.index, dtype=object)
    for band in pol.ladder(sch["ladder"]):
        lo, hi = band[0], (band[1] if len(band) == 3 else np.inf)
        grades[(rank >= lo) & (rank <= hi)] = band[-1]
    prov = pol.data["exam"].get("provisional")
    if prov and "avg_daily_deposit" in candidates.columns:
        deposits = strict_numbers(candidates["avg_daily_deposit"], "avg_daily_deposit", lo=0, allow_missing=True)
        floor = prov["min_avg_daily_deposit"]
        enough = deposits >= floor if prov.get("min_inclusive", True) else deposits > floor
        grades[~passed & eligible & enough] = prov["grade"]
    out = pd.DataFrame(
        {
            "record_points": record,
            "total": total,
            "eligible": eligible,
            "passed": passed,
            "rank": rank.astype("Int64"),
            "grade": grades,
        },
        index=candidates.index,
    )
    out["grade_zh"] = out["grade"].map(lambda g: pol.zh(g) if isinstance(g, str) else pd.NA)
    return out


def _eligible(candidates: pd.DataFrame, pol: Policy) -> pd.Series:
    """Eligibility to sit the exam: at least ``min_finance_years`` years of work in finance
    (从事金融工作年满一年以上: one year itself is enough), where the policy has the rule."""
    rule = pol.data["exam"].get("eligibility")
    if not rule:
        return pd.Series(True, index=candidates.index)
    if "finance_years" not in candidates.columns:
        raise DataError(
            "the policy's eligibility rule (at least "
            f"{rule['min_finance_years']:g} year(s) in finance) needs a 'finance_years' column."
        )
    years = strict_numbers(candidates["finance_years"], "finance_years", lo=0)
    floor = rule["min_finance_years"]
    return years >= floor if rule.get("min_inclusive", True) else years > floor
