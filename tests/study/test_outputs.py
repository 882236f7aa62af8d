"""The files a study writes (CSV, Excel, Markdown, LaTeX, Word, one HTML page) and the one formatting rule
every text format follows (issue 11, items 6 and 7). Expected strings are written out by hand."""

from __future__ import annotations

import base64
import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from docx import Document

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.study.outputs import write_docx, write_study_outputs
from cmanalytics.study.tables import cell_kinds, excel_format, export_tables, format_table, format_value
from cmanalytics.workforce.anonymity import suppress, suppress_counts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTE = "Synthetic data, not the study's."


@pytest.fixture(scope="module")
def analyses():
    cleaned = cma.study.clean(cma.study.synthetic_twin(seed=0))
    return {p: cma.study.analyse(cleaned.data, part=p) for p in "AB"}


@pytest.fixture(scope="module")
def scores(analyses):
    """Mean of each dimension's items per respondent (no item of the shipped instrument is reverse-keyed)."""
    cleaned = cma.study.clean(cma.study.synthetic_twin(seed=0))
    cb = analyses["A"].codebook
    data = cleaned.data.set_index("respondent_id")
    return pd.DataFrame({d.id: data[list(d.items)].mean(axis=1) for d in cb.dimensions})


class FakeReadReport:
    """What the reader's report offers (duck-typed: to_frame() and str)."""

    def to_frame(self):
        return pd.DataFrame(
            {"column": ["序号", "1.绩效工资"], "item": ["respondent_id", "A1"], "matched_by": ["id", "wording"]}
        )

    def __str__(self):
        return "Read 150 rows from export.xlsx (encoding: n/a)\n1.绩效工资 -> A1 (wording)"


# ----- format_value: every rule by hand -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x,kind,style,expected",
    [
        (-0.0004, "stat", "apa", "0.000"),  # negative zero after rounding prints as zero
        (-0.0004, "stat", "plain", "0.000"),
        (-0.0004, "bounded", "apa", ".000"),
        (-0.0006, "stat", "apa", "-0.001"),  # a real negative keeps its sign
        (-0.456, "bounded", "apa", "-.456"),
        (0.8734, "bounded", "apa", ".873"),  # APA: no leading zero for what cannot exceed 1
        (0.8734, "bounded", "plain", "0.873"),
        (1.0, "bounded", "apa", "1.000"),
        (0.8734, "stat", "apa", "0.873"),  # a statistic that can exceed 1 keeps its zero
        (0.0004, "p", "apa", "< .001"),  # never ".000"
        (0.0004, "p", "plain", "< 0.001"),
        (0.0, "p", "apa", "< .001"),
        (0.00095, "p", "apa", "< .001"),  # below .001 even though it rounds to .001
        (0.001, "p", "apa", ".001"),
        (0.0123, "p", "apa", ".012"),
        (0.0123, "p", "plain", "0.012"),
        (112.0, "count", "apa", "112"),  # counts without decimals
        (0.0, "count", "apa", "0"),
        (112.5, "count", "apa", "112.500"),  # not whole: not printed as a count
        (23.456, "percent", "apa", "23.46"),
        (0.4567, "share", "apa", "45.7%"),
        (-0.0001, "share", "apa", "0.0%"),
        (np.nan, "stat", "apa", ""),
        (None, "count", "apa", ""),
        ("pay", "stat", "apa", "pay"),
    ],
)
def test_format_value(x, kind, style, expected):
    assert format_value(x, kind, 3, style) == expected


def test_format_value_digits_and_bad_arguments():
    assert format_value(0.00004, "p", digits=4) == "< .0001"
    assert format_value(0.12345, "stat", digits=2) == "0.12"
    with pytest.raises(ArgumentError, match="kind='pvalue'"):
        format_value(0.1, "pvalue")
    with pytest.raises(ArgumentError, match="style='spss'"):
        format_value(0.1, "p", style="spss")


def test_cell_kinds_from_labels_and_values():
    df = pd.DataFrame(
        {
            "N": [112.0, 98.0],
            "Mean": [3.0, 4.0],
            "n_items": [4.0, 4.5],
            "p": [0.01, 0.2],
            "alpha": [0.8, 1.2],
            "share": [0.25, 0.5],
            "题项数": [5, 4],
            "Wording": ["a", "b"],
        }
    )
    kinds = cell_kinds(df)
    assert list(kinds.iloc[0]) == [
        "count",  # labelled a count and whole
        "stat",  # whole, but a mean is not a count
        "stat",  # labelled a count, but 4.5 is not whole
        "p",
        "stat",  # alpha of 1.2 cannot be a bounded statistic
        "share",
        "count",
        "text",
    ]
    row_wise = pd.DataFrame({"Value": [0.865, 91.0, 1e-9]}, index=["KMO", "df", "Sig."])
    assert list(cell_kinds(row_wise)["Value"]) == ["bounded", "count", "p"]
    said = row_wise.copy()
    said.attrs["kinds"] = {"rows": {"KMO": "stat"}}
    assert cell_kinds(said).loc["KMO", "Value"] == "stat"


