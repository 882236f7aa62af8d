"""Reading survey exports (CSV, Excel, SPSS .sav) and mapping their columns to a codebook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError
from cmanalytics.study.codebook import Codebook, load_codebook

ID_COLUMN = "respondent_id"


def read_export(path: str | Path, *, sheet: int | str = 0) -> pd.DataFrame:
    """Read a survey export as it is: ``.csv``, ``.xlsx``/``.xls`` (openpyxl) or SPSS ``.sav`` (pyreadstat).

    From .sav files the numeric codes are kept and the value labels go to ``df.attrs["value_labels"]``
    (column -> {code: label}); variable labels to ``df.attrs["variable_labels"]``.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"no survey export at {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, sheet_name=sheet)
    if suffix == ".sav":
        try:
            import pyreadstat
        except ImportError:  # pragma: no cover - depends on the environment
            raise DataError("reading SPSS .sav files needs pyreadstat: pip install pyreadstat") from None
        df, meta = pyreadstat.read_sav(str(path))
        df.attrs["value_labels"] = dict(meta.variable_value_labels)
        df.attrs["variable_labels"] = dict(zip(meta.column_names, meta.column_labels))
        return df
    raise DataError(f"cannot read {path.name}: give a .csv, .xlsx or .sav export.")


def map_to_codebook(export: pd.DataFrame, codebook: Codebook | None = None, *, id_column: str = ID_COLUMN,
                    column_map: dict[str, str] | None = None, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rename an export's columns to the codebook's item ids and check that every item is there.

    Columns match an item id exactly, case-insensitively, or through ``column_map`` (export name -> item
    id). ``id_column`` holds the respondent ids (made up as 1..n when absent); ``keep`` names other
    columns to carry along (branch, bank, ...). Every item missing from the export and every column that
    is none of these is named in one error. Answers given as text are read through the scale's anchors
    (English or Chinese, e.g. "重要" -> 4) or as numbers written as text; anything else is named with its
    rows. Returns a new frame: ``respondent_id``, the items in codebook order, then the kept columns.
    """
    cb = codebook or load_codebook()
    lookup = {i.lower(): i for i in cb.item_ids}
    rename: dict[str, str] = {}
    unknown = []
    for col in export.columns:
        name = str(col)
        if name == id_column or name in keep:
            continue
        target = (column_map or {}).get(name) or lookup.get(name.strip().lower())
        if target is None:
            unknown.append(name)
        else:
            rename[col] = target
    missing = [i for i in cb.item_ids if i not in rename.values()]
    doubled = sorted({t for t in rename.values() if list(rename.values()).count(t) > 1})
    problems = []
    if missing:
        problems.append("missing item(s): " + ", ".join(missing))
    if unknown:
        problems.append("column(s) not in the codebook: " + ", ".join(unknown)
                        + " (map them with column_map=, or carry them with keep=)")
    if doubled:
        problems.append("item(s) given by more than one column: " + ", ".join(doubled))
    if problems:
        raise DataError(f"the export does not match the codebook {cb.id!r}: " + "; ".join(problems) + ".")
    out = export.rename(columns=rename)
    ids = out[id_column] if id_column in out.columns else pd.Series(np.arange(1, len(out) + 1), index=out.index)
    items = {i: _as_numbers(out[i], i, cb, ids) for i in cb.item_ids}
    frame = pd.DataFrame({ID_COLUMN: ids.to_numpy(), **{i: v.to_numpy() for i, v in items.items()}},
                         index=pd.RangeIndex(len(out)))
    for k in keep:
        if k in out.columns:
            frame[k] = out[k].to_numpy()
    frame.attrs.update(export.attrs)
    return frame


def _as_numbers(col: pd.Series, item: str, cb: Codebook, ids: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("float64")
    anchors = {}
    for offset, (en, zh) in enumerate(zip(cb.anchors_en or [None] * len(cb.anchors_zh), cb.anchors_zh or [None] * len(cb.anchors_en))):
        for label in (en, zh):
            if label:
                anchors[str(label).strip().lower()] = cb.scale_min + offset
    text = col.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    labelled = text.str.lower().map(anchors)
    values = numbers.fillna(labelled).astype("float64")
    bad = col.notna() & text.ne("") & values.isna()
    if bad.any():
        rows = ", ".join(f"{ids.iloc[i]!s} ({col.iloc[i]!r})" for i in np.where(bad.to_numpy())[0][:5])
        more = f" and {int(bad.sum()) - 5} more" if bad.sum() > 5 else ""
        raise DataError(f"item {item!r} has text that is neither a number nor a scale anchor for respondent(s) "
                        f"{rows}{more}; recode those answers.")
    return values


def read_survey(path: str | Path, codebook: Codebook | None = None, **kwargs) -> pd.DataFrame:
    """:func:`read_export` then :func:`map_to_codebook`."""
    sheet = kwargs.pop("sheet", 0)
    return map_to_codebook(read_export(path, sheet=sheet), codebook, **kwargs)
