"""simulate_years: the team under a policy, year by year. Checked by accounting identities, the plan's
shares by hand, and a case with no noise whose first year follows from the bank's scores by hand.

Rules: 资格有效期两年, 期满重新认定 (a qualification lasts two years, then is renewed); 资格年审不合格者不得
再从事客户经理工作 (a fail in the review ends the role); 末位淘汰 (a proposal); 客户经理占本单位正式员工
比例不低于20% (the floor); a rural bank's plan from about 16% to about 29% in three years."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, PolicyWarning
from cmanalytics.synthetic.bank import synthetic_bank

P = cma.performance


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(0)


def test_flows_add_up_and_follow_the_plan(bank):
    t0 = time.perf_counter()
    res = P.simulate_years(bank, years=5, seed=7)
    elapsed = time.perf_counter() - t0
    assert elapsed < 10  # the bound: the 9,380-staff bank over 5 years under 10 s
    f = res.flows
    assert list(f.index) == [2026, 2027, 2028, 2029, 2030]
    assert (f["end"] == f["start"] + f["in"] - f["out"]).all()
    assert (f["start"].iloc[1:].to_numpy() == f["end"].iloc[:-1].to_numpy()).all()
    assert (f["out"] == f["out_review_fail"] + f["out_eliminated"] + f["out_voluntary"]).all()
    # the plan by hand: 16% + (29% - 16%) x t / 3, then held at 29%
    assert f["plan_share"].tolist() == pytest.approx([0.16 + 0.13 / 3, 0.16 + 0.26 / 3, 0.29, 0.29, 0.29])
    # recruits plus the shortfall make up the need: ceil(plan x formal) - those who stayed
    need = np.ceil(f["plan_share"] * f["formal_staff"]) - (f["start"] - f["out"])
    assert ((f["in"] + f["short"]) == need.clip(lower=0)).all()
    # at most bottom_n = 3 eliminated a year (ties spared)
    assert (f["out_eliminated"] <= 3).all()
    assert f["floor"].iloc[0] == 0.20 and f["formal_staff"].iloc[0] == 7879
    assert res.warnings and repr(res).startswith("SimulationResult(5 years, seed 7")


def test_seeded(bank):
    a = P.simulate_years(bank, years=2, seed=3).flows
    b = P.simulate_years(bank, years=2, seed=3).flows
    c = P.simulate_years(bank, years=2, seed=4).flows
    assert a.equals(b) and not a.equals(c)


def test_first_year_without_noise_by_hand(bank):
    """score_sd = 0, no voluntary leaving, no elimination, no recruitment: year one's exits are exactly
    the managers whose standing (the bank's 2025 annual score) rounds below 60 (不合格), and the promotions
    those at 90 or more below the top of the ladder (优秀, illustrative)."""
    data = P.load_policy().data
    data["elimination"]["bottom_n"] = 0
    data["workforce"]["plan"] = {"start_share": 0.0, "target_share": 0.0, "years": 1}
    pol = P.policy_from(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        res = P.simulate_years(bank, pol, years=1, seed=0, score_sd=0.0, leave_rate=0.0)
        annual = P.annual_score_by_manager(bank.indicators, year=2025)
    staff = bank.staff.set_index("staff_id")
    cms = staff[staff["role"] != "other"]
    score = annual.reindex(cms.index)
    appraised = score.notna()
    f = res.flows.iloc[0]
    assert f["out"] == f["out_review_fail"] == (score[appraised] < 60).sum()
    up = appraised & (score >= 90) & (cms["grade"] != "senior")
    assert f["up"] == up.sum() and f["in"] == 0


def test_bad_arguments(bank):
    with pytest.raises(ArgumentError, match="years"):
        P.simulate_years(bank, years=0, seed=1)
    with pytest.raises(ArgumentError, match="seed"):
        P.simulate_years(bank, years=1, seed=None)
