"""Reading a researcher's survey export into the codebook's items, with a report of everything done.

    df = cma.study.read_survey("export.sav", codebook, id_column="序号", missing_codes=[9, 99])
    cma.study.read_report(df)          # format, encoding, column -> item and how, codes made missing, ...

Formats: ``.csv``/``.tsv``/``.txt`` (UTF-8, UTF-8 with BOM or GB18030/GBK, found by trying them in that
order; the delimiter sniffed), ``.xlsx``/``.xlsm``/``.xls``, SPSS ``.sav``/``.zsav`` (value labels, variable
labels and the file's own user-missing values), Stata ``.dta`` and ``.parquet``. The file is only read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, ReadError
from cmanalytics.presentation import Reportable
from cmanalytics.study.answers import ItemRecord, apply_missing, check_range, to_numbers
from cmanalytics.study.codebook import Codebook, load_codebook
from cmanalytics.study.matching import NEAR_MATCH, ColumnMatch, match_columns

ID_COLUMN = "respondent_id"
ID_NAMES = ("respondent_id", "id", "序号", "编号", "答卷编号", "respondent", "response_id", "responseid")
"""Column names taken as the respondent id when ``id_column`` is not given (case ignored)."""
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".sav": "spss",
    ".zsav": "spss",
    ".dta": "stata",
    ".parquet": "parquet",
}


@dataclass(frozen=True)
class FileInfo:
    """What reading the file found: ``format``, ``encoding`` and ``delimiter`` (text files), ``sheet``,
    ``variable_labels``, ``value_labels`` and ``user_missing`` (SPSS/Stata: column -> codes)."""

    path: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: object = None
    variable_labels: dict = field(default_factory=dict)
    value_labels: dict = field(default_factory=dict)
    user_missing: dict = field(default_factory=dict)


def _decode(raw: bytes, path: Path, encoding: str) -> tuple[str, str]:
    if b"\x00" in raw[:65536]:
        raise ReadError(
            f"{path} is not a text file (it holds NUL bytes); give a CSV, Excel, SPSS, Stata or Parquet export."
        )
    tried = ENCODINGS if encoding == "auto" else (encoding,)
    for enc in tried:
        if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            continue
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError as exc:
            if encoding != "auto":
                raise ReadError(
                    f"{path} cannot be read as {encoding}: byte {exc.start} ({raw[exc.start : exc.start + 1]!r}) "
                    "is not valid there; try encoding='auto'."
                ) from None
        except LookupError:
            raise ArgumentError(
                f"encoding={encoding!r} is not an encoding Python knows (try 'utf-8', 'gb18030', 'auto')."
            ) from None
    raise ReadError(f"{path} is neither UTF-8 nor GB18030/GBK text; pass encoding= with the file's encoding.")


def _read_text(path: Path, encoding: str) -> tuple[pd.DataFrame, FileInfo]:
    raw = path.read_bytes()
    if not raw.strip():
        raise ReadError(f"{path} is empty.")
    text, enc = _decode(raw, path, encoding)
    if path.suffix.lower() == ".tsv":
        delim = "\t"
    else:
        try:
            delim = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
        except csv.Error:
            delim = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ReadError(f"{path} could not be parsed as a table ({str(exc).splitlines()[0]}).") from None
    df = df.replace("", np.nan)
    for col in df.columns:  # columns of numbers become numbers; ids keep their text (leading zeros)
        numbers = pd.to_numeric(df[col], errors="coerce")
        if numbers.notna().sum() == df[col].notna().sum():
            df[col] = numbers
    return df, FileInfo(str(path), "csv", enc, delim)


def _read_excel(path: Path, sheet) -> tuple[pd.DataFrame, FileInfo]:
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:
        raise ReadError(
            f"reading {path.suffix} files needs an extra package ({exc}); save the file as .xlsx."
        ) from None
    except Exception as exc:  # openpyxl/zipfile raise several classes for a file that is not a workbook
        raise ReadError(f"{path} is not an Excel workbook ({type(exc).__name__}: {exc}).") from None
    names = book.sheet_names
    if isinstance(sheet, int) and not 0 <= sheet < len(names) or isinstance(sheet, str) and sheet not in names:
        raise ReadError(f"{path} has no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}.")
    df = pd.read_excel(book, sheet_name=sheet)
    return df, FileInfo(str(path), "excel", sheet=sheet if isinstance(sheet, str) else names[sheet])


def _read_stats_file(path: Path, kind: str) -> tuple[pd.DataFrame, FileInfo]:
    import pyreadstat

    reader = pyreadstat.read_sav if kind == "spss" else pyreadstat.read_dta
    try:
        df, meta = reader(str(path), user_missing=kind == "spss")
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others for a damaged file
        raise ReadError(
            f"{path} could not be read as {'an SPSS' if kind == 'spss' else 'a Stata'} file "
            f"({type(exc).__name__}: {exc})."
        ) from None
    user_missing = {}
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        user_missing[col] = [
            (float(r["lo"]), float(r["hi"]))
            for r in ranges
            if isinstance(r.get("lo"), (int, float)) and isinstance(r.get("hi"), (int, float))
        ]
    labels = {c: lab for c, lab in zip(meta.column_names, meta.column_labels) if lab}
    return df, FileInfo(
        str(path),
        kind,
        getattr(meta, "file_encoding", None),
        variable_labels=labels,
        value_labels=dict(meta.variable_value_labels),
        user_missing=user_missing,
    )


def _check_reading_options(path: Path, kind: str, sheet, encoding) -> None:
    """sheet= is read only from Excel workbooks and encoding= only from text files: refused elsewhere."""
    if sheet != 0 and kind != "excel":
        raise ArgumentError(f"sheet={sheet!r} chooses a sheet of an Excel workbook; {path.name} is not one.")
    if encoding != "auto" and kind != "csv":
        raise ArgumentError(
            f"encoding={encoding!r} reads a text export (.csv, .tsv, .txt); {path.name} records its own encoding."
        )


def _read_file(path: str | Path, *, sheet=0, encoding: str = "auto") -> tuple[pd.DataFrame, FileInfo]:
    path = Path(path)
    if not path.exists():
        raise ReadError(f"no survey export at {path}.")
    if path.is_dir():
        raise ReadError(f"{path} is a folder; give the export file itself.")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ReadError(
            f"cannot read {path.name}: give a .csv/.tsv/.txt, .xlsx/.xls, .sav/.zsav, .dta or .parquet export."
        )
    _check_reading_options(path, kind, sheet, encoding)
    try:
        if kind == "csv":
            return _read_text(path, encoding)
        if kind == "excel":
            return _read_excel(path, sheet)
        if kind in ("spss", "stata"):
            return _read_stats_file(path, kind)
        try:
            return pd.read_parquet(path), FileInfo(str(path), "parquet")
        except Exception as exc:  # pyarrow's errors for a file that is not Parquet
            raise ReadError(f"{path} could not be read as Parquet ({type(exc).__name__}: {exc}).") from None
    except PermissionError:
        raise ReadError(f"{path} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ReadError(f"{path} cannot be read: {exc.strerror or exc}.") from None


def read_export(path: str | Path, *, sheet: int | str = 0, encoding: str = "auto") -> pd.DataFrame:
    """Read a survey export as it is, every column kept (no codebook). SPSS/Stata value labels go to
    ``df.attrs["value_labels"]`` (column -> {code: label}), variable labels to ``df.attrs["variable_labels"]``;
    an SPSS file's user-missing values are made missing. See :func:`read_survey` to map to a codebook."""
    df, info = _read_file(path, sheet=sheet, encoding=encoding)
    if info.user_missing:
        df = df.copy()
        for col, ranges in info.user_missing.items():
            if col in df.columns and pd.api.types.is_numeric_dtype(df[col].dtype):
                x = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
                hit = np.zeros(len(x), bool)
                for lo, hi in ranges:
                    hit |= (x >= lo) & (x <= hi)
                df.loc[hit, col] = np.nan
    df.attrs["value_labels"] = info.value_labels
    df.attrs["variable_labels"] = info.variable_labels
    df.attrs["file"] = info
    return df


