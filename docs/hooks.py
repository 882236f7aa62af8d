"""MkDocs hooks for the cmanalytics docs.

* The notebooks live in ../notebooks (where `make lab` and `make reports` use them); they join the site as
  notebooks/<name>.ipynb without being copied, and mkdocs-jupyter executes them at build time.
* docs/quality.md (coverage and mutation figures, kept beside the code's tooling rather than in content/) and
  docs/mutants.md (the surviving mutants it links to) join the site without being copied.
* An API page holds a marker ``<!-- api: cmanalytics.study -->``; it becomes one mkdocstrings block per name in
  that module's ``__all__``, so every public function and result is documented and a new one appears without
  editing the docs. A name in ``__all__`` that is a module gets a link to its own page instead.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
QUALITY = ROOT / "docs" / "quality.md"
MUTANTS = ROOT / "docs" / "mutants.md"  # the surviving mutants, linked from quality.md
MARKER = re.compile(r"<!--\s*api:\s*([\w.]+)\s*-->")
MODULE_PAGES = {
    "study": "study.md",
    "performance": "performance.md",
    "workforce": "workforce.md",
    "errors": "errors.md",
}


@event_priority(100)  # before mkdocs-jupyter, which turns the .ipynb files it finds into pages
def on_files(files, config):
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        files.append(File(f"notebooks/{nb.name}", str(ROOT), config["site_dir"], config["use_directory_urls"]))
    for page in (QUALITY, MUTANTS):
        files.append(File(page.name, str(page.parent), config["site_dir"], config["use_directory_urls"]))
    return files


def path_of(obj, fallback: str) -> str:
    # Documented where it is defined: a package re-exporting a function also holds a submodule of the same
    # name (cmanalytics.psychometrics.efa, the module, and efa, the function), which the import path would name.
    where = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return ".".join(where) if all(where) and "<" not in where[1] else fallback


def returned_class(func):
    """The class a public function is annotated to return, when it is one of the package's own."""
    note = inspect.signature(func).return_annotation if callable(func) else inspect.Signature.empty
    if isinstance(note, str):
        note = func.__globals__.get(note.strip("'\""), None) if hasattr(func, "__globals__") else None
    if inspect.isclass(note) and note.__module__.startswith("cmanalytics."):
        return note
    return None


def api_blocks(module_name: str) -> str:
    module = importlib.import_module(module_name)
    out, listed, results = [], set(), {}
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            page = MODULE_PAGES.get(name)
            if page:
                out.append(f"- `{name}`: the module [{obj.__name__}]({page})\n")
            else:  # a module without a page of its own (cmanalytics.performance.models): its public members here
                out.append(f"::: {obj.__name__}\n    options:\n      show_root_heading: true\n      heading_level: 3\n")
            continue
        path = path_of(obj, f"{module_name}.{name}")
        listed.add(path)
        out.append(f"::: {path}\n")
        if inspect.isfunction(obj) and (cls := returned_class(obj)) is not None:
            results[path_of(cls, cls.__name__)] = cls
    extra = [p for p in results if p not in listed]
    if extra:
        out.append("## Results returned by the functions above\n")
        out += [f"::: {p}\n" for p in extra]
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda m: api_blocks(m.group(1)), markdown)


# The docstrings cross-reference in Sphinx's roles (:func:`efa`, :math:`L'L`), which Markdown leaves as text
# before a code span: show the code span alone.
ROLE = re.compile(r":(?:math|func|class|meth|attr|mod|data|obj):(?=<code>)")


def on_page_content(html, page, config, files):
    return ROLE.sub("", html)
