"""The README's code examples run: every ```python block, in order, in one namespace, in a fresh folder."""

from __future__ import annotations

import re
import warnings

import matplotlib

from tests.conftest import REPO

matplotlib.use("Agg")


def test_readme_examples_run(tmp_path, monkeypatch):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)  # the examples write their files here, never in the repo
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, block in enumerate(blocks):
            exec(compile(block, f"README.md python block {k + 1}", "exec"), namespace)  # noqa: S102
    # a few of the figures the README states next to its calls
    cma = namespace["cma"]
    assert round(cma.kmo(namespace["holzinger_swineford"]()).overall, 3) == 0.752  # psych::KMO, printed 0.75
    assert namespace["res"].reversed == ("T3", "S3")
    # lavaan on Holzinger-Swineford by school (issue 15): chi-square 115.851, 124.044, 164.103, 181.511
    chi2 = namespace["inv"].table["chi2"].round(3).tolist()
    assert chi2 == [115.851, 124.044, 164.103, 181.511]
