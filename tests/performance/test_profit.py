"""Simulated profit, computed by hand with the default (illustrative) rates."""

from __future__ import annotations

import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError, PolicyWarning


def clients():
    return pd.DataFrame(
        {
            "loan_balance": [10_000_000, 0, 2_000_000],
            "deposit_balance": [1_000_000, 5_000_000, 0],
            "fee_income": [50_000, 10_000, None],
            "loan_rate": [0.05, None, None],
            "manager_id": ["m1", "m1", "m2"],
        },
        index=["c1", "c2", "c3"],
    )


def test_client_profit_by_hand():
    with pytest.warns(PolicyWarning, match="illustrative"):
        res = cma.performance.simulated_profit(clients())
    # c1: loans 10m at 5% = 500,000 minus FTP 3% = 300,000; deposits 1m: FTP 2.5% = 25,000 minus 1.5% paid
    #     = 15,000; fees 50,000; expected loss 10m * 2% * 45% = 90,000; cost 20,000 + 0.2% * 11m = 42,000
    #     profit = 200,000 + 10,000 + 50,000 - 90,000 - 42,000 = 128,000
    assert res.loc["c1", "profit"] == pytest.approx(128_000)
    # c2: deposits 5m: 125,000 - 75,000 = 50,000; fees 10,000; cost 20,000 + 10,000 -> profit 30,000
    assert res.loc["c2", "profit"] == pytest.approx(30_000)
    # c3: loans 2m at the policy's 4.5%: 90,000 - 60,000 = 30,000; loss 18,000; cost 20,000 + 4,000 -> -12,000
    assert res.loc["c3", "profit"] == pytest.approx(-12_000)
    by = cma.performance.profit_by_manager(res)
    assert by.loc["m1", "profit"] == pytest.approx(158_000) and by.loc["m2", "risk_charge"] == pytest.approx(18_000)
    pay = cma.performance.split_pool(by["profit"], 100_000)
    assert pay.to_dict() == {"m1": pytest.approx(100_000), "m2": 0.0}  # a loss earns nothing


def test_bad_clients():
    with pytest.warns(PolicyWarning), pytest.raises(DataError, match="loan_balance of client 'c2'"):
        cma.performance.simulated_profit(clients().assign(loan_balance=[1, None, 2]))
