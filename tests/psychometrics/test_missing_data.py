"""Likert data with holes: listwise and pairwise deletion checked against pandas and pingouin.

pandas' ``DataFrame.corr()``/``cov()`` use pairwise-complete observations with each pair's own means,
exactly R's ``use = "pairwise"``; ``dropna()`` then ``corr()`` is listwise deletion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest

import cmanalytics as cma
from tests.conftest import likert


@pytest.fixture(params=[0, 1, 2])
def holey(request):
    return likert(150, 8, seed=request.param, missing=0.08)


def test_pairwise_correlation_equals_pandas(holey):
    ours = cma.correlation(holey, missing="pairwise")
    np.testing.assert_allclose(ours.to_numpy(), holey.corr().to_numpy(), rtol=0, atol=1e-12)
    counts = holey.notna().astype(int).T @ holey.notna().astype(int)
    np.testing.assert_array_equal(ours.attrs["pairwise_n"].to_numpy(), counts.to_numpy())
    assert ours.attrs["n_obs"] == len(holey)


def test_listwise_correlation_equals_dropna(holey):
    complete = holey.dropna()
    ours = cma.correlation(holey)
    np.testing.assert_allclose(ours.to_numpy(), complete.corr().to_numpy(), rtol=0, atol=1e-12)
    assert ours.attrs["n_obs"] == len(complete)
    assert cma.bartlett(holey).n_obs == len(complete)


def test_pairwise_alpha_equals_pingouin(holey):
    ours = cma.cronbach_alpha(holey, missing="pairwise")
    theirs, ci = pingouin.cronbach_alpha(holey, nan_policy="pairwise")
    assert ours.alpha == pytest.approx(theirs, abs=1e-12)
    # pingouin rounds its Feldt interval to 3 decimals and uses all rows, as psych does
    np.testing.assert_allclose(np.round(ours.ci, 3), ci, atol=1e-12)
    # item means over all available answers (psych's colMeans(na.rm = TRUE))
    np.testing.assert_allclose(ours.item_stats["mean"], holey.mean(), atol=1e-12)
    np.testing.assert_allclose(ours.item_stats["sd"], holey.std(), atol=1e-12)


def test_listwise_alpha_equals_pingouin(holey):
    ours = cma.cronbach_alpha(holey, missing="listwise")
    theirs, _ = pingouin.cronbach_alpha(holey, nan_policy="listwise")
    assert ours.alpha == pytest.approx(theirs, abs=1e-12)
    assert ours.n_obs == len(holey.dropna())


def test_pairwise_efa_is_the_efa_of_the_pairwise_matrix(holey):
    r = holey.corr()
    a = cma.efa(holey, n_factors=2, method="minres", rotation="oblimin", missing="pairwise")
    b = cma.efa(corr=r, n_obs=len(holey), n_factors=2, method="minres", rotation="oblimin")
    np.testing.assert_allclose(a.loadings.to_numpy(), b.loadings.to_numpy(), atol=1e-10)
    assert a.n_obs == len(holey) and a.missing == "pairwise"
    assert cma.kmo(holey, missing="pairwise").overall == pytest.approx(cma.kmo(corr=r, n_obs=150).overall, abs=1e-12)


def test_nullable_integer_columns():
    df = likert(80, 5, seed=9, missing=0.05).astype("Int64")
    assert df.isna().any().any()
    ours = cma.correlation(df, missing="pairwise")
    np.testing.assert_allclose(ours.to_numpy(), df.astype(float).corr().to_numpy(), atol=1e-12)


def test_prepared_items_give_the_same_results(holey):
    items = cma.prepare(holey, missing="pairwise")
    assert cma.kmo(items).overall == cma.kmo(holey, missing="pairwise").overall
    assert cma.cronbach_alpha(items).alpha == pytest.approx(
        cma.cronbach_alpha(holey, missing="pairwise").alpha, abs=1e-15
    )
    a = cma.efa(items, n_factors=2).loadings
    b = cma.efa(holey, n_factors=2, missing="pairwise").loadings
    pd.testing.assert_frame_equal(a, b)
    # reverse-keying prepared items needs the scale; it then equals reversing the raw answers
    with pytest.raises(cma.errors.ArgumentError, match="scale"):
        cma.cronbach_alpha(items, reverse=["q1"])
    flipped = holey.assign(q1=6 - holey["q1"])
    assert cma.cronbach_alpha(items, reverse=["q1"], scale=(1, 5)).alpha == pytest.approx(
        cma.cronbach_alpha(flipped, missing="pairwise").alpha, abs=1e-12
    )