# --- the read report -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class ReadReport(Reportable):
    """What :func:`read_survey` did to an export: ``source``, ``format``, ``encoding``, ``delimiter``,
    ``sheet``, ``rows``, ``id_column`` (and ``id_how``), ``matches`` (each column -> item and how), ``kept``
    and ``ignored`` columns, ``missing`` (codes made missing per item, with counts and where each code was
    declared), ``text`` (text answers recoded per item, with counts), ``out_of_range`` (values outside the
    scale made missing, with ``out_of_range="missing"``), ``labels_recoded`` (SPSS codes read through their
    value labels). ``to_frame()``: one row per item."""

    source: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: object
    rows: int
    id_column: str | None
    id_how: str
    matches: tuple[ColumnMatch, ...]
    kept: tuple[str, ...]
    ignored: tuple[str, ...]
    missing: pd.DataFrame
    text: pd.DataFrame
    out_of_range: pd.DataFrame
    labels_recoded: pd.DataFrame
    near_match: float = NEAR_MATCH

    def to_frame(self) -> pd.DataFrame:
        """One row per item: the column it came from, how it matched (and the similarity), answers made
        missing by a code, text answers recoded, values outside the scale made missing."""
        rows = []
        for m in self.matches:
            rows.append(
                {
                    "item": m.item,
                    "column": m.column,
                    "matched_by": m.how,
                    "similarity": m.score,
                    "missing_codes": int(self.missing.loc[self.missing["item"] == m.item, "count"].sum()),
                    "text_recoded": int(self.text.loc[self.text["item"] == m.item, "count"].sum()),
                    "out_of_range": int(self.out_of_range.loc[self.out_of_range["item"] == m.item, "count"].sum()),
                }
            )
        return pd.DataFrame(
            rows,
            columns=["item", "column", "matched_by", "similarity", "missing_codes", "text_recoded", "out_of_range"],
        ).set_index("item")

    def __repr__(self) -> str:
        near = sum(m.how.startswith("near") for m in self.matches)
        return (
            f"ReadReport({self.format}{', ' + self.encoding if self.encoding else ''}, {self.rows} rows, "
            f"{len(self.matches)} items matched{f' ({near} near)' if near else ''}, "
            f"{int(self.missing['count'].sum())} answers made missing by codes, "
            f"{int(self.text['count'].sum())} text answers recoded, {len(self.ignored)} columns ignored)"
        )

    def _report(self):
        rows = [("file", self.source), ("format", self.format)]
        if self.encoding:
            rows.append(("encoding", self.encoding))
        if self.delimiter:
            rows.append(("delimiter", repr(self.delimiter)))
        if self.sheet is not None:
            rows.append(("sheet", str(self.sheet)))
        rows += [
            ("rows", str(self.rows)),
            ("respondent id", f"{self.id_column or '(numbered 1..n)'} ({self.id_how})"),
            ("columns kept", ", ".join(self.kept) or "none"),
            ("columns ignored", ", ".join(self.ignored) or "none"),
        ]
        tables = [("Columns and items", self.to_frame())]
        for caption, df in (
            ("Missing-value codes applied", self.missing),
            ("Text answers recoded", self.text),
            ("Answers outside the scale made missing", self.out_of_range),
            ("SPSS codes read through their value labels", self.labels_recoded),
        ):
            if len(df):
                tables.append((caption, df))
        notes = [f"near matches are taken at a similarity of at least {self.near_match:.2f}"]
        return "Read report", rows, tables, (), notes


