"""What ``cmanalytics study --out`` writes: every table in every format, the scores, the read report, a Word
file of APA tables and one self-contained HTML page with the tables, a scree plot and a loading heat map
per part. Every file is byte-identical when rebuilt from the same data (no timestamps anywhere).

    analyses = {p: cma.study.analyse(cleaned.data, part=p) for p in "AB"}
    cma.study.write_study_outputs(analyses, "out", scores=scores, lang="zh")
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, outside_stacklevel
from cmanalytics.study.tables import (
    _flatten,
    _lab,
    comparison_table,
    export_tables,
    format_table,
    format_value,
    part_tables,
    write_csv,
)
from cmanalytics.study.word import write_docx

LABELS = {
    "en": {
        "title": "Study report",
        "part": "Part {part}: {name}",
        "scree": "Scree plot, part {part}",
        "component": "Component",
        "eigenvalue": "Eigenvalue",
        "kaiser": "Kaiser criterion (eigenvalue = 1)",
        "heatmap": "Rotated loadings, part {part}",
        "item": "Item",
        "reversed": "(R) reverse-keyed item, recoded before the analysis",
        "read_report": "How the data were read",
        "scores": "Scores",
        "scores_caption": "Dimension scores",
        "comparison": "Published and reproduced figures",
        "mark": " (R)",
        "n": "N",
        "mean": "Mean",
        "sd": "SD",
        "min": "Min",
        "max": "Max",
        "score": "Score",
        "this_study": "this study",
    },
    "zh": {
        "title": "研究报告",
        "part": "第 {part} 部分：{name}",
        "scree": "第 {part} 部分碎石图",
        "component": "成分",
        "eigenvalue": "特征值",
        "kaiser": "Kaiser 准则（特征值 = 1）",
        "heatmap": "第 {part} 部分旋转后载荷",
        "item": "题项",
        "reversed": "（反）反向计分题，分析前已重新编码",
        "read_report": "数据读取报告",
        "scores": "得分",
        "scores_caption": "各维度得分",
        "comparison": "发表值与复现值",
        "mark": "（反）",
        "n": "样本量",
        "mean": "均值",
        "sd": "标准差",
        "min": "最小值",
        "max": "最大值",
        "score": "得分",
        "this_study": "本研究",
    },
}

_CSS = """body{font-family:"Times New Roman","Songti SC","SimSun",serif;max-width:60em;margin:2em auto;padding:0 1em}
table.apa{border-collapse:collapse;margin:1.2em 0 .3em;border-top:1.5px solid #000;border-bottom:1.5px solid #000}
table.apa caption{text-align:left;font-style:italic;padding-bottom:.4em}
table.apa th{border-bottom:1px solid #000;font-weight:normal;padding:3px 10px}
table.apa td{padding:2px 10px}.num{text-align:right;font-variant-numeric:tabular-nums}.txt{text-align:left}
p.note{font-size:.9em;margin-top:0}figure{margin:1.5em 0}figcaption{font-style:italic}img{max-width:100%}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto}"""


def _figure_style(lang: str) -> tuple[dict, str]:
    """matplotlib settings and the language the figures can be labelled in: Chinese needs a CJK font
    (found by :func:`cmanalytics.workforce.dashboards.cjk_font`); without one, a FontWarning and English."""
    from cmanalytics.workforce.dashboards import FontWarning, cjk_font

    rc = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "cmanalytics"}
    if lang == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "no CJK font is installed (on Debian: apt-get install fonts-wqy-microhei); the "
                "figures are labelled in English.",
                FontWarning,
                stacklevel=outside_stacklevel(),
            )
            return rc, "en"
        rc.update({"font.family": [font, "DejaVu Sans"], "axes.unicode_minus": False})
    return rc, lang


def _png(fig) -> str:
    """The figure as a base64 PNG, without the date or the matplotlib version in its metadata."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def scree_png(an, lang: str = "en") -> str:
    """A scree plot of the part's eigenvalues with Kaiser's line at 1, as a base64 PNG."""
    import matplotlib
    from matplotlib.figure import Figure

    rc, lang = _figure_style(lang)
    lab = LABELS[lang]
    ev = np.asarray(an.efa.eigenvalues, dtype=float)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(5.5, 3.4))
        ax = fig.add_subplot()
        x = np.arange(1, len(ev) + 1)
        ax.plot(x, ev, marker="o", color="#1f4e79")
        ax.axhline(1.0, color="#a40000", linestyle="--", linewidth=1, label=lab["kaiser"])
        ax.set_xticks(x)
        ax.set_xlabel(lab["component"])
        ax.set_ylabel(lab["eigenvalue"])
        ax.set_title(lab["scree"].format(part=an.part))
        ax.legend(frameon=False)
        return _png(fig)


