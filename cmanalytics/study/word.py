"""Word (.docx) tables in APA style, written with python-docx, and the fixing of zip files (.docx, .xlsx) so
that a rebuild is byte-identical."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

from cmanalytics.study.labels import _lab

_EPOCH = datetime.datetime(2000, 1, 1)


def _fix_zip_times(path: Path) -> None:
    """An .xlsx or .docx is a zip whose entries carry the time of writing, and whose docProps/core.xml
    carries the dates of creation and saving; fix both so a rebuild is byte-identical."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # openpyxl and python-docx stamp the time of saving
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def write_docx(tables, path: str | Path) -> Path:
    """A Word document of APA-style tables, ``tables`` a list of ``(number, FormattedTable)``: "Table n" in
    bold, the caption in italics above; horizontal rules only (above and below the header, below the
    table; no vertical lines); numbers right-aligned with fixed decimals, so the decimal points line up;
    the notes below after an italic "Note." (APA Publication Manual, 7th ed., 7.8-7.14). Byte-identical when
    rebuilt: the zip's entry times and the document's dates are fixed."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(11)
    # Chinese text in Word takes its font from the East Asian slot: SimSun (宋体) is what journals ask for
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    for k, (number, ft) in enumerate(tables):
        lab = _lab(ft.lang)
        if k:
            doc.add_paragraph()
        doc.add_paragraph().add_run(f"{lab['table']} {number}").bold = True
        doc.add_paragraph().add_run(ft.caption).italic = True
        table = doc.add_table(rows=1 + len(ft.rows), cols=len(ft.header))
        _apa_borders(table)
        # row by row: table.cell(i, j) walks the whole table each time
        for i, (row, cells) in enumerate(zip(table.rows, [ft.header, *ft.rows])):
            for j, (cell, text) in enumerate(zip(row.cells, cells)):
                cell.text = text
                para = cell.paragraphs[0]
                para.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER
                    if i == 0 and ft.numeric[j]
                    else WD_ALIGN_PARAGRAPH.RIGHT
                    if ft.numeric[j]
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
                para.paragraph_format.space_after = Pt(0)
                if i == 0:
                    _cell_rule(cell, "bottom")
        if ft.notes:
            para = doc.add_paragraph()
            para.add_run(lab["note"]).italic = True
            para.add_run(" " + " ".join(ft.notes))
    props = doc.core_properties
    props.created = props.modified = props.last_printed = _EPOCH
    props.author = props.last_modified_by = "cmanalytics"
    props.revision = 1
    path = Path(path)
    doc.save(path)
    _fix_zip_times(path)
    return path


def _border_xml(edges: dict[str, str]):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    box = OxmlElement("w:tblBorders")
    for edge, val in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "8")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        box.append(el)
    return box


def _apa_borders(table) -> None:
    """Top and bottom rules on the table; no left, right or inner lines."""
    from docx.oxml.ns import qn

    borders = _border_xml(
        {"top": "single", "left": "nil", "bottom": "single", "right": "nil", "insideH": "nil", "insideV": "nil"}
    )
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    # the schema orders tblPr's children: borders come before tblLook (Word refuses a file out of order)
    if look is not None:
        look.addprevious(borders)
    else:
        table._tbl.tblPr.append(borders)


def _cell_rule(cell, edge: str) -> None:
    """A rule on one edge of one cell (the line under the header)."""
    from docx.oxml import OxmlElement

    tc_pr = cell._tc.get_or_add_tcPr()
    box = _border_xml({edge: "single"})
    borders = OxmlElement("w:tcBorders")
    borders.extend(list(box))
    tc_pr.append(borders)


# ----- Figures ------------------------------------------------------------------------------------------------
