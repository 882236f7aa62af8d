"""Bad input to the banks' rules: yes/no columns read strictly in every function that takes one, the
caller's data never modified, errors of the package's own classes naming the column and the rows."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, PolicyWarning
from cmanalytics.performance.columns import strict_bool, strict_numbers

P = cma.performance

TRUE = [True, 1, 1.0, "True", "true", "TRUE", " yes ", "Yes", "是", "1"]
FALSE = [False, 0, 0.0, "False", "false", "FALSE", "no", "NO", "否", "0", " 0 "]
BAD = ["maybe", "y", "n", "t", "f", "2", 2, -1, 0.5, "真", "", "none", None]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        yield


@pytest.mark.parametrize("value", TRUE)
def test_true_spellings(value):
    assert strict_bool(pd.Series(["no", value], index=["a", "b"], dtype=object), "x").tolist() == [False, True]


@pytest.mark.parametrize("value", FALSE)
def test_false_spellings(value):
    assert strict_bool(pd.Series(["yes", value], dtype=object), "x").tolist() == [True, False]


@pytest.mark.parametrize("value", BAD)
def test_other_values_are_refused_naming_the_rows(value):
    with pytest.raises(DataError, match="column 'x' must be yes/no.*row\\(s\\) 'b'"):
        strict_bool(pd.Series(["no", value], index=["a", "b"], dtype=object), "x")


@pytest.mark.parametrize("value", BAD)
def test_elimination_refuses_a_doubtful_first_time(value):
    df = pd.DataFrame(
        {"score": [50.0, 60.0, 70.0, 80.0], "first_time": ["否", value, "否", "否"], "appointed": "2025-01-01"},
        index=list("abcd"),
    )
    before = df.copy()
    with pytest.raises(DataError, match="'first_time'.*'b'"):
        P.bottom_n_elimination(df, as_of="2026-12-31")
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize("value", BAD)
def test_profit_refuses_a_doubtful_non_performing(value):
    data = P.load_policy().data
    data["simulated_profit"]["risk_charge"] = "non_performing"
    clients = pd.DataFrame({"loan_balance": [1e6, 1e6], "deposit_balance": 0.0, "non_performing": ["否", value]})
    with pytest.raises(DataError, match="'non_performing'.*row\\(s\\) 1"):
        P.simulated_profit(clients, P.policy_from(data))


@pytest.mark.parametrize("value", BAD[:-1])
def test_key_deposit_refuses_doubtful_flags(value):
    m = pd.DataFrame({"manager_id": ["s1", "s2", "s3"], "level": "senior", "branch_id": "A"})
    c = pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "branch_id": "A",
            "loan_balance": 0.0,
            "deposit_balance": 1e6,
            "key_deposit": ["是", value],
        }
    )
    with pytest.raises(DataError, match="'key_deposit'.*row\\(s\\) 1"):
        P.assign_clients(c, m)


@pytest.mark.parametrize("value", ["1,000", "abc", "", None, [1]])
def test_numbers_as_text_or_not_numbers(value):
    s = pd.Series([1.0, value], dtype=object)
    with pytest.raises(DataError, match="column 'v' must hold numbers; row\\(s\\) 1"):
        strict_numbers(s, "v")
    assert strict_numbers(pd.Series(["1", " 2.5 "]), "v").tolist() == [1.0, 2.5]


# The rules judged on a day (pay's protection, elimination, the simulation's start) read their date through
# one helper: a missing date and a value that is not a date are refused the same way by each, with its why.
DATED = [
    (lambda as_of: P.pay(pd.DataFrame(), pd.Series(dtype=float), as_of=as_of), "protection is judged"),
    (lambda as_of: P.bottom_n_elimination(pd.DataFrame({"score": [1.0]}), as_of=as_of), "the day of the elimination"),
]


@pytest.mark.parametrize("call, why", DATED)
@pytest.mark.parametrize("bad", [None, "", float("nan")])
def test_a_missing_date_is_refused_with_why(call, why, bad):
    with pytest.raises(ArgumentError, match=f"as_of is required: .*{why}"):
        call(bad)


@pytest.mark.parametrize("call, why", DATED)
@pytest.mark.parametrize("bad", ["not a date", "2025-13-45", [2025]])
def test_a_value_that_is_not_a_date_is_refused(call, why, bad):
    with pytest.raises(ArgumentError, match=r"as_of=.* is not a date"):
        call(bad)
