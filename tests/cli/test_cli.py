"""The command line: numbers as the library gives them, files written where asked, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from cmanalytics.cli import main
from tests.conftest import REFERENCE, match_columns


def test_efa_json_matches_the_r_reference(capsys):
    ref = json.loads((REFERENCE / "holzinger_swineford_1939.json").read_text())
    assert main(["efa", str(REFERENCE / "holzinger_swineford_1939.csv"), "--factors", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kmo"] == pytest.approx(ref["kmo"], abs=1e-8)
    assert out["bartlett"]["chi2"] == pytest.approx(ref["bartlett"]["chi2"], abs=1e-8)
    ours = np.array([out["loadings"][i] for i in ref["items"]])
    theirs = np.asarray(ref["pca_varimax"]["loadings"]["values"])
    np.testing.assert_allclose(match_columns(ours, theirs)[0], theirs, atol=1e-8)


def test_alpha_text_and_reverse(capsys):
    assert main(["alpha", str(REFERENCE / "attitude.csv"), "--columns", "rating,complaints,learning"]) == 0
    assert "Cronbach's Alpha" in capsys.readouterr().out
    assert main(["alpha", str(REFERENCE / "attitude.csv"), "--reverse", "critical", "--scale", "0-100", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["item_stats"]) == {"rating", "complaints", "privileges", "learning", "raises", "critical", "advance"}


def test_study_writes_tables_from_the_twin(tmp_path, capsys):
    assert main(["study", "--out", str(tmp_path / "t"), "--lang", "zh"]) == 0
    assert (tmp_path / "t" / "table1_rotated_matrix_A.xlsx").exists()
    assert "薪资待遇" in (tmp_path / "t" / "table1_rotated_matrix_A.md").read_text(encoding="utf-8")


def test_errors_exit_with_status_2():
    run = subprocess.run(
        [sys.executable, "-m", "cmanalytics", "efa", "no_such_file.csv"], capture_output=True, text=True
    )
    assert run.returncode == 2 and "no survey export at no_such_file.csv" in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "cmanalytics", "efa", str(REFERENCE / "attitude.csv"), "--factors", "9"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "9 factors cannot be extracted from 7 items" in run.stderr


def test_report_shows_progress_and_a_failing_notebook_exits_non_zero(tmp_path):
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "broken.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "id": "c1", "execution_count": null, "metadata": {}, "outputs": [], '
        '"source": "x = 1"}, {"cell_type": "code", "id": "c2", "execution_count": null, "metadata": {}, '
        '"outputs": [], "source": "undefined_name"}], "metadata": {"kernelspec": {"name": "python3", '
        '"display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}',
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    out.mkdir()
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    from tests.conftest import REPO

    data = REPO / "data" / "synthetic"  # committed: read, not written
    run = subprocess.run(
        [sys.executable, "-m", "cmanalytics", "report", "--out", str(out), "--data", str(data), "--notebooks", str(nb)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "[1/5] synthetic data" in run.stdout and "[3/5] the built-in example's tables" in run.stdout
    assert "notebook broken.ipynb failed in cell 2" in run.stderr and "NameError" in run.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous build"  # the old reports stay


def test_scorecard_and_compare_are_wired_to_the_banks_commands(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "cmanalytics", "scorecard", "nobody"], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 2 and run.stderr.startswith("cmanalytics: error: ") and "'nobody'" in run.stderr
    run = subprocess.run([sys.executable, "-m", "cmanalytics", "--help"], capture_output=True, text=True)
    assert "scorecard" in run.stdout and "compare" in run.stdout and "codebook" in run.stdout
