"""The pay chain: appraisal score -> annual grade -> pay coefficient -> pay (base x coefficient +
performance pay from simulated profit, a deferred share held back), with the first-time manager's
protection (保护期二年) and the rule that a qualification without the grade's results does not earn the
grade's pay (不得享受该级别的客户经理待遇)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, PolicyWarning, outside_stacklevel
from cmanalytics.performance.appraisal import Scorecard, annual_scores
from cmanalytics.performance.columns import (
    require,
    required_date,
    strict_bool,
    strict_dates,
    strict_numbers,
    unique_ids,
)
from cmanalytics.performance.grades import annual_grade
from cmanalytics.performance.policy import Policy, load_policy
from cmanalytics.performance.rounding import reaches
from cmanalytics.presentation import Reportable

STEPS = [
    "level",
    "score",
    "grade",
    "grade_zh",
    "pay_coefficient",
    "paid_level",
    "protected",
    "coefficient_paid",
    "base_pay",
    "fixed_pay",
    "simulated_profit",
    "performance_pay",
    "deferred",
    "paid_now",
    "deferred_in",
    "released",
    "forfeited",
    "total_paid",
]


@dataclass(frozen=True, repr=False)
class PayResult(Reportable):
    """One row per manager with every step of the chain (``table``), and the diagnostics (``warnings``)."""

    table: pd.DataFrame
    warnings: list = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        t = self.table
        return (
            f"PayResult({len(t)} managers, total paid {t['total_paid'].sum():,.0f} yuan, "
            f"{int(t['protected'].sum())} protected, {int((t['paid_level'] != t['level']).sum())} paid below "
            "their qualification)"
        )

    def _report(self):
        t = self.table
        by = t.groupby("grade", dropna=False)[["fixed_pay", "performance_pay", "total_paid"]].agg(["count", "mean"])
        rows = [
            ("Managers", str(len(t))),
            ("Total paid (yuan)", f"{t['total_paid'].sum():,.0f}"),
            ("Protected first-time managers", str(int(t["protected"].sum()))),
            ("Paid below their qualification", str(int((t["paid_level"] != t["level"]).sum()))),
            ("Deferred this year", f"{t['deferred'].sum():,.0f}"),
        ]
        return "The pay chain", rows, [("By annual grade", by)], list(self.warnings), []


def _scores(card, year: int | None, policy: Policy) -> pd.Series:
    if isinstance(card, Scorecard):
        annual = annual_scores(card, policy=policy).reset_index()
        years = sorted(annual["year"].unique())
        if year is None:
            if len(years) > 1:
                raise ArgumentError(f"the scorecard covers years {years}; say which with year=.")
            year = years[0]
        annual = annual[annual["year"] == year]
        if annual.empty:
            raise ArgumentError(f"the scorecard has no quarter in year {year}.")
        return annual.set_index("manager_id")["score"]
    if isinstance(card, pd.Series):
        return card
    raise ArgumentError(f"card must be a Scorecard or a Series of annual scores by manager, not {type(card).__name__}.")


def _paid_level(level: pd.Series, score: pd.Series, ladder: list, standard: dict, inclusive: bool) -> pd.Series:
    """The highest level at or below the manager's qualification whose results standard the score meets."""
    out = []
    for lv, s in zip(level, score):
        top = ladder.index(lv)
        paid = next((ladder[k] for k in range(top, -1, -1) if reaches(s, standard[ladder[k]], inclusive)), ladder[0])
        out.append(paid)
    return pd.Series(out, index=level.index, dtype=object)


