"""The banks' rules at their boundaries. Each test cites the rule (Chinese and English, from
shared/domain/customer_manager_policies.md) and checks both sides of each boundary, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError

P = cma.performance


from tests.performance.quiet import _quiet_policy_notes  # noqa: E402,F401 - autouse


def one_manager(**over):
    row = {
        "manager_id": "m",
        "period": "2025Q1",
        "sales_target_completion": 0.888,
        "client_maintenance": 88.8,
        "referral_quality": 88.8,
        "client_satisfaction": 95.0,
        "complaint_rate": 0.01,
        "service_efficiency": 95.0,
        "service_attitude": 95.0,
        "problem_solving": 95.0,
        "client_admission_pass_rate": 0.84,
        "aml_review_pass_rate": 0.84,
        "credit_risk_pass_rate": 0.84,
    }
    row.update(over)
    return pd.DataFrame([row])


# --- Precision ---------------------------------------------------------------------------------------------


def test_a_score_of_90_on_paper_is_90_and_grade_1():
    """Rule: 90分(含)以上 一级 (90 and above, 90 included: grade 1). A weighted score is rounded to the
    policy's precision (2 decimals, as printed) before it is banded: 0.5 x 88.8 + 0.3 x 96 + 0.2 x 84 = 90."""
    raw = 0.5 * 88.8 + 0.3 * 96 + 0.2 * 84
    assert raw < 90  # 89.99999999999999 in floating point: the bug the rounding prevents
    assert P.annual_grade([raw])["grade"].iloc[0] == "grade 1"
    # the same through the scorecard: results = .4*88.8 + .3*88.8 + .3*88.8 = 88.8;
    # service = .5*95 + .2*100 (alone in its peer group) + .15*95 + .075*95 + .075*95 = 96; risk = 84
    card = P.appraise(one_manager())
    row = card.table.iloc[0]
    assert (row["results"], row["service"], row["risk"]) == (88.8, 96.0, 84.0)
    assert row["total"] == 90.0
    annual = P.annual_scores(card)
    assert annual["score"].iloc[0] == 90.0
    assert P.annual_grade(annual["score"])["grade"].iloc[0] == "grade 1"


@pytest.mark.parametrize(
    "score,rounded,grade",
    [
        (89.994, 89.99, "grade 2"),
        (89.995, 90.0, "grade 1"),  # half up: 89.995 prints as 90.00
        (74.994, 74.99, "grade 3"),
        (74.995, 75.0, "grade 2"),
    ],
)
def test_rounding_half_up_at_both_boundaries(score, rounded, grade):
    """Rule: scores are compared with a band as printed (四舍五入 to 2 decimals)."""
    res = P.annual_grade([score])
    assert res["score"].iloc[0] == rounded and res["grade"].iloc[0] == grade


def test_round_score_is_half_up_not_half_even():
    # 2.675 is stored as 2.67499999999999982236431605997495353221893310546875; printed to 2 decimals by a
    # person it is 2.68 (np.round gives 2.67). 0.125 is exact in binary: half up gives 0.13 (half even 0.12).
    from cmanalytics.performance.rounding import round_score

    assert round_score(2.675, 2) == 2.68 and round_score(0.125, 2) == 0.13 and round_score(-0.125, 2) == -0.13
    assert np.round(0.125, 2) == 0.12


# --- Annual grade and its written inclusion ----------------------------------------------------------------


def test_annual_grade_bands_both_sides():
    """Rule: 90分(含)以上 一级, 系数 2.0; 75分(含)至90分以下 二级, 1.8; 75分以下 三级 (coefficient lost).
    90 and above (90 included) grade 1; 75 (included) to below 90 grade 2; below 75 grade 3."""
    res = P.annual_grade(pd.Series([90.0, 89.99, 75.0, 74.99], index=list("abcd")))
    assert res["grade"].tolist() == ["grade 1", "grade 2", "grade 2", "grade 3"]
    assert res["pay_coefficient"].tolist()[:3] == [2.0, 1.8, 1.8] and np.isnan(res["pay_coefficient"]["d"])
    assert res["grade_zh"].tolist() == ["一级", "二级", "二级", "三级"]


def test_inclusion_is_the_policys_choice():
    """A bank whose rule reads "above 90" without 含 may set inclusion = "max": then 90 itself is grade 2
    and 90.01 grade 1; 75 is grade 3 and 75.01 grade 2."""
    data = P.load_policy().data
    data["annual_grade"]["inclusion"] = "max"
    pol = P.policy_from(data)
    res = P.annual_grade([90.0, 90.01, 75.0, 75.01, 0.0], policy=pol)
    assert res["grade"].tolist() == ["grade 2", "grade 1", "grade 3", "grade 2", "grade 3"]


