"""Writing a report folder safely: build it beside the target, then swap it in.

A build that fails leaves the previous folder untouched; a build that succeeds replaces it whole.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


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


def index_page(title: str, sections: list[tuple]) -> str:
    """A plain HTML index: per section a heading, a paragraph, its figures shown as thumbnails (each a link
    to the full-size PNG, when a section has a fourth element) and its files, one line per table with its
    formats side by side."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:80em;margin:2em auto;padding:0 1em;"
             "line-height:1.45}figure{display:inline-block;width:31%;margin:0 1% 1em 0;vertical-align:top}"
             "figure img{width:100%;border:1px solid #ddd}figcaption{font-size:.8em;color:#555}"
             "li{margin:.1em 0}.fmt{margin-left:.6em}</style>",
             f"</head><body><h1>{html.escape(title)}</h1>"]
    for heading, text, links, *images in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        for src in (images[0] if images else []):
            name = src.rsplit("/", 1)[-1]
            parts.append(f"<figure><a href='{html.escape(src)}'><img src='{html.escape(src)}' alt='{html.escape(name)}'>"
                         f"</a><figcaption>{html.escape(name)}</figcaption></figure>")
        groups: dict[str, list[str]] = {}
        for link in links:
            stem, _, ext = link.rpartition(".")
            groups.setdefault(stem if ext in ("csv", "xlsx", "md", "tex") else link, []).append(link)
        parts.append("<ul>")
        for stem, members in groups.items():
            if len(members) == 1 and members[0] == stem:
                parts.append(f"<li><a href='{html.escape(stem)}'>{html.escape(stem)}</a></li>")
                continue
            fmts = " ".join(f"<a class='fmt' href='{html.escape(m)}'>{html.escape(m.rpartition('.')[2].upper())}</a>"
                            for m in members)
            parts.append(f"<li>{html.escape(stem)}{fmts}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
