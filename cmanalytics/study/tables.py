"""The study's tables (Tables 1-3, KMO and Bartlett, published versus reproduced), how a reader sees them
(:func:`format_table`: one rule for Markdown, LaTeX, Word, HTML and the console) and their export
(:func:`export_tables`: CSV, Excel, Markdown, Word, LaTeX)."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError
from cmanalytics.study.labels import LABELS, _lab
from cmanalytics.study.word import _EPOCH, _fix_zip_times, write_docx

TABLE_NUMBER = {"A": 1, "B": 2}


def rotated_matrix(an, lang: str = "en") -> pd.DataFrame:
    """Table 1 (part A) or 2 (part B): the rotated component matrix with the dimensions named, items grouped
    by dimension, each dimension's eigenvalue (rotation sums of squared loadings), % of variance and alpha."""
    lab = _lab(lang)
    cb = an.codebook
    dims = cb.dimensions_of(an.part)
    lam = an.efa.loadings
    vx = an.efa.variance_explained  # one component is not rotated: its extraction sums stand
    ve = vx[
        "Rotation Sums of Squared Loadings"
        if "Rotation Sums of Squared Loadings" in vx.columns.get_level_values(0)
        else "Extraction Sums of Squared Loadings"
    ]
    cols = {}
    for d in dims:
        cols[d.name(lang)] = lam.iloc[:, an.component_of[d.id]]
    body = pd.DataFrame(cols)
    rev = set(getattr(an, "reversed", ()) or ())
    wording = [
        getattr(cb.item(i), "zh" if lang == "zh" else "en") + (lab["mark"] if i in rev else "") for i in body.index
    ]
    body.insert(0, lab["wording"], wording)
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
    out.index.name = lab["item"]
    if rev:
        out.attrs["notes"] = [lab["reversed"]]
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
        rows.append(
            {
                lab["rank"]: rank,
                lab["dimension"]: d.name(lang),
                lab["n_items"]: len(d.items),
                lab["mean_loading"]: an.mean_loadings[did],
            }
        )
    return pd.DataFrame(rows).set_index(lab["rank"])


def adequacy_table(an, lang: str = "en") -> pd.DataFrame:
    lab = _lab(lang)
    b = an.bartlett
    return pd.DataFrame(
        {lab["value"]: [an.kmo.overall, b.chi2, b.df, b.p_value, an.n_obs]},
        index=pd.Index([lab["kmo"], lab["chi2"], lab["df"], lab["sig"], lab["n"]], name=lab["statistic"]),
    )


def variance_explained(an, lang: str = "en") -> pd.DataFrame:
    """SPSS's "Total Variance Explained" of the part, its headers in ``lang``."""
    lab = _lab(lang)
    out = an.efa.variance_explained.copy()
    names = {
        "Initial Eigenvalues": lab["initial"],
        "Extraction Sums of Squared Loadings": lab["extraction"],
        "Rotation Sums of Squared Loadings": lab["rotation"],
        "Total": lab["total"],
        "% of Variance": lab["var_pct"],
        "Cumulative %": lab["cum_pct"],
    }
    out.columns = pd.MultiIndex.from_tuples([(names[a], names[b]) for a, b in out.columns])
    out.index.name = lab["component"]
    return out


