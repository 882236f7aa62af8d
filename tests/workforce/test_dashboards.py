"""Dashboards: the panels, the suppression shown in the figure, Chinese labels with a CJK font and the
warning and English labels without one."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cmanalytics.errors import ArgumentError  # noqa: E402
from cmanalytics.synthetic.bank import synthetic_bank  # noqa: E402
from cmanalytics.workforce import dashboards  # noqa: E402
from tests.privacy import leaks  # noqa: E402


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


# --- the contract dashboard's tables: suppressed with complementary cells, attacked by differencing ---------


def _small_bank():
    """20 respondents in two branches, their fulfilment (mean of pay and team) all distinct, so each quartile
    holds exactly 5; weekly hours put 5 in <45, 12 in 45-49, none in 50-54, 1 in 55-59 and 2 in 60+."""
    from types import SimpleNamespace

    ids = [f"s{i:02d}" for i in range(20)]
    score = np.linspace(1, 5, 20)  # respondent i is in quartile i // 5 + 1
    hours = [40.0] * 5 + [47.0] * 12 + [57.0] + [62.0] * 2
    hours = [hours[(7 * i) % 20] for i in range(20)]  # bands spread over the quartiles
    staff = pd.DataFrame(
        {"staff_id": ids, "branch_id": ["A"] * 10 + ["B"] * 10, "role": "corporate_cm", "weekly_hours": hours}
    )
    # intending to leave: Q1 3 of 5, Q2 none, Q3 all 5, Q4 none
    leave = [True, True, True, False, False] + [False] * 5 + [True] * 5 + [False] * 5
    survey = pd.DataFrame(
        {
            "staff_id": ids,
            "pay": score,
            "team": score,
            "wellbeing_index": np.arange(20, 40, dtype=float),
            "turnover_intention": leave,
        }
    )
    return SimpleNamespace(staff=staff, survey=survey, indicators=None)


def test_contract_dashboard_quartile_and_hours_panels_blank_complementary_cells():
    bank = _small_bank()
    before = bank.survey.copy()
    fig = dashboards.contract_dashboard(bank, min_cell=5)
    pd.testing.assert_frame_equal(bank.survey, before)
    tables = fig.attrs["tables"]
    assert set(tables) == {"contract_scores", "leave_by_fulfilment", "wellbeing_by_hours"}
    leave = tables["leave_by_fulfilment"].set_index("quartile")
    # 5 respondents per quartile, 20 in all: no group is small, every n is shown
    assert leave["n"].tolist() == [5, 5, 5, 5, 20]
    # Q1's 3 leavers are under 5 (primary); alone, 8 - 0 - 5 - 0 would give them away, so the smallest
    # other positive count, Q3's 5, is blanked too; Q2 and Q4 (0 of 5) and the bank's 8 / 20 stay
    share = leave["share_intending_to_leave"]
    assert np.isnan(share["Q1"]) and np.isnan(share["Q3"])
    assert share["Q2"] == 0 and share["Q4"] == 0 and share["all"] == pytest.approx(8 / 20)
    hours = tables["wellbeing_by_hours"].set_index("hours")
    # 55-59 (1) and 60+ (2) are under 5; blanked together they sum to 3, still under 5, so the smallest
    # other positive band, <45 (5), is blanked as well; 45-49 (12), 50-54 (nobody) and the bank's 20 stay
    assert hours["n"].isna().tolist() == [True, False, False, True, True, False]
    assert hours.loc["45-49", "n"] == 12 and hours.loc["all", "n"] == 20
    assert hours["mean_wellbeing"].isna().tolist() == [True, False, True, True, True, False]
    # the figure marks what the tables blank
    leave_panel = [t.get_text() for t in fig.axes[2].texts]
    assert leave_panel == ["n < 5", "0%", "n < 5", "0%"]


def _attack(name: str, table: pd.DataFrame, k: int) -> list[str]:
    group = {"contract_scores": "branch_id", "wellbeing_by_hours": "hours"}.get(name, "quartile")
    blocks = ["dimension"] if name == "contract_scores" else []
    if name == "leave_by_fulfilment":  # the count behind the share is what a reader differences
        table = table.assign(leavers=(table["share_intending_to_leave"] * table["n"]).round())
    if name == "contract_scores":  # and the respondents scoring 4 or more behind that share
        table = table.assign(respondents=(table["share_4_or_more"] * table["n"]).round())
    return leaks(table, group=group, blocks=blocks, min_cell=k)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("min_cell", [3, 5])
def test_no_contract_dashboard_table_leaks_by_differencing(seed, min_cell):
    from types import SimpleNamespace

    from tests.workforce.test_privacy import _extract, _survey

    staff = _extract(seed)
    survey = _survey(staff, seed).sample(frac=0.5, random_state=seed)  # small surveys: small bands
    tables = dashboards.contract_tables(SimpleNamespace(staff=staff, survey=survey, indicators=None), min_cell=min_cell)
    assert set(tables) == {"contract_scores", "leave_by_fulfilment", "wellbeing_by_hours"}
    for name, table in tables.items():
        problems = _attack(name, table, min_cell)
        assert not problems, (name, problems[:5])
