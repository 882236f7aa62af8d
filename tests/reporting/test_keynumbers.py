"""The index page's key numbers: counted by hand on a small HR extract, and the study's figures as the
study's own analysis gives them."""

from __future__ import annotations

import pandas as pd

import cmanalytics as cma
from cmanalytics.reporting.keynumbers import key_numbers, key_numbers_html


def test_key_numbers_by_hand():
    raw = cma.study.synthetic_twin(seed=0)
    # three branches of ten formal staff: 3, 1 and 2 customer managers -> 30%, 10%, 20%; bank 6 of 30 = 20%;
    # below the 20% floor: B2 only (20% is not below)
    roles = {"B1": 3, "B2": 1, "B3": 2}
    staff = pd.DataFrame(
        [
            {"branch_id": b, "role": "corporate_cm" if k < n else "teller", "formal": True}
            for b, n in roles.items()
            for k in range(10)
        ]
    )
    staff.loc[len(staff)] = {"branch_id": "B1", "role": "corporate_cm", "formal": False}  # not formal: not counted
    t = key_numbers(raw, staff).set_index("figure")
    assert t.loc["valid questionnaires", "value"] == "112 of 150"
    assert t.loc["customer-manager share of formal staff", "value"] == "20.0%"
    assert t.loc["branches below the floor", "value"] == "1 of 3"
    assert t.loc["branches below the floor", "note"] == "B2 (10.0%)"
    cleaned = cma.study.clean(raw)
    a = cma.study.analyse(cleaned.data, part="A")
    assert t.loc["part A: KMO", "value"] == f"{a.kmo.overall:.3f}"
    assert t.loc["part A: Cronbach's alpha", "value"] == f"{a.alpha.alpha:.3f}"
    assert "part B: KMO" in t.index
    page = key_numbers_html(raw, staff)
    assert page.startswith("<section") and "112 of 150" in page and "B2 (10.0%)" in page


def test_a_share_just_below_the_floor_never_prints_as_the_floor():
    from cmanalytics.reporting.keynumbers import _below

    assert _below(0.19962, 0.20) == "19.96%"  # 1 decimal would print 20.0%
    assert _below(0.129, 0.20) == "12.9%"