def part_tables(an, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The part's tables, each with ``attrs["caption"]`` and, where the labels alone would not say how a
    cell prints, ``attrs["kinds"]`` (see :func:`format_table`)."""
    lab = _lab(lang)
    part, name = an.part, an.codebook.part(an.part).name(lang)
    n = TABLE_NUMBER.get(part)
    key = f"table{n}_rotated_matrix_{part}" if n else f"rotated_matrix_{part}"
    rotated = rotated_matrix(an, lang)
    # the body holds loadings (bounded by 1); the rows below it say what they hold
    rotated.attrs.update(
        caption=lab["cap_rotated"].format(part=part, name=name),
        kinds={
            "default": "bounded",
            "rows": {lab["eigen"]: "stat", lab["pct"]: "percent", lab["cum"]: "percent", lab["alpha"]: "bounded"},
        },
    )
    ranking = ranking_table(an, lang)
    ranking.attrs.update(
        caption=lab["cap_ranking"].format(part=part),
        kinds={"columns": {lab["n_items"]: "count", lab["mean_loading"]: "bounded"}},
    )
    adequacy = adequacy_table(an, lang)
    adequacy.attrs.update(
        caption=lab["cap_adequacy"].format(part=part),
        kinds={
            "rows": {lab["kmo"]: "bounded", lab["chi2"]: "stat", lab["df"]: "count", lab["sig"]: "p", lab["n"]: "count"}
        },
    )
    variance = variance_explained(an, lang)
    variance.attrs.update(caption=lab["cap_variance"].format(part=part))
    return {
        key: rotated,
        f"table3_ranking_{part}": ranking,
        f"kmo_bartlett_{part}": adequacy,
        f"variance_explained_{part}": variance,
    }


COMPARISON = {
    "en": {
        "part": "part",
        "statistic": "statistic",
        "published": "published",
        "reproduced": "reproduced (synthetic)",
        "bound": "least attainable",
        "kmo": "KMO",
        "chi2": "Bartlett chi-square",
        "df": "df",
        "var": "variance explained by {k} components (%)",
        "alpha": "Cronbach's alpha",
        "n": "N",
        "first": "first dimension (Table 3)",
    },
    "zh": {
        "part": "部分",
        "statistic": "统计量",
        "published": "发表值",
        "reproduced": "复现值（模拟数据）",
        "bound": "最小可达值",
        "kmo": "KMO",
        "chi2": "Bartlett 球形检验卡方",
        "df": "自由度",
        "var": "{k} 个成分累计解释方差（%）",
        "alpha": "Cronbach's α",
        "n": "样本量",
        "first": "首要维度（表 3）",
    },
}


def comparison_table(
    analyses: dict, published: dict, audits: dict | None = None, lang: str = "en", reproduced: str | None = None
) -> pd.DataFrame:
    """Published figures beside the reproduced ones (and the audit's least chi-square), per part; labels in
    ``lang``; ``reproduced`` names the reproduced column (default "reproduced (synthetic)")."""
    _lab(lang)
    lab = COMPARISON[lang]
    missing = [p for p in analyses if p not in published["parts"]]
    if missing:
        raise ArgumentError(
            f"the published study has no part {missing[0]!r} to compare with (it has {sorted(published['parts'])})."
        )
    rows = []
    for part, an in analyses.items():
        pub = published["parts"][part]
        k = an.efa.n_factors
        var = float(an.efa.variance_explained[("Extraction Sums of Squared Loadings", "Cumulative %")].iloc[k - 1])
        first = next(d for d in an.codebook.dimensions_of(part) if d.id == an.ranking[0])
        repro = {
            "kmo": an.kmo.overall,
            "chi2": an.bartlett.chi2,
            "df": an.bartlett.df,
            "var": var,
            "alpha": an.alpha.alpha,
            "n": an.n_obs,
            "first": an.ranking[0] if lang == "en" else first.name(lang),
        }
        pub_first = next(
            (d.name(lang) for d in an.codebook.dimensions_of(part) if d.id == pub["first_dimension"]),
            pub["first_dimension"],
        )
        pubs = {
            "kmo": pub["kmo"],
            "chi2": pub["bartlett_chi2"],
            "df": pub["bartlett_df"],
            "var": pub["variance_pct"],
            "alpha": pub["alpha"],
            "n": published["sample"]["valid"],
            "first": pub["first_dimension"] if lang == "en" else pub_first,
        }
        bound = (audits or {}).get(part)
        for stat in repro:
            rows.append(
                {
                    lab["part"]: part,
                    lab["statistic"]: lab[stat].format(k=k),
                    lab["published"]: pubs[stat],
                    reproduced or lab["reproduced"]: repro[stat],
                    lab["bound"]: bound.bounds.get("bartlett_chi2_min") if bound and stat == "chi2" else None,
                }
            )
    return pd.DataFrame(rows).set_index([lab["part"], lab["statistic"]])


# ----- Output a reader trusts: one formatting rule for every text format -------------------------------

KINDS = ("count", "p", "bounded", "stat", "percent", "share", "text")
STYLES = ("apa", "plain")
_WORDS = {  # whole words of a row or column label (lower case) that say what its numbers are
    "p": {"p", "sig", "pvalue", "pval"},
    "count": {"n", "count", "counts", "df", "items", "frequency", "freq", "respondents", "people"},
    "percent": {"percent", "pct"},
    "share": {"share", "proportion", "rate"},
    "bounded": {"alpha", "α", "r", "loading", "kmo", "kaiser", "correlation", "omega", "ω", "communality", "h2"},
}
_ZH = {
    "p": ("显著性", "p值", "p 值"),
    "count": ("人数", "样本量", "自由度", "题项数", "频数", "个数", "计数"),
    "percent": ("百分比",),
    "share": ("比例", "占比", "比率"),
    "bounded": ("载荷", "相关", "α", "kmo", "信度", "共同度"),
}


def _label_kind(label) -> str | None:
    """What a row or column label says its numbers are, or None. Percent signs first: "方差贡献率（%）"."""
    text = " ".join(map(str, label)) if isinstance(label, tuple) else str(label)
    low = text.lower()
    words = set(re.split(r"[^0-9a-zα-ω]+", low))
    if "%" in low:
        return "percent"
    for kind in ("p", "count", "percent", "share", "bounded"):
        if words & _WORDS[kind] or any(w in low for w in _ZH[kind]):
            return kind
    return None


def _fits(kind: str | None, values: np.ndarray) -> bool:
    """Whether the numbers of a row or column can be of the kind its label suggests."""
    if kind is None or values.size == 0:
        return kind is not None
    if kind == "count":
        return bool(np.all(values == np.round(values)))
    if kind in ("p", "share"):
        return bool(np.all((values >= 0) & (values <= 1)))
    if kind == "bounded":
        return bool(np.all(np.abs(values) <= 1))
    return True


def format_value(x, kind: str = "stat", digits: int = 3, style: str = "apa") -> str:
    """One cell as a reader should see it.

    - missing (None, NaN, a suppressed cell): blank;
    - ``count``: a whole number without decimals ("112", not "112.000");
    - ``p``: ``digits`` decimals, and "< .001" below .001 (never ".000");
    - ``bounded`` (r, alpha, loadings, KMO: at most 1 in absolute value), ``stat`` (anything else):
      ``digits`` decimals; ``percent`` (percentage points, 23.4 = 23.4%): one decimal fewer;
      ``share`` (a fraction shown as a percentage): "45.0%";
    - a number that rounds to zero prints without a minus sign ("0.000", never "-0.000");
    - ``style="apa"`` drops the leading zero of p and of bounded statistics (".87", "< .001"), as the APA
      Publication Manual (7th ed., 6.36) asks; ``style="plain"`` keeps it ("0.87", "< 0.001"), as SPSS and
      most Chinese journals print.
    """
    if kind not in KINDS:
        raise ArgumentError(f"kind={kind!r}; choose from {KINDS}.")
    if style not in STYLES:
        raise ArgumentError(f"style={style!r}; choose from {STYLES}.")
    if x is None or x is pd.NA or x is pd.NaT:
        return ""
    if kind == "text" or isinstance(x, (str, bool, np.bool_)) or not np.isscalar(x):
        return str(x)
    x = float(x)
    if np.isnan(x):
        return ""
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    lead = "." if style == "apa" and kind in ("p", "bounded") else "0."
    if kind == "p" and x < 10.0**-digits:
        return f"< {lead}{'0' * (digits - 1)}1"
    if kind == "count" and x == round(x):
        return str(int(round(x))) if x != 0 else "0"
    places = {"percent": max(digits - 1, 0), "share": max(digits - 2, 0)}.get(kind, digits)
    shown = 100 * x if kind == "share" else x
    text = f"{shown:.{places}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    if lead == "." and text.lstrip("-").startswith("0."):
        text = text.replace("0.", ".", 1)
    return text + ("%" if kind == "share" else "")


@dataclass(frozen=True)
class FormattedTable:
    """A table as text cells, ready for Markdown, LaTeX, Word, HTML or the console: ``header`` (the index
    names first), ``rows``, ``numeric`` (per column: right-aligned), ``caption`` and ``notes`` (shown
    below the table: the caller's note, the table's own notes, then the suppression footnote)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    caption: str = ""
    notes: tuple[str, ...] = ()
    lang: str = "en"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.header))

    def note_text(self) -> str:
        """The notes as one paragraph after "Note." (APA's general note), or "" when there are none."""
        return f"{LABELS[self.lang]['note']} {' '.join(self.notes)}" if self.notes else ""

    def text(self) -> str:
        """For the console: columns padded, numbers right-aligned, notes below."""
        widths = [max([_width(h)] + [_width(r[j]) for r in self.rows]) for j, h in enumerate(self.header)]

        def line(cells):
            return "  ".join(_pad(c, w, right) for c, w, right in zip(cells, widths, self.numeric)).rstrip()

        out = ([self.caption] if self.caption else []) + [line(self.header)] + [line(r) for r in self.rows]
        return "\n".join(out + ([self.note_text()] if self.notes else []))

    def markdown(self) -> str:
        align = ["right" if n else "left" for n in self.numeric]
        body = self.frame().to_markdown(index=False, colalign=align, disable_numparse=True)
        head = f"**{self.caption}**\n\n" if self.caption else ""
        note = f"\n\n*{LABELS[self.lang]['note']}* {' '.join(self.notes)}" if self.notes else ""
        return head + body + note + "\n"

    def latex(self) -> str:
        """A booktabs table (UTF-8; Chinese needs xeCJK or ctex)."""
        cols = "".join("r" if n else "l" for n in self.numeric)
        lines = [r"\begin{table}[ht]", r"\centering"]
        if self.caption:
            lines.append(rf"\caption{{{_tex(self.caption)}}}")
        lines += (
            [rf"\begin{{tabular}}{{{cols}}}", r"\toprule", " & ".join(map(_tex, self.header)) + r" \\", r"\midrule"]
            + [" & ".join(map(_tex, r)) + r" \\" for r in self.rows]
            + [r"\bottomrule", r"\end{tabular}"]
        )
        if self.notes:
            lines.append(rf"\par\smallskip\emph{{{_tex(LABELS[self.lang]['note'])}}} {_tex(' '.join(self.notes))}")
        return "\n".join(lines + [r"\end{table}"]) + "\n"

    def html(self) -> str:
        def row(cells, tag):
            return (
                "<tr>"
                + "".join(
                    f'<{tag} class="{"num" if n else "txt"}">{html.escape(c)}</{tag}>'
                    for c, n in zip(cells, self.numeric)
                )
                + "</tr>"
            )

        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        body = "".join(row(r, "td") for r in self.rows)
        note = (
            (
                f'<p class="note"><em>{html.escape(LABELS[self.lang]["note"])}</em> '
                f"{html.escape(' '.join(self.notes))}</p>"
            )
            if self.notes
            else ""
        )
        return f'<table class="apa">{cap}<thead>{row(self.header, "th")}</thead><tbody>{body}</tbody></table>{note}'


