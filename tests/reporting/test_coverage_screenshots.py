"""The screenshot check end to end in headless Chromium (installed on the CI machine, as `make screenshots`
needs it): a page of large black text is drawn, an empty page is found blank, an empty folder is named."""

from __future__ import annotations

import shutil

import pytest

from cmanalytics.reporting import screenshots


def test_a_blank_page_is_found_and_a_drawn_page_passes(tmp_path, capsys):
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.fail("no Chromium on this machine: the CI machine has /usr/bin/chromium (apt-get install chromium)")
    site = tmp_path / "site"
    site.mkdir()
    (site / "drawn.html").write_text(
        "<html><body style='background:white'><h1 style='font-size:120px'>cmanalytics report</h1>"
        "<div style='width:900px;height:600px;background:black'></div></body></html>",
        encoding="utf-8",
    )
    (site / "blank.html").write_text("<html><body style='background:white'></body></html>", encoding="utf-8")
    assert screenshots.main([str(site)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "screenshots: blank.html: renders blank\n"
    assert captured.out == f"2 page(s) rendered to {site / 'screenshots'}; 1 problem(s)\n"
    assert (site / "screenshots" / "drawn.html.png").stat().st_size > 0


def test_a_folder_without_pages_is_named(tmp_path):
    assert screenshots.check_reports(tmp_path) == [f"no HTML pages under {tmp_path}"]


def test_without_chromium_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(screenshots.shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match="apt-get install chromium"):
        screenshots.chromium()