# --- The annual review: 合格 is not a demotion -------------------------------------------------------------


def test_a_pass_is_not_a_demotion_and_a_fail_exits():
    """Rule: 资格年审 优秀/较好/合格/不合格; 不合格者不得再从事客户经理工作 (a manager who fails may no longer
    work as a customer manager). 合格 (pass) is a pass: no demotion. Bands (illustrative): 90/75/60."""
    scores = pd.Series({"p60": 60.0, "f59": 59.99, "g75": 75.0, "p74": 74.99, "e90": 90.0, "g89": 89.99})
    levels = pd.Series(
        {
            "p60": "senior",
            "f59": "senior",
            "g75": "intermediate",
            "p74": "intermediate",
            "e90": "junior",
            "g89": "junior",
        }
    )
    out = P.review(scores, levels)
    assert out["rating_zh"].tolist() == ["合格", "不合格", "较好", "合格", "优秀", "较好"]
    assert out.loc["p60", "new_level"] == "senior" and out.loc["p74", "new_level"] == "intermediate"
    assert out.loc["f59", "exits"] and pd.isna(out.loc["f59", "new_level"])
    assert out.loc["e90", "new_level"] == "intermediate" and out.loc["g89", "new_level"] == "junior"


# --- The exam: names, eligibility, provisional juniors -----------------------------------------------------


def test_scheme_c_grade_names_as_the_source_writes_them():
    """Rule (scheme C): 1-5名 高级客户经理一级, 6-10 二级, 11-15 三级, 16-20 客户经理一级, 21-25 二级,
    26-30 三级 (the source: "25 至 30", read 26-30), 31名以下 初级客户经理. Boundaries: ranks 5/6, 10/11,
    15/16, 20/21, 25/26, 30/31."""
    n = 32
    df = pd.DataFrame(
        {
            "written": 30,
            "conduct": 5,
            "expression": 5,
            "adaptability": 20,
            "finance_years": 3.0,
            "president_years": 16.0,
            "vice_president_years": np.nan,
            "business_head_years": np.nan,
        },
        index=range(n),
    )
    df["written"] = np.linspace(30, 14.5, n)  # record capped at 20: totals 80 down to 64.5, all >= 60
    res = P.score_exam(df, scheme="C")
    assert res["passed"].all() and res["rank"].tolist() == list(range(1, n + 1))
    zh = res["grade_zh"].tolist()
    expected = (
        ["高级客户经理一级"] * 5
        + ["高级客户经理二级"] * 5
        + ["高级客户经理三级"] * 5
        + ["客户经理一级"] * 5
        + ["客户经理二级"] * 5
        + ["客户经理三级"] * 5
        + ["初级客户经理"] * 2
    )
    assert zh == expected


def test_provisional_junior_at_exactly_3_million():
    """Rule: 考试未通过但过去一年日均存款300万元以上的营销人员, 可暂定为初级客户经理 (a salesperson who failed
    but held average daily deposits of 3 million yuan or more may be provisionally junior; 以上 includes
    3 million). Not a trainee (见习)."""
    df = pd.DataFrame(
        {
            "written": [10.0, 10.0],
            "conduct": 1,
            "expression": 1,
            "adaptability": 5,
            "finance_years": 2.0,
            "avg_daily_deposit": [3_000_000, 2_999_999],
        },
        index=["at", "below"],
    )
    res = P.score_exam(df, scheme="B")
    assert not res["passed"].any()
    assert res.loc["at", "grade"] == "junior (provisional)" and res.loc["at", "grade_zh"] == "初级客户经理(暂定)"
    assert pd.isna(res.loc["below", "grade"])
    assert "见习" not in res.loc["at", "grade_zh"]


def test_exam_eligibility_one_year_in_finance():
    """Rule: 从事金融工作年满一年以上 (at least one full year of work in finance; one year itself is enough).
    Full marks do not make an ineligible candidate pass."""
    df = pd.DataFrame(
        {"written": 60.0, "conduct": 10, "expression": 10, "adaptability": 20, "finance_years": [1.0, 0.99]},
        index=["one", "short"],
    )
    res = P.score_exam(df, scheme="A")
    assert res["eligible"].tolist() == [True, False]
    assert res["passed"].tolist() == [True, False] and pd.isna(res.loc["short", "grade"])
    with pytest.raises(DataError, match="'finance_years'"):
        P.score_exam(df.drop(columns="finance_years"), scheme="A")
    with pytest.raises(DataError, match="row\\(s\\) 'short'"):
        P.score_exam(df.assign(finance_years=[1.0, "one"]), scheme="A")