def test_suppressed_cells_are_blank_with_a_footnote():
    table = pd.DataFrame({"branch": ["B01", "B02", "B03"], "n": [12, 3, 8], "mean": [3.5, 4.25, -0.0001]})
    marked = suppress(table, count_col="n", min_cell=5)
    ft = format_table(marked)
    assert ft.header == ("branch", "n", "mean")  # the helper column is not shown
    assert ft.rows == (("B01", "12", "3.500"), ("B02", "", ""), ("B03", "8", "0.000"))
    assert ft.notes == ("Cells describing fewer than 5 people are suppressed (blank).",)
    assert "nan" not in ft.markdown().lower()
    assert ft.markdown().endswith("*Note.* Cells describing fewer than 5 people are suppressed (blank).\n")
    zh = format_table(marked, lang="zh", note="模拟数据。")
    assert zh.note_text() == "注： 模拟数据。 少于 5 人的单元格不予显示（留空）。"
    counts = suppress_counts(pd.DataFrame({"men": [0, 2, 9], "women": [7, 6, 1]}, index=["a", "b", "c"]), min_cell=3)
    ft = format_table(counts)
    # 2 and 1 are under 3; complementary suppression (cma.workforce.anonymity) then blanks 6 and 9, the
    # other cell of their rows, so that neither can be recovered from a row total
    assert [r[1:] for r in ft.rows] == [("0", "7"), ("", ""), ("", "")]
    assert ft.notes == ("Cells describing fewer than 3 people are suppressed (blank).",)
    # an explicit mask; a table without suppression has no footnote even with a missing cell
    plain = pd.DataFrame({"n": [4.0, 10.0]})
    assert format_table(plain, suppressed=pd.DataFrame({"n": [True, False]})).rows == (("",), ("10",))
    assert format_table(pd.DataFrame({"n": [np.nan, 10.0]})).notes == ()


def test_console_text_and_latex():
    df = pd.DataFrame({"Value": [0.865, 91.0, 1e-9]}, index=pd.Index(["KMO", "df", "Sig."], name="Statistic"))
    # columns of widths 9 and 7 ("< 0.001"), two spaces between, numbers right-aligned
    assert format_table(df, style="plain").text() == (
        "Statistic    Value\nKMO          0.865\ndf              91\nSig.       < 0.001"
    )
    tex = format_table(df, caption="Adequacy & sphericity").latex()
    assert r"\caption{Adequacy \& sphericity}" in tex and r"Sig. & $<$ .001 \\" in tex
    assert r"\toprule" in tex and r"\bottomrule" in tex


