"""bvn_upper outside its domain: a correlation beyond +-1 (by more than the 0.01 allowed for rounding) gave
whatever the uninitialized output array held (np.empty); it gives nan, and the rows inside the domain keep
their values (Owen's formula for r = 0.5 and r = 0; r = 1.005 is taken as 1)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from cmanalytics.psychometrics.ordinal import bvn_cdf, bvn_upper


def test_correlations_beyond_one_give_nan():
    r = np.array([1.5, -1.2, 0.0, 1.01, 1.005, -3.0, 255.0])
    h = np.array([0.3, -0.2, 0.4, 0.1, 0.7, 0.0, 1.0])
    k = np.array([0.1, 0.5, -1.0, 0.2, 0.2, 0.0, 2.0])
    for _ in range(3):  # fresh output arrays each time: no leftover memory can pass for a value
        got = bvn_upper(h, k, r)
        assert np.isnan(got[[0, 1, 3, 5, 6]]).all()
        assert got[2] == ndtr(-0.4) * ndtr(1.0)
        assert got[4] == ndtr(-0.7)  # 1.005: rounding of 1, Y = X
    assert np.isnan(bvn_cdf(0.0, 0.0, 2.0))
