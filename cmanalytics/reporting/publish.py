"""Writing a report folder safely: build it beside the target, then swap it in.

A build that fails leaves the previous folder untouched; a build that succeeds replaces it whole.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


@contextmanager
def staged_folder(target: Path):
    """Yield a fresh temporary folder; on success it becomes ``target`` (the old one is removed)."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}-old")
        shutil.rmtree(backup, ignore_errors=True)
        target.rename(backup)
    stage.rename(target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_table(df: pd.DataFrame, folder: Path, name: str, digits: int = 3) -> list[str]:
    """Write a table as CSV (full precision) and Markdown (rounded as SPSS prints); return the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    flat = df.copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" / ".join(str(c) for c in col) for col in flat.columns]
    flat.to_csv(folder / f"{name}.csv", float_format="%.10g", lineterminator="\n")
    md = flat.round(digits).to_markdown(floatfmt=f".{digits}f")
    (folder / f"{name}.md").write_text(md + "\n", encoding="utf-8")
    return [f"{name}.csv", f"{name}.md"]


def index_page(title: str, sections: list[tuple]) -> str:
    """A plain HTML index: per section a heading, a paragraph, links to its files and, when a section has a
    fourth element, its figures shown (each a link to the full-size PNG)."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:72em;margin:2em auto;line-height:1.4}</style>",
             f"</head><body><h1>{html.escape(title)}</h1>"]
    for heading, text, links, *images in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        for src in (images[0] if images else []):
            parts.append(f"<figure><a href='{html.escape(src)}'><img src='{html.escape(src)}' alt='{html.escape(src)}' "
                         "style='max-width:100%;border:1px solid #ddd'></a><figcaption>"
                         f"{html.escape(src)}</figcaption></figure>")
        parts.append("<ul>")
        parts += [f"<li><a href='{html.escape(link)}'>{html.escape(link)}</a></li>" for link in links]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
