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
_QNUM = re.compile(r"^\s*(?:第\s*(\d+)\s*题|q(?:uestion)?\s*(\d+)|(\d+))\s*[.、．:：_)）-]", re.IGNORECASE)
MISSING_LIKE = (-1.0, -2.0, -3.0, -8.0, -9.0, -99.0, -999.0, 0.0, 8.0, 9.0, 88.0, 98.0, 99.0, 999.0)
"""Values a survey platform or SPSS user commonly codes "no answer" with; outside the scale, the template
takes them as missing codes (and says so) rather than refusing the column as an item."""
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


# Anchor sets of common 5-point scales, lowest first: an unprefixed text answer is taken as an item's answer
# only when every answer of the column is in one of them (a branch or a gender column is not).
KNOWN_ANCHORS = (
    ("非常不同意", "不同意", "一般", "同意", "非常同意"),
    ("非常不同意", "不同意", "不确定", "同意", "非常同意"),
    ("非常不符合", "不符合", "一般", "符合", "非常符合"),
    ("完全不符合", "比较不符合", "不确定", "比较符合", "完全符合"),
    ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    ("非常不重要", "不重要", "一般", "重要", "非常重要"),
    ("从不", "很少", "有时", "经常", "总是"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("very unimportant", "unimportant", "neutral", "important", "very important"),
    ("never", "rarely", "sometimes", "often", "always"),
)


def _text_options(col: pd.Series, lo: float, hi: float) -> tuple[list[str] | None, set]:
    """A column of text answers: its options in scale order per language ({"zh": [...], "en": [...]}, from
    "A. ..."/"5 ..." prefixes or a known anchor set), and the numeric codes outside the scale found among
    them; (None, ...) when it is not an item."""
    n_points = int(hi - lo + 1)
    texts, codes = set(), set()
    for v in col.dropna().unique():
        s = unicodedata.normalize("NFKC", str(v)).strip()
        if not s:
            continue
        try:
            x = float(s)
        except ValueError:
            texts.add(s)
            continue
        if not lo <= x <= hi:
            if x not in MISSING_LIKE:
                return None, set()
            codes.add(x)
    if len(texts) < 2:
        return None, set()
    by_prefix, labels = {}, set()
    for t in texts:
        m = _PREFIX.match(t)
        if m:
            p = (m.group(1) or m.group(2)).upper()
            label = t[m.end() :].strip()
            by_prefix[int(p) if p.isdigit() else ord(p) - ord("A") + 1] = label
        else:
            label = t
        labels.add(label.lower())
    covering = [a for a in KNOWN_ANCHORS if len(a) == n_points and labels & set(a)]
    if labels <= set().union(*covering) if covering else False:
        out = {}
        for a in sorted(covering, key=lambda a: -len(labels & set(a))):  # the best-covering set per language
            out.setdefault("zh" if _CJK.search(a[0]) else "en", list(a))
        return out, codes
    if set(by_prefix) == set(range(1, n_points + 1)) and len(labels) == n_points:
        first = by_prefix[1]
        return {"zh" if _CJK.search(first) else "en": [by_prefix[k] for k in range(1, n_points + 1)]}, codes
    return None, set()


def codebook_template(
    source,
    scale: tuple[float, float] = (1, 5),
    *,
    id_column: str | None = None,
    sheet=0,
    encoding: str = "auto",
    instrument_id: str | None = None,
) -> str:
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
        if sheet != 0 or encoding != "auto":
            raise ArgumentError("sheet= and encoding= read a file; a DataFrame is already read: leave them out.")
        df, info, name = source, FileInfo("<DataFrame>", "DataFrame"), "survey"
    else:
        df, info = _read_file(source, sheet=sheet, encoding=encoding)
        name = Path(source).stem
    id_col, _ = _find_id_column([str(c) for c in df.columns], id_column)
    items, others, anchors, codes = [], [], {}, set()
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
            on_scale = (x >= lo) & (x <= hi) & (x == np.round(x))
            odd = set(np.unique(x[~on_scale]).tolist())
            if on_scale.sum() >= 2 and odd <= set(MISSING_LIKE) and on_scale.mean() >= 0.8:
                codes |= odd
                items.append((col, label))
                if col in info.value_labels:
                    vl = info.value_labels[col]
                    got = [vl.get(v, vl.get(int(v))) for v in np.arange(lo, hi + 1)]
                    if all(got):
                        anchors.setdefault("zh" if any(_CJK.search(str(g)) for g in got) else "en", got)
                continue
        else:
            opts, found = _text_options(series, lo, hi)
            if opts is not None:
                items.append((col, label))
                codes |= found
                for lang, opt in opts.items():
                    anchors.setdefault(lang, opt)
                continue
        others.append(col)
    if len(items) < 2:
        raise DataError(
            f"{info.path}: found {len(items)} column(s) of answers on the scale {lo:g}-{hi:g}; give the "
            "scale the items use (scale=(1, 7), ...)."
        )
    codes = sorted(c for c in codes if not lo <= c <= hi)
    return _toml(
        instrument_id or re.sub(r"\W+", "_", name).strip("_") or "survey", lo, hi, items, anchors, others, id_col, codes
    )


def _scale(scale) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ArgumentError(f"scale must be (min, max), e.g. (1, 5); got {scale!r}.") from None
    if not lo < hi or lo != round(lo) or hi != round(hi):
        raise ArgumentError(f"scale must be two whole numbers (min, max) with min < max; got {scale!r}.")
    return lo, hi


def _toml(inst, lo, hi, items, anchors, others, id_col, codes) -> str:
    ids, used = [], set()
    for k, (col, _) in enumerate(items, start=1):
        num = _QNUM.match(unicodedata.normalize("NFKC", col))
        iid = col if _ID.fullmatch(col) else f"Q{next(g for g in num.groups() if g) if num else k}"
        while iid in used:
            iid = f"{iid}_"
        used.add(iid)
        ids.append(iid)
    out = [
        "# A codebook drafted by cmanalytics.study.codebook_template from an export. Check every line, then:",
        "#  - split the dimension 'all' into the instrument's dimensions (each item in exactly one),",
        "#  - mark reverse-keyed items with reverse = true,",
        "#  - list the codes that mean 'no answer' in [scale] missing (outside the scale).",
        f"# Respondent id column: {id_col or 'none found (rows will be numbered 1..n)'}.",
        f"# Columns not taken as items: {', '.join(others) or 'none'}.",
        "",
        "[instrument]",
        f"id = {_q(inst)}",
        f"name_en = {_q(inst)}",
        'reference = ""',
        "",
        "[scale]",
        f"min = {lo:g}",
        f"max = {hi:g}",
    ]
    for lang, labels in sorted(anchors.items()):
        out.append(f"anchors_{lang} = [{', '.join(_q(a) for a in labels)}]")
    if not anchors:
        out.append("# anchors_en = [...]   # the scale's labels, lowest first (none found in the export)")
    out += [
        f"missing = [{', '.join(f'{c:g}' for c in codes)}]"
        + ("   # found outside the scale in the export: check they mean 'no answer'" if codes else ""),
        "",
        "[[parts]]",
        'id = "P1"',
        'name_en = "all items"',
        "",
        "[[dimensions]]",
        'id = "all"',
        'part = "P1"',
        'name_en = "all items (split into dimensions)"',
        f"items = [{', '.join(_q(i) for i in ids)}]",
        "",
    ]
    for iid, (col, label) in zip(ids, items):
        wording = _wording(col, label)
        out += [
            "[[items]]",
            f"id = {_q(iid)}",
            f"{'zh' if _CJK.search(wording) else 'en'} = {_q(wording)}",
            "reverse = false",
            "",
        ]
    return "\n".join(out)