def reversed_items(an) -> tuple[str, ...]:
    """The items the analysis recoded as reverse-keyed (``an.reversed`` or ``an.efa.reversed``; none when the
    analysis does not say)."""
    found = tuple(getattr(an, "reversed", ()) or ()) + tuple(getattr(an.efa, "reversed", ()) or ())
    return tuple(dict.fromkeys(found))


def heatmap_png(an, lang: str = "en", style: str = "apa") -> str:
    """The rotated loadings (items by components) as a heat map with each value written in its cell, the
    components named by the dimension they stand for, reverse-keyed items marked "(R)"; base64 PNG."""
    import matplotlib
    from matplotlib.figure import Figure

    rc, lang = _figure_style(lang)
    lab = LABELS[lang]
    lam = an.efa.loadings
    rev = set(reversed_items(an))
    names = {
        c: d.name(lang)
        for d in an.codebook.dimensions_of(an.part)
        for dim_id, c in an.component_of.items()
        if d.id == dim_id
    }
    cols = [names.get(k, f"{lab['component']} {k + 1}") for k in range(lam.shape[1])]
    rows = [f"{i}{lab['mark']}" if i in rev else str(i) for i in lam.index]
    values = lam.to_numpy(dtype=float)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(1.6 + 1.3 * len(cols), 1.2 + 0.28 * len(rows)))
        ax = fig.add_subplot()
        ax.imshow(values, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            ax.text(
                j,
                i,
                format_value(v, "bounded", 2, style),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if abs(v) > 0.6 else "black",
            )
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(rows)), rows)
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(lab["heatmap"].format(part=an.part))
        if rev:
            fig.text(0.01, 0.005, lab["reversed"], fontsize=7)
        return _png(fig)


# ----- The study's outputs ---------------------------------------------------------------------------------------


