"""Simulated profit (模拟利润) per client and per manager, and a performance-pay pool split by it."""

from __future__ import annotations

import warnings

import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, PolicyWarning, outside_stacklevel
from cmanalytics.performance.columns import strict_bool
from cmanalytics.performance.policy import Policy, load_policy

COMPONENTS = [
    "loan_interest",
    "loan_ftp_cost",
    "deposit_ftp_value",
    "deposit_interest",
    "fees",
    "risk_charge",
    "operating_cost",
]


def simulated_profit(clients: pd.DataFrame, policy: Policy | None = None) -> pd.DataFrame:
    r"""Each client's simulated profit and its parts, for a year:

    .. math:: \text{profit} = L(r_L - f_L) + D(f_D - r_D) + \text{fees} - \text{risk} - \text{cost}

    with loan balance L at rate :math:`r_L` charged the funds-transfer price :math:`f_L`, deposits D
    credited :math:`f_D` and paid :math:`r_D`, the risk charge (expected loss :math:`L \cdot PD \cdot LGD`,
    or ``npl_provision_rate`` of loans that became non-performing) and the operating cost (per client plus a
    rate on L + D). Columns: ``loan_balance``, ``deposit_balance`` (yuan), optional ``fee_income``,
    ``loan_rate``, ``deposit_rate``, ``non_performing`` (yes/no, read strictly: the text "False" is no), ``manager_id``. Rates come from the policy
    where a client gives none. Returns the components, ``profit`` and the input's ``manager_id``.
    """
    pol = policy or load_policy()
    sp = pol.data["simulated_profit"]
    if "source_note" in sp:
        warnings.warn(f"simulated profit: {sp['source_note']}", PolicyWarning, stacklevel=outside_stacklevel())
    for col in ("loan_balance", "deposit_balance"):
        if col not in clients.columns:
            raise DataError(f"clients lack the column {col!r}.")
        values = pd.to_numeric(clients[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            raise DataError(f"{col} of client {bad[bad].index[0]!r} is missing or negative; give 0 for none.")
    loans = clients["loan_balance"].astype(float)
    deposits = clients["deposit_balance"].astype(float)
    loan_rate = (
        clients["loan_rate"].astype(float).fillna(sp["loan_rate"]) if "loan_rate" in clients else sp["loan_rate"]
    )
    dep_rate = (
        clients["deposit_rate"].astype(float).fillna(sp["deposit_rate"])
        if "deposit_rate" in clients
        else sp["deposit_rate"]
    )
    fees = clients["fee_income"].astype(float).fillna(0.0) if "fee_income" in clients else 0.0
    if sp["risk_charge"] == "expected_loss":
        risk = loans * sp["probability_of_default"] * sp["loss_given_default"]
    elif sp["risk_charge"] == "non_performing":
        if "non_performing" not in clients.columns:
            raise DataError("the policy charges non-performing loans: clients need a 'non_performing' column.")
        npl = strict_bool(clients["non_performing"], "non_performing")
        risk = loans * npl * sp["npl_provision_rate"]
    else:
        raise ArgumentError(f"risk_charge={sp['risk_charge']!r}; use 'expected_loss' or 'non_performing'.")
    out = pd.DataFrame(
        {
            "loan_interest": loans * loan_rate,
            "loan_ftp_cost": loans * sp["ftp_rate_loans"],
            "deposit_ftp_value": deposits * sp["ftp_rate_deposits"],
            "deposit_interest": deposits * dep_rate,
            "fees": fees,
            "risk_charge": risk,
            "operating_cost": sp["operating_cost_per_client"] + (loans + deposits) * sp["operating_cost_rate"],
        },
        index=clients.index,
    )
    out["profit"] = (
        out["loan_interest"]
        - out["loan_ftp_cost"]
        + out["deposit_ftp_value"]
        - out["deposit_interest"]
        + out["fees"]
        - out["risk_charge"]
        - out["operating_cost"]
    )
    if "manager_id" in clients.columns:
        out["manager_id"] = clients["manager_id"]
    return out


def profit_by_manager(client_profit: pd.DataFrame) -> pd.DataFrame:
    """The decomposition table per manager: each component and the profit summed over their clients."""
    if "manager_id" not in client_profit.columns:
        raise DataError("client profits need a 'manager_id' column to be summed by manager.")
    return client_profit.groupby("manager_id")[COMPONENTS + ["profit"]].sum()


def split_pool(profit: pd.Series, pool: float) -> pd.Series:
    """Split a performance-pay pool in proportion to each manager's positive simulated profit (a loss earns
    nothing from the pool); the shares add up to the pool."""
    if pool < 0:
        raise ArgumentError(f"the pool must not be negative; got {pool!r}.")
    positive = profit.clip(lower=0)
    if positive.sum() == 0:
        raise DataError("no manager has a positive simulated profit; the pool cannot be split by it.")
    return (pool * positive / positive.sum()).rename("pay")
