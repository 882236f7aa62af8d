"""What a notebook publishes: tables at ten significant digits (a rebuild gives the same bytes), written where
``save_to`` says, nothing written without it; the staffing figure plots the flows' shares in percent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cmanalytics.reporting.outputs import ReportOutputs, _ten_digits


def test_tables_are_written_at_ten_significant_digits(tmp_path):
    df = pd.DataFrame({"name": ["a", "b"], "x": [1 / 3, 2 / 3 * 1e6], "n": [1, 2]})
    out = ReportOutputs("nb", save_to=tmp_path, note="synthetic data")
    assert out.table(df, "t") is df  # the notebook shows what it was given
    csv = (tmp_path / "nb" / "tables" / "t.csv").read_text(encoding="utf-8-sig")
    # 1/3 -> 0.3333333333 and 666666.666666... -> 666666.6667 (ten significant digits each)
    assert "0.3333333333," in csv and "666666.6667," in csv and "0.33333333333" not in csv
    assert (tmp_path / "nb" / "tables" / "t.xlsx").exists() and (tmp_path / "nb" / "tables" / "t.md").exists()
    assert df["x"].iloc[0] == 1 / 3  # the caller's frame keeps its digits
    assert _ten_digits("not a frame") == "not a frame"


def test_nothing_is_written_without_a_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CMA_REPORT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    out = ReportOutputs("nb")
    assert out.folder is None
    out.table(pd.DataFrame({"x": [1.0]}), "t")
    assert list(tmp_path.iterdir()) == []


def test_the_staffing_figure_plots_the_shares_in_percent():
    import matplotlib

    matplotlib.use("Agg")
    from cmanalytics.performance import simulate_years
    from cmanalytics.synthetic.bank import synthetic_bank

    res = simulate_years(synthetic_bank(0), years=2, seed=3)
    fig = res.figure()
    share, plan = fig.axes[0].lines[0], fig.axes[0].lines[1]
    np.testing.assert_array_equal(share.get_ydata(), 100 * res.flows["share_end"].to_numpy())
    np.testing.assert_array_equal(plan.get_ydata(), 100 * res.flows["plan_share"].to_numpy())
    # the flows: down and out drawn below zero
    bars = fig.axes[1].containers
    assert [b.get_label() for b in bars] == ["in", "up", "down", "out"]
    assert [r.get_height() for r in bars[3]] == pytest.approx(list(-res.flows["out"]))
    import matplotlib.pyplot as plt

    plt.close(fig)
