"""Workforce-health indicators and anonymity, on a small HR extract counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError

W = cma.workforce


def extract():
    # Branch X: 10 staff, 3 customer managers; branch Y: 12 staff, 7 customer managers (one not formal)
    roles_x = ["corporate_cm", "personal_cm", "wealth_manager"] + ["other"] * 7
    roles_y = ["corporate_cm"] * 4 + ["personal_cm"] * 3 + ["other"] * 5
    df = pd.DataFrame(
        {
            "staff_id": [f"s{k}" for k in range(22)],
            "branch_id": ["X"] * 10 + ["Y"] * 12,
            "role": roles_x + roles_y,
            "formal": [True] * 21 + [False],
            "age": [29, 41, 52] + [35] * 7 + [33, 38, 44, 47, 31, 36, 58] + [40] * 5,
            "education": ["bachelor", "below bachelor", "master or above"]
            + ["bachelor"] * 7
            + ["bachelor", "below bachelor", "below bachelor", "bachelor", "master or above", "bachelor", "bachelor"]
            + ["bachelor"] * 5,
            "title": ["none"] * 22,
            "tenure_years": [1.0, 12, 25] + [5] * 7 + [2, 4, 15, 22, 9, 11, 30] + [5] * 5,
            "grade": ["junior", "senior", "intermediate"]
            + [None] * 7
            + ["junior", "junior", "senior", "intermediate", "trainee", "junior", "senior"]
            + [None] * 5,
            "certificates": [0, 3, 4] + [0] * 7 + [1, 0, 3, 2, 3, 4, 1] + [0] * 5,
            "caseload": [0, 420, 150] + [0] * 7 + [0] * 4 + [380, 401, 250] + [0] * 5,
            "weekly_hours": [50.0, 58, 45] + [40] * 7 + [60, 52, 48, 56, 50, 44, 54] + [40] * 5,
            "left_in_year": [False, True, False]
            + [False] * 7
            + [True, False, False, False, False, True, False]
            + [False] * 5,
        }
    )
    return df


def test_headcount_and_the_floor_by_hand():
    df = extract()
    before = df.copy()
    out = W.headcount(df).set_index("branch_id")
    pd.testing.assert_frame_equal(df, before)
    # X: 3 of 10 formal = 30% (above 20%); Y: the non-formal row (other staff) is left out: 7 of 11
    assert out.loc["X", "cm_share"] == pytest.approx(0.3) and not out.loc["X", "below_floor"]
    assert out.loc["Y", "staff"] == 11 and out.loc["Y", "customer_managers"] == 7
    assert out.loc["all", "cm_share"] == pytest.approx(10 / 21)
    # a unit of 100 staff with 15 managers is 5 short of 20%
    big = pd.DataFrame({"branch_id": "Z", "role": ["corporate_cm"] * 15 + ["other"] * 85})
    z = W.headcount(big).set_index("branch_id")
    assert z.loc["Z", "below_floor"] and z.loc["Z", "shortfall"] == 5


def test_empty_branch_and_missing_columns_are_errors():
    with pytest.raises(DataError, match="branch\\(es\\) Q have no formal staff"):
        W.headcount(extract(), branches=["X", "Y", "Q"])
    with pytest.raises(DataError, match="lacks the column\\(s\\) 'weekly_hours'"):
        W.wellbeing(extract().drop(columns="weekly_hours"))
    with pytest.raises(DataError, match="'age'"):
        W.age_structure(extract().drop(columns="age"))


def test_distributions_and_suppression_of_small_cells():
    out = W.education(extract(), by="branch_id", min_cell=3)
    cell = out.set_index(["branch_id", "education"])["n"]
    # Counts (below bachelor, bachelor, master or above): X 1 1 1; Y 2 4 1; all 3 5 2. Cells under 3:
    # all of X, Y's 2 and 1, the bank's 2 (primary). The bank's row then has one blank, whose line total
    # (10 managers) is known: its smallest other cell, below bachelor 3, is blanked too. The bachelor
    # column has one blank (X's 1) under a published 5: Y's 4 goes too, or X's 1 would be 5 - 4.
    published = {k: v for k, v in cell.items() if not np.isnan(v)}
    assert published == {("all", "bachelor"): 5}
    assert out["suppressed"].sum() == 8 and out["share"].isna().sum() == 8
    assert (
        "fewer than 3 people" in out.attrs["suppression"]
        and "6 of 9 cells here, and 2 more" in out.attrs["suppression"]
    )
    # with a threshold of 1 nothing is blank and the counts are those above
    every = W.education(extract(), by="branch_id", min_cell=1, allow_small=True).set_index(["branch_id", "education"])
    assert every["n"].tolist() == [1, 1, 1, 2, 4, 1, 3, 5, 2]
    assert every.loc[("Y", "bachelor"), "share"] == pytest.approx(4 / 7)


def test_age_tenure_grades_certificates_by_hand():
    df = extract()
    ages = W.age_structure(df, min_cell=1, allow_small=True).set_index("age_band")["n"]
    # managers' ages: 29 41 52 33 38 44 47 31 36 58 -> under 30: 1; 30-34: 2; 35-39: 2; 40-44: 2; 45-49: 1; 50+: 2
    assert ages.tolist() == [1, 2, 2, 2, 1, 2]
    assert W.age_structure(df, min_cell=1, allow_small=True).attrs["mean_age"]["mean_age"].iloc[0] == pytest.approx(
        40.9
    )
    ten = W.tenure(df, min_cell=1, allow_small=True).set_index("tenure_band")["n"]
    # tenures 1 12 25 2 4 15 22 9 11 30 -> <3: 2; 3-9: 2; 10-19: 3; 20+: 3
    assert ten.tolist() == [2, 2, 3, 3]
    grades = W.grade_pyramid(df, min_cell=1, allow_small=True).set_index("grade")["n"]
    assert grades.to_dict() == {"trainee": 1, "junior": 4, "intermediate": 2, "senior": 3}
    cert = W.certificate_coverage(df, by=None, min_cell=1, allow_small=True)
    # certificates 0 3 4 1 0 3 2 3 4 1: three or more 5 of 10, one or more 8 of 10
    assert cert["share_three_or_more"].iloc[0] == pytest.approx(0.5)
    assert cert["share_one_or_more"].iloc[0] == pytest.approx(0.8)


def test_caseload_against_the_caps():
    out = W.caseload(extract(), min_cell=1, allow_small=True).set_index("role")
    # personal CMs: 420 (X), 380, 401, 250 (Y) -> 2 over 400; wealth manager 150, cap 200 -> none
    assert out.loc["personal_cm", "over_cap"] == 2 and out.loc["personal_cm", "cap"] == 400
    assert out.loc["personal_cm", "mean_caseload"] == pytest.approx((420 + 380 + 401 + 250) / 4)
    assert out.loc["wealth_manager", "over_cap"] == 0 and out.loc["wealth_manager", "cap"] == 200


def test_turnover_wellbeing_contract_scores():
    df = extract()
    t = W.turnover(df, min_cell=1, allow_small=True).set_index("branch_id")
    assert t.loc["X", "turnover_rate"] == pytest.approx(1 / 3) and t.loc["Y", "leavers"] == 2
    survey = pd.DataFrame(
        {
            "staff_id": ["s0", "s1", "s2", "s10", "s11", "s12", "s13", "s14"],
            "pay": [4, 3, 5, 2, 4, 4, 3, 5.0],
            "team": [3, 3, 3, 4, 4, 4, 4, 4.0],
            "wellbeing_index": [70, 50, 60, 40, 60, 80, 50, 70.0],
            "turnover_intention": [False, True, False, True, False, False, False, True],
        }
    )
    c = W.contract_scores(survey, df, min_cell=1, allow_small=True)
    # Y has 5 respondents: pay 2 4 4 3 5 -> mean 3.6, sd sqrt(1.3), 3 of 5 score >= 4
    y = c[(c["branch_id"] == "Y") & (c["dimension"] == "pay")].iloc[0]
    assert y["mean"] == pytest.approx(3.6) and y["sd"] == pytest.approx(np.sqrt(1.3))
    assert y["share_4_or_more"] == pytest.approx(0.6)
    assert "min_cell = 1 is below 3, allowed by allow_small=True" in c.attrs["suppression"]
    # min_cell 4: X's 3 respondents are blank, and so is Y (its figures and the bank's would give X's);
    # the bank's 8: pay 4 3 5 2 4 4 3 5 -> mean 3.75, sum of squares 7.5 -> sd sqrt(7.5 / 7); 5 of 8 score
    # 4 or more, but that share is blank too: the 3 who do not are fewer than 4.
    c = W.contract_scores(survey, df, min_cell=4).set_index(["branch_id", "dimension"])
    assert c.loc[["X", "Y"], "suppressed"].all() and c.loc[["X", "Y"], "mean"].isna().all()
    assert c.loc[("all", "pay"), "mean"] == pytest.approx(3.75) and c.loc[("all", "pay"), "sd"] == pytest.approx(
        np.sqrt(7.5 / 7)
    )
    assert np.isnan(c.loc[("all", "pay"), "share_4_or_more"]) and c.loc[("all", "pay"), "n"] == 8
    w = W.wellbeing(df, survey, min_cell=1, allow_small=True).set_index("branch_id")
    assert w.loc["Y", "mean_wellbeing"] == pytest.approx(60) and w.loc[
        "Y", "share_intending_to_leave"
    ] == pytest.approx(0.4)
    # hours of Y's 7 managers 60 52 48 56 50 44 54 -> mean 52, 2 over 55
    assert w.loc["Y", "mean_weekly_hours"] == pytest.approx(52) and w.loc["Y", "share_long_hours"] == pytest.approx(
        2 / 7
    )
    w = W.wellbeing(df, survey, min_cell=4).set_index("branch_id")
    # X (3 managers) blank, Y its complement; the bank's 10: hours 517 / 10; 3 over 55 (< 4: blank);
    # wellbeing of the 8 who answered: 480 / 8 = 60; 3 of 8 intend to leave (< 4: blank)
    assert w.loc[["X", "Y"], "suppressed"].all() and w.loc[["X", "Y"], "mean_wellbeing"].isna().all()
    assert w.loc["all", "mean_weekly_hours"] == pytest.approx(51.7) and np.isnan(w.loc["all", "share_long_hours"])
    assert w.loc["all", "mean_wellbeing"] == pytest.approx(60) and np.isnan(w.loc["all", "share_intending_to_leave"])


def test_npl_ratio_by_grade_by_hand():
    staff = extract()
    clients = pd.DataFrame(
        {
            "client_id": ["c1", "c2", "c3", "c4", "c5"],
            "manager_id": ["s0", "s0", "s10", "s12", "s12"],
            "loan_balance": [1e6, 2e6, 1e6, 5e6, 0.0],
            "non_performing": [True, False, False, True, False],
        }
    )
    out = W.npl_ratio_by_grade(clients, staff, min_cell=1, allow_small=True).set_index("grade")
    # juniors s0, s10: loans 1+2+1 = 4 million, NPL 1 million -> 25%; senior s12: 5 of 5 million -> 100%
    assert out.loc["junior", "npl_ratio"] == pytest.approx(0.25) and out.loc["senior", "npl_ratio"] == 1
    assert out.loc["all", "npl_ratio"] == pytest.approx(6 / 9) and out.loc["all", "loans"] == 4
    with pytest.raises(DataError, match="'ghost', who is not in the HR extract"):
        W.npl_ratio_by_grade(clients.assign(manager_id="ghost"), staff)


def test_suppress_counts_blanks_small_counts_and_their_complements():
    # A 2 x 2 table whose margins a reader may know: once one cell is blank, each of its row and column needs
    # a second blank, and so on around the table: every cell goes (the 0 too, or 7 = 7 + 0 gives it away).
    table = pd.DataFrame({"stay": [12, 3], "exit": [0, 7]}, index=["junior", "senior"])
    out = W.suppress_counts(table, min_cell=5)
    assert out.isna().all().all() and table.loc["senior", "stay"] == 3
    assert "1 of 4 cells here, and 3 more" in out.attrs["suppression"]
    # 3 x 3: the 2 (A, q) is primary; row A's smallest other cell 8, column q's 7 and column r's 6 follow.
    # The four blanks (A q r, B q r) form a rectangle: 1 degree of freedom, none recoverable.
    t = pd.DataFrame({"p": [10, 9, 5], "q": [2, 7, 11], "r": [8, 6, 12]}, index=list("ABC"))
    o = W.suppress_counts(t, min_cell=5)
    assert o.isna().to_numpy().tolist() == [[False, True, True], [False, True, True], [False, False, False]]
    assert o.loc["C", "q"] == 11 and o.loc["A", "p"] == 10
