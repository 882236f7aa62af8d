"""Appraisal scorecards, the annual review, bottom-N elimination and deferred pay, on cases computed by
hand from the published weights (shared/domain/customer_manager_policies.md, section 3) and the policy's
documented readings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError, PolicyError, PolicyWarning

P = cma.performance


from tests.performance.quiet import _quiet_policy_notes  # noqa: E402,F401 - autouse


def indicators():
    return pd.DataFrame(
        {
            "manager_id": ["a", "b", "c"],
            "period": ["2025Q1"] * 3,
            "sales_target_completion": [120.0, 80.0, 100.0],
            "sales_target_completion_target": [100.0, 100.0, 100.0],
            "client_maintenance": [80, 60, 70],
            "referral_quality": [90, 50, 70],
            "client_satisfaction": [90, 80, 85],
            "complaint_rate": [0.01, 0.03, 0.02],
            "service_efficiency": [70, 70, 70],
            "service_attitude": [80, 80, 80],
            "problem_solving": [60, 60, 60],
            "client_admission_pass_rate": [1.0, 0.9, 0.95],
            "aml_review_pass_rate": [1.0, 1.0, 1.0],
            "credit_risk_pass_rate": [0.9, 0.8, 0.85],
        }
    )


def test_scorecard_by_hand():
    df = indicators()
    before = df.copy()
    sc = P.appraise(df)
    pd.testing.assert_frame_equal(df, before)
    a = sc.table.loc[("a", "2025Q1")]
    # a: completion 120/100 capped at 1 -> 100; complaint rate lowest of three -> peer standing 100
    # results = .4*100 + .3*80 + .3*90 = 91
    # service = .5*90 + .2*100 + .15*70 + .075*80 + .075*60 = 86
    # risk    = .3*100 + .3*100 + .4*90 = 96
    # total   = .5*91 + .3*86 + .2*96 = 90.5 (area weights 50/30/20)
    assert a["results"] == pytest.approx(91) and a["service"] == pytest.approx(86)
    assert a["risk"] == pytest.approx(96) and a["total"] == pytest.approx(90.5)
    b = sc.table.loc[("b", "2025Q1")]
    # b: completion 80 -> 80; complaint rate highest -> 0
    # results = 32 + 18 + 15 = 65; service = 40 + 0 + 10.5 + 6 + 4.5 = 61; risk = 27 + 30 + 32 = 89
    # total = 32.5 + 18.3 + 17.8 = 68.6
    assert (b["results"], b["service"], b["risk"]) == pytest.approx((65, 61, 89))
    assert b["total"] == pytest.approx(68.6)
    assert sc.indicator_scores.loc[("c", "2025Q1"), "complaint_rate"] == pytest.approx(50)


def test_peer_standing_within_groups_and_ties():
    df = pd.concat([indicators()] * 2, ignore_index=True)
    df["period"] = ["2025Q1"] * 3 + ["2025Q2"] * 3
    df.loc[3:, "complaint_rate"] = [0.02, 0.02, 0.05]  # a and b tie best in Q2
    df["team"] = ["x", "x", "y"] * 2
    sc = P.appraise(df, peer_col="team")
    s = sc.indicator_scores["complaint_rate"]
    # Q1 within team x: a (0.01) beats b (0.03) -> 100, 0; c alone in team y -> 100
    assert s[("a", "2025Q1")] == 100 and s[("b", "2025Q1")] == 0 and s[("c", "2025Q1")] == 100
    # Q2 team x: a and b tie best -> ties share the better rank (2 of 2) -> 100 * 1 / 1 = 100 each: the
    # best observed value scores 100, so a team with no complaints is not 50
    assert s[("a", "2025Q2")] == 100 and s[("b", "2025Q2")] == 100


def test_completion_given_as_a_ratio_and_lower_is_better_scales():
    df = indicators().drop(columns="sales_target_completion_target")
    df["sales_target_completion"] = [0.5, 1.3, 0.95]
    s = P.appraise(df).indicator_scores["sales_target_completion"]
    assert s.tolist() == pytest.approx([50, 100, 95])


def test_bad_indicator_data_name_the_problem():
    df = indicators()
    with pytest.raises(DataError, match="'overtime_hours' are not in the policy"):
        P.appraise(df.assign(overtime_hours=1))
    P.appraise(df.assign(branch="x"), keys=("branch",))  # declared keys pass through
    with pytest.raises(DataError, match="lack 'problem_solving'"):
        P.appraise(df.drop(columns="problem_solving"))
    bad = df.copy()
    bad.loc[1, "aml_review_pass_rate"] = 1.2
    with pytest.raises(DataError, match="'aml_review_pass_rate' of row 1 is 1.2, outside its range"):
        P.appraise(bad)
    bad = df.copy()
    bad.loc[2, "client_maintenance"] = np.nan
    with pytest.raises(DataError, match="'client_maintenance' of row 2 is missing"):
        P.appraise(bad)
    with pytest.raises(DataError, match="repeats manager 'a'"):
        P.appraise(pd.concat([df, df.iloc[[0]]], ignore_index=True))


def test_annual_score_is_the_mean_of_the_quarters():
    idx = pd.MultiIndex.from_tuples(
        [
            ("a", "2025Q1"),
            ("a", "2025Q2"),
            ("a", "2025Q3"),
            ("a", "2025Q4"),
            ("b", "2025Q3"),
            ("b", "2025Q4"),
            ("a", "2026Q1"),
        ]
    )
    total = pd.Series([80, 90, 70, 60, 88, 92, 75.0], index=idx)
    out = P.annual_scores(total)
    assert out.loc[("a", 2025), "score"] == pytest.approx(75)  # (80+90+70+60)/4
    assert out.loc[("b", 2025), "score"] == pytest.approx(90) and out.loc[("b", 2025), "n_quarters"] == 2
    assert not out.loc[("b", 2025), "complete"] and out.loc[("a", 2025), "complete"]
    assert out.loc[("a", 2026), "score"] == 75


def test_review_ratings_and_moves():
    scores = pd.Series({"a": 95, "b": 90, "c": 89.9, "d": 75, "e": 74, "f": 60, "g": 59.5})
    levels = pd.Series(
        {"a": "senior", "b": "junior", "c": "senior", "d": "junior", "e": "intermediate", "f": "junior", "g": "senior"}
    )
    out = P.review(scores, levels)
    assert out["rating"].tolist() == ["excellent", "excellent", "good", "good", "pass", "pass", "fail"]
    assert out["rating_zh"]["g"] == "不合格"
    # a senior promoted stays senior (top of the ladder); a pass (合格) keeps the level (e intermediate,
    # f junior); fail exits
    assert out["new_level"].tolist()[:6] == ["senior", "intermediate", "senior", "junior", "intermediate", "junior"]
    assert out["exits"].tolist() == [False] * 6 + [True] and pd.isna(out["new_level"]["g"])
    with pytest.raises(DataError, match="level 'trainee' of 'a'"):
        P.review(scores, levels.replace("senior", "trainee"))


def test_review_says_its_bands_are_illustrative():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        P.review(pd.Series([80.0]))
    assert any("no" in str(x.message) and "illustrative" in str(x.message) for x in w)


def managers():
    return pd.DataFrame(
        {
            "score": [50, 55, 40, 70, 52, 45, 30],
            "first_time": [False, False, True, False, True, False, False],
            "appointed": [
                "2015-01-01",
                "2016-03-01",
                "2025-06-01",
                "2010-01-01",
                "2022-01-01",
                "2019-01-01",
                "2024-09-01",
            ],
            "level": ["senior", "junior", "junior", "intermediate", "junior", "junior", "trainee"],
        },
        index=list("abcdefg"),
    )


def test_bottom_n_spares_the_protected():
    df = managers()
    before = df.copy()
    out = P.bottom_n_elimination(df, as_of="2026-12-31")
    pd.testing.assert_frame_equal(df, before)
    # c (first time, appointed 2025-06, protected until 2027-06) and g (trainee) are spared;
    # e was appointed first time in 2022: protection ended 2024-01 -> eligible.
    # eligible scores: a 50, b 55, d 70, e 52, f 45 -> lowest three: f 45, a 50, e 52
    assert out["status"].to_dict() == {
        "a": "eliminated",
        "b": "retained",
        "c": "protected",
        "d": "retained",
        "e": "eliminated",
        "f": "eliminated",
        "g": "not appraised",
    }
    assert out.loc["f", "rank_from_bottom"] == 1


def test_bottom_n_ties_at_the_cut_all_leave_when_the_policy_says_all():
    df = managers().assign(score=[50, 50, 90, 70, 90, 40, 90])
    with pytest.warns(PolicyWarning, match="2 managers tie"):
        out = P.bottom_n_elimination(df, as_of="2026-12-31", n=2, ties="all")
    assert sorted(out.index[out["status"] == "eliminated"]) == ["a", "b", "f"]


def test_deferred_pay_by_hand():
    idx = pd.MultiIndex.from_product([["a"], ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]])
    pay = pd.Series([1000.0, 1000, 2000, 1000, 1000], index=idx)
    score = pd.Series([80.0, 70, 50, 90, 85], index=idx)
    out = P.deferred_pay(pay, score)
    # share 30%: deferred 300, 300, 600, 300, 300; confirmation: the next 2 appraisals each >= 60.
    # Q1's 300: Q2 70 ok, Q3 50 fails -> forfeited in Q3. Q2's 300: Q3 fails -> forfeited in Q3.
    # Q3's 600: Q4 90, Q5 85 -> released in Q5. Q4's and Q5's deferrals wait.
    assert out["deferred"].tolist() == [300, 300, 600, 300, 300]
    assert out["forfeited"].tolist() == [0, 0, 600, 0, 0]
    assert out["released"].tolist() == [0, 0, 0, 0, 600]
    assert out["paid_total"].tolist() == [700, 700, 1400, 700, 1300]
    assert out["balance"].tolist() == [300, 600, 600, 900, 600]


def test_policy_checks_for_the_new_sections(tmp_path):
    from importlib import resources

    text = resources.files("cmanalytics.performance").joinpath("policies/default.toml").read_text("utf-8")
    cases = [
        (text.replace("results = 0.50, service = 0.30", "results = 0.50, service = 0.40"), "area_weights sum to 110%"),
        (text.replace('normalization = "peer"', 'normalization = "zscore"'), "'zscore' is not one of"),
        (
            text.replace('{ min = 75, max = 90, rating = "good"', '{ min = 76, max = 90, rating = "good"'),
            "review.bands: bands leave a gap",
        ),
        (text.replace("share = 0.30", "share = 1.5"), r"deferred_pay.share: 1.5 is above its maximum 1"),
    ]
    for k, (t, message) in enumerate(cases):
        path = tmp_path / f"p{k}.toml"
        path.write_text(t, encoding="utf-8")
        with pytest.raises(PolicyError, match=message):
            cma.performance.load_policy(path)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), who=st.integers(0, 4), step=st.floats(0.01, 0.5))
def test_a_better_indicator_never_lowers_the_total(seed, who, step):
    """Property: scores stay within 0-100; raising a 'higher is better' indicator, or lowering the
    complaint rate, never lowers that manager's total, and leaves the other managers' totals alone unless
    the indicator is scored by peer standing."""
    rng = np.random.default_rng(seed)
    n = 5
    df = pd.DataFrame(
        {
            "manager_id": list("abcde"),
            "period": "2025Q1",
            "sales_target_completion": rng.uniform(0, 1.5, n),
            "client_maintenance": rng.uniform(0, 100, n),
            "referral_quality": rng.uniform(0, 100, n),
            "client_satisfaction": rng.uniform(0, 100, n),
            "complaint_rate": rng.uniform(0, 0.05, n),
            "service_efficiency": rng.uniform(0, 100, n),
            "service_attitude": rng.uniform(0, 100, n),
            "problem_solving": rng.uniform(0, 100, n),
            "client_admission_pass_rate": rng.uniform(0, 1, n),
            "aml_review_pass_rate": rng.uniform(0, 1, n),
            "credit_risk_pass_rate": rng.uniform(0, 1, n),
        }
    )
    base = P.appraise(df).total.to_numpy()
    assert ((base >= 0) & (base <= 100)).all()
    better = df.copy()
    better.loc[who, "client_maintenance"] = min(100.0, better.loc[who, "client_maintenance"] + 100 * step)
    better.loc[who, "credit_risk_pass_rate"] = min(1.0, better.loc[who, "credit_risk_pass_rate"] + step)
    after = P.appraise(better).total.to_numpy()
    assert after[who] >= base[who] - 1e-12
    np.testing.assert_allclose(np.delete(after, who), np.delete(base, who))
    fewer = df.copy()
    fewer.loc[who, "complaint_rate"] = max(0.0, fewer.loc[who, "complaint_rate"] - step / 10)
    assert P.appraise(fewer).total.to_numpy()[who] >= base[who] - 1e-12
