"""Teaching notebooks export as reveal.js slides: one slide per heading and per exercise, the notebook
itself untouched, the other notebooks skipped."""

from __future__ import annotations

from pathlib import Path

import nbformat

from cmanalytics.reporting.slides import slides_html, write_teaching_slides

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_one_slide_per_heading_and_exercise(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "05a_adequacy.ipynb", as_version=4)
    opening = [c for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith(("#", "**Exercise"))]
    before = nbformat.writes(nb)
    html = slides_html(nb)
    assert nbformat.writes(nb) == before  # metadata set on a copy
    assert "reveal" in html.lower()
    # nbconvert wraps each slide in an outer <section> holding one inner <section> per subslide
    assert html.count("<section") == 2 * len(opening) and len(opening) >= 6
    other = nbformat.read(NOTEBOOKS / "01_psychological_contract_study.ipynb", as_version=4)
    written = write_teaching_slides({"05a_adequacy": nb, "01_psychological_contract_study": other}, tmp_path)
    assert [p.name for p in written] == ["05a_adequacy.slides.html"]
    assert (tmp_path / "05a_adequacy.slides.html").read_text(encoding="utf-8") == html
