"""No silent arguments in cma.performance: an argument that would have no effect in the combination given
(or would be replaced by another value) is refused with an ArgumentError naming it and saying why; where it
applies, the same argument is honoured."""

from __future__ import annotations

import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.synthetic.bank import synthetic_bank
from tests.performance.quiet import _quiet_policy_notes  # noqa: F401 - autouse
from tests.performance.test_appraisal import indicators
from tests.performance.test_elimination import leavers, team

P = cma.performance


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(0)


def no_peer_policy():
    """The default policy with complaint_rate scaled 0-1 instead of ranked among peers: no peer indicator."""
    data = P.load_policy().data
    for inds in data["appraisal"]["areas"].values():
        for i in inds:
            if i.get("normalization") == "peer":
                i["normalization"], i["range"] = "scale", [0.0, 1.0]
    return P.policy_from(data)


def test_peer_col_is_refused_when_no_indicator_is_ranked_among_peers():
    df = indicators().assign(team=["x", "x", "y"])
    with pytest.raises(ArgumentError, match="peer_col='team'.*ranks none among peers"):
        P.appraise(df, no_peer_policy(), peer_col="team")
    # passed as a key, the column is carried and nothing is ranked by it
    assert len(P.appraise(df, no_peer_policy(), keys=("team",)).total) == 3
    # with the default policy complaint_rate is ranked within the team: c alone in team y scores 100 (by hand:
    # a group of one), where among all three it would stand between a (0.01) and b (0.03), at 50
    by_team = P.appraise(df, peer_col="team").indicator_scores["complaint_rate"]
    assert by_team[("c", "2025Q1")] == 100
    assert P.appraise(df.drop(columns="team")).indicator_scores["complaint_rate"][("c", "2025Q1")] == 50


def test_branch_col_is_refused_for_a_bank_wide_ranking():
    df = team().rename(columns={"branch_id": "office"})
    with pytest.raises(ArgumentError, match="branch_col='office' names the branches for scope='branch'"):
        P.bottom_n_elimination(df, as_of="2026-12-31", scope="bank", branch_col="office")
    # read by scope="branch": one leaves per office (x: a at 40; y: c and d tie at 50 and are spared)
    out = P.bottom_n_elimination(df, as_of="2026-12-31", n=1, scope="branch", ties="spare", branch_col="office")
    assert leavers(out) == ["a"]


@pytest.mark.parametrize(
    "kw, named",
    [
        ({"candidates_per_year": 0}, "candidates_per_year must be a whole number, 1 or more"),
        ({"candidates_per_year": 2.5}, "candidates_per_year must be a whole number, 1 or more"),
        ({"leave_rate": 1.5}, r"leave_rate must be a share in \[0, 1\]"),
        ({"leave_rate": -0.1}, r"leave_rate must be a share in \[0, 1\]"),
        ({"score_sd": -1.0}, "score_sd must be a number, 0 or more"),
        ({"score_sd": float("nan")}, "score_sd must be a number, 0 or more"),
        ({"as_of": "not a date"}, "as_of='not a date' is not a date"),
    ],
)
def test_simulate_years_refuses_values_it_would_replace_or_cannot_use(bank, kw, named):
    with pytest.raises(ArgumentError, match=named):
        P.simulate_years(bank, years=1, seed=0, **kw)


def test_simulate_years_honours_leave_rate_and_candidates(bank):
    # nobody leaves of their own accord at leave_rate 0; at 1 every manager who was neither failed nor
    # eliminated leaves
    none = P.simulate_years(bank, years=1, seed=0, leave_rate=0.0).flows.iloc[0]
    every = P.simulate_years(bank, years=1, seed=0, leave_rate=1.0).flows.iloc[0]
    assert none["out_voluntary"] == 0
    assert every["out_voluntary"] == every["start"] - every["out_review_fail"] - every["out_eliminated"]
    # one candidate a year: at most one recruit
    assert P.simulate_years(bank, years=1, seed=0, candidates_per_year=1).flows.iloc[0]["in"] <= 1


@pytest.mark.parametrize(
    "kw, named",
    [
        ({"policy": "other.toml"}, "policy='other.toml'"),
        ({"as_of": "2026-06-30"}, "as_of='2026-06-30'"),
        ({"year": 2025}, "year=2025"),
    ],
)
def test_scorecard_refuses_what_an_outcome_already_fixed(kw, named):
    small = synthetic_bank(3, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4)
    outcome = P.apply_policy(small)
    mid = outcome.managers.index[0]
    with pytest.raises(ArgumentError, match=named + ": the outcome= given was made by apply_policy"):
        P.scorecard(small, mid, outcome=outcome, **kw)
    # from the outcome alone, the page carries the outcome's figures
    assert P.scorecard(small, mid, outcome=outcome).facts["score"] == outcome.managers.loc[mid, "score"]
