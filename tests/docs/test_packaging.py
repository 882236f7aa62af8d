"""The packaging says what it promises: the version in one place (cmanalytics/__init__.py), repeated only by
CITATION.cff and the changelog, which must agree with it; extras named for what they are for; the supported
Python versions stated. The wheel itself is built and installed by .ci/wheel_smoke.sh."""

from __future__ import annotations

import re
import tomllib

import cmanalytics
from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_in_one_place():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cmanalytics.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", cmanalytics.__version__)


def test_citation_and_changelog_name_this_version():
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", cff, flags=re.M)
    assert re.search(r"^version: (\S+)$", cff, flags=re.M).group(1) == cmanalytics.__version__
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(cmanalytics.__version__)} - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, flags=re.M)


def test_extras_say_what_they_are_for():
    extras = PYPROJECT["project"]["optional-dependencies"]
    names = {k: {re.split(r"[\[<>=~! ]", d)[0].lower() for d in v} for k, v in extras.items()}
    assert names["scale"] == {"dask", "pyarrow"}
    assert {"mkdocs", "mkdocs-material", "mkdocstrings", "mkdocs-jupyter"} <= names["docs"]
    assert "jupyterlab" in names["lab"] and "nbclient" in names["reports"]
    # the core install needs none of the extras
    core = {re.split(r"[\[<>=~! ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    assert not core & (names["scale"] | names["docs"] | names["lab"])


def test_supported_pythons_stated():
    project = PYPROJECT["project"]
    assert project["requires-python"] == ">=3.11"
    stated = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert {"3.11", "3.13"} <= stated  # the two the suite and .ci/wheel_smoke.sh run on
