"""The study's tables (Tables 1-3, KMO and Bartlett, published versus reproduced) and their export."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError

LABELS = {
    "en": {"item": "Item", "wording": "Wording", "eigen": "Eigenvalue (rotation sums of squared loadings)",
           "pct": "% of variance", "cum": "Cumulative %", "alpha": "Cronbach's alpha of the dimension",
           "dimension": "Dimension", "n_items": "Items", "mean_loading": "Mean loading", "rank": "Rank",
           "kmo": "Kaiser-Meyer-Olkin measure of sampling adequacy", "chi2": "Bartlett's test: approx. chi-square",
           "df": "df", "sig": "Sig.", "n": "N", "statistic": "Statistic", "value": "Value"},
    "zh": {"item": "题项", "wording": "内容", "eigen": "特征值（旋转平方和载荷）", "pct": "方差贡献率（%）",
           "cum": "累计方差贡献率（%）", "alpha": "维度 Cronbach's α", "dimension": "维度", "n_items": "题项数",
           "mean_loading": "平均载荷", "rank": "排序", "kmo": "KMO 取样适切性量数", "chi2": "Bartlett 球形检验近似卡方",
           "df": "自由度", "sig": "显著性", "n": "样本量", "statistic": "统计量", "value": "数值"},
}
TABLE_NUMBER = {"A": 1, "B": 2}


def _lab(lang: str) -> dict:
    if lang not in LABELS:
        raise ArgumentError(f"lang={lang!r}; choose 'en' or 'zh'.")
    return LABELS[lang]


def rotated_matrix(an, lang: str = "en") -> pd.DataFrame:
    """Table 1 (part A) or 2 (part B): the rotated component matrix with the dimensions named, items grouped
    by dimension, each dimension's eigenvalue (rotation sums of squared loadings), % of variance and alpha."""
    lab = _lab(lang)
    cb = an.codebook
    dims = cb.dimensions_of(an.part)
    lam = an.efa.loadings
    vx = an.efa.variance_explained  # one component is not rotated: its extraction sums stand
    ve = vx["Rotation Sums of Squared Loadings" if "Rotation Sums of Squared Loadings" in vx.columns.get_level_values(0) else "Extraction Sums of Squared Loadings"]
    cols = {}
    for d in dims:
        cols[d.name(lang)] = lam.iloc[:, an.component_of[d.id]]
    body = pd.DataFrame(cols)
    body.insert(0, lab["wording"], [getattr(cb.item(i), "zh" if lang == "zh" else "en") for i in body.index])
    order = [i for d in dims for i in d.items]
    body = body.loc[order]
    body.index.name = lab["item"]
    foot = pd.DataFrame(index=[lab["eigen"], lab["pct"], lab["cum"], lab["alpha"]], columns=body.columns, dtype=object)
    comp = [an.component_of[d.id] for d in dims]
    foot.loc[lab["eigen"], body.columns[1:]] = ve["Total"].to_numpy()[comp]
    foot.loc[lab["pct"], body.columns[1:]] = ve["% of Variance"].to_numpy()[comp]
    foot.loc[lab["cum"], body.columns[1:]] = np.cumsum(ve["% of Variance"].to_numpy()[comp])
    foot.loc[lab["alpha"], body.columns[1:]] = [an.dimension_alpha.get(d.id, np.nan) for d in dims]
    foot[lab["wording"]] = ""
    out = pd.concat([body, foot])
    for c in out.columns[1:]:
        out[c] = pd.to_numeric(out[c])
    return out


def ranking_table(an, lang: str = "en") -> pd.DataFrame:
    """Table 3: the part's dimensions ranked by the mean absolute rotated loading of their items."""
    lab = _lab(lang)
    cb = an.codebook
    rows = []
    for rank, did in enumerate(an.ranking, start=1):
        d = next(x for x in cb.dimensions_of(an.part) if x.id == did)
        rows.append({lab["rank"]: rank, lab["dimension"]: d.name(lang), lab["n_items"]: len(d.items),
                     lab["mean_loading"]: an.mean_loadings[did]})
    return pd.DataFrame(rows).set_index(lab["rank"])


def adequacy_table(an, lang: str = "en") -> pd.DataFrame:
    lab = _lab(lang)
    b = an.bartlett
    return pd.DataFrame({lab["value"]: [an.kmo.overall, b.chi2, b.df, b.p_value, an.n_obs]},
                        index=pd.Index([lab["kmo"], lab["chi2"], lab["df"], lab["sig"], lab["n"]], name=lab["statistic"]))


