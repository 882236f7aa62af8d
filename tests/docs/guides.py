"""What the "From SPSS" and "From R" tests share: the stored R results, read so that a missing file FAILS,
and the tables of the two pages, read so that every row names the test that backs it."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from tests.conftest import REFERENCE, REPO, match_columns

LOCAL = REPO / "tests" / "reference"
DOCS = REPO / "docs" / "content"
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def shared(name: str) -> dict:
    """A JSON of R results in ../shared/reference (psych and lavaan on published data). Missing is a failure."""
    path = REFERENCE / name
    assert path.exists(), f"R reference {path} is missing (set CMA_SHARED to the shared folder)"
    return json.loads(path.read_text())


def holzinger() -> tuple[pd.DataFrame, dict]:
    path = REFERENCE / "holzinger_swineford_1939.csv"
    assert path.exists(), f"data {path} is missing (set CMA_SHARED to the shared folder)"
    return pd.read_csv(path), shared("holzinger_swineford_1939.json")


def local_csv(name: str, **kw) -> pd.DataFrame:
    path = LOCAL / name
    assert path.exists(), f"R reference {path} is missing"
    return pd.read_csv(path, **kw)


def block(b: dict) -> np.ndarray:
    return np.asarray(b["values"], dtype=float)


def matched(ours: pd.DataFrame, theirs: dict) -> tuple[np.ndarray, tuple, np.ndarray]:
    """Our loadings with columns permuted and signed to R's (factor order and sign are arbitrary)."""
    return match_columns(ours.to_numpy(), block(theirs))


def table_rows(page: str) -> list[list[str]]:
    """The body rows of every table on a docs page, as lists of cell texts."""
    rows = []
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not re.match(r"^\|\s*-", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return [r for r in rows if not r[-1].lower().startswith("checked by")]


def backing_tests(page: str) -> list[str]:
    """The test names in the last column of a page's tables (`test_...`), one or more per row."""
    names = []
    for row in table_rows(page):
        found = re.findall(r"`(test_\w+)`", row[-1])
        assert found, f"{page}: the row {row[0]!r} names no test backing it"
        names += found
    return names


def missing_backing_tests(page: str, module_globals: dict, at_least: int) -> list[str]:
    """The tests a page's rows name that the test module does not define (there must be ``at_least`` names)."""
    names = backing_tests(page)
    assert len(names) >= at_least, f"{page}: {len(names)} backing tests named, fewer than {at_least}"
    return [n for n in names if not callable(module_globals.get(n))]