def read_report(df: pd.DataFrame) -> ReadReport:
    """The :class:`ReadReport` of a frame returned by :func:`read_survey`."""
    rep = getattr(df, "attrs", {}).get("read_report")
    if rep is None:
        raise ArgumentError(
            "this frame carries no read report: it was not returned by cma.study.read_survey "
            "(or an operation dropped its attrs)."
        )
    return rep


# --- mapping to the codebook ---------------------------------------------------------------------------


def _find_id_column(columns, id_column) -> tuple[str | None, str]:
    if id_column is not None:
        if id_column not in columns:
            raise DataError(
                f"id_column {id_column!r} is not a column of the export; its columns begin "
                + ", ".join(map(repr, list(columns)[:8]))
                + "."
            )
        return id_column, "given"
    lower = {str(c).strip().lower(): c for c in columns}
    for name in ID_NAMES:
        if name in lower:
            return lower[name], "found by name"
    return None, "none found: numbered 1..n"


def _tidy_ids(ids: pd.Series) -> pd.Series:
    """Respondent ids as whole numbers when every id is one (1.0 -> 1, whatever the format stored), else text."""
    if ids.isna().any():
        rows = np.where(ids.isna().to_numpy())[0][:5] + 1
        raise DataError(f"the id column {ids.name!r} is empty in data row(s) {', '.join(map(str, rows))}.")
    text = ids.map(
        lambda v: f"{v:.0f}" if isinstance(v, (float, np.floating)) and float(v).is_integer() else str(v).strip()
    )
    if text.str.fullmatch(r"-?[1-9]\d{0,17}|0").all():
        return text.astype("int64")
    return text.astype(object)


