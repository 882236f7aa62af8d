"""Agreement with R psych 2.2.9 on data the engine was not written against: Likert items with missing
values under both policies, and ordinal items for polychoric correlations. The CSVs in tests/reference
are R's own output (tests/reference/make_reference.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from tests.conftest import match_columns

REF = Path(__file__).resolve().parents[1] / "reference"
DATA = pd.read_csv(REF / "likert_missing.csv")


def read(name):
    return pd.read_csv(REF / name, index_col=0)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_adequacy_alpha_and_loadings_under_missing_data(policy):
    scal = pd.read_csv(REF / f"psych_{policy}_scalars.csv").iloc[0]
    items = read(f"psych_{policy}_items.csv")
    assert DATA.isna().any().any()
    k = cma.kmo(DATA, missing=policy)
    assert k.overall == pytest.approx(scal["kmo"], abs=1e-8)
    np.testing.assert_allclose(k.per_item, items["msa"], atol=1e-8)
    b = cma.bartlett(DATA, missing=policy)
    assert b.chi2 == pytest.approx(scal["bartlett_chi2"], abs=1e-8) and b.df == scal["bartlett_df"]
    assert b.n_obs == scal["n"]
    a = cma.cronbach_alpha(DATA, missing=policy)
    assert a.alpha == pytest.approx(scal["raw_alpha"], abs=1e-8)
    assert a.std_alpha == pytest.approx(scal["std_alpha"], abs=1e-8)
    assert a.ci[0] == pytest.approx(scal["feldt_lower"], abs=1e-8)
    assert a.ci[1] == pytest.approx(scal["feldt_upper"], abs=1e-8)
    np.testing.assert_allclose(a.item_stats["r_drop"], items["r_drop"], atol=1e-8)
    np.testing.assert_allclose(a.item_stats["alpha_if_deleted"], items["alpha_drop"], atol=1e-8)
    np.testing.assert_allclose(a.item_stats["mean"], items["mean"], atol=1e-8)
    np.testing.assert_allclose(a.item_stats["sd"], items["sd"], atol=1e-8)
    pc = cma.efa(DATA, n_factors=2, method="pca", rotation="varimax", missing=policy)
    theirs = read(f"psych_{policy}_pca_varimax.csv").to_numpy()
    np.testing.assert_allclose(match_columns(pc.loadings.to_numpy(), theirs)[0], theirs, atol=1e-8)
    fa = cma.efa(DATA, n_factors=2, method="minres", rotation="oblimin", missing=policy)
    theirs = read(f"psych_{policy}_minres_oblimin.csv").to_numpy()
    ours, perm, signs = match_columns(fa.loadings.to_numpy(), theirs)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    phi = fa.phi.to_numpy()[np.ix_(perm, perm)] * np.outer(signs, signs)
    np.testing.assert_allclose(phi, read(f"psych_{policy}_minres_oblimin_phi.csv").to_numpy(), atol=1e-4)


def test_polychoric_matches_psych():
    data = pd.read_csv(REF / "ordinal_300x8.csv")
    res = cma.polychoric(data, correct=0)  # the reference is psych::polychoric(x, correct = 0)
    np.testing.assert_allclose(res.rho, read("psych_polychoric_rho.csv").to_numpy(), atol=1e-3)
    np.testing.assert_allclose(res.thresholds.to_numpy(), read("psych_polychoric_tau.csv").to_numpy(), atol=1e-10)
    # the same through the public entry points
    corr = cma.correlation(data, method="polychoric")
    np.testing.assert_allclose(corr.to_numpy(), res.rho, atol=1e-12)
    items = cma.prepare(data, method="polychoric")
    assert cma.kmo(items).overall == pytest.approx(cma.kmo(corr=res.rho, n_obs=300).overall, abs=1e-12)
    ordinal = cma.cronbach_alpha(items)
    p = res.rho.shape[0]
    assert ordinal.alpha == pytest.approx(p / (p - 1) * (1 - p / res.rho.sum()), abs=1e-12)


def test_ordinal_alpha_honours_reverse_keys():
    """Reversing an ordinal item's categories negates its polychoric correlations: ordinal alpha with
    reverse=["i1"] is p/(p-1) (1 - p / 1'DRD1) with D flipping i1, computed here from R's matrix."""
    data = pd.read_csv(REF / "ordinal_300x8.csv")[["i0", "i1", "i3", "i6"]]
    rho = read("psych_polychoric_rho.csv").loc[["i0", "i1", "i3", "i6"], ["i0", "i1", "i3", "i6"]].to_numpy()
    d = np.array([1.0, -1.0, 1.0, 1.0])
    p = 4
    expected = p / (p - 1) * (1 - p / (rho * np.outer(d, d)).sum())
    res = cma.cronbach_alpha(cma.prepare(data, method="polychoric"), reverse=["i1"])
    assert res.alpha == pytest.approx(expected, abs=2e-3)  # the polychoric estimates agree to 1e-3
    assert res.reversed == ("i1",)
    by_hand = cma.cronbach_alpha(cma.prepare(data.assign(i1=6 - data["i1"]), method="polychoric"))
    assert res.alpha == pytest.approx(by_hand.alpha, abs=1e-6)
