"""MkDocs hooks for the cmanalytics docs.

* The notebooks live in ../notebooks (where `make lab` and `make reports` use them); they join the site as
  notebooks/<name>.ipynb without being copied, and mkdocs-jupyter executes them at build time.
* An API page holds a marker ``<!-- api: cmanalytics.study -->``; it becomes one mkdocstrings block per name in
  that module's ``__all__``, so every public function and result is documented and a new one appears without
  editing the docs. A name in ``__all__`` that is a module gets a link to its own page instead.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARKER = re.compile(r"<!--\s*api:\s*([\w.]+)\s*-->")
MODULE_PAGES = {"study": "study.md", "performance": "performance.md", "workforce": "workforce.md",
                "errors": "errors.md"}


def on_files(files, config):
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        files.append(File(f"notebooks/{nb.name}", str(ROOT), config["site_dir"], config["use_directory_urls"]))
    return files


def api_blocks(module_name: str) -> str:
    module = importlib.import_module(module_name)
    out = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            page = MODULE_PAGES.get(name)
            link = f"[{obj.__name__}]({page})" if page else f"`{obj.__name__}`"
            out.append(f"- `{name}`: the module {link}\n")
            continue
        out.append(f"::: {module_name}.{name}\n")
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda m: api_blocks(m.group(1)), markdown)
