"""The notebook check of make check: a cell with outputs is named; the committed notebooks are clean."""

from __future__ import annotations

import json

from cmanalytics.reporting.notebook_check import dirty_cells, main
from tests.conftest import REPO


def test_a_notebook_with_outputs_is_named(tmp_path, capsys):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "x"},
        {"cell_type": "code", "metadata": {}, "source": "1", "outputs": [], "execution_count": None},
        {
            "cell_type": "code",
            "metadata": {},
            "source": "2",
            "execution_count": 3,
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}, "metadata": {}}],
        },
    ]
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert dirty_cells(tmp_path / "a.ipynb") == [3]
    assert main([str(tmp_path)]) == 1 and "a.ipynb: cell(s) 3 carry outputs" in capsys.readouterr().err


def test_the_committed_notebooks_are_clean():
    assert main([str(REPO / "notebooks")]) == 0


def test_warnings_shown_in_a_cell_do_not_name_the_kernels_temporary_file():
    import nbformat

    from cmanalytics.reporting.notebooks import coalesce_streams

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stderr", text="/tmp/ipykernel_6641/45871891.py:7: PolicyWarning: a proposal\n"
        )
    ]
    nb.cells = [cell]
    assert coalesce_streams(nb).cells[0].outputs[0]["text"] == "cell: PolicyWarning: a proposal\n"
