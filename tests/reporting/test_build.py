"""`make reports` into a temporary folder: every page, table and link exists; no page shows an error;
a rebuild gives the same tables byte for byte; a failed build leaves the previous reports in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cmanalytics.reporting import build
from cmanalytics.reporting.notebooks import NotebookError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    out = build.build(root / "reports", data_dir=root / "data", notebooks=REPO / "notebooks")
    return root, out


NOTEBOOKS = ["01_psychological_contract_study", "02_reliability_and_validity", "03_performance_models",
             "04_workforce_health_dashboard", "05_teaching_survey_methods"]


def test_every_link_resolves_and_no_page_shows_an_error(built):
    _, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    images = re.findall(r"src='([^']+)'", index)
    assert any(l.startswith("notebooks/") for l in links) and any(l.startswith("study/") for l in links)
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
    for name in ("table1_rotated_matrix_A", "table2_rotated_matrix_B", "table3_ranking_A", "table3_ranking_B",
                 "published_vs_reproduced", "audit_of_published_figures", "cleaning_audit_trail"):
        for ext in ("csv", "xlsx", "md"):
            assert (out / "study" / f"{name}.{ext}").exists(), (name, ext)
    assert "NOT the study's data" in (out / "study" / "table1_rotated_matrix_A.md").read_text(encoding="utf-8")


def test_rebuild_is_byte_identical_and_failure_keeps_previous(built, tmp_path):
    root, out = built
    again = build.build(tmp_path / "again", data_dir=root / "data", notebooks=REPO / "notebooks")
    compared = 0
    first = sorted(f.relative_to(out) for f in out.rglob("*") if f.is_file())
    assert first == sorted(f.relative_to(again) for f in again.rglob("*") if f.is_file())
    for rel in first:       # every file, the notebooks' HTML pages and the index included
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel
        compared += 1
    assert compared > 100 and any(rel.suffix == ".html" for rel in first)
    bad = tmp_path / "nb"
    bad.mkdir()
    (bad / "broken.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "id": "c1", "execution_count": null, "metadata": {}, "outputs": [], '
        '"source": "1 / 0"}], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", '
        '"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    before = sorted(p.name for p in again.rglob("*"))
    with pytest.raises(NotebookError, match="broken.ipynb failed in cell 1"):
        build.build(again, data_dir=root / "data", notebooks=bad)
    assert sorted(p.name for p in again.rglob("*")) == before