def _width(s: str) -> int:
    # a CJK character takes two columns in a terminal
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(s))
    return fill + s if right else s + fill


_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"$<$",
    ">": r"$>$",
}


def _tex(s: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in s)


def suppression_mask(df: pd.DataFrame) -> pd.DataFrame:
    """Which cells are suppressed: the blank (NaN) numeric cells of a table that
    :func:`cmanalytics.workforce.anonymity.suppress` or ``suppress_counts`` marked (``attrs["suppression"]``),
    restricted to the rows of its ``suppressed`` column when it has one. All False for any other table."""
    mask = pd.DataFrame(False, index=df.index, columns=df.columns)
    if "suppression" not in df.attrs:
        return mask
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            mask[c] = df[c].isna()
    if "suppressed" in df.columns:
        mask = mask & df["suppressed"].astype(bool).to_numpy()[:, None]
    return mask


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    """Columns as one row of headers ("a / b"), the index as leading columns (dropped when it is only
    0, 1, 2, ...)."""
    flat = df.copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" / ".join(map(str, c)) for c in flat.columns]
    unnamed_range = isinstance(flat.index, pd.RangeIndex) and flat.index.name is None and flat.index.start == 0
    if not unnamed_range:
        names = [n if n is not None else "" for n in flat.index.names]
        flat.index = flat.index.set_names(names)
        flat = flat.reset_index()
    else:
        flat = flat.reset_index(drop=True)
    flat.attrs = dict(df.attrs)
    return flat


