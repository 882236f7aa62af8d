"""Every dashboard, as drawn at its default size, in English and Chinese: no two labels overlap, none is
cut off, the bars carry their numbers, and a plain-language caption says what the figure shows and what
is suppressed."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cmanalytics.reporting.figure_check import text_problems  # noqa: E402
from cmanalytics.synthetic.bank import synthetic_bank  # noqa: E402
from cmanalytics.workforce import dashboards  # noqa: E402


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(0)  # the bank `make reports` draws (16 branches)


def _scores():
    rng = np.random.default_rng(3)
    scores = pd.DataFrame(rng.uniform(2, 5, size=(120, 4)), columns=["pay", "development", "support", "team"])
    scores["branch"] = np.repeat([f"支行{k}" for k in range(1, 8)], [30, 25, 20, 20, 15, 7, 3])
    scores["gender"] = np.where(np.arange(120) % 3 == 0, "female", "male")
    return scores


DRAW = {
    "workforce_bank": lambda b, lang: dashboards.workforce_dashboard(b, lang=lang),
    "workforce_branch": lambda b, lang: dashboards.workforce_dashboard(b, branch="BR07", lang=lang),
    "contract_bank": lambda b, lang: dashboards.contract_dashboard(b, lang=lang),
    "contract_scores": lambda b, lang: dashboards.contract_dashboard(_scores(), groups=["branch", "gender"], lang=lang),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(DRAW))
def test_labels_readable_numbers_on_bars_and_a_caption(bank, name, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no CJK font: English labels, with a FontWarning
        fig = DRAW[name](bank, lang)
    assert text_problems(fig) == []
    caption = fig.texts[-1].get_text().replace("\n", " ")
    if fig.attrs["lang"] == "en":
        assert caption.startswith("What this shows:") and "What is hidden:" in caption and "n < 5" in caption
    else:
        assert caption.startswith("图示内容") and "不予显示" in caption
    # every bar drawn carries its number: as many value labels as non-empty bars in each bar panel
    for ax in fig.axes:
        bars = [
            p
            for p in ax.patches
            if isinstance(p, matplotlib.patches.Rectangle) and (p.get_height() > 0 and p.get_width() > 0)
        ]
        if bars and ax.get_title() and not ax.get_images():
            numbers = [t for t in ax.texts if any(ch.isdigit() for ch in t.get_text())]
            assert len(numbers) >= min(len(bars), 3), ax.get_title()
    plt.close(fig)


def test_histograms_draw_no_bin_of_fewer_than_min_cell_people():
    from cmanalytics.presentation import suppressed_hist

    fig, ax = plt.subplots()
    # by hand: ten people at 0.5, seven at 2.5, three at 5.5, one at 9.5; ten bins of 0.9 from 0.5 to 9.5:
    # bins 1 (10) and 3 (7) drawn; 3 people in bin 6 and 1 person in bin 10 hidden
    values = [0.5] * 10 + [2.5] * 7 + [5.5] * 3 + [9.5]
    shown, edges = suppressed_hist(ax, values, bins=10, min_cell=5)
    assert shown.tolist() == [10, 0, 7, 0, 0, 0, 0, 0, 0, 0]
    assert sorted(p.get_height() for p in ax.patches if p.get_height() > 0) == [7, 10]
    assert ax.texts[0].get_text() == "2 bin(s) of fewer than 5 people not drawn"
    plt.close(fig)
