"""Is every label of a figure readable? No two texts overlap and none is cut off at the figure's edge.

``text_problems(fig)`` draws the figure (Agg, its own size and dpi), takes the bounding box of every text
that is drawn - titles, axis labels, the tick labels matplotlib actually shows, legends, annotations, numbers
on bars, captions - and reports each pair whose boxes overlap and each text that reaches outside the figure.
:class:`cmanalytics.reporting.outputs.ReportOutputs` runs it on every figure ``make reports`` writes, and the
tests run it on every dashboard.

Why hand-written: matplotlib's layout engines move axes apart but never check texts placed in data
coordinates (numbers on bars, heatmap cells, reference-line labels) against each other.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from cmanalytics.errors import CmanalyticsError


class FigureLayoutError(CmanalyticsError, ValueError):
    """A figure has overlapping or cut-off labels."""


def _tick_labels(fig) -> tuple[list, set]:
    """(the tick labels drawn, the ids of all tick-label artists): matplotlib keeps Text objects for ticks
    outside the view, which are not drawn and must not count."""
    drawn, every = [], set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.majorTicks + axis.minorTicks:
                every.update({id(tick.label1), id(tick.label2)})
            if not (ax.axison and axis.get_visible() and ax.get_visible()):
                continue
            for tick in axis._update_ticks():  # the ticks inside the view: what Axis.draw draws
                drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return drawn, every


def _drawn_texts(fig) -> list:
    from matplotlib.text import Text

    ticks, tick_ids = _tick_labels(fig)
    others = [
        t
        for t in fig.findobj(Text)
        if id(t) not in tick_ids
        and t.get_visible()
        and all(a.get_visible() for a in (t.axes, t.get_figure()) if a is not None)
    ]
    texts = [t for t in ticks + others if t.get_text().strip()]
    # legends: visible only while their legend is
    return [t for t in texts if not (hasattr(t, "_legend") and t._legend is not None and not t._legend.get_visible())]


def _label(t) -> str:
    text = t.get_text().replace("\n", " ")
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _corners(t, box, renderer) -> np.ndarray:
    """The four corners of a text's own (possibly rotated) rectangle, in pixels. The axis-aligned box of a
    rotated label is far larger than the label, so neighbouring slanted tick labels would always seem to
    overlap: the rectangle is rebuilt from the unrotated size about the box's centre."""
    angle = np.deg2rad(t.get_rotation())
    if abs(np.sin(2 * angle)) < 1e-9:  # 0, 90, 180, 270 degrees: the box is the rectangle
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    rotation = t.get_rotation()
    t.set_rotation(0)
    flat = t.get_window_extent(renderer)
    t.set_rotation(rotation)
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [flat.width / 2, flat.height / 2]
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return half @ turn.T + [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]


def _overlap(a: np.ndarray, b: np.ndarray, tolerance: float) -> bool:
    """Separating-axis test of two convex quadrilaterals: they overlap by more than ``tolerance`` pixels
    when no edge direction of either separates their projections by more than that."""
    for poly in (a, b):
        for k in range(4):
            edge = poly[(k + 1) % 4] - poly[k]
            axis = np.array([-edge[1], edge[0]]) / np.hypot(*edge)
            pa, pb = a @ axis, b @ axis
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= tolerance:
                return False
    return True


def text_problems(fig, *, tolerance: float = 1.0) -> list[str]:
    """Overlapping and cut-off texts of ``fig``, one line each (empty when every label is readable).

    Two texts overlap when their rectangles (rotated with the text) share more than ``tolerance`` pixels
    across every separating direction; a text is cut off when its box reaches more than ``tolerance``
    pixels beyond the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = _drawn_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    edge = fig.bbox
    problems = [
        f"{_label(t)} is cut off at the figure's edge"
        for t, b in zip(texts, boxes)
        if b.x0 < edge.x0 - tolerance
        or b.y0 < edge.y0 - tolerance
        or b.x1 > edge.x1 + tolerance
        or b.y1 > edge.y1 + tolerance
    ]
    shapes = [_corners(t, b, renderer) for t, b in zip(texts, boxes)]
    for (s, a, pa), (t, b, pb) in combinations(zip(texts, boxes, shapes), 2):
        if (
            min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
            and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance
            and _overlap(pa, pb, tolerance)
        ):
            problems.append(f"{_label(s)} overlaps {_label(t)}")
    return problems


def check_figure(fig, name: str = "figure") -> None:
    """Raise :class:`FigureLayoutError` naming the figure and its unreadable labels."""
    problems = text_problems(fig)
    if problems:
        shown = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more" if len(problems) > 8 else "")
        raise FigureLayoutError(f"{name}: {len(problems)} unreadable label(s): {shown}")