def pay(managers: pd.DataFrame, card, policy: Policy | None = None, *, as_of, year: int | None = None) -> PayResult:
    r"""Each manager's pay for a year, every step visible:

    1. ``score``: the annual appraisal score (from the scorecard ``card``, or a Series of annual scores by
       manager), rounded to the policy's precision;
    2. ``grade`` and ``pay_coefficient`` by the annual grade bands (:func:`annual_grade`);
    3. ``paid_level``: a qualification alone does not earn a grade's pay (不得享受该级别的客户经理待遇):
       the highest level at or below the manager's ``level`` whose ``[pay] standard`` the score reaches;
    4. ``protected``: a first-time manager within ``protection_years`` of ``appointed`` (保护期二年); their
       ``coefficient_paid`` and ``performance_pay`` are not below ``previous_pay_coefficient`` and
       ``previous_performance_pay`` (the previous post's);
    5. ``fixed_pay`` :math:`= B_{\text{paid level}} \times c`; ``performance_pay`` :math:`= r \max(\pi, 0)`
       with simulated profit :math:`\pi` (``simulated_profit``) and the policy's rate r;
    6. ``deferred`` :math:`= s \times` performance pay held back (``[deferred_pay] share``); the account
       brought forward (``deferred_in``) is ``released`` if this year's score reaches
       ``confirm_min_score``, else ``forfeited``;
    7. ``total_paid`` = fixed pay + performance pay not deferred + released.

    ``managers``: ``manager_id``, ``level`` (qualification on the review ladder), ``simulated_profit``
    (yuan; see :func:`simulated_profit`), optional ``first_time``, ``appointed``,
    ``previous_pay_coefficient``, ``previous_performance_pay``, ``deferred_in``, ``part_time`` (part-time
    managers are paid in their own post: their rows carry no customer-manager pay). ``as_of``: the date
    protection is judged on (required). Where the grade's coefficient is lost in the source (grade 3 by
    default), fixed pay is missing and a PolicyWarning says so: no coefficient is invented. No R or SPSS
    equivalent: the chain is the sources' (``../shared/domain/customer_manager_policies.md``, sections 1-3).
    """
    pol = policy or load_policy()
    rules, dp, ladder = pol.data["pay"], pol.data["deferred_pay"], list(pol.data["review"]["ladder"])
    record: list = []
    if "source_note" in rules:
        record.append(f"pay: {rules['source_note']}")
        warnings.warn(record[-1], PolicyWarning, stacklevel=outside_stacklevel())
    as_of = required_date(as_of, "as_of", "the date on which a first-time manager's protection is judged")
    m = _managers(managers, ladder)
    scores = _scores(card, year, pol)
    missing = m.index.difference(scores.index)
    if len(missing):
        raise DataError(f"no annual score for manager(s) {', '.join(map(repr, missing[:5]))}.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graded = annual_grade(scores.reindex(m.index), pol)
    for w in caught:
        record.append(str(w.message))
        warnings.warn(str(w.message), w.category, stacklevel=outside_stacklevel())
    t = pd.DataFrame(index=m.index)
    t["level"] = m["level"]
    t[["score", "grade", "grade_zh", "pay_coefficient"]] = graded[["score", "grade", "grade_zh", "pay_coefficient"]]
    t["paid_level"] = _paid_level(
        t["level"], t["score"], ladder, rules["standard"], rules.get("standard_inclusive", True)
    )
    t["protected"] = _protected(m, as_of, rules)
    _money(t, m, rules, dp)
    if "part_time" in m:
        _part_time(t, strict_bool(m["part_time"], "part_time"))
    lost = t["fixed_pay"].isna() & t["paid_level"].ne("part-time")
    if lost.any():
        record.append(
            f"{int(lost.sum())} manager(s) have no fixed pay: their grade's pay coefficient is not in "
            "the policy (set it in your bank's policy file)."
        )
        warnings.warn(record[-1], PolicyWarning, stacklevel=outside_stacklevel())
    return PayResult(t[STEPS], record)


def _managers(managers: pd.DataFrame, ladder: list) -> pd.DataFrame:
    """The managers by id, each once and each on the ladder."""
    require(managers, ["manager_id", "level", "simulated_profit"], "managers")
    unique_ids(managers["manager_id"], "manager_id")
    m = managers.set_index("manager_id")
    unknown = ~m["level"].isin(ladder)
    if unknown.any():
        raise DataError(
            f"level {m['level'][unknown].iloc[0]!r} of manager {m.index[unknown][0]!r} is not on the "
            f"ladder ({', '.join(ladder)})."
        )
    return m


def _protected(m: pd.DataFrame, as_of: pd.Timestamp, rules: dict) -> pd.Series:
    """First-time managers still within the protection period on as_of."""
    first = strict_bool(m["first_time"], "first_time") if "first_time" in m else pd.Series(False, index=m.index)
    if not first.any():
        return pd.Series(False, index=m.index)
    require(m, ["appointed"], "first-time managers (to judge their protection)")
    appointed = strict_dates(m["appointed"], "appointed", rows=first)
    return first & (as_of < appointed + pd.DateOffset(years=rules.get("protection_years", 2)))


def _floor(m: pd.DataFrame, protected: pd.Series, column: str, value: pd.Series) -> pd.Series:
    """value, raised for protected managers to the previous post's figure in column."""
    if column not in m:
        if protected.any():
            raise DataError(f"protected first-time managers need {column!r} (the previous post's level).")
        return value
    prev = strict_numbers(m[column], column, lo=0, allow_missing=True)
    need = protected & prev.isna()
    if need.any():
        raise DataError(f"{column} of protected manager {need[need].index[0]!r} is missing.")
    return value.where(~protected, np.fmax(value, prev))


def _money(t: pd.DataFrame, m: pd.DataFrame, rules: dict, dp: dict) -> None:
    """Steps 5 to 7 of the chain, added to t: fixed and performance pay, deferral, release, total."""
    t["coefficient_paid"] = _floor(m, t["protected"], "previous_pay_coefficient", t["pay_coefficient"])
    t["base_pay"] = t["paid_level"].map(rules["base_pay"]).astype(float)
    t["fixed_pay"] = t["base_pay"] * t["coefficient_paid"]
    t["simulated_profit"] = strict_numbers(m["simulated_profit"], "simulated_profit")
    t["performance_pay"] = _floor(
        m,
        t["protected"],
        "previous_performance_pay",
        rules["performance_pay_rate"] * t["simulated_profit"].clip(lower=0),
    )
    t["deferred"] = dp["share"] * t["performance_pay"]
    t["paid_now"] = t["performance_pay"] - t["deferred"]
    t["deferred_in"] = (
        strict_numbers(m["deferred_in"], "deferred_in", lo=0) if "deferred_in" in m else pd.Series(0.0, index=m.index)
    )
    confirmed = reaches(t["score"], dp["confirm_min_score"], dp.get("confirm_min_inclusive", True))
    t["released"] = t["deferred_in"].where(confirmed, 0.0)
    t["forfeited"] = t["deferred_in"].where(~confirmed, 0.0)
    t["total_paid"] = t["fixed_pay"] + t["paid_now"] + t["released"]


def _part_time(t: pd.DataFrame, part: pd.Series) -> None:
    """Part-time managers are paid in their own post: no customer-manager pay on their rows."""
    money = [
        "coefficient_paid",
        "base_pay",
        "fixed_pay",
        "performance_pay",
        "deferred",
        "paid_now",
        "released",
        "forfeited",
        "total_paid",
    ]
    t.loc[part, money] = np.nan
    t.loc[part, "paid_level"] = "part-time"
