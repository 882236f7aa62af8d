"""Mutation tests (numerics, part 3) for streaming: each refusal of prepare_stream and its sources word for
word, the moments of chunks by hand (numpy's mean, cov with n - 1, corrcoef), columns= on every kind of
source, and data of extreme magnitudes: the covariances in units of cov_unit**2, with cov_unit the largest
column's power of two (2^floor(log2 max|x|)), as the Moments docstring says."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, ReadError

RNG = np.random.default_rng(2024)
X = RNG.integers(1, 6, size=(60, 4)).astype(float) + RNG.standard_normal((60, 4)) * 0.1
FRAME = pd.DataFrame(X, columns=["a", "b", "c", "d"])


def _raises(exc, text):
    return pytest.raises(exc, match="^" + re.escape(text) + "$")


def _chunks(frame, size=17):
    return (frame.iloc[i : i + size] for i in range(0, len(frame), size))


def _by_hand(x):
    cov = np.cov(x, rowvar=False, ddof=1)
    return x.mean(axis=0), cov, np.sqrt(np.diag(cov)), np.corrcoef(x, rowvar=False)


def test_file_refusals_word_for_word(tmp_path):
    missing = tmp_path / "none.csv"
    with _raises(ReadError, f"no data file at {missing}."):
        cma.prepare_stream(missing)
    with _raises(ReadError, f"{tmp_path} is a folder; give the .csv or .parquet file inside it."):
        cma.prepare_stream(tmp_path)
    txt = tmp_path / "data.txt"
    txt.write_text("a,b,c\n1,2,3\n")
    with _raises(
        ReadError,
        "cannot stream data.txt: give a .csv or .parquet file, an iterator of DataFrames, or a dask DataFrame.",
    ):
        cma.prepare_stream(str(txt))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with _raises(ReadError, f"cannot read {empty} as CSV: No columns to parse from file"):
        cma.prepare_stream(empty)
    for suffix in (".parquet", ".PQ"):
        bad = tmp_path / f"bad{suffix}"
        bad.write_bytes(b"not a parquet file at all")
        with pytest.raises(ReadError, match="^" + re.escape(f"cannot read {bad} as Parquet: ") + r"\S"):
            cma.prepare_stream(bad)
    upper = tmp_path / "EMPTY.CSV"
    upper.write_text("")
    with _raises(ReadError, f"cannot read {upper} as CSV: No columns to parse from file"):
        cma.prepare_stream(upper)


def test_source_and_argument_refusals_word_for_word():
    with _raises(ArgumentError, "this is data in memory: use cma.prepare(data)."):
        cma.prepare_stream(FRAME)
    with _raises(ArgumentError, "this is data in memory: use cma.prepare(data)."):
        cma.prepare_stream(X)
    with _raises(
        ArgumentError,
        "cannot stream a int: give a .csv or .parquet path, an iterator of DataFrames, or a dask DataFrame.",
    ):
        cma.prepare_stream(5)
    with _raises(DataError, "columns= names 'zz', 'yy', which the data do not have."):
        cma.prepare_stream(_chunks(FRAME), columns=["a", "zz", "yy"])
    for bad in (0, -3, 2.5, True, "10"):
        with _raises(ArgumentError, f"chunksize must be a positive whole number; got {bad!r}."):
            cma.prepare_stream(_chunks(FRAME), chunksize=bad)
    with _raises(
        ArgumentError,
        "missing='fiml' is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'.",
    ):
        cma.prepare_stream(_chunks(FRAME), missing="fiml")
    with _raises(DataError, "the source gave no data."):
        cma.prepare_stream(iter([]))


def test_chunks_with_other_columns_word_for_word():
    other = FRAME.rename(columns={"c": "z"})
    with _raises(
        DataError,
        "chunk 2 has columns ['a', 'b', 'z', 'd'] where the first had ['a', 'b', 'c', 'd']; every chunk "
        "needs the same items.",
    ):
        cma.prepare_stream(iter([FRAME.iloc[:20], other.iloc[20:40]]))
    with _raises(
        DataError,
        "chunk 3 has columns 3 where the first had 4; every chunk needs the same items.",
    ):
        cma.prepare_stream(iter([X[:20], X[20:40], X[40:, :3]]))
    with _raises(
        DataError,
        "chunk 2 has columns 4 where the first had ['a', 'b', 'c', 'd']; every chunk needs the same items.",
    ):
        cma.prepare_stream(iter([FRAME.iloc[:20], X[20:40]]))
    with _raises(
        DataError,
        "chunk 2 has columns ['a', 'b', 'c', 'd'] where the first had 4; every chunk needs the same items.",
    ):
        cma.prepare_stream(iter([X[:20], FRAME.iloc[20:40]]))
    with _raises(DataError, "data has 2 item(s); this analysis needs at least 3."):
        cma.prepare_stream(iter([X[:20, :2], X[20:, :2]]))


def test_moments_of_chunks_by_hand(tmp_path):
    """Frames, arrays, a CSV and a Parquet file, read in chunks of 7 to 17 rows; columns= picks and orders."""
    mean, cov, sd, corr = _by_hand(X)
    csv = tmp_path / "x.csv"
    FRAME.to_csv(csv, index=False)
    pq = tmp_path / "x.parquet"
    FRAME.to_parquet(pq)
    sources = [_chunks(FRAME), iter([X[:13], X[13:50], X[50:]]), csv, str(pq)]
    for src, names in zip(sources, ["abcd", ["item1", "item2", "item3", "item4"], "abcd", "abcd"]):
        m = cma.prepare_stream(src, chunksize=7)
        assert m.names == tuple(names)
        assert m.n_obs == 60 and m.n_rows == 60 and m.cov_unit == 1.0
        np.testing.assert_allclose(m.means, mean, rtol=5e-15)
        np.testing.assert_allclose(m.cov, cov, rtol=2e-14, atol=1e-16)
        np.testing.assert_allclose(m.sds, sd, rtol=5e-15)
        np.testing.assert_allclose(m.corr, corr, rtol=0, atol=5e-15)
    # columns= in the order given, from every kind of source (a CSV's were once read in the file's order)
    for src, sub in ((_chunks(FRAME), ["d", "a", "c"]), (pq, ["d", "a", "c"]), (csv, ["d", "a", "c"])):
        mean, cov, sd, corr = _by_hand(FRAME[sub].to_numpy())
        m = cma.prepare_stream(src, chunksize=11, columns=sub)
        assert m.names == tuple(sub)
        np.testing.assert_allclose(m.cov, cov, rtol=2e-14, atol=1e-16)
        np.testing.assert_allclose(m.means, mean, rtol=5e-15)


@pytest.mark.parametrize("scales", [(1e200, 1.0, 1e-200, 3.0), (1e-250, 1e-250, 5e-251, 1e-249)])
def test_extreme_magnitudes_in_units_of_cov_unit(scales):
    """Columns of 1e200 and 1e-200: the covariance returned is cov / cov_unit**2, cov_unit = the largest of the
    columns' powers of two 2^floor(log2 max|x_j|) in the first chunk; means and sds in the data's units."""
    scales = np.asarray(scales)
    x = X * scales
    x[25:] *= 8  # the second chunk three binary orders larger: the units are the first chunk's
    top = np.abs(x[:25]).max(axis=0)
    units = np.ldexp(1.0, np.frexp(top)[1] - 1)  # 2^floor(log2 top): top / units in [1, 2)
    unit = units.max()
    mean, cov_s, sd_s, corr = _by_hand(x / units)  # the exact rescaling, by hand
    m = cma.prepare_stream(iter([x[:25], x[25:]]))
    assert m.cov_unit == unit
    rel = units / unit
    np.testing.assert_allclose(m.cov, cov_s * np.outer(rel, rel), rtol=5e-15, atol=0)
    np.testing.assert_allclose(m.means, mean * units, rtol=5e-15)
    np.testing.assert_allclose(m.sds, sd_s * units, rtol=5e-15)
    np.testing.assert_allclose(m.corr, corr, rtol=0, atol=5e-15)


def test_dask_moments_by_hand_and_refusal():
    """A dask DataFrame of three partitions: the moments by hand; columns= picks; fewer than 3 items refused."""
    import dask.dataframe as dd

    ddf = dd.from_pandas(FRAME, npartitions=3)
    mean, cov, sd, corr = _by_hand(X)
    m = cma.prepare_stream(ddf)
    assert m.names == ("a", "b", "c", "d") and m.n_obs == 60
    np.testing.assert_allclose(m.cov, cov, rtol=2e-14, atol=1e-16)
    np.testing.assert_allclose(m.means, mean, rtol=5e-15)
    sub = ["c", "a", "b"]
    mean, cov, sd, corr = _by_hand(FRAME[sub].to_numpy())
    m = cma.prepare_stream(ddf, columns=sub, missing="pairwise")
    assert m.names == tuple(sub) and m.missing == "pairwise"
    np.testing.assert_allclose(m.cov, cov, rtol=2e-14, atol=1e-16)
    x = X * np.array([1e200, 1.0, 1e-200, 3.0])
    x[30:] *= 8  # the second partition three binary orders larger: the units are the first partition's
    units = np.ldexp(1.0, np.frexp(np.abs(x[:30]).max(axis=0))[1] - 1)
    mean, cov_s, sd_s, corr = _by_hand(x / units)
    m = cma.prepare_stream(dd.from_pandas(pd.DataFrame(x, columns=list("abcd")), npartitions=2))
    assert m.cov_unit == units.max()
    rel = units / units.max()
    np.testing.assert_allclose(m.cov, cov_s * np.outer(rel, rel), rtol=5e-15)
    np.testing.assert_allclose(m.sds, sd_s * units, rtol=5e-15)
    with _raises(DataError, "data has 2 item(s); this analysis needs at least 3."):
        cma.prepare_stream(ddf, columns=["a", "b"])


def test_a_reading_error_without_words_is_named_by_its_type(tmp_path, monkeypatch):
    """An exception whose message is empty: the ReadError names its type instead."""
    csv = tmp_path / "x.csv"
    FRAME.to_csv(csv, index=False)

    def broken(*args, **kwargs):
        raise ValueError("")

    monkeypatch.setattr(pd, "read_csv", broken)
    with _raises(ReadError, f"cannot read {csv} as CSV: ValueError"):
        cma.prepare_stream(csv)


def test_files_are_read_chunksize_rows_at_a_time(tmp_path, monkeypatch):
    """The Parquet reader is asked for batches of chunksize rows, the CSV reader for chunks of chunksize."""
    import pyarrow.parquet as pq

    pqf = tmp_path / "x.parquet"
    FRAME.to_parquet(pqf)
    csv = tmp_path / "x.csv"
    FRAME.to_csv(csv, index=False)
    asked = []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        asked.append(kwargs.get("batch_size"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    sizes = []
    read_csv = pd.read_csv

    def spy_csv(*args, **kwargs):
        sizes.append(kwargs.get("chunksize"))
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy_csv)
    cma.prepare_stream(pqf, chunksize=7)
    cma.prepare_stream(csv, chunksize=9)
    assert asked == [7] and sizes == [9]


def test_a_csv_with_a_byte_order_mark_is_read_as_utf8(tmp_path):
    """The file is handed to pandas as bytes, so a UTF-8 byte order mark (Excel's 'CSV UTF-8') is not part of
    the first column's name."""
    csv = tmp_path / "bom.csv"
    FRAME.to_csv(csv, index=False, encoding="utf-8-sig")
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    m = cma.prepare_stream(csv)
    assert m.names == ("a", "b", "c", "d")


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_missing_answers_by_hand_on_every_path(tmp_path, missing):
    """A tenth of the answers missing: listwise, the moments of the 38 complete rows (pandas' dropna, mean,
    cov); pairwise, pandas' pairwise cov and corr, each item's mean of its answers and the counts of
    respondents answering both; from chunks, a CSV file and dask alike."""
    import dask.dataframe as dd

    rng = np.random.default_rng(5)
    x = rng.standard_normal((60, 4))
    x[rng.uniform(size=x.shape) < 0.1] = np.nan
    frame = pd.DataFrame(x, columns=list("abcd"))
    csv = tmp_path / "holes.csv"
    frame.to_csv(csv, index=False)
    ref = frame.dropna() if missing == "listwise" else frame
    for src in (iter([frame.iloc[:20], frame.iloc[20:]]), csv, dd.from_pandas(frame, npartitions=3)):
        m = cma.prepare_stream(src, missing=missing, chunksize=25)
        assert m.missing == missing and m.n_rows == 60
        assert m.n_obs == (38 if missing == "listwise" else 60)
        np.testing.assert_allclose(m.cov, ref.cov().to_numpy(), rtol=0, atol=5e-15)
        np.testing.assert_allclose(m.corr, ref.corr().to_numpy(), rtol=0, atol=5e-15)
        np.testing.assert_allclose(m.means, ref.mean().to_numpy(), rtol=0, atol=5e-15)
        if missing == "pairwise":
            answered = frame.notna().astype(int)
            np.testing.assert_array_equal(m.pairwise_n, (answered.T @ answered).to_numpy())
