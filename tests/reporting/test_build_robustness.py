"""The report build never loses the last good reports (issue 12): missing notebooks, a failing notebook, a full
disk, a failing swap, another build running, SIGTERM (in a subprocess) and a killed build's leftovers each
leave ``reports/`` exactly as it was, with a one-line reason and exit status 2; the folders are 0755 and the
files 0644 whatever the umask; two builds of the same inputs are identical byte for byte, HTML included."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cmanalytics.errors import ReportError
from cmanalytics.reporting import build, publish
from cmanalytics.reporting.notebooks import NotebookError, deterministic_html

REPO = Path(__file__).resolve().parents[2]


def notebook(folder: Path, name: str, *sources: str) -> Path:
    cells = [
        {"cell_type": "code", "id": f"c{k}", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
        for k, src in enumerate(sources)
    ]
    doc = {
        "cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": f"# {name}"}] + cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# A notebook that publishes a table and shows a pandas Styler (whose table id is random in pandas).
STYLED = (
    "import pandas as pd\nfrom cmanalytics.reporting.outputs import ReportOutputs\n"
    "out = ReportOutputs('styled')\ndf = pd.DataFrame({'a': [1.5, 2.25], 'b': [3, 4]})\n"
    "out.table(df, 'small')\ndf.style.format('{:.2f}').highlight_max()"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def good(tmp_path_factory, data_dir):
    """A last good report folder (built with one small notebook), and its bytes."""
    root = tmp_path_factory.mktemp("good")
    nbs = root / "nb"
    notebook(nbs, "styled", STYLED)
    out = build.build(root / "reports", data_dir=data_dir, notebooks=nbs)
    return root, out, nbs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}-"))


@pytest.fixture
def reports(tmp_path, good):
    """A copy of the good reports in a fresh folder, to be failed on."""
    import shutil

    _, out, _ = good
    target = tmp_path / "reports"
    shutil.copytree(out, target)
    return target


def test_two_builds_are_identical_byte_for_byte_html_included(good, tmp_path, data_dir):
    _, out, nbs = good
    again = build.build(tmp_path / "again", data_dir=data_dir, notebooks=nbs)
    first, second = snapshot(out), snapshot(again)
    assert sorted(first) == sorted(second)
    assert "notebooks/styled.html" in first and "styled/tables/small.csv" in first
    for name in first:
        assert first[name] == second[name], name
    page = first["notebooks/styled.html"].decode()
    assert "T_t0001" in page and "#T_t0001_row" in page  # the Styler's id, renamed in order of appearance


def test_styler_ids_are_renamed_in_order_of_appearance():
    page = "<style>#T_3fa2c_row0_col1 {x}</style><table id='T_3fa2c'></table><table id='T_0b1de'>T_3fa2c"
    assert deterministic_html(page) == (
        "<style>#T_t0001_row0_col1 {x}</style><table id='T_t0001'></table><table id='T_t0002'>T_t0001"
    )
    assert deterministic_html("T_abcdef and CT_12345") == "T_abcdef and CT_12345"  # not a Styler id


def test_modes_are_0755_and_0644_whatever_the_umask(tmp_path, data_dir, good):
    old = os.umask(0o077)
    try:
        out = build.build(tmp_path / "reports", data_dir=data_dir, notebooks=good[2])
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755
    for p in out.rglob("*"):
        assert p.stat().st_mode & 0o777 == (0o755 if p.is_dir() else 0o644), p


@pytest.mark.parametrize("make_folder", ["missing", "empty", "a file"])
def test_missing_or_empty_notebooks_folder_keeps_the_reports(reports, tmp_path, data_dir, capsys, make_folder):
    before = snapshot(reports)
    where = tmp_path / "nonexistent"
    if make_folder == "empty":
        where.mkdir()
    elif make_folder == "a file":
        where.write_text("not a folder")
    with pytest.raises(ReportError, match="nonexistent"):
        build.build(reports, data_dir=data_dir, notebooks=where)
    code = build.main(["--out", str(reports), "--data", str(data_dir), "--notebooks", str(where)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nonexistent" in err and "Traceback" not in err
    assert snapshot(reports) == before and siblings(reports) == []


def test_failing_notebook_keeps_the_reports(reports, tmp_path, data_dir, capsys):
    before = snapshot(reports)
    bad = tmp_path / "nb"
    notebook(bad, "broken", "1 / 0")
    with pytest.raises(NotebookError, match="broken.ipynb failed in cell 2: ZeroDivisionError"):
        build.build(reports, data_dir=data_dir, notebooks=bad)
    assert snapshot(reports) == before and siblings(reports) == []
    (bad / "broken.ipynb").write_text("{not json", encoding="utf-8")
    assert build.main(["--out", str(reports), "--data", str(data_dir), "--notebooks", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.ipynb cannot be read" in err
    assert snapshot(reports) == before and siblings(reports) == []


def test_full_disk_keeps_the_reports(reports, data_dir, monkeypatch, good):
    before = snapshot(reports)
    real = Path.write_text

    def full(self, *args, **kwargs):
        if self.name == "index.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(ReportError, match="no space left on the device .*index.html"):
        build.build(reports, data_dir=data_dir, notebooks=good[2])
    monkeypatch.undo()
    assert snapshot(reports) == before and siblings(reports) == []


def test_failing_swap_keeps_the_reports(reports, data_dir, monkeypatch, good):
    """A target that cannot be replaced (read-only file system, no permission) stops the build cleanly."""
    before = snapshot(reports)

    def refuse(a, b):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(b))

    monkeypatch.setattr(publish, "_exchange", refuse)
    with pytest.raises(ReportError, match=f"read-only file system \\({reports}\\)"):
        build.build(reports, data_dir=data_dir, notebooks=good[2])
    assert snapshot(reports) == before and siblings(reports) == []


def test_read_only_old_reports_do_not_poison_later_builds(reports, data_dir, good):
    for p in sorted(reports.rglob("*"), reverse=True):
        p.chmod(0o555 if p.is_dir() else 0o444)
    reports.chmod(0o555)
    (reports.parent / f".{reports.name}-old").mkdir(mode=0o555)  # an old folder left by an earlier failure
    out = build.build(reports, data_dir=data_dir, notebooks=good[2])
    assert out.stat().st_mode & 0o777 == 0o755 and snapshot(out) == snapshot(good[1])
    assert siblings(reports) == []


def test_a_killed_builds_leftovers_are_cleared_and_a_half_swap_restored(tmp_path, data_dir, good):
    import shutil

    reports = tmp_path / "reports"
    stale = tmp_path / ".reports-build-99999"
    (stale / "study").mkdir(parents=True)
    (stale / "study" / "half.csv").write_text("x")
    # killed between its two renames: the last good reports sit in .reports-old and reports/ is missing
    shutil.copytree(good[1], tmp_path / ".reports-old")
    before = snapshot(tmp_path / ".reports-old")
    with publish.build_lock(reports):
        assert publish.clear_leftovers(reports) == [stale]
    assert snapshot(reports) == before and siblings(reports) == []


def test_a_second_build_stops_with_a_message_or_waits(reports, data_dir, good):
    before = snapshot(reports)
    with publish.build_lock(reports):
        with pytest.raises(ReportError, match=f"another build of {reports} is running \\(pid {os.getpid()}"):
            build.build(reports, data_dir=data_dir, notebooks=good[2])
    assert snapshot(reports) == before
    held = threading.Event()

    def hold():
        with publish.build_lock(reports):
            held.set()
            time.sleep(1.0)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    t0 = time.perf_counter()
    with publish.build_lock(reports, wait=True):
        waited = time.perf_counter() - t0
    t.join()
    assert waited > 0.5


def test_sigterm_during_a_build_leaves_the_reports_and_no_staging(reports, tmp_path, data_dir):
    before = snapshot(reports)
    nbs = tmp_path / "slow"
    notebook(nbs, "slow", "import time\ntime.sleep(300)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cmanalytics.reporting.build",
            "--out",
            str(reports),
            "--data",
            str(data_dir),
            "--notebooks",
            str(nbs),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        stage = reports.parent / f".reports-build-{proc.pid}"
        deadline = time.monotonic() + 120
        while not (stage / "notebooks").exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert (stage / "notebooks").exists(), "the build never reached its notebooks"
        time.sleep(2.0)  # the kernel is running the slow cell
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 2
    assert err.strip().count("\n") == 0 and "interrupted by SIGTERM" in err, err
    assert snapshot(reports) == before and siblings(reports) == []


def test_printed_text_is_one_output_however_the_kernel_split_it():
    import nbformat

    from cmanalytics.reporting.notebooks import coalesce_streams, notebook_html

    def page(chunks):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("print('a'); print('b')", id="c1")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in chunks]
        nb.cells = [cell]
        return nb

    one, two = page(["a\nb\n"]), page(["a\n", "b\n"])
    assert coalesce_streams(two).cells[0].outputs[0]["text"] == "a\nb\n" and len(two.cells[0].outputs) == 2
    assert notebook_html(one) == notebook_html(two)
