"""The pay chain, by hand: score -> grade -> coefficient -> base x coefficient + performance pay, deferred part,
protection and the qualification-plus-results rule.

Rules: 90分(含)以上一级 系数2.0, 75-90 二级 1.8 (annual grade and pay coefficient); 首次聘任客户经理保护期
二年, 岗位工资系数和绩效工资不低于原岗位水平 (a first-time manager's pay coefficient and performance pay are not
below the previous post's for two years); 具备某级资格但业绩达不到该级标准的, 不得享受该级别的客户经理待遇 (a
qualification without the grade's results does not earn the grade's pay); part of performance pay deferred
and paid out after later appraisals confirm the results (one source's proposal)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, PolicyWarning

P = cma.performance


from tests.performance.quiet import _quiet_policy_notes  # noqa: E402,F401 - autouse


def managers():
    return pd.DataFrame(
        {
            "manager_id": list("ABCDEF"),
            "level": ["senior", "senior", "intermediate", "intermediate", "junior", "junior"],
            "simulated_profit": [1_000_000.0, -50_000, 200_000, 100_000, 0, 0],
            "first_time": [False, False, False, True, False, True],
            "appointed": ["2015-01-01", "2016-01-01", "2017-01-01", "2025-03-01", "2018-01-01", "2023-12-31"],
            "previous_pay_coefficient": [np.nan, np.nan, np.nan, 1.2, np.nan, 2.5],
            "previous_performance_pay": [np.nan, np.nan, np.nan, 8_000, np.nan, 90_000],
            "deferred_in": [10_000.0, 5_000, 0, 0, 4_000, 0],
        }
    )


SCORES = pd.Series({"A": 92.0, "B": 89.99, "C": 75.0, "D": 74.99, "E": 59.99, "F": 80.0})


def run(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        return P.pay(managers(), SCORES, as_of="2025-12-31", **kw)


def test_the_chain_by_hand():
    df = managers()
    before = df.copy()
    res = run()
    pd.testing.assert_frame_equal(df, before)
    t = res.table
    # A: 92 -> grade 1, 2.0; senior standard 90 met -> base 120,000 -> fixed 240,000. Performance pay 5% of
    #    1,000,000 = 50,000; 30% deferred = 15,000, 35,000 now; 10,000 brought forward released (92 >= 60).
    #    Total 240,000 + 35,000 + 10,000 = 285,000.
    assert t.loc["A", ["grade", "pay_coefficient", "paid_level", "fixed_pay"]].tolist() == [
        "grade 1",
        2.0,
        "senior",
        240_000,
    ]
    assert t.loc["A", ["performance_pay", "deferred", "paid_now", "released", "total_paid"]].tolist() == pytest.approx(
        [50_000, 15_000, 35_000, 10_000, 285_000]
    )
    # B: senior qualification, 89.99 -> grade 2 (1.8), short of the senior standard 90 -> paid as an
    #    intermediate: 96,000 x 1.8 = 172,800. A loss earns no performance pay. 5,000 released. 177,800.
    assert t.loc["B", "paid_level"] == "intermediate" and t.loc["B", "fixed_pay"] == pytest.approx(172_800)
    assert t.loc["B", "performance_pay"] == 0 and t.loc["B", "total_paid"] == pytest.approx(177_800)
    # C: 75 -> grade 2, intermediate standard 75 met (75 included): 172,800 + 7,000 now = 179,800
    assert t.loc["C", "paid_level"] == "intermediate" and t.loc["C", "total_paid"] == pytest.approx(179_800)
    # D: 74.99 -> grade 3 (coefficient lost), short of 75 -> paid as a junior; first time, appointed
    #    2025-03-01, protected: coefficient not below the previous 1.2 -> 72,000 x 1.2 = 86,400; performance
    #    pay max(5,000, previous 8,000) = 8,000, 2,400 deferred -> 86,400 + 5,600 = 92,000
    assert t.loc["D", ["paid_level", "protected", "coefficient_paid"]].tolist() == ["junior", True, 1.2]
    assert t.loc["D", "total_paid"] == pytest.approx(92_000)
    # E: 59.99 < 60 -> the 4,000 brought forward is forfeited; grade 3's coefficient is lost -> no fixed pay
    assert t.loc["E", "forfeited"] == 4_000 and t.loc["E", "released"] == 0 and np.isnan(t.loc["E", "total_paid"])
    # F: first time, appointed 2023-12-31: on 2025-12-31 the two years are over -> not protected; junior,
    #    80 -> grade 2: 72,000 x 1.8 = 129,600; the previous coefficient 2.5 no longer applies
    assert not t.loc["F", "protected"] and t.loc["F", "total_paid"] == pytest.approx(129_600)
    assert any("no fixed pay" in w for w in res.warnings)
    assert list(res.to_frame().columns)[:5] == ["level", "score", "grade", "grade_zh", "pay_coefficient"]
    assert repr(res).startswith("PayResult(6 managers")


def test_protection_one_day_before_the_anniversary():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        t = P.pay(managers(), SCORES, as_of="2025-12-30").table
    # F protected on 2025-12-30: coefficient max(1.8, 2.5) = 2.5 -> 180,000; performance pay max(0, 90,000)
    # = 90,000, 27,000 deferred -> 180,000 + 63,000 = 243,000
    assert t.loc["F", "protected"] and t.loc["F", "total_paid"] == pytest.approx(243_000)


def test_from_a_scorecard_and_bad_input():
    with pytest.raises(ArgumentError, match="as_of is required"):
        P.pay(managers(), SCORES, as_of=None)
    with pytest.raises(DataError, match="no annual score for manager\\(s\\) 'F'"):
        P.pay(managers(), SCORES.drop("F"), as_of="2025-12-31")
    with pytest.raises(DataError, match="'first_time'.*'maybe'"):
        P.pay(managers().assign(first_time=["no"] * 5 + ["maybe"]), SCORES, as_of="2025-12-31")
    with pytest.raises(DataError, match="level 'boss' of manager 'A'"):
        P.pay(managers().assign(level=["boss"] + ["junior"] * 5), SCORES, as_of="2025-12-31")
    with pytest.raises(DataError, match="previous_pay_coefficient of protected manager 'D'"):
        P.pay(managers().assign(previous_pay_coefficient=np.nan), SCORES, as_of="2025-12-31")


def test_part_time_managers_get_no_customer_manager_pay():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        t = P.pay(managers().assign(part_time=[False] * 5 + ["是"]), SCORES, as_of="2025-12-31").table
    assert t.loc["F", "paid_level"] == "part-time" and np.isnan(t.loc["F", "total_paid"])
    assert t.loc["A", "total_paid"] == pytest.approx(285_000)
