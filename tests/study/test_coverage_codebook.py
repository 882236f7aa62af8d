"""A codebook that cannot be right is refused with a CodebookError naming the section, item or dimension; each
case is the study's own codebook with one entry changed."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

import cmanalytics
from cmanalytics.errors import CodebookError
from cmanalytics.study.codebook import codebook_from_dict

STUDY = tomllib.loads(
    (Path(cmanalytics.__file__).parent / "study" / "instruments" / "psychological_contract.toml").read_text("utf-8")
)


def _changed(change):
    d = copy.deepcopy(STUDY)
    change(d)
    return d


CASES = [
    (lambda d: d.__setitem__("scale", {"min": 1, "max": "five"}), r"\[scale\]: min and max must be numbers"),
    (lambda d: d.__setitem__("scale", {"min": 5, "max": 5}), r"the scale's min \(5\) must be below its max \(5\)"),
    (lambda d: d["scale"].__setitem__("missing", [3, 9]), r"missing code\(s\) 3 lie inside the scale 1-5"),
    (lambda d: d["scale"].__setitem__("missing", "9"), r"\[scale\]: 'missing' must be a list of numbers"),
    # five points (1-5) need five anchors
    (lambda d: d["scale"].__setitem__("anchors_en", ["low", "high"]), r"the scale has 5 points but anchors_en names 2"),
    (lambda d: d["parts"].append({"id": "A"}), r"a part id is used twice: A"),
    (lambda d: d["items"].append({"id": "A1"}), r"item 'A1' is named twice in the codebook"),
    (lambda d: d["items"][0].update(scale_min=5, scale_max=1), r"item 'A1': scale_min \(5\) must be below scale_max"),
    (lambda d: d["items"][0].update(reverse="yes"), r"item 'A1': reverse must be true or false; got 'yes'"),
    (lambda d: d.__setitem__("items", []), r"the codebook lists no items"),
    (lambda d: d["dimensions"].append(dict(d["dimensions"][0])), r"dimension 'pay' is defined twice"),
    (lambda d: d["dimensions"][0].update(part="C"), r"dimension 'pay' is in part 'C', which the codebook does not"),
    (lambda d: d["dimensions"][0]["items"].append("Z9"), r"dimension 'pay' names item 'Z9', which the codebook"),
    (
        lambda d: d["dimensions"].append({"id": "again", "part": "A", "items": ["A1"]}),
        r"item 'A1' is in two dimensions, 'pay' and 'again'",
    ),
    (lambda d: d["dimensions"].append({"id": "none", "part": "A", "items": []}), r"dimension 'none' has no items"),
    (lambda d: d["instrument"].__setitem__("nmae", "x"), r"\[instrument\]: unknown key 'nmae'"),
    (lambda d: d.__setitem__("scale", [1, 5]), r"\[scale\] must be a table of keys; got list"),
]


@pytest.mark.parametrize(("change", "message"), CASES)
def test_a_wrong_codebook_entry_is_named(change, message):
    with pytest.raises(CodebookError, match=message):
        codebook_from_dict(_changed(change))


def test_the_unchanged_codebook_reads_and_looks_up():
    cb = codebook_from_dict(copy.deepcopy(STUDY))
    assert cb.items_of("A")[:4] == ["A1", "A2", "A3", "A4"] and cb.dimension_of("A1").id == "pay"
    with pytest.raises(CodebookError, match=r"has no item 'Z9'"):
        cb.item("Z9")
    with pytest.raises(CodebookError, match=r"has no part 'C'; its parts are A, B"):
        cb.part("C")
    with pytest.raises(CodebookError, match=r"item 'Z9' belongs to no dimension"):
        cb.dimension_of("Z9")
