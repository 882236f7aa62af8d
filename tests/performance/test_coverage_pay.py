"""The pay chain's inputs it cannot use: each refused with the package's error naming the argument or column."""

from __future__ import annotations

import warnings

import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, PolicyWarning
from tests.performance.quiet import _quiet_policy_notes  # noqa: F401 - autouse
from tests.performance.test_pay import SCORES, managers

P = cma.performance


def test_a_date_that_is_not_one():
    with pytest.raises(ArgumentError, match=r"as_of='the end of the year' is not a date"):
        P.pay(managers(), SCORES, as_of="the end of the year")


def test_a_card_that_is_neither_a_scorecard_nor_scores():
    with pytest.raises(ArgumentError, match=r"card must be a Scorecard or a Series of annual scores .* not dict"):
        P.pay(managers(), SCORES.to_dict(), as_of="2025-12-31")


def test_protected_managers_need_their_previous_post():
    # D (appointed 2025-03-01) and F (2023-12-31) are first-time managers within two years on 2025-12-31
    without = managers().drop(columns=["previous_pay_coefficient"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        with pytest.raises(DataError, match=r"protected first-time managers need 'previous_pay_coefficient'"):
            P.pay(without, SCORES, as_of="2025-12-31")


def test_the_summary_adds_up_the_hand_computed_chain():
    # test_pay.test_the_chain_by_hand: A 285,000 + B 177,800 + C 179,800 + D 92,000 + F 129,600 (E has no
    # fixed pay: grade 3's coefficient is lost) = 864,200; D protected; B and D paid below their level.
    # Deferred: A 15,000 + C 30% of 10,000 = 3,000 + D 2,400 = 20,400 (B, E, F earn no performance pay).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        res = P.pay(managers(), SCORES, as_of="2025-12-31")
    assert repr(res) == "PayResult(6 managers, total paid 864,200 yuan, 1 protected, 2 paid below their qualification)"
    text = res.summary()
    for row in ("Total paid (yuan)", "864,200", "Protected first-time managers", "Deferred this year", "20,400"):
        assert row in text