# ----- files -------------------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_every_digit(analyses, tmp_path):
    an = analyses["A"]
    export_tables(an.tables, tmp_path, formats=("csv",))
    raw = (tmp_path / "kmo_bartlett_A.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(tmp_path / "kmo_bartlett_A.csv", encoding="utf-8-sig")
    assert back["Value"].tolist() == [an.kmo.overall, an.bartlett.chi2, an.bartlett.df, an.bartlett.p_value, an.n_obs]
    rot = pd.read_csv(tmp_path / "table1_rotated_matrix_A.csv", encoding="utf-8-sig", index_col=0)
    assert rot.loc["A1", "pay and benefits"] == an.efa.loadings.loc["A1"].iloc[an.component_of["pay"]]
    export_tables(cma.study.tables.part_tables(an, "zh"), tmp_path / "zh", formats=("csv",))
    text = (tmp_path / "zh" / "table1_rotated_matrix_A.csv").read_bytes().decode("utf-8-sig")
    assert "薪资待遇" in text


def test_excel_holds_full_precision_with_number_formats(analyses, tmp_path):
    an = analyses["A"]
    export_tables(an.tables, tmp_path, formats=("xlsx",), note=NOTE)
    ws = openpyxl.load_workbook(tmp_path / "kmo_bartlett_A.xlsx").active
    assert ws["A1"].value == NOTE
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(3, 8)}
    # openpyxl writes 16 significant digits ("%.16g"; Excel itself keeps 15): that, not 3 decimals
    full = pytest.approx(an.kmo.overall, rel=1e-15, abs=0)
    assert cells["Kaiser-Meyer-Olkin measure of sampling adequacy"].value == full
    assert cells["Kaiser-Meyer-Olkin measure of sampling adequacy"].number_format == "0.000"
    assert cells["df"].value == an.bartlett.df and cells["df"].number_format == "0"
    assert cells["N"].value == 112 and cells["N"].number_format == "0"
    assert cells["Sig."].value == pytest.approx(an.bartlett.p_value, rel=1e-15, abs=0)
    assert cells["Sig."].value != 0.0
    assert cells["Sig."].number_format == '[<0.001]"< .001";0.000'
    ws = openpyxl.load_workbook(tmp_path / "table1_rotated_matrix_A.xlsx").active
    rows = {ws.cell(row=r, column=1).value: r for r in range(3, ws.max_row + 1)}
    pay = 3  # column C: the first dimension after the item and its wording
    assert ws.cell(row=2, column=pay).value == "pay and benefits"
    a1 = ws.cell(row=rows["A1"], column=pay)
    assert a1.value == pytest.approx(an.efa.loadings.loc["A1"].iloc[an.component_of["pay"]], rel=1e-15, abs=0)
    assert a1.number_format == "0.000"
    pct = ws.cell(row=rows["% of variance"], column=pay)
    assert pct.number_format == "0.00"
    alpha = ws.cell(row=rows["Cronbach's alpha of the dimension"], column=pay).value
    assert alpha == pytest.approx(an.dimension_alpha["pay"], rel=1e-15, abs=0) and alpha != round(alpha, 3)
    assert excel_format("share") == "0.0%" and excel_format("p", style="plain") == '[<0.001]"< 0.001";0.000'


def _borders(el, tag):
    box = el.find(f".//{W}{tag}")
    return {child.tag.replace(W, ""): child.get(f"{W}val") for child in box}


def test_word_tables_follow_apa(analyses, tmp_path):
    an = analyses["A"]
    export_tables(an.tables, tmp_path, formats=("docx",), note=NOTE)
    doc = Document(tmp_path / "table1_rotated_matrix_A.docx")
    paras = doc.paragraphs
    assert paras[0].text == "Table 1" and paras[0].runs[0].bold
    assert paras[1].text == f"Rotated component matrix, part A: {an.codebook.part('A').name('en')}"
    assert paras[1].runs[0].italic
    assert paras[-1].text == f"Note. {NOTE}" and paras[-1].runs[0].italic and paras[-1].runs[0].text == "Note."
    table = doc.tables[0]
    # rules above and below the table, none at the sides or between rows and columns
    assert _borders(table._tbl.tblPr, "tblBorders") == {
        "top": "single",
        "left": "nil",
        "bottom": "single",
        "right": "nil",
        "insideH": "nil",
        "insideV": "nil",
    }
    assert all(_borders(c._tc, "tcBorders") == {"bottom": "single"} for c in table.rows[0].cells)
    assert all(c._tc.find(f".//{W}tcBorders") is None for row in table.rows[1:] for c in row.cells)
    grid = [[c.text for c in row.cells] for row in table.rows]
    alpha_row = next(r for r in grid if r[0] == "Cronbach's alpha of the dimension")
    # .867 and not 0.867: APA drops the leading zero of an alpha (hand rounding of 0.86660...)
    assert an.dimension_alpha["pay"] == pytest.approx(0.8666036062317858, abs=1e-12)
    assert alpha_row[2] == ".867"
    a1 = next(r for r in grid if r[0] == "A1")
    assert a1[2] == ".847"  # loading 0.84739...
    eigen = next(r for r in grid if r[0].startswith("Eigenvalue"))
    assert eigen[2] == "2.958"  # 2.95824...: an eigenvalue can exceed 1: its zero stays, three decimals
    doc = Document(tmp_path / "kmo_bartlett_A.docx")
    grid = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert an.bartlett.p_value < 0.001
    assert grid == {
        "Statistic": "Value",
        "Kaiser-Meyer-Olkin measure of sampling adequacy": ".866",
        "Bartlett's test: approx. chi-square": "989.816",
        "df": "91",
        "Sig.": "< .001",
        "N": "112",
    }
    assert (
        "nan"
        not in " ".join(
            c.text for row in Document(tmp_path / "variance_explained_A.docx").tables[0].rows for c in row.cells
        ).lower()
    )


