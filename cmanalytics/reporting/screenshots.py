"""``make screenshots``: every report page rendered in headless Chromium and checked.

``python -m cmanalytics.reporting.screenshots reports`` takes a screenshot of each ``*.html`` under the
report folder (``reports/screenshots/<page>.png``) and fails, naming the pages, when a page renders blank
(almost every pixel one colour) or holds Chinese characters that no installed font can draw (Chromium would
show empty boxes). The glyph check reads the character maps of the fonts fontconfig lists for Chinese
(``fc-list :lang=zh``), the fonts Chromium falls back to.

Why hand-written: a blank page or a missing glyph is a property of the rendered page and the machine's
fonts, which no HTML validator sees.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def chromium() -> str:
    """The Chromium executable on this machine (Debian's ``chromium``, or ``chromium-browser``,
    ``google-chrome``)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise FileNotFoundError("no Chromium found (on Debian: apt-get install chromium)")


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 2000, timeout: int = 60) -> Path:
    """``page`` rendered by headless Chromium into ``png`` (the top ``height`` pixels)."""
    import tempfile

    png.parent.mkdir(parents=True, exist_ok=True)
    # --no-sandbox: Chromium refuses to run its sandbox as root (containers, CI); a profile of its own per
    # call, so that several screenshots can be taken at once
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                Path(page).resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    return png


def is_blank(pixels: np.ndarray, *, share: float = 0.9999) -> bool:
    """True when at least ``share`` of the pixels have the most common colour (a white or empty page: a
    single short heading on a 1280 x 2000 page still changes about 0.1% of them)."""
    flat = np.asarray(pixels)[..., :3].reshape(-1, 3)
    if flat.dtype != np.uint8:
        flat = np.round(flat * 255).astype(np.uint8)
    _, counts = np.unique(flat, axis=0, return_counts=True)
    return counts.max() >= share * len(flat)


def _font_files(fc_pattern: str = ":lang=zh") -> list[str]:
    out = subprocess.run(["fc-list", fc_pattern, "file"], capture_output=True, text=True, check=False).stdout
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def covered(fonts: list[str] | None = None) -> set[int]:
    """The code points drawn by ``fonts`` (font files; by default every font fontconfig lists for Chinese)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in fonts if fonts is not None else _font_files():
        try:
            font = TTFont(path, fontNumber=0, lazy=True)
            points.update(font.getBestCmap() or {})
        except Exception:  # noqa: BLE001 - a font fontTools cannot read draws nothing we can count on
            continue
    return points


def page_text(page: Path) -> str:
    """The visible text of an HTML page: tags, scripts and styles removed, entities decoded."""
    text = Path(page).read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    # images embedded as data URIs carry base64, not text
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))


def missing_glyphs(text: str, fonts: list[str] | None = None, *, points: set[int] | None = None) -> str:
    """The Chinese characters of ``text`` that none of the fonts can draw, in order of first appearance."""
    have = points if points is not None else covered(fonts)
    return "".join(dict.fromkeys(ch for ch in CJK.findall(text) if ord(ch) not in have))


def check_reports(folder: Path, shots: Path | None = None) -> list[str]:
    """Screenshot every page under ``folder``; the problems found, one line each (empty when all is well)."""
    import matplotlib.image as mpimg

    folder = Path(folder)
    shots = Path(shots) if shots is not None else folder / "screenshots"
    pages = sorted(p for p in folder.rglob("*.html") if shots not in p.parents)
    if not pages:
        return [f"no HTML pages under {folder}"]
    have = covered()
    problems = []
    for page in pages:
        name = page.relative_to(folder).as_posix()
        png = screenshot(page, shots / (name.replace("/", "__") + ".png"))
        if is_blank(mpimg.imread(png)):
            problems.append(f"{name}: renders blank")
        missing = missing_glyphs(page_text(page), points=have)
        if missing:
            problems.append(f"{name}: no installed font draws {missing[:20]!r} (apt-get install fonts-wqy-microhei)")
    return problems


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("reports")
    problems = check_reports(folder)
    for line in problems:
        print(f"screenshots: {line}", file=sys.stderr)
    n = len([p for p in folder.rglob("*.html") if "screenshots" not in p.parts])
    print(f"{n} page(s) rendered to {folder / 'screenshots'}; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