def scores_summary(scores: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """N, mean, SD (n - 1), min and max of each numeric score column."""
    lab = LABELS[lang]
    num = scores.select_dtypes("number")
    out = pd.DataFrame(
        {
            lab["n"]: num.count().astype(int),
            lab["mean"]: num.mean(),
            lab["sd"]: num.std(ddof=1),
            lab["min"]: num.min(),
            lab["max"]: num.max(),
        }
    )
    out.index.name = lab["score"]
    out.attrs.update(caption=lab["scores_caption"], kinds={"columns": {lab["n"]: "count"}})
    return out


def _comparison(analyses: dict, compare, lang: str) -> pd.DataFrame | None:
    if compare is None:
        return None
    if isinstance(compare, pd.DataFrame):
        return compare
    if compare == "published":
        from cmanalytics.study.analysis import published

        table = comparison_table(analyses, published(), lang=lang, reproduced=LABELS[lang]["this_study"])
        return table.dropna(axis=1, how="all")  # no audit here: the "least attainable" column would be empty
    raise ArgumentError(
        f"compare={compare!r}; give None, 'published' or a DataFrame of figures to set beside the results."
    )


def _check(analyses, lang: str, scores, read_report) -> None:
    if not isinstance(analyses, dict) or not analyses:
        raise ArgumentError(
            "analyses must be a non-empty dict of part -> PartAnalysis (cma.study.analyse(data, part=...))."
        )
    bad = [p for p, an in analyses.items() if not (hasattr(an, "efa") and hasattr(an, "codebook"))]
    if bad:
        raise ArgumentError(f"analyses[{bad[0]!r}] is not a PartAnalysis (cma.study.analyse(data, part=...)).")
    if lang not in LABELS:
        raise ArgumentError(f"lang={lang!r}; choose 'en' or 'zh'.")
    if scores is not None and not isinstance(scores, pd.DataFrame):
        raise ArgumentError(f"scores must be a DataFrame (one row per respondent), not {type(scores).__name__}.")
    if read_report is not None and not callable(getattr(read_report, "to_frame", None)):
        raise ArgumentError("read_report must have to_frame() (cma.study.read_report(df)).")


def write_study_outputs(
    analyses: dict,
    folder: str | Path,
    *,
    scores: pd.DataFrame | None = None,
    read_report=None,
    lang: str = "en",
    note: str | None = None,
    compare=None,
    digits: int = 3,
    style: str = "apa",
) -> list[Path]:
    """Write a study's results into ``folder`` and return the files written:

    - ``tables/<name>.{csv,xlsx,md,docx,tex}``: every part's tables (:func:`export_tables`), and the
      comparison with ``compare`` ("published": the study's published figures; or a DataFrame);
    - ``tables.docx``: all the tables in one Word file, numbered, ready to paste into a paper;
    - ``scores.csv`` (UTF-8 with BOM, full precision) when ``scores`` is given, and its summary among the
      tables;
    - ``read_report.csv`` and ``read_report.txt`` when ``read_report`` is given (``to_frame()`` and ``str``);
    - ``report.html``: one self-contained page with the tables, a scree plot and a loading heat map per part
      (PNG images inside the page).

    ``analyses``: part -> :class:`cmanalytics.study.PartAnalysis`. Labels, captions and notes in ``lang``.
    """
    _check(analyses, lang, scores, read_report)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lab = LABELS[lang]
    tables = {part: part_tables(an, lang) for part, an in analyses.items()}
    extra = {}
    comparison = _comparison(analyses, compare, lang)
    if comparison is not None:
        comparison = comparison.copy()
        comparison.attrs.setdefault("caption", lab["comparison"])
        extra["comparison"] = comparison
    if scores is not None:
        extra["scores_summary"] = scores_summary(scores, lang)
    flat = {name: df for part_t in tables.values() for name, df in part_t.items()} | extra
    written = export_tables(flat, folder / "tables", digits=digits, note=note, lang=lang, style=style)
    formatted = {
        name: format_table(
            df, digits=digits, lang=lang, style=style, note=note, caption=df.attrs.get("caption") or name
        )
        for name, df in flat.items()
    }
    written.append(write_docx(list(enumerate(formatted.values(), start=1)), folder / "tables.docx"))
    if scores is not None:
        written.append(write_csv(_flatten(scores), folder / "scores.csv", index=False))
    report_text = None
    if read_report is not None:
        written.append(write_csv(_flatten(read_report.to_frame()), folder / "read_report.csv", index=False))
        report_text = str(read_report)
        (folder / "read_report.txt").write_text(report_text + "\n", encoding="utf-8")
        written.append(folder / "read_report.txt")
    page = _html_page(analyses, tables, formatted, extra, report_text, lang, note, style)
    (folder / "report.html").write_text(page, encoding="utf-8")
    written.append(folder / "report.html")
    return written


def _html_page(analyses, tables, formatted, extra, report_text, lang, note, style) -> str:
    lab = LABELS[lang]
    out = [
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(lab['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(lab['title'])}</h1>",
    ]
    if note:
        out.append(f'<p class="note">{html.escape(note)}</p>')
    number = 0
    for part, an in analyses.items():
        out.append(f"<h2>{html.escape(lab['part'].format(part=part, name=an.codebook.part(part).name(lang)))}</h2>")
        for name in tables[part]:
            number += 1
            out.append(_numbered(number, formatted[name], lang))
        for title, png in ((lab["scree"], scree_png(an, lang)), (lab["heatmap"], heatmap_png(an, lang, style))):
            caption = html.escape(title.format(part=part))
            out.append(
                f'<figure><img alt="{caption}" src="data:image/png;base64,{png}">'
                f"<figcaption>{caption}</figcaption></figure>"
            )
    for name in extra:
        number += 1
        out.append(f"<h2>{html.escape(formatted[name].caption)}</h2>" + _numbered(number, formatted[name], lang))
    if report_text is not None:
        out.append(f"<h2>{html.escape(lab['read_report'])}</h2><pre>{html.escape(report_text)}</pre>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _numbered(number: int, ft, lang: str) -> str:
    word = _lab(lang)["table"]
    return f"<p><strong>{html.escape(word)} {number}</strong></p>{ft.html()}"
