"""The teaching course (notebooks 05a-05e): every solutions notebook runs from a clean kernel, within a
minute, and its asserts hold: the methods recover the truth that cmanalytics.datasets.teaching_survey put
into the data (parallel analysis finds the true number of factors, Tucker congruence above 0.95, oblimin's
factor correlations within 0.15 of the true ones, weighting by tenure bands corrects the MAR bias, ...).
The student notebooks are committed without outputs and each has exercises with a matching solution."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from cmanalytics.reporting.notebook_check import dirty_cells
from cmanalytics.reporting.notebooks import execute_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
COURSE = ["05a_adequacy", "05b_extraction", "05c_how_many_factors", "05d_rotation", "05e_reliability_missing_careless"]


@pytest.mark.parametrize("stem", COURSE)
def test_solutions_run_and_recover_the_truth(stem):
    path = NOTEBOOKS / "solutions" / f"{stem}_solutions.ipynb"
    asyncio.set_event_loop(asyncio.new_event_loop())
    start = time.perf_counter()
    nb = execute_notebook(path, cwd=path.parent, timeout=120)     # a failing assert raises NotebookError
    assert time.perf_counter() - start < 60, f"{path.name} must run in under a minute"
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "assert" in sources and "teaching_survey(" in sources


@pytest.mark.parametrize("stem", COURSE)
def test_student_notebook_has_exercises_and_no_outputs(stem):
    student, solutions = NOTEBOOKS / f"{stem}.ipynb", NOTEBOOKS / "solutions" / f"{stem}_solutions.ipynb"
    assert dirty_cells(student) == [] and dirty_cells(solutions) == []
    exercises = [c for c in json.loads(student.read_text(encoding="utf-8"))["cells"]
                 if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("**Exercise")]
    answered = [c for c in json.loads(solutions.read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("**Exercise")]
    assert len(exercises) >= 2 and [c["source"] for c in exercises] == [c["source"] for c in answered]