def cell_kinds(df: pd.DataFrame, suppressed: pd.DataFrame | None = None) -> pd.DataFrame:
    """How each cell of ``df`` prints (see :func:`format_value`). The rule, first that applies:

    1. ``df.attrs["kinds"]["rows"][row label]``, then ``["columns"][column label]`` (said by the table's
       maker);
    2. what the row label says, then the column label ("N", "df", "Items", "题项数" -> count; "p", "Sig.",
       "显著性" -> p; "%" -> percent; "share", "比例" -> share; "alpha", "loading", "KMO", "载荷" -> bounded),
       taken only if every number of that row or column fits (a count is whole, a p or share lies in
       [0, 1], a bounded statistic in [-1, 1]); so a column of means that happen to be whole stays a statistic;
    3. ``df.attrs["kinds"]["default"]``;
    4. integer columns are counts, and so are the columns that suppression turned to float (a column with a
       suppressed cell whose other numbers are all whole); anything else numeric is a statistic; text is
       text.

    ``suppressed``: which cells are suppressed (default :func:`suppression_mask`).
    """
    given = df.attrs.get("kinds", {})
    mask = suppression_mask(df) if suppressed is None else suppressed
    rows_given, cols_given = given.get("rows", {}), given.get("columns", {})
    numeric = df.apply(pd.to_numeric, errors="coerce") if len(df.columns) else df
    row_kind = {}
    for i, label in enumerate(df.index):
        k = _label_kind(label)
        vals = numeric.iloc[i].to_numpy(dtype=float)
        row_kind[i] = k if _fits(k, vals[~np.isnan(vals)]) else None
    kinds = pd.DataFrame("text", index=df.index, columns=df.columns, dtype=object)
    for j, col in enumerate(df.columns):
        s = df.iloc[:, j]
        if pd.api.types.is_bool_dtype(s) or not (pd.api.types.is_numeric_dtype(s) or s.dtype == object):
            continue
        vals = numeric.iloc[:, j].to_numpy(dtype=float)
        ck = _label_kind(col)
        ck = ck if _fits(ck, vals[~np.isnan(vals)]) else None
        blanked = bool(mask.iloc[:, j].any()) and _fits("count", vals[~np.isnan(vals)])
        fallback = "count" if pd.api.types.is_integer_dtype(s) or blanked else "stat"
        for i, label in enumerate(df.index):
            if isinstance(s.iloc[i], str):
                continue
            kinds.iat[i, j] = (
                rows_given.get(label) or cols_given.get(col) or row_kind[i] or ck or given.get("default") or fallback
            )
    return kinds


