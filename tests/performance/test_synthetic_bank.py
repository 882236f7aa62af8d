"""The synthetic bank against the workforce facts of the domain note (section 6) and the bank's own rules,
and the contract-performance links it was built with, recovered by the models."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from cmanalytics.errors import PolicyWarning
from cmanalytics.performance import models as M
from cmanalytics.synthetic.bank import load_bank, save_bank, synthetic_bank


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(0)


def test_workforce_facts_of_the_city_branch(bank):
    staff = bank.staff
    corp = staff[staff["role"] == "corporate_cm"]
    # "about 960 corporate customer managers among 9,380 staff (10.24%)"
    assert len(staff) == 9380 and len(corp) == 960
    assert round(100 * len(corp) / len(staff), 2) == 10.23   # 960 / 9380 = 10.2345%; the source rounds to 10.24
    # "488 of them (50.83%) handle credit operations"
    assert corp["credit_operations"].sum() == 488
    # "average age close to 40"
    assert abs(corp["age"].mean() - 40) < 0.1
    # "42.56% hold a bachelor's degree or higher": 0.4256 * 960 = 408.6 -> 409 people
    assert (corp["education"] != "below bachelor").sum() == 409
    # "31.32% hold an intermediate professional title or higher": 0.3132 * 960 = 300.7 -> 301
    assert corp["title"].isin(["intermediate", "senior"]).sum() == 301
    # counted short of need: all customer managers together below the 20% floor
    assert (staff["role"] != "other").mean() < 0.20
    assert bank.staff.attrs["synthetic"].endswith("NOT real data.")


def test_clients_follow_the_tier_rules(bank):
    clients = bank.clients.merge(bank.staff[["staff_id", "grade"]], left_on="manager_id", right_on="staff_id")
    large = clients["loan_balance"] > 10_000_000
    medium = (clients["loan_balance"] >= 5_000_000) & ~large
    assert set(clients.loc[large, "grade"]) == {"senior"}
    assert set(clients.loc[medium, "grade"]) <= {"senior", "intermediate"}
    assert clients[large | medium].groupby("manager_id").size().max() == 1
    assert clients.loc[clients["grade"] == "junior", "loan_balance"].max() < 3_000_000
    assert 0 < clients["non_performing"].mean() < 0.1


def test_seeded_and_reproducible():
    a, b = synthetic_bank(5, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4), \
        synthetic_bank(5, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4)
    for name, df in a.tables().items():
        pd.testing.assert_frame_equal(df, b.tables()[name])
    c = synthetic_bank(6, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4)
    assert not a.survey.equals(c.survey)


def test_save_and_load_round_trip_without_overwriting(tmp_path):
    folder = save_bank(tmp_path, seed=0)
    loaded = load_bank(folder)
    assert len(loaded.staff) == 9380 and loaded.staff["appointed"].dtype.kind == "M"
    stamp = (folder / "staff.csv").stat().st_mtime_ns
    save_bank(tmp_path, seed=0)
    assert (folder / "staff.csv").stat().st_mtime_ns == stamp


def test_the_models_recover_the_links_the_bank_was_built_with(bank):
    df = M.manager_frame(bank)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        mixed = M.mixed(df, "appraisal ~ development + team + pay", group="branch_id")
    # development and team raise the appraisal score; pay has no effect of its own
    coef = mixed.coefficients
    assert coef.loc["development", "ci_low"] > 0 and coef.loc["team", "ci_low"] > 0
    assert coef.loc["pay", "ci_low"] < 0 < coef.loc["pay", "ci_high"]
    # branches differ (random intercepts with sd 3 points were drawn)
    assert 1 < mixed.stats["group variance"] ** 0.5 < 6
