"""A first codebook drafted from an export: the researcher's own instrument in minutes, not by hand.

    text = cma.study.codebook_template("export.xlsx", scale=(1, 5))
    Path("survey.toml").write_text(text, encoding="utf-8")   # then name the dimensions and reverse items

The draft loads as it is (every item in one dimension ``all``); the researcher splits it into the real
dimensions, marks reverse-keyed items and names the missing-value codes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.study.answers import _PREFIX
from cmanalytics.study.ingestion import FileInfo, _find_id_column, _read_file
from cmanalytics.study.matching import _NUMBERING, _TAGS

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _q(text) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def _wording(header: str, label) -> str:
    text = str(label) if label else str(header)
    s = unicodedata.normalize("NFKC", text).strip()
    s = _TAGS.sub("", s)
    s = _NUMBERING.sub("", s, count=1).strip()
    return s or text


def _text_options(col: pd.Series, n_points: int) -> list[str] | None:
    """The options of a column of text answers, in scale order when they carry a prefix ("A. ...", "5 ...")."""
    values = [str(v).strip() for v in col.dropna().unique() if str(v).strip()]
    if not 2 <= len(values) <= n_points:
        return None
    keyed = []
    for v in values:
        m = _PREFIX.match(unicodedata.normalize("NFKC", v))
        if not m:
            return []
        p = (m.group(1) or m.group(2)).upper()
        keyed.append((int(p) if p.isdigit() else ord(p) - ord("A") + 1, unicodedata.normalize("NFKC", v)[m.end():].strip()))
    keyed.sort()
    return [label for _, label in keyed]


def codebook_template(source, scale: tuple[float, float] = (1, 5), *, id_column: str | None = None, sheet=0,
                      encoding: str = "auto", instrument_id: str | None = None) -> str:
    """Draft a codebook (TOML text) from an export: a file path or a DataFrame.

    Item columns are those whose answers are whole numbers on ``scale`` (an SPSS file's user-missing codes
    aside) or text with at most as many distinct answers as the scale has points. Each item's id is its
    column name when that is a short identifier (``A1``, ``q_07``), else ``Q1``, ``Q2``, ...; its wording is
    the header (or SPSS variable label) without the question number and type tag; anchors come from SPSS
    value labels or from prefixed text answers ("A. 非常同意"). Every item is put in one dimension ``all``:
    split it into the instrument's dimensions and mark reverse-keyed items before analysing.
    """
    lo, hi = _scale(scale)
    if isinstance(source, pd.DataFrame):
        df, info, name = source, FileInfo("<DataFrame>", "DataFrame"), "survey"
    else:
        df, info = _read_file(source, sheet=sheet, encoding=encoding)
        name = Path(source).stem
    id_col, _ = _find_id_column([str(c) for c in df.columns], id_column)
    n_points = int(hi - lo + 1)
    items, others, anchors = [], [], None
    for col in df.columns:
        col = str(col)
        if col == id_col:
            continue
        series = df[col]
        label = info.variable_labels.get(col)
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            x = series.to_numpy(dtype=np.float64, na_value=np.nan)
            for a, b in info.user_missing.get(col, ()):
                x = np.where((x >= a) & (x <= b), np.nan, x)
            x = x[~np.isnan(x)]
            if len(x) and np.all((x >= lo) & (x <= hi) & (x == np.round(x))):
                items.append((col, label))
                if anchors is None and col in info.value_labels:
                    vl = info.value_labels[col]
                    got = [vl.get(v, vl.get(int(v))) for v in np.arange(lo, hi + 1)]
                    anchors = got if all(got) else None
                continue
        else:
            opts = _text_options(series, n_points)
            if opts is not None:
                items.append((col, label))
                if anchors is None and opts and len(opts) == n_points:
                    anchors = opts
                continue
        others.append(col)
    if len(items) < 2:
        raise DataError(f"{info.path}: found {len(items)} column(s) of answers on the scale {lo:g}-{hi:g}; give the "
                        "scale the items use (scale=(1, 7), ...).")
    return _toml(instrument_id or re.sub(r"\W+", "_", name).strip("_") or "survey", lo, hi, items, anchors, others,
                 id_col)


def _scale(scale) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ArgumentError(f"scale must be (min, max), e.g. (1, 5); got {scale!r}.") from None
    if not lo < hi or lo != round(lo) or hi != round(hi):
        raise ArgumentError(f"scale must be two whole numbers (min, max) with min < max; got {scale!r}.")
    return lo, hi


def _toml(inst, lo, hi, items, anchors, others, id_col) -> str:
    ids, used = [], set()
    for k, (col, _) in enumerate(items, start=1):
        iid = col if _ID.fullmatch(col) else f"Q{k}"
        while iid in used:
            iid = f"{iid}_"
        used.add(iid)
        ids.append(iid)
    lang_zh = anchors is not None and any(_CJK.search(str(a)) for a in anchors)
    out = [f"# A codebook drafted by cmanalytics.study.codebook_template from an export. Check every line, then:",
           "#  - split the dimension 'all' into the instrument's dimensions (each item in exactly one),",
           "#  - mark reverse-keyed items with reverse = true,",
           "#  - list the codes that mean 'no answer' in [scale] missing (outside the scale).",
           f"# Respondent id column: {id_col or 'none found (rows will be numbered 1..n)'}.",
           f"# Columns not taken as items: {', '.join(others) or 'none'}.", "",
           "[instrument]", f"id = {_q(inst)}", f"name_en = {_q(inst)}", 'reference = ""', "",
           "[scale]", f"min = {lo:g}", f"max = {hi:g}"]
    if anchors:
        out.append(f"anchors_{'zh' if lang_zh else 'en'} = [{', '.join(_q(a) for a in anchors)}]")
    else:
        out.append("# anchors_en = [...]   # the scale's labels, lowest first (none found in the export)")
    out += ["missing = []", "", "[[parts]]", 'id = "P1"', 'name_en = "all items"', "",
            "[[dimensions]]", 'id = "all"', 'part = "P1"', 'name_en = "all items (split into dimensions)"',
            f"items = [{', '.join(_q(i) for i in ids)}]", ""]
    for iid, (col, label) in zip(ids, items):
        wording = _wording(col, label)
        out += ["[[items]]", f"id = {_q(iid)}", f"{'zh' if _CJK.search(wording) else 'en'} = {_q(wording)}",
                "reverse = false", ""]
    return "\n".join(out)