def _check_min_cell(min_cell, df: pd.DataFrame, any_suppressed: bool) -> None:
    """min_cell only states the threshold in the footnote of suppressed cells: refused where there is none, or
    where it contradicts the threshold the table was suppressed with (``attrs["min_cell"]``)."""
    if min_cell is None:
        return
    if not any_suppressed:
        raise ArgumentError(
            f"min_cell={min_cell!r} states the threshold in the footnote of suppressed cells; this table has none."
        )
    own = df.attrs.get("min_cell")
    if own is not None and own != min_cell:
        raise ArgumentError(
            f"min_cell={min_cell!r} contradicts the threshold the table was suppressed with ({own!r}, its "
            "attrs['min_cell']); leave min_cell out."
        )


def format_table(
    df: pd.DataFrame,
    *,
    digits: int = 3,
    lang: str = "en",
    style: str = "apa",
    note: str | None = None,
    caption: str | None = None,
    suppressed: pd.DataFrame | None = None,
    min_cell: int | None = None,
) -> FormattedTable:
    """``df`` as a reader should see it: every cell by :func:`format_value` with the kind
    :func:`cell_kinds` gives it, suppressed cells blank with a footnote saying why (``suppressed``: a boolean
    frame like ``df``; default: :func:`suppression_mask`, for tables marked by
    :mod:`cmanalytics.workforce.anonymity`), the helper column ``suppressed`` left out, the caption from
    ``caption`` or ``df.attrs["caption"]``, below the table ``note``, the table's own ``attrs["notes"]``
    and the suppression footnote, in ``lang``."""
    lab = _lab(lang)
    mask = suppression_mask(df) if suppressed is None else suppressed.reindex_like(df).fillna(False).astype(bool)
    _check_min_cell(min_cell, df, bool(mask.to_numpy().any()))
    kinds = cell_kinds(df, mask)
    shown = df.drop(columns=["suppressed"]) if "suppressed" in df.columns and suppressed is None else df
    cells = pd.DataFrame("", index=df.index, columns=df.columns, dtype=object)
    for j in range(df.shape[1]):
        for i in range(df.shape[0]):
            if not mask.iat[i, j]:
                cells.iat[i, j] = format_value(df.iat[i, j], kinds.iat[i, j], digits, style)
    cells = cells[shown.columns]
    numeric_col = [bool((kinds[c] != "text").any()) for c in shown.columns]
    cells.attrs = {}
    flat = _flatten(cells)
    n_index = flat.shape[1] - cells.shape[1]
    for c in flat.columns[:n_index]:  # index values: whole numbers without decimals, text as is
        flat[c] = [format_value(v, "count" if isinstance(v, (int, np.integer)) else "text") for v in flat[c]]
    notes = ([note] if note else []) + list(df.attrs.get("notes", ()))
    if mask.to_numpy().any():
        k = min_cell if min_cell is not None else df.attrs.get("min_cell", 5)
        notes.append(lab["suppressed"].format(k=k))
    return FormattedTable(
        header=tuple(map(str, flat.columns)),
        rows=tuple(tuple(r) for r in flat.itertuples(index=False)),
        numeric=tuple([False] * n_index + numeric_col),
        caption=caption or df.attrs.get("caption", ""),
        notes=tuple(notes),
        lang=lang,
    )