def _missing_codes(cb: Codebook, missing_codes, info: FileInfo | None) -> dict[str, dict[float, str]]:
    """Per item: code -> where it was declared (codebook, argument)."""
    if missing_codes is not None and not isinstance(missing_codes, (list, tuple, set, dict)):
        raise ArgumentError(
            f"missing_codes must be a list of codes (e.g. [9, 99]) or a dict item -> codes; got {missing_codes!r}."
        )
    per_item = {}
    for it in cb.items:
        codes = {float(c): "codebook" for c in it.missing}
        extra = missing_codes.get(it.id, ()) if isinstance(missing_codes, dict) else (missing_codes or ())
        for c in extra:
            try:
                c = float(c)
            except (TypeError, ValueError):
                raise ArgumentError(f"missing code {c!r} is not a number.") from None
            if it.scale_min <= c <= it.scale_max:
                raise ArgumentError(
                    f"missing code {c:g} lies inside item {it.id!r}'s scale {it.scale_min:g}-"
                    f"{it.scale_max:g}, where it is an answer; codes must lie outside it."
                )
            codes.setdefault(c, "missing_codes=")
        per_item[it.id] = codes
    if isinstance(missing_codes, dict):
        unknown = [k for k in missing_codes if k not in per_item]
        if unknown:
            raise ArgumentError(f"missing_codes names item(s) {', '.join(map(repr, unknown))} not in the codebook.")
    return per_item


