"""The teaching notebooks as slides (reveal.js), as ``jupyter nbconvert --to slides`` makes them.

A notebook becomes one slide per heading and per exercise: a markdown cell that starts with ``#`` or with
``**Exercise`` opens a new slide, every other cell continues the current one (nbconvert's ``slide_type``
metadata "slide" and "-", set on a copy; the notebook itself is not changed). Code cells show their input
and outputs, so pass the executed notebook for slides with results.

For the build (``make reports``), after the notebooks are executed::

    write_teaching_slides(executed, stage / "slides")     # executed: {stem: executed notebook}

writes ``slides/<stem>.slides.html`` for each teaching notebook (05a-05e). reveal.js is loaded from its CDN
when the slides are opened (nbconvert's default), so the page needs a network connection to present.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

TEACHING = re.compile(r"^05[a-z]_")


def slide_notebook(nb):
    """A copy of ``nb`` with nbconvert's slide metadata: headings and exercises open a slide."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        opens = cell.cell_type == "markdown" and cell.source.lstrip().startswith(("#", "**Exercise"))
        cell.metadata["slideshow"] = {"slide_type": "slide" if opens else "-"}
    return out


def slides_html(nb) -> str:
    """The reveal.js page of a notebook (``jupyter nbconvert --to slides``, without input prompts)."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(slide_notebook(nb))
    return body


def write_teaching_slides(executed: dict, folder: Path) -> list[Path]:
    """Write ``<folder>/<stem>.slides.html`` for every teaching notebook (stem ``05a_...`` to ``05e_...``)
    among ``executed`` ({stem: notebook}); the others are skipped. Returns the paths written, sorted."""
    folder = Path(folder)
    written = []
    for stem in sorted(executed):
        if TEACHING.match(stem):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{stem}.slides.html"
            path.write_text(slides_html(executed[stem]), encoding="utf-8")
            written.append(path)
    return written