# ----- Files -------------------------------------------------------------------------------------------

FORMATS = ("csv", "xlsx", "md", "docx", "tex")


def excel_format(kind: str, digits: int = 3, style: str = "apa") -> str:
    """The Excel number format of a cell of ``kind`` (see :func:`format_value`): the cell holds the
    full-precision value, the format rounds it on screen. A p-value below .001 shows "< .001" (a
    conditional format)."""

    def fixed(places: int) -> str:
        return "0." + "0" * places if places > 0 else "0"

    if kind == "p":
        below = f"< {'.' if style == 'apa' else '0.'}{'0' * (digits - 1)}1"
        return f'[<{10.0**-digits:.{digits}f}]"{below}";{fixed(digits)}'
    return {"count": "0", "text": "General", "percent": fixed(digits - 1), "share": fixed(digits - 2) + "%"}.get(
        kind, fixed(digits)
    )


def write_csv(df: pd.DataFrame, path: Path, index: bool = True) -> Path:
    """UTF-8 with a byte-order mark (Excel on Chinese Windows then reads Chinese right), every digit kept
    (Python's shortest round-trip repr of each float)."""
    df.to_csv(path, encoding="utf-8-sig", lineterminator="\n", index=index)
    return path


def write_xlsx(
    df: pd.DataFrame, path: Path, *, digits: int = 3, style: str = "apa", note: str | None = None, lang: str = "en"
) -> Path:
    """Full-precision values with number formats by :func:`cell_kinds` (so Excel shows what the Markdown
    shows and computes with every digit); suppressed cells empty, the footnote below the table."""
    flat = _flatten(df)
    kinds = _flatten(cell_kinds(df))
    n_index = flat.shape[1] - df.shape[1]
    top = 1 if note else 0
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        flat.to_excel(xw, sheet_name="table", startrow=top, index=False)
        sheet = xw.sheets["table"]
        if note:
            sheet.cell(row=1, column=1, value=note)
        for j in range(n_index, flat.shape[1]):
            for i in range(flat.shape[0]):
                kind = kinds.iat[i, j]
                if kind != "text":
                    sheet.cell(row=top + 2 + i, column=j + 1).number_format = excel_format(kind, digits, style)
        if suppression_mask(df).to_numpy().any():
            sheet.cell(
                row=top + flat.shape[0] + 3,
                column=1,
                value=_lab(lang)["suppressed"].format(k=df.attrs.get("min_cell", 5)),
            )
        xw.book.properties.created = xw.book.properties.modified = _EPOCH
    _fix_zip_times(path)
    return path


