"""Where the path diagram puts every element, read back from the matplotlib artists (mutation testing of
sem/diagram.py, issue 13, third session).

The places are those of the module's layout, written out by hand for two models of the Holzinger-Swineford
items: the items one unit apart on the row y = 0 (x1..x9 at 0..8), boxes 0.7 wide and 0.5 high; the factors on the
row y = 2.6 over the mean place of their items, ellipses 1.3 wide and 0.7 high; a loading from the bottom of the
ellipse (2.6 - 0.35 = 2.25) to the top of the box (0.25), labelled 60% of the way down (y = 2.25 - 0.6 x 2 = 1.05);
a regression between factors from 2.7 to 2.7, labelled at y = 3.15 over the middle; a factor covariance from the
tops of the ellipses' row (2.95) and a residual covariance from the bottoms of the boxes (-0.25), labelled over
(under) the middle at 0.9 (0.8) x min(1, span / 4 + 0.3) beyond the ends. The arcs must bend away from the other
row (covariances of factors and regressions between them upward, residual covariances downward), whatever the
order of the two names in the estimates; the labels of covariances sit just beyond the middle of their arc.
Line widths, font sizes and arrow-head sizes are style, not content: not tested here.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle  # noqa: E402

from cmanalytics.psychometrics.sem.diagram import path_diagram  # noqa: E402
from cmanalytics.psychometrics.sem.fitting import sem_fit  # noqa: E402
from tests.conftest import shared_scope  # noqa: E402
from tests.psychometrics.sem.conftest import SEM_REF  # noqa: E402

MODEL = """
visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ visual
textual ~~ speed
x2 ~~ x3
x5 ~~ x6
x7 ~~ x9
"""
# two items per factor: the factors at 0.5, 2.5, 4.5, so that covariance arcs of span 2 (label at 0.8 of the
# full offset) and 4 (the full offset) are drawn
PAIRS = """
f1 =~ x1 + x2
f2 =~ x4 + x5
f3 =~ x7 + x8
"""


@pytest.fixture(scope=shared_scope)
def data():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.fixture(scope=shared_scope)
def fit(data):
    return sem_fit(data, MODEL)


@pytest.fixture(scope=shared_scope)
def drawn(fit):
    ax = path_diagram(fit)
    ax.figure.canvas.draw()
    yield ax
    plt.close(ax.figure)


@pytest.fixture(scope=shared_scope)
def pairs(data):
    fit = sem_fit(data, PAIRS)
    ax = path_diagram(fit)
    ax.figure.canvas.draw()
    yield fit, ax
    plt.close(ax.figure)


def _std(fit, lhs, op, rhs):
    est = fit.estimates
    return est[(est["lhs"] == lhs) & (est["op"] == op) & (est["rhs"] == rhs)]["std.all"].item()


def _texts_at(ax, x, y):
    return [t for t in ax.texts if np.allclose(t.get_position(), (x, y), atol=1e-12)]


def _arrows(ax, style):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch) and type(p.get_arrowstyle()).__name__ == style]


def _ends(arrow):
    (xa, ya), (xb, yb) = arrow._posA_posB
    return xa, ya, xb, yb


def _arc_points(arrow):
    """The arc's quadratic Bezier in data coordinates (matplotlib draws it in display coordinates and gives the
    path back in data coordinates): its two ends (shortened by the arrow heads) and its control point."""
    v = arrow.get_path().vertices
    return v[0], v[1], v[2]


def _middle(arrow):
    a, c, b = _arc_points(arrow)
    return 0.25 * a + 0.5 * c + 0.25 * b  # the Bezier at t = 1/2


def test_one_element_per_node_and_path_and_nothing_else(drawn):
    """12 nodes (9 boxes, 3 ellipses), 9 loadings, 1 regression, 5 covariances (textual ~~ speed, visual ~~ speed,
    x2 ~~ x3, x5 ~~ x6, x7 ~~ x9): as many patches; 12 names and 15 estimates. Variances and intercepts are
    not drawn."""
    kinds = [type(p).__name__ for p in drawn.patches]
    assert sorted(set(kinds)) == ["Ellipse", "FancyArrowPatch", "Rectangle"]
    assert (kinds.count("Rectangle"), kinds.count("Ellipse")) == (9, 3)
    assert (len(_arrows(drawn, "CurveFilledB")), len(_arrows(drawn, "CurveFilledAB"))) == (10, 5)
    assert len(drawn.texts) == 12 + 15
    # the nodes are outlines, each name centred on its node
    assert not any(p.get_fill() for p in drawn.patches if isinstance(p, Rectangle | Ellipse))
    names = [t for t in drawn.texts if t.get_bbox_patch() is None]
    assert len(names) == 12
    assert all((t.get_ha(), t.get_va()) == ("center", "center") for t in names)


def test_nodes_where_the_layout_puts_them(drawn):
    boxes = sorted((p for p in drawn.patches if isinstance(p, Rectangle)), key=lambda p: p.get_xy()[0])
    assert len(boxes) == 9
    for k, p in enumerate(boxes):
        assert p.get_xy() == pytest.approx((k - 0.35, -0.25), abs=1e-12)
        assert (p.get_width(), p.get_height()) == pytest.approx((0.7, 0.5), abs=1e-12)
        assert [t.get_text() for t in _texts_at(drawn, k, 0.0)] == [f"x{k + 1}"]
    ellipses = sorted((p for p in drawn.patches if isinstance(p, Ellipse)), key=lambda p: p.center[0])
    assert [tuple(e.center) for e in ellipses] == [(1.0, 2.6), (4.0, 2.6), (7.0, 2.6)]
    assert all((e.width, e.height) == (1.3, 0.7) for e in ellipses)
    for name, x in (("visual", 1.0), ("textual", 4.0), ("speed", 7.0)):
        assert [t.get_text() for t in _texts_at(drawn, x, 2.6)] == [name]
        # the names have no patch behind them; the estimates have a white one
        assert _texts_at(drawn, x, 2.6)[0].get_bbox_patch() is None


def test_loadings_from_ellipse_bottom_to_box_top_labelled_sixty_percent_down(fit, drawn):
    arrows = _arrows(drawn, "CurveFilledB")
    places = {"visual": 1.0, "textual": 4.0, "speed": 7.0}
    for k in range(9):
        item, factor = f"x{k + 1}", ("visual", "textual", "speed")[k // 3]
        xf = places[factor]
        match = [a for a in arrows if np.allclose(_ends(a), (xf, 2.25, k, 0.25), atol=1e-12)]
        assert len(match) == 1, item
        label = _texts_at(drawn, xf + 0.6 * (k - xf), 1.05)
        assert [t.get_text() for t in label] == [f"{_std(fit, factor, '=~', item):.2f}"]
        # the estimate is written on a white patch with no edge, hiding the line under it
        patch = label[0].get_bbox_patch()
        assert patch.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
        assert patch.get_edgecolor()[3] == 0.0
        assert (label[0].get_ha(), label[0].get_va()) == ("center", "center")


def test_regression_arc_between_the_factors_labelled_over_its_middle(fit, drawn):
    one_way = [a for a in _arrows(drawn, "CurveFilledB") if _ends(a)[1] == _ends(a)[3]]
    assert len(one_way) == 1
    assert _ends(one_way[0]) == pytest.approx((1.0, 2.7, 4.0, 2.7), abs=1e-12)  # from visual to textual
    a, c, b = _arc_points(one_way[0])
    assert c[1] > 2.7 + 0.5  # the arc bends up, over the ellipses (whose tops are at 2.95)
    assert _middle(one_way[0])[1] > 2.95
    label = _texts_at(drawn, 2.5, 3.15)
    assert [t.get_text() for t in label] == [f"{_std(fit, 'textual', '~', 'visual'):.2f}"]
    # the label sits on the arc's middle (within a tenth of a unit)
    assert abs(_middle(one_way[0])[1] - 3.15) < 0.1


# (lhs, rhs, x of the left end, x of the right end, y of the ends, label's y)
COVARIANCES = [
    ("textual", "speed", 4.0, 7.0, 2.95, 2.95 + 0.9 * 1.0),  # span 3: min(1, 3/4 + 0.3) = 1
    ("x2", "x3", 1.0, 2.0, -0.25, -0.25 - 0.8 * 0.55),  # span 1: 1/4 + 0.3 = 0.55
    ("x5", "x6", 4.0, 5.0, -0.25, -0.25 - 0.8 * 0.55),
    ("x7", "x9", 6.0, 8.0, -0.25, -0.25 - 0.8 * 0.8),  # span 2: 2/4 + 0.3 = 0.8
]


@pytest.mark.parametrize(("lhs", "rhs", "xa", "xb", "y", "label_y"), COVARIANCES)
def test_covariance_arcs_bend_away_and_are_labelled_beyond_their_middle(fit, drawn, lhs, rhs, xa, xb, y, label_y):
    two_way = [a for a in _arrows(drawn, "CurveFilledAB") if np.allclose(_ends(a), (xa, y, xb, y), atol=1e-12)]
    assert len(two_way) == 1
    arc = two_way[0]
    up = y > 1  # the factors' row
    _, c, _ = _arc_points(arc)
    assert (c[1] > y + 0.1) if up else (c[1] < y - 0.1)  # away from the other row
    middle = _middle(arc)
    assert middle[0] == pytest.approx((xa + xb) / 2, abs=1e-4)
    label = _texts_at(drawn, (xa + xb) / 2, label_y)
    assert [t.get_text() for t in label] == [f"{_std(fit, lhs, '~~', rhs):.2f}"]
    # just beyond the arc's middle: outside the arc, within 0.3 of it
    beyond = label_y - middle[1] if up else middle[1] - label_y
    assert 0 < beyond < 0.3, (lhs, rhs, beyond)


def test_the_factor_covariance_of_span_six_reaches_the_top_and_keeps_the_full_offset(fit, drawn):
    arcs = [a for a in _arrows(drawn, "CurveFilledAB") if np.allclose(_ends(a), (1.0, 2.95, 7.0, 2.95), atol=1e-12)]
    assert len(arcs) == 1  # visual ~~ speed, the default covariance of the two exogenous factors
    assert [t.get_text() for t in _texts_at(drawn, 4.0, 2.95 + 0.9)] == [f"{_std(fit, 'visual', '~~', 'speed'):.2f}"]


def test_labels_depend_on_the_span_of_the_arc_not_on_its_place(pairs):
    """f1 ~~ f2 and f2 ~~ f3 span 2 (labels 0.9 x 0.8 = 0.72 over the ends), f1 ~~ f3 spans 4 (0.9); the items'
    places (0..5) and the factors' (0.5, 2.5, 4.5) as the layout's rule."""
    fit, ax = pairs
    assert sorted(e.center[0] for e in ax.patches if isinstance(e, Ellipse)) == [0.5, 2.5, 4.5]
    for lhs, rhs, xa, xb, y in (
        ("f1", "f2", 0.5, 2.5, 2.95 + 0.72),
        ("f2", "f3", 2.5, 4.5, 2.95 + 0.72),
        ("f1", "f3", 0.5, 4.5, 2.95 + 0.9),
    ):
        arcs = [a for a in _arrows(ax, "CurveFilledAB") if np.allclose(_ends(a), (xa, 2.95, xb, 2.95), atol=1e-12)]
        assert len(arcs) == 1
        assert [t.get_text() for t in _texts_at(ax, (xa + xb) / 2, y)] == [f"{_std(fit, lhs, '~~', rhs):.2f}"]


def test_the_axes_frame_the_drawing(drawn, pairs):
    assert drawn.get_xlim() == (-1.0, 9.0)  # one unit beyond the first item, up to the number of items
    assert drawn.get_ylim() == (-1.6, 4.2)
    assert tuple(drawn.figure.get_size_inches()) == pytest.approx((9.9, 4.5))  # 1.1 inch an item
    assert drawn.get_aspect() == "auto" and not drawn.axison
    _, ax = pairs
    assert ax.get_xlim() == (-1.0, 6.0)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((6.6, 4.5))


def test_a_small_model_gets_the_smallest_figure(data):
    ax = path_diagram(sem_fit(data, "f =~ x1 + x2 + x3"))
    size = tuple(ax.figure.get_size_inches())
    plt.close(ax.figure)
    assert size == pytest.approx((6.0, 4.5))  # 1.1 x 3 < 6 inches
    assert ax.get_xlim() == (-1.0, 3.0)


SECOND_ORDER = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\ng =~ visual + textual\ng ~ x7\nvisual ~~ 0.5*visual"


def _second_order(data):
    fit = sem_fit(data, SECOND_ORDER)
    ax = path_diagram(fit)
    ax.figure.canvas.draw()
    arcs = {(round(_ends(a)[0], 9), round(_ends(a)[2], 9)): a for a in _arrows(ax, "CurveFilledB")}
    return fit, ax, arcs


def test_arrows_of_an_observed_predictor_on_the_factors_row(data):
    """x7 predicts g (a second-order factor): x7 is a box on the factors' row, the regression an arc from it to g;
    g's place (p - 1)(k + 1/2)/L = 5 x 2.5 / 4 = 3.125 and x7's 5 x 3.5 / 4 = 4.375; the loadings of g on the
    factors are arcs from g to each, labelled over their middle."""
    fit, ax, arcs = _second_order(data)
    boxes = {round(p.get_xy()[0] + 0.35, 9): p.get_xy()[1] for p in ax.patches if isinstance(p, Rectangle)}
    assert boxes[4.375] == pytest.approx(2.6 - 0.25, abs=1e-12)
    assert sorted(boxes) == [0.0, 1.0, 2.0, 3.0, 4.0, 4.375, 5.0]
    assert not any(p.get_fill() for p in ax.patches if isinstance(p, Rectangle | Ellipse))  # outlines
    plt.close(ax.figure)
    for (xa, xb), (lhs, op, rhs) in {
        (3.125, 1.0): ("g", "=~", "visual"),
        (3.125, 4.0): ("g", "=~", "textual"),
        (4.375, 3.125): ("g", "~", "x7"),
    }.items():
        arc = arcs[(xa, xb)]
        assert _ends(arc)[1] == _ends(arc)[3] == pytest.approx(2.7, abs=1e-12)
        assert [t.get_text() for t in _texts_at(ax, (xa + xb) / 2, 3.15)] == [f"{_std(fit, lhs, op, rhs):.2f}"]


# ---------------------------------------------------------------- the arcs' side whatever the order written
# (a fix of this session: the arcs bent toward the other row when the estimates named the right-hand node first)


def test_arcs_bend_away_from_the_other_row_whatever_the_order_of_the_names(data):
    """x3 ~~ x2 names the right-hand item first, visual ~ textual has the predictor on the right: the residual
    covariance still bends down, under the boxes, and the regression up, over the ellipses."""
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~ textual\nx3 ~~ x2"
    fit = sem_fit(data, model)
    ax = path_diagram(fit)
    ax.figure.canvas.draw()
    cov = [a for a in _arrows(ax, "CurveFilledAB") if _ends(a)[1] < 0]
    assert len(cov) == 1
    assert sorted((_ends(cov[0])[0], _ends(cov[0])[2])) == [1.0, 2.0]
    assert _arc_points(cov[0])[1][1] < -0.25 - 0.1
    reg = [a for a in _arrows(ax, "CurveFilledB") if _ends(a)[1] == _ends(a)[3]]
    assert len(reg) == 1
    assert (_ends(reg[0])[0], _ends(reg[0])[2]) == (4.0, 1.0)  # from textual to visual
    assert _arc_points(reg[0])[1][1] > 2.7 + 0.5
    assert _middle(reg[0])[1] > 2.95
    plt.close(ax.figure)


def test_second_order_arcs_going_left_bend_up_too(data):
    """g (3.125) to visual (1) and x7 (4.375) to g go right to left: they bend up all the same."""
    _, ax, arcs = _second_order(data)
    plt.close(ax.figure)
    for xa, xb in ((3.125, 1.0), (3.125, 4.0), (4.375, 3.125)):
        assert _arc_points(arcs[(xa, xb)])[1][1] > 2.7 + 0.1, (xa, xb)
