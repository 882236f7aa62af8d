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
    assert round(100 * len(corp) / len(staff), 2) == 10.23  # 960 / 9380 = 10.2345%; the source rounds to 10.24
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
    a, b = (
        synthetic_bank(5, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4),
        synthetic_bank(5, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4),
    )
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


def test_the_committed_bank_is_what_seed_0_generates(tmp_path):
    from pathlib import Path

    committed = Path(__file__).parents[2] / "data" / "synthetic" / "bank_seed0"
    # committed with the repository (make reports rewrites it): missing is a failure, never a skip
    assert (committed / "README.md").exists(), f"{committed} is missing"
    fresh = save_bank(tmp_path, seed=0)
    for f in sorted(committed.glob("*.csv")):
        assert f.read_bytes() == (fresh / f.name).read_bytes(), f.name


def test_formal_and_dispatched_staff_caseloads_and_client_books(bank):
    staff, clients = bank.staff, bank.clients
    # "9,380 staff, dispatched workers included (含劳务派遣制员工)": 16% dispatched (illustrative), all outside
    # the customer-manager roles -> 0.16 x 9,380 = 1,500.8 -> 1,501 dispatched, 7,879 formal
    assert (staff["employment"] == "dispatched").sum() == 1501 and staff["formal"].sum() == 7879
    assert (staff.loc[~staff["formal"], "role"] == "other").all()
    # the customer-manager share of formal staff: 1,260 / 7,879 = 15.99%, near the rural bank's "about 16%"
    assert round(100 * (staff["role"] != "other").sum() / staff["formal"].sum(), 2) == 15.99
    # corporate managers' caseload: the clients on their books (it was 0 for all)
    corp = staff[staff["role"] == "corporate_cm"].set_index("staff_id")
    held = clients["manager_id"].value_counts().reindex(corp.index, fill_value=0)
    assert (corp["caseload"] == held).all() and corp["caseload"].sum() == len(clients)
    # clients: loans and deposits by branch; about 5% new, without a current responsible manager
    assert clients["branch_id"].notna().all() and (clients["deposit_balance"] > 0).all()
    assert 0.03 < clients["current_manager"].isna().mean() < 0.07
    # the 8 key institutional deposit accounts, deposit-only, on one senior's books
    key = clients[clients["key_deposit"]]
    assert len(key) == 8 and (key["loan_balance"] == 0).all() and key["manager_id"].nunique() == 1
    assert bank.staff.set_index("staff_id").loc[key["manager_id"].iloc[0], "grade"] == "senior"


def test_the_bank_assigned_by_the_rules():
    import warnings as w

    from cmanalytics.performance import assign_clients

    bank = load_bank(__import__("pathlib").Path(__file__).parents[2] / "data" / "synthetic" / "bank_seed0")
    staff = bank.staff
    managers = staff[(staff["role"] == "corporate_cm") & (staff["grade"] != "trainee")]
    managers = managers.rename(columns={"staff_id": "manager_id", "grade": "level"})[
        ["manager_id", "level", "branch_id"]
    ]
    with w.catch_warnings():
        w.simplefilter("ignore", PolicyWarning)
        res = assign_clients(bank.clients, managers)
    by_rule = res.table["rule"].value_counts()
    # every client placed; the 8 key accounts to the group; most keep their manager
    assert by_rule.get("unplaced", 0) == 0 and by_rule["key-deposit group"] == 8
    assert by_rule["existing manager kept"] > 0.9 * len(bank.clients)
