"""A researcher's own dimension scores on the contract dashboard: grouped by their own columns, small groups
suppressed (with the complementary cell), no synthetic bank."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.workforce.dashboards import small_groups


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_small_groups_by_hand():
    n = pd.Series({"a": 30, "b": 3, "c": 12, "d": 40})
    # b alone would be recoverable as total - a - c - d: the next smallest (c) goes too
    assert small_groups(n, 5).to_dict() == {"a": False, "b": True, "c": True, "d": False}
    n = pd.Series({"a": 30, "b": 3, "c": 2, "d": 40})
    assert small_groups(n, 5).to_dict() == {"a": False, "b": True, "c": True, "d": False}
    assert not small_groups(pd.Series({"a": 6, "b": 9}), 5).any()


def test_dashboard_of_own_scores():
    rng = np.random.default_rng(3)
    scores = pd.DataFrame(
        {
            "respondent_id": range(40),
            "team": rng.uniform(1, 5, 40).round(2),
            "supervisor": rng.uniform(1, 5, 40).round(2),
        }
    )
    branch = pd.Series(["东城"] * 20 + ["西城"] * 12 + ["海淀"] * 6 + ["小"] * 2, name="branch")
    fig = cma.workforce.contract_dashboard(scores, groups=branch, lang="en")
    texts = _texts(fig)
    east = scores[branch == "东城"]
    # the heatmap shows each group's mean, two decimals, computed by hand here
    assert f"{east['team'].mean():.2f}" in texts and f"{east['supervisor'].mean():.2f}" in texts
    small = scores[branch == "小"]
    haidian = scores[branch == "海淀"]
    for hidden in (small, haidian):  # 小 (2 people) and, complementary, 海淀 (6)
        assert f"{hidden['team'].mean():.2f}" not in texts
    assert texts.count("n < 5") == 2 * 2 + 2  # two heatmap cells each, two count bars
    assert "20" in texts and "12" in texts and "6" not in texts and "2" not in texts
    with pytest.raises(ArgumentError, match="groups names column"):
        cma.workforce.contract_dashboard(scores, groups=["branch"])
    with pytest.raises(ArgumentError, match="groups= and codebook= are for a DataFrame"):
        cma.workforce.contract_dashboard(object(), groups=["branch"])
