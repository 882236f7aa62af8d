"""Data beyond memory: the moments in one streaming pass over chunks (CSV, Parquet, iterators, dask)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, ReadError
from cmanalytics.psychometrics.inputs import (  # noqa: F401 - MomentAccumulator kept importable from here
    MomentAccumulator,
    Moments,
    _check_variance,
    _finish,
    check_missing,
    column_units,
    response_matrix,
    size_guard,
)


def _chunks(source, chunksize: int, columns):
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise ReadError(f"no data file at {path}.")
        if path.is_dir():
            raise ReadError(f"{path} is a folder; give the .csv or .parquet file inside it.")
        if path.suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise ReadError(
                f"cannot stream {path.name}: give a .csv or .parquet file, an iterator of DataFrames, "
                "or a dask DataFrame."
            )
        try:
            yield from _file_chunks(path, chunksize, columns)
        except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            # pandas and pyarrow raise their own errors for empty, binary or malformed files (ArrowInvalid is
            # a ValueError); each becomes one error naming the file
            text = " ".join(str(exc).split()) or type(exc).__name__
            raise ReadError(
                f"cannot read {path} as {'CSV' if path.suffix.lower() == '.csv' else 'Parquet'}: {text}"
            ) from None
        return
    if isinstance(source, (pd.DataFrame, np.ndarray)):
        raise ArgumentError("this is data in memory: use cma.prepare(data).")
    try:
        chunks = iter(source)
    except TypeError:
        raise ArgumentError(
            f"cannot stream a {type(source).__name__}: give a .csv or .parquet path, an iterator of "
            "DataFrames, or a dask DataFrame."
        ) from None
    for chunk in chunks:
        if columns is not None and isinstance(chunk, pd.DataFrame):
            absent = [c for c in columns if c not in chunk.columns]
            if absent:
                raise DataError(f"columns= names {', '.join(map(repr, absent))}, which the data do not have.")
            chunk = chunk[columns]
        yield chunk


def _file_chunks(path: Path, chunksize: int, columns):
    if path.suffix.lower() == ".csv":
        # an open handle: given a path, pandas' parser holds far more of the file than one chunk
        with open(path, "rb") as fh:
            for chunk in pd.read_csv(fh, chunksize=chunksize, usecols=columns):
                # usecols keeps the file's order; columns= gives the order, as for Parquet, frames and dask
                yield chunk if columns is None else chunk[list(columns)]
        return
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize, columns=columns):
        yield batch.to_pandas()


def _accumulate(chunk, names, missing, units) -> MomentAccumulator:
    x, _ = response_matrix(chunk, min_items=1)
    return MomentAccumulator(names, missing).add(_in_units(x, units))


# Extreme magnitudes (1e155 overflows a sum of squares, 1e-300 underflows it to "no variance"): every chunk
# is divided by the first chunk's per-column powers of two (column_units: exact in binary floating point),
# and the moments are mapped back at the end, as in memory. Both streaming paths (files and iterators,
# dask) go through these two functions.
def _in_units(x: np.ndarray, units: np.ndarray | None) -> np.ndarray:
    return x if units is None else x / units


def _from_units(m: Moments, units: np.ndarray | None) -> Moments:
    if units is None:
        return m
    unit = float(units.max())
    rel = units / unit
    return dataclasses.replace(
        m, cov=m.cov * np.outer(rel, rel), means=m.means * units, sds=m.sds * units, cov_unit=unit
    )


def prepare_stream(source, *, missing: str = "listwise", chunksize: int = 100_000, columns=None) -> Moments:
    """The moments of data too large for memory, in one pass; use the result wherever ``data`` goes.

    ``source``: a ``.csv`` or ``.parquet`` path (read ``chunksize`` rows at a time), an iterable of
    DataFrames (or arrays), or a dask DataFrame (each partition summed by dask, on whatever scheduler is
    active, then merged). ``columns`` picks the items. Memory is bounded by the chunk (plus p x p sums).
    Every chunk must have the first chunk's columns. Gives the in-memory results to rounding (1e-12).
    """
    check_missing(missing)
    if isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise ArgumentError(f"chunksize must be a positive whole number; got {chunksize!r}.")
    if hasattr(source, "to_delayed") and hasattr(source, "npartitions"):
        return _prepare_dask(source, missing, columns)
    acc = None
    names = None
    units = None
    for k, chunk in enumerate(_chunks(source, chunksize, columns)):
        cols = tuple(str(c) for c in chunk.columns) if isinstance(chunk, pd.DataFrame) else None
        if acc is None:
            x, names = response_matrix(chunk, min_items=3)
            size_guard(x.shape[0], x.shape[1])
            first_cols = cols
            units = column_units(x)
            acc = MomentAccumulator(names, missing).add(_in_units(x, units))
            continue
        if cols != first_cols or (cols is None and np.shape(chunk)[1] != len(names)):
            raise DataError(
                f"chunk {k + 1} has columns {list(cols) if cols else np.shape(chunk)[1]} where the first "
                f"had {list(first_cols) if first_cols else len(names)}; every chunk needs the same items."
            )
        x, _ = response_matrix(chunk, min_items=1)
        acc.add(_in_units(x, units))
    if acc is None:
        raise DataError("the source gave no data.")
    return _from_units(acc.moments(), units)


def _prepare_dask(ddf, missing: str, columns) -> Moments:
    import dask

    if columns is not None:
        ddf = ddf[columns]
    names = tuple(str(c) for c in ddf.columns)
    if len(names) < 3:
        raise DataError(f"data has {len(names)} item(s); this analysis needs at least 3.")
    partitions = ddf.to_delayed()
    # the units of the first partition, as the first chunk's on the other path (it is read once more)
    first, _ = response_matrix(partitions[0].compute(), min_items=1)
    units = column_units(first)
    parts = [dask.delayed(_accumulate)(part, names, missing, units) for part in partitions]
    while len(parts) > 1:  # a tree of merges, so no single task holds more than two partitions' sums
        parts = [
            dask.delayed(MomentAccumulator.merge)(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
            for i in range(0, len(parts), 2)
        ]
    return _from_units(parts[0].compute().moments(), units)
