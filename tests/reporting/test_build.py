"""`make reports` into a temporary folder: every page, table and link exists; no page shows an error;
a rebuild gives the same tables byte for byte; a failed build leaves the previous reports in place."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.reporting import build
from cmanalytics.reporting.notebooks import NotebookError
from tests.privacy import ADDITIVE, CATEGORIES, leaks

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    out = build.build(root / "reports", data_dir=root / "data", notebooks=REPO / "notebooks")
    return root, out


NOTEBOOKS = [
    "01_psychological_contract_study",
    "02_reliability_and_validity",
    "03_performance_models",
    "04_workforce_health_dashboard",
    "05_teaching_survey_methods",
    "06_your_own_survey",
]


def test_every_link_resolves_and_no_page_shows_an_error(built):
    _, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    images = re.findall(r"src='([^']+)'", index)
    assert any(k.startswith("notebooks/") for k in links) and any(k.startswith("study/") for k in links)
    for link in links + images:
        assert (out / link).exists(), link
    for name in NOTEBOOKS:
        assert f"notebooks/{name}.html" in links
    # each notebook's figures are shown on the index and its tables published in three formats
    dash = out / "04_workforce_health_dashboard"
    for fig in ("workforce_dashboard_bank", "workforce_dashboard_branch_BR07", "contract_dashboard"):
        assert f"04_workforce_health_dashboard/figures/{fig}.png" in images
        assert (dash / "figures" / f"{fig}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for table in ("headcount_and_floor", "caseload_against_caps", "contract_scores_by_branch"):
        for ext in ("csv", "xlsx", "md"):
            assert (dash / "tables" / f"{table}.{ext}").exists(), (table, ext)
    for sub in ("02_reliability_and_validity", "03_performance_models", "05_teaching_survey_methods"):
        assert any((out / sub / "figures").glob("*.png")) and any((out / sub / "tables").glob("*.xlsx")), sub
    for ext in ("csv", "xlsx", "md"):
        assert (out / "example" / f"kmo_bartlett.{ext}").exists()
    for page in (out / "notebooks").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Traceback" not in html and "output_error" not in html, page.name
    nb = (out / "notebooks" / "01_psychological_contract_study.html").read_text(encoding="utf-8")
    assert "INCONSISTENT" in nb  # the notebook shows the audit
    for name in (
        "table1_rotated_matrix_A",
        "table2_rotated_matrix_B",
        "table3_ranking_A",
        "table3_ranking_B",
        "published_vs_reproduced",
        "audit_of_published_figures",
        "cleaning_by_rule",
    ):
        for ext in ("csv", "xlsx", "md"):
            assert (out / "study" / f"{name}.{ext}").exists(), (name, ext)
    assert "NOT the study's data" in (out / "study" / "table1_rotated_matrix_A.md").read_text(encoding="utf-8")


def test_rebuild_is_byte_identical_and_failure_keeps_previous(built, tmp_path):
    root, out = built
    again = build.build(tmp_path / "again", data_dir=root / "data", notebooks=REPO / "notebooks")
    compared = 0
    first = sorted(f.relative_to(out) for f in out.rglob("*") if f.is_file())
    assert first == sorted(f.relative_to(again) for f in again.rglob("*") if f.is_file())
    for rel in first:  # every file, the notebooks' HTML pages and the index included
        a, b = (out / rel).read_bytes(), (again / rel).read_bytes()
        if a != b:
            k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            pytest.fail(
                f"{rel} differs at byte {k}: {a[max(0, k - 300) : k + 300]!r} vs {b[max(0, k - 300) : k + 300]!r}"
            )
        compared += 1
    assert compared > 100 and any(rel.suffix == ".html" for rel in first)
    bad = tmp_path / "nb"
    bad.mkdir()
    (bad / "broken.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "id": "c1", "execution_count": null, "metadata": {}, "outputs": [], '
        '"source": "1 / 0"}], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", '
        '"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}',
        encoding="utf-8",
    )
    before = sorted(p.name for p in again.rglob("*"))
    with pytest.raises(NotebookError, match="broken.ipynb failed in cell 1"):
        build.build(again, data_dir=root / "data", notebooks=bad)
    assert sorted(p.name for p in again.rglob("*")) == before


def _report_tables(out: Path):
    for f in sorted(out.glob("*/tables/*.csv")) + sorted((out / "study").glob("*.csv")):
        df = pd.read_csv(f)
        if df.columns[0].startswith("Unnamed"):
            df = df.drop(columns=df.columns[0])
        yield f.relative_to(out).as_posix(), df


def _structure(df: pd.DataFrame):
    # text columns: object, or pandas' own string dtype (the default for text read from a CSV since pandas 3)
    keys = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)]
    group = next((c for c in keys if (df[c] == "all").any()), None)
    blocks = [c for c in keys if c != group]
    category = next((c for c in blocks if c in CATEGORIES), None)
    sizes = None
    if category is not None and "share" in df.columns:
        # a group's size is known to a reader from any published count and share (n / share)
        pairs = df[df["n"].notna() & (df["share"] > 0)]
        by = pairs[group] if group else pd.Series("all", index=pairs.index)
        sizes = (pairs["n"] / pairs["share"]).round().groupby(by).first().to_dict()
    return group, blocks, category, sizes


def test_no_report_table_leaks_a_small_group(built):
    """The differencing attack (tests/privacy.py) on every table the report build writes: no count under
    min_cell, no statistic of a blank group, no blank recovered from totals or margins, and no blank in one
    table published in another table of the same groups; the cleaning audit is counts per rule only."""
    _, out = built
    tables = dict(_report_tables(out))
    assert len(tables) > 40
    examined = blanks = 0
    for name, df in tables.items():
        group, blocks, category, sizes = _structure(df)
        wide = None
        if {"corporate_cm", "personal_cm", "wealth_manager", "customer_managers"} <= set(df.columns):
            wide = (["corporate_cm", "personal_cm", "wealth_manager"], "customer_managers")
        problems = leaks(df, group=group, blocks=blocks, category=category, group_sizes=sizes, wide=wide)
        assert not problems, (name, problems[:5])
        examined += any(c in ADDITIVE for c in df.columns)
        blanks += int(df[[c for c in df.columns if c in ADDITIVE]].isna().to_numpy().sum())
    assert examined >= 15 and blanks >= 1  # the report does have small groups, and they are blank
    # across tables: a figure blank in one table must not be published in another of the same groups
    seen: dict = {}
    for name, df in tables.items():
        group, blocks, _, _ = _structure(df)
        if group is None:
            continue
        for col in [c for c in df.columns if c in ADDITIVE]:
            keyed = df.set_index([group, *blocks])[col]
            for other, values in seen.get((group, tuple(blocks), col), []):
                both = keyed.index.intersection(values.index)
                shown = both[keyed[both].notna().to_numpy() & values[both].notna().to_numpy()]
                if len(shown) and np.allclose(keyed[shown], values[shown]):  # the same figure
                    mismatch = both[keyed[both].isna().to_numpy() != values[both].isna().to_numpy()]
                    assert not len(mismatch), (name, other, col, list(mismatch)[:5])
            seen.setdefault((group, tuple(blocks), col), []).append((name, keyed))
    # notebook 03's own tables (exam by grade, grade distribution, assignment balance) go through the
    # package's suppression: a row for the whole that the attack above differences against, blanks marked
    for table, count in (
        ("exam_scheme_B_by_grade", "candidates"),
        ("annual_grade_distribution", "managers"),
        ("assignment_balance_by_level", "managers"),
    ):
        df = tables[f"03_performance_models/tables/{table}.csv"]
        group, _, _, _ = _structure(df)
        assert group is not None and count in ADDITIVE and "suppressed" in df.columns, table
    # the cleaning is published as counts per rule, never respondent by respondent
    assert not any("audit_trail" in n for n in tables)
    assert list(tables["study/cleaning_by_rule.csv"].columns) == ["rule", "removed", "suppressed"]
    root = out.parent
    twin = (
        next((root / "data").glob("psychological_contract_twin_seed0.csv"), None)
        or REPO / "data" / "synthetic" / "psychological_contract_twin_seed0.csv"
    )
    rejected = set(cma.study.clean(pd.read_csv(twin)).report["respondent_id"].astype(str))
    assert len(rejected) == 38
    for page in [*(out / "notebooks").glob("*.html"), *out.rglob("*.csv"), *out.rglob("*.md")]:
        text = page.read_text(encoding="utf-8")
        named = [r for r in rejected if re.search(rf"\b{r}\b", text)]
        assert not named, (page.name, named[:3])


def test_the_contract_dashboards_tables_do_not_leak(built):
    """The tables behind notebook 04's contract dashboard (the bank the build draws, its figure's
    ``attrs["tables"]``), attacked as the published tables are."""
    from cmanalytics.synthetic import bank as synthetic
    from cmanalytics.workforce.dashboards import contract_tables

    root, _ = built
    bank = synthetic.load_bank(root / "data" / "bank_seed0")
    tables = contract_tables(bank)
    assert set(tables) == {"contract_scores", "leave_by_fulfilment", "appraisal_by_fulfilment", "wellbeing_by_hours"}
    for name, df in tables.items():
        if "share_intending_to_leave" in df:  # the count behind the share is what a reader differences
            df = df.assign(leavers=(df["share_intending_to_leave"] * df["n"]).round())
        if "share_4_or_more" in df:
            df = df.assign(respondents=(df["share_4_or_more"] * df["n"]).round())
        group, blocks, _, _ = _structure(df)
        assert group is not None, name
        problems = leaks(df, group=group, blocks=blocks)
        assert not problems, (name, problems[:5])
