"""Reading exports and cleaning them rule by rule; the raw data are never changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import DataError

CB = cma.study.load_codebook()


def survey(n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, len(CB.item_ids))).astype(float)
    df = pd.DataFrame(x, columns=CB.item_ids)
    df.insert(0, "respondent_id", [f"r{i}" for i in range(n)])
    return df


def test_cleaning_rules_by_hand():
    raw = survey(10)
    raw.loc[1, "A3"] = 7  # out of scale
    raw.loc[2, ["B1", "B2", "B3", "B4"]] = np.nan  # 4 of 27 unanswered: 14.8% > 10%
    raw.loc[3, "A1"] = np.nan  # 1 of 27: 3.7%, kept
    raw.loc[4, CB.items_of("A")] = 4  # straight-lined part A
    raw.loc[5, "respondent_id"] = "r0"  # a second r0: double entry
    raw.loc[6, "B5"] = 2.5  # not a whole number
    before = raw.copy()
    res = cma.study.clean(raw, distributed=12)
    pd.testing.assert_frame_equal(raw, before)
    assert res.removed.to_dict() == {
        1: "out_of_scale",
        2: "too_many_missing",
        4: "straight_lining",
        5: "duplicate_id",
        6: "out_of_scale",
    }
    assert list(res.data.index) == [0, 3, 7, 8, 9]
    assert res.counts == {"distributed": 12, "returned": 10, "valid": 5}
    assert res.valid_rate == pytest.approx(5 / 12)
    assert "A3 = 7 outside 1-5" in res.report.loc[res.report.row == 1, "detail"].iloc[0]
    assert "4 of 27 items unanswered" in res.report.loc[res.report.row == 2, "detail"].iloc[0]
    assert "distributed" in res.summary() and "<table" in res._repr_html_()


def test_rules_are_configurable():
    raw = survey(6)
    raw.loc[0, CB.items_of("B")] = 5
    raw.loc[1, ["A1", "A2", "A3", "A4"]] = np.nan
    res = cma.study.clean(raw, rules=cma.study.CleaningRules(straight_lining=False, max_missing=0.2))
    assert res.counts["valid"] == 6
    with pytest.raises(cma.errors.ArgumentError, match="max_missing"):
        cma.study.CleaningRules(max_missing=1.5)


def test_every_row_rejected_is_an_error():
    raw = survey(3)
    raw[CB.item_ids] = 9.0
    with pytest.raises(DataError, match="every one of the 3 questionnaires was rejected"):
        cma.study.clean(raw)


def test_map_to_codebook_names_every_problem_at_once():
    raw = survey(3).drop(columns=["A2", "B13"]).assign(Q99=1, comments="x")
    with pytest.raises(DataError) as exc:
        cma.study.map_to_codebook(raw)
    msg = str(exc.value)
    assert "no column matches item(s) A2, B13" in msg and "'Q99'" in msg and "'comments'" in msg


def test_map_to_codebook_reads_anchors_and_case():
    raw = survey(3).rename(columns={"A1": "a1", "B2": "q_b2"})
    raw["A5"] = raw["A5"].astype(object)
    raw.loc[0, "A5"] = "非常重要"
    raw.loc[1, "A5"] = "important"
    raw.loc[2, "A5"] = " 3 "
    out = cma.study.map_to_codebook(raw, column_map={"q_b2": "B2"}, keep=[])
    assert out["A5"].tolist() == [5.0, 4.0, 3.0]
    assert list(out.columns) == ["respondent_id"] + CB.item_ids


def test_text_in_a_likert_column_is_named():
    raw = survey(4)
    raw["B3"] = raw["B3"].astype(object)
    raw.loc[2, "B3"] = "don't know"
    with pytest.raises(DataError, match=r"item 'B3'.*r2 \(\"don't know\"\)"):
        cma.study.map_to_codebook(raw)
    with pytest.raises(DataError, match="B3"):
        cma.study.clean(raw)


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "sav"])
def test_read_survey_formats(tmp_path, suffix):
    raw = survey(5)
    path = tmp_path / f"export.{suffix}"
    if suffix == "csv":
        raw.to_csv(path, index=False)
    elif suffix == "xlsx":
        raw.to_excel(path, index=False)
    else:
        import pyreadstat

        pyreadstat.write_sav(raw, str(path), variable_value_labels={"A1": {1.0: "非常不重要", 5.0: "非常重要"}})
    out = cma.study.read_survey(path)
    np.testing.assert_array_equal(out[CB.item_ids].to_numpy(), raw[CB.item_ids].to_numpy())
    if suffix == "sav":
        assert out.attrs["value_labels"]["A1"][5.0] == "非常重要"
    with pytest.raises(DataError, match="no survey export"):
        cma.study.read_survey(tmp_path / "missing.csv")
