"""The instrument as data."""

from __future__ import annotations

import pytest

import cmanalytics as cma
from cmanalytics.errors import CodebookError
from cmanalytics.study.codebook import codebook_from_dict


def test_default_codebook_is_the_published_instrument():
    cb = cma.study.load_codebook()
    assert cb.item_ids == [f"A{i}" for i in range(1, 15)] + [f"B{i}" for i in range(1, 14)]
    assert [d.id for d in cb.dimensions_of("A")] == ["pay", "development", "support"]
    assert [len(d.items) for d in cb.dimensions_of("B")] == [5, 5, 3]
    assert cb.dimension_of("B8").name_zh == "职业发展"
    assert cb.item("A8").zh == "学习培训" and cb.item("A8").en == "training and learning"
    assert (cb.scale_min, cb.scale_max) == (1, 5) and cb.anchors_zh[4] == "非常重要"
    assert cb.items_of("B")[-1] == "B13"


def small(**overrides):
    d = {
        "instrument": {"id": "t"},
        "scale": {"min": 1, "max": 5},
        "parts": [{"id": "P"}],
        "dimensions": [{"id": "d1", "part": "P", "items": ["i1", "i2"]}, {"id": "d2", "part": "P", "items": ["i3"]}],
        "items": [{"id": "i1"}, {"id": "i2"}, {"id": "i3"}],
    }
    d.update(overrides)
    return d


def test_a_small_codebook_loads():
    cb = codebook_from_dict(small())
    assert cb.items_of("P") == ["i1", "i2", "i3"]


@pytest.mark.parametrize(
    "change,message",
    [
        ({"items": [{"id": "i1"}, {"id": "i1"}, {"id": "i3"}]}, "item 'i1' is named twice"),
        ({"items": [{"id": "i1"}, {"en": "no id"}, {"id": "i3"}]}, "^an item lacks the field 'id'"),
        ({"items": [{"id": "i1"}, "i2", {"id": "i3"}]}, "^an item must be a table of keys; got str"),
        (
            {"items": [{"id": "i1"}, {"id": "i2", "revers": True}]},
            "item 'i2': unknown key 'revers'; did you mean 'reverse'",
        ),
        (
            {
                "dimensions": [
                    {"id": "d1", "part": "P", "items": ["i1", "i2"]},
                    {"id": "d1", "part": "P", "items": ["i3"]},
                ]
            },
            "^dimension 'd1' is defined twice",
        ),
        ({"dimensions": [{"part": "P", "items": ["i1", "i2", "i3"]}]}, "^a dimension lacks the field 'id'"),
        ({"dimensions": [["i1", "i2", "i3"]]}, "^a dimension must be a table of keys; got list"),
        (
            {
                "dimensions": [
                    {"id": "d1", "part": "P", "items": ["i1", "i2"]},
                    {"id": "d2", "part": "P", "items": ["i2", "i3"]},
                ]
            },
            "'i2' is in two dimensions",
        ),
        (
            {
                "dimensions": [
                    {"id": "d1", "part": "P", "items": ["i1", "i2", "i9"]},
                    {"id": "d2", "part": "P", "items": ["i3"]},
                ]
            },
            "'i9'",
        ),
        ({"dimensions": [{"id": "d1", "part": "P", "items": ["i1", "i2"]}]}, "belong to no dimension"),
        ({"dimensions": [{"id": "d1", "part": "Q", "items": ["i1", "i2", "i3"]}]}, "part 'Q'"),
        ({"scale": {"min": 5, "max": 1}}, "below its max"),
        ({"scale": {"min": 1, "max": 5, "anchors_en": ["a", "b"]}}, "5 points"),
    ],
)
def test_inconsistent_codebooks_are_refused(change, message):
    with pytest.raises(CodebookError, match=message):
        codebook_from_dict(small(**change))


def test_codebook_file_errors(tmp_path):
    with pytest.raises(CodebookError, match="no codebook"):
        cma.study.load_codebook(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[instrument\nid = 1", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid TOML"):
        cma.study.load_codebook(bad)
