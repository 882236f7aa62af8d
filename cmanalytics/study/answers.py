"""An export's answers as numbers on the item's scale, with every recoding counted.

Answers come as numbers, numbers written as text ("4", " 4 "), the scale's anchors in English or Chinese
with or without the option's prefix ("非常同意", "A. 非常同意", "5 非常同意", "⑤非常同意"), or SPSS codes with
value labels. Then the missing-value codes are applied (the codebook's, the caller's, the .sav file's own),
and last every answer is checked against the item's scale. Nothing is dropped or coerced silently: each step
is counted for the read report, and anything that is none of these is an error naming the item, the
respondents and the values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError

# "A. 非常同意", "5 非常同意", "5.非常同意", "(5) very important", "⑤非常同意"
_PREFIX = re.compile(
    r"^\s*[(（]?\s*([A-Za-z]|\d{1,2})\s*[)）.．、:：]?\s+|^\s*[(（]?\s*([A-Za-z]|\d{1,2})\s*[)）.．、:：]\s*"
)


def _label_key(text) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return "".join(ch for ch in s if ch.isalnum())


@dataclass
class ItemRecord:
    """What was done to one item's answers: text recoded (text -> value: count), codes made missing
    (code -> (count, source)), values outside the scale made missing (value -> count), value labels used."""

    text: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    out_of_range: dict = field(default_factory=dict)
    labels_recoded: dict = field(default_factory=dict)


def anchor_lookup(item, codebook) -> dict[str, float]:
    """Normalized anchor text -> scale value, for the codebook's anchors in both languages."""
    lookup = {}
    for anchors in (codebook.anchors_en, codebook.anchors_zh):
        for offset, label in enumerate(anchors):
            if label:
                lookup[_label_key(label)] = item.scale_min + offset
    return lookup


def _from_text(text: str, anchors: dict[str, float]) -> float | None:
    """A text answer's value: a number, an anchor, or a prefixed anchor; None when it is none of these."""
    s = unicodedata.normalize("NFKC", text).strip()
    try:
        return float(s)
    except ValueError:
        pass
    key = _label_key(s)
    if key in anchors:
        return anchors[key]
    m = _PREFIX.match(s)
    if m:
        rest = _label_key(s[m.end() :])
        prefix = m.group(1) or m.group(2)
        if rest in anchors:
            value = anchors[rest]
            if prefix.isdigit() and float(prefix) != value:
                raise ValueError(f"{text!r} gives {prefix} beside the anchor of {value:g}")
            return value
    return None


def to_numbers(
    col: pd.Series, item, codebook, ids: pd.Series, record: ItemRecord, value_labels: dict | None = None
) -> np.ndarray:
    """The answers of one item as float64 (NaN where unanswered), text and value labels read."""
    anchors = anchor_lookup(item, codebook)
    if pd.api.types.is_bool_dtype(col.dtype):
        raise DataError(
            f"item {item.id!r} (column {col.name!r}) holds true/false values, not answers on the "
            f"{item.scale_min:g}-{item.scale_max:g} scale."
        )
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        if value_labels:
            values = _through_value_labels(values, value_labels, anchors, item, record)
        return values
    values = np.full(len(col), np.nan)
    bad: list[int] = []
    conflicts: list[str] = []
    cache: dict[str, float | None] = {}
    raw = col.to_numpy(dtype=object)
    for r, v in enumerate(raw):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            continue
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            values[r] = float(v)
            continue
        text = str(v)
        if not text.strip():
            continue
        if text not in cache:
            try:
                cache[text] = _from_text(text, anchors)
            except ValueError as exc:
                conflicts.append(f"{ids.iloc[r]!s} ({exc})")
                cache[text] = None
                continue
        got = cache[text]
        if got is None:
            bad.append(r)
            continue
        values[r] = got
        try:
            float(unicodedata.normalize("NFKC", text).strip())
        except ValueError:
            record.text[text] = record.text.get(text, 0) + 1
    if conflicts:
        raise DataError(
            f"item {item.id!r}: an answer's number and its anchor disagree for respondent(s) "
            + ", ".join(conflicts[:5])
            + "; recode those answers."
        )
    if bad:
        shown = ", ".join(f"{ids.iloc[r]!s} ({raw[r]!r})" for r in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataError(
            f"item {item.id!r} (column {col.name!r}) has text that is neither a number nor an anchor of "
            f"the scale for respondent(s) {shown}{more}; recode those answers, or declare the anchors "
            "in the codebook's [scale]."
        )
    return values


def _through_value_labels(values, value_labels, anchors, item, record) -> np.ndarray:
    """SPSS codes whose value labels are the scale's anchors are read through the labels: a file that codes
    "非常同意" as 1 on a scale where it is 5 is recoded, and the report says so."""
    mapping = {}
    for code, label in value_labels.items():
        key = _label_key(label)
        if key in anchors:
            mapping[float(code)] = anchors[key]
    if not mapping or all(k == v for k, v in mapping.items()):
        return values
    out = values.copy()
    for code, value in mapping.items():
        hit = values == code
        if hit.any():
            out[hit] = value
            record.labels_recoded[f"{code:g} ({value_labels.get(code, value_labels.get(int(code)))})"] = (
                value,
                int(hit.sum()),
            )
    return out


def apply_missing(values: np.ndarray, codes: dict[float, str], record: ItemRecord) -> np.ndarray:
    """Make the missing-value codes missing; ``codes``: code -> where it was declared."""
    out = values
    for code, source in codes.items():
        hit = out == code
        if hit.any():
            out = out.copy() if out is values else out
            out[hit] = np.nan
            record.missing[code] = (int(hit.sum()), source)
    return out


def check_range(
    values: np.ndarray, item, ids: pd.Series, record: ItemRecord, out_of_range: str, column: str
) -> np.ndarray:
    """Answers outside the item's scale: an error naming them, or missing with ``out_of_range="missing"``."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < item.scale_min) | (values > item.scale_max))
    if not bad.any():
        return values
    if out_of_range == "error":
        rows = np.where(bad)[0]
        shown = ", ".join(f"{ids.iloc[r]!s} ({values[r]:g})" for r in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        codes = sorted({float(values[r]) for r in rows})
        raise DataError(
            f"item {item.id!r} (column {column!r}) has answers outside its scale "
            f"{item.scale_min:g}-{item.scale_max:g} for respondent(s) {shown}{more}. If "
            f"{', '.join(f'{c:g}' for c in codes[:5])} mean(s) 'no answer', declare them: "
            "missing_codes=[...] or the codebook's [scale] missing; or pass out_of_range='missing'."
        )
    out = values.copy()
    for v in np.unique(values[bad]):
        record.out_of_range[float(v)] = int((values == v).sum())
    out[bad] = np.nan
    return out
