"""How results look: plain-text summaries and the Jupyter (HTML) view.

Results call these helpers; nothing here computes a statistic.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

_CSS = (
    "<style>.cma-result{font-family:system-ui,sans-serif;font-size:13px}"
    ".cma-result h4{margin:.6em 0 .3em}.cma-result table{border-collapse:collapse;margin-bottom:.6em}"
    ".cma-result td,.cma-result th{padding:2px 8px;text-align:right;border-bottom:1px solid #ddd}"
    ".cma-result th{background:#f4f4f4}.cma-warn{color:#a40000}.cma-note{color:#555}</style>"
)


def fmt(x, digits: int = 3) -> str:
    """A number as SPSS prints it: fixed decimals, '.000' style p-values kept, NaN as blank."""
    if x is None:
        return ""
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isnan(x):
        return ""
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}f}"


def frame_text(df: pd.DataFrame, digits: int = 3) -> str:
    return df.to_string(float_format=lambda v: fmt(v, digits), na_rep="")


def frame_html(df: pd.DataFrame, digits: int = 3) -> str:
    return df.to_html(float_format=lambda v: fmt(v, digits), na_rep="", border=0)


def text_report(
    title: str,
    rows: Sequence[tuple[str, str]] = (),
    tables: Iterable[tuple[str, pd.DataFrame]] = (),
    warnings: Sequence[str] = (),
    notes: Sequence[str] = (),
    digits: int = 3,
) -> str:
    """A summary as plain text: a title, labelled values, tables, then warnings and notes."""
    out = [title, "=" * len(title)]
    width = max((len(k) for k, _ in rows), default=0)
    out += [f"{k.ljust(width)}  {v}" for k, v in rows]
    for caption, df in tables:
        out += ["", caption, "-" * len(caption), frame_text(df, digits)]
    if warnings:
        out += ["", "Warnings:"] + [f"  ! {w}" for w in warnings]
    if notes:
        out += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(out)


def html_report(
    title: str,
    rows: Sequence[tuple[str, str]] = (),
    tables: Iterable[tuple[str, pd.DataFrame]] = (),
    warnings: Sequence[str] = (),
    notes: Sequence[str] = (),
    digits: int = 3,
) -> str:
    """The same content as :func:`text_report`, for Jupyter."""
    parts = [_CSS, '<div class="cma-result">', f"<h4>{html.escape(title)}</h4>"]
    if rows:
        parts.append(
            "<table>"
            + "".join(
                f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows
            )
            + "</table>"
        )
    for caption, df in tables:
        parts.append(f"<h4>{html.escape(caption)}</h4>{frame_html(df, digits)}")
    if warnings:
        parts.append("".join(f"<p class='cma-warn'>&#9888; {html.escape(w)}</p>" for w in warnings))
    if notes:
        parts.append("".join(f"<p class='cma-note'>{html.escape(n)}</p>" for n in notes))
    parts.append("</div>")
    return "".join(parts)


class Reportable:
    """Mixin for result dataclasses: ``summary()`` prints, ``_repr_html_`` shows in Jupyter.

    A subclass implements ``_report()`` returning ``(title, rows, tables, warnings, notes)``.
    """

    def _report(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self, digits: int = 3) -> str:
        """The result as text, laid out like the SPSS or R psych output it reproduces."""
        title, rows, tables, warnings, notes = self._report()
        return text_report(title, rows, tables, warnings, notes, digits)

    def _repr_html_(self) -> str:
        title, rows, tables, warnings, notes = self._report()
        return html_report(title, rows, tables, warnings, notes)

    def to_frame(self) -> pd.DataFrame:
        """The result's key figures as a tidy table (statistic, value); results with a natural table of
        their own (loadings, item statistics, parameter estimates) override this with it."""
        _title, rows, tables, _warnings, _notes = self._report()
        if not rows and tables:
            return next(iter(tables))[1]
        return pd.DataFrame(list(rows), columns=["statistic", "value"]).set_index("statistic")

    def __repr__(self) -> str:
        """One line of key figures; ``print(res)`` and ``res.summary()`` give the full tables."""
        title, rows, _tables, warnings, _notes = self._report()
        figures = ", ".join(f"{k}={v}" for k, v in list(rows)[:6])
        extra = f", {len(warnings)} warning(s)" if warnings else ""
        return f"<{type(self).__name__} {title}: {figures}{extra}>"

    def __str__(self) -> str:
        return self.summary()


def suppressed_hist(ax, values, *, bins: int = 20, min_cell: int = 5, color: str = "#4c72b0"):
    """A histogram of people that shows no group of fewer than ``min_cell``: a bin holding 1 to
    ``min_cell - 1`` people is not drawn (a tail bin of one person would show that person's value), and the
    axes say how many bins were left out. Returns ``(counts drawn, bin edges)``; hidden bins count 0.
    The same rule as the tables' small-cell suppression (``min_cell=``, 5 by default)."""
    x = np.asarray(values, float)
    counts, edges = np.histogram(x[np.isfinite(x)], bins=bins)
    hidden = (counts > 0) & (counts < min_cell)
    shown = np.where(hidden, 0, counts)
    ax.bar(edges[:-1], shown, width=np.diff(edges), align="edge", color=color)
    if hidden.any():
        ax.text(
            0.99,
            0.98,
            f"{int(hidden.sum())} bin(s) of fewer than {min_cell} people not drawn",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            color="#a40000",
        )
    return shown, edges