def map_to_codebook(
    export: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    id_column: str | None = None,
    column_map: dict[str, str] | None = None,
    keep=None,
    missing_codes=None,
    out_of_range: str = "error",
    _info: FileInfo | None = None,
) -> pd.DataFrame:
    """Map an export already in memory to the codebook (see :func:`read_survey` for the arguments). The
    export is not modified."""
    if not isinstance(export, pd.DataFrame):
        raise ArgumentError(f"map_to_codebook takes a DataFrame; got {type(export).__name__}.")
    if out_of_range not in ("error", "missing"):
        raise ArgumentError(f"out_of_range={out_of_range!r}; use 'error' or 'missing'.")
    cb = codebook if codebook is not None else load_codebook()
    if not isinstance(cb, Codebook):
        raise ArgumentError(f"codebook must be a Codebook (cma.study.load_codebook(path)); got {type(cb).__name__}.")
    info = _info or export.attrs.get("file") or FileInfo("<DataFrame>", "DataFrame")
    columns = [str(c) for c in export.columns]
    if len(set(columns)) != len(columns):
        doubled = sorted({c for c in columns if columns.count(c) > 1})
        raise DataError(f"{info.path}: column name(s) {', '.join(map(repr, doubled))} appear more than once.")
    export = export.set_axis(columns, axis=1)
    id_col, id_how = _find_id_column(columns, id_column)
    keep_list = None if keep is None else [str(k) for k in ([keep] if isinstance(keep, str) else keep)]
    if keep_list:
        absent = [k for k in keep_list if k not in columns]
        if absent:
            raise DataError(f"keep names column(s) {', '.join(map(repr, absent))} that the export lacks.")
    matches = _match_items(export, cb, info, column_map, skip={id_col} | set(keep_list or ()))
    ids = _tidy_ids(export[id_col].rename(id_col)) if id_col else pd.Series(np.arange(1, len(export) + 1))
    ids = ids.reset_index(drop=True)
    codes = _missing_codes(cb, missing_codes, info)
    by_item = {m.item: m for m in matches}
    records, items = _read_items(export, cb, info, by_item, ids, codes, out_of_range)
    others = [c for c in columns if c != id_col and c not in {m.column for m in matches}]
    kept = others if keep_list is None else keep_list
    frame = pd.DataFrame({ID_COLUMN: ids.to_numpy(), **items}, index=pd.RangeIndex(len(export)))
    for k in kept:
        if k == ID_COLUMN:
            continue
        frame[k] = export[k].to_numpy()
    report = _report(
        info, len(export), id_col, id_how, matches, kept, [c for c in others if c not in kept], records, by_item
    )
    frame.attrs.update({k: v for k, v in export.attrs.items() if k != "file"})
    if info.value_labels:
        frame.attrs["value_labels"] = info.value_labels
    if info.variable_labels:
        frame.attrs["variable_labels"] = info.variable_labels
    frame.attrs["read_report"] = report
    return frame


def _match_items(export: pd.DataFrame, cb: Codebook, info: FileInfo, column_map, skip: set) -> list:
    """The export's columns matched to the codebook's items; every item must find one."""
    matches, unmatched = match_columns(
        list(export.columns),
        cb,
        column_map=column_map,
        skip=skip,
        labels=info.variable_labels or export.attrs.get("variable_labels"),
    )
    matched_items = {m.item for m in matches}
    absent = [i for i in cb.item_ids if i not in matched_items]
    if absent:
        raise DataError(
            f"{info.path}: no column matches item(s) {', '.join(absent)} of the codebook {cb.id!r} "
            f"(columns not matched: {', '.join(map(repr, unmatched[:12])) or 'none'}"
            f"{' ...' if len(unmatched) > 12 else ''}). Map them with column_map= (column -> item)."
        )
    return matches


def _read_items(export, cb: Codebook, info: FileInfo, by_item: dict, ids, codes, out_of_range) -> tuple[dict, dict]:
    """Each item's answers as numbers, its missing codes made missing and its range checked; a record per
    item of what was done. Every item outside its scale is named in one error."""
    value_labels = info.value_labels or export.attrs.get("value_labels") or {}
    records, items, outside = {}, {}, []
    for item in cb.items:
        col = by_item[item.id].column
        rec = ItemRecord()
        series = export[col].reset_index(drop=True)
        own = {}
        for lo, hi in info.user_missing.get(col, ()):
            if pd.api.types.is_numeric_dtype(series.dtype):
                x = series.to_numpy(dtype=np.float64, na_value=np.nan)
                for v in np.unique(x[(x >= lo) & (x <= hi)]):
                    own[float(v)] = "the file's user-missing values"
        values = to_numbers(series, item, cb, ids, rec, value_labels.get(col))
        values = apply_missing(values, {**own, **codes[item.id]}, rec)
        try:
            values = check_range(values, item, ids, rec, out_of_range, col)
        except DataError as exc:  # every item outside its scale named in one error
            outside.append(str(exc))
        records[item.id], items[item.id] = rec, values
    if outside:
        raise DataError(f"{info.path}: " + " ".join(outside))
    return records, items


