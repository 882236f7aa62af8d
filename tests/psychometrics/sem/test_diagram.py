"""The path diagram draws one box per item, one ellipse per factor, one arrow per path (counted by hand)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle  # noqa: E402

import cmanalytics as cma  # noqa: E402
from cmanalytics.psychometrics.sem.diagram import path_diagram  # noqa: E402
from tests.psychometrics.sem.conftest import SEM_REF  # noqa: E402


def test_boxes_ellipses_and_arrows():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = cma.cfa(data, "visual =~ x1 + x2 + x3 + x9\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nx2 ~~ x3")
    ax = path_diagram(fit)
    patches = ax.patches
    assert sum(isinstance(p, Rectangle) for p in patches) == 9
    assert sum(isinstance(p, Ellipse) for p in patches) == 3
    # 10 loadings + 3 factor covariances + 1 residual covariance
    assert sum(isinstance(p, FancyArrowPatch) for p in patches) == 14
    texts = {t.get_text() for t in ax.texts}
    assert {"x1", "x9", "visual", "speed"} <= texts
    # the standardized loading of x1 on visual, to two decimals, is among the labels
    std = fit.estimates.query("lhs == 'visual' and rhs == 'x1'")["std.all"].item()
    assert f"{std:.2f}" in texts
    with pytest.raises(cma.errors.ArgumentError, match="what"):
        path_diagram(fit, what="z")
