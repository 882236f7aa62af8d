"""Where a notebook's figures and tables go when ``make reports`` runs it.

In Jupyter nothing is written: ``out.figure(fig, name)`` and ``out.table(df, name)`` return what they are
given, so the notebook shows it. When ``make reports`` executes the notebook it sets ``CMA_REPORT_DIR``,
and the same calls write ``<report dir>/<notebook>/figures/<name>.png`` and
``<report dir>/<notebook>/tables/<name>.{csv,xlsx,md}`` (deterministic bytes: PNGs without a timestamp,
workbooks with a fixed date). ``save_to=`` writes on request elsewhere (an explicit save). A figure is
written only when its labels are readable (:func:`cmanalytics.reporting.figure_check.check_figure`: no two
texts overlap, none is cut off); otherwise the build stops naming the figure and the labels.
"""

from __future__ import annotations

import os
from pathlib import Path

from cmanalytics.synthetic import DATA_DIR_ENV, data_dir  # noqa: F401 - where the notebooks find the data

REPORT_DIR_ENV = "CMA_REPORT_DIR"


def _ten_digits(df):
    """Floats to 10 significant digits for the files: an optimizer's (CFA's) last digits change from run to
    run with memory alignment and threads, and a rebuild must give the same bytes; no report prints more."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        return df
    out = df.copy()
    for j, dtype in enumerate(out.dtypes):  # by position: column labels may repeat
        if pd.api.types.is_float_dtype(dtype):
            out.iloc[:, j] = out.iloc[:, j].map(lambda v: float(f"{v:.10g}"))
    return out


class ReportOutputs:
    """Collects one notebook's figures and tables for the report (see the module docstring)."""

    def __init__(self, notebook: str, *, save_to: str | Path | None = None, note: str | None = None):
        root = save_to if save_to is not None else os.environ.get(REPORT_DIR_ENV)
        self.folder = Path(root) / notebook if root else None
        self.note = note

    def figure(self, fig, name: str):
        if self.folder is not None:
            from cmanalytics.reporting.figure_check import check_figure

            check_figure(fig, f"{self.folder.name}/figures/{name}.png")
            (self.folder / "figures").mkdir(parents=True, exist_ok=True)
            fig.savefig(self.folder / "figures" / f"{name}.png", dpi=110, metadata={"Software": None})
        return fig

    def table(self, df, name: str, note: str | None = None):
        if self.folder is not None:
            from cmanalytics.study.tables import export_tables

            # a suppressed table says so wherever it is published (the CSV keeps its `suppressed` column)
            said = " ".join(t for t in (note or self.note, df.attrs.get("suppression")) if t) or None
            export_tables({name: _ten_digits(df)}, self.folder / "tables", formats=("csv", "xlsx", "md"), note=said)
        return df
