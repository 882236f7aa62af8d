"""The screenshot check: a blank page and a page of Chinese without a Chinese font are found (pixels and
fonts built here, so the answer is known); a page with text passes. Chromium itself runs in
``make screenshots``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import font_manager

from cmanalytics.reporting.screenshots import is_blank, missing_glyphs, page_text


def test_blank_and_drawn_pixels():
    white = np.full((200, 300, 3), 255, np.uint8)
    assert is_blank(white)
    drawn = white.copy()
    drawn[50:60, 20:280] = 0  # one line of "text": 2,600 of 60,000 pixels (4.3%)
    assert not is_blank(drawn)
    assert is_blank(white / 255.0)  # floats from PNG readers read the same


def test_chinese_without_a_chinese_font_is_missing(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><style>p{color:red}</style><body><h1>心理契约</h1><p>KMO 0.865 &amp; 支行</p>"
        "<script>var x = '不显示';</script></body></html>",
        encoding="utf-8",
    )
    text = page_text(page)
    assert "心理契约" in text and "&" in text and "不显示" not in text
    dejavu = font_manager.findfont("DejaVu Sans")  # Latin, Greek, Cyrillic: no Chinese
    assert Path(dejavu).exists()
    assert missing_glyphs(text, [dejavu]) == "心理契约支行"
    assert missing_glyphs("KMO 0.865", [dejavu]) == ""