def _report(info, n, id_col, id_how, matches, kept, ignored, records, by_item) -> ReadReport:
    miss, text, oor, labs = [], [], [], []
    for item, rec in records.items():
        col = by_item[item].column
        miss += [
            {"item": item, "column": col, "code": c, "count": k, "declared_in": src}
            for c, (k, src) in rec.missing.items()
        ]
        text += [{"item": item, "column": col, "answer": t, "count": k} for t, k in rec.text.items()]
        oor += [{"item": item, "column": col, "value": v, "count": k} for v, k in rec.out_of_range.items()]
        labs += [
            {"item": item, "column": col, "code (label)": c, "read as": v, "count": k}
            for c, (v, k) in rec.labels_recoded.items()
        ]
    frame = lambda rows, cols: pd.DataFrame(rows, columns=cols)  # noqa: E731 - four tables of one shape
    return ReadReport(
        source=info.path,
        format=info.format,
        encoding=info.encoding,
        delimiter=info.delimiter,
        sheet=info.sheet,
        rows=n,
        id_column=id_col,
        id_how=id_how,
        matches=tuple(matches),
        kept=tuple(kept),
        ignored=tuple(ignored),
        missing=frame(miss, ["item", "column", "code", "count", "declared_in"]),
        text=frame(text, ["item", "column", "answer", "count"]),
        out_of_range=frame(oor, ["item", "column", "value", "count"]),
        labels_recoded=frame(labs, ["item", "column", "code (label)", "read as", "count"]),
    )


def read_survey(
    path: str | Path,
    codebook: Codebook | str | Path | None = None,
    *,
    sheet: int | str = 0,
    encoding: str = "auto",
    id_column: str | None = None,
    column_map: dict[str, str] | None = None,
    missing_codes=None,
    keep=None,
    out_of_range: str = "error",
) -> pd.DataFrame:
    """Read a survey export and map its columns to the codebook's items.

    Returns a new frame: ``respondent_id``, the items in codebook order (float, NaN where unanswered), then
    the kept columns; its :class:`ReadReport` is in ``df.attrs["read_report"]`` (also
    :func:`read_report`). The file is only read.

    Parameters
    ----------
    codebook : a :class:`Codebook`, the path of a codebook TOML, or None for the study's instrument.
    sheet : the Excel sheet (index or name).
    encoding : ``"auto"`` tries UTF-8 (with or without BOM), then GB18030 (a superset of GBK, what Excel on
        Chinese Windows saves); or name one.
    id_column : the column of respondent ids; by default one named respondent_id, id, 序号, 编号 or 答卷编号,
        else the rows are numbered 1..n.
    column_map : export column -> item id, for columns that match no item by id or wording.
    missing_codes : codes meaning "no answer" (``[9, 99]``, or ``{"A3": [0]}`` per item), in addition to the
        codebook's ``missing`` and an SPSS file's own user-missing values. They must lie outside the scale.
    keep : other columns to carry along (branch, gender, ...); None keeps every column that is not an item,
        ``[]`` keeps none. The rest are listed as ignored in the report.
    out_of_range : ``"error"`` (default): an answer outside the item's scale, after the missing codes, is a
        :class:`~cmanalytics.errors.DataError` naming the item, respondents and values; ``"missing"`` makes
        such answers missing and the report counts them.
    """
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook) if codebook is not None else load_codebook()
    export, info = _read_file(path, sheet=sheet, encoding=encoding)
    if export.shape[0] == 0:
        raise ReadError(f"{path} has a header but no rows of answers.")
    return map_to_codebook(
        export,
        codebook,
        id_column=id_column,
        column_map=column_map,
        keep=keep,
        missing_codes=missing_codes,
        out_of_range=out_of_range,
        _info=info,
    )
