"""No silent arguments in the workforce indicators: a min_cell that contradicts the policy's own
[workforce] min_cell is refused (one of the two would otherwise pass unheard); either alone is honoured."""

from __future__ import annotations

import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from tests.workforce.test_indicators import extract

W = cma.workforce
POLICY_MIN_CELL = 5  # cmanalytics/performance/policies/default.toml, [workforce] min_cell

ON_STAFF = [
    W.age_structure,
    W.mean_age,
    W.education,
    W.titles,
    W.tenure,
    W.grade_pyramid,
    W.certificate_coverage,
    W.wellbeing,
]


@pytest.mark.parametrize("indicator", ON_STAFF, ids=lambda f: f.__name__)
def test_min_cell_contradicting_the_policy_is_refused(indicator):
    policy = cma.performance.load_policy()
    assert policy.data["workforce"]["min_cell"] == POLICY_MIN_CELL
    with pytest.raises(ArgumentError, match=r"min_cell=4 contradicts the policy's \[workforce\] min_cell = 5"):
        indicator(extract(), min_cell=4, policy=policy)
    # each alone is honoured, and the two agreeing are accepted
    assert indicator(extract(), policy=policy).attrs["min_cell"] == POLICY_MIN_CELL
    assert indicator(extract(), min_cell=4).attrs["min_cell"] == 4
    assert indicator(extract(), min_cell=POLICY_MIN_CELL, policy=policy).attrs["min_cell"] == POLICY_MIN_CELL