# --- Lower is better: the best observed scores 100 ---------------------------------------------------------


def test_a_team_with_no_complaints_scores_100_not_50():
    """Rule: 投诉率 (complaint rate, lower is better), scored by standing among peers: the best observed
    value scores 100; ties share the better standing. Three managers with 0, 0 and 0.02: 100, 100, 0;
    a team of three with no complaints: 100 each."""
    df = pd.concat([one_manager(manager_id=m) for m in "abc"], ignore_index=True)
    df["complaint_rate"] = [0.0, 0.0, 0.02]
    s = P.appraise(df).indicator_scores["complaint_rate"]
    assert s.tolist() == [100.0, 100.0, 0.0]
    df["complaint_rate"] = 0.0
    assert P.appraise(df).indicator_scores["complaint_rate"].tolist() == [100.0, 100.0, 100.0]


def test_a_manager_without_a_peer_group_is_refused_not_scored_100():
    df = pd.concat([one_manager(manager_id=m) for m in "abc"], ignore_index=True)
    df["team"] = ["x", None, "x"]
    with pytest.raises(DataError, match="peer group \\('team'\\) of row\\(s\\) 1"):
        P.appraise(df, peer_col="team")


# --- Simulated profit: non-performing read strictly --------------------------------------------------------


def test_non_performing_text_false_is_not_charged():
    data = P.load_policy().data
    data["simulated_profit"]["risk_charge"] = "non_performing"
    pol = P.policy_from(data)
    clients = pd.DataFrame(
        {"loan_balance": [1e6, 1e6, 1e6], "deposit_balance": 0.0, "non_performing": ["False", "是", "否"]}
    )
    risk = P.simulated_profit(clients, pol)["risk_charge"]
    # npl_provision_rate 1.0: only the 是 (yes) loan is charged, in full
    assert risk.tolist() == [0.0, 1e6, 0.0]
    with pytest.raises(DataError, match="'non_performing'.*row\\(s\\) 1"):
        P.simulated_profit(clients.assign(non_performing=["no", "maybe", "yes"]), pol)


# --- The pass line, the results standard, the deferred confirmation: both sides, both readings ---------------


def test_the_pass_line_itself_passes():
    """Rule: 75分为合格线 (scheme B pass line 75): 75 passes, 74.5 does not; with pass_line_inclusive =
    false, 75 fails and 75.5 passes."""
    df = pd.DataFrame(
        {"written": [45.0, 44.5, 45.5], "conduct": 5, "expression": 5, "adaptability": 20, "finance_years": 2.0},
        index=["at", "below", "above"],
    )
    # totals: 45 + 30 + 0 record (2 years in finance: no full block of 3) = 75; 74.5; 75.5
    res = P.score_exam(df, scheme="B")
    assert res["total"].tolist() == [75.0, 74.5, 75.5] and res["passed"].tolist() == [True, False, True]
    data = P.load_policy().data
    data["exam"]["pass_line_inclusive"] = False
    assert P.score_exam(df, scheme="B", policy=P.policy_from(data))["passed"].tolist() == [False, False, True]


def test_the_results_standard_and_the_deferred_confirmation_at_their_bounds():
    """不得享受该级别的客户经理待遇: a senior paid as senior at exactly 90 (standard 90 included), as an
    intermediate at 89.99; the deferred account released at exactly 60, forfeited at 59.99."""
    m = pd.DataFrame({"manager_id": ["a", "b"], "level": "senior", "simulated_profit": 0.0, "deferred_in": 1000.0})
    t = P.pay(m, pd.Series({"a": 90.0, "b": 89.99}), as_of="2025-12-31").table
    assert t["paid_level"].tolist() == ["senior", "intermediate"]
    t = P.pay(m, pd.Series({"a": 60.0, "b": 59.99}), as_of="2025-12-31").table
    assert t["released"].tolist() == [1000.0, 0.0] and t["forfeited"].tolist() == [0.0, 1000.0]
    data = P.load_policy().data
    data["pay"]["standard_inclusive"] = False
    data["deferred_pay"]["confirm_min_inclusive"] = False
    pol = P.policy_from(data)
    t = P.pay(m, pd.Series({"a": 90.0, "b": 90.01}), pol, as_of="2025-12-31").table
    assert t["paid_level"].tolist() == ["intermediate", "senior"]
    t = P.pay(m, pd.Series({"a": 60.0, "b": 60.01}), pol, as_of="2025-12-31").table
    assert t["released"].tolist() == [0.0, 1000.0]