def part_tables(an, lang: str = "en") -> dict[str, pd.DataFrame]:
    n = TABLE_NUMBER.get(an.part)
    key = f"table{n}_rotated_matrix_{an.part}" if n else f"rotated_matrix_{an.part}"
    return {key: rotated_matrix(an, lang), f"table3_ranking_{an.part}": ranking_table(an, lang),
            f"kmo_bartlett_{an.part}": adequacy_table(an, lang),
            f"variance_explained_{an.part}": an.efa.variance_explained}


def comparison_table(analyses: dict, published: dict, audits: dict | None = None) -> pd.DataFrame:
    """Published figures beside the reproduced ones (and the audit's least chi-square), per part."""
    rows = []
    for part, an in analyses.items():
        pub = published["parts"][part]
        var = float(an.efa.variance_explained[("Extraction Sums of Squared Loadings", "Cumulative %")].iloc[an.efa.n_factors - 1])
        repro = {"KMO": an.kmo.overall, "Bartlett chi-square": an.bartlett.chi2, "df": an.bartlett.df,
                 "variance explained by 3 components (%)": var, "Cronbach's alpha": an.alpha.alpha,
                 "N": an.n_obs, "first dimension (Table 3)": an.ranking[0]}
        pubs = {"KMO": pub["kmo"], "Bartlett chi-square": pub["bartlett_chi2"], "df": pub["bartlett_df"],
                "variance explained by 3 components (%)": pub["variance_pct"], "Cronbach's alpha": pub["alpha"],
                "N": published["sample"]["valid"], "first dimension (Table 3)": pub["first_dimension"]}
        bound = (audits or {}).get(part)
        for stat in repro:
            rows.append({"part": part, "statistic": stat, "published": pubs[stat], "reproduced (synthetic)": repro[stat],
                         "least attainable": bound.bounds.get("bartlett_chi2_min") if bound and stat == "Bartlett chi-square" else None})
    return pd.DataFrame(rows).set_index(["part", "statistic"])


FORMATS = ("csv", "xlsx", "md", "tex")
_EPOCH = datetime.datetime(2000, 1, 1)


def _fix_zip_times(path: Path) -> None:
    """An .xlsx is a zip whose entries carry the time of writing; fix them so a rebuild is byte-identical."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def export_tables(tables: dict[str, pd.DataFrame], folder: str | Path, formats=FORMATS, digits: int = 3,
                  note: str | None = None) -> list[Path]:
    """Write each table as CSV (full precision), Excel, Markdown and LaTeX (rounded as SPSS prints).
    ``note`` (e.g. "Synthetic data, not the study's") is written above Markdown and LaTeX tables and into
    an Excel cell. Writes only into ``folder``; returns the files written."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ArgumentError(f"unknown format(s) {bad}; choose from {FORMATS}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        flat = df.copy()
        if isinstance(flat.columns, pd.MultiIndex):
            flat.columns = [" / ".join(map(str, c)) for c in flat.columns]
        if isinstance(flat.index, pd.MultiIndex):
            flat = flat.reset_index()
        rounded = flat.apply(lambda s: s.round(digits) if pd.api.types.is_float_dtype(s) else s)
        if "csv" in formats:
            p = folder / f"{name}.csv"
            flat.to_csv(p, float_format="%.10g", lineterminator="\n")
            written.append(p)
        if "xlsx" in formats:
            p = folder / f"{name}.xlsx"
            with pd.ExcelWriter(p, engine="openpyxl") as xw:
                rounded.to_excel(xw, sheet_name="table", startrow=1 if note else 0)
                if note:
                    xw.sheets["table"].cell(row=1, column=1, value=note)
                xw.book.properties.created = xw.book.properties.modified = _EPOCH
            _fix_zip_times(p)
            written.append(p)
        if "md" in formats:
            p = folder / f"{name}.md"
            text = (f"*{note}*\n\n" if note else "") + rounded.to_markdown(floatfmt=f".{digits}f") + "\n"
            p.write_text(text, encoding="utf-8")
            written.append(p)
        if "tex" in formats:
            p = folder / f"{name}.tex"
            body = rounded.to_latex(float_format=lambda v: f"{v:.{digits}f}", na_rep="")
            p.write_text((f"% {note}\n" if note else "") + body, encoding="utf-8")
            written.append(p)
    return written
