"""Common-method variance: the single-factor CFA and the ULMC against lavaan, the marker adjustment by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import HeywoodWarning
from cmanalytics.psychometrics.sem.method_variance import method_variance
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import SEM_REF, reference_json

MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope=shared_scope)
def result():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    # a marker: noise with a small share of x1 (seeded), unrelated in theory to the abilities
    data["marker"] = np.random.default_rng(3).standard_normal(len(data)) + 0.1 * data["x1"]
    with pytest.warns(HeywoodWarning):  # on these data the ULMC pushes a trait correlation beyond 1, as in lavaan
        res = method_variance(data, MODEL, marker="marker")
    return data, res


def test_single_factor_and_ulmc_match_lavaan(result):
    _, res = result
    for row, name in (("single factor", "hs_single_factor"), ("ULMC", "hs_ulmc")):
        ref = reference_json(name)["fit"]
        assert res.table.loc[row, "chi2"] == pytest.approx(ref["chisq"], rel=1e-7)
        assert res.table.loc[row, "df"] == ref["df"]
        assert res.table.loc[row, "cfi"] == pytest.approx(ref["cfi"], rel=1e-6)
    est = pd.DataFrame(reference_json("hs_ulmc")["estimates"])
    want = est[(est["lhs"] == "method") & (est["op"] == "=~")]["std.all"].to_numpy(float)
    np.testing.assert_allclose(res.method_loading.to_numpy(), want, atol=1e-5)
    assert res.method_share == pytest.approx(np.mean(want**2), abs=1e-5)
    assert any("ULMC" in w for w in res.warnings)
    assert "Williams et al. 1989" in res.summary()


def test_marker_adjustment_by_hand(result):
    data, res = result
    r = data[[f"x{i}" for i in range(1, 10)] + ["marker"]].corr().to_numpy()
    r_m = r[-1, :-1][r[-1, :-1] > 0].min()
    assert res.marker["r_m"] == pytest.approx(r_m, abs=1e-12)
    # x4-x5: (r - r_M) / (1 - r_M)
    assert res.marker["adjusted"].loc["x4", "x5"] == pytest.approx((r[3, 4] - r_m) / (1 - r_m), abs=1e-12)


def test_bad_arguments(result):
    data, _ = result
    with pytest.raises(cma.errors.ArgumentError, match="marker"):
        method_variance(data, MODEL, marker="x1")
    with pytest.raises(cma.errors.ArgumentError, match="method"):
        method_variance(data, {"method": ["x1", "x2", "x3"], "b": ["x4", "x5", "x6"]})
