"""A path diagram of a fitted model, drawn with matplotlib (no graphviz needed).

Latent variables are ellipses on the upper row, observed variables rectangles on the lower row, each
under its (first) factor (an observed predictor in a regression: a rectangle on the upper row); single-headed
arrows are loadings and regressions, curved double-headed arrows factor covariances and residual covariances;
labels are the standardized estimates (std.all), as ``semPlot::semPaths(fit, "std")`` draws them.
"""

from __future__ import annotations

import numpy as np

from cmanalytics.errors import ArgumentError

_Y_LV, _Y_OV = 2.6, 0.0  # the rows of the factors and of the items


def path_diagram(fit, *, group: int = 1, what: str = "std.all", ax=None, digits: int = 2):
    """Draw the model of ``fit`` (a CFAResult or SEMFit) for ``group``; returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    sem = getattr(fit, "sem", fit)
    if what not in ("est", "std.lv", "std.all"):
        raise ArgumentError(f"what={what!r}: label the paths with 'est', 'std.lv' or 'std.all'.")
    if not 1 <= group <= len(sem.group_labels):
        raise ArgumentError(f"group={group!r}: the model has {len(sem.group_labels)} group(s), numbered from 1.")
    est = sem.estimates[sem.estimates["group"] == group]
    x_ov, x_lv = _layout(sem.table.structure, est)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(x_ov)), 4.5))
    _draw_nodes(ax, x_ov, x_lv, observed=set(sem.table.structure.phantom))
    _draw_paths(ax, est, x_ov, x_lv, what, digits)
    ax.set_xlim(-1, max(len(x_ov), 2))
    ax.set_ylim(-1.6, 4.2)
    ax.set_aspect("auto")
    ax.axis("off")
    return ax


def _layout(st, est) -> tuple[dict, dict]:
    """The horizontal places: items side by side grouped under their (first) factor, in the model's order, then
    the items of no factor; each factor over the mean place of its items, and a factor with no items of its own
    (e.g. second-order) at :math:`(p - 1)(k + 1/2)/L`, k its place among the L latent variables."""
    ov = [v for v in st.ov if v not in st.phantom]
    lv = list(st.lv) + [v for v in st.phantom]
    home = {}
    for lhs, rhs in zip(est["lhs"], est["rhs"]):
        if rhs in ov and lhs in st.lv and rhs not in home:
            home[rhs] = lhs
    order = sorted(ov, key=lambda v: (lv.index(home[v]) if v in home else len(lv), ov.index(v)))
    x_ov = {v: float(k) for k, v in enumerate(order)}
    x_lv = {}
    for k, f in enumerate(lv):
        kids = [x_ov[v] for v in order if home.get(v) == f]
        x_lv[f] = float(np.mean(kids)) if kids else (len(order) - 1) * (k + 0.5) / max(len(lv), 1)
    return x_ov, x_lv


def _draw_nodes(ax, x_ov: dict, x_lv: dict, observed: set = frozenset()) -> None:
    """The boxes of the items and the ellipses of the factors, with their names; an observed variable on the
    factors' row (a predictor in a regression, which lavaan models as a phantom factor) is a box there."""
    from matplotlib.patches import Ellipse, Rectangle

    def box(x, y):
        ax.add_patch(Rectangle((x - 0.35, y - 0.25), 0.7, 0.5, fill=False, lw=1.2))

    for v, x in x_ov.items():
        box(x, _Y_OV)
        ax.text(x, _Y_OV, v, ha="center", va="center", fontsize=9)
    for f, x in x_lv.items():
        if f in observed:
            box(x, _Y_LV)
        else:
            ax.add_patch(Ellipse((x, _Y_LV), 1.3, 0.7, fill=False, lw=1.2))
        ax.text(x, _Y_LV, f, ha="center", va="center", fontsize=9)


def _label(ax, x, y, value, digits: int) -> None:
    """A path's estimate written on a white patch at (x, y)."""
    ax.text(
        x,
        y,
        f"{value:.{digits}f}",
        ha="center",
        va="center",
        fontsize=7,
        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"),
    )


def _draw_paths(ax, est, x_ov: dict, x_lv: dict, what: str, digits: int) -> None:
    """One arrow per loading, regression and covariance, labelled with its ``what`` column."""
    from matplotlib.patches import FancyArrowPatch

    y_lv, y_ov = _Y_LV, _Y_OV
    for _, row in est.iterrows():
        value = row[what]
        if row["op"] == "=~" and row["rhs"] in x_ov:
            start, end = (x_lv[row["lhs"]], y_lv - 0.35), (x_ov[row["rhs"]], y_ov + 0.25)
            ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, lw=0.9))
            _label(ax, start[0] + 0.6 * (end[0] - start[0]), start[1] + 0.6 * (end[1] - start[1]), value, digits)
        elif row["op"] in ("=~", "~") and row["lhs"] in x_lv and row["rhs"] in x_lv:
            a, b = (row["lhs"], row["rhs"]) if row["op"] == "=~" else (row["rhs"], row["lhs"])
            # arc3 bends to the left of the way it goes for a negative rad: up when going right, so going left
            # the sign is turned for the arc to bend up, over the factors, all the same
            rad = -0.25 if x_lv[a] <= x_lv[b] else 0.25
            ax.add_patch(
                FancyArrowPatch(
                    (x_lv[a], y_lv + 0.1),
                    (x_lv[b], y_lv + 0.1),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    lw=0.9,
                    connectionstyle=f"arc3,rad={rad}",
                )
            )
            _label(ax, (x_lv[a] + x_lv[b]) / 2, y_lv + 0.55, value, digits)
        elif row["op"] == "~~" and row["lhs"] != row["rhs"]:
            if row["lhs"] in x_lv and row["rhs"] in x_lv:
                xa, xb, y, rad, dy = x_lv[row["lhs"]], x_lv[row["rhs"]], y_lv + 0.35, -0.35, 0.9
            elif row["lhs"] in x_ov and row["rhs"] in x_ov:
                xa, xb, y, rad, dy = x_ov[row["lhs"]], x_ov[row["rhs"]], y_ov - 0.25, 0.35, -0.8
            else:
                continue
            # drawn left to right (it has two heads), so that the arc bends away from the other row
            xa, xb = sorted((xa, xb))
            ax.add_patch(
                FancyArrowPatch(
                    (xa, y), (xb, y), arrowstyle="<|-|>", mutation_scale=8, lw=0.8, connectionstyle=f"arc3,rad={rad}"
                )
            )
            _label(ax, (xa + xb) / 2, y + dy * min(1.0, abs(xb - xa) / 4 + 0.3), value, digits)
