"""What a user sees: summaries and the Jupyter view."""

from __future__ import annotations

import numpy as np

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford


def test_sorted_loadings_group_items_by_dominant_factor_and_blank_small_ones():
    res = cma.efa(holzinger_swineford(), n_factors=3, method="pca", rotation="varimax")
    view = res.sorted_loadings(blank=0.4)
    lam = res.loadings.loc[view.index].to_numpy()
    dominant = np.abs(lam).argmax(axis=1)
    assert (np.diff(dominant) >= 0).all()  # grouped by factor, in factor order
    for j in range(3):
        block = np.abs(lam[dominant == j, j])
        assert (np.diff(block) <= 0).all()  # largest first within a factor
    assert view.isna().to_numpy().sum() == (np.abs(lam) < 0.4).sum()
    assert res.loadings.notna().all().all()  # the result itself is untouched


def test_summary_and_html_show_the_spss_tables():
    res = cma.efa(holzinger_swineford(), n_factors=3, method="paf", rotation="promax").view(blank=0.3)
    text = res.summary()
    for heading in (
        "Pattern Matrix",
        "Structure Matrix",
        "Factor Correlation Matrix",
        "Communalities",
        "Total Variance Explained",
        "Principal Axis Factoring",
        "Promax with Kaiser normalization",
    ):
        assert heading in text
    html = res._repr_html_()
    assert "<table" in html and "Pattern Matrix" in html and "blanked" in html
    for result in (
        cma.kmo(holzinger_swineford()),
        cma.bartlett(holzinger_swineford()),
        cma.cronbach_alpha(holzinger_swineford()),
        cma.parallel_analysis(holzinger_swineford(), n_iter=20, seed=0),
    ):
        assert "<table" in result._repr_html_() and result.summary() == str(result)
        assert "\n" not in repr(result) and repr(result).startswith(f"<{type(result).__name__} ")


def test_kaiser_labels():
    k = cma.kmo(holzinger_swineford())
    assert k.label == "middling"  # 0.752: Kaiser (1974) calls .70s middling
