"""No silent arguments in cma.study: an argument that would have no effect in the combination given is
refused with an ArgumentError naming it and saying why, and the same argument where it applies is honoured."""

from __future__ import annotations

import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError


@pytest.fixture(scope="module")
def answers():
    return cma.study.clean(cma.study.synthetic_twin(seed=0)).data


@pytest.fixture(scope="module")
def table():
    return {"t": pd.DataFrame({"mean": [1.23456, 2.5]}, index=["a", "b"])}


def test_analyse_refuses_a_language_it_has_no_labels_for(answers):
    with pytest.raises(ArgumentError, match=r"lang='fr'; choose 'en' or 'zh'"):
        cma.study.analyse(answers, part="A", lang="fr")
    # the tables are built on first use; in Chinese they carry the Chinese labels
    zh = cma.study.analyse(answers, part="A", lang="zh")
    assert list(zh.tables["table3_ranking_A"].columns) == ["维度", "题项数", "平均载荷"]


@pytest.mark.parametrize(
    "kw, named",
    [
        ({"method": "regression", "min_items": 2}, "min_items applies to mean and sum"),
        ({"method": "mean", "missing": "pairwise"}, "missing='pairwise' applies to regression scores"),
        ({"method": "sum", "missing": "pairwise"}, "missing='pairwise' applies to regression scores"),
    ],
)
def test_score_refuses_an_argument_its_method_does_not_read(answers, kw, named):
    with pytest.raises(ArgumentError, match=named):
        cma.study.score(answers, **kw)


def test_score_honours_min_items_for_mean_scores(answers):
    # one answer of pay's items removed: with min_items equal to the dimension's size its score is missing
    cb = cma.study.load_codebook()
    dim = cb.dimensions[0]
    some = answers.copy()
    some.loc[some.index[0], dim.items[0]] = float("nan")
    full = cma.study.score(some, method="mean", min_items={dim.id: len(dim.items)})
    assert pd.isna(full[dim.id].iloc[0]) and full[dim.id].iloc[1:].notna().all()


@pytest.mark.parametrize(
    "kw, named",
    [
        ({"note": "Synthetic data."}, "note='Synthetic data.'"),
        ({"digits": 2}, "digits=2"),
        ({"lang": "zh"}, "lang='zh'"),
        ({"style": "plain"}, "style='plain'"),
    ],
)
def test_export_tables_refuses_what_a_csv_cannot_carry(table, tmp_path, kw, named):
    with pytest.raises(ArgumentError, match=named + r".*a CSV keeps full precision"):
        cma.study.export_tables(table, tmp_path, formats=("csv",), **kw)
    assert not list(tmp_path.iterdir())  # refused before anything is written
    # with a formatted format beside the CSV, the same argument is honoured
    files = cma.study.export_tables(table, tmp_path, formats=("csv", "md"), **kw)
    assert [f.suffix for f in files] == [".csv", ".md"]


def test_export_tables_note_lands_in_the_markdown(table, tmp_path):
    (md,) = cma.study.export_tables(table, tmp_path, formats=("md",), note="Synthetic data.")
    assert "Synthetic data." in md.read_text(encoding="utf-8")


@pytest.fixture
def exports(tmp_path):
    frame = pd.DataFrame({"id": [1, 2, 3], "A1": [1, 2, 3], "A2": [3, 2, 1]})
    csv, xlsx = tmp_path / "s.csv", tmp_path / "s.xlsx"
    frame.to_csv(csv, index=False)
    frame.to_excel(xlsx, index=False, sheet_name="answers")
    return csv, xlsx


def test_reading_options_apply_only_to_their_format(exports):
    csv, xlsx = exports
    with pytest.raises(ArgumentError, match=r"sheet='answers' chooses a sheet of an Excel workbook; s.csv"):
        cma.study.read_export(csv, sheet="answers")
    with pytest.raises(ArgumentError, match=r"encoding='gb18030' reads a text export.*s.xlsx"):
        cma.study.read_export(xlsx, encoding="gb18030")
    # where they apply, they are honoured: the named sheet of the workbook, the named encoding of the text
    assert cma.study.read_export(xlsx, sheet="answers")["A2"].tolist() == [3, 2, 1]
    assert cma.study.read_export(csv, encoding="utf-8")["A1"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("kw", [{"sheet": 1}, {"encoding": "gbk"}])
def test_codebook_template_of_a_frame_refuses_reading_options(kw):
    frame = pd.DataFrame({"A1": [1, 2, 3, 4], "A2": [4, 3, 2, 1]})
    with pytest.raises(ArgumentError, match="a DataFrame is already read"):
        cma.study.codebook_template(frame, **kw)
    assert "[[items]]" in cma.study.codebook_template(frame)


def test_cleaning_rules_refuse_min_items_with_straight_lining_off():
    with pytest.raises(ArgumentError, match="min_items=5 sets the straight-lining rule"):
        cma.study.CleaningRules(straight_lining=False, min_items=5)
    assert cma.study.CleaningRules(straight_lining=True, min_items=5).min_items == 5


def test_format_table_min_cell_only_where_it_states_a_threshold():
    from cmanalytics.workforce import suppress

    plain = pd.DataFrame({"n": [12, 8]}, index=["B01", "B02"])
    with pytest.raises(ArgumentError, match="min_cell=5 states the threshold in the footnote.*has none"):
        cma.study.format_table(plain, min_cell=5)
    marked = suppress(pd.DataFrame({"branch": ["B01", "B02", "B03"], "n": [12, 3, 8]}), count_col="n", min_cell=5)
    with pytest.raises(ArgumentError, match=r"min_cell=3 contradicts the threshold .* \(5, its attrs"):
        cma.study.format_table(marked, min_cell=3)
    # an explicit mask has no threshold of its own: min_cell is what its footnote states
    masked = cma.study.format_table(plain, suppressed=pd.DataFrame({"n": [False, True]}, index=plain.index), min_cell=7)
    assert masked.notes == ("Cells describing fewer than 7 people are suppressed (blank).",)
    assert cma.study.format_table(marked, min_cell=5).notes == (
        "Cells describing fewer than 5 people are suppressed (blank).",
    )
