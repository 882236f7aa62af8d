"""What the display tests of the result classes share (test_mutants_results_3*.py): the psych reference of
make_results_3.R, the ../shared data, and the printed layout of summary() and repr() built here from its rules
(fixed decimals with NaN blank, a caption over dashes, labels padded to the longest), independently of the
package's presentation code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REFERENCE, shared_scope

REF_DIR = Path(__file__).resolve().parents[1] / "reference" / "mutants"
REF = json.loads((REF_DIR / "results_3.json").read_text())
SHARED = REFERENCE  # ../shared/reference, or $CMA_SHARED/reference
HS = json.loads((SHARED / "holzinger_swineford_1939.json").read_text())
ATT_ITEMS = ["rating", "complaints", "privileges", "learning", "raises", "critical", "advance"]
HS_ITEMS = [f"x{i}" for i in range(1, 10)]


def f3(x):
    return f"{x:.3f}"


def table_text(df, digits=3):
    """A table as the summaries print it (fixed decimals, NaN blank), built here with pandas."""
    return df.to_string(float_format=lambda v: "" if np.isnan(v) else f"{v:.{digits}f}", na_rep="")


def block(text, caption):
    """The lines of the table under ``caption`` (caption, dashes, table) up to the next blank line."""
    lines = text.split("\n")
    i = lines.index(caption)
    assert lines[i + 1] == "-" * len(caption)
    out = []
    for line in lines[i + 2 :]:
        if line == "":
            break
        out.append(line)
    return "\n".join(out)


def rows_text(title, rows):
    """The title over '=' and the rows, labels padded to the longest."""
    width = max(len(k) for k, _ in rows)
    return [title, "=" * len(title)] + [f"{k.ljust(width)}  {v}" for k, v in rows]


def repr_text(cls, title, rows, n_warnings=0):
    """repr(): the class, the title and the first six rows, and the count of warnings."""
    figures = ", ".join(f"{k}={v}" for k, v in rows[:6])
    extra = f", {n_warnings} warning(s)" if n_warnings else ""
    return f"<{cls} {title}: {figures}{extra}>"


@pytest.fixture(scope=shared_scope)
def attitude():
    return pd.read_csv(SHARED / "attitude.csv")


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SHARED / "holzinger_swineford_1939.csv")
