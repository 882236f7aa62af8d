"""The readability check finds overlapping and cut-off labels (figures built by hand, where the answer is
known from the coordinates), passes slanted tick labels that only their boxes would make touch, and stops a
report figure with unreadable labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cmanalytics.reporting.figure_check import FigureLayoutError, check_figure, text_problems  # noqa: E402
from cmanalytics.reporting.outputs import ReportOutputs  # noqa: E402


def test_overlap_and_cut_off_found_by_coordinates():
    fig = plt.figure(figsize=(4, 3), dpi=100)
    # two labels at the same point overlap; one 10 px apart in y at 10 pt (about 14 px tall) also does
    fig.text(0.5, 0.5, "first label", ha="center")
    fig.text(0.5, 0.5 + 10 / 300, "second label", ha="center")
    fig.text(0.5, 0.15, "alone", ha="center")
    fig.text(0.98, 0.8, "runs off the right edge")  # starts 8 px from the edge
    problems = text_problems(fig)
    assert "'first label' overlaps 'second label'" in problems
    assert "'runs off the right edge' is cut off at the figure's edge" in problems
    assert not any("alone" in p for p in problems)
    assert len(problems) == 2
    with pytest.raises(FigureLayoutError, match="2 unreadable label"):
        check_figure(fig, "hand-made")
    plt.close(fig)


def test_slanted_tick_labels_judged_by_their_own_rectangles():
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100, layout="constrained")
    ax.bar(range(4), [1, 2, 3, 4])
    # at 45 degrees, neighbouring labels' upright boxes overlap but the slanted text does not
    ax.set_xticks(
        range(4),
        ["a long label one", "a long label two", "a long label three", "a long label four"],
        rotation=45,
        ha="right",
        rotation_mode="anchor",
    )
    assert text_problems(fig) == []
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(3, 3), dpi=100, layout="constrained")
    ax.bar(range(4), [1, 2, 3, 4])
    ax.set_xticks(range(4), ["a long label one", "a long label two", "a long label three", "a long label four"])
    assert any("overlaps" in p for p in text_problems(fig))  # flat, 110 px wide, 60 px apart: they collide
    plt.close(fig)


def test_report_figure_with_unreadable_labels_is_not_written(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.set_title("a title far too long for a figure three inches wide, running off both edges")
    out = ReportOutputs("nb", save_to=tmp_path)
    with pytest.raises(FigureLayoutError, match="nb/figures/bad.png"):
        out.figure(fig, "bad")
    assert not (tmp_path / "nb" / "figures" / "bad.png").exists()
    ax.set_title("short")
    out.figure(fig, "good")
    assert (tmp_path / "nb" / "figures" / "good.png").exists()
    plt.close(fig)
