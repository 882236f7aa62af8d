"""RMSEA power and sample size against semTools (tests/reference/sem/rmsea_power.json)."""

from __future__ import annotations

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem.power import rmsea_power, rmsea_sample_size
from tests.psychometrics.sem.conftest import reference_json


def test_power_matches_semtools():
    ref = reference_json("rmsea_power")["power"]
    ours = [
        rmsea_power(r0, ra, df, n, groups=int(g))
        for r0, ra, df, n, g in zip(ref["rmsea0"], ref["rmseaA"], ref["df"], ref["n"], ref["group"])
    ]
    np.testing.assert_allclose(ours, ref["power"], rtol=1e-9)


def test_sample_size_matches_semtools():
    ref = reference_json("rmsea_power")["sample_size"]
    ours = [rmsea_sample_size(0.05, ra, df, groups=int(g)) for df, ra, g in zip(ref["df"], ref["rmseaA"], ref["group"])]
    assert ours == ref["n"]


def test_power_by_hand_and_bad_arguments():
    # not-close fit with rmsea_a = 0: lambda_0 = 299 * 24 * .05^2 = 17.94; power = P(chi2_24 < crit)
    from scipy import stats

    crit = stats.ncx2.ppf(0.05, 24, 299 * 24 * 0.0025)
    assert rmsea_power(0.05, 0.0, 24, 300) == pytest.approx(stats.chi2.cdf(crit, 24), rel=1e-12)
    with pytest.raises(cma.errors.ArgumentError, match="different"):
        rmsea_power(0.05, 0.05, 24, 300)
    with pytest.raises(cma.errors.ArgumentError, match="df"):
        rmsea_sample_size(0.05, 0.08, 0)
