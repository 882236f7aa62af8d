"""The streaming path gives the in-memory results (within 1e-10), from every kind of source."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.streaming import MomentAccumulator
from tests.conftest import likert, shared_scope


@pytest.fixture(scope=shared_scope)
def survey():
    df = likert(5000, 10, seed=12, k=2, missing=0.04)
    df["q3"] = df["q3"] * 1000 + 250_000  # a column whose mean dwarfs its spread
    return df


def assert_same(a, b):
    np.testing.assert_allclose(a.corr, b.corr, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(a.means, b.means, rtol=1e-12)
    assert a.n_obs == b.n_obs and a.names == b.names


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_csv_parquet_iterator_and_dask_equal_memory(survey, tmp_path, missing):
    memory = cma.prepare(survey, missing=missing)
    csv = tmp_path / "s.csv"
    survey.to_csv(csv, index=False)
    assert_same(cma.prepare_stream(csv, missing=missing, chunksize=700), memory)
    pq = tmp_path / "s.parquet"
    survey.to_parquet(pq)
    assert_same(cma.prepare_stream(pq, missing=missing, chunksize=999), memory)
    chunks = (survey.iloc[i : i + 333] for i in range(0, len(survey), 333))
    assert_same(cma.prepare_stream(chunks, missing=missing), memory)
    import dask.dataframe as dd

    ddf = dd.from_pandas(survey, npartitions=7)
    import dask

    # dask's local threaded scheduler, on a pool of this test's own (dask's shared pool does not survive a fork,
    # and mutation testing forks a worker per mutant)
    with ThreadPoolExecutor(2) as pool, dask.config.set(scheduler="threads", pool=pool):
        assert_same(cma.prepare_stream(ddf, missing=missing), memory)
    # and the analyses on it
    streamed = cma.prepare_stream(csv, missing=missing, chunksize=1000)
    assert cma.kmo(streamed).overall == pytest.approx(cma.kmo(memory).overall, abs=1e-10)
    assert cma.cronbach_alpha(streamed).alpha == pytest.approx(cma.cronbach_alpha(memory).alpha, abs=1e-10)


def test_merge_in_any_order_equals_one_pass(survey):
    x = survey.to_numpy(dtype=float)
    names = tuple(survey.columns)
    for missing in ("listwise", "pairwise"):
        whole = MomentAccumulator(names, missing).add(x).moments()
        parts = [MomentAccumulator(names, missing).add(x[i::3]) for i in range(3)]
        merged = parts[2].merge(parts[0]).merge(parts[1]).moments()
        np.testing.assert_allclose(merged.corr, whole.corr, atol=1e-12)


def test_chunk_with_other_columns_is_an_error(survey):
    chunks = [survey.iloc[:100], survey.iloc[100:200].rename(columns={"q2": "Q2"})]
    with pytest.raises(cma.errors.DataError, match="chunk 2 has columns"):
        cma.prepare_stream(iter(chunks))
    with pytest.raises(cma.errors.ArgumentError, match="chunksize"):
        cma.prepare_stream(iter(chunks), chunksize=0)
    with pytest.raises(cma.errors.ArgumentError, match="in memory"):
        cma.prepare_stream(survey)


@pytest.mark.parametrize("factor", [1e-300, 1e155])
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_dask_at_extreme_scales_gives_the_unscaled_correlations(survey, factor, missing):
    """1e155 overflows a sum of squares and 1e-300 underflows it to "no variance": the dask path rescales by
    powers of two as the file path does, so the correlations are those of the unscaled data."""
    import dask
    import dask.dataframe as dd

    data = survey  # with 4% missing answers
    before = data.copy()
    ddf = dd.from_pandas(data * factor, npartitions=5)
    with ThreadPoolExecutor(2) as pool, dask.config.set(scheduler="threads", pool=pool):  # a pool of its own
        m = cma.prepare_stream(ddf, missing=missing)
    unscaled = cma.prepare(data, missing=missing)
    # achieved: 1.6e-15 on the correlations, 3.8e-15 relative on the standard deviations
    np.testing.assert_allclose(m.corr, unscaled.corr, rtol=0, atol=1e-14)
    np.testing.assert_allclose(m.sds, unscaled.sds * factor, rtol=1e-14)
    assert m.n_obs == unscaled.n_obs
    pd.testing.assert_frame_equal(data, before)
