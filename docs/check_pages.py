"""Check the built docs site as a reader sees it: every page has its title and no error block, renders in
headless Chromium (a screenshot per page into docs/_build/_screenshots, checked to be a drawn page, not
blank), and holds no Chinese character that no installed font draws. The screenshot, blank and glyph checks
are the report's (``cmanalytics.reporting.screenshots``, `make screenshots`).

Run by `make docs` after the build. Without a Chromium on the machine (Debian: `apt-get install chromium`) the
screenshots are not taken and the script says so; the title, error and glyph checks still run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from matplotlib import image

from cmanalytics.reporting.screenshots import chromium, covered, is_blank, missing_glyphs, page_text, screenshot

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


def check_html(page: Path, fonts: set[int]) -> list[str]:
    html = page.read_text(encoding="utf-8")
    problems = []
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    title = re.sub(r"<[^>]+>", "", h1.group(1)).strip() if h1 else ""
    if not title:
        problems.append("no title (h1)")
    body = page_text(page)
    problems += [f"error text {p.pattern!r}" for p in ERRORS if p.search(body)]
    missing = missing_glyphs(body, points=fonts)
    if missing:
        problems.append(f"no installed font draws {missing[:20]!r} (apt-get install fonts-wqy-microhei)")
    return problems


def check_screenshot(page: Path) -> list[str]:
    out = SHOTS / page.relative_to(BUILD).with_suffix(".png")
    try:
        screenshot(page, out, width=1280, height=1600, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return [f"Chromium took no screenshot ({type(exc).__name__})"]
    if not out.exists():
        return ["Chromium took no screenshot"]
    return ["the screenshot is blank"] if is_blank(image.imread(out)) else []


def main() -> int:
    found = pages()
    if not found:
        print(f"no pages in {BUILD}: run `make docs` first")
        return 1
    fonts = covered()
    problems = {p: check_html(p, fonts) for p in found}
    try:
        chromium()
        browser = True
    except FileNotFoundError:
        browser = False
    if browser:
        shutil.rmtree(SHOTS, ignore_errors=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for p, shot in zip(found, pool.map(check_screenshot, found)):
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
