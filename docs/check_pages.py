"""Check the built docs site as a reader sees it: every page has its title and no error block, and renders in
headless Chromium (a screenshot per page into docs/_build/_screenshots, checked to be a drawn page, not blank).

Run by `make docs` after the build. Without a Chromium on the machine (Debian: `apt-get install chromium`) the
screenshots are not taken and the script says so; the title and error checks still run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from matplotlib import image

BUILD = Path(__file__).resolve().parent / "_build"
SHOTS = BUILD / "_screenshots"
# A failed cell (nbconvert keeps its traceback), an exception printed in an output, mkdocstrings' or Markdown's
# own error text. Warnings printed by the notebooks (a PolicyWarning, a ReverseKeyWarning) are diagnostics the
# notebooks mean to show, not errors.
ERRORS = [
    re.compile(p)
    for p in (
        r"Traceback \(most recent call last\)",
        r"\b[A-Z]\w*(Error|Exception): ",
        r"application/vnd\.jupyter\.error",
        r"Could not collect",
        r"::: cmanalytics",
    )
]


def pages() -> list[Path]:
    return sorted(p for p in BUILD.rglob("*.html") if p.name != "404.html" and "_screenshots" not in p.parts)


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def check_html(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    problems = []
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    title = re.sub(r"<[^>]+>", "", h1.group(1)).strip() if h1 else ""
    if not title:
        problems.append("no title (h1)")
    body = text_of(html)
    problems += [f"error text {p.pattern!r}" for p in ERRORS if p.search(body)]
    return problems


def chromium() -> str | None:
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def screenshot(browser: str, page: Path) -> list[str]:
    out = SHOTS / page.relative_to(BUILD).with_suffix(".png")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--window-size=1280,1600",
                f"--screenshot={out}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if run.returncode != 0 or not out.exists():
        return [f"Chromium took no screenshot (exit {run.returncode})"]
    pixels = image.imread(out)[..., :3]
    # A drawn page has the header bar, text and white space: many distinct shades, not one colour.
    if pixels.std() < 0.05 or len(np.unique((pixels * 255).astype(int).reshape(-1, 3), axis=0)) < 50:
        return ["the screenshot is blank"]
    return []


def main() -> int:
    found = pages()
    if not found:
        print(f"no pages in {BUILD}: run `make docs` first")
        return 1
    problems = {p: check_html(p) for p in found}
    browser = chromium()
    if browser:
        shutil.rmtree(SHOTS, ignore_errors=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for p, shot in zip(found, pool.map(lambda p: screenshot(browser, p), found)):
                problems[p] += shot
        print(f"{len(found)} pages: screenshots in {SHOTS}")
    else:
        print(f"{len(found)} pages: no Chromium on this machine, so no screenshots (apt-get install chromium)")
    bad = {p: v for p, v in problems.items() if v}
    for p, v in bad.items():
        print(f"{p.relative_to(BUILD)}: " + "; ".join(v))
    print(f"{len(found) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
