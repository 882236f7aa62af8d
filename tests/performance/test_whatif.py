"""What if the policy changed: one policy applied to a bank, two compared. Checked against identities that
follow from the rules by hand (a policy against itself changes nothing; doubling every base pay adds each
manager's fixed pay; the total recomputed from the area scores under the other weights)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, PolicyWarning
from cmanalytics.synthetic.bank import synthetic_bank

P = cma.performance


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(3, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        yield


def with_(**changes):
    data = P.load_policy().data
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return P.policy_from(data, "B")


def test_a_policy_against_itself_changes_nothing(bank):
    before = bank.staff.copy()
    c = P.compare_policies(bank, None, P.load_policy())
    pd.testing.assert_frame_equal(bank.staff, before)
    assert not c.managers[["grade_changed", "pay_changed", "status_changed"]].any().any()
    assert c.clients.empty and (c.totals["B - A"] == 0).all()


def test_doubling_base_pay_adds_each_managers_fixed_pay(bank):
    base = P.load_policy().data["pay"]["base_pay"]
    c = P.compare_policies(bank, None, with_(pay__base_pay={k: 2 * v for k, v in base.items()}))
    a = c.a.managers
    paid = a["fixed_pay"].notna()
    np.testing.assert_allclose(c.managers.loc[paid, "pay_change"], a.loc[paid, "fixed_pay"], rtol=1e-12)
    assert not c.managers["grade_changed"].any()
    assert c.totals.loc["total paid (yuan)", "B - A"] == pytest.approx(a["fixed_pay"].sum(), rel=1e-12)


def test_area_weights_40_30_30_against_50_30_20(bank):
    c = P.compare_policies(bank, None, with_(appraisal__area_weights={"results": 0.4, "service": 0.3, "risk": 0.3}))
    # by hand for every manager: each quarter's total under B is round(.4 R + .3 S + .3 K) of the same
    # (policy-independent) area scores; the annual score the rounded mean of the quarters
    card = P.appraise(bank.indicators)
    q = card.area_scores
    total_b = P.load_policy().round(0.4 * q["results"] + 0.3 * q["service"] + 0.3 * q["risk"])
    annual_b = P.load_policy().round(total_b.groupby(level=0).mean())
    np.testing.assert_allclose(c.managers["score_b"], annual_b.reindex(c.managers.index), atol=1e-9)
    grade_b = P.annual_grade(annual_b)["grade"].reindex(c.managers.index)
    assert (c.managers["grade_b"] == grade_b).all()
    assert c.managers["grade_changed"].sum() == (c.managers["grade_a"] != grade_b).sum() > 0


def test_more_eliminated_and_per_branch(bank):
    c = P.compare_policies(bank, None, with_(elimination__bottom_n=5, elimination__ties="all"))
    ea, eb = (c.managers["status_a"] == "eliminated").sum(), (c.managers["status_b"] == "eliminated").sum()
    assert ea <= 3 and eb >= 5
    assert c.totals.loc["eliminated", "B - A"] == eb - ea
    # blanked: branch counts of 1-4 people
    assert c.by_branch["eliminated_b"].isna().any() or (c.by_branch["eliminated_b"].fillna(0) >= 5).all()
    fig = c.figure()
    assert len(fig.axes) == 2
    with pytest.raises(ArgumentError, match="min_cell"):
        P.compare_policies(bank, None, None, min_cell=0)


def test_scheme_b_against_scheme_c_by_hand():
    """Scheme B: written 50, interview 5/5/20, record 20, pass 75; scheme C: written 30, interview 5/5/20,
    record 20, pass 60; ranks 1-5 高级客户经理一级 ... (the exam rules of section 1)."""
    cand = pd.DataFrame(
        {
            "written": [45.0, 40.0, 30.0],
            "conduct": [5, 4, 3],
            "expression": [5, 4, 3],
            "adaptability": [18, 16, 12],
            "finance_years": [9.0, 3.0, 1.0],
            "president_years": np.nan,
            "vice_president_years": np.nan,
            "business_head_years": np.nan,
        },
        index=["p", "q", "r"],
    )
    res = P.compare_exams(cand, "B", "C")
    t = res.candidates
    # B: p 45+5+5+18 + 3 (9 years: 3 blocks) = 76 passes; q 40+4+4+16+1 = 65 fails; r 30+3+3+12+0 = 48 fails
    assert t["total_a"].tolist() == [76.0, 65.0, 48.0] and t["passed_a"].tolist() == [True, False, False]
    # C: written rescaled to 30: 27, 24, 18; interview parts have the same maxima
    #   p 27+5+5+18+3 = 58 fails (pass line 60); q 24+4+4+16+1 = 49; r 18+3+3+12 = 36
    assert t["total_b"].tolist() == [58.0, 49.0, 36.0] and not t["passed_b"].any()
    assert t["grade_a"]["p"] == "senior" and t["grade_changed"].tolist() == [True, False, False]
    assert res.grades.loc["not qualified", "scheme C"] == 3


def test_the_clients_of_the_newly_eliminated_change_manager(bank):
    c = P.compare_policies(bank, None, with_(elimination__bottom_n=8, elimination__ties="all"))
    m = c.managers
    newly = m.index[(m["status_b"] == "eliminated") & (m["status_a"] != "eliminated")]
    theirs = c.a.assignment.table.loc[c.a.assignment.table["manager_id"].isin(newly), "client_id"]
    assert len(newly) >= 5 and len(theirs) > 0
    assert set(theirs) <= set(c.clients.index)
    assert not c.b.assignment.table["manager_id"].isin(newly).any()
