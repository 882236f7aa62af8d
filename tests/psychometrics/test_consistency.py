"""The audit of reported EFA figures: the study's published figures are impossible; real data never are."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmanalytics as cma
from cmanalytics.datasets import attitude, holzinger_swineford
from tests.conftest import likert

PART_A = dict(n_obs=112, n_items=14, n_factors=3, kmo=0.865, bartlett_chi2=830.506, variance_pct=73.39, alpha=0.913)
PART_B = dict(n_obs=112, n_items=13, n_factors=3, kmo=0.737, bartlett_chi2=821.712, variance_pct=75.32, alpha=0.866)


def test_published_part_a_is_inconsistent():
    audit = cma.audit_efa_report(**PART_A, rounding=False)
    assert not audit.consistent
    # The bound written out: lambda1 >= 1/(1 - .913 * 13/14) = 6.5697; S = 14 * .7339 = 10.2746;
    # lambda2 = lambda3 = (S - lambda1)/2; the other 11 equal (14 - S)/11;
    # chi2 >= (112 - 1 - 33/6) * -(ln l1 + 2 ln l2 + 11 ln l4) = 105.5 * 8.7944 = 927.8 (the domain note's figure).
    l1 = 1 / (1 - 0.913 * 13 / 14)
    s = 14 * 0.7339
    logdet = math.log(l1) + 2 * math.log((s - l1) / 2) + 11 * math.log((14 - s) / 11)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(-105.5 * logdet, abs=1e-9)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(927.8, abs=0.05)
    assert audit.bounds["n_max"] == 100  # "an n of about 101 or less"
    assert any("830.506" in f for f in audit.findings)


def test_published_part_b_is_inconsistent():
    audit = cma.audit_efa_report(**PART_B, rounding=False)
    assert not audit.consistent
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(847.5, abs=0.05)


def test_rounding_tolerance_is_lenient_but_still_inconsistent():
    exact = cma.audit_efa_report(**PART_A, rounding=False)
    lenient = cma.audit_efa_report(**PART_A)
    assert lenient.bounds["bartlett_chi2_min"] < exact.bounds["bartlett_chi2_min"]
    assert not lenient.consistent and not cma.audit_efa_report(**PART_B).consistent


def figures(df, k):
    """What a paper would print for a data set."""
    items = cma.prepare(df)
    res = cma.efa(items, n_factors=k)
    return dict(
        n_obs=items.n_obs,
        n_items=items.n_items,
        n_factors=k,
        kmo=cma.kmo(items).overall,
        bartlett_chi2=cma.bartlett(items).chi2,
        alpha=cma.cronbach_alpha(items).alpha,
        variance_pct=float(res.variance_explained[("Extraction Sums of Squared Loadings", "Cumulative %")].iloc[k - 1]),
    )


@pytest.mark.parametrize("df,k", [(holzinger_swineford(), 3), (attitude(), 2)])
def test_figures_from_real_data_are_consistent(df, k):
    f = figures(df, k)
    audit = cma.audit_efa_report(**f, rounding=False)
    assert audit.consistent, audit.findings
    assert f["bartlett_chi2"] >= audit.bounds["bartlett_chi2_min"]
    assert audit.bounds["n_max"] >= f["n_obs"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4), n=st.integers(40, 400))
def test_any_data_set_satisfies_the_bounds(seed, k, n):
    df = likert(n, 10, seed=seed, k=3)
    f = figures(df, k)
    audit = cma.audit_efa_report(**f, rounding=False)
    assert audit.consistent, audit.findings
    assert f["bartlett_chi2"] >= audit.bounds["bartlett_chi2_min"] - 1e-6
    if "alpha_max" in audit.bounds:
        assert f["alpha"] <= audit.bounds["alpha_max"] + 1e-9


def test_bad_arguments():
    with pytest.raises(cma.errors.ArgumentError, match="n_factors"):
        cma.audit_efa_report(n_obs=100, n_items=5, n_factors=6)
    with pytest.raises(cma.errors.ArgumentError, match="n_obs"):
        cma.audit_efa_report(n_obs=0, n_items=5, n_factors=1)
    audit = cma.audit_efa_report(n_obs=100, n_items=5, n_factors=1, kmo=1.3)
    assert not audit.consistent
