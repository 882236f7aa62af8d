"""Dashboards: the panels, the suppression shown in the figure, Chinese labels with a CJK font and the
warning and English labels without one."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cmanalytics.errors import ArgumentError  # noqa: E402
from cmanalytics.synthetic.bank import synthetic_bank  # noqa: E402
from cmanalytics.workforce import dashboards  # noqa: E402


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(2, n_staff=1500, n_corporate=150, n_personal=40, n_wealth=10, n_branches=6)


def texts(fig):
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return out


def test_workforce_dashboard_panels_and_suppression(bank):
    before = bank.staff.copy()
    fig = dashboards.workforce_dashboard(bank, branch="BR03", min_cell=5)
    pd.testing.assert_frame_equal(bank.staff, before)
    assert len(fig.axes) == 8
    words = [w.replace("\n", " ") for w in texts(fig)]  # titles and the caption are wrapped
    assert any("Customer-manager share" in w for w in words)
    assert any("fewer than 5 people are suppressed" in w for w in words)
    # the wealth managers of one branch are fewer than 5 here: their bars say so instead of showing numbers
    n_wealth = ((bank.staff["branch_id"] == "BR03") & (bank.staff["role"] == "wealth_manager")).sum()
    assert n_wealth < 5 and "n < 5" in words
    assert fig.attrs["lang"] == "en"
    with pytest.raises(ArgumentError, match="branch 'BR99'"):
        dashboards.workforce_dashboard(bank, branch="BR99")


def test_contract_dashboard_hides_small_branches(bank):
    survey = bank.survey.copy()
    br01 = set(bank.staff.loc[bank.staff["branch_id"] == "BR01", "staff_id"])
    keep = survey.loc[survey["staff_id"].isin(br01), "staff_id"].head(3)
    other = survey.loc[~survey["staff_id"].isin(br01), "staff_id"]
    assert len(keep) == 3
    small = type(bank)(
        bank.branches,
        bank.staff,
        bank.clients,
        bank.indicators,
        bank.candidates,
        survey[survey["staff_id"].isin(set(keep) | set(other))],
    )
    fig = dashboards.contract_dashboard(small)
    heat = fig.axes[1]
    row = [t.get_text() for t in heat.texts][:6]  # BR01's row: 3 respondents -> all suppressed
    assert row == ["n < 5"] * 6
    assert len(fig.axes) == 7  # six panels and the heatmap's colour bar


def test_chinese_labels_with_a_cjk_font_and_a_warning_without(bank, monkeypatch):
    font = dashboards.cjk_font()
    if font is not None:
        fig = dashboards.workforce_dashboard(bank, lang="zh")
        assert fig.attrs["lang"] == "zh" and any("客户经理" in w for w in texts(fig))
    monkeypatch.setattr(dashboards, "cjk_font", lambda: None)
    with pytest.warns(dashboards.FontWarning, match="fonts-wqy-microhei"):
        fig = dashboards.workforce_dashboard(bank, lang="zh")
    assert fig.attrs["lang"] == "en" and not any("客户经理" in w for w in texts(fig))
    with pytest.raises(ArgumentError, match="lang must be"):
        dashboards.contract_dashboard(bank, lang="fr")
