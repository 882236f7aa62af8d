"""Executing notebooks headless (nbclient) and rendering them to HTML (nbconvert)."""

from __future__ import annotations

import re
from pathlib import Path

from cmanalytics.errors import CmanalyticsError


class NotebookError(CmanalyticsError, RuntimeError):
    """A notebook cell raised an error while the reports were built."""


def execute_notebook(path: Path, *, cwd: Path, timeout: int = 600):
    """Run every cell of a notebook from a clean kernel; a failing cell raises :class:`NotebookError`
    naming the notebook and the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next((k for k, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = f"cell {index + 1}" if index is not None else "a cell"
        last = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])     # no terminal colours
        raise NotebookError(f"notebook {path.name} failed in {where}: {last}") from None
    return nb


def notebook_html(nb) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    return body
