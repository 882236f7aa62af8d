"""The qualification exam and the annual grade, on cases computed by hand from the published rules."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError, PolicyError, PolicyWarning


def candidates():
    return pd.DataFrame(
        {
            "written": [45, 40, 30, 48, 20],
            "conduct": [5, 4, 5, 5, 3],
            "expression": [4, 5, 3, 5, 2],
            "adaptability": [18, 15, 10, 19, 8],
            "president_years": [2.7, np.nan, np.nan, np.nan, np.nan],
            "vice_president_years": [np.nan, 1.0, np.nan, np.nan, np.nan],
            "business_head_years": [np.nan, 3.5, np.nan, 0.4, np.nan],
            "finance_years": [10, 7, 2, 6.5, 20],
            "avg_daily_deposit": [0, 0, 3_500_000, 0, 1_000_000],
        },
        index=["li", "wang", "zhang", "zhao", "chen"],
    )


def test_scheme_b_by_hand():
    df = candidates()
    before = df.copy()
    res = cma.performance.score_exam(df, scheme="B")
    pd.testing.assert_frame_equal(df, before)
    # record points, by the published rule:
    #   li: president 4 + 2 full years = 6; finance 10 y -> 3 blocks of 3 -> 3; total 9
    #   wang: vice president 3 + 1 = 4; business head 2 + 0.5 * 3 = 3.5; finance 7 y -> 2; total 9.5
    #   zhang: finance 2 y -> 0
    #   zhao: business head held 0.4 y -> 2 + 0; finance 6.5 y -> 6 full years -> 2; total 4
    #   chen: finance 20 y -> 6
    assert res["record_points"].tolist() == [9, 9.5, 0, 4, 6]
    # totals: li 45+5+4+18+9 = 81; wang 40+4+5+15+9.5 = 73.5; zhang 30+5+3+10 = 48; zhao 48+5+5+19+4 = 81;
    # chen 20+3+2+8+6 = 39
    assert res["total"].tolist() == [81, 73.5, 48, 81, 39]
    assert res["passed"].tolist() == [True, False, False, True, False]  # pass line 75
    assert res.loc["li", "rank"] == 1 and res.loc["zhao", "rank"] == 1  # a tie shares the better rank
    assert res.loc[["li", "zhao"], "grade"].tolist() == ["senior", "senior"]
    assert pd.isna(res.loc["wang", "grade"])
    assert res.loc["zhang", "grade"] == "junior (provisional)"  # failed, deposits >= 3 million yuan
    assert res.loc["li", "grade_zh"] == "高级客户经理"


def test_rank_bands_and_scheme_a():
    n = 45
    df = pd.DataFrame(
        {"written": np.linspace(60, 45, n), "conduct": 10, "expression": 10, "adaptability": 20, "finance_years": 5}
    )
    res = cma.performance.score_exam(df, scheme="A")
    assert (res["record_points"] == 0).all() and res["passed"].all()  # lowest total 85 >= 75
    assert res["grade"].iloc[19] == "senior" and res["grade"].iloc[20] == "intermediate"
    assert res["grade"].iloc[39] == "intermediate" and res["grade"].iloc[40] == "junior"


def test_scheme_c_warns_about_its_source():
    df = candidates()
    with pytest.warns(PolicyWarning, match="sum to 30"):
        res = cma.performance.score_exam(df.assign(written=df["written"].clip(upper=30)), scheme="C")
    # pass line 60: li 30+5+4+18+9 = 66 passes; zhao 30+5+5+19+4 = 63 passes; wang 30+4+5+15+9.5 = 63.5
    assert res.loc[["li", "wang", "zhao"], "passed"].all()
    assert res.loc["li", "rank"] == 1 and res.loc["wang", "rank"] == 2 and res.loc["zhao", "rank"] == 3
    assert res.loc["li", "grade"] == "senior I"


def test_bad_candidates_name_the_row():
    df = candidates()
    with pytest.raises(DataError, match="written of candidate 'wang' is 55, outside 0-50"):
        cma.performance.score_exam(df.assign(written=[45, 55, 30, 48, 20]), scheme="B")
    with pytest.raises(DataError, match="finance_years cannot be negative; row 'chen'"):
        cma.performance.score_exam(df.assign(finance_years=[1, 2, 3, 4, -1]), scheme="B")
    with pytest.raises(DataError, match="adaptability"):
        cma.performance.score_exam(df.drop(columns="adaptability"), scheme="B")
    with pytest.raises(PolicyError, match="no exam scheme 'D'"):
        cma.performance.score_exam(df, scheme="D")


def test_annual_grade_and_the_lost_coefficient():
    with pytest.warns(PolicyWarning):
        res = cma.performance.annual_grade(pd.Series([95, 90, 89.9, 75, 60], index=list("abcde")))
    assert res["grade"].tolist() == ["grade 1", "grade 1", "grade 2", "grade 2", "grade 3"]
    assert res["pay_coefficient"].iloc[:4].tolist() == [2.0, 2.0, 1.8, 1.8]
    with pytest.warns(PolicyWarning, match="lost in the source"):
        res = cma.performance.annual_grade([60])
    assert np.isnan(res["pay_coefficient"].iloc[0]) and res["grade_zh"].iloc[0] == "三级"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cma.performance.annual_grade([91, 80])  # no grade 3, no warning
    with pytest.raises(DataError, match="outside 0-100"):
        cma.performance.annual_grade([101])


POLICY = """
extends = "default"
[grade_names]
"senior" = "高级"
"junior" = "初级"
[ladders.l]
bands = BANDS
[exam.record]
cap = 20
[exam.schemes.X]
written = 50
interview = { a = 50 }
pass_line = 60
ladder = "l"
[annual_grade]
bands = GRADES
"""
GOOD_GRADES = (
    '[{ min = 80, grade = "g1", pay_coefficient = 2.0 }, { min = 0, max = 80, grade = "g2", pay_coefficient = 1.0 }]'
)


@pytest.mark.parametrize(
    "bands,grades,message",
    [
        ('[[1, 10, "senior"], [12, "junior"]]', GOOD_GRADES, "starts at rank 12, expected 11"),
        ('[[1, 10, "senior"], [11, "boss"]]', GOOD_GRADES, "grade 'boss'"),
        (
            '[[1, 10, "senior"], [11, "junior"]]',
            '[{ min = 80, grade = "g1" }, { min = 0, max = 85, grade = "g2" }]',
            "overlap",
        ),
        (
            '[[1, 10, "senior"], [11, "junior"]]',
            '[{ min = 80, grade = "g1" }, { min = 0, max = 70, grade = "g2" }]',
            "gap",
        ),
    ],
)
def test_inconsistent_policies_are_refused(tmp_path, bands, grades, message):
    path = tmp_path / "bank.toml"
    path.write_text(POLICY.replace("BANDS", bands).replace("GRADES", grades), encoding="utf-8")
    with pytest.raises(PolicyError, match=message):
        cma.performance.load_policy(path)


def test_a_banks_own_policy_file(tmp_path):
    path = tmp_path / "bank.toml"
    path.write_text(
        POLICY.replace("BANDS", '[[1, 2, "senior"], [3, "junior"]]').replace("GRADES", GOOD_GRADES), encoding="utf-8"
    )
    pol = cma.performance.load_policy(path)
    df = pd.DataFrame({"written": [50, 40, 30, 45], "a": [40, 30, 35, 5], "finance_years": 2})
    res = cma.performance.score_exam(df, scheme="X", policy=pol)
    # totals 90, 70, 65, 50 -> pass line 60: ranks 1, 2, 3 -> senior, senior, junior
    assert res["grade"].tolist()[:3] == ["senior", "senior", "junior"] and pd.isna(res["grade"].iloc[3])


def test_default_appraisal_weights_are_the_published_ones():
    areas = cma.performance.load_policy().data["appraisal"]["areas"]
    assert {a: round(sum(i["weight"] for i in ind), 12) for a, ind in areas.items()} == {
        "results": 1.0,
        "service": 1.0,
        "risk": 1.0,
    }
    service = {i["indicator"]: i for i in areas["service"]}
    assert service["complaint_rate"]["weight"] == 0.20 and service["complaint_rate"]["direction"] == "lower"


def test_appraisal_weights_must_sum_to_100_percent(tmp_path):
    text = (
        POLICY.replace("BANDS", '[[1, 2, "senior"], [3, "junior"]]').replace("GRADES", GOOD_GRADES)
        + '\n[[appraisal.areas.results]]\nindicator = "a"\nweight = 0.6\ndirection = "higher"\n'
        '[[appraisal.areas.results]]\nindicator = "b"\nweight = 0.3\ndirection = "higher"\n'
    )
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        PolicyError, match="bank.toml, key appraisal.areas.results: indicator weights sum to 90%, not 100%"
    ):
        cma.performance.load_policy(path)
