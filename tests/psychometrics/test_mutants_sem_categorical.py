"""Mutation tests for the ordinal (WLSMV) part of the SEM engine (sem.categorical): every row of
parameterEstimates() against lavaan (tests/reference/sem/ordinal_wlsmv.json, ordinal_groups_partial.json,
made by make_sem_reference.R and make_ordinal_groups_reference.R, lavaan 0.6-14) and each refusal's whole
message."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.results import IdentificationError
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import ORD3, SEM_REF, reference_json

TH_LD = ["thresholds", "loadings"]


def _raises(exc, text, fn, *args, **kw):
    with pytest.raises(exc, match="^" + re.escape(text) + "$"):
        fn(*args, **kw)


@pytest.fixture(scope=shared_scope)
def five():
    return pd.read_csv(SEM_REF / "ordinal_5point.csv")


@pytest.fixture(scope=shared_scope)
def groups():
    return pd.read_csv(SEM_REF / "ordinal_groups.csv")


@pytest.fixture(scope=shared_scope)
def ord_fit(five):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sem_fit(five, ORD3, ordered=True)


def test_ordinal_estimates_every_row_as_lavaan(ord_fit):
    """All 81 rows of lavaan's parameterEstimates (ordinal_wlsmv): estimates, standard errors (0 for what is
    fixed: first loadings, the delta parameterization's residual variances, intercepts, scales), z and p
    missing exactly where lavaan's are (NA), the 95% interval est -+ 1.959964 se."""
    est = ord_fit.estimates
    ref = pd.DataFrame(reference_json("ordinal_wlsmv")["estimates"])
    for c in ("z", "pvalue"):
        ref[c] = pd.to_numeric(ref[c], errors="coerce")
    both = est.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_r"), how="outer", indicator=True)
    assert (both["_merge"] == "both").all() and len(both) == len(est) == 81
    for col, tol in (("est", 2e-5), ("se", 2e-5), ("std.lv", 2e-5), ("std.all", 2e-5)):
        np.testing.assert_allclose(both[col], both[col + "_r"], rtol=tol, atol=1e-6, err_msg=col)
    fixed = ~both["free"]
    assert (both.loc[fixed, "se"] == 0.0).all() and fixed.sum() == 3 + 9 + 12 + 9
    assert (both["z"].isna() == both["z_r"].isna()).all()
    assert (both["p_value"].isna() == both["pvalue"].isna()).all()
    np.testing.assert_allclose(both["z"], both["z_r"], rtol=1e-5)
    q = stats.norm.ppf(0.975)
    np.testing.assert_allclose(est["ci.lower"], est["est"] - q * est["se"], atol=1e-12)
    np.testing.assert_allclose(est["ci.upper"], est["est"] + q * est["se"], atol=1e-12)


def test_threshold_partial_spellings_as_lavaan(groups):
    """group_partial frees thresholds written with or without spaces ('u3|t1', 'u3 | t2'): lavaan's
    ordinal_groups_partial (group.partial = u3's four thresholds)."""
    ref = reference_json("ordinal_groups_partial")["fit"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sem_fit(
            groups,
            ORD3,
            ordered=True,
            group="g",
            group_equal=TH_LD,
            group_partial=["u3|t1", "u3 | t2", "u3 |t3", "u3| t4"],
        )
    assert fit.fit_measures["chisq"] == pytest.approx(ref["chisq"], rel=1e-6)
    assert fit.fit_measures["df"] == ref["df"]


def test_ordinal_refusals_whole_messages(five, groups):
    kw = dict(ordered=True, group="g", group_equal=TH_LD)
    _raises(
        ArgumentError,
        "group_partial names threshold(s) the model does not have: u3 | t9, zz | t1.",
        sem_fit,
        groups,
        ORD3,
        group_partial=["u3 | t9", "zz | t1"],
        **kw,
    )
    _raises(
        ArgumentError,
        "group_partial: 'u3 | 1' is not a threshold such as 'x3 | t1'.",
        sem_fit,
        groups,
        ORD3,
        group_partial=["u3 | 1"],
        **kw,
    )
    # three items: 3 x 4 thresholds + 3 polychoric correlations = 15 moments; 12 thresholds, 2 loadings, the
    # factor variance and one residual covariance = 16 parameters
    _raises(
        IdentificationError,
        "the model has 16 free parameters but only 15 thresholds and polychoric correlations (df = -1): "
        "it is not identified.",
        sem_fit,
        five,
        "f =~ u1 + u2 + u3\nu1 ~~ u2",
        ordered=True,
    )


def test_a_category_empty_in_one_group_is_refused(groups):
    """A category no case of one group uses: the message names the item, the categories (singular/plural)
    and the group."""
    tail = (
        "which other groups use: its thresholds cannot be estimated there. Merge the empty category with its "
        "neighbour in every group (recode the item) and refit."
    )
    for gone, words in (([1, 2], "categories 1, 2"), ([1], "category 1")):
        data = groups.copy()
        data.loc[(data["g"] == "B") & data["u1"].isin(gone), "u1"] = 3
        _raises(
            DataError,
            f"item 'u1' has no case in {words} in group 'B' of 'g', {tail}",
            sem_fit,
            data,
            ORD3,
            ordered=True,
            group="g",
        )
