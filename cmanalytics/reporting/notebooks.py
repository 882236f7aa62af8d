"""Executing notebooks headless (nbclient) and rendering them to HTML (nbconvert)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cmanalytics.errors import ReportError


class NotebookError(ReportError):
    """A notebook cell raised an error while the reports were built."""


def execute_notebook(path: Path, *, cwd: Path, timeout: int = 600):
    """Run every cell of a notebook from a clean kernel; a failing cell raises :class:`NotebookError`
    naming the notebook and the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and OS errors alike
        raise NotebookError(
            f"notebook {Path(path).name} cannot be read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    _RUNNING.add(client)
    try:
        # The kernel's own stderr (start-up notices) would break the build's one-line failure message;
        # what a cell prints or raises comes back through the messages, not through it.
        client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        index = next(
            (
                k
                for k, c in enumerate(nb.cells)
                if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        where = f"cell {index + 1}" if index is not None else "a cell"
        last = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])  # no terminal colours
        raise NotebookError(f"notebook {path.name} failed in {where}: {last}") from None
    finally:
        _RUNNING.discard(client)
    return nb


_RUNNING: set = set()  # the clients executing now, so an interrupted build can stop their kernels


def kill_running_kernels() -> None:
    """Kill the kernel process of every notebook still executing (an interrupted build: an orphaned kernel
    would otherwise run on)."""
    for client in list(_RUNNING):
        process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass


def notebook_html(nb, *, code: bool = True) -> str:
    """The executed notebook as one HTML page (``code=False`` leaves the code cells out: dashboard pages)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input = not code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(coalesce_streams(nb))
    return deterministic_html(body)


def coalesce_streams(nb):
    """A copy of the notebook in which consecutive stdout (or stderr) outputs of a cell are one output: how
    the kernel splits printed text into messages depends on timing, so two runs would differ there."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                # a warning shown in a cell names the kernel's temporary file (/tmp/ipykernel_<pid>/<hash>.py);
                # the place is "this cell" in every run
                out = {**out, "text": _KERNEL_FILE.sub("cell", out["text"])}
            if (
                out.get("output_type") == "stream"
                and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")
            ):
                merged[-1]["text"] = merged[-1]["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
    return nb


_KERNEL_FILE = re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+")

# pandas' Styler names each table ``T_`` + five random hex digits (a uuid4 prefix) and repeats that id in
# its CSS selectors and cell ids; two builds of the same notebook would differ only there.
_STYLER_ID = re.compile(r"\bT_([0-9a-f]{5})(?=_|\b)")


def deterministic_html(body: str) -> str:
    """The page with every random Styler table id replaced by its order of appearance (``T_t0001``...), so
    that the same notebook gives the same bytes."""
    order: dict[str, str] = {}

    def rename(m):
        return "T_" + order.setdefault(m.group(1), f"t{len(order) + 1:04d}")

    return _STYLER_ID.sub(rename, body)
