"""The notebook check of make check: a cell with outputs is named; the committed notebooks are clean."""

from __future__ import annotations

import json

from cmanalytics.reporting.notebook_check import dirty_cells, main
from tests.conftest import REPO


def test_a_notebook_with_outputs_is_named(tmp_path, capsys):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "x"},
             {"cell_type": "code", "metadata": {}, "source": "1", "outputs": [], "execution_count": None},
             {"cell_type": "code", "metadata": {}, "source": "2", "execution_count": 3,
              "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}, "metadata": {}}]}]
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert dirty_cells(tmp_path / "a.ipynb") == [3]
    assert main([str(tmp_path)]) == 1 and "a.ipynb: cell(s) 3 carry outputs" in capsys.readouterr().err


def test_the_committed_notebooks_are_clean():
    assert main([str(REPO / "notebooks")]) == 0