def export_tables(
    tables: dict[str, pd.DataFrame],
    folder: str | Path,
    formats=FORMATS,
    digits: int = 3,
    note: str | None = None,
    lang: str = "en",
    style: str = "apa",
) -> list[Path]:
    """Write each table as CSV (UTF-8 with BOM, full precision), Excel (full precision, number formats),
    Markdown, Word (an APA table) and LaTeX, the last three formatted by :func:`format_table`.

    ``note`` (e.g. "Synthetic data, not the study's") goes below the Markdown, LaTeX and Word tables and into
    the Excel sheet's first cell. Tables are numbered in the order given (``attrs["number"]`` overrides);
    captions come from ``attrs["caption"]`` or the table's name. Every file is byte-identical when rebuilt.
    Writes only into ``folder``; returns the files written."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ArgumentError(f"unknown format(s) {bad}; choose from {FORMATS}.")
    _lab(lang)
    if style not in STYLES:
        raise ArgumentError(f"style={style!r}; choose from {STYLES}.")
    if formats and set(formats) <= {"csv"}:
        # CSV is written at full precision with no caption or note: these would change nothing in it
        given = [
            f"{k}={v!r}"
            for k, v, d in (("digits", digits, 3), ("note", note, None), ("lang", lang, "en"), ("style", style, "apa"))
            if v != d
        ]
        if given:
            raise ArgumentError(
                f"{', '.join(given)} shape the formatted tables (xlsx, md, docx, tex); a CSV keeps full precision "
                "and carries no note: add one of those formats or leave the argument out."
            )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (name, df) in enumerate(tables.items(), start=1):
        ft = format_table(
            df,
            digits=digits,
            lang=lang,
            style=style,
            note=note,
            caption=df.attrs.get("caption") or name.replace("_", " "),
        )
        for ext in formats:
            p = folder / f"{name}.{ext}"
            if ext == "csv":
                write_csv(_flatten(df), p, index=False)
            elif ext == "xlsx":
                write_xlsx(df, p, digits=digits, style=style, note=note, lang=lang)
            elif ext == "md":
                p.write_text(ft.markdown(), encoding="utf-8")
            elif ext == "tex":
                p.write_text(ft.latex(), encoding="utf-8")
            else:
                write_docx([(df.attrs.get("number", number), ft)], p)
            written.append(p)
    return written