def test_word_in_chinese(analyses, tmp_path):
    ft = format_table(cma.study.tables.part_tables(analyses["B"], "zh")["kmo_bartlett_B"], lang="zh", note="模拟数据。")
    doc = Document(write_docx([(4, ft)], tmp_path / "t.docx"))
    assert doc.paragraphs[0].text == "表 4" and doc.paragraphs[1].text == "第 B 部分取样适切性与球形检验"
    assert doc.paragraphs[-1].text == "注： 模拟数据。"
    assert [row.cells[0].text for row in doc.tables[0].rows] == [
        "统计量",
        "KMO 取样适切性量数",
        "Bartlett 球形检验近似卡方",
        "自由度",
        "显著性",
        "样本量",
    ]


def test_markdown_and_latex(analyses, tmp_path):
    export_tables(analyses["A"].tables, tmp_path, formats=("md", "tex"), note=NOTE)
    md = (tmp_path / "kmo_bartlett_A.md").read_text(encoding="utf-8")
    assert "| Sig.  " in md and "< .001 |" in md and "|     112 |" in md and md.endswith(f"*Note.* {NOTE}\n")
    tex = (tmp_path / "kmo_bartlett_A.tex").read_text(encoding="utf-8")
    assert r"N & 112 \\" in tex and r"df & 91 \\" in tex
    with pytest.raises(ArgumentError, match="pdf"):
        export_tables(analyses["A"].tables, tmp_path, formats=("pdf",))


# ----- the study's outputs ----------------------------------------------------------------------------------------


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_study_outputs_are_complete_and_byte_identical(analyses, scores, tmp_path):
    args = dict(scores=scores, read_report=FakeReadReport(), note=NOTE, compare="published")
    first = write_study_outputs(analyses, tmp_path / "one", **args)
    write_study_outputs(analyses, tmp_path / "two", **args)
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert sorted(one) == sorted(p.relative_to(tmp_path / "one").as_posix() for p in first)
    assert one.keys() == two.keys() and all(one[k] == two[k] for k in one), [k for k in one if one[k] != two[k]]
    assert {
        "report.html",
        "tables.docx",
        "scores.csv",
        "read_report.csv",
        "read_report.txt",
        "tables/table1_rotated_matrix_A.docx",
        "tables/table2_rotated_matrix_B.xlsx",
        "tables/comparison.md",
        "tables/scores_summary.csv",
    } <= one.keys()
    assert len([k for k in one if k.startswith("tables/")]) == 5 * (4 + 4 + 2)
    for name in ("tables/table1_rotated_matrix_A.xlsx", "tables.docx"):
        with zipfile.ZipFile(tmp_path / "one" / name) as z:
            assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    back = pd.read_csv(tmp_path / "one" / "scores.csv", encoding="utf-8-sig", index_col="respondent_id")
    assert one["scores.csv"].startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(back, scores, check_names=False)
    assert (tmp_path / "one" / "read_report.txt").read_text(encoding="utf-8").startswith("Read 150 rows")
    assert "1.绩效工资" in one["read_report.csv"].decode("utf-8-sig")
    doc = Document(tmp_path / "one" / "tables.docx")
    numbers = [p.text for p in doc.paragraphs if re.fullmatch(r"Table \d+", p.text)]
    assert numbers == [f"Table {k}" for k in range(1, 11)] and len(doc.tables) == 10


def test_report_page(analyses, scores, tmp_path):
    write_study_outputs(analyses, tmp_path, scores=scores, read_report=FakeReadReport(), note=NOTE)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4  # a scree plot and a heat map per part
    assert all(base64.b64decode(b).startswith(b"\x89PNG\r\n\x1a\n") for b in images)
    assert all(b"tEXtSoftware" not in base64.b64decode(b) for b in images)
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"(?i)\bnan\b", text)
    assert text.count('<table class="apa">') == 9  # 4 per part and the scores' summary
    assert "Scree plot, part A" in text and "Rotated loadings, part B" in text
    assert '<td class="num">&lt; .001</td>' in text and '<td class="num">112</td>' in text
    assert "How the data were read" in text
    assert "<script" not in text and 'src="http' not in text  # self-contained: nothing fetched


