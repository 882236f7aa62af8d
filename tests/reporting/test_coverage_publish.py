"""Publishing a report folder: the swap without Linux's atomic exchange, a target that is a file, a folder
that is a file, and file-system errors described in one line."""

from __future__ import annotations

import errno

import pytest

from cmanalytics.errors import ReportError
from cmanalytics.reporting import publish


def _folder(path, text):
    path.mkdir()
    (path / "index.html").write_text(text, encoding="utf-8")
    return path


def test_swap_without_atomic_exchange_replaces_the_old_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)  # an old kernel or a file system without it
    stage, target = _folder(tmp_path / "stage", "new"), _folder(tmp_path / "reports", "old")
    publish.swap_in(stage, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]  # neither the stage nor the old copy left


def test_swap_into_a_file_is_refused(tmp_path):
    stage = _folder(tmp_path / "stage", "new")
    (tmp_path / "reports").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ReportError, match=r"reports exists and is not a folder; move it away"):
        publish.swap_in(stage, tmp_path / "reports")


def test_remove_takes_files_and_links_too(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(_folder(tmp_path / "kept", "kept"))
    publish._remove(f)
    publish._remove(link)  # the link goes, the folder it points to stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (errno.ENOSPC, "no space left on the device"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "permission denied"),
        (errno.ENOENT, "No such file or directory"),  # not one of the five: the system's own words
    ],
)
def test_os_errors_are_one_line_naming_the_path(code, text):
    import os

    assert publish.describe_os_error(OSError(code, os.strerror(code), "/srv/reports")) == f"{text} (/srv/reports)"
