"""What the path diagram shows, read back from the drawn artists: the places of the items (side by side, grouped
under their first factor) and of the factors (over their items), arrows that join the node they leave to the node
they reach, in the direction of the path, labels that are the estimates asked for and sit on their path, and the
arguments (group, what, digits, ax) honoured. The layout rules are those of the module's docstring; each
expectation is written out from the drawing's own nodes (an arrow must touch the ellipse and the box it joins),
not from the module's constants. Line widths, font sizes and arrow-head sizes are style, not content: untested."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle  # noqa: E402

from cmanalytics.errors import ArgumentError  # noqa: E402
from cmanalytics.psychometrics.sem.diagram import path_diagram  # noqa: E402
from cmanalytics.psychometrics.sem.fitting import sem_fit  # noqa: E402
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import SEM_REF  # noqa: E402

MODEL = """
visual =~ x1 + x2 + x3 + x9
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ visual
x2 ~~ x3
speed ~~ textual
"""


@pytest.fixture(scope=shared_scope)
def data():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.fixture(scope=shared_scope)
def fit(data):
    # the columns out of order in the data: the drawing follows the model
    return sem_fit(data[["x9", "x4", "x1", "x2", "x3", "x5", "x6", "x7", "x8"]], MODEL)


@pytest.fixture(scope=shared_scope)
def drawn(fit):
    ax = path_diagram(fit)
    yield ax
    plt.close(ax.figure)


def _nodes(ax):
    """name -> (centre x, centre y, half width, half height, kind) from the patches and the texts at their centres."""
    centres = {}
    for p in ax.patches:
        if isinstance(p, Rectangle):
            x0, y0 = p.get_xy()
            centres[(round(x0 + p.get_width() / 2, 9), round(y0 + p.get_height() / 2, 9))] = (
                p.get_width() / 2,
                p.get_height() / 2,
                "box",
            )
        elif isinstance(p, Ellipse):
            cx, cy = p.center
            centres[(round(cx, 9), round(cy, 9))] = (p.width / 2, p.height / 2, "ellipse")
    out = {}
    for t in ax.texts:
        x, y = t.get_position()
        key = (round(x, 9), round(y, 9))
        if key in centres:
            hw, hh, kind = centres[key]
            out[t.get_text()] = (x, y, hw, hh, kind)
    return out


def _arrows(ax, heads: int | None = None):
    """The arrows; with ``heads``, only the single-headed (1: '-|>') or double-headed (2: '<|-|>') ones."""
    style = {1: "CurveFilledB", 2: "CurveFilledAB"}.get(heads)
    return [
        p
        for p in ax.patches
        if isinstance(p, FancyArrowPatch) and (style is None or type(p.get_arrowstyle()).__name__ == style)
    ]


def _ends(arrow):
    (xa, ya), (xb, yb) = arrow._posA_posB  # matplotlib keeps the two end points given to the constructor
    return xa, ya, xb, yb


def test_items_side_by_side_under_their_first_factor(drawn):
    nodes = _nodes(drawn)
    boxes = {v: n for v, n in nodes.items() if n[4] == "box"}
    assert set(boxes) == {f"x{i}" for i in range(1, 10)}
    # grouped by first factor (x9 loads on visual first, so it stands with visual's items), in the model's order
    # of the items, not the data's
    order = sorted(boxes, key=lambda v: boxes[v][0])
    assert order == ["x1", "x2", "x3", "x9", "x4", "x5", "x6", "x7", "x8"]
    assert [boxes[v][0] for v in order] == list(range(9))  # one unit apart
    assert len({boxes[v][1] for v in order}) == 1  # one row
    widths = {2 * boxes[v][2] for v in order}
    assert len(widths) == 1 and widths.pop() < 1  # boxes do not touch


def test_factors_on_a_higher_row_each_over_its_items(drawn):
    nodes = _nodes(drawn)
    ellipses = {f: n for f, n in nodes.items() if n[4] == "ellipse"}
    assert set(ellipses) == {"visual", "textual", "speed"}
    item_row = nodes["x1"][1]
    assert len({e[1] for e in ellipses.values()}) == 1
    assert ellipses["visual"][1] - ellipses["visual"][3] > item_row + nodes["x1"][3]  # above the boxes
    # over the mean place of the items whose first factor it is
    assert ellipses["visual"][0] == pytest.approx(np.mean([0, 1, 2, 3]), abs=1e-12)  # x1, x2, x3, x9
    assert ellipses["textual"][0] == pytest.approx(np.mean([4, 5, 6]), abs=1e-12)
    assert ellipses["speed"][0] == pytest.approx(np.mean([7, 8]), abs=1e-12)  # x9 stands under visual


def test_loading_arrows_join_ellipse_to_box_and_carry_the_estimate_on_the_line(fit, drawn):
    nodes = _nodes(drawn)
    est = fit.estimates
    loadings = est[(est["op"] == "=~")]
    arrows = _arrows(drawn, heads=1)
    seen = 0
    for _, row in loadings.iterrows():
        fx, fy, _, fhh, _ = nodes[row["lhs"]]
        ix, iy, _, ihh, _ = nodes[row["rhs"]]
        start, end = (fx, fy - fhh), (ix, iy + ihh)  # the bottom of the ellipse, the top of the box
        match = [a for a in arrows if np.allclose(_ends(a), (*start, *end), atol=1e-12)]
        assert len(match) == 1, (row["lhs"], row["rhs"])
        seen += 1
        label = f"{row['std.all']:.2f}"
        on_line = []
        for t in drawn.texts:
            if t.get_text() != label:
                continue
            tx, ty = t.get_position()
            cross = (end[0] - start[0]) * (ty - start[1]) - (end[1] - start[1]) * (tx - start[0])
            between = min(start[1], end[1]) < ty < max(start[1], end[1])
            on_line.append(abs(cross) < 1e-9 and between)
        assert any(on_line), (row["lhs"], row["rhs"], label)
    assert seen == 10


def test_regression_arrow_points_from_predictor_to_outcome(fit, drawn):
    nodes = _nodes(drawn)
    xv, xt = nodes["visual"][0], nodes["textual"][0]
    one_way = [a for a in _arrows(drawn, heads=1) if {_ends(a)[0], _ends(a)[2]} == {xv, xt}]
    assert len(one_way) == 1
    xa, ya, xb, yb = _ends(one_way[0])
    assert (xa, xb) == (xv, xt)  # leaves visual, reaches textual
    assert nodes["visual"][1] - nodes["visual"][3] < ya < nodes["visual"][1] + nodes["visual"][3]  # within the row
    beta = fit.estimates.query("lhs == 'textual' and op == '~' and rhs == 'visual'")["std.all"].item()
    labels = [t for t in drawn.texts if t.get_text() == f"{beta:.2f}"]
    assert any(t.get_position()[0] == pytest.approx((xv + xt) / 2) for t in labels)
    # above the ellipses, where the arc bends
    assert any(t.get_position()[1] > nodes["visual"][1] + nodes["visual"][3] for t in labels)


def test_covariances_are_double_headed_and_labelled_on_the_outside(fit, drawn):
    nodes = _nodes(drawn)
    est = fit.estimates
    two_way = _arrows(drawn, heads=2)
    # factor covariances: visual~~speed (the model's default) and speed~~textual; one residual covariance x2~~x3
    covs = est[(est["op"] == "~~") & (est["lhs"] != est["rhs"])]
    assert len(two_way) == len(covs)
    for _, row in covs.iterrows():
        a, b = nodes[row["lhs"]], nodes[row["rhs"]]
        factor = a[4] == "ellipse"
        y_end = a[1] + a[3] if factor else a[1] - a[3]  # the top of the ellipses, the bottom of the boxes
        match = [
            w for w in two_way if {round(_ends(w)[0], 9), round(_ends(w)[2], 9)} == {round(a[0], 9), round(b[0], 9)}
        ]
        assert len(match) == 1, (row["lhs"], row["rhs"])
        _, ya, _, yb = _ends(match[0])
        assert ya == pytest.approx(y_end) and yb == pytest.approx(y_end)
        label = f"{row['std.all']:.2f}"
        spots = [t.get_position() for t in drawn.texts if t.get_text() == label]
        mid = (a[0] + b[0]) / 2
        outside = [y > y_end if factor else y < y_end for x, y in spots if x == pytest.approx(mid)]
        assert any(outside), (row["lhs"], row["rhs"])


def test_everything_drawn_lies_within_the_axes(drawn):
    x0, x1 = drawn.get_xlim()
    y0, y1 = drawn.get_ylim()
    for p in drawn.patches:
        if isinstance(p, FancyArrowPatch):
            xa, ya, xb, yb = _ends(p)
            pts = [(xa, ya), (xb, yb)]
        elif isinstance(p, Ellipse):
            cx, cy = p.center
            pts = [(cx - p.width / 2, cy - p.height / 2), (cx + p.width / 2, cy + p.height / 2)]
        else:
            x, y = p.get_xy()
            pts = [(x, y), (x + p.get_width(), y + p.get_height())]
        for x, y in pts:
            assert x0 <= x <= x1 and y0 <= y <= y1
    for t in drawn.texts:
        x, y = t.get_position()
        assert x0 <= x <= x1 and y0 <= y <= y1
    assert not drawn.axison


@pytest.mark.parametrize(("what", "digits"), [("est", 3), ("std.lv", 1), ("std.all", 4)])
def test_labels_are_the_column_asked_for_to_the_digits_asked_for(fit, what, digits):
    ax = path_diagram(fit, what=what, digits=digits)
    texts = {t.get_text() for t in ax.texts}
    plt.close(ax.figure)
    est = fit.estimates
    shown = est[(est["op"].isin(["=~", "~"])) | ((est["op"] == "~~") & (est["lhs"] != est["rhs"]))]
    want = {f"{v:.{digits}f}" for v in shown[what]}
    assert want <= texts
    others = {"est", "std.lv", "std.all"} - {what}
    # a label that only another column would give is not there (each column differs here in the 2nd decimal)
    for other in others:
        extra = {f"{v:.{digits}f}" for v in shown[other]} - want
        assert not (extra & texts) or extra <= want


def test_draws_into_the_axes_given(fit):
    fig, ax = plt.subplots()
    out = path_diagram(fit, ax=ax)
    assert out is ax
    assert len(fig.axes) == 1
    assert sum(isinstance(p, Rectangle) for p in ax.patches) == 9
    plt.close(fig)


def test_each_group_is_drawn_with_its_own_estimates(data):
    fit2 = sem_fit(data, "visual =~ x1 + x2 + x3", group="school")
    labels = fit2.sem.group_labels if hasattr(fit2, "sem") else fit2.group_labels
    assert len(labels) == 2
    for g in (1, 2):
        ax = path_diagram(fit2, group=g)
        texts = {t.get_text() for t in ax.texts}
        plt.close(ax.figure)
        est = fit2.estimates
        mine = est[(est["group"] == g) & (est["op"] == "=~")]["std.all"]
        other = est[(est["group"] == 3 - g) & (est["op"] == "=~")]["std.all"]
        assert {f"{v:.2f}" for v in mine} <= texts
        assert not ({f"{v:.2f}" for v in other} - {f"{v:.2f}" for v in mine}) & texts
    for bad in (0, 3):
        with pytest.raises(ArgumentError) as e:
            path_diagram(fit2, group=bad)
        assert str(e.value) == f"group={bad!r}: the model has 2 group(s), numbered from 1."


def test_what_refused_word_for_word(fit):
    with pytest.raises(ArgumentError) as e:
        path_diagram(fit, what="std")
    assert str(e.value) == "what='std': label the paths with 'est', 'std.lv' or 'std.all'."


def test_nodes_are_outlines_with_their_names_centred(drawn):
    """A filled node would hide its name: boxes and ellipses are outlines, each name centred on its node."""
    shapes = [p for p in drawn.patches if isinstance(p, Rectangle | Ellipse)]
    assert len(shapes) == 12
    assert not any(p.get_fill() for p in shapes)
    names = {f"x{i}" for i in range(1, 10)} | {"visual", "textual", "speed"}
    for t in drawn.texts:
        if t.get_text() in names:
            assert (t.get_ha(), t.get_va()) == ("center", "center")


def test_an_observed_predictor_is_a_box_and_a_second_order_factor_is_spread(data):
    """x7 predicts g: lavaan models it as a phantom factor, so it stands on the factors' row, but as a box (it is
    observed), and the regression is an arrow from it to g. g (second order) and x7 have no items of their own:
    with p = 6 items on the lower row and L = 4 nodes on the upper (visual, textual, g, x7), the k-th of them
    (from 0) stands at (p - 1)(k + 1/2)/L: g (k = 2) at 5 x 2.5 / 4 = 3.125, x7 (k = 3) at 5 x 3.5 / 4 = 4.375."""
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\ng =~ visual + textual\ng ~ x7\nvisual ~~ 0.5*visual"
    fit = sem_fit(data, model)
    ax = path_diagram(fit)
    nodes = _nodes(ax)
    plt.close(ax.figure)
    lower = {v: n[0] for v, n in nodes.items() if n[4] == "box" and n[1] == nodes["x1"][1]}
    assert sorted(lower, key=lower.get) == ["x1", "x2", "x3", "x4", "x5", "x6"]
    assert nodes["x7"][4] == "box" and nodes["x7"][1] == nodes["g"][1]  # on the upper row, as a box
    assert nodes["g"][4] == "ellipse"
    assert nodes["g"][0] == pytest.approx(3.125, abs=1e-12)
    assert nodes["x7"][0] == pytest.approx(4.375, abs=1e-12)
    assert nodes["visual"][0] == pytest.approx(1.0, abs=1e-12)
    assert nodes["textual"][0] == pytest.approx(4.0, abs=1e-12)
    beta = fit.estimates.query("lhs == 'g' and op == '~' and rhs == 'x7'")["std.all"].item()
    regress = [a for a in _arrows(ax, heads=1) if (_ends(a)[0], _ends(a)[2]) == (nodes["x7"][0], nodes["g"][0])]
    assert len(regress) == 1  # from x7 to g
    assert f"{beta:.2f}" in {t.get_text() for t in ax.texts}