def test_report_in_chinese(analyses, scores, tmp_path):
    write_study_outputs(analyses, tmp_path, scores=scores, lang="zh")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for label in (
        "研究报告",
        "第 A 部分碎石图",
        "第 B 部分旋转后载荷",
        "第 A 部分取样适切性与球形检验",
        "显著性",
        "题项数",
        "各维度得分",
        "样本量",
        "标准差",
        "<strong>表 1</strong>",
    ):
        assert label in page, label
    md = (tmp_path / "tables" / "variance_explained_A.md").read_text(encoding="utf-8")
    assert "初始特征值 / 总计" in md and "成分" in md


def test_reversed_items_are_marked(analyses):
    from cmanalytics.study import outputs

    table = cma.study.tables.part_tables(_WithReversed(analyses["A"], ("A3",)))["table1_rotated_matrix_A"]
    assert table.loc["A3", "Wording"].endswith(" (R)") and not table.loc["A4", "Wording"].endswith(" (R)")
    assert format_table(table).notes == (
        "(R) reverse-keyed item, recoded as scale minimum + maximum - answer before the analysis.",
    )
    zh = cma.study.tables.part_tables(_WithReversed(analyses["A"], ("A3",)), "zh")["table1_rotated_matrix_A"]
    assert zh.loc["A3", "内容"].endswith("（反）") and format_table(zh, lang="zh").notes[0].startswith(
        "（反）为反向计分题"
    )
    assert "notes" not in analyses["A"].tables["table1_rotated_matrix_A"].attrs

    plain = outputs.heatmap_png(analyses["A"])
    assert outputs.reversed_items(analyses["A"]) == ()
    marked = outputs.heatmap_png(_WithReversed(analyses["A"], ("A3",)))
    assert outputs.reversed_items(_WithReversed(analyses["A"], ("A3",))) == ("A3",)
    assert marked != plain


class _WithReversed:
    """A PartAnalysis that says which items it reversed (the field the analysis gains in issue 11)."""

    def __init__(self, an, rev):
        self._an, self.reversed = an, rev

    def __getattr__(self, name):
        return getattr(self._an, name)


def test_chinese_figures_without_a_font_warn(analyses, monkeypatch):
    from cmanalytics.study import outputs
    from cmanalytics.workforce import dashboards

    monkeypatch.setattr(dashboards, "cjk_font", lambda: None)
    with pytest.warns(dashboards.FontWarning, match="labelled in English"):
        outputs.scree_png(analyses["A"], lang="zh")


def test_comparison_in_chinese(analyses, tmp_path):
    write_study_outputs(analyses, tmp_path, lang="zh", compare="published")
    md = (tmp_path / "tables" / "comparison.md").read_text(encoding="utf-8")
    for label in ("发表值", "本研究", "首要维度（表 3）", "发展机会", "3 个成分累计解释方差（%）"):
        assert label in md, label
    assert "最小可达值" not in md  # no audit given: the empty column is left out
    table = cma.study.comparison_table(analyses, cma.study.published())
    assert table.loc[("A", "N"), "reproduced (synthetic)"] == 112
    with pytest.raises(ArgumentError, match="no part 'X'"):
        cma.study.comparison_table({"X": analyses["A"]}, cma.study.published())


def test_suppressed_table_in_excel(tmp_path):
    marked = suppress(pd.DataFrame({"branch": ["B01", "B02"], "n": [12, 3], "share": [0.25, 0.5]}), count_col="n")
    export_tables({"t": marked}, tmp_path, formats=("xlsx", "md"))
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in ws[1]] == ["branch", "n", "share", "suppressed"]
    assert [(c.value, c.number_format) for c in ws[2]][:3] == [("B01", "General"), (12, "0"), (0.25, "0.0%")]
    assert [c.value for c in ws[3]][:3] == ["B02", None, None]
    assert ws.cell(row=5, column=1).value == "Cells describing fewer than 5 people are suppressed (blank)."
    md = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert "| B02      |     |         |" in md and "25.0%" in md


def test_bad_arguments(analyses, tmp_path):
    with pytest.raises(ArgumentError, match="compare='SPSS'"):
        write_study_outputs(analyses, tmp_path, compare="SPSS")
    with pytest.raises(ArgumentError, match="non-empty dict"):
        write_study_outputs({}, tmp_path)
    with pytest.raises(ArgumentError, match=r"analyses\['A'\]"):
        write_study_outputs({"A": pd.DataFrame()}, tmp_path)
    with pytest.raises(ArgumentError, match="lang='fr'"):
        write_study_outputs(analyses, tmp_path, lang="fr")
    with pytest.raises(ArgumentError, match="to_frame"):
        write_study_outputs(analyses, tmp_path, read_report="report.txt")
    assert not any(tmp_path.iterdir())  # nothing written before the arguments are checked
